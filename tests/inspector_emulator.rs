//! The inspector end to end, over the real AWS SDK and HTTP, against the local emulator: resources
//! are created in it, the handler runs on (renamed) sample events, and the tests assert the
//! resulting resource state and the SNS messages actually delivered to a subscribed SQS queue.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use guardrail_aws::{dynamodb_table, DynamoStore};
use guardrail_aws::{CloudTrail, Ec2Subnets, SageMaker, SecurityHub, SnsPublisher};
use guardrail_core::ports::{AwsError, Remediator, ResourceReader};
use guardrail_core::remediation::Action;
use guardrail_core::resource::{ResourceId, ResourceKind, Snapshot};
use guardrail_core::{InspectError, Inspector, Outcome, Policy};
use guardrail_sqlite::SqliteStore;
use guardrail_tests::*;

const WAIT: Duration = Duration::from_secs(10);

fn evaluated(outcome: Outcome) -> TestResult<(guardrail_core::report::Report, Option<String>)> {
    match outcome {
        Outcome::Evaluated {
            report,
            alert_message_id,
        } => Ok((*report, alert_message_id)),
        other => Err(format!("expected an evaluation, got {other:?}").into()),
    }
}

fn controls_attribute(d: &Delivered) -> TestResult<Vec<String>> {
    Ok(serde_json::from_str(
        d.attribute("controls").ok_or("no controls attribute")?,
    )?)
}

#[tokio::test]
async fn noncompliant_notebook_is_stopped_and_one_alert_is_delivered() -> TestResult {
    // Given a running notebook with no VPC, no KMS key, internet and root access
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    assert_eq!(emu.notebook_status(&name).await?, "InService");

    // When its CreateNotebookInstance event arrives
    let event = sample_event("notebook/create-noncompliant.json", "open-nb", &name)?;
    let (report, message_id) = evaluated(
        inspector(&emu, &alerts.topic_arn, Policy::baseline())?
            .handle(&event)
            .await?,
    )?;

    // Then the notebook is stopped
    assert_eq!(emu.notebook_status(&name).await?, "Stopped");
    assert_eq!(report.remediation.outcome().as_str(), "stopped");
    assert!(message_id.is_some());

    // And one alert arrives, filterable by its attributes, carrying the finding document
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    let d = &delivered[0];
    assert!(
        d.subject.starts_with(&format!(
            "[HIGH] SageMaker notebook instance {name} stopped: vpc-attached"
        )),
        "{}",
        d.subject
    );
    assert!(d.subject.chars().count() < 100);
    assert_eq!(d.attribute("severity"), Some("high"));
    assert_eq!(d.attribute("resource_type"), Some("notebook-instance"));
    assert_eq!(d.attribute("action"), Some("stopped"));
    assert_eq!(d.attribute("account"), Some(ACCOUNT));
    assert_eq!(
        controls_attribute(d)?,
        [
            "vpc-attached",
            "volume-kms",
            "no-direct-internet",
            "no-root-access",
            "imds-v2"
        ]
    );
    assert_eq!(d.finding["resource"]["name"], name.as_str());
    assert_eq!(d.finding["source"], "live");
    assert_eq!(
        d.finding["actor"]["arn"],
        "arn:aws:sts::123456789012:assumed-role/DataScientist/alice"
    );
    assert_eq!(d.finding["remediation"]["action"], "StopNotebookInstance");
    assert_eq!(d.finding["remediation"]["result"], "done");
    assert_eq!(d.finding["event"]["id"], event["id"]);
    Ok(())
}

#[tokio::test]
async fn compliant_notebook_keeps_running_and_nobody_is_alerted() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("secure-nb");
    create_notebook(&emu, &name, Posture::Compliant, None).await?;
    let event = sample_event("notebook/create-compliant.json", "secure-nb", &name)?;
    let (report, message_id) = evaluated(
        inspector(&emu, &alerts.topic_arn, Policy::baseline())?
            .handle(&event)
            .await?,
    )?;
    assert_eq!(report.violations().count(), 0, "{:?}", report.results);
    assert_eq!(message_id, None);
    assert_eq!(emu.notebook_status(&name).await?, "InService");
    assert_eq!(alerts.receive(0, Duration::ZERO).await?.len(), 0);
    Ok(())
}

#[tokio::test]
async fn the_live_configuration_is_judged_not_the_event() -> TestResult {
    // Given a compliant notebook, and an event claiming it was created without any protection
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::Compliant, None).await?;
    let event = sample_event("notebook/create-noncompliant.json", "open-nb", &name)?;
    // When the inspector handles it, Then it trusts the live resource, not the event
    let (report, _) = evaluated(
        inspector(&emu, &alerts.topic_arn, Policy::baseline())?
            .handle(&event)
            .await?,
    )?;
    assert_eq!(report.violations().count(), 0, "{:?}", report.results);
    assert_eq!(emu.notebook_status(&name).await?, "InService");
    Ok(())
}

#[tokio::test]
async fn pending_notebook_stop_is_deferred_to_its_in_service_event() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, Some("Pending")).await?;
    let event = sample_event("notebook/create-noncompliant.json", "open-nb", &name)?;
    let (report, _) = evaluated(
        inspector(&emu, &alerts.topic_arn, Policy::baseline())?
            .handle(&event)
            .await?,
    )?;
    assert_eq!(report.remediation.outcome().as_str(), "deferred");
    assert_eq!(emu.notebook_status(&name).await?, "Pending");
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].attribute("action"), Some("deferred"));
    assert!(
        delivered[0].subject.contains("stop deferred (Pending)"),
        "{}",
        delivered[0].subject
    );
    Ok(())
}

