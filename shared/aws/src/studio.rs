//! SageMaker Studio's calls for the inspector: `DescribeDomain`, `DescribeUserProfile`,
//! `DescribeSpace` and `DescribeApp` (the response kept as JSON, read by the kind's field
//! mapping); the running apps of a domain, user profile (with its private spaces', `ListSpaces`)
//! or space (`ListApps` with its filter), which containing it judges one by one; and the
//! remediation, `DeleteApp` on an app (Studio resources cannot be stopped).
//! Studio names are paths (`DOMAIN/PROFILE`, `DOMAIN/OWNER/TYPE/APP`), split here into the
//! members the calls take.

use aws_sdk_sagemaker::types::{AppStatus, AppType};
use aws_sdk_sagemaker::Client;
use serde_json::Value;

use super::classify;
use crate::calls::{described, Capture};
use guardrail_core::kinds::app::{AppName, Owner};
use guardrail_core::ports::AwsError;
use guardrail_core::resource::ResourceKind;

/// Whether `kind` is a Studio kind, served here rather than by the table of [`crate::calls`].
pub fn is_studio(kind: ResourceKind) -> bool {
    matches!(
        kind,
        ResourceKind::Domain | ResourceKind::UserProfile | ResourceKind::Space | ResourceKind::App
    )
}

/// A name that is not of the kind's form: refused, never guessed.
fn malformed(operation: &'static str, name: &str) -> AwsError {
    AwsError {
        operation,
        code: "MalformedName".into(),
        message: format!("`{name}` is not a name of the form this kind's calls take"),
        retryable: false,
    }
}

/// `DOMAIN/NAME` as its two parts.
fn within_domain<'a>(
    operation: &'static str,
    name: &'a str,
) -> Result<(&'a str, &'a str), AwsError> {
    name.split_once('/')
        .filter(|(d, n)| !d.is_empty() && !n.is_empty() && !n.contains('/'))
        .ok_or_else(|| malformed(operation, name))
}

/// The Describe response of the Studio resource `name` of `kind`, as JSON; `None` when gone.
pub async fn describe_studio(
    client: &Client,
    kind: ResourceKind,
    name: &str,
) -> Result<Option<Value>, AwsError> {
    let (capture, operation) = (Capture::default(), kind.describe_call());
    let c = capture.clone();
    match kind {
        ResourceKind::Domain => {
            let send = client
                .describe_domain()
                .domain_id(name)
                .customize()
                .interceptor(c);
            described(operation, capture, send.send()).await
        }
        ResourceKind::UserProfile => {
            let (domain, profile) = within_domain(operation, name)?;
            let send = client
                .describe_user_profile()
                .domain_id(domain)
                .user_profile_name(profile)
                .customize()
                .interceptor(c);
            described(operation, capture, send.send()).await
        }
        ResourceKind::Space => {
            let (domain, space) = within_domain(operation, name)?;
            let send = client
                .describe_space()
                .domain_id(domain)
                .space_name(space)
                .customize()
                .interceptor(c);
            described(operation, capture, send.send()).await
        }
        _ => {
            let app = AppName::parse(name).ok_or_else(|| malformed(operation, name))?;
            Ok(resolve_app(client, app).await?.1)
        }
    }
}

/// The app and its `DescribeApp` (`None`: it does not exist). A name from an ARN does not say
/// whether its owner is a profile or a space: a profile's app that does not exist is looked up
/// as a space's.
async fn resolve_app(client: &Client, app: AppName) -> Result<(AppName, Option<Value>), AwsError> {
    let described = describe_app(client, &app).await?;
    match (&described, &app.owner) {
        (None, Owner::UserProfile(owner)) => {
            let space = AppName {
                owner: Owner::Space(owner.clone()),
                ..app
            };
            let described = describe_app(client, &space).await?;
            Ok((space, described))
        }
        _ => Ok((app, described)),
    }
}

/// `DescribeApp` of one app, as JSON; `None` when it does not exist.
async fn describe_app(client: &Client, app: &AppName) -> Result<Option<Value>, AwsError> {
    let capture = Capture::default();
    let request = client
        .describe_app()
        .domain_id(&app.domain_id)
        .app_type(AppType::from(app.app_type.as_str()))
        .app_name(&app.app_name);
    let request = match &app.owner {
        Owner::UserProfile(profile) => request.user_profile_name(profile),
        Owner::Space(space) => request.space_name(space),
    };
    let send = request.customize().interceptor(capture.clone());
    described("DescribeApp", capture, send.send()).await
}

