//! Issue 8, "enforcement people can trust", end to end over the real SDK against the emulator:
//! no false stop (A1, A3), no evasion by deleting what a workload depends on (B5, B6) or by
//! updating an endpoint (B7). Each test failed before the change it covers.

use std::time::Duration;

use aws_sdk_sagemaker::types::{
    HyperParameterTuningInstanceConfig, HyperParameterTuningResourceConfig, ResourceConfig,
    TrainingInstanceType,
};
use guardrail_aws::{
    CloudTrail, Ec2Subnets, KmsKeys, SageMaker, SecurityHub, SnsPublisher, SqsFailureQueue,
};
use guardrail_core::finding::Status;
use guardrail_core::remediation::{Action, Plan};
use guardrail_core::report::Report;
use guardrail_core::store::FindingStore;
use guardrail_core::{ErrorType, Inspector, Outcome, Policy};
use guardrail_sqlite::SqliteStore;
use guardrail_tests::*;

const WAIT: Duration = Duration::from_secs(10);

fn inspector(emu: &Emulator, topic: &str) -> TestResult<EmulatorInspector> {
    with_store(emu, topic, Policy::baseline(), SqliteStore::in_memory()?)
}

fn evaluated(outcome: Outcome) -> TestResult<Report> {
    match outcome {
        Outcome::Evaluated { report, .. } => Ok(*report),
        other => Err(format!("expected an evaluation, got {other:?}").into()),
    }
}

fn status_of(report: &Report, control: &str) -> TestResult<(Status, String)> {
    let r = result_of(report, control)?;
    let detail = r
        .observed
        .clone()
        .or_else(|| r.reason.clone())
        .unwrap_or_default();
    Ok((r.status, detail))
}

/// A1: a GPU training job on local NVMe storage cannot take a volume key: it is not stopped,
/// and nobody is alerted; the same job on an EBS instance type without a key still is.
#[tokio::test]
async fn gpu_training_job_on_local_storage_is_not_stopped_for_its_volume_key() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let on = |instance_type: TrainingInstanceType| {
        ResourceConfig::builder()
            .instance_type(instance_type)
            .instance_count(2)
            .volume_size_in_gb(50)
            .build()
    };
    let gpu = unique("llm-finetune");
    let cpu = unique("llm-finetune-cpu");
    create_training_job_on(&emu, &gpu, on(TrainingInstanceType::MlP4D24Xlarge)).await?;
    create_training_job_on(&emu, &cpu, on(TrainingInstanceType::MlM5Xlarge)).await?;

    let report = evaluated(
        inspector
            .handle(&sample_event(
                "training/create-compliant.json",
                "churn-xgb-secure",
                &gpu,
            )?)
            .await?,
    )?;
    let (status, reason) = status_of(&report, "volume-kms")?;
    assert_eq!(status, Status::NotApplicable, "{reason}");
    assert!(reason.contains("local NVMe"), "{reason}");
    assert_eq!(report.remediation.outcome().as_str(), "none");
    assert_eq!(emu.training_status(&gpu).await?, "InProgress");

    let report = evaluated(
        inspector
            .handle(&sample_event(
                "training/create-compliant.json",
                "churn-xgb-secure",
                &cpu,
            )?)
            .await?,
    )?;
    assert_eq!(status_of(&report, "volume-kms")?.0, Status::Fail);
    assert_eq!(report.remediation.outcome().as_str(), "stopped");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "only the EBS job is alerted");
    Ok(())
}

