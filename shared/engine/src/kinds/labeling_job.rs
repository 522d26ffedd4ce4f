//! Ground Truth labeling jobs: `CreateLabelingJob`, stopped with `StopLabelingJob`; state
//! changes as "SageMaker Ground Truth Labeling Job State Change" (whose detail carries only the
//! status: the job is named by the event's `resources`).
//!
//! A labeling job sends the organisation's data to the people of a workteam
//! (`HumanTaskConfig.WorkteamArn`: a private workforce, a vendor, or the public Mechanical Turk
//! crowd), writes the labels under `OutputConfig` (`KmsKeyId`), and, with automated data
//! labeling (`LabelingJobAlgorithmsConfig`), trains and runs models on ML instances
//! (`LabelingJobResourceConfig`: `VolumeKmsKeyId`, `VpcConfig`). Without automated labeling it
//! has no instances of its own: the volume and VPC controls are not applicable.

use serde::Serialize;

use super::{job_lifecycle, ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Output, Volume};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct LabelingJob;

/// What a labeling job runs with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LabelingConfig {
    /// `HumanTaskConfig.WorkteamArn`.
    pub workteam: Option<String>,
    /// `OutputConfig.KmsKeyId`.
    pub output_kms_key_id: Option<String>,
    /// `LabelingJobAlgorithmsConfig.LabelingJobResourceConfig`, when it labels automatically.
    pub automated: Option<AutomatedLabeling>,
}

/// The instances of automated data labeling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AutomatedLabeling {
    pub volume_kms_key_id: Option<String>,
    pub vpc: Option<VpcAttachment>,
}

impl Kind for LabelingJob {
    const NAME: &'static str = "labeling-job";
    const LABEL: &'static str = "labeling job";
    type Config = LabelingConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateLabelingJob",
        name_key: "labelingJobName",
        arn_key: "labelingJobArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Ground Truth Labeling Job State Change"),
        name_key: "LabelingJobName",
        arn_key: "LabelingJobArn",
        status_key: "LabelingJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateLabelingJob";
    const DESCRIBE_CALL: &'static str = "DescribeLabelingJob";
    const STOP: Stop = Stop::stopping("StopLabelingJob");
    const LISTING: Listing = Listing {
        call: "ListLabelingJobs",
        statuses: &["Initializing", "InProgress"],
        excluded: &[],
    };

    /// `LabelingJobStatus`: `Initializing`, `InProgress`, then `Stopping`, `Stopped`,
    /// `Completed`, `Failed`.
    fn lifecycle(status: &str) -> Lifecycle {
        match status {
            "Initializing" => Lifecycle::Active(status.to_string()),
            _ => job_lifecycle(status),
        }
    }

    fn read(s: &Shape<'_>) -> Result<LabelingConfig, FieldError> {
        let automated = match s.get("LabelingJobAlgorithmsConfig")? {
            Some(algorithms) => {
                let resources = algorithms.get("LabelingJobResourceConfig")?;
                Some(AutomatedLabeling {
                    volume_kms_key_id: resources
                        .as_ref()
                        .map(|r| r.str("VolumeKmsKeyId"))
                        .transpose()?
                        .flatten(),
                    vpc: resources.map(|r| r.vpc("VpcConfig")).transpose()?.flatten(),
                })
            }
            None => None,
        };
        Ok(LabelingConfig {
            workteam: s.path_str(&["HumanTaskConfig", "WorkteamArn"])?,
            output_kms_key_id: s.path_str(&["OutputConfig", "KmsKeyId"])?,
            automated,
        })
    }
}

/// Why a setting of automated labeling does not apply.
const MANUAL: &str = "no automated data labeling (LabelingJobAlgorithmsConfig): no ML instances of its own";

impl Facets for LabelingConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        match &self.automated {
            Some(a) => Facet::One(a.vpc.as_ref()),
            None => Facet::NotApplicable(MANUAL.into()),
        }
    }

    fn volume(&self) -> Facet<Volume<'_>> {
        match &self.automated {
            Some(a) => Facet::One(Volume {
                instances: Vec::new(),
                key: a.volume_kms_key_id.as_deref(),
                what: crate::facets::STORAGE_VOLUME,
            }),
            None => Facet::NotApplicable(MANUAL.into()),
        }
    }

    fn output(&self) -> Facet<Output<'_>> {
        Facet::One(Output {
            key: self.output_kms_key_id.as_deref(),
            what: "labels",
        })
    }

    fn workteam(&self) -> Facet<Option<&str>> {
        Facet::One(self.workteam.as_deref())
    }

    fn key_references(&self) -> Vec<&str> {
        let volume = self.automated.as_ref().and_then(|a| a.volume_kms_key_id.as_deref());
        self.output_kms_key_id.as_deref().into_iter().chain(volume).collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.automated
            .as_mut()
            .and_then(|a| a.vpc.as_mut())
            .into_iter()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{labeling, status, vpc, KEY};
    use crate::controls::{output_kms, volume_kms, vpc_attached};
    use crate::resource::ResourceKind;

    fn automated(key: Option<&str>, vpc: Option<VpcAttachment>) -> Option<AutomatedLabeling> {
        Some(AutomatedLabeling {
            volume_kms_key_id: key.map(str::to_string),
            vpc,
        })
    }

    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::baseline();
        let cases = [
            ("labels with the key", labeling(|_| {}), output_kms::ID, "PASS"),
            ("labels with S3's key", labeling(|l| l.output_kms_key_id = None), output_kms::ID, "FAIL"),
            ("labels with a key this version cannot read", labeling(|l| l.output_kms_key_id = Some("not a key!".into())), output_kms::ID, "CANNOT"),
            ("manual labeling: no instances", labeling(|_| {}), volume_kms::ID, "N/A"),
            ("manual labeling: no instances", labeling(|_| {}), vpc_attached::ID, "N/A"),
            ("automated, with key and VPC", labeling(|l| l.automated = automated(Some(KEY), vpc())), volume_kms::ID, "PASS"),
            ("automated, with key and VPC", labeling(|l| l.automated = automated(Some(KEY), vpc())), vpc_attached::ID, "PASS"),
            ("automated, AWS's volume key", labeling(|l| l.automated = automated(None, vpc())), volume_kms::ID, "FAIL"),
            ("automated, outside the VPC", labeling(|l| l.automated = automated(Some(KEY), None)), vpc_attached::ID, "FAIL"),
        ];
        for (case, snapshot, id, want) in cases {
            let check = policy.check(id, &snapshot);
            assert_eq!(status(&check), want, "{case} ({id}): {check:?}");
        }
        let read = ResourceKind::LabelingJob.read_described(&serde_json::json!({
            "LabelingJobStatus": "Initializing",
            "HumanTaskConfig": {"WorkteamArn": "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"},
            "OutputConfig": {"S3OutputPath": "s3://l/", "KmsKeyId": KEY},
            "LabelingJobAlgorithmsConfig": {"LabelingJobAlgorithmSpecificationArn": "arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/object-detection"},
        }))?;
        assert_eq!(ResourceKind::LabelingJob.lifecycle(&read.status), Lifecycle::Active("Initializing".into()));
        let crate::resource::Details::LabelingJob(c) = read.details else {
            panic!("a labeling job")
        };
        assert_eq!(c.automated, automated(None, None), "automated labeling without resource config");
        Ok(())
    }
}
