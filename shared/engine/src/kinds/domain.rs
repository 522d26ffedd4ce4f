//! SageMaker Studio domains: `CreateDomain` and `UpdateDomain`. A domain cannot be stopped: the
//! remediation of a non-compliant domain deletes its running apps (`DeleteApp` on each; the
//! domain, its profiles, spaces and home volume are kept), and the alert names the domain.
//! SageMaker sends no state-change event for Studio resources: CloudTrail calls and the sweep
//! see them.
//!
//! The settings here are the domain's own and the defaults its user profiles and spaces inherit
//! (`DefaultUserSettings`, `DefaultSpaceSettings`); an app is judged on them as its profile or
//! space overrides them ([`super::app`]).

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Output, Volume};
use crate::json::FieldError;
use crate::report::ActionOutcome;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct Domain;

/// What the home EFS volume key encrypts, for people.
pub(crate) const HOME_VOLUME: &str = "home EFS volume";

/// The stop of a Studio domain, user profile or space: delete its running apps.
pub(crate) const DELETE_APPS: Stop = Stop {
    call: "DeleteApp",
    outcome: ActionOutcome::AppsDeleted,
    by_default: true,
};

/// Statuses of domains, user profiles and spaces: acted on in any state they exist in (their apps
/// are deleted whatever it is; no state-change event would come back for them), except while
/// they are deleted or after they failed to be created.
pub(crate) fn studio_lifecycle(status: &str) -> Lifecycle {
    let s = status.to_string();
    match status {
        "InService" | "Pending" | "Updating" | "Update_Failed" | "Delete_Failed" => {
            Lifecycle::Active(s)
        }
        "Deleting" | "Failed" => Lifecycle::Ended(s),
        _ => Lifecycle::Unknown(s),
    }
}

/// The settings a user profile or a space (or a domain, as their defaults) gives the apps it runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StudioSettings {
    /// `ExecutionRole`; `None`: inherited.
    pub execution_role: Option<String>,
    /// `SecurityGroups`; empty: inherited.
    pub security_groups: Vec<String>,
    /// `SharingSettings`; `None`: inherited (AWS's default is no sharing).
    pub sharing: Option<Sharing>,
}

/// `SharingSettings`: whether notebooks can be shared, with their output, to S3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sharing {
    /// `NotebookOutputOption`: `Allowed` or `Disabled` (AWS's default).
    pub output: String,
    /// `S3KmsKeyId`.
    pub kms_key_id: Option<String>,
}

impl StudioSettings {
    /// The key of the shared notebook output, when sharing says one.
    pub fn sharing_key(&self) -> Option<&str> {
        self.sharing.as_ref().and_then(|s| s.kms_key_id.as_deref())
    }

    /// `member` (`DefaultUserSettings`, `UserSettings`...) of a Describe response or request.
    pub(crate) fn read(s: &Shape<'_>, member: &str) -> Result<StudioSettings, FieldError> {
        let Some(settings) = s.get(member)? else {
            return Ok(StudioSettings::default());
        };
        Ok(StudioSettings {
            execution_role: settings.str("ExecutionRole")?,
            security_groups: settings.strings("SecurityGroups")?,
            sharing: settings
                .get("SharingSettings")?
                .map(|sharing| {
                    Ok::<_, FieldError>(Sharing {
                        output: sharing
                            .str("NotebookOutputOption")?
                            .unwrap_or_else(|| "Disabled".into()),
                        kms_key_id: sharing.str("S3KmsKeyId")?,
                    })
                })
                .transpose()?,
        })
    }
}

/// The output facet of notebook sharing: the shared output's key when sharing is allowed.
pub(crate) fn sharing_output(sharing: Option<&Sharing>) -> Facet<Output<'_>> {
    match sharing {
        None => Facet::NotApplicable("notebook sharing is off (AWS's default)".into()),
        Some(s) if s.output == "Disabled" => {
            Facet::NotApplicable("notebook sharing is off (NotebookOutputOption = Disabled)".into())
        }
        Some(s) => Facet::One(Output {
            key: s.kms_key_id.as_deref(),
            what: "shared notebook output",
        }),
    }
}

/// A domain's settings (`DescribeDomain`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainConfig {
    /// `AppNetworkAccessType`: `PublicInternetOnly` (AWS's default) or `VpcOnly`.
    pub app_network_access: String,
    /// `KmsKeyId`: the home EFS volume's key.
    pub kms_key_id: Option<String>,
    /// `SubnetIds` and `VpcId`, with the security groups its apps run with by default
    /// (`DefaultUserSettings`, `DefaultSpaceSettings`, `DomainSettings.SecurityGroupIds`).
    pub vpc: VpcAttachment,
    /// `DefaultUserSettings`.
    pub user_defaults: StudioSettings,
    /// `DefaultSpaceSettings`.
    pub space_defaults: StudioSettings,
    /// `DomainSettings.DockerSettings.EnableDockerAccess`: `ENABLED` or `DISABLED` (AWS's
    /// default).
    pub docker_access: String,
    /// `DomainSettings.RStudioServerProDomainSettings.DomainExecutionRoleArn`: the role of the
    /// domain's RStudio server (an app of the pseudo-profile `domain-shared`).
    pub rstudio_role: Option<String>,
}

