//! [`Organization`] on AWS Organizations: the organisation's accounts for the sweep (listed at
//! sweep time, paginated; under given organizational units, nested units included), and whether
//! an account belongs to it (`DescribeAccount`, for the events of member accounts).
//!
//! Organizations answers these read calls in the management account and in a delegated
//! administrator account (the central account is one when it administers the StackSets that
//! roll out `infra/member.yaml`).

use std::collections::{BTreeMap, VecDeque};

use aws_sdk_organizations::error::ProvideErrorMetadata;
use aws_sdk_organizations::types::Account;

use super::classify;
use guardrail_core::ports::{AwsError, OrgAccount, Organization};

#[derive(Debug, Clone)]
pub struct OrgAccounts {
    client: aws_sdk_organizations::Client,
}

impl OrgAccounts {
    pub fn new(config: &aws_config::SdkConfig) -> OrgAccounts {
        OrgAccounts {
            client: aws_sdk_organizations::Client::new(config),
        }
    }

    /// The account `id` as the organisation knows it; `None` when it is not one of its accounts.
    pub async fn describe(&self, id: &str) -> Result<Option<OrgAccount>, AwsError> {
        match self.client.describe_account().account_id(id).send().await {
            Ok(out) => Ok(out.account().map(org_account)),
            Err(e) if e.code() == Some("AccountNotFoundException") => Ok(None),
            Err(e) => Err(classify("DescribeAccount", e)),
        }
    }

    async fn all(&self) -> Result<Vec<Account>, AwsError> {
        let mut pages = self.client.list_accounts().into_paginator().send();
        let mut accounts = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListAccounts", e))?;
            accounts.extend(page.accounts().iter().cloned());
        }
        Ok(accounts)
    }

    async fn under(&self, parent: &str) -> Result<(Vec<Account>, Vec<String>), AwsError> {
        let mut accounts = Vec::new();
        let mut pages = self
            .client
            .list_accounts_for_parent()
            .parent_id(parent)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListAccountsForParent", e))?;
            accounts.extend(page.accounts().iter().cloned());
        }
        let mut units = Vec::new();
        let mut pages = self
            .client
            .list_organizational_units_for_parent()
            .parent_id(parent)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify("ListOrganizationalUnitsForParent", e))?;
            units.extend(
                page.organizational_units()
                    .iter()
                    .filter_map(|u| u.id().map(str::to_string)),
            );
        }
        Ok((accounts, units))
    }
}

/// An account's state: `State`, or the `Status` AWS retired in 2026-09 where only it is given.
fn org_account(account: &Account) -> OrgAccount {
    let state = account
        .state()
        .map(|s| s.as_str())
        .or_else(|| account.status().map(|s| s.as_str()))
        .unwrap_or("UNKNOWN");
    OrgAccount {
        id: account.id().unwrap_or_default().to_string(),
        state: state.to_string(),
    }
}

impl Organization for OrgAccounts {
    async fn accounts(&self, parents: &[String]) -> Result<Vec<OrgAccount>, AwsError> {
        let listed = if parents.is_empty() {
            self.all().await?
        } else {
            let mut listed = Vec::new();
            let mut queue: VecDeque<String> = parents.iter().cloned().collect();
            let mut seen = std::collections::BTreeSet::new();
            while let Some(parent) = queue.pop_front() {
                if !seen.insert(parent.clone()) {
                    continue;
                }
                let (accounts, units) = self.under(&parent).await?;
                listed.extend(accounts);
                queue.extend(units);
            }
            listed
        };
        let by_id: BTreeMap<String, OrgAccount> = listed
            .iter()
            .map(org_account)
            .filter(|a| !a.id.is_empty())
            .map(|a| (a.id.clone(), a))
            .collect();
        Ok(by_id.into_values().collect())
    }
}