/// A3: a tuning job that names its instances and volume key in
/// `HyperParameterTuningResourceConfig` is judged on that, not on an absent `ResourceConfig`.
#[tokio::test]
async fn tuning_job_is_judged_on_its_tuning_resource_config() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let name = unique("hpo-flex");
    let config = |instance_type| {
        HyperParameterTuningInstanceConfig::builder()
            .instance_type(instance_type)
            .instance_count(2)
            .volume_size_in_gb(30)
            .build()
    };
    create_tuning_job_on(
        &emu,
        &name,
        HyperParameterTuningResourceConfig::builder()
            .volume_kms_key_id(KEY)
            .instance_configs(config(TrainingInstanceType::MlM5Xlarge))
            .instance_configs(config(TrainingInstanceType::MlC5Xlarge))
            .build(),
    )
    .await?;

    let report = evaluated(
        inspector
            .handle(&sample_event(
                "tuning/create-compliant.json",
                "churn-hpo-secure",
                &name,
            )?)
            .await?,
    )?;
    assert_eq!(status_of(&report, "volume-kms")?.0, Status::Pass);
    assert_eq!(
        report.remediation.outcome().as_str(),
        "none",
        "{:?}",
        report.results
    );
    assert_eq!(emu.tuning_status(&name).await?, "InProgress");
    Ok(())
}

/// Issue 19, case 1: a running endpoint laundered by re-creating what it runs under the same
/// name. AWS lets a model (or an endpoint configuration) be deleted while an endpoint serves it,
/// and the endpoint keeps serving what it deployed; a compliant copy created afterwards under the
/// same name must not make the endpoint pass: it fails closed, and is deleted.
#[tokio::test]
async fn an_endpoint_whose_model_was_created_again_after_it_deployed_fails_closed() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    // Given an endpoint serving a model without a VPC (deployed before enforcement), whose model
    // is then deleted and created again, compliant, under the same name
    let name = unique("laundered");
    launder_endpoint(&emu, &name).await?;
    let report = evaluated(
        inspector
            .handle(&sample_event(
                "endpoint/create-compliant.json",
                "fraud-api-secure",
                &name,
            )?)
            .await?,
    )?;
    // Then the copy proves nothing: the endpoint fails closed and is deleted
    let (status, observed) = status_of(&report, "vpc-attached")?;
    assert_eq!(status, Status::Fail, "{observed}");
    assert!(
        observed.contains(&format!("model {name} was created at")),
        "{observed}"
    );
    assert_eq!(report.remediation.outcome().as_str(), "deleted");
    assert_eq!(emu.endpoint_status(&name).await?, None);
    Ok(())
}

/// B5, B6: deleting the model or the configuration behind a running endpoint (AWS allows both)
/// neither makes it unverifiable and so left alone, nor "gone": the controls that need what was
/// deleted fail ("cannot verify: ... deleted"), the endpoint is deleted in enforce mode, and the
/// alert says so.
#[tokio::test]
async fn endpoint_whose_model_or_config_was_deleted_fails_closed() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    for (deleted, control) in [
        ("model", "vpc-attached"),
        ("endpoint configuration", "volume-kms"),
    ] {
        // Given a compliant endpoint, and then what it runs on deleted
        let name = unique("fraud-api");
        create_endpoint(&emu, &name, Posture::Compliant, None).await?;
        if deleted == "model" {
            emu.sagemaker
                .delete_model()
                .model_name(&name)
                .send()
                .await?;
        } else {
            emu.sagemaker
                .delete_endpoint_config()
                .endpoint_config_name(&name)
                .send()
                .await?;
        }
        // When its event is handled
        let report = evaluated(
            inspector
                .handle(&sample_event(
                    "endpoint/create-compliant.json",
                    "fraud-api-secure",
                    &name,
                )?)
                .await?,
        )?;
        // Then it fails closed and is deleted, with one alert
        let (status, observed) = status_of(&report, control)?;
        assert_eq!(status, Status::Fail, "{deleted}");
        assert!(
            observed.contains(&format!("cannot verify: {deleted}")),
            "{deleted}: {observed}"
        );
        assert_eq!(
            report.remediation.outcome().as_str(),
            "deleted",
            "{deleted}"
        );
        assert_eq!(emu.endpoint_status(&name).await?, None, "{deleted}");
        let delivered = alerts.receive(1, WAIT).await?;
        assert_eq!(delivered.len(), 1, "{deleted}");
        assert_eq!(
            delivered[0].attribute("action"),
            Some("deleted"),
            "{deleted}"
        );
    }
    Ok(())
}

