//! SageMaker Neo compilation jobs: `CreateCompilationJob`, stopped with `StopCompilationJob`.
//! SageMaker sends no state-change event for them and no condition key carries their settings:
//! the create call and the sweep are the only controls.
//!
//! A compilation job reads a model from S3 and writes the compiled model back; it can run in the
//! organisation's VPC (`VpcConfig`, whose subnets and security groups AWS requires together) and
//! encrypt what it writes with `OutputConfig.KmsKeyId` (absent: "the default KMS key for Amazon
//! S3 for your role's account"). `CompilationJobStatus` is upper case: `INPROGRESS`, `STARTING`,
//! `STOPPING`, `STOPPED`, `COMPLETED`, `FAILED`.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Output};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct CompilationJob;

/// What a job that reads a model and writes another runs with: a compilation job, an
/// optimization job ([`super::optimization_job`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelJobConfig {
    /// `VpcConfig`.
    pub vpc: Option<VpcAttachment>,
    /// `OutputConfig.KmsKeyId`.
    pub output_kms_key_id: Option<String>,
    /// What the model it writes is called in findings.
    #[serde(skip)]
    pub output: &'static str,
    /// An optimization job's `OptimizationEnvironment`, scanned for credentials; never
    /// serialised.
    #[serde(skip)]
    pub plaintext: Option<Vec<crate::secrets::Setting>>,
}

/// The lifecycle of `CompilationJobStatus` and `OptimizationJobStatus` (the same values).
pub(crate) fn model_job_lifecycle(status: &str) -> Lifecycle {
    let s = status.to_string();
    match status {
        "INPROGRESS" | "STARTING" => Lifecycle::Active(s),
        "STOPPING" | "STOPPED" | "COMPLETED" | "FAILED" => Lifecycle::Ended(s),
        _ => Lifecycle::Unknown(s),
    }
}

impl Kind for CompilationJob {
    const NAME: &'static str = "compilation-job";
    const LABEL: &'static str = "compilation job";
    type Config = ModelJobConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateCompilationJob",
        name_key: "compilationJobName",
        arn_key: "compilationJobArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "CompilationJobName",
        arn_key: "CompilationJobArn",
        status_key: "CompilationJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateCompilationJob";
    const DESCRIBE_CALL: &'static str = "DescribeCompilationJob";
    const STOP: Stop = Stop::stopping("StopCompilationJob");
    const LISTING: Listing = Listing {
        call: "ListCompilationJobs",
        statuses: &["INPROGRESS", "STARTING"],
        excluded: &[],
    };

    /// API reference, `CompilationJobStatus` (`StopCompilationJob` documents no status
    /// precondition: a refusal in `STARTING` is re-described and judged as any refused stop).
    fn lifecycle(status: &str) -> Lifecycle {
        model_job_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<ModelJobConfig, FieldError> {
        Ok(ModelJobConfig {
            vpc: s.vpc("VpcConfig")?,
            output_kms_key_id: s.path_str(&["OutputConfig", "KmsKeyId"])?,
            output: "compiled model",
            plaintext: None,
        })
    }
}

impl Facets for ModelJobConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        Facet::One(self.vpc.as_ref())
    }

    /// The model it writes to S3.
    fn output(&self) -> Facet<Output<'_>> {
        Facet::One(Output {
            key: self.output_kms_key_id.as_deref(),
            what: self.output,
        })
    }

    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        self.plaintext
            .as_ref()
            .map_or(Facet::NoSuchSetting, |p| Facet::One(&p[..]))
    }

    fn key_references(&self) -> Vec<&str> {
        self.output_kms_key_id.as_deref().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.vpc.iter_mut().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{status, vpc, KEY};
    use crate::controls::{network_isolation, output_kms, volume_kms, vpc_attached};
    use crate::resource::{Details, ResourceKind};

    fn snapshot(f: impl FnOnce(&mut ModelJobConfig)) -> crate::resource::Snapshot {
        let mut c = ModelJobConfig {
            vpc: vpc(),
            output_kms_key_id: Some(KEY.into()),
            output: "compiled model",
            plaintext: None,
        };
        f(&mut c);
        let mut s = crate::controls::fixtures::training(|_| {});
        s.id.kind = ResourceKind::CompilationJob;
        s.details = Details::CompilationJob(c);
        s
    }

    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::baseline();
        let cases = [
            ("compliant", snapshot(|_| {}), vpc_attached::ID, "PASS"),
            ("compliant", snapshot(|_| {}), output_kms::ID, "PASS"),
            ("no VPC", snapshot(|c| c.vpc = None), vpc_attached::ID, "FAIL"),
            ("S3's default key", snapshot(|c| c.output_kms_key_id = None), output_kms::ID, "FAIL"),
            (
                "a key this version cannot read",
                snapshot(|c| c.output_kms_key_id = Some("not a key!".into())),
                output_kms::ID,
                "CANNOT",
            ),
            ("no volume of its own", snapshot(|_| {}), volume_kms::ID, "N/A"),
            ("no such setting", snapshot(|_| {}), network_isolation::ID, "N/A"),
        ];
        for (case, snapshot, id, want) in cases {
            let check = policy.check(id, &snapshot);
            assert_eq!(status(&check), want, "{case} ({id}): {check:?}");
        }
        let read = ResourceKind::CompilationJob.read_described(&serde_json::json!({
            "CompilationJobStatus": "INPROGRESS",
            "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
            "OutputConfig": {"S3OutputLocation": "s3://out/", "KmsKeyId": KEY},
        }))?;
        assert_eq!(read.status, "INPROGRESS");
        assert_eq!(
            ResourceKind::CompilationJob.lifecycle(&read.status),
            Lifecycle::Active("INPROGRESS".into())
        );
        assert_eq!(
            read.details,
            Details::CompilationJob(ModelJobConfig {
                vpc: Some(VpcAttachment {
                    subnets: vec!["subnet-1".into()],
                    security_groups: vec!["sg-1".into()],
                    vpc_id: None,
                }),
                output_kms_key_id: Some(KEY.into()),
                output: "compiled model",
                plaintext: None,
            })
        );
        Ok(())
    }
}
