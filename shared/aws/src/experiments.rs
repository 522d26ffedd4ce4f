//! Stopping an inference experiment, apart from the table of [`crate::calls`]:
//! `StopInferenceExperiment` requires an action for each of its variants
//! (`ModelVariantActions`), read from the experiment itself. The production variant it shadows
//! is kept (`Retain`); the shadow variants, which run what the experiment deployed, are removed
//! (`Remove`); the experiment ends `Cancelled`.

use aws_sdk_sagemaker::types::{InferenceExperimentStopDesiredState, ModelVariantAction};
use aws_sdk_sagemaker::Client;

use super::classify;
use guardrail_core::ports::AwsError;

const OPERATION: &str = "StopInferenceExperiment";

/// Why, in the experiment's `StatusReason`.
const STOPPED_BECAUSE: &str =
    "Stopped by the SageMaker guardrail: it fails the organisation's policy (see its finding).";

/// Stops the experiment `name`, keeping its production variant and removing its shadows.
pub async fn stop_experiment(client: &Client, name: &str) -> Result<(), AwsError> {
    let described = client
        .describe_inference_experiment()
        .name(name)
        .send()
        .await
        .map_err(|e| classify("DescribeInferenceExperiment", e))?;
    let unknown = || AwsError {
        operation: OPERATION,
        code: "NoShadowModeConfig".into(),
        message: format!("inference experiment {name} names no variants to keep and remove"),
        retryable: false,
    };
    let shadow = described.shadow_mode_config().ok_or_else(unknown)?;
    let source = shadow.source_model_variant_name().ok_or_else(unknown)?;
    let mut request = client
        .stop_inference_experiment()
        .name(name)
        .desired_state(InferenceExperimentStopDesiredState::Cancelled)
        .reason(STOPPED_BECAUSE)
        .model_variant_actions(source, ModelVariantAction::Retain);
    for variant in shadow.shadow_model_variants() {
        let shadow_name = variant.shadow_model_variant_name().ok_or_else(unknown)?;
        request = request.model_variant_actions(shadow_name, ModelVariantAction::Remove);
    }
    request
        .send()
        .await
        .map(drop)
        .map_err(|e| classify(OPERATION, e))
}
