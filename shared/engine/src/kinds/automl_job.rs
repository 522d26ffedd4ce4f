//! AutoML jobs (Autopilot, and SageMaker Canvas's model building): `CreateAutoMLJob` and
//! `CreateAutoMLJobV2`, stopped with `StopAutoMLJob`. SageMaker sends no state-change event for
//! them: the create calls and the sweep see them.
//!
//! An AutoML job runs code on the data it is given: it starts candidate processing, training and
//! transform jobs from its own security settings (`AutoMLSecurityConfig`: `VolumeKmsKeyId`,
//! `EnableInterContainerTrafficEncryption`, `VpcConfig`; V1 keeps it in
//! `AutoMLJobConfig.SecurityConfig`, V2 at the top level) and writes its artefacts under
//! `OutputDataConfig` (`KmsKeyId`). It is judged on those settings; its candidates name it
//! (`AutoMLJobArn`) and count on it, so one alert names the AutoML job and its creator. It is
//! described with `DescribeAutoMLJobV2`, which AWS documents for jobs created by either call
//! ("created by calling CreateAutoMLJobV2 or CreateAutoMLJob"); both places of the security
//! settings are read. AutoML takes no network isolation setting: that control is not applicable.

use serde::Serialize;

use super::{job_lifecycle, ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Cluster, Facet, Facets, JobStorage};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct AutoMlJob;

/// An AutoML job's security settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutoMlConfig {
    /// `SecurityConfig.VpcConfig`.
    pub vpc: Option<VpcAttachment>,
    /// `SecurityConfig.VolumeKmsKeyId`.
    pub volume_kms_key_id: Option<String>,
    /// `OutputDataConfig.KmsKeyId`.
    pub output_kms_key_id: Option<String>,
    /// `SecurityConfig.EnableInterContainerTrafficEncryption` (absent: `false`).
    pub inter_container_encryption: bool,
}

impl Kind for AutoMlJob {
    const NAME: &'static str = "automl-job";
    const LABEL: &'static str = "AutoML job";
    type Config = AutoMlConfig;
    const CALLS: &'static [ApiCall] = &[
        ApiCall {
            event_name: "CreateAutoMLJob",
            name_key: "autoMLJobName",
            arn_key: "autoMLJobArn",
        },
        ApiCall {
            event_name: "CreateAutoMLJobV2",
            name_key: "autoMLJobName",
            arn_key: "autoMLJobArn",
        },
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "AutoMLJobName",
        arn_key: "AutoMLJobArn",
        status_key: "AutoMLJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateAutoMLJobV2";
    const DESCRIBE_CALL: &'static str = "DescribeAutoMLJobV2";
    const STOP: Stop = Stop::stopping("StopAutoMLJob");
    const LISTING: Listing = Listing::jobs("ListAutoMLJobs");

