//! Adapters on the AWS SDK for the ports in [`crate::ports`], and the shared SDK configuration.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};

use crate::ports::AwsError;

pub mod cloudtrail;
pub mod ec2;
pub mod sagemaker;
pub mod securityhub;
pub mod sns;

pub use cloudtrail::CloudTrail;
pub use ec2::Ec2Subnets;
pub use sagemaker::SageMaker;
pub use securityhub::SecurityHub;
pub use sns::SnsPublisher;

/// The inspector on AWS: SageMaker, EC2 (subnet VPCs) and SNS clients built once from `config`,
/// with the given finding store.
pub fn inspector<F: crate::store::FindingStore>(
    config: &SdkConfig,
    topic_arn: impl Into<String>,
    store: F,
    security_hub: bool,
    policy: crate::Policy,
) -> crate::Inspector<SageMaker, Ec2Subnets, SnsPublisher, F, SecurityHub, CloudTrail> {
    let hub = if security_hub {
        SecurityHub::new(aws_sdk_securityhub::Client::new(config))
    } else {
        SecurityHub::disabled()
    };
    crate::Inspector::new(
        SageMaker::new(aws_sdk_sagemaker::Client::new(config)),
        Ec2Subnets::new(aws_sdk_ec2::Client::new(config)),
        SnsPublisher::new(aws_sdk_sns::Client::new(config), topic_arn),
        store,
        hub,
        CloudTrail::new(aws_sdk_cloudtrail::Client::new(config)),
        policy,
    )
}

/// Loads the one AWS configuration every client is built from: the standard provider chain
/// (`AWS_REGION`, `AWS_ENDPOINT_URL`, credentials...), standard retries with exponential backoff
/// and jitter, and time-outs so a hung call cannot eat the Lambda's whole budget.
pub async fn load_config() -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(4))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(10))
                .operation_timeout(Duration::from_secs(30))
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
