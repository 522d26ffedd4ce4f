//! The Model Registry's model packages, apart from the table of [`crate::calls`]: the calls name
//! a package by its ARN (a version has no name of its own), containment is an update
//! (`ModelApprovalStatus = Rejected`) rather than a stop. Their list call is the inventory's
//! ([`crate::inventory`]).

use aws_sdk_sagemaker::types::{IncludedData, ModelApprovalStatus};
use aws_sdk_sagemaker::Client;
use serde_json::Value;

use super::classify;
use crate::calls::Capture;
use guardrail_core::ports::AwsError;

/// Why the guardrail rejected it, in the registry's own record.
const REJECTED_BECAUSE: &str =
    "Rejected by the SageMaker guardrail: it fails the organisation's policy (see its finding).";

/// `DescribeModelPackage` of the package `arn`, as JSON; `None` when it is gone. Its metadata
/// only (`IncludedData = MetadataOnly`): all the controls read, without the model card, which
/// would need `kms:Decrypt` on the package's own key.
pub async fn describe_package(client: &Client, arn: &str) -> Result<Option<Value>, AwsError> {
    let (capture, operation) = (Capture::default(), "DescribeModelPackage");
    crate::calls::described(
        operation,
        capture.clone(),
        client
            .describe_model_package()
            .model_package_name(arn)
            .included_data(IncludedData::MetadataOnly)
            .customize()
            .interceptor(capture)
            .send(),
    )
    .await
}

/// `UpdateModelPackage` with `ModelApprovalStatus = Rejected`: it can no longer be deployed;
/// rejecting it again changes nothing.
pub async fn reject(client: &Client, arn: &str) -> Result<(), AwsError> {
    client
        .update_model_package()
        .model_package_arn(arn)
        .model_approval_status(ModelApprovalStatus::Rejected)
        .approval_description(REJECTED_BECAUSE)
        .send()
        .await
        .map(drop)
        .map_err(|e| classify("UpdateModelPackage", e))
}
