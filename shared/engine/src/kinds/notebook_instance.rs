//! Notebook instances: `CreateNotebookInstance`, `UpdateNotebookInstance` and
//! `StartNotebookInstance`, stopped with `StopNotebookInstance`.

use sha2::{Digest, Sha256};

use super::{ApiCall, Kind, Listing, Needed, StateChange, Stop};
use crate::facets::{Facet, Facets, Volume, STORAGE_VOLUME};
use crate::json::FieldError;
use crate::platforms;
use crate::resource::{Dependency, Lifecycle, NotebookConfig, Toggle, VpcAttachment};
use crate::shape::Shape;

pub struct NotebookInstance;

const fn call(event_name: &'static str) -> ApiCall {
    ApiCall {
        event_name,
        name_key: "notebookInstanceName",
        arn_key: "notebookInstanceArn",
    }
}

impl Kind for NotebookInstance {
    const NAME: &'static str = "notebook-instance";
    const LABEL: &'static str = "notebook instance";
    type Config = NotebookConfig;
    const CALLS: &'static [ApiCall] = &[
        call("CreateNotebookInstance"),
        call("UpdateNotebookInstance"),
        call("StartNotebookInstance"),
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Notebook Instance State Change"),
        name_key: "NotebookInstanceName",
        arn_key: "NotebookInstanceArn",
        status_key: "NotebookInstanceStatus",
    };
    const CREATE_CALL: &'static str = "CreateNotebookInstance";
    const DESCRIBE_CALL: &'static str = "DescribeNotebookInstance";
    const STOP: Stop = Stop::stopping("StopNotebookInstance");
    /// A `Pending` notebook becomes `InService` by itself: it is listed too.
    const LISTING: Listing = Listing {
        call: "ListNotebookInstances",
        statuses: &["InService", "Pending"],
        excluded: &[],
    };
    const ASFF_RESOURCE_TYPE: &'static str = "AwsSageMakerNotebookInstance";

    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "InService" => Lifecycle::Active(s),
            "Pending" | "Updating" => Lifecycle::Transitional(s),
            "Stopping" | "Stopped" | "Failed" | "Deleting" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    /// `DirectInternetAccess` and `RootAccess` default to `Enabled` when absent, the minimum
    /// IMDS version to `1`; a create call without `PlatformIdentifier` gets AWS's default
    /// platform, a Describe response without it reports none.
    fn read(s: &Shape<'_>) -> Result<NotebookConfig, FieldError> {
        let subnet = s.str("SubnetId")?;
        // CreateNotebookInstance says SecurityGroupIds; DescribeNotebookInstance says SecurityGroups.
        let mut groups = s.strings("SecurityGroupIds")?;
        groups.extend(s.strings("SecurityGroups")?);
        // The create call says LifecycleConfigName; Describe says
        // NotebookInstanceLifecycleConfigName.
        let lifecycle_config = match s.str("LifecycleConfigName")? {
            Some(name) => Some(name),
            None => s.str("NotebookInstanceLifecycleConfigName")?,
        };
        let toggle = |key: &str| -> Result<Toggle, FieldError> {
            Ok(s.str(key)?.map_or(Toggle::Enabled, |v| Toggle::parse(&v)))
        };
        Ok(NotebookConfig {
            vpc: subnet.map(|subnet| VpcAttachment {
                subnets: vec![subnet],
                security_groups: groups,
                vpc_id: None,
            }),
            kms_key_id: s.str("KmsKeyId")?,
            direct_internet_access: toggle("DirectInternetAccess")?,
            root_access: toggle("RootAccess")?,
            minimum_imds_version: s
                .path_str(&[
                    "InstanceMetadataServiceConfiguration",
                    "MinimumInstanceMetadataServiceVersion",
                ])?
                .unwrap_or_else(|| "1".into()),
            platform: match s.str("PlatformIdentifier")? {
                None if s.is_request() => Some(platforms::CREATE_DEFAULT.into()),
                platform => platform,
            },
            lifecycle_digest: lifecycle_config
                .clone()
                .map(|name| Dependency::NotDescribed { name }),
            lifecycle_scripts: lifecycle_config
                .clone()
                .map(|name| Dependency::NotDescribed { name }),
            lifecycle_config,
        })
    }

    fn needs(config: &NotebookConfig) -> Vec<Needed> {
        match &config.lifecycle_digest {
            Some(Dependency::NotDescribed { name }) => {
                vec![Needed::NotebookLifecycleConfig(name.clone())]
            }
            _ => Vec::new(),
        }
    }

    fn supply(
        config: &mut NotebookConfig,
        needed: &Needed,
        described: Option<&Shape<'_>>,
    ) -> Result<(), FieldError> {
        if let Needed::NotebookLifecycleConfig(name) = needed {
            let read = |s: &Shape<'_>| {
                let script = |hook: &str| -> Result<String, FieldError> {
                    let first = s.items(hook)?.into_iter().next();
                    Ok(first.map(|h| h.str("Content")).transpose()?.flatten().unwrap_or_default())
                };
                Ok(script_digest(&script("OnCreate")?, &script("OnStart")?))
            };
            config.lifecycle_digest = Some(super::described(name, described, read)?);
            let scripts = |s: &Shape<'_>| {
                let mut scripts = Vec::new();
                for hook in ["OnCreate", "OnStart"] {
                    for h in s.items(hook)? {
                        let content = h.str("Content")?.unwrap_or_default();
                        let place = format!("lifecycle configuration {name} {hook} script");
                        scripts.push(crate::secrets::Setting::new(place, decoded(&content)));
                    }
                }
                Ok(scripts)
            };
            config.lifecycle_scripts = Some(super::described(name, described, scripts)?);
        }
        Ok(())
    }
}

