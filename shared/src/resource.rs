//! Typed snapshots of SageMaker resources: the only input the controls see.
//!
//! A snapshot is built either from the live resource (Describe* + ListTags, see [`crate::aws`]) or,
//! for offline replay only, from the configuration carried in an event (see [`crate::event_config`]).
//! Fields hold what AWS reports, with AWS's documented defaults applied where a field is absent
//! (for example `DirectInternetAccess` defaults to `Enabled`), so a missing field is judged by what
//! the resource really does, never assumed compliant.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// The kinds of SageMaker resource the guardrail covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ResourceKind {
    NotebookInstance,
    TrainingJob,
    ProcessingJob,
    TransformJob,
    HyperParameterTuningJob,
    Endpoint,
}

impl ResourceKind {
    pub const ALL: [ResourceKind; 6] = [
        ResourceKind::NotebookInstance,
        ResourceKind::TrainingJob,
        ResourceKind::ProcessingJob,
        ResourceKind::TransformJob,
        ResourceKind::HyperParameterTuningJob,
        ResourceKind::Endpoint,
    ];

    /// Stable machine name, used in findings, message attributes and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::NotebookInstance => "notebook-instance",
            ResourceKind::TrainingJob => "training-job",
            ResourceKind::ProcessingJob => "processing-job",
            ResourceKind::TransformJob => "transform-job",
            ResourceKind::HyperParameterTuningJob => "hyper-parameter-tuning-job",
            ResourceKind::Endpoint => "endpoint",
        }
    }

    /// Words for people, used in alert subjects.
    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::NotebookInstance => "notebook instance",
            ResourceKind::TrainingJob => "training job",
            ResourceKind::ProcessingJob => "processing job",
            ResourceKind::TransformJob => "transform job",
            ResourceKind::HyperParameterTuningJob => "tuning job",
            ResourceKind::Endpoint => "endpoint",
        }
    }
}

impl ResourceKind {
    /// Jobs share one lifecycle: `InProgress`, then `Stopping`/`Stopped`/`Completed`/`Failed`.
    pub fn is_job(self) -> bool {
        matches!(
            self,
            ResourceKind::TrainingJob
                | ResourceKind::ProcessingJob
                | ResourceKind::TransformJob
                | ResourceKind::HyperParameterTuningJob
        )
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which resource, where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceId {
    pub kind: ResourceKind,
    pub name: String,
    pub account: String,
    pub region: String,
}

impl ResourceId {
    /// The ARN SageMaker gives this resource. SageMaker lower-cases names in ARNs.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:sagemaker:{}:{}:{}/{}",
            self.region,
            self.account,
            self.kind.as_str(),
            self.name.to_ascii_lowercase()
        )
    }
}

/// Where a resource is in its life, as far as remediation cares.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "phase", content = "status", rename_all = "kebab-case")]
pub enum Lifecycle {
    /// Running and stoppable (or deletable) now.
    Active(String),
    /// Changing state: cannot be stopped until it settles; its next state-change event triggers us again.
    Transitional(String),
    /// Already stopped, finished, failed or being deleted: nothing to stop.
    Ended(String),
    /// A status this version does not know: reported, never acted on blindly.
    Unknown(String),
    /// The event did not say (offline replay of a create call).
    NotReported,
}

impl Lifecycle {
    /// Map a SageMaker status string of the given kind.
    pub fn classify(kind: ResourceKind, status: &str) -> Lifecycle {
        let s = status.to_string();
        match (kind, status) {
            (ResourceKind::NotebookInstance, "InService") => Lifecycle::Active(s),
            (ResourceKind::NotebookInstance, "Pending" | "Updating") => Lifecycle::Transitional(s),
            (ResourceKind::NotebookInstance, "Stopping" | "Stopped" | "Failed" | "Deleting") => {
                Lifecycle::Ended(s)
            }
            (kind, "InProgress") if kind.is_job() => Lifecycle::Active(s),
            (kind, "Stopping" | "Stopped" | "Completed" | "Failed") if kind.is_job() => {
                Lifecycle::Ended(s)
            }
            (ResourceKind::Endpoint, "InService" | "OutOfService" | "Failed") => {
                Lifecycle::Active(s)
            }
            (
                ResourceKind::Endpoint,
                "Creating" | "Updating" | "SystemUpdating" | "RollingBack" | "UpdateRollbackFailed",
            ) => Lifecycle::Transitional(s),
            (ResourceKind::Endpoint, "Deleting") => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    pub fn status(&self) -> Option<&str> {
        match self {
            Lifecycle::Active(s)
            | Lifecycle::Transitional(s)
            | Lifecycle::Ended(s)
            | Lifecycle::Unknown(s) => Some(s),
            Lifecycle::NotReported => None,
        }
    }
}

/// An `Enabled` / `Disabled` switch as SageMaker reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Toggle {
    Enabled,
    Disabled,
    /// A value this version does not know: the control reports "cannot evaluate".
    Unrecognised(String),
}

impl Toggle {
    pub fn parse(value: &str) -> Toggle {
        match value {
            "Enabled" => Toggle::Enabled,
            "Disabled" => Toggle::Disabled,
            other => Toggle::Unrecognised(other.to_string()),
        }
    }
}

impl fmt::Display for Toggle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Toggle::Enabled => f.write_str("Enabled"),
            Toggle::Disabled => f.write_str("Disabled"),
            Toggle::Unrecognised(v) => write!(f, "{v} (unrecognised)"),
        }
    }
}

