//! Typed snapshots of SageMaker resources: the only input the controls see.
//!
//! A snapshot is built either from the live resource (Describe* + ListTags, see the `guardrail-aws` crate) or,
//! for offline replay only, from the configuration carried in an event (see [`crate::event_config`]).
//! Fields hold what AWS reports, with AWS's documented defaults applied where a field is absent
//! (for example `DirectInternetAccess` defaults to `Enabled`), so a missing field is judged by what
//! the resource really does, never assumed compliant.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

use crate::facets::Facets;
pub use crate::kinds::{Details, ResourceKind};

/// Whether `value` is an AWS account id (12 digits).
pub fn is_account_id(value: &str) -> bool {
    value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit())
}

/// The AWS partition of a region, by the region prefixes of AWS's partition table (the SDK's
/// endpoint `partitions.json`): China, GovCloud, the isolated regions and the European
/// Sovereign Cloud have partitions of their own, whose ARNs differ (`arn:aws-cn:...`).
pub fn partition(region: &str) -> &'static str {
    const PREFIXES: [(&str, &str); 7] = [
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-iso-", "aws-iso"),
        ("us-isob-", "aws-iso-b"),
        ("eu-isoe-", "aws-iso-e"),
        ("us-isof-", "aws-iso-f"),
        ("eusc-", "aws-eusc"),
    ];
    PREFIXES
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
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
            "arn:{}:sagemaker:{}:{}:{}/{}",
            partition(&self.region),
            self.region,
            self.account,
            self.kind.as_str(),
            self.kind.arn_resource(&self.name)
        )
    }

    /// What the SDK calls take to name it: its name, or its ARN for a kind named by its ARN.
    pub fn call_name(&self) -> String {
        if self.kind.named_by_arn() {
            self.arn()
        } else {
            self.name.clone()
        }
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
        kind.lifecycle(status)
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
    /// `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion` (AWS default
    /// `1` at create: IMDSv1 and IMDSv2 both answer).
    pub minimum_imds_version: String,
    /// `PlatformIdentifier`; `None` when a Describe response or a state change does not report
    /// it (a create call that leaves it out gets AWS's default, see [`crate::platforms`]).
    pub platform: Option<String>,
    /// `NotebookInstanceLifecycleConfigName` (`LifecycleConfigName` in the create call).
    pub lifecycle_config: Option<String>,
    /// What that configuration's scripts are now (`DescribeNotebookInstanceLifecycleConfig`),
    /// as the digest a policy pins it by ([`crate::kinds::notebook_instance::script_digest`]).
    pub lifecycle_digest: Option<Dependency<String>>,
    /// That configuration's scripts, decoded, scanned for credentials; never serialised.
    #[serde(skip)]
    pub lifecycle_scripts: Option<Dependency<Vec<crate::secrets::Setting>>>,
}

/// The instances one part of a workload runs on: a job's cluster, one group of a heterogeneous
/// training cluster, one instance configuration a tuning job may pick.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstanceGroup {
    /// Where it comes from, for people: `ResourceConfig`, `instance group gpu`, ...
    pub label: String,
    /// `ml.p4d.24xlarge`...; `None` when AWS did not report it.
    pub instance_type: Option<String>,
    /// `None` when AWS did not report it.
    pub instance_count: Option<i32>,
}

/// Job settings the controls read; training and processing jobs share the shape
/// (the fields live in different places of each API, the adapters flatten them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct JobConfig {
    /// The instances the job runs on (one group, or every group of a heterogeneous cluster).
    pub instances: Vec<InstanceGroup>,
    /// `instances` are alternatives, one of which each training job uses (a tuning job's
    /// `HyperParameterTuningResourceConfig.InstanceConfigs`), not groups that run together.
    pub instance_choice: bool,
    pub vpc: Option<VpcAttachment>,
    pub volume_kms_key_id: Option<String>,
    pub output_kms_key_id: Option<String>,
    /// Absent means `false`, the AWS default.
    pub inter_container_encryption: bool,
    /// Absent means `false`, the AWS default.
    pub network_isolation: bool,
    /// The tuning job that launched this training job (`TuningJobArn`): the child's problem is
    /// its parent's, alerted once.
    pub tuning_job: Option<String>,
    /// The training job a Debugger or Profiler rule job evaluates (a processing job's
    /// `TrainingJobArn`; SageMaker starts it, `CreateProcessingJob` cannot name one): judged on
    /// what its creator could set, its problem counted on the training job.
    pub rule_of: Option<String>,
    /// A serverless training job (`ServerlessJobConfig`, no `ResourceConfig`): SageMaker picks
    /// its compute and storage.
    pub serverless: bool,
    /// The AutoML job that started this candidate job (`AutoMLJobArn`, which no create call
    /// takes: SageMaker sets it): its problem is the AutoML job's, alerted once.
    pub automl_job: Option<String>,
    /// A training job's `RemoteDebugConfig.EnableRemoteDebug` (absent: `false`, AWS's default),
    /// which `UpdateTrainingJob` can switch on while it runs; `None` for the kinds without it
    /// (processing jobs, a tuning job's definitions: AWS takes no remote debugging there).
    pub remote_debug: Option<bool>,
    /// The settings its code reads in plain text (`HyperParameters`, `Environment`), scanned
    /// for credentials; never serialised.
    #[serde(skip)]
    pub plaintext: Vec<crate::secrets::Setting>,
}