/// B7: while an update is pending, the configuration being deployed is judged, not the old one.
#[tokio::test]
async fn endpoint_update_is_judged_on_the_configuration_being_deployed() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let name = unique("fraud-api");
    create_endpoint(&emu, &name, Posture::Compliant, None).await?;
    // Given a new configuration without a volume key, on the same (compliant) model
    let open = create_open_config(&emu, &name).await?;
    // When the endpoint is updated to it
    update_endpoint_to(&emu, &name, &open).await?;
    let report = evaluated(
        inspector
            .handle(&sample_event("endpoint/update.json", "fraud-api", &name)?)
            .await?,
    )?;
    // Then the pending configuration fails, and the endpoint, updating, is not touched yet
    assert_eq!(status_of(&report, "volume-kms")?.0, Status::Fail);
    assert_eq!(report.resource.status.as_deref(), Some("Updating"));
    assert_eq!(report.remediation.outcome().as_str(), "deferred");
    assert_eq!(alerts.receive(1, WAIT).await?.len(), 1);
    Ok(())
}

/// C14: a Security Hub failure does not hold back the SNS alert. The alert goes out, the
/// invocation fails on the sink alone (so Lambda retries it), and the retry imports the findings
/// without a second alert.
#[tokio::test]
async fn a_security_hub_failure_never_suppresses_the_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, None).await?;
    // Given a Security Hub that answers every call of this test with HTTP 500
    let key = format!("AKIDSINK{}", std::process::id());
    let hub = aws_sdk_securityhub::Client::new(&config_signed_as(&key).await);
    emulator_control(
        "POST",
        "/_guardrail/faults",
        &format!(
            r#"{{"share": 1.0, "services": ["securityhub"], "kinds": ["500"], "access_key_ids": ["{key}"]}}"#
        ),
    )?;
    let inspector = Inspector::new(
        SageMaker::new(emu.sagemaker.clone()),
        Ec2Subnets::new(emu.ec2.clone()),
        SnsPublisher::new(emu.sns.clone(), &alerts.topic_arn),
        SqliteStore::in_memory()?,
        Some(SecurityHub::new(hub.clone())),
        CloudTrail::new(emu.cloudtrail.clone()),
        Policy::baseline(),
    );
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;
    // When the inspector handles the event
    let first = inspector.handle(&event).await;
    let counts = emulator_control("DELETE", "/_guardrail/faults", "")?;
    // Then the invocation fails on the sink, but the alert is delivered and the notebook stopped
    match first {
        Err(guardrail_core::InspectError::Sink { .. }) => {}
        other => return Err(format!("expected a sink failure, got {other:?}").into()),
    }
    assert!(counts.contains("securityhub"), "{counts}");
    assert_eq!(alerts.receive(1, WAIT).await?.len(), 1);
    assert_eq!(emu.notebook_status(&name).await?, "Stopped");
    // And Lambda's retry imports the findings without a second alert
    let report = evaluated(inspector.handle(&event).await?)?;
    assert!(!security_hub_findings(hub, &report.resource.arn)?.is_empty());
    assert!(alerts.receive(1, Duration::from_secs(2)).await?.is_empty());
    Ok(())
}

/// The same event as delivered again later, under a new EventBridge id.
fn redelivered(mut event: serde_json::Value) -> serde_json::Value {
    event["id"] = serde_json::Value::String(unique("event"));
    event
}