#[tokio::test]
async fn duplicate_delivery_gives_one_stop_and_no_error() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;

    let (first, _) = evaluated(inspector.handle(&event).await?)?;
    let (second, _) = evaluated(inspector.handle(&event).await?)?;

    assert_eq!(first.remediation.outcome().as_str(), "stopped");
    // The second delivery sees the notebook stopped and makes no call...
    assert_eq!(second.remediation.outcome().as_str(), "already-inactive");
    assert_eq!(emu.notebook_status(&name).await?, "Stopped");
    // ...and, the problem being the same (contained), sends no second alert.
    assert_eq!(alerts.receive(1, WAIT).await?.len(), 1);
    Ok(())
}

#[tokio::test]
async fn concurrent_duplicate_deliveries_both_succeed() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
    // Two Lambda containers: separate inspectors sharing the DynamoDB findings table.
    let table = unique("findings");
    dynamodb_table::create_table(&emu.dynamodb, &table).await?;
    let container = || {
        Inspector::new(
            SageMaker::new(emu.sagemaker.clone()),
            Ec2Subnets::new(emu.ec2.clone()),
            SnsPublisher::new(emu.sns.clone(), &alerts.topic_arn),
            DynamoStore::new(emu.dynamodb.clone(), &table),
            None::<SecurityHub>,
            CloudTrail::new(emu.cloudtrail.clone()),
            Policy::baseline(),
        )
    };
    let (one, two) = (container(), container());
    let (a, b) = tokio::join!(one.handle(&event), two.handle(&event));
    for outcome in [a?, b?] {
        let (report, _) = evaluated(outcome)?;
        let o = report.remediation.outcome().as_str();
        assert!(
            o == "stopped" || o == "already-inactive",
            "{o}: {:?}",
            report.remediation
        );
    }
    assert_eq!(emu.notebook_status(&name).await?, "Stopped");
    assert_eq!(
        alerts.receive(1, WAIT).await?.len(),
        1,
        "one alert for one problem"
    );
    Ok(())
}

/// The real adapter, with another delivery of the same event stopping the notebook between our
/// describe and our stop (the race EventBridge's at-least-once delivery makes possible).
struct StoppedInBetween {
    inner: SageMaker,
    raced: AtomicBool,
}

impl ResourceReader for StoppedInBetween {
    async fn describe(&self, id: &ResourceId) -> Result<Option<Snapshot>, AwsError> {
        let snapshot = self.inner.describe(id).await;
        if !self.raced.swap(true, Ordering::SeqCst) {
            self.inner
                .remediate(id, &Action::Stop(ResourceKind::NotebookInstance))
                .await?;
        }
        snapshot
    }

    async fn component_endpoint(&self, component: &ResourceId) -> Result<Option<String>, AwsError> {
        self.inner.component_endpoint(component).await
    }

    async fn running_apps(&self, scope: &ResourceId) -> Result<Vec<ResourceId>, AwsError> {
        self.inner.running_apps(scope).await
    }
}

impl Remediator for StoppedInBetween {
    async fn remediate(&self, id: &ResourceId, action: &Action) -> Result<(), AwsError> {
        self.inner.remediate(id, action).await
    }
}

#[tokio::test]
async fn stop_refused_because_already_stopped_counts_as_done() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
    let racing = StoppedInBetween {
        inner: SageMaker::new(emu.sagemaker.clone()),
        raced: AtomicBool::new(false),
    };
    let inspector = Inspector::new(
        racing,
        Ec2Subnets::new(emu.ec2.clone()),
        SnsPublisher::new(emu.sns.clone(), &alerts.topic_arn),
        SqliteStore::in_memory()?,
        None::<SecurityHub>,
        CloudTrail::new(emu.cloudtrail.clone()),
        Policy::baseline(),
    );
    let (report, _) = evaluated(inspector.handle(&event).await?)?;
    let finding = serde_json::to_value(&report)?;
    assert_eq!(
        finding["remediation"]["result"], "already-done",
        "{finding}"
    );
    assert_eq!(report.remediation.outcome().as_str(), "stopped");
    assert_eq!(emu.notebook_status(&name).await?, "Stopped");
    Ok(())
}

#[tokio::test]
async fn training_jobs_are_stopped_only_when_noncompliant() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let bad = unique("churn-xgb");
    let good = unique("churn-xgb-secure");
    create_training_job(&emu, &bad, Posture::NonCompliant, None).await?;
    create_training_job(&emu, &good, Posture::Compliant, None).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;

    let (report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "training/state-change.json",
                "churn-xgb",
                &bad,
            )?)
            .await?,
    )?;
    assert_eq!(report.remediation.outcome().as_str(), "stopped");
    let (report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "training/create-compliant.json",
                "churn-xgb-secure",
                &good,
            )?)
            .await?,
    )?;
    assert_eq!(report.violations().count(), 0, "{:?}", report.results);

    assert_eq!(emu.training_status(&bad).await?, "Stopped");
    assert_eq!(emu.training_status(&good).await?, "InProgress");
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(delivered.len(), 1);
    assert_eq!(
        delivered[0].attribute("resource_type"),
        Some("training-job")
    );
    let controls = controls_attribute(&delivered[0])?;
    for c in [
        "vpc-attached",
        "volume-kms",
        "output-kms",
        "inter-container-encryption",
    ] {
        assert!(
            controls.iter().any(|x| x == c),
            "{c} missing from {controls:?}"
        );
    }
    Ok(())
}