/// Another resource a workload depends on (its model, its endpoint configuration), as the
/// guardrail could see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum Dependency<T> {
    Found {
        name: String,
        value: T,
    },
    /// The workload runs but this dependency no longer exists (AWS lets a model or an endpoint
    /// configuration be deleted while it is in use): its settings cannot be verified, which the
    /// controls that need them treat as a failure (fail closed).
    Deleted {
        name: String,
    },
    /// Not described: an event replayed offline does not carry it.
    NotDescribed {
        name: String,
    },
    /// Created after the workload last took it (a model or endpoint configuration deleted and
    /// created again under the same name, which AWS allows while an endpoint serves the first):
    /// what it holds now is not what runs, so its settings cannot be verified (fail closed).
    Replaced {
        name: String,
        /// When it was created, and when the workload last changed (milliseconds since the
        /// epoch).
        created_ms: i64,
        taken_ms: i64,
    },
}

impl<T> Dependency<T> {
    pub fn name(&self) -> &str {
        match self {
            Dependency::Found { name, .. }
            | Dependency::Deleted { name }
            | Dependency::NotDescribed { name }
            | Dependency::Replaced { name, .. } => name,
        }
    }

    pub fn found_mut(&mut self) -> Option<&mut T> {
        match self {
            Dependency::Found { value, .. } => Some(value),
            _ => None,
        }
    }
}

/// Transform job settings (`DescribeTransformJob`): its own KMS keys; the VPC and network
/// isolation of its containers come from the model it runs (`DescribeModel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransformConfig {
    /// `TransformResources.InstanceType` and `InstanceCount`.
    pub instances: Vec<InstanceGroup>,
    pub model: Dependency<ModelConfig>,
    /// When the job was created (milliseconds since the epoch): a model created later is not
    /// the one it runs.
    pub created_ms: Option<i64>,
    /// `TransformResources.VolumeKmsKeyId`.
    pub volume_kms_key_id: Option<String>,
    /// `TransformOutput.KmsKeyId`.
    pub output_kms_key_id: Option<String>,
    /// The AutoML job that started it (`AutoMLJobArn`).
    pub automl_job: Option<String>,
    /// Its `Environment`, scanned for credentials; never serialised.
    #[serde(skip)]
    pub plaintext: Vec<crate::secrets::Setting>,
}

/// One training job definition of a hyperparameter tuning job (`TrainingJobDefinition` or an
/// entry of `TrainingJobDefinitions`): every training job the tuner starts inherits it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TuningDefinition {
    /// `DefinitionName`, or `TrainingJobDefinition` for the single-definition form.
    pub name: String,
    pub job: JobConfig,
}

/// One production or shadow variant of an endpoint, with the settings of the model it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VariantModel {
    pub variant_name: String,
    /// A shadow variant (`ShadowProductionVariants`): it receives a copy of production traffic.
    pub shadow: bool,
    /// The variant's instances; `None` for a serverless variant (`ServerlessConfig`: no instance,
    /// no storage volume).
    pub instances: Option<InstanceGroup>,
    /// `None` for a variant that hosts inference components instead of a model.
    pub model: Option<Dependency<ModelConfig>>,
    /// `EnableSSMAccess`: shell access to the variant's containers through Systems Manager
    /// (absent is `false`).
    pub ssm_access: bool,
    /// `ManagedInstanceScaling.MinInstanceCount` when its `Status` is `ENABLED`.
    pub scaling_minimum: Option<i32>,
    /// `CoreDumpConfig`, when the variant writes its containers' core dumps to S3: its
    /// `KmsKeyId` (absent: AWS's "default KMS key for Amazon S3", an AWS managed key).
    pub core_dump: Option<Option<String>>,
}

impl VariantModel {
    /// For people: `variant AllTraffic`, `shadow variant canary`.
    pub fn label(&self) -> String {
        let role = if self.shadow {
            "shadow variant"
        } else {
            "variant"
        };
        format!("{role} {}", self.variant_name)
    }
}

/// Model settings that govern the containers an endpoint runs (`DescribeModel`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ModelConfig {
    pub vpc: Option<VpcAttachment>,
    pub network_isolation: bool,
    /// Its containers' `Environment`, scanned for credentials; never serialised.
    #[serde(skip)]
    pub plaintext: Vec<crate::secrets::Setting>,
}

/// Data capture settings of an endpoint configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataCapture {
    pub enabled: bool,
    pub kms_key_id: Option<String>,
}

/// Where an asynchronous endpoint writes its results (`AsyncInferenceConfig.OutputConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsyncOutput {
    pub kms_key_id: Option<String>,
}