fn settle_notebook(name: &str, status: &str) -> TestResult {
    emulator_control(
        "POST",
        &format!("/_guardrail/notebook-instances/{name}/settle"),
        &format!(r#"{{"status": "{status}"}}"#),
    )
    .map(drop)
}

/// A4: a notebook restarted on AWS goes Pending (stop deferred) then InService (stopped): one
/// alert per restart, and the finding records the stop.
#[tokio::test]
async fn a_deferred_stop_that_then_happens_is_one_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::NonCompliant, Some("Pending")).await?;
    let event = sample_event("notebook/state-change.json", "open-nb", &name)?;

    for restart in 0..2 {
        let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
        assert_eq!(
            report.remediation.outcome().as_str(),
            "deferred",
            "restart {restart}"
        );
        settle_notebook(&name, "InService")?;
        let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
        assert_eq!(
            report.remediation.outcome().as_str(),
            "stopped",
            "restart {restart}"
        );
        assert_eq!(emu.notebook_status(&name).await?, "Stopped");
        let control = report.violations().next().ok_or("no violation")?.control;
        let id = guardrail_core::findings::finding_id(&report.resource.arn, control.as_str());
        let (finding, _) = inspector
            .store
            .get(&id)
            .await?
            .ok_or("finding not stored")?;
        let result = finding.remediation.map(|r| r.result);
        assert_eq!(
            result.map(|r| r.as_str()),
            Some("stopped"),
            "the finding follows"
        );
        // Restarted on AWS: Pending again.
        settle_notebook(&name, "Pending")?;
    }
    let delivered = alerts.receive(3, Duration::from_secs(4)).await?;
    let actions: Vec<_> = delivered.iter().map(|d| d.attribute("action")).collect();
    assert_eq!(
        actions,
        [Some("deferred"), Some("deferred")],
        "one alert per restart"
    );
    Ok(())
}

/// A4: the training jobs a tuning job launched (`TuningJobArn`) share its problem: the tuning
/// job and its children, in any order, give one alert, which names the tuning job.
#[tokio::test]
async fn a_tuning_job_and_its_training_jobs_alert_once() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let parent = unique("hpo-open");
    create_tuning_job(&emu, &parent, Posture::NonCompliant, None).await?;
    let parent_arn = tuning_job_arn(&emu, &parent).await?;
    let children = [unique("hpo-open-001"), unique("hpo-open-002")];
    for child in &children {
        create_tuning_child(&emu, child, &parent_arn).await?;
    }
    let child_event = |name: &str| sample_event("training/state-change.json", "churn-xgb", name);

    // A child first, then the tuning job, then the other child.
    let first = evaluated(inspector.handle(&child_event(&children[0])?).await?)?;
    assert_eq!(first.resource.part_of.as_deref(), Some(parent_arn.as_str()));
    let tuning = evaluated(
        inspector
            .handle(&sample_event(
                "tuning/create-noncompliant.json",
                "churn-hpo-mixed",
                &parent,
            )?)
            .await?,
    )?;
    let second = evaluated(inspector.handle(&child_event(&children[1])?).await?)?;
    for report in [&first, &tuning, &second] {
        assert_eq!(
            report.remediation.outcome().as_str(),
            "stopped",
            "{}",
            report.resource.arn
        );
    }
    let delivered = alerts.receive(2, Duration::from_secs(4)).await?;
    assert_eq!(delivered.len(), 1, "one alert for the tuning job's problem");
    assert_eq!(
        delivered[0].finding["resource"]["part_of"].as_str(),
        Some(parent_arn.as_str())
    );
    Ok(())
}

