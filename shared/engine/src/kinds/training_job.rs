//! Training jobs: `CreateTrainingJob`, stopped with `StopTrainingJob`. The configuration is the
//! job shape training and processing jobs share ([`JobConfig`], whose facets are in
//! [`crate::facets`]); a training job a tuning job started names it (`TuningJobArn`).

use super::{job_lifecycle, ApiCall, Kind, Listing, StateChange, Stop};
use crate::json::FieldError;
use crate::resource::{InstanceGroup, JobConfig, Lifecycle};
use crate::shape::Shape;

pub struct TrainingJob;

impl Kind for TrainingJob {
    const NAME: &'static str = "training-job";
    const LABEL: &'static str = "training job";
    type Config = JobConfig;
    /// `UpdateTrainingJob` can switch remote debugging on while the job runs.
    const CALLS: &'static [ApiCall] = &[
        ApiCall {
            event_name: "CreateTrainingJob",
            name_key: "trainingJobName",
            arn_key: "trainingJobArn",
        },
        ApiCall {
            event_name: "UpdateTrainingJob",
            name_key: "trainingJobName",
            arn_key: "trainingJobArn",
        },
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Training Job State Change"),
        name_key: "TrainingJobName",
        arn_key: "TrainingJobArn",
        status_key: "TrainingJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateTrainingJob";
    const DESCRIBE_CALL: &'static str = "DescribeTrainingJob";
    const STOP: Stop = Stop::stopping("StopTrainingJob");
    const LISTING: Listing = Listing::jobs("ListTrainingJobs");

    fn lifecycle(status: &str) -> Lifecycle {
        job_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<JobConfig, FieldError> {
        let remote_debug = match s.get("RemoteDebugConfig")? {
            Some(config) => config.bool_or_false("EnableRemoteDebug")?,
            None => false,
        };
        Ok(JobConfig {
            remote_debug: Some(remote_debug),
            ..read_training(s)?
        })
    }
}

/// A training job, or one training job definition of a tuning job (the same member names; a
/// definition may name its instances in `HyperParameterTuningResourceConfig` instead).
pub(crate) fn read_training(s: &Shape<'_>) -> Result<JobConfig, FieldError> {
    let mut instance_choice = false;
    let (instances, volume_kms_key_id) = if let Some(r) = s.get("ResourceConfig")? {
        let groups = r.items("InstanceGroups")?;
        let instances = if groups.is_empty() {
            vec![r.selected_group("ResourceConfig".into())?]
        } else {
            groups
                .iter()
                .map(|g| {
                    let name = g.str("InstanceGroupName")?.unwrap_or_default();
                    g.group(format!("instance group {name}"), "InstanceCount")
                })
                .collect::<Result<_, _>>()?
        };
        (instances, r.str("VolumeKmsKeyId")?)
    } else if let Some(h) = s.get("HyperParameterTuningResourceConfig")? {
        let mut instances: Vec<InstanceGroup> = h
            .items("InstanceConfigs")?
            .iter()
            .enumerate()
            .map(|(i, c)| c.group(format!("instance config #{i}"), "InstanceCount"))
            .collect::<Result<_, _>>()?;
        instance_choice = !instances.is_empty();
        if instances.is_empty() {
            instances.push(h.group("HyperParameterTuningResourceConfig".into(), "InstanceCount")?);
        }
        (instances, h.str("VolumeKmsKeyId")?)
    } else {
        (Vec::new(), None)
    };
    Ok(JobConfig {
        instances,
        instance_choice,
        vpc: s.vpc("VpcConfig")?,
        volume_kms_key_id,
        output_kms_key_id: s.path_str(&["OutputDataConfig", "KmsKeyId"])?,
        inter_container_encryption: s.bool_or_false("EnableInterContainerTrafficEncryption")?,
        network_isolation: s.bool_or_false("EnableNetworkIsolation")?,
        tuning_job: s.str("TuningJobArn")?,
        automl_job: s.str("AutoMLJobArn")?,
        rule_of: None,
        serverless: s.get("ServerlessJobConfig")?.is_some(),
        remote_debug: None,
        // A tuning job's definition names its fixed hyperparameters `StaticHyperParameters`.
        plaintext: [
            s.plaintext("HyperParameters")?,
            s.plaintext("StaticHyperParameters")?,
            s.plaintext("Environment")?,
        ]
        .concat(),
    })
}
