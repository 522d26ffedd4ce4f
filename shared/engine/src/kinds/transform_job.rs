//! Batch transform jobs: `CreateTransformJob`, stopped with `StopTransformJob`. Their containers
//! run with the VPC and network isolation of the model they run (another resource, described
//! apart: `DescribeModel`).

use super::{
    job_lifecycle, ApiCall, Kind, Listing, Needed, StateChange, Stop,
};
use crate::facets::{Facet, Facets, JobStorage};
use crate::json::FieldError;
use crate::resource::{Dependency, Lifecycle, TransformConfig, VpcAttachment};
use crate::shape::Shape;

pub struct TransformJob;

impl Kind for TransformJob {
    const NAME: &'static str = "transform-job";
    const LABEL: &'static str = "transform job";
    type Config = TransformConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateTransformJob",
        name_key: "transformJobName",
        arn_key: "transformJobArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Transform Job State Change"),
        name_key: "TransformJobName",
        arn_key: "TransformJobArn",
        status_key: "TransformJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateTransformJob";
    const DESCRIBE_CALL: &'static str = "DescribeTransformJob";
    const STOP: Stop = Stop::stopping("StopTransformJob");
    const LISTING: Listing = Listing::jobs("ListTransformJobs");

    fn lifecycle(status: &str) -> Lifecycle {
        job_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<TransformConfig, FieldError> {
        Ok(TransformConfig {
            instances: s
                .get("TransformResources")?
                .map(|r| r.group("TransformResources".into(), "InstanceCount"))
                .transpose()?
                .into_iter()
                .collect(),
            // The model is another resource: only a live replay describes it.
            model: Dependency::NotDescribed {
                name: s.str("ModelName")?.unwrap_or_default(),
            },
            created_ms: s.time_ms("CreationTime")?,
            volume_kms_key_id: s.path_str(&["TransformResources", "VolumeKmsKeyId"])?,
            output_kms_key_id: s.path_str(&["TransformOutput", "KmsKeyId"])?,
            automl_job: s.str("AutoMLJobArn")?,
            plaintext: s.plaintext("Environment")?,
        })
    }

    fn needs(config: &TransformConfig) -> Vec<Needed> {
        match &config.model {
            Dependency::NotDescribed { name } => vec![Needed::Model(name.clone())],
            _ => Vec::new(),
        }
    }

    fn supply(
        config: &mut TransformConfig,
        needed: &Needed,
        described: Option<&Shape<'_>>,
    ) -> Result<(), FieldError> {
        if let (Needed::Model(name), Dependency::NotDescribed { name: wanted }) =
            (needed, &config.model)
        {
            if name == wanted {
                config.model =
                    super::described_since(name, described, super::read_model, config.created_ms)?;
            }
        }
        Ok(())
    }
}

impl Facets for TransformConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::held_in(&self.model, "model", |m| Facet::One(m.vpc.as_ref()))
    }

    fn network_isolation(&self) -> Facet<bool> {
        Facet::held_in(&self.model, "model", |m| Facet::One(m.network_isolation))
    }

    /// Its own `Environment`, and its model's containers'.
    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        Facet::Each {
            parts: vec![
                ("the job".into(), Facet::One(&self.plaintext[..])),
                (
                    format!("model {}", self.model.name()),
                    Facet::held_in(&self.model, "model", |m| Facet::One(&m.plaintext[..])),
                ),
            ],
            none: "no settings",
        }
    }

    fn job_storage(&self) -> Option<JobStorage<'_>> {
        let keys = (&self.volume_kms_key_id, &self.output_kms_key_id);
        Some(JobStorage::new(&self.instances, keys))
    }

    /// An AutoML job's candidate: its problem is the AutoML job's.
    fn part_of(&self) -> Option<&str> {
        self.automl_job.as_deref()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.model
            .found_mut()
            .and_then(|m| m.vpc.as_mut())
            .into_iter()
            .collect()
    }
}