/// Issue 20, case 2: a compliant training job whose remote debugging (an SSM shell into its
/// container) is switched on while it runs is stopped on the `UpdateTrainingJob` call, and
/// alerted once however often the call is delivered.
#[tokio::test]
async fn a_training_job_switched_to_remote_debugging_while_it_runs_is_stopped() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("churn-xgb-secure");
    create_training_job(&emu, &name, Posture::Compliant, None).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let event = sample_event(
        "training/update-remote-debug.json",
        "churn-xgb-secure",
        &name,
    )?;
    let (before, _) = evaluated(inspector.handle(&event).await?)?;
    assert_eq!(before.violations().count(), 0, "{:?}", before.results);

    emu.sagemaker
        .update_training_job()
        .training_job_name(&name)
        .remote_debug_config(
            aws_sdk_sagemaker::types::RemoteDebugConfigForUpdate::builder()
                .enable_remote_debug(true)
                .build(),
        )
        .send()
        .await?;
    for _ in 0..2 {
        inspector.handle(&event).await?;
    }
    assert_eq!(emu.training_status(&name).await?, "Stopped");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(controls_attribute(&delivered[0])?, ["no-ssm-access"]);
    Ok(())
}

/// Issue 20, case 9: a variant that writes its core dumps to S3 without a key (AWS then uses
/// its own S3 key) fails `output-kms`; with the customer key, it passes.
#[tokio::test]
async fn core_dumps_without_a_customer_key_fail_output_kms() -> TestResult {
    use aws_sdk_sagemaker::types::{
        ProductionVariant, ProductionVariantCoreDumpConfig, ProductionVariantInstanceType,
    };
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let mut verdicts = Vec::new();
    for key in [None, Some(KEY)] {
        let name = unique("dumps");
        create_model(&emu, &name, Posture::Compliant).await?;
        let dumps = ProductionVariantCoreDumpConfig::builder()
            .destination_s3_uri("s3://dumps/")
            .set_kms_key_id(key.map(str::to_string))
            .build();
        emu.sagemaker
            .create_endpoint_config()
            .endpoint_config_name(&name)
            .kms_key_id(KEY)
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name(&name)
                    .initial_instance_count(2)
                    .instance_type(ProductionVariantInstanceType::MlM5Large)
                    .core_dump_config(dumps)
                    .build(),
            )
            .send()
            .await?;
        emu.sagemaker
            .create_endpoint()
            .endpoint_name(&name)
            .endpoint_config_name(&name)
            .send()
            .await?;
        let event = sample_event("endpoint/state-change.json", "fraud-api", &name)?;
        let (report, _) = evaluated(inspector.handle(&event).await?)?;
        let output = result_of(&report, "output-kms")?;
        verdicts.push((output.status, output.observed.clone().unwrap_or_default()));
    }
    assert_eq!(
        verdicts[0].0,
        guardrail_core::finding::Status::Fail,
        "{verdicts:?}"
    );
    assert!(verdicts[0].1.contains("core dumps"), "{verdicts:?}");
    assert_eq!(
        verdicts[1].0,
        guardrail_core::finding::Status::Pass,
        "{verdicts:?}"
    );
    Ok(())
}

#[tokio::test]
async fn processing_jobs_are_stopped_only_when_noncompliant() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let bad = unique("feature-prep");
    let good = unique("feature-prep-secure");
    create_processing_job(&emu, &bad, Posture::NonCompliant, None).await?;
    create_processing_job(&emu, &good, Posture::Compliant, None).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;

    let (report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "processing/create-noncompliant.json",
                "feature-prep",
                &bad,
            )?)
            .await?,
    )?;
    assert_eq!(report.remediation.outcome().as_str(), "stopped");
    let (report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "processing/state-change.json",
                "feature-prep",
                &good,
            )?)
            .await?,
    )?;
    assert_eq!(report.violations().count(), 0, "{:?}", report.results);

    assert_eq!(emu.processing_status(&bad).await?, "Stopped");
    assert_eq!(emu.processing_status(&good).await?, "InProgress");
    Ok(())
}

#[tokio::test]
async fn noncompliant_endpoint_is_deleted_and_its_config_and_model_kept() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let bad = unique("fraud-api");
    let good = unique("fraud-api-secure");
    create_endpoint(&emu, &bad, Posture::NonCompliant, None).await?;
    create_endpoint(&emu, &good, Posture::Compliant, None).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;

    let (report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "endpoint/create-noncompliant.json",
                "fraud-api",
                &bad,
            )?)
            .await?,
    )?;
    assert_eq!(report.remediation.outcome().as_str(), "deleted");
    let violated: Vec<String> = report.violations().map(|v| v.control.to_string()).collect();
    assert_eq!(
        violated,
        [
            "vpc-attached",
            "volume-kms",
            "network-isolation",
            "multi-instance-variants"
        ]
    );
    let (report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "endpoint/create-compliant.json",
                "fraud-api-secure",
                &good,
            )?)
            .await?,
    )?;
    assert_eq!(report.violations().count(), 0, "{:?}", report.results);

    assert_eq!(emu.endpoint_status(&bad).await?, None);
    assert_eq!(
        emu.endpoint_status(&good).await?.as_deref(),
        Some("InService")
    );
    emu.sagemaker
        .describe_endpoint_config()
        .endpoint_config_name(&bad)
        .send()
        .await?;
    emu.sagemaker
        .describe_model()
        .model_name(&bad)
        .send()
        .await?;
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].attribute("action"), Some("deleted"));
    Ok(())
}