/// `DeleteApp` on one app; one already gone counts as deleted. An app that cannot be deleted yet
/// (`ResourceInUse`: still being created) is a failure to retry: Studio sends no state change
/// that would bring it back.
async fn delete_app(client: &Client, app: &AppName) -> Result<(), AwsError> {
    let request = client
        .delete_app()
        .domain_id(&app.domain_id)
        .app_type(AppType::from(app.app_type.as_str()))
        .app_name(&app.app_name);
    let request = match &app.owner {
        Owner::UserProfile(profile) => request.user_profile_name(profile),
        Owner::Space(space) => request.space_name(space),
    };
    match request.send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let mut e = classify("DeleteApp", e);
            e.retryable |= e.code == "ResourceInUse";
            if e.is_not_found() {
                Ok(())
            } else {
                Err(e)
            }
        }
    }
}

/// The private spaces of a user profile: their apps run as the profile.
async fn private_spaces(
    client: &Client,
    domain: &str,
    profile: &str,
) -> Result<Vec<String>, AwsError> {
    let mut pages = client
        .list_spaces()
        .domain_id_equals(domain)
        .into_paginator()
        .send();
    let mut spaces = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListSpaces", e))?;
        spaces.extend(page.spaces().iter().filter_map(|s| {
            let owner = s.ownership_settings_summary()?.owner_user_profile_name()?;
            let shared = s
                .space_sharing_settings_summary()
                .and_then(|sharing| sharing.sharing_type())
                .is_some_and(|t| t.as_str() == "Shared");
            (owner == profile && !shared).then(|| s.space_name().map(str::to_string))?
        }));
    }
    Ok(spaces)
}

/// The running apps (`InService` or `Pending`) of a domain, or of one of its profiles or spaces.
async fn running_apps(
    client: &Client,
    domain: &str,
    owner: Option<Owner>,
) -> Result<Vec<AppName>, AwsError> {
    let mut request = client.list_apps().domain_id_equals(domain);
    request = match &owner {
        Some(Owner::UserProfile(profile)) => request.user_profile_name_equals(profile),
        Some(Owner::Space(space)) => request.space_name_equals(space),
        None => request,
    };
    let mut pages = request.into_paginator().send();
    let mut apps = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("ListApps", e))?;
        apps.extend(
            page.apps()
                .iter()
                .filter(|a| matches!(a.status(), Some(AppStatus::InService | AppStatus::Pending)))
                .filter_map(app_name),
        );
    }
    Ok(apps)
}

/// The name of a listed app.
pub fn app_name(app: &aws_sdk_sagemaker::types::AppDetails) -> Option<AppName> {
    let owner = match (app.user_profile_name(), app.space_name()) {
        (_, Some(space)) if !space.is_empty() => Owner::Space(space.to_string()),
        (Some(profile), _) => Owner::UserProfile(profile.to_string()),
        _ => return None,
    };
    Some(AppName {
        domain_id: app.domain_id()?.to_string(),
        owner,
        app_type: app.app_type()?.as_str().to_string(),
        app_name: app.app_name()?.to_string(),
    })
}

/// The running apps of a domain, user profile (its own and its private spaces': they run as the
/// profile) or space: what containing it judges one by one.
pub async fn studio_apps(
    client: &Client,
    kind: ResourceKind,
    name: &str,
) -> Result<Vec<AppName>, AwsError> {
    let operation = "ListApps";
    match kind {
        ResourceKind::Domain => running_apps(client, name, None).await,
        ResourceKind::UserProfile => {
            let (domain, profile) = within_domain(operation, name)?;
            let mut apps =
                running_apps(client, domain, Some(Owner::UserProfile(profile.into()))).await?;
            for space in private_spaces(client, domain, profile).await? {
                apps.extend(running_apps(client, domain, Some(Owner::Space(space))).await?);
            }
            Ok(apps)
        }
        ResourceKind::Space => {
            let (domain, space) = within_domain(operation, name)?;
            running_apps(client, domain, Some(Owner::Space(space.into()))).await
        }
        _ => Err(malformed(operation, name)),
    }
}

/// The stop of a Studio app ([`guardrail_core::kinds::Kind::STOP`]): `DeleteApp`. A domain,
/// profile or space is contained app by app, each judged on its own settings: it has no stop.
pub async fn delete_studio_app(
    client: &Client,
    kind: ResourceKind,
    name: &str,
) -> Result<(), AwsError> {
    let operation = "DeleteApp";
    if kind != ResourceKind::App {
        return Err(AwsError {
            operation,
            code: "NotAnApp".into(),
            message: format!("{name} is contained app by app, never as a whole"),
            retryable: false,
        });
    }
    let app = AppName::parse(name).ok_or_else(|| malformed(operation, name))?;
    // As described: a name from an ARN may mean a space's app.
    let app = match app.owner {
        Owner::UserProfile(_) => resolve_app(client, app).await?.0,
        Owner::Space(_) => app,
    };
    delete_app(client, &app).await
}
