//! One deployment, many accounts and regions: SDK configurations per (account, region), and
//! [`PerAccount`], which routes each port call to the adapter for the resource's account and
//! region.
//!
//! Resources in the deployment's own account are reached with the function's own credentials.
//! Resources in a member account are reached by assuming the member role that
//! `infra/member.yaml` creates there (`arn:<partition>:iam::<account>:role/<name>`), with the
//! external id the member role's trust policy requires. Credentials are cached and refreshed by
//! the SDK; adapters are built once per account and region and reused across invocations.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_config::sts::AssumeRoleProvider;
use aws_config::{Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;

use super::classify;
use crate::OrgAccounts;
use guardrail_core::controls::kms;
use guardrail_core::findings::Finding;
use guardrail_core::ports::{
    ActivityLog, AwsError, DeadLetter, DeadLetters, FindingSink, Inventory, Listed,
    NetworkDirectory, Remediator, ResourceReader, OUTSIDE_ORGANIZATION,
};
use guardrail_core::remediation::Action;
use guardrail_core::resource::{ResourceId, ResourceKind, Snapshot};

/// IAM actions this module needs beyond its explicit SDK calls (the infrastructure test reads
/// this list): the SDK's `AssumeRoleProvider` calls `sts:AssumeRole` for member accounts.
pub const IMPLICIT_ACTIONS: &[&str] = &["sts:AssumeRole"];

/// The role the central functions assume in member accounts.
#[derive(Debug, Clone)]
pub struct MemberRole {
    pub name: String,
    pub external_id: String,
}

impl MemberRole {
    /// `MEMBER_ROLE_NAME` + `MEMBER_EXTERNAL_ID`: both or neither.
    pub fn from_env(env: &guardrail_core::env::Environment) -> Result<Option<MemberRole>, String> {
        Ok(env
            .member_role()?
            .map(|(name, external_id)| MemberRole { name, external_id }))
    }
}

/// SDK configurations for every account and region the deployment reaches.
#[derive(Debug)]
pub struct Fleet {
    base: SdkConfig,
    home_account: String,
    member_role: Option<MemberRole>,
    /// With an organisation, only its accounts are reached.
    organization: Option<Membership>,
    configs: Mutex<HashMap<(String, String), SdkConfig>>,
}

/// How long an answer about an account's membership is kept.
const MEMBERSHIP_TTL: Duration = Duration::from_secs(900);

/// Which accounts belong to the organisation, asked of Organizations (`DescribeAccount`) once
/// per account and [`MEMBERSHIP_TTL`].
#[derive(Debug)]
struct Membership {
    id: String,
    accounts: OrgAccounts,
    known: Mutex<HashMap<String, (bool, Instant)>>,
}

impl Membership {
    async fn check(&self, account: &str) -> Result<(), AwsError> {
        if self.contains(account).await? {
            return Ok(());
        }
        Err(AwsError {
            operation: "DescribeAccount",
            code: OUTSIDE_ORGANIZATION.into(),
            message: format!("account {account} is not in the organization {}", self.id),
            retryable: false,
        })
    }

    async fn contains(&self, account: &str) -> Result<bool, AwsError> {
        let cached = self
            .known
            .lock()
            .ok()
            .and_then(|k| k.get(account).copied())
            .filter(|(_, at)| at.elapsed() < MEMBERSHIP_TTL);
        let member = match cached {
            Some((member, _)) => member,
            None => {
                let member = self.accounts.describe(account).await?.is_some();
                if let Ok(mut known) = self.known.lock() {
                    known.insert(account.to_string(), (member, Instant::now()));
                }
                member
            }
        };
        Ok(member)
    }
}

impl Fleet {
    /// The fleet of the caller's own account (found with STS `GetCallerIdentity`), reaching
    /// member accounts through `member_role` when given.
    pub async fn discover(
        base: SdkConfig,
        member_role: Option<MemberRole>,
    ) -> Result<Fleet, AwsError> {
        let client = aws_sdk_sts::Client::new(&base);
        let identity = client
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| classify("GetCallerIdentity", e))?;
        let home_account = identity.account().unwrap_or_default().to_string();
        Ok(Fleet::new(base, home_account, member_role))
    }

    pub fn new(base: SdkConfig, home_account: String, member_role: Option<MemberRole>) -> Fleet {
        Fleet {
            base,
            home_account,
            member_role,
            organization: None,
            configs: Mutex::new(HashMap::new()),
        }
    }

    /// Reaches only the accounts of the organisation `id` (besides its own): any other is
    /// refused with [`OUTSIDE_ORGANIZATION`] before a role is assumed there.
    pub fn within(mut self, id: &str) -> Fleet {
        self.organization = Some(Membership {
            id: id.to_string(),
            accounts: OrgAccounts::new(&self.base),
            known: Mutex::new(HashMap::new()),
        });
        self
    }

    /// The organisation's accounts, asked of Organizations with the deployment's own
    /// credentials (a management or delegated administrator account).
    pub fn organization(&self) -> OrgAccounts {
        OrgAccounts::new(&self.base)
    }

    pub fn home_account(&self) -> &str {
        &self.home_account
    }

    /// The region of the base configuration (the function's own region).
    pub fn home_region(&self) -> Option<String> {
        self.base.region().map(|r| r.to_string())
    }

    /// Refuses an account outside the organisation (when the fleet is [`Fleet::within`] one):
    /// asked before every use of an account, cached or not, so an account that leaves the
    /// organisation is refused within [`MEMBERSHIP_TTL`].
    pub async fn admit(&self, account: &str) -> Result<(), AwsError> {
        match &self.organization {
            Some(organization) if account != self.home_account => organization.check(account).await,
            _ => Ok(()),
        }
    }

    /// Which of `accounts` are the organisation's (the deployment's own is); `None` when the
    /// fleet knows no organisation.
    pub async fn members(
        &self,
        accounts: &[String],
    ) -> Result<Option<std::collections::BTreeMap<String, bool>>, AwsError> {
        let Some(organization) = &self.organization else {
            return Ok(None);
        };
        let mut members = std::collections::BTreeMap::new();
        for account in accounts {
            // What is not an account id (a key ARN's account field is free text to SageMaker)
            // is no member, and never a question to Organizations.
            let id = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
            let member =
                *account == self.home_account || (id && organization.contains(account).await?);
            members.insert(account.clone(), member);
        }
        Ok(Some(members))
    }

    /// The SDK configuration for `account` in `region`.
    pub async fn config(&self, account: &str, region: &str) -> Result<SdkConfig, AwsError> {
        self.admit(account).await?;
        let key = (account.to_string(), region.to_string());
        if let Some(config) = self.configs.lock().ok().and_then(|c| c.get(&key).cloned()) {
            return Ok(config);
        }
        if !guardrail_core::resource::is_account_id(account) {
            return Err(AwsError {
                operation: "AssumeRole",
                code: "InvalidAccount".into(),
                message: format!("`{account}` is not a 12-digit AWS account id"),
                retryable: false,
            });
        }
        let mut builder = self.base.to_builder();
        builder.set_region(Some(Region::new(region.to_string())));
        if account != self.home_account {
            let Some(role) = &self.member_role else {
                return Err(AwsError {
                    operation: "AssumeRole",
                    code: "MemberRoleNotConfigured".into(),
                    message: format!(
                        "resource in account {account}, but this deployment (account {}) has no \
                         member role configured (MEMBER_ROLE_NAME)",
                        self.home_account
                    ),
                    retryable: false,
                });
            };
            let role_arn = format!(
                "arn:{}:iam::{account}:role/{}",
                guardrail_core::resource::partition(region),
                role.name
            );
            let provider = AssumeRoleProvider::builder(role_arn)
                .external_id(&role.external_id)
                .session_name("sagemaker-guardrail")
                .region(Region::new(region.to_string()))
                .configure(&self.base)
                .build()
                .await;
            builder.set_credentials_provider(Some(SharedCredentialsProvider::new(provider)));
        }
        let config = builder.build();
        if let Ok(mut configs) = self.configs.lock() {
            configs.insert(key, config.clone());
        }
        Ok(config)
    }
}