#[tokio::test]
async fn endpoint_being_created_is_deferred_and_remediation_none_keeps_it() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let creating = unique("fraud-api");
    let serving = unique("fraud-api");
    create_endpoint(&emu, &creating, Posture::NonCompliant, Some("Creating")).await?;
    create_endpoint(&emu, &serving, Posture::NonCompliant, None).await?;

    let (report, _) = evaluated(
        inspector(&emu, &alerts.topic_arn, Policy::baseline())?
            .handle(&sample_event(
                "endpoint/create-noncompliant.json",
                "fraud-api",
                &creating,
            )?)
            .await?,
    )?;
    assert_eq!(report.remediation.outcome().as_str(), "deferred");
    assert_eq!(
        emu.endpoint_status(&creating).await?.as_deref(),
        Some("Creating")
    );

    let keep = Policy::from_toml("[remediation]\nendpoint = \"none\"\n", "test")?;
    let (report, _) = evaluated(
        inspector(&emu, &alerts.topic_arn, keep)?
            .handle(&sample_event(
                "endpoint/state-change.json",
                "fraud-api",
                &serving,
            )?)
            .await?,
    )?;
    assert_eq!(report.remediation.outcome().as_str(), "disabled");
    assert_eq!(
        emu.endpoint_status(&serving).await?.as_deref(),
        Some("InService")
    );
    Ok(())
}

#[tokio::test]
async fn audit_mode_reports_without_stopping() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let mut policy = Policy::baseline();
    policy.force_audit();
    let event = sample_event("notebook/create-noncompliant.json", "open-nb", &name)?;
    let (report, _) = evaluated(
        inspector(&emu, &alerts.topic_arn, policy)?
            .handle(&event)
            .await?,
    )?;
    assert_eq!(report.remediation.outcome().as_str(), "audit");
    assert_eq!(emu.notebook_status(&name).await?, "InService");
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].attribute("action"), Some("audit"));
    assert!(
        delivered[0].subject.contains("would be stopped (audit)"),
        "{}",
        delivered[0].subject
    );
    Ok(())
}

#[tokio::test]
async fn failed_calls_malformed_events_and_vanished_resources_touch_nothing() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;

    let failed = sample_event(
        "notebook/create-failed.json",
        "denied-nb",
        &unique("denied-nb"),
    )?;
    assert!(matches!(
        inspector.handle(&failed).await?,
        Outcome::Ignored { .. }
    ));

    let malformed = sample_event("malformed/wrong-types.json", "unused", "unused")?;
    match inspector.handle(&malformed).await? {
        Outcome::Rejected { error, event_id } => {
            assert!(
                error.contains("trainingJobName should be a string"),
                "{error}"
            );
            assert_eq!(event_id.as_deref(), malformed["id"].as_str());
        }
        other => return Err(format!("expected a rejection, got {other:?}").into()),
    }

    let never_created = sample_event(
        "training/create-noncompliant.json",
        "churn-xgb",
        &unique("churn-xgb"),
    )?;
    assert!(matches!(
        inspector.handle(&never_created).await?,
        Outcome::Gone { .. }
    ));
    let vanished_endpoint =
        sample_event("endpoint/update.json", "fraud-api", &unique("fraud-api"))?;
    assert!(matches!(
        inspector.handle(&vanished_endpoint).await?,
        Outcome::Gone { .. }
    ));

    assert_eq!(alerts.receive(0, Duration::ZERO).await?.len(), 0);
    Ok(())
}

#[tokio::test]
async fn an_alert_that_cannot_be_published_fails_the_invocation_and_goes_out_on_retry() -> TestResult
{
    // Given a noncompliant notebook and a topic that does not exist
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let event = sample_event("notebook/create-noncompliant.json", "open-nb", &name)?;
    let missing_topic = format!("{}-missing", alerts.topic_arn);

    // When the alert cannot be published, Then the handler returns an error (Lambda retries)
    let store = SqliteStore::in_memory()?;
    match with_store(&emu, &missing_topic, Policy::baseline(), store.clone())?
        .handle(&event)
        .await
    {
        Err(InspectError::Alert { source, .. }) => assert_eq!(source.operation, "Publish"),
        other => return Err(format!("expected an alert error, got {other:?}").into()),
    }
    assert_eq!(emu.notebook_status(&name).await?, "Stopped");

    // And the retry (same deployment, same store) delivers the alert, once
    let retry = with_store(&emu, &alerts.topic_arn, Policy::baseline(), store)?;
    let (_, message_id) = evaluated(retry.handle(&event).await?)?;
    assert!(message_id.is_some());
    let (_, again) = evaluated(retry.handle(&event).await?)?;
    assert_eq!(again, None, "a further delivery sends nothing new");
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].attribute("action"), Some("already-inactive"));
    Ok(())
}

#[tokio::test]
async fn vpc_allow_list_is_checked_against_the_subnets_real_vpc() -> TestResult {
    // Given two VPCs with a subnet each, and a policy allowing only the first VPC
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let (allowed_vpc, allowed_subnet) = create_vpc_with_subnet(&emu, "10.10.0.0/16").await?;
    let (_, other_subnet) = create_vpc_with_subnet(&emu, "10.20.0.0/16").await?;
    let policy = Policy::from_toml(
        &format!("[controls.vpc-attached]\nallowed_vpcs = [\"{allowed_vpc}\"]\n"),
        "test",
    )?;
    let inside = unique("churn-xgb-secure");
    let outside = unique("churn-xgb-secure");
    create_training_job_in(&emu, &inside, &allowed_subnet).await?;
    create_training_job_in(&emu, &outside, &other_subnet).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, policy)?;

    // When their create events arrive
    let (inside_report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "training/create-compliant.json",
                "churn-xgb-secure",
                &inside,
            )?)
            .await?,
    )?;
    let (outside_report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "training/create-compliant.json",
                "churn-xgb-secure",
                &outside,
            )?)
            .await?,
    )?;

    // Then only the job in the other VPC fails vpc-attached and is stopped
    assert_eq!(
        inside_report.violations().count(),
        0,
        "{:?}",
        inside_report.results
    );
    let failed: Vec<_> = outside_report.violations().collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0]
            .expected
            .as_deref()
            .is_some_and(|e| e.contains("not allowed")),
        "{failed:?}"
    );
    assert_eq!(emu.training_status(&inside).await?, "InProgress");
    assert_eq!(emu.training_status(&outside).await?, "Stopped");
    Ok(())
}

