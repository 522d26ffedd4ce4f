//! SageMaker Feature Store feature groups: `CreateFeatureGroup`; state changes as "SageMaker
//! Feature Group State Change". A feature group holds data, in an online store (a low-latency
//! store, `OnlineStoreConfig`) and an offline store (Parquet or Iceberg files under an S3 prefix,
//! `OfflineStoreConfig.S3StorageConfig`), at least one of them.
//!
//! `volume-kms` judges the online store's key (`OnlineStoreConfig.SecurityConfig.KmsKeyId`;
//! Security Hub SageMaker.18, "online stores with standard storage should be encrypted with AWS
//! KMS keys"), `output-kms` the offline store's (`OfflineStoreConfig.S3StorageConfig.KmsKeyId`;
//! SageMaker.17). Both Security Hub controls accept any KMS key; the guardrail also refuses AWS
//! managed ones. An online store on the `InMemory` tier is outside SageMaker.18's scope, and
//! whether that tier takes a customer key is not documented: not judged (said so in the
//! finding). `Standard` and `Standard_V2` are judged.
//!
//! Containment would be `DeleteFeatureGroup`, which deletes the records of both stores: a
//! non-compliant feature group is alerted only, unless the policy lists `feature-group` in
//! `[remediation] opt_in`.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Output, Volume};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct FeatureGroup;

/// Where a feature group keeps its records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeatureGroupConfig {
    /// `OnlineStoreConfig`, when `EnableOnlineStore` is true.
    pub online: Option<OnlineStore>,
    /// `OfflineStoreConfig.S3StorageConfig`, when there is one.
    pub offline: Option<OfflineStore>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OnlineStore {
    /// `SecurityConfig.KmsKeyId`.
    pub kms_key_id: Option<String>,
    /// `StorageType`: `Standard` (AWS's default) or `InMemory`.
    pub storage_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfflineStore {
    /// `S3StorageConfig.KmsKeyId`.
    pub kms_key_id: Option<String>,
}

impl Kind for FeatureGroup {
    const NAME: &'static str = "feature-group";
    const LABEL: &'static str = "feature group";
    type Config = FeatureGroupConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateFeatureGroup",
        name_key: "featureGroupName",
        arn_key: "featureGroupArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Feature Group State Change"),
        name_key: "FeatureGroupName",
        arn_key: "FeatureGroupArn",
        status_key: "FeatureGroupStatus",
    };
    const CREATE_CALL: &'static str = "CreateFeatureGroup";
    const DESCRIBE_CALL: &'static str = "DescribeFeatureGroup";
    const STOP: Stop = Stop::deleting_on_opt_in("DeleteFeatureGroup");
    /// `FeatureGroupStatusEquals`: the groups that hold data (a failed deletion still does).
    const LISTING: Listing = Listing {
        call: "ListFeatureGroups",
        statuses: &["Created", "DeleteFailed"],
        excluded: &[],
    };

    /// API reference, `FeatureGroupStatus`.
    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Created" | "DeleteFailed" => Lifecycle::Active(s),
            "Creating" => Lifecycle::Transitional(s),
            "CreateFailed" | "Deleting" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<FeatureGroupConfig, FieldError> {
        let online = match s.get("OnlineStoreConfig")? {
            Some(c) if c.bool_or_false("EnableOnlineStore")? => Some(OnlineStore {
                kms_key_id: c.path_str(&["SecurityConfig", "KmsKeyId"])?,
                storage_type: c.str("StorageType")?.unwrap_or_else(|| "Standard".into()),
            }),
            _ => None,
        };
        let offline = match s.get("OfflineStoreConfig")? {
            Some(c) => Some(OfflineStore {
                kms_key_id: c.path_str(&["S3StorageConfig", "KmsKeyId"])?,
            }),
            None => None,
        };
        Ok(FeatureGroupConfig { online, offline })
    }
}