impl DomainConfig {
    /// The settings of a user profile's (or a space's) apps: its own, else the domain's
    /// defaults. A space's apps take `DefaultSpaceSettings`, and, for what those leave out, the
    /// user defaults (AWS: `DefaultSpaceSettings.SecurityGroups` is required in a `VpcOnly`
    /// domain "unless specified as part of the `DefaultUserSettings`").
    pub fn effective(&self, own: &StudioSettings, space: bool) -> StudioSettings {
        let defaults = if space {
            self.space_defaults.or(&self.user_defaults)
        } else {
            self.user_defaults.clone()
        };
        own.or(&defaults)
    }
}

impl StudioSettings {
    /// These settings, with `fallback`'s for what they leave out; security groups add up (AWS:
    /// "SecurityGroups is aggregated when specified in both calls").
    fn or(&self, fallback: &StudioSettings) -> StudioSettings {
        let mut security_groups = fallback.security_groups.clone();
        for group in &self.security_groups {
            if !security_groups.contains(group) {
                security_groups.push(group.clone());
            }
        }
        StudioSettings {
            execution_role: self
                .execution_role
                .clone()
                .or_else(|| fallback.execution_role.clone()),
            security_groups,
            sharing: self.sharing.clone().or_else(|| fallback.sharing.clone()),
        }
    }
}

const fn call(event_name: &'static str) -> ApiCall {
    ApiCall {
        event_name,
        name_key: "domainId",
        arn_key: "domainArn",
    }
}

impl Kind for Domain {
    const NAME: &'static str = "domain";
    const LABEL: &'static str = "Studio domain";
    type Config = DomainConfig;
    const CALLS: &'static [ApiCall] = &[call("CreateDomain"), call("UpdateDomain")];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "DomainId",
        arn_key: "DomainArn",
        status_key: "Status",
    };
    const CREATE_CALL: &'static str = "CreateDomain";
    const DESCRIBE_CALL: &'static str = "DescribeDomain";
    const STOP: Stop = DELETE_APPS;
    /// `ListDomains` takes no filter: every domain, less those being deleted or never created.
    const LISTING: Listing = Listing {
        call: "ListDomains",
        statuses: &[],
        excluded: &["Deleting", "Failed"],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        studio_lifecycle(status)
    }

    /// Absent members take AWS's defaults: `PublicInternetOnly`, Docker access `DISABLED`, no
    /// sharing.
    fn read(s: &Shape<'_>) -> Result<DomainConfig, FieldError> {
        let user_defaults = StudioSettings::read(s, "DefaultUserSettings")?;
        let space_defaults = StudioSettings::read(s, "DefaultSpaceSettings")?;
        let mut groups = user_defaults.security_groups.clone();
        groups.extend(space_defaults.security_groups.iter().cloned());
        if let Some(settings) = s.get("DomainSettings")? {
            groups.extend(settings.strings("SecurityGroupIds")?);
        }
        groups.sort();
        groups.dedup();
        Ok(DomainConfig {
            app_network_access: s
                .str("AppNetworkAccessType")?
                .unwrap_or_else(|| "PublicInternetOnly".into()),
            kms_key_id: s.str("KmsKeyId")?,
            vpc: VpcAttachment {
                subnets: s.strings("SubnetIds")?,
                security_groups: groups,
                vpc_id: s.str("VpcId")?,
            },
            user_defaults,
            space_defaults,
            docker_access: s
                .path_str(&["DomainSettings", "DockerSettings", "EnableDockerAccess"])?
                .unwrap_or_else(|| "DISABLED".into()),
            rstudio_role: s.path_str(&[
                "DomainSettings",
                "RStudioServerProDomainSettings",
                "DomainExecutionRoleArn",
            ])?,
        })
    }
}

impl Facets for DomainConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::One(Some(&self.vpc))
    }

    fn app_network_access(&self) -> Facet<&str> {
        Facet::One(&self.app_network_access)
    }

    fn volume(&self) -> Facet<Volume<'_>> {
        Facet::One(Volume {
            instances: Vec::new(),
            key: self.kms_key_id.as_deref(),
            what: HOME_VOLUME,
        })
    }

    fn output(&self) -> Facet<Output<'_>> {
        sharing_output(self.user_defaults.sharing.as_ref())
    }

    fn docker_access(&self) -> Facet<&str> {
        Facet::One(&self.docker_access)
    }

    fn execution_role(&self) -> Facet<Option<&str>> {
        Facet::Each {
            parts: vec![
                (
                    "DefaultUserSettings".into(),
                    Facet::One(self.user_defaults.execution_role.as_deref()),
                ),
                (
                    "DefaultSpaceSettings".into(),
                    Facet::One(self.space_defaults.execution_role.as_deref()),
                ),
            ],
            none: "no execution roles",
        }
    }

    fn key_references(&self) -> Vec<&str> {
        [self.kms_key_id.as_deref(), self.user_defaults.sharing_key()]
            .into_iter()
            .flatten()
            .collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        vec![&mut self.vpc]
    }
}
