//! SageMaker Studio end to end, over the real AWS SDK and HTTP, against the local emulator: the
//! reference architecture (a `VpcOnly` domain with a home volume key, user profiles in the
//! allowed security groups, apps in profiles and spaces) passes, and its public-internet twin is
//! caught and contained (a domain cannot be stopped: its running apps are deleted).

use std::time::Duration;

use guardrail_core::{Outcome, Policy};
use guardrail_sqlite::SqliteStore;
use guardrail_tests::*;

const WAIT: Duration = Duration::from_secs(10);

/// The reference architecture's policy: the subnet, security group and role allow-lists.
fn reference_policy() -> TestResult<Policy> {
    Ok(Policy::from_toml(
        &format!(
            "[controls.vpc-attached]\nallowed_subnets = [\"{SUBNET}\"]\n\
             allowed_security_groups = [\"{GROUP}\"]\n\
             [controls.execution-roles]\nallowed = [\"{STUDIO_ROLE}\"]\n"
        ),
        "reference",
    )?)
}

fn inspector(emu: &Emulator, topic: &str) -> TestResult<EmulatorInspector> {
    with_store(emu, topic, reference_policy()?, SqliteStore::in_memory()?)
}

/// The violated controls and what was done, of one handled event.
fn judged(outcome: Outcome) -> TestResult<(Vec<String>, String)> {
    match outcome {
        Outcome::Evaluated { report, .. } => Ok((
            report.violations().map(|v| v.control.to_string()).collect(),
            report.remediation.outcome().as_str().to_string(),
        )),
        other => Err(format!("expected an evaluation, got {other:?}").into()),
    }
}

/// A domain with a profile `alice` (allowed group), a space `team-fraud` and their apps.
async fn reference_shape(emu: &Emulator, vpc_only: bool) -> TestResult<String> {
    let domain = create_domain(emu, &unique("ref"), vpc_only).await?;
    create_user_profile(emu, &domain, "alice", &[GROUP]).await?;
    create_space(emu, &domain, "team-fraud").await?;
    create_app(emu, &domain, "alice", "JupyterServer").await?;
    create_app(emu, &domain, "space:team-fraud", "JupyterLab").await?;
    Ok(domain)
}

/// Handles a Studio sample event, renamed to `domain`.
async fn handle(
    inspector: &EmulatorInspector,
    path: &str,
    domain: &str,
) -> TestResult<(Vec<String>, String)> {
    let event = sample_event(path, "d-mlplatform01", domain)?;
    judged(inspector.handle(&event).await?)
}

#[tokio::test]
async fn the_reference_architecture_passes_and_keeps_running() -> TestResult {
    // Given the reference shape: a VpcOnly domain with a home volume key, a profile in the allowed
    // security group, a space, and an app of each
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let domain = reference_shape(&emu, true).await?;

    // When its calls are handled
    for path in [
        "studio/create-domain-compliant.json",
        "studio/update-domain.json",
        "studio/create-space.json",
        "studio/create-app.json",
        "studio/create-space-app.json",
    ] {
        let (violated, done) = handle(&inspector, path, &domain).await?;
        // Then nothing fails and nothing is done (the samples' own settings do not matter: the
        // live resources are judged)
        assert_eq!((violated, done.as_str()), (vec![], "none"), "{path}");
    }
    let event = sample_event("studio/create-user-profile.json", "d-mlplatform01", &domain)?;
    let (violated, _) = judged(inspector.handle(&event).await?)?;
    assert_eq!(violated, Vec::<String>::new());
    assert_eq!(
        emu.app_status(&domain, "alice", "JupyterServer").await?,
        "InService"
    );
    assert_eq!(
        emu.app_status(&domain, "space:team-fraud", "JupyterLab")
            .await?,
        "InService"
    );
    assert_eq!(alerts.receive(0, Duration::from_secs(1)).await?.len(), 0);
    Ok(())
}

#[tokio::test]
async fn the_public_internet_twin_is_caught_and_its_apps_deleted() -> TestResult {
    // Given the same shape in a PublicInternetOnly domain
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let domain = reference_shape(&emu, false).await?;

    // When the domain's update is handled
    let (violated, done) = handle(&inspector, "studio/update-domain.json", &domain).await?;

    // Then it fails no-direct-internet alone, and its running apps are deleted
    assert_eq!(violated, ["no-direct-internet"]);
    assert_eq!(done, "apps deleted");
    assert_eq!(
        emu.app_status(&domain, "alice", "JupyterServer").await?,
        "Deleted"
    );
    assert_eq!(
        emu.app_status(&domain, "space:team-fraud", "JupyterLab")
            .await?,
        "Deleted"
    );
    // And one alert names the domain and what was done
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    let alert = &delivered[0];
    assert_eq!(alert.attribute("resource_type"), Some("domain"));
    assert_eq!(alert.attribute("action"), Some("apps deleted"));
    assert!(alert.subject.contains(&domain), "{}", alert.subject);
    assert_eq!(alert.finding["remediation"]["action"], "DeleteApp");

    // When a new app is created in it anyway
    create_app(&emu, &domain, "alice", "CodeEditor").await?;
    let event = sample_event("studio/create-app.json", "d-mlplatform01", &domain)?;
    let event = serde_json::from_str(&event.to_string().replace("JupyterServer", "CodeEditor"))?;
    let (violated, done) = judged(inspector.handle(&event).await?)?;
    // Then the app is judged on its domain's network and deleted
    assert_eq!(violated, ["no-direct-internet"]);
    assert_eq!(done, "deleted");
    assert_eq!(
        emu.app_status(&domain, "alice", "CodeEditor").await?,
        "Deleted"
    );
    Ok(())
}

