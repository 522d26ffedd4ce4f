//! SageMaker Studio spaces: `CreateSpace` and `UpdateSpace`, named `DOMAIN-ID/SPACE`. A space
//! cannot be stopped: the remediation deletes its running apps. A space has no network, role or
//! sharing settings of its own (`SpaceSettings` carries none): a shared space's apps run with its
//! domain's `DefaultSpaceSettings`, a private space's with its owner's profile, judged on each
//! app; the space itself is judged on its remote access and its tags.

use serde::Serialize;

use super::domain::{studio_lifecycle, DELETE_APPS};
use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Remote};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct Space;

/// What a space's snapshot carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceConfig {
    /// `SpaceSharingSettings.SharingType`: `Private` or `Shared`; `None` when not reported.
    pub sharing_type: Option<String>,
    /// `OwnershipSettings.OwnerUserProfileName`.
    pub owner: Option<String>,
    /// `SpaceSettings.RemoteAccess`: `ENABLED` lets IDEs connect through Systems Manager;
    /// `DISABLED` (AWS's default).
    pub remote_access: String,
}

impl SpaceConfig {
    /// The user profile whose settings the space's apps run with: a private space's owner (AWS:
    /// "the private space will assume the user profile execution role"); `None` for a shared
    /// space, which runs with the domain's `DefaultSpaceSettings`.
    pub fn runs_as(&self) -> Option<&str> {
        match self.sharing_type.as_deref() {
            Some("Shared") => None,
            _ => self.owner.as_deref(),
        }
    }
}

const fn call(event_name: &'static str) -> ApiCall {
    ApiCall {
        event_name,
        name_key: "domainId/spaceName",
        arn_key: "spaceArn",
    }
}

impl Kind for Space {
    const NAME: &'static str = "space";
    const LABEL: &'static str = "Studio space";
    type Config = SpaceConfig;
    const CALLS: &'static [ApiCall] = &[call("CreateSpace"), call("UpdateSpace")];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "SpaceName",
        arn_key: "SpaceArn",
        status_key: "Status",
    };
    const CREATE_CALL: &'static str = "CreateSpace";
    const DESCRIBE_CALL: &'static str = "DescribeSpace";
    const STOP: Stop = DELETE_APPS;
    const LISTING: Listing = Listing {
        call: "ListSpaces",
        statuses: &[],
        excluded: &["Deleting", "Failed"],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        studio_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<SpaceConfig, FieldError> {
        Ok(SpaceConfig {
            sharing_type: s.path_str(&["SpaceSharingSettings", "SharingType"])?,
            owner: s.path_str(&["OwnershipSettings", "OwnerUserProfileName"])?,
            remote_access: s
                .path_str(&["SpaceSettings", "RemoteAccess"])?
                .unwrap_or_else(|| "DISABLED".into()),
        })
    }
}

impl Facets for SpaceConfig {
    fn ssm_access(&self) -> Facet<Remote> {
        Facet::One(Remote {
            setting: "RemoteAccess",
            on: self.remote_access != "DISABLED",
            value: self.remote_access.clone(),
        })
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}
