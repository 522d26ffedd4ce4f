//! The sweep's listing of SageMaker Studio: `ListDomains`, `ListUserProfiles`, `ListSpaces` and
//! `ListApps`, each across the account's domains. None of them filters by status: the statuses
//! the kind's listing excludes ([`guardrail_core::kinds::Kind::LISTING`]) are dropped here.

use aws_sdk_sagemaker::Client;

use super::classify;
use crate::studio::app_name;
use guardrail_core::ports::{AwsError, Listed};
use guardrail_core::resource::ResourceKind;

/// Page size of the List* calls.
const PAGE: i32 = 100;

/// What one listed item gives: its name and status, and when it was created.
type Item = (Option<String>, Option<String>, Option<i64>);

/// The listed resources of a Studio `kind`, less those in a status its listing excludes.
pub async fn list_studio(client: &Client, kind: ResourceKind) -> Result<Vec<Listed>, AwsError> {
    let listing = kind.listing();
    let items = match kind {
        ResourceKind::Domain => domains(client, listing.call).await?,
        ResourceKind::UserProfile => profiles(client, listing.call).await?,
        ResourceKind::Space => spaces(client, listing.call).await?,
        _ => apps(client, listing.call).await?,
    };
    Ok(items
        .into_iter()
        .filter(|(_, status, _)| {
            status
                .as_deref()
                .is_none_or(|s| !listing.excluded.contains(&s))
        })
        .filter_map(|(name, _, created)| {
            Some(Listed {
                name: name?,
                created,
                known: Default::default(),
            })
        })
        .collect())
}

fn secs(t: Option<&aws_sdk_sagemaker::primitives::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

/// Every page of a List* call: each item's name (`$name`), status and creation time.
macro_rules! list_items {
    ($client:ident . $call:ident, $items:ident, $operation:expr, |$item:ident| $name:expr) => {{
        let mut pages = $client.$call().max_results(PAGE).into_paginator().send();
        let mut items: Vec<Item> = Vec::new();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| classify($operation, e))?;
            items.extend(page.$items().iter().map(|$item| {
                let status = $item.status().map(|s| s.as_str().to_string());
                ($name, status, secs($item.creation_time()))
            }));
        }
        Ok(items)
    }};
}

async fn domains(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    list_items!(client.list_domains, domains, operation, |d| d
        .domain_id()
        .map(str::to_string))
}

async fn profiles(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    list_items!(client.list_user_profiles, user_profiles, operation, |p| p
        .domain_id()
        .zip(p.user_profile_name())
        .map(|(d, n)| format!("{d}/{n}")))
}

async fn spaces(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    list_items!(client.list_spaces, spaces, operation, |s| s
        .domain_id()
        .zip(s.space_name())
        .map(|(d, n)| format!("{d}/{n}")))
}

async fn apps(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    list_items!(client.list_apps, apps, operation, |a| app_name(a)
        .map(|n| n.name()))
}