#[tokio::test]
async fn a_profile_outside_the_allow_lists_loses_its_apps_and_a_deleted_domain_fails_closed(
) -> TestResult {
    // Given a VpcOnly domain, and a profile in a security group outside the allow-list
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let domain = create_domain(&emu, &unique("ref"), true).await?;
    create_user_profile(&emu, &domain, "alice", &["sg-0ffffffffffff0099"]).await?;
    create_app(&emu, &domain, "alice", "JupyterServer").await?;

    // When the profile's creation is handled
    let (violated, done) = handle(&inspector, "studio/create-user-profile.json", &domain).await?;
    // Then it fails vpc-attached and its app is deleted
    assert_eq!(
        (violated, done.as_str()),
        (vec!["vpc-attached".to_string()], "apps deleted")
    );
    assert_eq!(
        emu.app_status(&domain, "alice", "JupyterServer").await?,
        "Deleted"
    );

    // Given a running app whose domain is then deleted
    let gone = create_domain(&emu, &unique("gone"), true).await?;
    create_user_profile(&emu, &gone, "alice", &[]).await?;
    create_app(&emu, &gone, "alice", "JupyterServer").await?;
    emu.sagemaker
        .delete_domain()
        .domain_id(&gone)
        .send()
        .await?;
    // When the app's creation is handled
    let (violated, _) = handle(&inspector, "studio/create-app.json", &gone).await?;
    // Then what it runs with cannot be verified: it fails closed
    assert!(
        violated.contains(&"no-direct-internet".to_string()),
        "{violated:?}"
    );
    Ok(())
}

/// A Studio sample event renamed to `domain`, with further `(from, to)` replacements.
fn renamed(path: &str, domain: &str, also: &[(&str, &str)]) -> TestResult<serde_json::Value> {
    let mut text = sample_event(path, "d-mlplatform01", domain)?.to_string();
    for (from, to) in also {
        text = text.replace(from, to);
    }
    Ok(serde_json::from_str(&text)?)
}

#[tokio::test]
async fn a_private_space_runs_as_its_owner_and_goes_with_the_owner_s_apps() -> TestResult {
    use aws_sdk_sagemaker::types::{
        OwnershipSettings, SharingType, SpaceSharingSettings, UserSettings,
    };
    // Given a VpcOnly domain whose profile bob runs as a role outside the allow-list, and owns a
    // private space with a JupyterLab app
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let domain = create_domain(&emu, &unique("ref"), true).await?;
    emu.sagemaker
        .create_user_profile()
        .domain_id(&domain)
        .user_profile_name("bob")
        .user_settings(
            UserSettings::builder()
                .execution_role("arn:aws:iam::123456789012:role/SageMakerAdmin")
                .build(),
        )
        .tags(
            aws_sdk_sagemaker::types::Tag::builder()
                .key("owner")
                .value("bob")
                .build(),
        )
        .send()
        .await?;
    emu.sagemaker
        .create_space()
        .domain_id(&domain)
        .space_name("bobs")
        .ownership_settings(
            OwnershipSettings::builder()
                .owner_user_profile_name("bob")
                .build(),
        )
        .space_sharing_settings(
            SpaceSharingSettings::builder()
                .sharing_type(SharingType::Private)
                .build(),
        )
        .send()
        .await?;
    create_app(&emu, &domain, "space:bobs", "JupyterLab").await?;

    // When the space's app is handled
    let event = renamed(
        "studio/create-space-app.json",
        &domain,
        &[("team-fraud", "bobs")],
    )?;
    let (violated, done) = judged(inspector.handle(&event).await?)?;
    // Then it runs as its owner (not as the domain's space default) and is deleted
    assert_eq!(
        (violated, done.as_str()),
        (vec!["execution-roles".to_string()], "deleted")
    );
    assert_eq!(
        emu.app_status(&domain, "space:bobs", "JupyterLab").await?,
        "Deleted"
    );

    // Given bob's own app and another in his private space
    create_app(&emu, &domain, "bob", "JupyterServer").await?;
    create_app(&emu, &domain, "space:bobs", "CodeEditor").await?;
    // When his profile's creation is handled
    let event = renamed(
        "studio/create-user-profile.json",
        &domain,
        &[("alice", "bob")],
    )?;
    let (violated, done) = judged(inspector.handle(&event).await?)?;
    // Then it fails, and both apps, his and his private space's, are deleted
    assert_eq!(
        (violated, done.as_str()),
        (vec!["execution-roles".to_string()], "apps deleted")
    );
    assert_eq!(
        emu.app_status(&domain, "bob", "JupyterServer").await?,
        "Deleted"
    );
    assert_eq!(
        emu.app_status(&domain, "space:bobs", "CodeEditor").await?,
        "Deleted"
    );
    Ok(())
}

#[tokio::test]
async fn the_domain_s_rstudio_server_is_judged_on_the_domain_and_kept() -> TestResult {
    // Given the RStudio server of a compliant domain (the pseudo-profile domain-shared has no
    // profile to describe)
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let domain = create_domain(&emu, &unique("ref"), true).await?;
    create_app(&emu, &domain, "domain-shared", "RStudioServerPro").await?;
    // When its creation is handled
    let event = renamed(
        "studio/create-app.json",
        &domain,
        &[
            ("alice", "domain-shared"),
            ("JupyterServer", "RStudioServerPro"),
            ("jupyterserver", "rstudioserverpro"),
        ],
    )?;
    let (violated, done) = judged(inspector.handle(&event).await?)?;
    // Then it passes and keeps running
    assert_eq!((violated, done.as_str()), (vec![], "none"));
    assert_eq!(
        emu.app_status(&domain, "domain-shared", "RStudioServerPro")
            .await?,
        "InService"
    );
    Ok(())
}
