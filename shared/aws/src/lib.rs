//! Adapters on the AWS SDK for the ports in [`guardrail_core::ports`], and the shared SDK configuration.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_sdk_sagemaker::error::{ProvideErrorMetadata, SdkError};

use guardrail_core::env::Environment;
use guardrail_core::ports::AwsError;

pub mod cloudtrail;
pub mod dynamodb;
pub mod dynamodb_table;
pub mod ec2;
pub mod fleet;
pub mod inventory;
pub mod kms;
pub mod lambda;
pub mod sagemaker;
pub mod securityhub;
pub mod sns;
pub mod sqs;

pub use cloudtrail::CloudTrail;
pub use dynamodb::DynamoStore;
pub use ec2::Ec2Subnets;
pub use fleet::{Fleet, MemberRole, PerAccount};
pub use inventory::SageMakerInventory;
pub use kms::KmsKeys;
pub use sagemaker::SageMaker;
pub use securityhub::SecurityHub;
pub use sns::SnsPublisher;
pub use sqs::SqsFailureQueue;

/// The inspector on AWS, as both functions and `guardrail replay --live` run it.
pub type LiveInspector<F> = guardrail_core::Inspector<
    PerAccount<SageMaker>,
    PerAccount<Ec2Subnets>,
    SnsPublisher,
    F,
    Option<PerAccount<SecurityHub>>,
    PerAccount<CloudTrail>,
>;

/// The inspector on AWS: SageMaker, EC2 (subnet VPCs), CloudTrail and (when `security_hub`)
/// Security Hub adapters per account and region of the fleet; the SNS client built once from
/// `config` (the deployment's own account and region); the given finding store.
pub fn inspector<F: guardrail_core::store::FindingStore>(
    config: &SdkConfig,
    fleet: Arc<Fleet>,
    topic_arn: impl Into<String>,
    store: F,
    security_hub: bool,
    policy: guardrail_core::Policy,
) -> LiveInspector<F> {
    let hub = security_hub.then(|| {
        PerAccount::new(fleet.clone(), |c| {
            SecurityHub::new(aws_sdk_securityhub::Client::new(c))
        })
    });
    guardrail_core::Inspector::new(
        PerAccount::new(fleet.clone(), |c| {
            SageMaker::new(aws_sdk_sagemaker::Client::new(c))
                .with_keys(KmsKeys::new(aws_sdk_kms::Client::new(c)))
        }),
        PerAccount::new(fleet.clone(), |c| {
            Ec2Subnets::new(aws_sdk_ec2::Client::new(c))
        }),
        SnsPublisher::new(aws_sdk_sns::Client::new(config), topic_arn),
        store,
        hub,
        PerAccount::new(fleet, |c| {
            CloudTrail::new(aws_sdk_cloudtrail::Client::new(c))
        }),
        policy,
    )
}

/// What both functions build at cold start, failing fast on a bad policy or environment: the
/// inspector on the DynamoDB findings table, the fleet it reaches accounts through, and the
/// configuration their other clients are built from.
pub async fn function_inspector(
    env: &Environment,
) -> Result<
    (
        LiveInspector<crate::dynamodb::DynamoStore>,
        Arc<Fleet>,
        SdkConfig,
    ),
    Box<dyn std::error::Error + Send + Sync>,
> {
    let policy = guardrail_core::Policy::from_env(env)?;
    let env = FunctionEnv::from_env(env)?;
    let config = load_config().await;
    let fleet = Arc::new(Fleet::discover(config.clone(), env.member_role).await?);
    let store =
        crate::dynamodb::DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), env.table);
    let inspector = inspector(
        &config,
        fleet.clone(),
        env.topic_arn,
        store,
        env.security_hub,
        policy,
    );
    Ok((inspector, fleet, config))
}

/// The inspector's failure queue, `FAILURE_QUEUE_URL` (the functions' on-failure destination),
/// where rejected events are kept.
pub fn failure_queue_from_env(
    env: &Environment,
    config: &SdkConfig,
) -> Result<SqsFailureQueue, String> {
    let url = env.require(
        "FAILURE_QUEUE_URL",
        "rejected events are kept in the failure queue",
    )?;
    Ok(SqsFailureQueue::new(aws_sdk_sqs::Client::new(config), url))
}

/// What both functions read from their environment at start-up; a missing or invalid value
/// stops the cold start with a message naming the variable.
#[derive(Debug, Clone)]
pub struct FunctionEnv {
    /// `ALERT_TOPIC_ARN`.
    pub topic_arn: String,
    /// `FINDINGS_TABLE`: the DynamoDB findings table.
    pub table: String,
    /// `SECURITY_HUB=on|off` (default off).
    pub security_hub: bool,
    /// `MEMBER_ROLE_NAME` + `MEMBER_EXTERNAL_ID`: the role assumed in member accounts.
    pub member_role: Option<MemberRole>,
}

impl FunctionEnv {
    pub fn from_env(env: &Environment) -> Result<FunctionEnv, String> {
        Ok(FunctionEnv {
            topic_arn: env
                .require("ALERT_TOPIC_ARN", "findings are alerted on an SNS topic")?
                .to_string(),
            table: env
                .require("FINDINGS_TABLE", "findings are stored in DynamoDB")?
                .to_string(),
            security_hub: env.security_hub()?,
            member_role: MemberRole::from_env(env)?,
        })
    }
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
