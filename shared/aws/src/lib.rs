//! Adapters on the AWS SDK for the ports in [`guardrail_core::ports`], and the shared SDK configuration.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};

use guardrail_core::ports::AwsError;

mod calls;

/// The SDK's debug and trace logs print whole responses, environments and hyperparameters (which
/// may hold credentials) included: its runtime logs at `info` at most, whatever the filter says.
pub fn quiet_sdk() -> tracing_subscriber::filter::Directive {
    "aws_smithy_runtime=info"
        .parse()
        .unwrap_or_else(|_| tracing::Level::INFO.into())
}
pub mod cloudtrail;
pub mod dead_letters;
pub mod deployment;
pub mod dynamodb;
pub mod dynamodb_table;
pub mod ec2;
mod experiments;
pub mod fleet;
pub mod inventory;
pub mod kms;
pub mod lambda;
pub mod organizations;
pub mod recheck_queue;
mod registry;
pub mod s3;
pub mod sagemaker;
pub mod search;
pub mod securityhub;
pub mod sns;
pub mod sqs;
mod studio;
mod studio_inventory;
pub mod sweep_queue;
pub mod tagging;

pub use cloudtrail::CloudTrail;
pub use dead_letters::SqsDeadLetters;
pub use deployment::Deployment;
pub use dynamodb::DynamoStore;
pub use ec2::Ec2Subnets;
pub use fleet::{Fleet, MemberRole, PerAccount};
pub use inventory::SageMakerInventory;
pub use kms::KmsKeys;
pub use organizations::OrgAccounts;
pub use recheck_queue::SqsRechecks;
pub use s3::S3PolicyObjects;
pub use sagemaker::SageMaker;
pub use securityhub::SecurityHub;
pub use sns::SnsPublisher;
pub use sqs::SqsFailureQueue;
pub use sweep_queue::SqsSweepQueue;

/// The inspector on AWS, as both functions and `guardrail replay --live` run it
/// ([`Deployment::inspector`]).
pub type LiveInspector<F> = guardrail_core::Inspector<(
    PerAccount<SageMaker>,
    PerAccount<Ec2Subnets>,
    SnsPublisher,
    F,
    Option<PerAccount<SecurityHub>>,
    PerAccount<CloudTrail>,
)>;

/// The longest one AWS call may take, retries included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(30);

/// Loads the one AWS configuration every client is built from: the standard provider chain
/// (`AWS_REGION`, `AWS_ENDPOINT_URL`, credentials...), adaptive retries (exponential backoff with
/// jitter, and a client-side rate that slows down when AWS throttles, so a sweep at an API's
/// limit waits instead of failing), and time-outs so a hung call cannot eat the Lambda's whole
/// budget.
pub async fn load_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::adaptive().with_max_attempts(4))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(10))
                .operation_timeout(OPERATION_TIMEOUT)
                .build(),
        )
        .load()
        .await
}

const RETRYABLE_CODES: [&str; 8] = [
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "ServiceUnavailable",
    "InternalFailure",
    "InternalServerError",
    "RequestTimeout",
];

/// Classifies an SDK error by its code (all AWS SDK clients share this error shape).
pub(crate) fn classify<E>(operation: &'static str, err: SdkError<E>) -> AwsError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (code, retryable) = match &err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let code = err.code().unwrap_or("Unknown").to_string();
            let retryable =
                status >= 500 || status == 429 || RETRYABLE_CODES.contains(&code.as_str());
            (code, retryable)
        }
        SdkError::TimeoutError(_) => ("Timeout".to_string(), true),
        SdkError::DispatchFailure(_) => ("Dispatch".to_string(), true),
        SdkError::ResponseError(_) => ("Response".to_string(), true),
        _ => ("Construction".to_string(), false),
    };
    let message = err
        .message()
        .map(str::to_string)
        .unwrap_or_else(|| aws_sdk_sagemaker::error::DisplayErrorContext(&err).to_string());
    AwsError {
        operation,
        code,
        message,
        retryable,
    }
}

#[cfg(test)]
mod tests {
    /// A claim to send an alert outlasts its own write and the publish after it: a holder still
    /// publishing when its claim lapsed would alert a second time with the duplicate delivery
    /// that took the claim.
    #[test]
    fn a_claim_outlasts_the_write_that_takes_it_and_the_publish_after_it() {
        assert!(guardrail_core::inspector::CLAIM_LEASE > 2 * super::OPERATION_TIMEOUT);
    }
}
