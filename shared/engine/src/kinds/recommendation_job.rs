//! Inference Recommender jobs: `CreateInferenceRecommendationsJob`, stopped with
//! `StopInferenceRecommendationsJob`. They deploy the model on the endpoints they load-test.
//! SageMaker sends no state-change event for them and their create call carries no condition
//! key but the tags: the call and the sweep are the controls.
//!
//! Judged (API reference, `RecommendationJobInputConfig`): `InputConfig.VpcConfig` (the VPC of
//! the endpoints it provisions) by `vpc-attached`, `InputConfig.VolumeKmsKeyId` ("encrypt data on
//! the storage volume attached to the ML compute instance that hosts the endpoint") by
//! `volume-kms`, on the instance types its `EndpointConfigurations` name (local NVMe storage
//! carved out). A job that load-tests existing endpoints (`InputConfig.Endpoints`) provisions none:
//! those endpoints are judged as endpoints, and the VPC and volume controls are not applicable.
//! Its `OutputConfig.KmsKeyId` is not judged: `DescribeInferenceRecommendationsJob`
//! does not report `OutputConfig`, so the live job's key cannot be read (a stated gap).
//! `Status`: `PENDING`, `IN_PROGRESS`, `COMPLETED`, `FAILED`, `STOPPING`, `STOPPED`,
//! `DELETING`, `DELETED`.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Volume};
use crate::json::FieldError;
use crate::resource::{InstanceGroup, Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct RecommendationJob;

/// Where a recommendation job's endpoints run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecommendationConfig {
    /// `InputConfig.VpcConfig`.
    pub vpc: Option<VpcAttachment>,
    /// `InputConfig.VolumeKmsKeyId`.
    pub volume_kms_key_id: Option<String>,
    /// `InputConfig.EndpointConfigurations[].InstanceType` (none: the instances it picks).
    pub instances: Vec<InstanceGroup>,
    /// `InputConfig.Endpoints`: the existing endpoints it tests instead of provisioning any.
    pub existing_endpoints: Vec<String>,
}

impl Kind for RecommendationJob {
    const NAME: &'static str = "inference-recommendations-job";
    const LABEL: &'static str = "inference recommendations job";
    type Config = RecommendationConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateInferenceRecommendationsJob",
        name_key: "jobName",
        arn_key: "jobArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "JobName",
        arn_key: "JobArn",
        status_key: "Status",
    };
    const CREATE_CALL: &'static str = "CreateInferenceRecommendationsJob";
    const DESCRIBE_CALL: &'static str = "DescribeInferenceRecommendationsJob";
    const STOP: Stop = Stop::stopping("StopInferenceRecommendationsJob");
    const LISTING: Listing = Listing {
        call: "ListInferenceRecommendationsJobs",
        statuses: &["PENDING", "IN_PROGRESS"],
        excluded: &[],
    };

    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "PENDING" | "IN_PROGRESS" => Lifecycle::Active(s),
            "STOPPING" | "STOPPED" | "COMPLETED" | "FAILED" | "DELETING" | "DELETED" => {
                Lifecycle::Ended(s)
            }
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<RecommendationConfig, FieldError> {
        let Some(input) = s.get("InputConfig")? else {
            return Ok(RecommendationConfig {
                vpc: None,
                volume_kms_key_id: None,
                instances: Vec::new(),
                existing_endpoints: Vec::new(),
            });
        };
        let instances = input
            .items("EndpointConfigurations")?
            .iter()
            .enumerate()
            .map(|(i, c)| {
                Ok(InstanceGroup {
                    label: format!("EndpointConfigurations[{i}]"),
                    instance_type: c.str("InstanceType")?,
                    instance_count: None,
                })
            })
            .collect::<Result<_, FieldError>>()?;
        let existing_endpoints = input
            .items("Endpoints")?
            .iter()
            .map(|e| Ok(e.str("EndpointName")?.unwrap_or_default()))
            .collect::<Result<_, FieldError>>()?;
        Ok(RecommendationConfig {
            vpc: input.vpc("VpcConfig")?,
            volume_kms_key_id: input.str("VolumeKmsKeyId")?,
            instances,
            existing_endpoints,
        })
    }
}