#[tokio::test]
async fn an_exemption_resolves_the_finding_with_one_resolution_alert() -> TestResult {
    // Given a noncompliant notebook reported in audit mode
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let store = SqliteStore::in_memory()?;
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
    let mut audit = Policy::baseline();
    audit.force_audit();
    with_store(&emu, &alerts.topic_arn, audit, store.clone())?
        .handle(&event)
        .await?;

    // When the security team grants an exemption and the notebook is evaluated again (twice)
    let exempt = Policy::from_toml(
        &format!(
            "[[exemptions]]\nresource = \"arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/{name}\"\ncontrols = [{}]\nreason = \"SEC-1\"\nexpires = {}\n",
            guardrail_core::controls::ControlId::all()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(", "),
            time::OffsetDateTime::now_utc().date() + time::Duration::days(30)
        ),
        "test",
    )?;
    let inspector = with_store(&emu, &alerts.topic_arn, exempt, store)?;
    inspector.handle(&event).await?;
    inspector.handle(&event).await?;

    // Then the team got the audit alert and exactly one resolution
    let delivered = alerts.receive(2, WAIT).await?;
    let actions: Vec<_> = delivered
        .iter()
        .map(|d| d.attribute("action").unwrap_or_default().to_string())
        .collect();
    assert_eq!(actions, ["audit", "resolved"]);
    let resolved = &delivered[1];
    assert!(
        resolved
            .subject
            .starts_with("[RESOLVED] SageMaker notebook instance"),
        "{}",
        resolved.subject
    );
    assert_eq!(resolved.attribute("severity"), Some("informational"));
    assert!(controls_attribute(resolved)?.contains(&"vpc-attached".to_string()));
    Ok(())
}

#[tokio::test]
async fn dynamodb_store_passes_the_store_contract() -> TestResult {
    let emu = Emulator::connect().await?;
    guardrail_core::store::contract::run_all(|| async {
        let table = unique("findings");
        dynamodb_table::create_table(&emu.dynamodb, &table).await?;
        Ok(DynamoStore::new(emu.dynamodb.clone(), table))
    })
    .await?;
    // (and it records compliant evaluations together: issue 22)
    let table = unique("findings");
    dynamodb_table::create_table(&emu.dynamodb, &table).await?;
    let store = DynamoStore::new(emu.dynamodb.clone(), table);
    assert!(guardrail_core::store::contract::quiet_records(&store).await?);
    // (and leaves an unchanged resource's states as its last quiet record wrote them)
    let table = unique("findings");
    dynamodb_table::create_table(&emu.dynamodb, &table).await?;
    let store = DynamoStore::new(emu.dynamodb.clone(), table);
    assert!(guardrail_core::store::contract::unchanged_quiet_records(&store).await?);
    Ok(())
}

/// Observations (one item per evaluation) expire with the table's TTL: `expires_at` (epoch
/// seconds) is the retention ahead, 400 days unless configured; findings carry none.
#[tokio::test]
async fn observations_expire_after_the_retention_and_findings_do_not() -> TestResult {
    use guardrail_core::store::{Evaluation, FindingStore};
    let emu = Emulator::connect().await?;
    for (retention, store_days) in [(None, 400), (Some(30), 30)] {
        let table = unique("findings");
        dynamodb_table::create_table(&emu.dynamodb, &table).await?;
        let store = DynamoStore::new(emu.dynamodb.clone(), &table);
        let store = match retention {
            Some(days) => store.with_retention(days),
            None => store,
        };
        let arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/ttl";
        let (findings, observations) =
            guardrail_core::store::contract::sample(arn, "2026-11-01T10:00:00Z");
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        store
            .record(&Evaluation::of(&findings, &observations))
            .await?;
        let items = emu.dynamodb.scan().table_name(&table).send().await?;
        let (mut observed, mut states) = (0, 0);
        for item in items.items() {
            let sk = item
                .get("sk")
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default();
            let expires = item.get(guardrail_aws::dynamodb::TTL_ATTRIBUTE);
            if sk.starts_with("OBS#") {
                observed += 1;
                let at: i64 = expires
                    .and_then(|v| v.as_n().ok())
                    .ok_or("no expires_at")?
                    .parse()?;
                let ahead = at - now;
                let want = i64::from(store_days) * 86_400;
                assert!(
                    (want - 5..=want + 60).contains(&ahead),
                    "{ahead} s ahead, want {want}"
                );
            } else if sk == "STATE" {
                states += 1;
                assert!(expires.is_none(), "a finding never expires");
            }
        }
        // All the controls' observations of one evaluation are one item.
        assert_eq!((observed, states), (1, findings.len()));
    }
    Ok(())
}

