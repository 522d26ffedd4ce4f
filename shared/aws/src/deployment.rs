//! The one wiring point: the environment parsed once, the AWS configuration loaded once per
//! process, and every adapter built from them. Both functions, the CLI's commands that act on
//! AWS and the emulator tests build what they run from a [`Deployment`].

use std::sync::Arc;

use aws_config::SdkConfig;
use guardrail_core::env::Environment;
use guardrail_core::policy_source::{self, LivePolicy, PolicyLocation, SharedPolicy};
use guardrail_core::resource::is_account_id;
use guardrail_core::store::FindingStore;
use guardrail_core::sweep::SweepEnv;
use guardrail_core::Policy;

use crate::{
    load_config, CloudTrail, DynamoStore, Ec2Subnets, Fleet, KmsKeys, LiveInspector, MemberRole,
    OrgAccounts, PerAccount, S3PolicyObjects, SageMaker, SageMakerInventory, SecurityHub,
    SnsPublisher, SqsDeadLetters, SqsFailureQueue, SqsRechecks, SqsSweepQueue,
};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A deployment of the guardrail: its environment, policy, AWS configuration and fleet.
#[derive(Debug, Clone)]
pub struct Deployment {
    pub env: Environment,
    /// The policy in force; with `GUARDRAIL_POLICY=s3://...`, kept current by `live_policy`.
    pub policy: SharedPolicy,
    live_policy: Option<Arc<LivePolicy<S3PolicyObjects>>>,
    /// The deployment's own account and region: SNS, DynamoDB and SQS clients.
    pub config: SdkConfig,
    /// The accounts and regions it reaches, through the member role when set.
    pub fleet: Arc<Fleet>,
}

impl Deployment {
    /// The process environment and the policy it names (`GUARDRAIL_POLICY` as an S3 object
    /// `s3://BUCKET/KEY`, as the functions are deployed, or a file; `GUARDRAIL_POLICY_TOML`;
    /// `GUARDRAIL_MODE`); fails fast on a bad value or a policy that cannot be read or is
    /// invalid (see [`guardrail_core::policy_source`]).
    pub async fn from_env() -> Result<Deployment, BoxError> {
        let env = Environment::from_process();
        let config = load_config().await;
        let live = match env.get("GUARDRAIL_POLICY").and_then(PolicyLocation::parse) {
            Some(location) => {
                let owner = env.get("GUARDRAIL_ACCOUNT_ID").map(str::to_string);
                let objects = S3PolicyObjects::new(aws_sdk_s3::Client::new(&config), owner);
                let force_audit = Policy::forced_audit(&env)?;
                let every = policy_source::refresh_period(&env)?;
                Some(LivePolicy::load(objects, location?, force_audit, every).await?)
            }
            None => None,
        };
        let policy = match &live {
            Some(live) => live.shared(),
            None => Policy::from_env(&env)?.into(),
        };
        let mut deployment = Deployment::connect_with(env, policy, config).await?;
        deployment.live_policy = live.map(Arc::new);
        Ok(deployment)
    }

    /// Before an invocation: the policy object read again when due (a new valid version takes
    /// over; see [`LivePolicy::refresh`]). Nothing for a policy from a file or the environment.
    pub async fn refresh_policy(&self) {
        if let Some(live) = &self.live_policy {
            live.refresh().await;
        }
    }

    /// `env` with `policy`: loads the AWS configuration and identifies the account.
    pub async fn connect(
        env: Environment,
        policy: impl Into<SharedPolicy>,
    ) -> Result<Deployment, BoxError> {
        let config = load_config().await;
        Deployment::connect_with(env, policy, config).await
    }

    /// As [`Deployment::connect`], with `config`. The deployment's own account comes from
    /// `GUARDRAIL_ACCOUNT_ID` when set (the templates pass `AWS::AccountId`), so a function's
    /// cold start makes no network call; otherwise (the CLI) STS `GetCallerIdentity` names it.
    /// With `ORGANIZATION_ID`, only the organisation's accounts are reached.
    pub async fn connect_with(
        env: Environment,
        policy: impl Into<SharedPolicy>,
        config: SdkConfig,
    ) -> Result<Deployment, BoxError> {
        let member_role = MemberRole::from_env(&env)?;
        let organization = guardrail_core::env::organization_id(&env)?;
        let fleet = match env.get("GUARDRAIL_ACCOUNT_ID") {
            Some(account) if is_account_id(account) => {
                Fleet::new(config.clone(), account.to_string(), member_role)
            }
            Some(other) => {
                return Err(format!(
                    "GUARDRAIL_ACCOUNT_ID must be a 12-digit AWS account id, not `{other}`"
                )
                .into())
            }
            None => Fleet::discover(config.clone(), member_role)
                .await
                .map_err(|e| format!("cannot identify the AWS account: {e}"))?,
        };
        let fleet = match organization {
            Some(id) => fleet.within(id),
            None => fleet,
        };
        Ok(Deployment::with(env, policy, config, Arc::new(fleet)))
    }

