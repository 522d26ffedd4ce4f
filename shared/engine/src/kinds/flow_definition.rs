//! Amazon Augmented AI (A2I) flow definitions: `CreateFlowDefinition`. A flow definition sends
//! the documents, images or predictions a model was unsure of to the people of a workteam
//! (`HumanLoopConfig.WorkteamArn`: a private workforce, a vendor, or the public Mechanical Turk
//! crowd) and writes their reviews to S3 (`OutputConfig.KmsKeyId`). SageMaker sends no
//! state-change event for flow definitions (the A2I events are about human loops): the call and
//! the sweep are the controls, with the SCP on `sagemaker:WorkteamType` and `WorkteamArn`.
//!
//! A flow definition cannot be stopped, and deleting it stops the application that starts its
//! human loops: a non-compliant one is alerted, and deleted only when the policy lists
//! `flow-definition` in `[remediation] opt_in`. `FlowDefinitionStatus`: `Initializing`, `Active`,
//! `Failed`, `Deleting`; `ListFlowDefinitions` takes no status filter.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Output};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct FlowDefinition;

/// Who reviews a flow definition's data and where the reviews go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowConfig {
    /// `HumanLoopConfig.WorkteamArn`; `None` without a `HumanLoopConfig`.
    pub workteam: Option<String>,
    pub human_loop: bool,
    /// `OutputConfig.KmsKeyId`.
    pub output_kms_key_id: Option<String>,
    /// `RoleArn`.
    pub role: Option<String>,
}

impl Kind for FlowDefinition {
    const NAME: &'static str = "flow-definition";
    const LABEL: &'static str = "A2I flow definition";
    type Config = FlowConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateFlowDefinition",
        name_key: "flowDefinitionName",
        arn_key: "flowDefinitionArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "FlowDefinitionName",
        arn_key: "FlowDefinitionArn",
        status_key: "FlowDefinitionStatus",
    };
    const CREATE_CALL: &'static str = "CreateFlowDefinition";
    const DESCRIBE_CALL: &'static str = "DescribeFlowDefinition";
    const STOP: Stop = Stop::deleting_on_opt_in("DeleteFlowDefinition");
    const LISTING: Listing = Listing {
        call: "ListFlowDefinitions",
        statuses: &[],
        excluded: &["Failed", "Deleting"],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Active" => Lifecycle::Active(s),
            "Initializing" => Lifecycle::Transitional(s),
            "Failed" | "Deleting" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<FlowConfig, FieldError> {
        let loop_config = s.get("HumanLoopConfig")?;
        Ok(FlowConfig {
            workteam: match &loop_config {
                Some(c) => c.str("WorkteamArn")?,
                None => None,
            },
            human_loop: loop_config.is_some(),
            output_kms_key_id: s.path_str(&["OutputConfig", "KmsKeyId"])?,
            role: s.str("RoleArn")?,
        })
    }
}

impl Facets for FlowConfig {
    fn workteam(&self) -> Facet<Option<&str>> {
        match self.human_loop {
            true => Facet::One(self.workteam.as_deref()),
            false => Facet::NotApplicable("no HumanLoopConfig: no workteam reviews its data".into()),
        }
    }

    fn output(&self) -> Facet<Output<'_>> {
        Facet::One(Output {
            key: self.output_kms_key_id.as_deref(),
            what: "human reviews",
        })
    }

    fn execution_role(&self) -> Facet<Option<&str>> {
        Facet::One(self.role.as_deref())
    }

    fn key_references(&self) -> Vec<&str> {
        self.output_kms_key_id.as_deref().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{described, KEY};
    use crate::controls::{output_kms, public_crowd};
    use crate::resource::ResourceKind;

    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::baseline();
        let judge = |response: serde_json::Value| {
            described(ResourceKind::FlowDefinition, &response, &policy, &[public_crowd::ID, output_kms::ID])
        };
        let private = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/reviewers";
        let public = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default";
        let flow = |team: &str, key: Option<&str>| {
            serde_json::json!({"FlowDefinitionStatus": "Active", "HumanLoopConfig": {"WorkteamArn": team},
                "OutputConfig": {"S3OutputPath": "s3://reviews/", "KmsKeyId": key}})
        };
        assert_eq!(judge(flow(private, Some(KEY)))?, ["PASS", "PASS"]);
        assert_eq!(judge(flow(public, None))?, ["FAIL", "FAIL"]);
        let no_loop = serde_json::json!({"FlowDefinitionStatus": "Active", "OutputConfig": {"S3OutputPath": "s3://r/", "KmsKeyId": KEY}});
        assert_eq!(judge(no_loop)?, ["N/A", "PASS"]);
        let unnamed = serde_json::json!({"FlowDefinitionStatus": "Active", "HumanLoopConfig": {},
            "OutputConfig": {"S3OutputPath": "s3://r/", "KmsKeyId": "not a key!"}});
        assert_eq!(judge(unnamed)?, ["CANNOT", "CANNOT"]);
        Ok(())
    }
}