/// Issue 10: a listing without an account or control filter reads the by-time index (no scan);
/// findings written before it existed join it with `reindex`, once.
#[tokio::test]
async fn unfiltered_listings_read_the_time_index_and_reindex_adds_older_findings() -> TestResult {
    use aws_sdk_dynamodb::types::AttributeValue;
    use guardrail_core::store::{Evaluation, FindingStore, Query};
    let emu = Emulator::connect().await?;
    let table = unique("findings");
    dynamodb_table::create_table(&emu.dynamodb, &table).await?;
    let store = DynamoStore::new(emu.dynamodb.clone(), &table);
    let mut ids = Vec::new();
    for (name, time) in [("a", "2026-11-01T10:00:00Z"), ("b", "2026-11-02T10:00:00Z")] {
        let arn = format!("arn:aws:sagemaker:us-east-1:123456789012:training-job/{name}");
        let (findings, observations) = guardrail_core::store::contract::sample(&arn, time);
        store
            .record(&Evaluation::of(&findings, &observations))
            .await?;
        ids.extend(findings.into_iter().map(|f| f.id));
    }
    let all = Query {
        limit: 100,
        ..Query::default()
    };
    let listed = |page: guardrail_core::store::Page| page.findings.len();
    assert_eq!(listed(store.list(&all).await?), ids.len());
    // A finding as written before the index: without its shard.
    let old = ids.first().ok_or("no finding")?;
    emu.dynamodb
        .update_item()
        .table_name(&table)
        .key("pk", AttributeValue::S(format!("FINDING#{old}")))
        .key("sk", AttributeValue::S("STATE".into()))
        .update_expression("REMOVE gsi3pk")
        .send()
        .await?;
    assert_eq!(listed(store.list(&all).await?), ids.len() - 1);
    assert_eq!(dynamodb_table::reindex(&emu.dynamodb, &table).await?, 1);
    assert_eq!(listed(store.list(&all).await?), ids.len());
    assert_eq!(
        dynamodb_table::reindex(&emu.dynamodb, &table).await?,
        0,
        "once"
    );
    Ok(())
}

#[tokio::test]
async fn a_missing_table_is_a_clear_error() -> TestResult {
    let emu = Emulator::connect().await?;
    let store = DynamoStore::new(emu.dynamodb.clone(), "no-such-table");
    let err = guardrail_core::store::FindingStore::get(&store, "x")
        .await
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .is_some_and(|e| e.contains("table no-such-table does not exist")),
        "{err:?}"
    );
    Ok(())
}

#[tokio::test]
async fn security_hub_receives_every_finding_of_an_evaluation_as_asff() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let hub = aws_sdk_securityhub::Client::new(&guardrail_aws::load_config().await);
    let inspector = Inspector::new(
        SageMaker::new(emu.sagemaker.clone()),
        Ec2Subnets::new(emu.ec2.clone()),
        SnsPublisher::new(emu.sns.clone(), &alerts.topic_arn),
        SqliteStore::in_memory()?,
        Some(SecurityHub::new(hub.clone())),
        CloudTrail::new(emu.cloudtrail.clone()),
        Policy::baseline(),
    );
    let (report, _) = evaluated(
        inspector
            .handle(&sample_event(
                "notebook/state-change.json",
                "open-nb",
                &name,
            )?)
            .await?,
    )?;

    let imported = security_hub_findings(hub, &report.resource.arn)?;
    assert_eq!(imported.len(), report.results.len());
    let vpc = imported
        .iter()
        .find(|f| f.generator_id() == Some("sagemaker-guardrails/vpc-attached"))
        .ok_or("vpc-attached finding not imported")?;
    assert_eq!(
        vpc.compliance()
            .and_then(|c| c.status())
            .map(|s| s.as_str()),
        Some("FAILED")
    );
    assert_eq!(
        vpc.resources().first().and_then(|r| r.r#type()),
        Some("AwsSageMakerNotebookInstance")
    );
    Ok(())
}