/// Subnets and security groups a resource is attached to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VpcAttachment {
    pub subnets: Vec<String>,
    pub security_groups: Vec<String>,
    /// The VPC of the subnets, when looked up (only for policies with a VPC allow-list).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
}

/// Notebook instance settings the controls read (`DescribeNotebookInstance`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotebookConfig {
    /// `SubnetId` + `SecurityGroups`; `None` when the notebook has no subnet.
    pub vpc: Option<VpcAttachment>,
    pub kms_key_id: Option<String>,
    /// `DirectInternetAccess` (AWS default `Enabled`).
    pub direct_internet_access: Toggle,
    /// `RootAccess` (AWS default `Enabled`).
    pub root_access: Toggle,
}

/// Job settings the controls read; training and processing jobs share the shape
/// (the fields live in different places of each API, the adapters flatten them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobConfig {
    pub vpc: Option<VpcAttachment>,
    pub volume_kms_key_id: Option<String>,
    pub output_kms_key_id: Option<String>,
    /// Absent means `false`, the AWS default.
    pub inter_container_encryption: bool,
    /// Absent means `false`, the AWS default.
    pub network_isolation: bool,
}

/// Transform job settings (`DescribeTransformJob`): its own KMS keys; the VPC and network
/// isolation of its containers come from the model it runs (`DescribeModel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransformConfig {
    pub model_name: String,
    /// `None` when the model was not described: deleted since, or an event replayed offline.
    pub model: Option<ModelConfig>,
    /// `TransformResources.VolumeKmsKeyId`.
    pub volume_kms_key_id: Option<String>,
    /// `TransformOutput.KmsKeyId`.
    pub output_kms_key_id: Option<String>,
}

/// One training job definition of a hyperparameter tuning job (`TrainingJobDefinition` or an
/// entry of `TrainingJobDefinitions`): every training job the tuner starts inherits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TuningDefinition {
    /// `DefinitionName`, or `TrainingJobDefinition` for the single-definition form.
    pub name: String,
    pub job: JobConfig,
}

/// One production variant of an endpoint, with the settings of the model it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantModel {
    pub variant_name: String,
    pub model_name: String,
    /// `None` when the model itself could not be described (deleted since the config was made).
    pub model: Option<ModelConfig>,
}

/// Model settings that govern the containers an endpoint runs (`DescribeModel`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ModelConfig {
    pub vpc: Option<VpcAttachment>,
    pub network_isolation: bool,
}

/// Data capture settings of an endpoint configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataCapture {
    pub enabled: bool,
    pub kms_key_id: Option<String>,
}

/// Endpoint configuration and the models behind it (`DescribeEndpointConfig` + `DescribeModel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointConfig {
    pub config_name: String,
    pub kms_key_id: Option<String>,
    pub data_capture: Option<DataCapture>,
    pub variants: Vec<VariantModel>,
}

/// What each kind carries. The endpoint's configuration is `None` when the source (an event
/// replayed offline) does not carry it: its controls then report "cannot evaluate".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Details {
    NotebookInstance(NotebookConfig),
    TrainingJob(JobConfig),
    ProcessingJob(JobConfig),
    TransformJob(TransformConfig),
    HyperParameterTuningJob(Vec<TuningDefinition>),
    Endpoint(Option<EndpointConfig>),
}

/// A resource as observed at one moment: the controls' whole input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    pub id: ResourceId,
    pub arn: String,
    pub lifecycle: Lifecycle,
    pub details: Details,
    /// Tags; `None` when the source does not carry them.
    pub tags: Option<BTreeMap<String, String>>,
}

impl Snapshot {
    pub fn kind(&self) -> ResourceKind {
        self.id.kind
    }

    /// Every VPC attachment of the resource (an endpoint has one per model).
    pub fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        match &mut self.details {
            Details::NotebookInstance(n) => n.vpc.iter_mut().collect(),
            Details::TrainingJob(j) | Details::ProcessingJob(j) => j.vpc.iter_mut().collect(),
            Details::TransformJob(t) => t.model.iter_mut().filter_map(|m| m.vpc.as_mut()).collect(),
            Details::HyperParameterTuningJob(defs) => {
                defs.iter_mut().filter_map(|d| d.job.vpc.as_mut()).collect()
            }
            Details::Endpoint(Some(e)) => e
                .variants
                .iter_mut()
                .filter_map(|v| v.model.as_mut())
                .filter_map(|m| m.vpc.as_mut())
                .collect(),
            Details::Endpoint(None) => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_statuses_are_kept_apart_from_known_ones() {
        assert_eq!(
            Lifecycle::classify(ResourceKind::NotebookInstance, "InService"),
            Lifecycle::Active("InService".into())
        );
        assert_eq!(
            Lifecycle::classify(ResourceKind::Endpoint, "Creating"),
            Lifecycle::Transitional("Creating".into())
        );
        assert_eq!(
            Lifecycle::classify(ResourceKind::TrainingJob, "Completed"),
            Lifecycle::Ended("Completed".into())
        );
        assert_eq!(
            Lifecycle::classify(ResourceKind::TrainingJob, "Paused"),
            Lifecycle::Unknown("Paused".into())
        );
    }

    #[test]
    fn arn_lower_cases_the_name() {
        let id = ResourceId {
            kind: ResourceKind::TrainingJob,
            name: "Churn-XGB".into(),
            account: "123456789012".into(),
            region: "eu-west-1".into(),
        };
        assert_eq!(
            id.arn(),
            "arn:aws:sagemaker:eu-west-1:123456789012:training-job/churn-xgb"
        );
    }
}
