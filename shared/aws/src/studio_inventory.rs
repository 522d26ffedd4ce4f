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
            })
        })
        .collect())
}

fn secs(t: Option<&aws_sdk_sagemaker::primitives::DateTime>) -> Option<i64> {
    t.map(|t| t.secs())
}

async fn domains(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    let mut pages = client
        .list_domains()
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(operation, e))?;
        items.extend(page.domains().iter().map(|d| {
            let status = d.status().map(|s| s.as_str().to_string());
            (
                d.domain_id().map(str::to_string),
                status,
                secs(d.creation_time()),
            )
        }));
    }
    Ok(items)
}

async fn profiles(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    let mut pages = client
        .list_user_profiles()
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(operation, e))?;
        items.extend(page.user_profiles().iter().map(|p| {
            let name = p
                .domain_id()
                .zip(p.user_profile_name())
                .map(|(d, n)| format!("{d}/{n}"));
            let status = p.status().map(|s| s.as_str().to_string());
            (name, status, secs(p.creation_time()))
        }));
    }
    Ok(items)
}

async fn spaces(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    let mut pages = client
        .list_spaces()
        .max_results(PAGE)
        .into_paginator()
        .send();
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(operation, e))?;
        items.extend(page.spaces().iter().map(|s| {
            let name = s
                .domain_id()
                .zip(s.space_name())
                .map(|(d, n)| format!("{d}/{n}"));
            let status = s.status().map(|s| s.as_str().to_string());
            (name, status, secs(s.creation_time()))
        }));
    }
    Ok(items)
}

async fn apps(client: &Client, operation: &'static str) -> Result<Vec<Item>, AwsError> {
    let mut pages = client.list_apps().max_results(PAGE).into_paginator().send();
    let mut items = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(operation, e))?;
        items.extend(page.apps().iter().map(|a| {
            let status = a.status().map(|s| s.as_str().to_string());
            (
                app_name(a).map(|n| n.name()),
                status,
                secs(a.creation_time()),
            )
        }));
    }
    Ok(items)
}