/// Issue 19, case 11: a state change is attributed to whoever last created or changed the
/// resource, not to its creator: Bob created the notebook, Alice started it again.
#[tokio::test]
async fn a_state_change_is_attributed_to_the_latest_call_that_changed_the_resource() -> TestResult {
    // Given a notebook without a VPC created by one caller, stopped, then started by another
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("restarted-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    emu.sagemaker
        .stop_notebook_instance()
        .notebook_instance_name(&name)
        .send()
        .await?;
    let alice = aws_sdk_sagemaker::Client::new(&config_signed_as("ALICE").await);
    alice
        .start_notebook_instance()
        .notebook_instance_name(&name)
        .send()
        .await?;
    let inspector = with_store(
        &emu,
        &alerts.topic_arn,
        Policy::baseline(),
        SqliteStore::in_memory()?,
    )?;

    // When its state change (which names no caller) is handled
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
    let (report, _) = evaluated(inspector.handle(&event).await?)?;

    // Then the finding names Alice, who started it, not its creator
    let actor = report.actor.as_ref().and_then(|a| a.arn.as_deref());
    assert_eq!(actor, Some("arn:aws:iam::123456789012:user/ALICE"));
    Ok(())
}

#[tokio::test]
async fn state_changes_are_attributed_and_remediation_has_cloudtrail_evidence() -> TestResult {
    // Given a noncompliant notebook created through the API (recorded by CloudTrail)
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    let store = SqliteStore::in_memory()?;
    let inspector = with_store(&emu, &alerts.topic_arn, Policy::baseline(), store.clone())?;

    // When its state-change event (which names no caller) is handled
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
    let (report, _) = evaluated(inspector.handle(&event).await?)?;

    // Then the creator comes from CloudTrail
    let creator = report.actor.as_ref().and_then(|a| a.arn.as_deref());
    assert_eq!(creator, Some("arn:aws:iam::123456789012:user/testing"));
    let delivered = alerts.receive(1, WAIT).await?;
    assert_eq!(
        delivered[0].finding["actor"]["arn"],
        "arn:aws:iam::123456789012:user/testing"
    );

    // And CloudTrail holds the record of the guardrail's StopNotebookInstance call
    let id = guardrail_core::findings::finding_id(&report.resource.arn, "vpc-attached");
    let trail = CloudTrail::new(emu.cloudtrail.clone());
    let found = guardrail_core::evidence::evidence(&store, &trail, &id).await?;
    assert_eq!(found.action, "StopNotebookInstance");
    assert_eq!(found.records.len(), 1, "{:?}", found.records);
    let record = &found.records[0];
    assert_eq!(record.event_name, "StopNotebookInstance");
    assert!(
        record.request_id.is_some() && record.caller_arn.is_some(),
        "{record:?}"
    );

    // A finding the guardrail did not act on has no evidence to show
    let passing = guardrail_core::findings::finding_id(&report.resource.arn, "output-kms");
    let none = guardrail_core::evidence::evidence(&store, &trail, &passing).await;
    assert!(
        matches!(
            none,
            Err(guardrail_core::evidence::EvidenceError::NoRemediation(_))
        ),
        "{none:?}"
    );
    Ok(())
}

/// The emulator gaps this project closes in `tests/emulator/server.py` (see its README): if the
/// tests ever run against plain moto, this says so first.
#[tokio::test]
async fn emulator_extension_is_in_place() -> TestResult {
    let emu = Emulator::connect().await?;
    let training = unique("gap-train");
    create_training_job(&emu, &training, Posture::Compliant, None).await?;
    assert_eq!(
        emu.training_status(&training).await?,
        "InProgress",
        "jobs must start InProgress"
    );
    emu.sagemaker
        .stop_training_job()
        .training_job_name(&training)
        .send()
        .await?;
    assert_eq!(emu.training_status(&training).await?, "Stopped");
    let again = emu
        .sagemaker
        .stop_training_job()
        .training_job_name(&training)
        .send()
        .await;
    let code = again
        .err()
        .map(|e| e.into_service_error())
        .and_then(|e| aws_sdk_sagemaker::error::ProvideErrorMetadata::code(&e).map(str::to_string));
    assert_eq!(
        code.as_deref(),
        Some("ValidationException"),
        "stopping a stopped job must be refused"
    );

    let endpoint = unique("gap-endpoint");
    create_endpoint(&emu, &endpoint, Posture::Compliant, None).await?;
    let model = emu
        .sagemaker
        .describe_model()
        .model_name(&endpoint)
        .send()
        .await?;
    assert_eq!(model.enable_network_isolation(), Some(true));

    let processing = unique("gap-processing");
    create_processing_job(&emu, &processing, Posture::Compliant, None).await?;
    let job = emu
        .sagemaker
        .describe_processing_job()
        .processing_job_name(&processing)
        .send()
        .await?;
    let key = job
        .processing_resources()
        .and_then(|r| r.cluster_config())
        .and_then(|c| c.volume_kms_key_id());
    assert_eq!(key, Some(KEY));

    let notebook = unique("gap-nb");
    create_notebook(&emu, &notebook, Posture::Compliant, None).await?;
    emu.sagemaker
        .stop_notebook_instance()
        .notebook_instance_name(&notebook)
        .send()
        .await?;
    let again = SageMaker::new(emu.sagemaker.clone())
        .remediate(
            &ResourceId {
                kind: guardrail_core::resource::ResourceKind::NotebookInstance,
                name: notebook.clone(),
                account: ACCOUNT.into(),
                region: REGION.into(),
            },
            &Action::Stop(ResourceKind::NotebookInstance),
        )
        .await;
    assert!(
        again.as_ref().is_err_and(AwsError::is_validation),
        "{again:?}"
    );
    Ok(())
}

/// A notebook otherwise compliant, with the given IMDS version and lifecycle configuration.
async fn create_notebook_with(
    emu: &Emulator,
    name: &str,
    imds_version: &str,
    lifecycle_config: Option<&str>,
) -> TestResult {
    use aws_sdk_sagemaker::types::{
        DirectInternetAccess, InstanceMetadataServiceConfiguration, InstanceType, RootAccess, Tag,
    };
    emu.sagemaker
        .create_notebook_instance()
        .notebook_instance_name(name)
        .instance_type(InstanceType::MlT3Medium)
        .role_arn(ROLE)
        .subnet_id(SUBNET)
        .security_group_ids(GROUP)
        .kms_key_id(KEY)
        .direct_internet_access(DirectInternetAccess::Disabled)
        .root_access(RootAccess::Disabled)
        .instance_metadata_service_configuration(
            InstanceMetadataServiceConfiguration::builder()
                .minimum_instance_metadata_service_version(imds_version)
                .build(),
        )
        .set_lifecycle_config_name(lifecycle_config.map(str::to_string))
        .tags(Tag::builder().key("owner").value("alice").build())
        .send()
        .await?;
    Ok(())
}

#[tokio::test]
async fn a_notebook_on_imdsv1_or_an_unlisted_lifecycle_config_is_stopped_and_named() -> TestResult {
    // Given a policy allowing one lifecycle configuration
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let policy = Policy::from_toml(
        "[controls.lifecycle-configs]\nallowed = [\"idle-shutdown\"]\n",
        "test",
    )?;
    let inspector = inspector(&emu, &alerts.topic_arn, policy)?;
    // And three notebooks: IMDSv2 with the allowed configuration, IMDSv1, and IMDSv2 with
    // another configuration
    let (good, v1, tools) = (unique("nb-ok"), unique("nb-v1"), unique("nb-tools"));
    // (the configurations exist, as CreateNotebookInstance requires)
    for lcc in ["idle-shutdown", "install-tools"] {
        let hook = aws_sdk_sagemaker::types::NotebookInstanceLifecycleHook::builder()
            .content("ZWNobyBvaw==")
            .build();
        let created = emu
            .sagemaker
            .create_notebook_instance_lifecycle_config()
            .notebook_instance_lifecycle_config_name(lcc)
            .on_start(hook)
            .send()
            .await;
        // (another test may have created it)
        if let Err(e) = created {
            let e = e.into_service_error();
            let message = aws_sdk_sagemaker::error::ProvideErrorMetadata::message(&e);
            if !message.unwrap_or_default().contains("already exists") {
                return Err(e.into());
            }
        }
    }
    create_notebook_with(&emu, &good, "2", Some("idle-shutdown")).await?;
    create_notebook_with(&emu, &v1, "1", None).await?;
    create_notebook_with(&emu, &tools, "2", Some("install-tools")).await?;
    for (name, violated) in [
        (&good, Vec::<&str>::new()),
        (&v1, vec!["imds-v2"]),
        (&tools, vec!["lifecycle-configs"]),
    ] {
        // When each one's create call is handled
        let event = sample_event("notebook/create-compliant.json", "secure-nb", name)?;
        let (report, _) = evaluated(inspector.handle(&event).await?)?;
        // Then only the failing ones are stopped, each for its own control
        let got: Vec<String> = report.violations().map(|v| v.control.to_string()).collect();
        assert_eq!(got, violated, "{name}");
        let status = emu.notebook_status(name).await?;
        let want = if violated.is_empty() {
            "InService"
        } else {
            "Stopped"
        };
        assert_eq!(status, want, "{name}");
    }
    let delivered = alerts.receive(2, WAIT).await?;
    let mut named: Vec<Vec<String>> = delivered
        .iter()
        .map(controls_attribute)
        .collect::<TestResult<_>>()?;
    named.sort();
    assert_eq!(named, [["imds-v2"], ["lifecycle-configs"]]);
    Ok(())
}

#[tokio::test]
async fn an_endpoint_with_ssm_access_or_an_unencrypted_async_output_is_deleted() -> TestResult {
    use aws_sdk_sagemaker::types::{
        AsyncInferenceConfig, AsyncInferenceOutputConfig, ProductionVariant,
        ProductionVariantInstanceType,
    };
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let (ssm, asynchronous) = (unique("fraud-api-ssm"), unique("fraud-api-async"));
    for (name, ssm_access, async_key) in [(&ssm, true, Some(KEY)), (&asynchronous, false, None)] {
        // Given an endpoint whose configuration differs from a compliant one in one setting
        create_model(&emu, name, Posture::Compliant).await?;
        let mut output = AsyncInferenceOutputConfig::builder().s3_output_path("s3://async/");
        if let Some(key) = async_key {
            output = output.kms_key_id(key);
        }
        emu.sagemaker
            .create_endpoint_config()
            .endpoint_config_name(name)
            .kms_key_id(KEY)
            .production_variants(
                ProductionVariant::builder()
                    .variant_name("AllTraffic")
                    .model_name(name)
                    .initial_instance_count(2)
                    .instance_type(ProductionVariantInstanceType::MlM5Large)
                    .enable_ssm_access(ssm_access)
                    .build(),
            )
            .async_inference_config(
                AsyncInferenceConfig::builder()
                    .output_config(output.build())
                    .build(),
            )
            .send()
            .await?;
        emu.sagemaker
            .create_endpoint()
            .endpoint_name(name)
            .endpoint_config_name(name)
            .tags(
                aws_sdk_sagemaker::types::Tag::builder()
                    .key("owner")
                    .value("alice")
                    .build(),
            )
            .send()
            .await?;
    }
    for (name, control) in [(&ssm, "no-ssm-access"), (&asynchronous, "output-kms")] {
        // When its state change is handled
        let event = sample_event("endpoint/state-change.json", "fraud-api", name)?;
        let (report, _) = evaluated(inspector.handle(&event).await?)?;
        // Then it fails that control alone, and is deleted
        let got: Vec<String> = report.violations().map(|v| v.control.to_string()).collect();
        assert_eq!(got, [control], "{name}: {:?}", report.results);
        assert_eq!(report.remediation.outcome().as_str(), "deleted", "{name}");
        assert_eq!(emu.endpoint_status(name).await?, None, "{name}");
    }
    Ok(())
}

#[tokio::test]
async fn a_monitoring_schedule_is_judged_on_its_job_definition_and_stopped() -> TestResult {
    // Given schedules running a compliant definition, a non-compliant one, and one deleted
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let (good_def, bad_def, gone_def) = (unique("dq-ok"), unique("dq-open"), unique("dq-gone"));
    create_monitoring_definition(&emu, &good_def, Posture::Compliant).await?;
    create_monitoring_definition(&emu, &bad_def, Posture::NonCompliant).await?;
    create_monitoring_definition(&emu, &gone_def, Posture::Compliant).await?;
    let (good, bad, orphan) = (unique("mon-ok"), unique("mon-open"), unique("mon-orphan"));
    create_monitoring_schedule(&emu, &good, &good_def, None).await?;
    create_monitoring_schedule(&emu, &bad, &bad_def, None).await?;
    create_monitoring_schedule(&emu, &orphan, &gone_def, None).await?;
    emu.sagemaker
        .delete_data_quality_job_definition()
        .job_definition_name(&gone_def)
        .send()
        .await?;
    for (name, violated, status) in [
        (&good, vec![], "Scheduled"),
        (
            &bad,
            vec![
                "vpc-attached",
                "volume-kms",
                "output-kms",
                "inter-container-encryption",
                "network-isolation",
            ],
            "Stopped",
        ),
        (
            &orphan,
            // (a deleted definition fails every control its settings are held in)
            vec![
                "vpc-attached",
                "volume-kms",
                "output-kms",
                "inter-container-encryption",
                "network-isolation",
                "no-plaintext-secrets",
            ],
            "Stopped",
        ),
    ] {
        // When its state change is handled
        let event = sample_event("monitoring/state-change.json", "fraud-api-quality", name)?;
        let (report, _) = evaluated(inspector.handle(&event).await?)?;
        // Then it is judged on the definition it runs (a deleted one fails closed), and stopped
        let got: Vec<String> = report.violations().map(|v| v.control.to_string()).collect();
        assert_eq!(got, violated, "{name}");
        assert_eq!(emu.monitoring_status(name).await?, status, "{name}");
    }
    assert_eq!(alerts.receive(2, WAIT).await?.len(), 2);
    Ok(())
}