/// An adapter per account and region, built on first use from the fleet's configuration.
pub struct PerAccount<T> {
    fleet: Arc<Fleet>,
    build: fn(&SdkConfig) -> T,
    adapters: Mutex<HashMap<(String, String), Arc<T>>>,
}

impl<T> PerAccount<T> {
    pub fn new(fleet: Arc<Fleet>, build: fn(&SdkConfig) -> T) -> PerAccount<T> {
        PerAccount {
            fleet,
            build,
            adapters: Mutex::new(HashMap::new()),
        }
    }

    /// The adapter for `account` in `region`.
    pub async fn get(&self, account: &str, region: &str) -> Result<Arc<T>, AwsError> {
        self.fleet.admit(account).await?;
        let key = (account.to_string(), region.to_string());
        if let Some(adapter) = self.adapters.lock().ok().and_then(|a| a.get(&key).cloned()) {
            return Ok(adapter);
        }
        let config = self.fleet.config(account, region).await?;
        let adapter = Arc::new((self.build)(&config));
        if let Ok(mut adapters) = self.adapters.lock() {
            adapters.insert(key, adapter.clone());
        }
        Ok(adapter)
    }
}

impl<T: ResourceReader> ResourceReader for PerAccount<T> {
    /// The resource, with whether the other accounts whose keys it names are the
    /// organisation's ([`Self::with_key_accounts`]).
    async fn describe(&self, id: &ResourceId) -> Result<Option<Snapshot>, AwsError> {
        let described = self
            .get(&id.account, &id.region)
            .await?
            .describe(id)
            .await?;
        self.with_key_accounts(described).await
    }

