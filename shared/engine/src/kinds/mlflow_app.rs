//! SageMaker managed MLflow apps: `CreateMlflowApp`, `UpdateMlflowApp`. An app is named by an
//! id in its ARN (`mlflow-app/ID`; its `Name` "is not part of the ARN"), and its calls take the
//! ARN. SageMaker sends no state-change event for them and no condition key carries their
//! settings: the calls and the sweep are the controls.
//!
//! An app stores every run's artifacts in S3 (`ArtifactStoreUri`, reached with `RoleArn`) and
//! encrypts its data at rest with `KmsKeyId` ("If you don't specify a value, the MLflow App is
//! not encrypted with a customer-managed key"; it cannot be updated): judged by `output-kms`. It
//! takes no expected bucket owner and no VPC. Apps cannot be stopped (the API has no Stop), and
//! `DeleteMlflowApp` deletes their experiments: a non-compliant app is alerted only, unless the
//! policy lists `mlflow-app` in `[remediation] opt_in`. `Status` (`MlflowAppStatus`):
//! `Creating`, `Created`, `CreateFailed`, `Updating`, `Updated`, `UpdateFailed`, `Deleting`,
//! `DeleteFailed`, `Deleted`.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{ArtifactStore, Facet, Facets, Output};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct MlflowApp;

/// What an app stores where, and as whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MlflowAppConfig {
    pub artifact_store_uri: Option<String>,
    /// `KmsKeyId`.
    pub kms_key_id: Option<String>,
    /// `RoleArn`.
    pub role: Option<String>,
}

impl Kind for MlflowApp {
    const NAME: &'static str = "mlflow-app";
    const LABEL: &'static str = "MLflow app";
    type Config = MlflowAppConfig;
    const CALLS: &'static [ApiCall] = &[
        ApiCall {
            event_name: "CreateMlflowApp",
            name_key: "",
            arn_key: "arn",
        },
        ApiCall {
            event_name: "UpdateMlflowApp",
            name_key: "",
            arn_key: "arn",
        },
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "",
        arn_key: "Arn",
        status_key: "Status",
    };
    const NAMED_BY_ARN: bool = true;
    const CREATE_CALL: &'static str = "CreateMlflowApp";
    const DESCRIBE_CALL: &'static str = "DescribeMlflowApp";
    const STOP: Stop = Stop::deleting_on_opt_in("DeleteMlflowApp");
    const LISTING: Listing = Listing {
        call: "ListMlflowApps",
        statuses: &[],
        excluded: &["CreateFailed", "Deleting", "Deleted"],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Created" | "Updated" | "UpdateFailed" | "DeleteFailed" => Lifecycle::Active(s),
            "Creating" | "Updating" => Lifecycle::Transitional(s),
            "CreateFailed" | "Deleting" | "Deleted" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<MlflowAppConfig, FieldError> {
        Ok(MlflowAppConfig {
            artifact_store_uri: s.str("ArtifactStoreUri")?,
            kms_key_id: s.str("KmsKeyId")?,
            role: s.str("RoleArn")?,
        })
    }
}

impl Facets for MlflowAppConfig {
    fn artifact_store(&self) -> Facet<ArtifactStore<'_>> {
        Facet::NotApplicable(
            "an MLflow app takes no expected bucket owner (CreateMlflowApp has no such member)"
                .into(),
        )
    }

    /// Its data at rest.
    fn output(&self) -> Facet<Output<'_>> {
        Facet::One(Output {
            key: self.kms_key_id.as_deref(),
            what: "MLflow app data",
        })
    }

    fn execution_role(&self) -> Facet<Option<&str>> {
        Facet::One(self.role.as_deref())
    }

    fn key_references(&self) -> Vec<&str> {
        self.kms_key_id.as_deref().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{described, KEY};
    use crate::controls::{artifact_bucket_owner, execution_roles, output_kms};
    use crate::resource::ResourceKind;

    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::from_toml(
            "[controls.execution-roles]\nallowed = [\"arn:aws:iam::123456789012:role/MlflowRole\"]\n",
            "test",
        )
        .map_err(|e| FieldError::Missing { path: e.to_string() })?;
        let judge = |response: serde_json::Value| {
            described(ResourceKind::MlflowApp, &response, &policy, &[output_kms::ID, execution_roles::ID, artifact_bucket_owner::ID])
        };
        let keyed = serde_json::json!({
            "Status": "Created", "KmsKeyId": KEY, "RoleArn": "arn:aws:iam::123456789012:role/MlflowRole",
        });
        assert_eq!(judge(keyed)?, ["PASS", "PASS", "N/A"]);
        let open = serde_json::json!({"Status": "Created", "RoleArn": "arn:aws:iam::123456789012:role/Other"});
        assert_eq!(judge(open)?, ["FAIL", "FAIL", "N/A"]);
        let odd = serde_json::json!({
            "Status": "Created", "KmsKeyId": "not a key!", "RoleArn": "arn:aws:iam::123456789012:role/MlflowRole",
        });
        assert_eq!(judge(odd)?, ["CANNOT", "PASS", "N/A"]);
        Ok(())
    }
}