/// Endpoint configuration and the models behind it (`DescribeEndpointConfig` + `DescribeModel`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointConfig {
    pub kms_key_id: Option<String>,
    pub data_capture: Option<DataCapture>,
    /// `AsyncInferenceConfig.OutputConfig`'s `KmsKeyId`, when the configuration serves
    /// asynchronous inference (`None`: it does not).
    pub async_output: Option<AsyncOutput>,
    /// Production variants, then shadow variants.
    pub variants: Vec<VariantModel>,
    /// The configuration's own `VpcConfig` (endpoints that host inference components).
    pub vpc: Option<VpcAttachment>,
    /// The configuration's own `EnableNetworkIsolation` (inference components); absent is false.
    pub network_isolation: bool,
}

/// An endpoint: the configuration it runs or is being updated to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndpointDetails {
    /// The configuration being deployed while an update is pending
    /// (`PendingDeploymentSummary.EndpointConfigName`), else the one deployed.
    pub config: Dependency<EndpointConfig>,
    /// The last configuration the endpoint was compliant with, as the finding store recorded
    /// it (filled in by the inspector): where a non-compliant update is rolled back to.
    pub last_compliant_config: Option<String>,
    /// When the endpoint last took a configuration (`LastModifiedTime`, or the pending update's
    /// `StartTime`; milliseconds since the epoch): a configuration or model created later is
    /// not what it serves.
    pub taken_ms: Option<i64>,
}

impl EndpointDetails {
    pub fn new(config: Dependency<EndpointConfig>) -> EndpointDetails {
        EndpointDetails {
            config,
            last_compliant_config: None,
            taken_ms: None,
        }
    }

    /// The configuration to roll back to: the last compliant one, when it is not the one judged
    /// (which then came with an update).
    pub fn rollback_target(&self) -> Option<&str> {
        self.last_compliant_config
            .as_deref()
            .filter(|c| *c != self.config.name())
    }
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
    /// Who manages each KMS key the resource names by id or ARN (by key ARN), as KMS answered;
    /// `None` when nobody asked (offline replay).
    pub key_managers: Option<BTreeMap<String, KeyManager>>,
    /// Whether each other account whose keys the resource names (or whose bucket it writes to,
    /// [`crate::facets::Facets::account_references`]) is in the deployment's organisation, as
    /// Organizations answered; `None` when the deployment knows no
    /// organisation, or nobody asked (offline replay).
    pub key_accounts: Option<BTreeMap<String, bool>>,
    /// When the resource was created (its `CreationTime`, milliseconds since the epoch): which
    /// incarnation of its name this is. `None` when the source does not say (offline replay).
    pub created_ms: Option<i64>,
}

/// Who manages a KMS key: `DescribeKey`'s `KeyManager`, or why it is not known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "manager", rename_all = "kebab-case")]
pub enum KeyManager {
    Customer,
    Aws,
    Unknown { reason: String },
}

impl JobConfig {
    /// How many instances one run of the job uses at most; `None` when AWS did not report it.
    pub fn instance_count(&self) -> Option<i32> {
        let counts: Option<Vec<i32>> = self.instances.iter().map(|g| g.instance_count).collect();
        let counts = counts.filter(|c| !c.is_empty())?;
        if self.instance_choice {
            counts.into_iter().max()
        } else {
            Some(counts.into_iter().sum())
        }
    }
}

impl Snapshot {
    pub fn kind(&self) -> ResourceKind {
        self.id.kind
    }

    /// The facets the controls read.
    pub fn facets(&self) -> &dyn Facets {
        self.details.facets()
    }

    /// Every KMS key reference the resource's settings name (volumes, outputs, data capture).
    pub fn key_references(&self) -> Vec<&str> {
        self.facets().key_references()
    }

    /// The resource whose problem this one's is part of: a training job's tuning job.
    pub fn part_of(&self) -> Option<&str> {
        self.facets().part_of()
    }

    /// Every VPC attachment of the resource (an endpoint has one per model).
    pub fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.details.facets_mut().vpc_attachments_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GovCloud, China and the other partitions name resources with their own partition.
    #[test]
    fn arns_carry_the_partition_of_their_region() {
        let arn = |region: &str| {
            ResourceId {
                kind: ResourceKind::TrainingJob,
                name: "churn".into(),
                account: "123456789012".into(),
                region: region.into(),
            }
            .arn()
        };
        assert_eq!(
            arn("us-east-1"),
            "arn:aws:sagemaker:us-east-1:123456789012:training-job/churn"
        );
        assert_eq!(
            arn("us-gov-west-1"),
            "arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:training-job/churn"
        );
        assert_eq!(
            arn("cn-northwest-1"),
            "arn:aws-cn:sagemaker:cn-northwest-1:123456789012:training-job/churn"
        );
        assert_eq!(partition("us-isob-east-1"), "aws-iso-b");
        assert_eq!(partition("us-iso-east-1"), "aws-iso");
        assert_eq!(partition("eusc-de-east-1"), "aws-eusc");
        assert_eq!(partition("eu-west-1"), "aws");
    }

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