    /// A deployment of parts already made (tests, benchmarks).
    pub fn with(
        env: Environment,
        policy: impl Into<SharedPolicy>,
        config: SdkConfig,
        fleet: Arc<Fleet>,
    ) -> Self {
        Deployment {
            env,
            policy: policy.into(),
            live_policy: None,
            config,
            fleet,
        }
    }

    /// SageMaker in each account and region of the fleet, asking KMS who manages the keys a
    /// resource names.
    pub fn readers(&self) -> PerAccount<SageMaker> {
        PerAccount::new(self.fleet.clone(), |c| {
            SageMaker::new(aws_sdk_sagemaker::Client::new(c))
                .with_keys(KmsKeys::new(aws_sdk_kms::Client::new(c)))
        })
    }

    /// The inspector on `store`, alerting to `topic_arn`: SageMaker (with KMS), EC2 (subnet
    /// VPCs), CloudTrail and, with `SECURITY_HUB=on`, Security Hub adapters per account and
    /// region of the fleet; SNS in the deployment's own account and region.
    pub fn inspector<F: FindingStore>(
        &self,
        store: F,
        topic_arn: impl Into<String>,
    ) -> Result<LiveInspector<F>, String> {
        let fleet = &self.fleet;
        let hub = self.env.security_hub()?.then(|| {
            PerAccount::new(fleet.clone(), |c| {
                SecurityHub::new(aws_sdk_securityhub::Client::new(c))
            })
        });
        Ok(guardrail_core::Inspector::new(
            self.readers(),
            PerAccount::new(fleet.clone(), |c| {
                Ec2Subnets::new(aws_sdk_ec2::Client::new(c))
            }),
            SnsPublisher::new(aws_sdk_sns::Client::new(&self.config), topic_arn),
            store,
            hub,
            PerAccount::new(fleet.clone(), |c| {
                CloudTrail::new(aws_sdk_cloudtrail::Client::new(c))
            }),
            self.policy.clone(),
        ))
    }

    /// The functions' inspector: findings in the DynamoDB table `FINDINGS_TABLE`, alerts to
    /// `ALERT_TOPIC_ARN`.
    pub fn function_inspector(&self) -> Result<LiveInspector<DynamoStore>, String> {
        let table = self
            .env
            .require("FINDINGS_TABLE", "findings are stored in DynamoDB")?;
        let topic = self
            .env
            .require("ALERT_TOPIC_ARN", "findings are alerted on an SNS topic")?;
        self.inspector(self.dynamo_store(table)?, topic)
    }