    async fn read_known(
        &self,
        id: &ResourceId,
        known: &guardrail_core::ports::Known,
    ) -> Result<Option<Snapshot>, AwsError> {
        let read = self.get(&id.account, &id.region).await?;
        let read = read.read_known(id, known).await?;
        self.with_key_accounts(read).await
    }

    async fn component_endpoint(&self, component: &ResourceId) -> Result<Option<String>, AwsError> {
        self.get(&component.account, &component.region)
            .await?
            .component_endpoint(component)
            .await
    }

    async fn running_apps(&self, scope: &ResourceId) -> Result<Vec<ResourceId>, AwsError> {
        self.get(&scope.account, &scope.region)
            .await?
            .running_apps(scope)
            .await
    }
}

impl<T> PerAccount<T> {
    /// `snapshot` with whether the other accounts whose keys it names are the organisation's
    /// (for the KMS controls' `key_accounts`).
    async fn with_key_accounts(
        &self,
        snapshot: Option<Snapshot>,
    ) -> Result<Option<Snapshot>, AwsError> {
        let Some(mut snapshot) = snapshot else {
            return Ok(None);
        };
        let home = kms::Home::of(&snapshot);
        let mut accounts = kms::other_accounts(snapshot.key_references(), &home);
        accounts.extend(
            snapshot
                .facets()
                .account_references()
                .into_iter()
                .filter(|a| *a != home.account)
                .map(str::to_string),
        );
        accounts.sort();
        accounts.dedup();
        snapshot.key_accounts = self.fleet.members(&accounts).await?;
        Ok(Some(snapshot))
    }
}

impl<T: Remediator> Remediator for PerAccount<T> {
    async fn remediate(&self, id: &ResourceId, action: &Action) -> Result<(), AwsError> {
        self.get(&id.account, &id.region)
            .await?
            .remediate(id, action)
            .await
    }
}

