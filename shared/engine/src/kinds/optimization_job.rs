//! Inference optimization jobs: `CreateOptimizationJob`, stopped with `StopOptimizationJob`.
//! They quantize, compile or speculatively decode a model and write the optimized one to S3.
//! SageMaker sends no state-change event for them, and their create call carries no condition
//! key but the tags (Service Authorization Reference): the call and the sweep are the controls.
//!
//! Judged as a compilation job ([`super::compilation_job::ModelJobConfig`]): `VpcConfig`,
//! `OutputConfig.KmsKeyId`, and its `OptimizationEnvironment` (the variables of its container)
//! scanned for credentials. `OptimizationJobStatus` has the compilation job's values.

use super::compilation_job::{model_job_lifecycle, ModelJobConfig};
use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::json::FieldError;
use crate::resource::Lifecycle;
use crate::shape::Shape;

pub struct OptimizationJob;

impl Kind for OptimizationJob {
    const NAME: &'static str = "optimization-job";
    const LABEL: &'static str = "optimization job";
    type Config = ModelJobConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateOptimizationJob",
        name_key: "optimizationJobName",
        arn_key: "optimizationJobArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "OptimizationJobName",
        arn_key: "OptimizationJobArn",
        status_key: "OptimizationJobStatus",
    };
    const CREATE_CALL: &'static str = "CreateOptimizationJob";
    const DESCRIBE_CALL: &'static str = "DescribeOptimizationJob";
    const STOP: Stop = Stop::stopping("StopOptimizationJob");
    const LISTING: Listing = Listing {
        call: "ListOptimizationJobs",
        statuses: &["INPROGRESS", "STARTING"],
        excluded: &[],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        model_job_lifecycle(status)
    }

    fn read(s: &Shape<'_>) -> Result<ModelJobConfig, FieldError> {
        let mut plaintext = s.plaintext("OptimizationEnvironment")?;
        // Each optimization may override the environment of its own container.
        for (i, config) in s.items("OptimizationConfigs")?.iter().enumerate() {
            for kind in [
                "ModelQuantizationConfig",
                "ModelCompilationConfig",
                "ModelShardingConfig",
            ] {
                let Some(optimization) = config.get(kind)? else {
                    continue;
                };
                let settings = optimization.plaintext("OverrideEnvironment")?;
                plaintext.extend(settings.into_iter().map(|mut setting| {
                    setting.place = format!("OptimizationConfigs[{i}].{kind}.{}", setting.place);
                    setting
                }));
            }
        }
        Ok(ModelJobConfig {
            vpc: s.vpc("VpcConfig")?,
            output_kms_key_id: s.path_str(&["OutputConfig", "KmsKeyId"])?,
            output: "optimized model",
            plaintext: Some(plaintext),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{described, KEY};
    use crate::controls::{no_plaintext_secrets, output_kms, vpc_attached};
    use crate::resource::{Details, ResourceKind};

    /// Its VPC, output key and environment, judged; a compilation job has no environment.
    #[test]
    fn table() -> Result<(), FieldError> {
        let token = format!("hf_{}", "z".repeat(34));
        let judge = |response: serde_json::Value| {
            described(ResourceKind::OptimizationJob, &response, &crate::Policy::baseline(), &[vpc_attached::ID, output_kms::ID, no_plaintext_secrets::ID])
        };
        let secure = serde_json::json!({
            "OptimizationJobStatus": "INPROGRESS",
            "VpcConfig": {"Subnets": ["subnet-0a1b2c3d4e5f60001"], "SecurityGroupIds": ["sg-0a1b2c3d4e5f60001"]},
            "OutputConfig": {"S3OutputLocation": "s3://out/", "KmsKeyId": KEY},
            "OptimizationEnvironment": {"OPTION_TENSOR_PARALLEL_DEGREE": "2"},
        });
        assert_eq!(judge(secure)?, ["PASS", "PASS", "PASS"]);
        let open = serde_json::json!({
            "OptimizationJobStatus": "INPROGRESS",
            "OutputConfig": {"S3OutputLocation": "s3://out/", "KmsKeyId": "not a key!"},
            "OptimizationEnvironment": {"HF_TOKEN": token},
        });
        assert_eq!(judge(open)?, ["FAIL", "CANNOT", "FAIL"]);
        let overridden = serde_json::json!({
            "OptimizationJobStatus": "INPROGRESS",
            "VpcConfig": {"Subnets": ["subnet-0a1b2c3d4e5f60001"], "SecurityGroupIds": ["sg-0a1b2c3d4e5f60001"]},
            "OutputConfig": {"S3OutputLocation": "s3://out/", "KmsKeyId": KEY},
            "OptimizationConfigs": [{"ModelShardingConfig": {"OverrideEnvironment": {"HF_TOKEN": token}}}],
        });
        assert_eq!(judge(overridden)?, ["PASS", "PASS", "FAIL"]);
        let compilation = ResourceKind::CompilationJob.read_described(&serde_json::json!({}))?;
        let Details::CompilationJob(c) = compilation.details else {
            panic!("a compilation job")
        };
        assert_eq!(c.plaintext, None);
        Ok(())
    }
}
