//! SageMaker Studio user profiles: `CreateUserProfile` and `UpdateUserProfile`, named
//! `DOMAIN-ID/PROFILE`. A profile cannot be stopped: the remediation deletes its running apps.
//! It is judged on the settings it sets itself (security groups, execution role, sharing); what
//! it leaves out comes from its domain's defaults, judged on the domain.

use super::domain::{sharing_output, studio_lifecycle, StudioSettings, DELETE_APPS};
use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Output};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct UserProfile;

const fn call(event_name: &'static str) -> ApiCall {
    ApiCall {
        event_name,
        name_key: "domainId/userProfileName",
        arn_key: "userProfileArn",
    }
}

impl Kind for UserProfile {
    const NAME: &'static str = "user-profile";
    const LABEL: &'static str = "Studio user profile";
    type Config = StudioSettings;
    const CALLS: &'static [ApiCall] = &[call("CreateUserProfile"), call("UpdateUserProfile")];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "UserProfileName",
        arn_key: "UserProfileArn",
        status_key: "Status",
    };
    const CREATE_CALL: &'static str = "CreateUserProfile";
    const DESCRIBE_CALL: &'static str = "DescribeUserProfile";
    const STOP: Stop = DELETE_APPS;
    const LISTING: Listing = Listing {
        call: "ListUserProfiles",
        statuses: &[],
        excluded: &["Deleting", "Failed"],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        studio_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<StudioSettings, FieldError> {
        StudioSettings::read(s, "UserSettings")
    }
}

/// What a profile or a space leaves to its domain, for people.
const INHERITED: &str = "none of its own: its domain's defaults apply";

impl Facets for StudioSettings {
    fn security_groups(&self) -> Facet<&[String]> {
        if self.security_groups.is_empty() {
            Facet::NotApplicable(format!("security groups: {INHERITED}"))
        } else {
            Facet::One(&self.security_groups)
        }
    }

    fn output(&self) -> Facet<Output<'_>> {
        match &self.sharing {
            None => Facet::NotApplicable(format!("sharing settings: {INHERITED}")),
            Some(sharing) => sharing_output(Some(sharing)),
        }
    }

    fn execution_role(&self) -> Facet<Option<&str>> {
        match &self.execution_role {
            None => Facet::NotApplicable(format!("execution role: {INHERITED}")),
            Some(role) => Facet::One(Some(role)),
        }
    }

    fn key_references(&self) -> Vec<&str> {
        self.sharing_key().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}