/// A script as the API returns it (base64), decoded; one that is not base64 is kept as it is.
fn decoded(content: &str) -> String {
    use base64::Engine;
    match base64::engine::general_purpose::STANDARD.decode(content) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(_) => content.to_string(),
    }
}

/// The digest a policy pins a notebook lifecycle configuration by: `sha256:` and the SHA-256 of
/// its `OnCreate` and `OnStart` scripts as the API returns them (base64; an absent one empty),
/// joined by a newline: `printf '%s\n%s' "$ON_CREATE" "$ON_START" | sha256sum`.
pub fn script_digest(on_create: &str, on_start: &str) -> String {
    let digest = Sha256::digest(format!("{on_create}\n{on_start}").as_bytes());
    format!("sha256:{}", hex::encode(digest))
}

impl Facets for NotebookConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::One(self.vpc.as_ref())
    }

    /// A notebook's volume is always an EBS volume: no instance type to consider.
    fn volume(&self) -> Facet<Volume<'_>> {
        Facet::One(Volume {
            instances: Vec::new(),
            key: self.kms_key_id.as_deref(),
            what: STORAGE_VOLUME,
        })
    }

    fn direct_internet_access(&self) -> Facet<&Toggle> {
        Facet::One(&self.direct_internet_access)
    }

    fn root_access(&self) -> Facet<&Toggle> {
        Facet::One(&self.root_access)
    }

    fn minimum_imds_version(&self) -> Facet<&str> {
        Facet::One(&self.minimum_imds_version)
    }

    fn platform(&self) -> Facet<Option<&str>> {
        Facet::One(self.platform.as_deref())
    }

    fn lifecycle_config(&self) -> Facet<Option<&str>> {
        Facet::One(self.lifecycle_config.as_deref())
    }

    fn lifecycle_digest(&self) -> Option<&Dependency<String>> {
        self.lifecycle_digest.as_ref()
    }

    /// The scripts of its lifecycle configuration (none without one).
    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        match &self.lifecycle_scripts {
            None => Facet::One(&[]),
            Some(scripts) => Facet::held_in(scripts, "lifecycle configuration", |s| Facet::One(&s[..])),
        }
    }

    fn key_references(&self) -> Vec<&str> {
        self.kms_key_id.as_deref().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.vpc.iter_mut().collect()
    }
}