/// C16: a malformed event is not acknowledged into the void: it is kept in the failure queue
/// with the reason (and counted); when the queue cannot take it, the invocation fails so that
/// Lambda's retries and on-failure destination keep it.
#[tokio::test]
async fn a_rejected_event_reaches_the_failure_queue_with_its_reason() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let queue_url = emu.queue(&unique("failures")).await?;
    let failures = SqsFailureQueue::new(emu.sqs.clone(), &queue_url);
    let malformed = sample_event("malformed/wrong-types.json", "unused", "unused")?;

    let outcome = inspector
        .handle_invocation(&malformed, &failures, &())
        .await?;
    let Outcome::Rejected { error, .. } = outcome else {
        return Err(format!("expected a rejection, got {outcome:?}").into());
    };
    let received = emu
        .sqs
        .receive_message()
        .queue_url(&queue_url)
        .wait_time_seconds(2)
        .send()
        .await?;
    let kept: Vec<serde_json::Value> = received
        .messages()
        .iter()
        .map(|m| serde_json::from_str(m.body().unwrap_or("null")))
        .collect::<Result<_, _>>()?;
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0]["reason"].as_str(), Some(error.as_str()));
    // (the event as received, less what may hold credentials)
    assert_eq!(
        kept[0]["event"],
        guardrail_core::secrets::withheld(&malformed)
    );
    assert_eq!(
        kept[0]["event"]["detail"]["requestParameters"]["hyperParameters"],
        "(withheld: may hold credentials)"
    );
    assert_eq!(kept[0]["event"]["detail"]["eventName"], "CreateTrainingJob");

    // A queue that cannot take it: the invocation fails, naming why.
    let gone = SqsFailureQueue::new(emu.sqs.clone(), format!("{queue_url}-deleted"));
    match inspector.handle_invocation(&malformed, &gone, &()).await {
        Err(e) => assert_eq!(e.error_type(), "Guardrail.RejectedEventNotKept", "{e}"),
        Ok(outcome) => return Err(format!("expected a failed invocation, got {outcome:?}").into()),
    }
    // A valid event never touches the queue.
    let name = unique("open-nb");
    create_notebook(&emu, &name, Posture::Compliant, None).await?;
    let valid = sample_event("notebook/state-change.json", "open-nb", &name)?;
    evaluated(inspector.handle_invocation(&valid, &gone, &()).await?)?;
    Ok(())
}

/// B10: an AWS managed key named by its key ARN (not `alias/aws/...`) is caught: the inspector
/// asks KMS who manages the key; the tests' customer managed key passes.
#[tokio::test]
async fn an_aws_managed_key_named_by_its_arn_fails_volume_kms() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let mut inspector = inspector(&emu, &alerts.topic_arn)?;
    inspector.sagemaker =
        SageMaker::new(emu.sagemaker.clone()).with_keys(KmsKeys::new(emu.kms.clone()));
    let managed = emu
        .kms
        .describe_key()
        .key_id("alias/aws/sagemaker")
        .send()
        .await?
        .key_metadata()
        .map(|m| m.arn().unwrap_or_default().to_string())
        .ok_or("no AWS managed key")?;
    let on = |key: &str| {
        ResourceConfig::builder()
            .instance_type(TrainingInstanceType::MlM5Xlarge)
            .instance_count(1)
            .volume_size_in_gb(50)
            .volume_kms_key_id(key)
            .build()
    };
    let (sneaky, fine) = (unique("aws-key-by-arn"), unique("customer-key"));
    create_training_job_on(&emu, &sneaky, on(&managed)).await?;
    create_training_job_on(&emu, &fine, on(KEY)).await?;

    let judge = |name: String| {
        let inspector = &inspector;
        async move {
            let event = sample_event("training/create-compliant.json", "churn-xgb-secure", &name)?;
            evaluated(inspector.handle(&event).await?)
        }
    };
    let report = judge(sneaky.clone()).await?;
    let (status, observed) = status_of(&report, "volume-kms")?;
    assert_eq!(status, Status::Fail, "{observed}");
    assert!(observed.contains("AWS managed key"), "{observed}");
    assert_eq!(report.remediation.outcome().as_str(), "stopped");

    let report = judge(fine.clone()).await?;
    assert_eq!(status_of(&report, "volume-kms")?.0, Status::Pass);
    assert_eq!(status_of(&report, "output-kms")?.0, Status::Pass);
    assert_eq!(emu.training_status(&fine).await?, "InProgress");

    // A customer key whose key policy refuses DescribeKey is customer managed (every AWS managed
    // key lets its account describe it): it passes, it is not "cannot verify".
    let private = emu
        .kms
        .create_key()
        .policy(
            r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:DescribeKey", "Resource": "*"}]}"#,
        )
        .send()
        .await?
        .key_metadata()
        .and_then(|m| m.arn())
        .ok_or("no key ARN")?
        .to_string();
    let guarded = unique("private-key");
    create_training_job_on(&emu, &guarded, on(&private)).await?;
    let report = judge(guarded.clone()).await?;
    let (status, detail) = status_of(&report, "volume-kms")?;
    assert_eq!(status, Status::Pass, "{detail}");
    Ok(())
}