impl RecommendationConfig {
    /// Not applicable to a job that provisions no endpoint.
    fn provisioning<T>(&self, facet: impl FnOnce() -> Facet<T>) -> Facet<T> {
        match self.existing_endpoints.is_empty() {
            true => facet(),
            false => Facet::NotApplicable(format!(
                "it tests existing endpoints ({}), judged as endpoints: it provisions none",
                self.existing_endpoints.join(", ")
            )),
        }
    }
}

impl Facets for RecommendationConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        self.provisioning(|| Facet::One(self.vpc.as_ref()))
    }

    /// Each endpoint configuration is its own endpoint: judged apart (one on local NVMe storage
    /// spares none of the others).
    fn volume(&self) -> Facet<Volume<'_>> {
        fn volume<'a>(instances: Vec<&'a InstanceGroup>, key: Option<&'a str>) -> Facet<Volume<'a>> {
            Facet::One(Volume {
                instances,
                key,
                what: "storage volume of its endpoints",
            })
        }
        let key = self.volume_kms_key_id.as_deref();
        self.provisioning(|| match self.instances.as_slice() {
            [] | [_] => volume(self.instances.iter().collect(), key),
            groups => Facet::Each {
                parts: groups.iter().map(|g| (g.label.clone(), volume(vec![g], key))).collect(),
                none: "no endpoint configuration",
            },
        })
    }

    fn key_references(&self) -> Vec<&str> {
        self.volume_kms_key_id.as_deref().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.vpc.iter_mut().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{described, KEY};
    use crate::controls::{output_kms, volume_kms, vpc_attached};
    use crate::resource::ResourceKind;

    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::baseline();
        let judge = |response: serde_json::Value| {
            described(ResourceKind::RecommendationJob, &response, &policy, &[vpc_attached::ID, volume_kms::ID, output_kms::ID])
        };
        let secure = serde_json::json!({"Status": "IN_PROGRESS", "InputConfig": {
            "VolumeKmsKeyId": KEY,
            "VpcConfig": {"Subnets": ["subnet-0a1b2c3d4e5f60001"], "SecurityGroupIds": ["sg-0a1b2c3d4e5f60001"]},
            "EndpointConfigurations": [{"InstanceType": "ml.c5.xlarge"}]}});
        assert_eq!(judge(secure)?, ["PASS", "PASS", "N/A"]);
        let open = serde_json::json!({"Status": "IN_PROGRESS", "InputConfig": {"ModelPackageVersionArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/1"}});
        assert_eq!(judge(open)?, ["FAIL", "FAIL", "N/A"]);
        let nvme = serde_json::json!({"Status": "IN_PROGRESS", "InputConfig": {
            "EndpointConfigurations": [{"InstanceType": "ml.g5.xlarge"}, {"InstanceType": "ml.c5.xlarge"}]}});
        // One configuration on local NVMe storage spares none of the others.
        assert_eq!(judge(nvme)?, ["FAIL", "FAIL", "N/A"]);
        let all_nvme = serde_json::json!({"Status": "IN_PROGRESS", "InputConfig": {
            "EndpointConfigurations": [{"InstanceType": "ml.g5.xlarge"}, {"InstanceType": "ml.p4d.24xlarge"}]}});
        assert_eq!(judge(all_nvme)?, ["FAIL", "N/A", "N/A"]);
        let existing = serde_json::json!({"Status": "IN_PROGRESS", "InputConfig": {"Endpoints": [{"EndpointName": "fraud-api"}]}});
        assert_eq!(judge(existing)?, ["N/A", "N/A", "N/A"]);
        let unknown = serde_json::json!({"Status": "IN_PROGRESS", "InputConfig": {
            "VpcConfig": {"Subnets": ["subnet-0a1b2c3d4e5f60001"], "SecurityGroupIds": ["sg-0a1b2c3d4e5f60001"]},
            "EndpointConfigurations": [{"InstanceType": "ml.zz9.xlarge"}]}});
        assert_eq!(judge(unknown)?, ["PASS", "CANNOT", "N/A"]);
        Ok(())
    }
}
