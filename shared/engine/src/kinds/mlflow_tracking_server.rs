//! SageMaker managed MLflow tracking servers: `CreateMlflowTrackingServer`,
//! `UpdateMlflowTrackingServer`, stopped with `StopMlflowTrackingServer` (its data is kept; it can
//! be started again). SageMaker sends no state-change event for them, and no condition key
//! carries their settings (Service Authorization Reference: tag keys only): the calls and the
//! sweep are the controls.
//!
//! A tracking server stores every run's artifacts (models, datasets, metrics) in an S3 bucket
//! (`ArtifactStoreUri`), which SageMaker expects `S3BucketOwnerAccountId` to own (default: the
//! caller's account) and checks when `S3BucketOwnerVerification` is on (default: true); it reaches
//! the bucket with `RoleArn` (which cannot be updated). The API takes no KMS key and no VPC for
//! tracking servers: AWS encrypts their metadata with its own key (a stated gap).
//! `TrackingServerStatus` has seventeen values; the ones a server runs in are active.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{ArtifactStore, Facet, Facets};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct MlflowTrackingServer;

/// What a tracking server stores where, and as whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingServerConfig {
    pub artifact_store_uri: Option<String>,
    /// `S3BucketOwnerAccountId`.
    pub owner_account: Option<String>,
    /// `S3BucketOwnerVerification`.
    pub owner_verification: Option<bool>,
    /// `RoleArn`.
    pub role: Option<String>,
}

impl Kind for MlflowTrackingServer {
    const NAME: &'static str = "mlflow-tracking-server";
    const LABEL: &'static str = "MLflow tracking server";
    type Config = TrackingServerConfig;
    const CALLS: &'static [ApiCall] = &[
        ApiCall {
            event_name: "CreateMlflowTrackingServer",
            name_key: "trackingServerName",
            arn_key: "trackingServerArn",
        },
        ApiCall {
            event_name: "UpdateMlflowTrackingServer",
            name_key: "trackingServerName",
            arn_key: "trackingServerArn",
        },
        // (a stopped server started again runs with what it had)
        ApiCall {
            event_name: "StartMlflowTrackingServer",
            name_key: "trackingServerName",
            arn_key: "trackingServerArn",
        },
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "TrackingServerName",
        arn_key: "TrackingServerArn",
        status_key: "TrackingServerStatus",
    };
    const CREATE_CALL: &'static str = "CreateMlflowTrackingServer";
    const DESCRIBE_CALL: &'static str = "DescribeMlflowTrackingServer";
    const STOP: Stop = Stop::stopping("StopMlflowTrackingServer");
    /// Every server but those that do not run (one call, not one per running status).
    const LISTING: Listing = Listing {
        call: "ListMlflowTrackingServers",
        statuses: &[],
        excluded: &["Stopped", "CreateFailed", "StartFailed", "Deleting"],
    };

    /// API reference, `TrackingServerStatus`: a server that failed to stop, update, delete or
    /// be maintained still runs.
    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Created" | "Updated" | "Started" | "MaintenanceComplete" | "UpdateFailed"
            | "StopFailed" | "DeleteFailed" | "MaintenanceFailed" => Lifecycle::Active(s),
            "Creating" | "Updating" | "Starting" | "Stopping" | "MaintenanceInProgress" => {
                Lifecycle::Transitional(s)
            }
            "Stopped" | "CreateFailed" | "StartFailed" | "Deleting" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<TrackingServerConfig, FieldError> {
        Ok(TrackingServerConfig {
            artifact_store_uri: s.str("ArtifactStoreUri")?,
            owner_account: s.str("S3BucketOwnerAccountId")?,
            owner_verification: match s.get("S3BucketOwnerVerification")? {
                Some(_) => Some(s.bool_or_false("S3BucketOwnerVerification")?),
                None => None,
            },
            role: s.str("RoleArn")?,
        })
    }
}

impl Facets for TrackingServerConfig {
    fn artifact_store(&self) -> Facet<ArtifactStore<'_>> {
        Facet::One(ArtifactStore {
            uri: self.artifact_store_uri.as_deref(),
            owner_account: self.owner_account.as_deref(),
            owner_verification: self.owner_verification,
        })
    }

    fn execution_role(&self) -> Facet<Option<&str>> {
        Facet::One(self.role.as_deref())
    }

    fn account_references(&self) -> Vec<&str> {
        self.owner_account.as_deref().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::statuses;
    use crate::controls::{artifact_bucket_owner, output_kms, vpc_attached};
    use crate::resource::ResourceKind;

    /// A Describe response and a create request read alike; the keys and VPC AWS does not offer
    /// are no such setting.
    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::baseline();
        let controls = [artifact_bucket_owner::ID, output_kms::ID, vpc_attached::ID];
        let judge = |read: Details| statuses(ResourceKind::MlflowTrackingServer, read, &policy, &controls);
        let described = ResourceKind::MlflowTrackingServer.read_described(&serde_json::json!({
            "TrackingServerStatus": "Created",
            "ArtifactStoreUri": "s3://mlflow-artifacts/",
            "S3BucketOwnerVerification": false,
        }))?;
        assert_eq!(judge(described.details), ["FAIL", "N/A", "N/A"]);
        let request = serde_json::json!({
            "trackingServerName": "team",
            "artifactStoreUri": "s3://mlflow-artifacts/",
            "roleArn": "arn:aws:iam::123456789012:role/MlflowRole",
        });
        let node = crate::json::Node::new(&request, "requestParameters");
        let read = ResourceKind::MlflowTrackingServer.read(&Shape::camel(node))?;
        assert_eq!(judge(read), ["PASS", "N/A", "N/A"]);
        // Offline, a bucket of another account cannot be placed in or out of the organisation.
        let foreign = ResourceKind::MlflowTrackingServer.read_described(&serde_json::json!({
            "TrackingServerStatus": "Created",
            "S3BucketOwnerAccountId": "111122223333",
        }))?;
        assert_eq!(judge(foreign.details), ["CANNOT", "N/A", "N/A"]);
        Ok(())
    }

    use crate::resource::Details;
}