    /// The findings table `table` in the deployment's account and region, keeping observations
    /// `OBSERVATION_RETENTION_DAYS` days (default 400).
    pub fn dynamo_store(&self, table: &str) -> Result<DynamoStore, String> {
        let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&self.config), table);
        match self.env.get("OBSERVATION_RETENTION_DAYS") {
            None => Ok(store),
            Some(days) => match days.parse::<u32>() {
                Ok(days @ 1..=36_500) => Ok(store.with_retention(days)),
                _ => Err(format!(
                    "OBSERVATION_RETENTION_DAYS must be a number of days from 1 to 36500, not `{days}`"
                )),
            },
        }
    }

    /// The failure queue `FAILURE_QUEUE_URL` (the functions' on-failure destination), where
    /// rejected events are kept.
    pub fn failure_queue(&self) -> Result<SqsFailureQueue, String> {
        let url = self.env.require(
            "FAILURE_QUEUE_URL",
            "rejected events are kept in the failure queue",
        )?;
        Ok(SqsFailureQueue::new(
            aws_sdk_sqs::Client::new(&self.config),
            url,
        ))
    }

    /// The re-check queue (`RECHECK_QUEUE_URL`), where a deferred containment that no event
    /// brings back (a Studio app still starting) waits to be judged again; without it, it waits
    /// for the next sweep.
    pub fn recheck_queue(&self) -> Option<SqsRechecks> {
        let url = self.env.get("RECHECK_QUEUE_URL")?;
        Some(SqsRechecks::new(
            aws_sdk_sqs::Client::new(&self.config),
            url,
        ))
    }

    /// The sweep's listing, per account and region of the fleet.
    pub fn inventory(&self) -> PerAccount<SageMakerInventory> {
        PerAccount::new(self.fleet.clone(), SageMakerInventory::new)
    }

    /// The queue a scheduled sweep fans out on, one message per target (`SWEEP_QUEUE_URL`);
    /// without it, the scheduled invocation sweeps every target itself.
    pub fn sweep_queue(&self) -> Option<SqsSweepQueue> {
        let url = self.env.get("SWEEP_QUEUE_URL")?;
        Some(SqsSweepQueue::new(
            aws_sdk_sqs::Client::new(&self.config),
            url,
        ))
    }

    /// What the sweeper sweeps (`SWEEP_ACCOUNTS`, `ORGANIZATION_ID`,
    /// `SWEEP_ORGANIZATIONAL_UNITS`, `SWEEP_EXCLUDE_ACCOUNTS`, `SWEEP_REGIONS`,
    /// `SWEEP_CONCURRENCY`).
    pub fn sweep_scope(&self) -> Result<SweepEnv, String> {
        let fleet = &self.fleet;
        SweepEnv::from_env(&self.env, fleet.home_account(), fleet.home_region())
    }

    /// The member accounts' forwarding dead-letter queues (`<MEMBER_ROLE_NAME>-forwarding`,
    /// `infra/member.yaml`), per account and region through the member role, with the failure
    /// queue where a malformed event among them is kept; `None` without a member role.
    pub fn dead_letters(
        &self,
    ) -> Result<Option<(PerAccount<SqsDeadLetters>, String, SqsFailureQueue)>, String> {
        let Some((role, _)) = self.env.member_role()? else {
            return Ok(None);
        };
        let letters = PerAccount::new(self.fleet.clone(), |c| {
            SqsDeadLetters::new(aws_sdk_sqs::Client::new(c))
        });
        Ok(Some((
            letters,
            format!("{role}-forwarding"),
            self.failure_queue()?,
        )))
    }

    /// The organisation's accounts (Organizations, with the deployment's own credentials).
    pub fn organization(&self) -> OrgAccounts {
        self.fleet.organization()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An SDK configuration whose every call fails at once: nothing listens on port 9.
    fn unreachable() -> SdkConfig {
        let credentials = aws_credential_types::Credentials::new("a", "b", None, None, "test");
        SdkConfig::builder()
            .endpoint_url("http://127.0.0.1:9")
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(
                aws_credential_types::provider::SharedCredentialsProvider::new(credentials),
            )
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build()
    }

    /// A function's cold start makes no network call: the account comes from the template.
    #[tokio::test]
    async fn the_account_comes_from_the_deployment_without_a_network_call() -> Result<(), BoxError>
    {
        let env = Environment::from_pairs([("GUARDRAIL_ACCOUNT_ID", "123456789012")]);
        let deployment = Deployment::connect_with(env, Policy::baseline(), unreachable()).await?;
        assert_eq!(deployment.fleet.home_account(), "123456789012");
        // Without it, the account is asked of STS, which cannot be reached here.
        let asked =
            Deployment::connect_with(Environment::default(), Policy::baseline(), unreachable());
        assert!(asked.await.is_err());
        let bad = Environment::from_pairs([("GUARDRAIL_ACCOUNT_ID", "12345")]);
        let refused = Deployment::connect_with(bad, Policy::baseline(), unreachable()).await;
        assert!(refused.is_err_and(|e| e.to_string().contains("GUARDRAIL_ACCOUNT_ID")));
        Ok(())
    }

    #[tokio::test]
    async fn the_observation_retention_is_a_number_of_days() -> Result<(), BoxError> {
        let with = |days: &'static str| async move {
            let env = Environment::from_pairs([
                ("GUARDRAIL_ACCOUNT_ID", "123456789012"),
                ("OBSERVATION_RETENTION_DAYS", days),
            ]);
            Deployment::connect_with(env, Policy::baseline(), unreachable()).await
        };
        assert!(with("30").await?.dynamo_store("t").is_ok());
        for bad in ["0", "forever", "100000"] {
            let refused = with(bad).await?.dynamo_store("t");
            assert!(
                refused.is_err_and(|e| e.contains("OBSERVATION_RETENTION_DAYS")),
                "{bad}"
            );
        }
        Ok(())
    }
}
