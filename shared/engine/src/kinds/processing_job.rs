//! Processing jobs: `CreateProcessingJob`, stopped with `StopProcessingJob`. The configuration is
//! the job shape training and processing jobs share ([`JobConfig`]), read from the members
//! where processing jobs keep it (`NetworkConfig`, `ProcessingResources.ClusterConfig`).

use super::{job_lifecycle, ApiCall, Kind, Listing, StateChange, Stop};
use crate::json::FieldError;
use crate::resource::{JobConfig, Lifecycle};
use crate::shape::Shape;

pub struct ProcessingJob;

impl Kind for ProcessingJob {
    const NAME: &'static str = "processing-job";
    const LABEL: &'static str = "processing job";
    type Config = JobConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateProcessingJob",
        name_key: "processingJobName",
        arn_key: "processingJobArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Processing Job State Change"),
        name_key: "ProcessingJobName",
        arn_key: "ProcessingJobArn",
        status_key: "ProcessingJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateProcessingJob";
    const DESCRIBE_CALL: &'static str = "DescribeProcessingJob";
    const STOP: Stop = Stop::stopping("StopProcessingJob");
    const LISTING: Listing = Listing::jobs("ListProcessingJobs");

    fn lifecycle(status: &str) -> Lifecycle {
        job_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<JobConfig, FieldError> {
        let network = s.network("NetworkConfig")?;
        let cluster = match s.get("ProcessingResources")? {
            Some(r) => r.get("ClusterConfig")?,
            None => None,
        };
        Ok(JobConfig {
            instances: cluster
                .map(|c| c.selected_group("ClusterConfig".into()))
                .transpose()?
                .into_iter()
                .collect(),
            instance_choice: false,
            vpc: network.vpc,
            volume_kms_key_id: s.path_str(&[
                "ProcessingResources",
                "ClusterConfig",
                "VolumeKmsKeyId",
            ])?,
            output_kms_key_id: s.path_str(&["ProcessingOutputConfig", "KmsKeyId"])?,
            inter_container_encryption: network.inter_container_encryption,
            network_isolation: network.network_isolation,
            tuning_job: None,
            rule_of: s.str("TrainingJobArn")?,
            automl_job: s.str("AutoMLJobArn")?,
            serverless: false,
            remote_debug: None,
            plaintext: s.plaintext("Environment")?,
        })
    }
}