impl Facets for FeatureGroupConfig {
    /// The online store.
    fn volume(&self) -> Facet<Volume<'_>> {
        match &self.online {
            None => Facet::NotApplicable("no online store".into()),
            Some(store) if store.storage_type == "InMemory" => Facet::NotApplicable(
                "an InMemory online store: outside Security Hub SageMaker.18 (standard storage), \
                 and AWS documents no customer key for it"
                    .into(),
            ),
            Some(store) if !["Standard", "Standard_V2"].contains(&store.storage_type.as_str()) => Facet::Unknown(format!(
                "online store StorageType {} is not one this version knows",
                store.storage_type
            )),
            Some(store) => Facet::One(Volume {
                instances: Vec::new(),
                key: store.kms_key_id.as_deref(),
                what: "online store",
            }),
        }
    }

    /// The offline store's S3 files.
    fn output(&self) -> Facet<Output<'_>> {
        match &self.offline {
            None => Facet::NotApplicable("no offline store".into()),
            Some(store) => Facet::One(Output {
                key: store.kms_key_id.as_deref(),
                what: "offline store (S3)",
            }),
        }
    }

    fn key_references(&self) -> Vec<&str> {
        let online = self.online.as_ref().and_then(|s| s.kms_key_id.as_deref());
        let offline = self.offline.as_ref().and_then(|s| s.kms_key_id.as_deref());
        online.into_iter().chain(offline).collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{status, KEY};
    use crate::controls::{output_kms, volume_kms, vpc_attached};
    use crate::resource::{Details, ResourceKind};

    fn snapshot(f: impl FnOnce(&mut FeatureGroupConfig)) -> crate::resource::Snapshot {
        let mut c = FeatureGroupConfig {
            online: Some(OnlineStore {
                kms_key_id: Some(KEY.into()),
                storage_type: "Standard".into(),
            }),
            offline: Some(OfflineStore {
                kms_key_id: Some(KEY.into()),
            }),
        };
        f(&mut c);
        let mut s = crate::controls::fixtures::training(|_| {});
        s.id.kind = ResourceKind::FeatureGroup;
        s.details = Details::FeatureGroup(c);
        s
    }

    fn online(c: &mut FeatureGroupConfig) -> &mut OnlineStore {
        c.online.get_or_insert(OnlineStore {
            kms_key_id: None,
            storage_type: "Standard".into(),
        })
    }

    /// Security Hub SageMaker.17 and .18, with AWS's carve-out for the InMemory tier.
    #[test]
    fn table() {
        let policy = crate::Policy::baseline();
        let cases = [
            ("compliant", snapshot(|_| {}), volume_kms::ID, "PASS"),
            ("compliant", snapshot(|_| {}), output_kms::ID, "PASS"),
            ("online store, AWS owned key", snapshot(|c| online(c).kms_key_id = None), volume_kms::ID, "FAIL"),
            (
                "offline store, S3's default key",
                snapshot(|c| c.offline = Some(OfflineStore { kms_key_id: None })),
                output_kms::ID,
                "FAIL",
            ),
            (
                "InMemory online store takes no key",
                snapshot(|c| {
                    let store = online(c);
                    store.kms_key_id = None;
                    store.storage_type = "InMemory".into();
                }),
                volume_kms::ID,
                "N/A",
            ),
            (
                "a storage tier this version does not know",
                snapshot(|c| {
                    let store = online(c);
                    store.kms_key_id = None;
                    store.storage_type = "Quantum".into();
                }),
                volume_kms::ID,
                "CANNOT",
            ),
            ("no online store", snapshot(|c| c.online = None), volume_kms::ID, "N/A"),
            ("no offline store", snapshot(|c| c.offline = None), output_kms::ID, "N/A"),
            ("no such setting", snapshot(|_| {}), vpc_attached::ID, "N/A"),
        ];
        for (case, snapshot, id, want) in cases {
            let check = policy.check(id, &snapshot);
            assert_eq!(status(&check), want, "{case} ({id}): {check:?}");
        }
    }

    /// An online store switched off is no online store; the tier defaults to Standard.
    #[test]
    fn reads_the_stores_as_aws_defaults_them() -> Result<(), FieldError> {
        let read = |response: serde_json::Value| -> Result<FeatureGroupConfig, FieldError> {
            match ResourceKind::FeatureGroup.read_described(&response)?.details {
                Details::FeatureGroup(c) => Ok(c),
                other => panic!("{other:?}"),
            }
        };
        let off = read(serde_json::json!({"OnlineStoreConfig": {"EnableOnlineStore": false}}))?;
        assert_eq!(off.online, None);
        let on = read(serde_json::json!({
            "OnlineStoreConfig": {"EnableOnlineStore": true, "SecurityConfig": {"KmsKeyId": KEY}},
            "OfflineStoreConfig": {"S3StorageConfig": {"S3Uri": "s3://f/", "KmsKeyId": KEY}},
        }))?;
        assert_eq!(
            on.online,
            Some(OnlineStore {
                kms_key_id: Some(KEY.into()),
                storage_type: "Standard".into()
            })
        );
        assert_eq!(on.key_references(), [KEY, KEY]);
        Ok(())
    }
}
