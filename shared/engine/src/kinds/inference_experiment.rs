//! Inference experiments (shadow tests): `CreateInferenceExperiment`,
//! `UpdateInferenceExperiment`, `StartInferenceExperiment`; stopped with
//! `StopInferenceExperiment` (the adapter keeps the production variant and removes the shadow
//! ones). SageMaker sends no state-change event for them and their calls carry no condition key
//! but the tags (Service Authorization Reference): the calls and the sweep are the controls.
//!
//! An experiment deploys model variants on an existing endpoint and copies part of its traffic
//! to the shadow variants (Security Hub SageMaker.23 and .24):
//! - `KmsKey`: "encrypt data on the storage volume attached to the ML compute instance that
//!   hosts the endpoint" (SageMaker.23, "fails if a KMS key is not specified for instance storage
//!   volume encryption"): `volume-kms`, on the variants'
//!   `InfrastructureConfig.RealTimeInferenceConfig` instances (local NVMe storage carved out as
//!   everywhere). It cannot be updated.
//! - `DataStorageConfig.KmsKey`: the captured requests and responses in S3 (SageMaker.24, for an
//!   experiment "with data capture enabled"): `output-kms`; without `DataStorageConfig` nothing is
//!   captured (not applicable).
//!
//! `Status`: `Creating`, `Created`, `Updating`, `Running`, `Starting`, `Stopping`, `Completed`,
//! `Cancelled`.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Facet, Facets, Output, Volume};
use crate::json::FieldError;
use crate::resource::{InstanceGroup, Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct InferenceExperiment;

/// The instances an experiment deploys and what it captures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExperimentConfig {
    /// Each of `ModelVariants`' real-time instances.
    pub instances: Vec<InstanceGroup>,
    /// `KmsKey`.
    pub volume_kms_key_id: Option<String>,
    /// `DataStorageConfig`, when it captures data: its `KmsKey`.
    pub capture: Option<Option<String>>,
}

/// Its calls name it by `name` and answer its ARN as `inferenceExperimentArn`.
const fn call(event_name: &'static str) -> ApiCall {
    ApiCall {
        event_name,
        name_key: "name",
        arn_key: "inferenceExperimentArn",
    }
}

impl Kind for InferenceExperiment {
    const NAME: &'static str = "inference-experiment";
    const LABEL: &'static str = "inference experiment";
    type Config = ExperimentConfig;
    const CALLS: &'static [ApiCall] = &[
        call("CreateInferenceExperiment"),
        call("UpdateInferenceExperiment"),
        call("StartInferenceExperiment"),
    ];
    /// (Describe names its ARN `Arn`, the calls `InferenceExperimentArn`.)
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "Name",
        arn_key: "Arn",
        status_key: "Status",
    };
    const CREATE_CALL: &'static str = "CreateInferenceExperiment";
    const DESCRIBE_CALL: &'static str = "DescribeInferenceExperiment";
    const STOP: Stop = Stop::stopping("StopInferenceExperiment");
    const LISTING: Listing = Listing {
        call: "ListInferenceExperiments",
        statuses: &[],
        excluded: &["Completed", "Cancelled"],
    };

    /// A `Created` experiment starts on its schedule (the API lets it be updated and stopped).
    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Created" | "Running" => Lifecycle::Active(s),
            "Creating" | "Updating" | "Starting" | "Stopping" => Lifecycle::Transitional(s),
            "Completed" | "Cancelled" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<ExperimentConfig, FieldError> {
        let mut instances = Vec::new();
        for variant in s.items("ModelVariants")? {
            let label = format!("variant {}", variant.str("VariantName")?.unwrap_or_default());
            let realtime = match variant.get("InfrastructureConfig")? {
                Some(infrastructure) => infrastructure.get("RealTimeInferenceConfig")?,
                None => None,
            };
            if let Some(realtime) = realtime {
                instances.push(realtime.group(label, "InstanceCount")?);
            }
        }
        let capture = match s.get("DataStorageConfig")? {
            Some(storage) => Some(storage.str("KmsKey")?),
            None => None,
        };
        Ok(ExperimentConfig {
            instances,
            volume_kms_key_id: s.str("KmsKey")?,
            capture,
        })
    }
}

impl Facets for ExperimentConfig {
    fn volume(&self) -> Facet<Volume<'_>> {
        Facet::One(Volume {
            instances: self.instances.iter().collect(),
            key: self.volume_kms_key_id.as_deref(),
            what: "instance storage of its variants",
        })
    }

    fn output(&self) -> Facet<Output<'_>> {
        match &self.capture {
            None => Facet::NotApplicable("no data capture (DataStorageConfig)".into()),
            Some(key) => Facet::One(Output {
                key: key.as_deref(),
                what: "captured data",
            }),
        }
    }

    fn key_references(&self) -> Vec<&str> {
        let capture = self.capture.as_ref().and_then(|k| k.as_deref());
        self.volume_kms_key_id.as_deref().into_iter().chain(capture).collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{described, KEY};
    use crate::controls::{output_kms, volume_kms};
    use crate::resource::ResourceKind;

    /// Security Hub SageMaker.23 and .24 as the guardrail reads them: instance storage keyed,
    /// unless on local NVMe storage; captured data keyed when captured.
    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::baseline();
        let judge = |response: serde_json::Value| {
            described(ResourceKind::InferenceExperiment, &response, &policy, &[volume_kms::ID, output_kms::ID])
        };
        let variant = |name: &str, instance: &str| {
            serde_json::json!({"ModelName": name, "VariantName": name, "InfrastructureConfig": {
                "InfrastructureType": "RealTimeInference",
                "RealTimeInferenceConfig": {"InstanceType": instance, "InstanceCount": 1}}})
        };
        let keyed = serde_json::json!({
            "Status": "Running", "KmsKey": KEY,
            "ModelVariants": [variant("prod", "ml.m5.xlarge"), variant("shadow", "ml.m5.xlarge")],
            "DataStorageConfig": {"Destination": "s3://capture/", "KmsKey": KEY},
        });
        assert_eq!(judge(keyed)?, ["PASS", "PASS"]);
        let open = serde_json::json!({
            "Status": "Running",
            "ModelVariants": [variant("prod", "ml.m5.xlarge"), variant("shadow", "ml.c5.xlarge")],
            "DataStorageConfig": {"Destination": "s3://capture/"},
        });
        assert_eq!(judge(open)?, ["FAIL", "FAIL"]);
        let nvme = serde_json::json!({
            "Status": "Running",
            "ModelVariants": [variant("prod", "ml.g5.xlarge"), variant("shadow", "ml.g5.xlarge")],
        });
        assert_eq!(judge(nvme)?, ["N/A", "N/A"]);
        let unknown = serde_json::json!({
            "Status": "Running",
            "ModelVariants": [variant("prod", "ml.zz9.xlarge")],
            "DataStorageConfig": {"Destination": "s3://capture/", "KmsKey": "not a key!"},
        });
        assert_eq!(judge(unknown)?, ["CANNOT", "CANNOT"]);
        Ok(())
    }
}
