//! Hyperparameter tuning jobs: `CreateHyperParameterTuningJob`, stopped with
//! `StopHyperParameterTuningJob`. Every training job the tuner starts inherits one of its
//! training job definitions, so each definition is judged as a training job.

use super::training_job::read_training;
use super::{job_lifecycle, ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Cluster, Facet, Facets, Output, Volume};
use crate::json::FieldError;
use crate::resource::{Lifecycle, TuningDefinition, VpcAttachment};
use crate::shape::Shape;

pub struct TuningJob;

impl Kind for TuningJob {
    const NAME: &'static str = "hyper-parameter-tuning-job";
    const LABEL: &'static str = "tuning job";
    type Config = Vec<TuningDefinition>;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateHyperParameterTuningJob",
        name_key: "hyperParameterTuningJobName",
        arn_key: "hyperParameterTuningJobArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker HyperParameter Tuning Job State Change"),
        name_key: "HyperParameterTuningJobName",
        arn_key: "HyperParameterTuningJobArn",
        status_key: "HyperParameterTuningJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateHyperParameterTuningJob";
    const DESCRIBE_CALL: &'static str = "DescribeHyperParameterTuningJob";
    const STOP: Stop = Stop::stopping("StopHyperParameterTuningJob");
    const LISTING: Listing = Listing::jobs("ListHyperParameterTuningJobs");

    fn lifecycle(status: &str) -> Lifecycle {
        job_lifecycle(status)
    }

    /// `TrainingJobDefinition` (one definition) and `TrainingJobDefinitions` (several).
    fn read(s: &Shape<'_>) -> Result<Vec<TuningDefinition>, FieldError> {
        let mut definitions = Vec::new();
        if let Some(single) = s.get("TrainingJobDefinition")? {
            definitions.push(TuningDefinition {
                name: "TrainingJobDefinition".into(),
                job: read_training(&single)?,
            });
        }
        for (i, item) in s.items("TrainingJobDefinitions")?.iter().enumerate() {
            definitions.push(TuningDefinition {
                name: item
                    .str("DefinitionName")?
                    .unwrap_or_else(|| format!("#{i}")),
                job: read_training(item)?,
            });
        }
        Ok(definitions)
    }
}

/// Each definition's facet, labelled with its name.
fn each<'a, T>(
    definitions: &'a [TuningDefinition],
    read: impl Fn(&'a TuningDefinition) -> Facet<T>,
) -> Facet<T> {
    Facet::Each {
        parts: definitions
            .iter()
            .map(|d| (format!("definition {}", d.name), read(d)))
            .collect(),
        none: "no training job definition reported",
    }
}

impl Facets for Vec<TuningDefinition> {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        each(self, |d| d.job.vpc())
    }

    fn network_isolation(&self) -> Facet<bool> {
        each(self, |d| d.job.network_isolation())
    }

    fn cluster(&self) -> Facet<Cluster> {
        each(self, |d| d.job.cluster())
    }

    fn volume(&self) -> Facet<Volume<'_>> {
        each(self, |d| d.job.volume())
    }

    fn output(&self) -> Facet<Output<'_>> {
        each(self, |d| d.job.output())
    }

    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        each(self, |d| d.job.plaintext())
    }

    fn key_references(&self) -> Vec<&str> {
        self.iter().flat_map(|d| d.job.key_references()).collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.iter_mut()
            .flat_map(|d| d.job.vpc_attachments_mut())
            .collect()
    }
}