/// B7: an endpoint that was compliant and is updated to a failing configuration is not deleted:
/// the rollback waits for the update to finish, then updates it back to the configuration it was
/// compliant with; one alert for the problem, one for its resolution. An update whose own
/// rollback failed (UpdateRollbackFailed, serving a mix) is acted on at once.
#[tokio::test]
async fn a_non_compliant_update_is_rolled_back_not_deleted() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let name = unique("fraud-api");
    create_endpoint(&emu, &name, Posture::Compliant, None).await?;
    let open = create_open_config(&emu, &name).await?;
    let event = sample_event("endpoint/state-change.json", "fraud-api", &name)?;
    let settle = |status: &str| settle_endpoint(&name, status);
    let back_to = |config: &str| Plan::Act {
        action: Action::RollBackEndpoint {
            config: config.to_string(),
        },
    };
    let deployed = |emu: &Emulator| {
        let (emu, name) = (emu.sagemaker.clone(), name.clone());
        async move {
            let d = emu.describe_endpoint().endpoint_name(&name).send().await?;
            let pending = d
                .pending_deployment_summary()
                .and_then(|p| p.endpoint_config_name())
                .map(str::to_string);
            TestResult::Ok((d.endpoint_config_name().map(str::to_string), pending))
        }
    };

    // Compliant and InService: its configuration is recorded as compliant.
    let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
    assert_eq!(report.violations().count(), 0, "{:?}", report.results);
    // Updated to a configuration without a volume key: the rollback waits for the update.
    emu.sagemaker
        .update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&open)
        .send()
        .await?;
    let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
    assert_eq!(report.remediation.outcome().as_str(), "deferred");
    // The update finishes: the endpoint is updated back, not deleted.
    settle("InService")?;
    let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
    assert_eq!(report.remediation.plan, back_to(&name));
    assert_eq!(report.remediation.outcome().as_str(), "rolled back");
    assert_eq!(
        deployed(&emu).await?,
        (Some(open.clone()), Some(name.clone()))
    );
    // While the rollback deploys, the failing configuration still serves: no resolution yet.
    let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
    assert_eq!(
        report.violations().count(),
        0,
        "the pending configuration is judged"
    );
    let so_far = alerts.receive(2, Duration::from_secs(2)).await?;
    assert_eq!(
        so_far.len(),
        1,
        "only the problem so far, no resolution while it deploys"
    );
    assert_eq!(so_far[0].attribute("action"), Some("deferred"));
    settle("InService")?;
    let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
    assert_eq!(report.violations().count(), 0, "{:?}", report.results);
    assert_eq!(deployed(&emu).await?, (Some(name.clone()), None));

    // Updated again; this time the update and AWS's own rollback fail: acted on, not waited for.
    emu.sagemaker
        .update_endpoint()
        .endpoint_name(&name)
        .endpoint_config_name(&open)
        .send()
        .await?;
    settle("UpdateRollbackFailed")?;
    let report = evaluated(inspector.handle(&redelivered(event.clone())).await?)?;
    assert_eq!(report.remediation.plan, back_to(&name));
    assert_eq!(report.remediation.outcome().as_str(), "rolled back");
    assert_eq!(
        deployed(&emu).await?,
        (Some(name.clone()), Some(name.clone()))
    );

    let delivered = alerts.receive(3, Duration::from_secs(4)).await?;
    let subjects: Vec<&str> = delivered.iter().map(|d| d.subject.as_str()).collect();
    assert_eq!(delivered.len(), 2, "resolution, then problem: {subjects:?}");
    assert!(subjects[0].contains("RESOLVED"), "{subjects:?}");
    assert_eq!(
        delivered[1].attribute("action"),
        Some("rolled back"),
        "{subjects:?}"
    );
    Ok(())
}

