//! SageMaker Studio spaces: `CreateSpace` and `UpdateSpace`, named `DOMAIN-ID/SPACE`. A space
//! cannot be stopped: the remediation deletes its running apps. A space has no network, role or
//! sharing settings of its own (`SpaceSettings` carries none): its apps run with its domain's
//! `DefaultSpaceSettings`, judged on the domain and on each app; the space itself is judged on
//! its tags.

use serde::Serialize;

use super::domain::{studio_lifecycle, DELETE_APPS};
use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::Facets;
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct Space;

/// What a space's snapshot carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SpaceConfig {
    /// `SpaceSharingSettings.SharingType`: `Private` or `Shared`; `None` when not reported.
    pub sharing_type: Option<String>,
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
        })
    }
}

impl Facets for SpaceConfig {
    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}