    /// `AutoMLJobStatus`: `InProgress`, `Stopping`, `Stopped`, `Completed`, `Failed`.
    fn lifecycle(status: &str) -> Lifecycle {
        job_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<AutoMlConfig, FieldError> {
        let security = match s.get("SecurityConfig")? {
            Some(security) => Some(security),
            None => match s.get("AutoMLJobConfig")? {
                Some(config) => config.get("SecurityConfig")?,
                None => None,
            },
        };
        let (vpc, volume_kms_key_id, inter_container_encryption) = match security {
            Some(c) => (
                c.vpc("VpcConfig")?,
                c.str("VolumeKmsKeyId")?,
                c.bool_or_false("EnableInterContainerTrafficEncryption")?,
            ),
            None => (None, None, false),
        };
        Ok(AutoMlConfig {
            vpc,
            volume_kms_key_id,
            output_kms_key_id: s.path_str(&["OutputDataConfig", "KmsKeyId"])?,
            inter_container_encryption,
        })
    }
}

impl Facets for AutoMlConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::One(self.vpc.as_ref())
    }

    /// Its candidates may run on several instances: the count is SageMaker's choice.
    fn cluster(&self) -> Facet<Cluster> {
        Facet::One(Cluster {
            encrypted: self.inter_container_encryption,
            instance_count: None,
        })
    }

    /// The volumes of the candidate jobs (no instances of its own to carve out).
    fn job_storage(&self) -> Option<JobStorage<'_>> {
        let keys = (&self.volume_kms_key_id, &self.output_kms_key_id);
        Some(JobStorage::new(&[], keys))
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.vpc.iter_mut().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{status, vpc, KEY};
    use crate::controls::{
        inter_container_encryption, network_isolation, output_kms, volume_kms, vpc_attached,
    };
    use crate::resource::{Details, ResourceKind};

    fn secure() -> AutoMlConfig {
        AutoMlConfig {
            vpc: vpc(),
            volume_kms_key_id: Some(KEY.into()),
            output_kms_key_id: Some(KEY.into()),
            inter_container_encryption: true,
        }
    }

    fn snapshot(f: impl FnOnce(&mut AutoMlConfig)) -> crate::resource::Snapshot {
        let mut c = secure();
        f(&mut c);
        let mut s = crate::controls::fixtures::training(|_| {});
        s.id.kind = ResourceKind::AutoMlJob;
        s.details = Details::AutoMlJob(c);
        s
    }

    /// V1 keeps the security settings in `AutoMLJobConfig.SecurityConfig`, V2 at the top level;
    /// both are read, and a job with neither has none.
    #[test]
    fn reads_the_security_settings_of_both_versions() -> Result<(), FieldError> {
        let security = serde_json::json!({
            "VolumeKmsKeyId": KEY, "EnableInterContainerTrafficEncryption": true,
            "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        });
        let v1 = serde_json::json!({"AutoMLJobConfig": {"SecurityConfig": security.clone()},
            "OutputDataConfig": {"KmsKeyId": KEY}});
        let v2 = serde_json::json!({"SecurityConfig": security, "OutputDataConfig": {"KmsKeyId": KEY}});
        for response in [v1, v2] {
            let read = ResourceKind::AutoMlJob.read_described(&response)?.details;
            let Details::AutoMlJob(c) = read else {
                panic!("an AutoML job")
            };
            assert!(c.inter_container_encryption && c.vpc.is_some());
            assert_eq!(c.volume_kms_key_id.as_deref(), Some(KEY));
            assert_eq!(c.output_kms_key_id.as_deref(), Some(KEY));
        }
        let bare = ResourceKind::AutoMlJob.read_described(&serde_json::json!({}))?.details;
        assert_eq!(
            bare,
            Details::AutoMlJob(AutoMlConfig {
                vpc: None,
                volume_kms_key_id: None,
                output_kms_key_id: None,
                inter_container_encryption: false,
            })
        );
        Ok(())
    }

    #[test]
    fn table() {
        let policy = crate::Policy::baseline();
        let cases = [
            ("compliant", snapshot(|_| {}), vpc_attached::ID, "PASS"),
            ("compliant", snapshot(|_| {}), volume_kms::ID, "PASS"),
            ("compliant", snapshot(|_| {}), output_kms::ID, "PASS"),
            ("compliant", snapshot(|_| {}), inter_container_encryption::ID, "PASS"),
            ("no VPC", snapshot(|c| c.vpc = None), vpc_attached::ID, "FAIL"),
            ("no volume key", snapshot(|c| c.volume_kms_key_id = None), volume_kms::ID, "FAIL"),
            (
                "AWS managed output key",
                snapshot(|c| c.output_kms_key_id = Some("alias/aws/sagemaker".into())),
                output_kms::ID,
                "FAIL",
            ),
            (
                "traffic between candidates' instances in clear",
                snapshot(|c| c.inter_container_encryption = false),
                inter_container_encryption::ID,
                "FAIL",
            ),
            (
                "a key this version cannot read",
                snapshot(|c| c.volume_kms_key_id = Some("not a key!".into())),
                volume_kms::ID,
                "CANNOT",
            ),
            ("no such setting", snapshot(|_| {}), network_isolation::ID, "N/A"),
        ];
        for (case, snapshot, id, want) in cases {
            let check = policy.check(id, &snapshot);
            assert_eq!(status(&check), want, "{case} ({id}): {check:?}");
        }
    }
}