/// Nothing lost: an endpoint deleted by an attempt whose alert then failed is gone when Lambda
/// retries; the alert staged before the deletion goes out then, once.
#[tokio::test]
async fn an_alert_for_a_resource_deleted_before_it_went_out_is_sent_on_retry() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("fraud-api");
    create_endpoint(&emu, &name, Posture::NonCompliant, None).await?;
    // Given an SNS that refuses every publish of this test's inspector
    let key = format!("AKIDSNS{}", std::process::id());
    let sns = aws_sdk_sns::Client::new(&config_signed_as(&key).await);
    let mut inspector = inspector(&emu, &alerts.topic_arn)?;
    inspector.alerts = SnsPublisher::new(sns, &alerts.topic_arn);
    emulator_control(
        "POST",
        "/_guardrail/faults",
        &format!(
            r#"{{"share": 1.0, "services": ["sns"], "kinds": ["500"], "access_key_ids": ["{key}"]}}"#
        ),
    )?;
    let event = sample_event("endpoint/state-change.json", "fraud-api", &name)?;
    // When the first attempt deletes the endpoint and then cannot alert
    let first = inspector.handle(&event).await;
    emulator_control("DELETE", "/_guardrail/faults", "")?;
    match first {
        Err(guardrail_core::InspectError::Alert { .. }) => {}
        other => return Err(format!("expected a failed alert, got {other:?}").into()),
    }
    assert_eq!(emu.endpoint_status(&name).await?, None, "deleted");
    // Then Lambda's retry finds it gone and sends the staged alert, and a third delivery nothing
    for _ in 0..2 {
        match inspector.handle(&event).await? {
            Outcome::Gone { .. } => {}
            other => return Err(format!("expected gone, got {other:?}").into()),
        }
    }
    let delivered = alerts.receive(2, Duration::from_secs(3)).await?;
    assert_eq!(delivered.len(), 1, "one alert");
    assert_eq!(delivered[0].attribute("action"), Some("deleted"));
    assert!(
        delivered[0].subject.contains("deleted"),
        "{}",
        delivered[0].subject
    );
    Ok(())
}

/// B8: adding or changing an inference component re-inspects the endpoint hosting it, found by
/// describing the component when the call names only the component; a component gone by then
/// leaves nothing to inspect.
#[tokio::test]
async fn inference_component_calls_inspect_the_endpoint_hosting_them() -> TestResult {
    use aws_sdk_sagemaker::types::{
        InferenceComponentComputeResourceRequirements, InferenceComponentSpecification,
    };
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let name = unique("fraud-api");
    create_endpoint(&emu, &name, Posture::Compliant, None).await?;
    let component = unique("fraud-llm-ic");
    emu.sagemaker
        .create_inference_component()
        .inference_component_name(&component)
        .endpoint_name(&name)
        .variant_name("AllTraffic")
        .specification(
            InferenceComponentSpecification::builder()
                .model_name(&name)
                .compute_resource_requirements(
                    InferenceComponentComputeResourceRequirements::builder()
                        .min_memory_required_in_mb(1024)
                        .build(),
                )
                .build(),
        )
        .send()
        .await?;
    let call = |path: &str| -> TestResult<serde_json::Value> {
        let event = sample_event(path, "fraud-llm-ic", &component)?;
        Ok(serde_json::from_str(
            &event
                .to_string()
                .replace("\"fraud-api\"", &format!("\"{name}\"")),
        )?)
    };
    for path in [
        "endpoint/create-inference-component.json",
        "endpoint/update-inference-component.json",
    ] {
        let report = evaluated(inspector.handle(&call(path)?).await?)?;
        assert_eq!(report.resource.name, name, "{path}");
        assert_eq!(report.resource.kind.as_str(), "endpoint", "{path}");
    }
    emu.sagemaker
        .delete_inference_component()
        .inference_component_name(&component)
        .send()
        .await?;
    match inspector
        .handle(&call("endpoint/update-inference-component.json")?)
        .await?
    {
        Outcome::Gone { arn, .. } => assert!(arn.ends_with(&component), "{arn}"),
        other => return Err(format!("expected gone, got {other:?}").into()),
    }
    Ok(())
}