impl<T: NetworkDirectory> NetworkDirectory for PerAccount<T> {
    async fn subnet_vpcs(
        &self,
        resource: &ResourceId,
        subnets: &[String],
    ) -> Result<std::collections::BTreeMap<String, String>, AwsError> {
        self.get(&resource.account, &resource.region)
            .await?
            .subnet_vpcs(resource, subnets)
            .await
    }
}

impl<T: ActivityLog> ActivityLog for PerAccount<T> {
    async fn creator(
        &self,
        id: &ResourceId,
        created_ms: Option<i64>,
    ) -> Result<Option<guardrail_core::event::Actor>, AwsError> {
        self.get(&id.account, &id.region)
            .await?
            .creator(id, created_ms)
            .await
    }

    async fn creators(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
        since: i64,
        deadline: Option<std::time::Instant>,
    ) -> Result<std::collections::BTreeMap<String, guardrail_core::event::Actor>, AwsError> {
        self.get(account, region)
            .await?
            .creators(account, region, kind, since, deadline)
            .await
    }

    /// Records in the resource's own account (through the member role) and region.
    async fn calls(
        &self,
        account: &str,
        region: &str,
        resource_name: &str,
        event_name: &str,
    ) -> Result<Vec<guardrail_core::ports::TrailRecord>, AwsError> {
        self.get(account, region)
            .await?
            .calls(account, region, resource_name, event_name)
            .await
    }
}

impl<T: DeadLetters> DeadLetters for PerAccount<T> {
    async fn receive(
        &self,
        account: &str,
        region: &str,
        queue: &str,
    ) -> Result<Vec<DeadLetter>, AwsError> {
        self.get(account, region)
            .await?
            .receive(account, region, queue)
            .await
    }

    async fn delete(
        &self,
        account: &str,
        region: &str,
        queue: &str,
        receipt: &str,
    ) -> Result<(), AwsError> {
        self.get(account, region)
            .await?
            .delete(account, region, queue, receipt)
            .await
    }
}

impl<T: Inventory> Inventory for PerAccount<T> {
    async fn active(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
    ) -> Result<Vec<Listed>, AwsError> {
        self.get(account, region)
            .await?
            .active(account, region, kind)
            .await
    }
}

/// Each finding goes to its resource's account and region.
impl<T: FindingSink> FindingSink for PerAccount<T> {
    async fn import(&self, findings: &[Finding]) -> Result<(), AwsError> {
        let mut groups: std::collections::BTreeMap<(&str, &str), Vec<Finding>> =
            std::collections::BTreeMap::new();
        for f in findings {
            groups
                .entry((f.account.as_str(), f.region.as_str()))
                .or_default()
                .push(f.clone());
        }
        for ((account, region), group) in groups {
            self.get(account, region).await?.import(&group).await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn fleet(member_role: Option<MemberRole>) -> Fleet {
        let base = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .load()
            .await;
        Fleet::new(base, "123456789012".into(), member_role)
    }

    #[tokio::test]
    async fn accounts_are_checked_and_other_accounts_need_the_member_role() {
        let f = fleet(None).await;
        let home = f.config("123456789012", "eu-west-1").await;
        assert_eq!(
            home.ok().and_then(|c| c.region().map(|r| r.to_string())),
            Some("eu-west-1".to_string())
        );
        let code = |r: Result<SdkConfig, AwsError>| r.err().map(|e| e.code);
        assert_eq!(
            code(f.config("1234", "us-east-1").await).as_deref(),
            Some("InvalidAccount")
        );
        assert_eq!(
            code(f.config("111111111111", "us-east-1").await).as_deref(),
            Some("MemberRoleNotConfigured")
        );
        let with_role = fleet(Some(MemberRole {
            name: "SageMakerGuardrailMember".into(),
            external_id: "0123456789abcdef".into(),
        }))
        .await;
        assert!(with_role.config("111111111111", "us-east-1").await.is_ok());
    }
}