/// B7, what a rollback cannot do: a rollback to a configuration that was deleted since is
/// refused, and the endpoint is deleted instead; a rollback whose deployment fails (the endpoint
/// comes back on the failing configuration) is not tried again: the endpoint is deleted; a
/// duplicate delivery racing a rollback does not delete the endpoint being rolled back.
#[tokio::test]
async fn a_rollback_that_cannot_hold_ends_in_deletion() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn)?;
    let open_config = |name: &str| {
        let (emu, name) = (&emu, name.to_string());
        async move {
            let open = create_open_config(emu, &name).await?;
            update_endpoint_to(emu, &name, &open).await
        }
    };
    let settle = settle_endpoint;
    let event = |name: &str| sample_event("endpoint/state-change.json", "fraud-api", name);

    // A compliant endpoint, recorded as such, updated to a failing configuration; its compliant
    // configuration is then deleted (AWS allows it once nothing runs it).
    let gone_config = unique("fraud-api");
    create_endpoint(&emu, &gone_config, Posture::Compliant, None).await?;
    evaluated(inspector.handle(&event(&gone_config)?).await?)?;
    open_config(&gone_config).await?;
    settle(&gone_config, "InService")?;
    emu.sagemaker
        .delete_endpoint_config()
        .endpoint_config_name(&gone_config)
        .send()
        .await?;
    let report = evaluated(inspector.handle(&event(&gone_config)?).await?)?;
    assert_eq!(
        report.remediation.outcome().as_str(),
        "deleted",
        "{:?}",
        report.remediation
    );
    assert_eq!(emu.endpoint_status(&gone_config).await?, None);

    // A rollback whose deployment fails: the endpoint comes back on the failing configuration.
    let flapping = unique("fraud-api");
    create_endpoint(&emu, &flapping, Posture::Compliant, None).await?;
    evaluated(inspector.handle(&event(&flapping)?).await?)?;
    open_config(&flapping).await?;
    settle(&flapping, "InService")?;
    let report = evaluated(inspector.handle(&event(&flapping)?).await?)?;
    assert_eq!(report.remediation.outcome().as_str(), "rolled back");
    settle(&flapping, "RollingBack")?;
    settle(&flapping, "InService")?;
    let report = evaluated(inspector.handle(&event(&flapping)?).await?)?;
    assert_eq!(
        report.remediation.outcome().as_str(),
        "deleted",
        "no second rollback"
    );
    assert_eq!(emu.endpoint_status(&flapping).await?, None);

    // Two deliveries at once: whichever rolls back, the other does not delete the endpoint (it
    // sees the update, or finds the endpoint updating just before deleting and defers).
    let raced = unique("fraud-api");
    create_endpoint(&emu, &raced, Posture::Compliant, None).await?;
    evaluated(inspector.handle(&event(&raced)?).await?)?;
    open_config(&raced).await?;
    settle(&raced, "InService")?;
    let (a, b) = (event(&raced)?, event(&raced)?);
    let (a, b) = tokio::join!(inspector.handle(&a), inspector.handle(&b));
    for report in [evaluated(a?)?, evaluated(b?)?] {
        let outcome = report.remediation.outcome().as_str();
        assert!(
            ["rolled back", "none", "deferred"].contains(&outcome),
            "{outcome}: {:?}",
            report.remediation
        );
    }
    assert_eq!(
        emu.endpoint_status(&raced).await?.as_deref(),
        Some("Updating")
    );
    Ok(())
}
