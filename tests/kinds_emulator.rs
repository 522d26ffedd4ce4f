//! The kinds issue 20 added, end to end over the real AWS SDK and HTTP against the local
//! emulator: each is detected from its sample event, contained as its kind says (or alerted
//! only, where containment destroys work), and alerted once however often it is seen.

use std::time::Duration;

use guardrail_core::store::FindingStore;
use guardrail_core::{Outcome, Policy};
use guardrail_sqlite::SqliteStore;
use guardrail_tests::*;

const WAIT: Duration = Duration::from_secs(10);

/// The controls a report found violated, in order.
fn failed(report: &guardrail_core::report::Report) -> Vec<&str> {
    report.violations().map(|v| v.control.as_str()).collect()
}

fn report(outcome: Outcome) -> TestResult<guardrail_core::report::Report> {
    match outcome {
        Outcome::Evaluated { report, .. } => Ok(*report),
        other => Err(format!("expected an evaluation, got {other:?}").into()),
    }
}

fn policy(extra: &str) -> TestResult<Policy> {
    let text = format!("[controls.lifecycle-configs]\nallowed = [{CLUSTER_SCRIPTS:?}]\n{extra}");
    Ok(Policy::from_toml(&text, "test")?)
}

/// Issue 20, case 1: a HyperPod cluster outside the VPC, with volumes AWS encrypts with its own
/// key and lifecycle scripts from an unlisted bucket is alerted once, and kept: deleting it would
/// terminate its nodes and their work. A policy that opts in has it deleted; a compliant cluster
/// passes.
#[tokio::test]
async fn a_non_compliant_hyperpod_cluster_is_alerted_once_and_deleted_only_on_opt_in() -> TestResult
{
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("llm-pretrain");
    let arn = create_cluster(&emu, &name, Posture::NonCompliant).await?;
    let mut event = sample_event("hyperpod/create-noncompliant.json", "llm-pretrain", &name)?;
    event["detail"]["responseElements"]["clusterArn"] = arn.clone().into();

    let inspector = inspector(&emu, &alerts.topic_arn, policy("")?)?;
    let mut reports = Vec::new();
    for _ in 0..2 {
        reports.push(report(inspector.handle(&event).await?)?);
    }
    assert_eq!(
        emu.cluster_status(&name).await?.as_deref(),
        Some("InService")
    );
    let first = &reports[0];
    assert_eq!(first.resource.arn, arn, "the ARN ends in the cluster's id");
    assert_eq!(first.remediation.outcome().as_str(), "disabled");
    assert_eq!(
        failed(first),
        ["vpc-attached", "volume-kms", "lifecycle-configs"]
    );
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].attribute("resource_type"), Some("cluster"));
    assert_eq!(delivered[0].attribute("action"), Some("disabled"));
    assert!(
        delivered[0]
            .subject
            .contains(&format!("HyperPod cluster {name}")),
        "{}",
        delivered[0].subject
    );

    let opted = guardrail_tests::inspector(
        &emu,
        &alerts.topic_arn,
        policy("[remediation]\nopt_in = [\"cluster\"]\n")?,
    )?;
    let deleted = report(opted.handle(&event).await?)?;
    assert_eq!(deleted.remediation.outcome().as_str(), "deleted");
    assert_eq!(emu.cluster_status(&name).await?, None);

    let secure = unique("llm-secure");
    let arn = create_cluster(&emu, &secure, Posture::Compliant).await?;
    let mut event = sample_event("hyperpod/create-noncompliant.json", "llm-pretrain", &secure)?;
    event["detail"]["responseElements"]["clusterArn"] = arn.into();
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    Ok(())
}

/// Issue 20, case 3: an AutoML job outside the VPC, with AWS's keys and unencrypted traffic
/// between its candidates, is stopped and alerted once; its candidate training job, which names
/// it (`AutoMLJobArn`), is stopped without an alert of its own: the AutoML job's alert names the
/// problem and its creator. A compliant AutoML job keeps running.
#[tokio::test]
async fn a_non_compliant_automl_job_and_its_candidates_are_stopped_with_one_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("churn-autopilot");
    let arn = create_automl_job(&emu, &name, Posture::NonCompliant).await?;
    let candidate = unique("churn-autopilot-cand");
    create_automl_candidate(&emu, &candidate, &arn).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;

    let event = sample_event(
        "automl/create-v2-noncompliant.json",
        "churn-autopilot",
        &name,
    )?;
    let mut reports = Vec::new();
    for _ in 0..2 {
        reports.push(report(inspector.handle(&event).await?)?);
    }
    assert_eq!(automl_status(&emu, &name).await?, "Stopped");
    assert_eq!(
        failed(&reports[0]),
        [
            "vpc-attached",
            "volume-kms",
            "output-kms",
            "inter-container-encryption"
        ]
    );
    assert_eq!(reports[0].remediation.outcome().as_str(), "stopped");
    let child = sample_event("training/state-change.json", "churn-xgb", &candidate)?;
    let judged = report(inspector.handle(&child).await?)?;
    assert_eq!(judged.resource.part_of.as_deref(), Some(arn.as_str()));
    assert_eq!(emu.training_status(&candidate).await?, "Stopped");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].attribute("resource_type"), Some("automl-job"));
    assert_eq!(
        delivered[0].finding["actor"]["arn"],
        "arn:aws:sts::123456789012:assumed-role/DataScientist/alice"
    );

    let secure = unique("churn-autopilot-secure");
    create_automl_job(&emu, &secure, Posture::Compliant).await?;
    let event = sample_event(
        "automl/create-v2-noncompliant.json",
        "churn-autopilot",
        &secure,
    )?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(automl_status(&emu, &secure).await?, "InProgress");
    Ok(())
}

/// Issue 20, case 6: a feature group whose stores AWS encrypts with its own keys is alerted once
/// (Security Hub SageMaker.17 and .18) and kept: deleting it deletes its records. With the
/// policy's opt-in it is deleted; one with the customer's keys passes.
#[tokio::test]
async fn a_feature_group_without_customer_keys_is_alerted_once_and_kept() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("customer-features");
    create_feature_group(&emu, &name, Posture::NonCompliant).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let events = [
        sample_event(
            "features/create-noncompliant.json",
            "customer-features",
            &name,
        )?,
        sample_event("features/state-change.json", "customer-features", &name)?,
    ];
    for event in events.iter().chain(events.iter()) {
        let judged = report(inspector.handle(event).await?)?;
        assert_eq!(failed(&judged), ["volume-kms", "output-kms"]);
        assert_eq!(judged.remediation.outcome().as_str(), "disabled");
    }
    assert_eq!(
        feature_group_status(&emu, &name).await?.as_deref(),
        Some("Created")
    );
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(
        delivered[0].attribute("resource_type"),
        Some("feature-group")
    );

    let opted = guardrail_tests::inspector(
        &emu,
        &alerts.topic_arn,
        Policy::from_toml("[remediation]\nopt_in = [\"feature-group\"]\n", "test")?,
    )?;
    let deleted = report(opted.handle(&events[1]).await?)?;
    assert_eq!(deleted.remediation.outcome().as_str(), "deleted");
    assert_eq!(feature_group_status(&emu, &name).await?, None);

    let secure = unique("customer-features-secure");
    create_feature_group(&emu, &secure, Posture::Compliant).await?;
    let event = sample_event("features/state-change.json", "customer-features", &secure)?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    Ok(())
}

/// Issue 20, case 5: a compilation job outside the VPC writing the compiled model with S3's
/// default key is stopped and alerted once, from its CloudTrail call (SageMaker sends no
/// state-change event for it); a compliant one keeps running.
#[tokio::test]
async fn a_non_compliant_compilation_job_is_stopped_with_one_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("fraud-model-neo");
    create_compilation_job(&emu, &name, Posture::NonCompliant).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let event = sample_event(
        "compilation/create-noncompliant.json",
        "fraud-model-neo",
        &name,
    )?;
    for _ in 0..2 {
        let judged = report(inspector.handle(&event).await?)?;
        assert_eq!(failed(&judged), ["vpc-attached", "output-kms"]);
    }
    assert_eq!(compilation_status(&emu, &name).await?, "STOPPED");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].attribute("action"), Some("stopped"));

    let secure = unique("fraud-model-neo-secure");
    create_compilation_job(&emu, &secure, Posture::Compliant).await?;
    let event = sample_event(
        "compilation/create-noncompliant.json",
        "fraud-model-neo",
        &secure,
    )?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(compilation_status(&emu, &secure).await?, "INPROGRESS");
    Ok(())
}

/// Issue 20, case 10: a token passed to a training job as a hyperparameter is found (audit
/// mode: reported, the job keeps running) and alerted once; the alert, and the finding the store
/// keeps, name the hyperparameter and the token's format, never its value.
#[tokio::test]
async fn a_token_in_a_hyperparameter_is_alerted_without_its_value() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("churn-xgb-secure");
    let token = format!("hf_{}", "Q".repeat(34));
    create_training_job_with_hyperparameters(
        &emu,
        &name,
        &[("hf_token", &token), ("max_depth", "6")],
    )
    .await?;
    let store = SqliteStore::in_memory()?;
    let inspector = with_store(&emu, &alerts.topic_arn, Policy::baseline(), store)?;
    let event = sample_event("training/create-compliant.json", "churn-xgb-secure", &name)?;
    for _ in 0..2 {
        let judged = report(inspector.handle(&event).await?)?;
        assert_eq!(failed(&judged), ["no-plaintext-secrets"]);
        assert_eq!(judged.remediation.outcome().as_str(), "audit");
    }
    assert_eq!(emu.training_status(&name).await?, "InProgress");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    let alert = format!(
        "{} {} {}",
        delivered[0].subject, delivered[0].finding, delivered[0].attributes
    );
    assert!(
        alert.contains("Hugging Face token in HyperParameters.hf_token"),
        "{alert}"
    );
    assert!(!alert.contains(&token), "the alert carries the token");
    let stored = inspector
        .store
        .list(&guardrail_core::store::Query {
            limit: 100,
            ..Default::default()
        })
        .await?;
    let stored = serde_json::to_string(&stored.findings)?;
    assert!(stored.contains("HyperParameters.hf_token"), "{stored}");
    assert!(!stored.contains(&token), "the store keeps the token");
    Ok(())
}

/// Issue 20, case 4: a labeling job sending the data to the public Mechanical Turk workforce is
/// stopped and alerted once, from its create call and from its state change (whose detail
/// carries only the status); one sent to a private workteam keeps running.
#[tokio::test]
async fn a_labeling_job_for_the_public_crowd_is_stopped_with_one_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("claims-boxes");
    create_labeling_job(&emu, &name, PUBLIC_CROWD).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let events = [
        sample_event("labeling/create-public-crowd.json", "claims-boxes", &name)?,
        sample_event("labeling/state-change.json", "claims-boxes", &name)?,
    ];
    for event in &events {
        let judged = report(inspector.handle(event).await?)?;
        assert_eq!(failed(&judged), ["public-crowd"]);
    }
    assert_eq!(labeling_status(&emu, &name).await?, "Stopped");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(
        delivered[0].attribute("resource_type"),
        Some("labeling-job")
    );

    let private = unique("claims-boxes-private");
    create_labeling_job(&emu, &private, PRIVATE_TEAM).await?;
    let event = sample_event("labeling/state-change.json", "claims-boxes", &private)?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(labeling_status(&emu, &private).await?, "InProgress");
    Ok(())
}

/// Issue 20, case 5: an optimization job outside the VPC, writing the optimized model with S3's
/// key and a token in its environment, is stopped and alerted once (the token named, never
/// shown); a compliant one keeps running.
#[tokio::test]
async fn a_non_compliant_optimization_job_is_stopped_with_one_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("llama-int8");
    let token = format!("hf_{}", "R".repeat(34));
    create_optimization_job(&emu, &name, Posture::NonCompliant, &[("HF_TOKEN", &token)]).await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let event = sample_event("optimization/create-noncompliant.json", "llama-int8", &name)?;
    for _ in 0..2 {
        let judged = report(inspector.handle(&event).await?)?;
        assert_eq!(
            failed(&judged),
            ["vpc-attached", "output-kms", "no-plaintext-secrets"]
        );
    }
    assert_eq!(optimization_status(&emu, &name).await?, "STOPPED");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert!(!delivered[0].finding.to_string().contains(&token));

    let secure = unique("llama-int8-secure");
    create_optimization_job(
        &emu,
        &secure,
        Posture::Compliant,
        &[("OPTION_DTYPE", "fp16")],
    )
    .await?;
    let event = sample_event(
        "optimization/create-noncompliant.json",
        "llama-int8",
        &secure,
    )?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(optimization_status(&emu, &secure).await?, "INPROGRESS");
    Ok(())
}

/// Issue 20, case 8: a model version registered `Approved` (no review) without a customer key
/// for its record is rejected and alerted once, from its create call and its state change; one
/// approved by another identity than its registrant stays approved; one its registrant approved
/// cannot be told from its state change alone (alerted, kept) and is rejected on its approving
/// call.
#[tokio::test]
async fn an_unreviewed_model_version_is_rejected_with_one_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let group = unique("churn-model");
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let version = |arn: &str| {
        arn.rsplit_once(":model-package/")
            .map(|(_, v)| v.to_string())
    };

    let unreviewed =
        register_model_package(&emu, &group, "Approved", Posture::NonCompliant).await?;
    let name = version(&unreviewed).ok_or("a version ARN")?;
    // Delivered twice, then its state change: once rejected, its approval passes and its key
    // still fails, and nothing more is alerted.
    let create = sample_event("registry/create-approved.json", "churn-model/3", &name)?;
    let state = sample_event("registry/state-change.json", "churn-model/4", &name)?;
    let expected: [&[&str]; 3] = [
        &["output-kms", "model-approval"],
        &["output-kms"],
        &["output-kms"],
    ];
    for (event, expected) in [&create, &create, &state].into_iter().zip(expected) {
        let judged = report(inspector.handle(event).await?)?;
        assert_eq!(failed(&judged), expected);
    }
    assert_eq!(model_approval(&emu, &unreviewed).await?, "Rejected");
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(
        delivered[0].attribute("resource_type"),
        Some("model-package")
    );
    assert_eq!(delivered[0].attribute("action"), Some("rejected"));

    let reviewer = aws_sdk_sagemaker::Client::new(&config_signed_as("AKIDREVIEWER").await);
    let reviewed =
        register_model_package(&emu, &group, "PendingManualApproval", Posture::Compliant).await?;
    set_model_approval(&reviewer, &reviewed, "Approved").await?;
    let name = version(&reviewed).ok_or("a version ARN")?;
    let event = sample_event("registry/state-change.json", "churn-model/4", &name)?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(model_approval(&emu, &reviewed).await?, "Approved");

    // Approved by the IAM user who registered it: the approving call (its CloudTrail record)
    // names the approver; the state change alone cannot tell, and never rejects on a guess.
    let self_approved =
        register_model_package(&emu, &group, "PendingManualApproval", Posture::Compliant).await?;
    set_model_approval(&emu.sagemaker, &self_approved, "Approved").await?;
    let name = version(&self_approved).ok_or("a version ARN")?;
    let state = sample_event("registry/state-change.json", "churn-model/4", &name)?;
    let judged = report(inspector.handle(&state).await?)?;
    assert_eq!(failed(&judged), Vec::<&str>::new());
    let unverified: Vec<&str> = judged.unverified().map(|r| r.control.as_str()).collect();
    assert_eq!(unverified, ["model-approval"]);
    assert_eq!(model_approval(&emu, &self_approved).await?, "Approved");
    let mut update = sample_event("registry/update-approved.json", "churn-model/5", &name)?;
    update["detail"]["userIdentity"] = serde_json::json!({
        "type": "IAMUser",
        "arn": "arn:aws:iam::123456789012:user/testing",
        "accountId": "123456789012"
    });
    let judged = report(inspector.handle(&update).await?)?;
    assert_eq!(failed(&judged), ["model-approval"]);
    assert_eq!(model_approval(&emu, &self_approved).await?, "Rejected");
    Ok(())
}

/// Issue 20, case 7: an MLflow tracking server whose artifacts go to a bucket expected in
/// another account, unchecked, is stopped and alerted once; one with AWS's defaults keeps
/// running. An MLflow app without a customer key is alerted once and kept: deleting it deletes
/// its experiments (opt-in).
#[tokio::test]
async fn mlflow_servers_are_stopped_and_apps_alerted() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let name = unique("fraud-experiments");
    create_mlflow_server(&emu, &name, Posture::NonCompliant).await?;
    let event = sample_event(
        "mlflow/create-server-foreign-bucket.json",
        "fraud-experiments",
        &name,
    )?;
    for _ in 0..2 {
        let judged = report(inspector.handle(&event).await?)?;
        assert_eq!(failed(&judged), ["artifact-bucket-owner"]);
    }
    assert_eq!(mlflow_server_status(&emu, &name).await?, "Stopped");

    let secure = unique("fraud-experiments-secure");
    create_mlflow_server(&emu, &secure, Posture::Compliant).await?;
    let event = sample_event(
        "mlflow/create-server-foreign-bucket.json",
        "fraud-experiments",
        &secure,
    )?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(mlflow_server_status(&emu, &secure).await?, "Created");

    let app = create_mlflow_app(&emu, &unique("fraud-tracking"), Posture::NonCompliant).await?;
    let id = app
        .rsplit_once('/')
        .map(|(_, id)| id.to_string())
        .ok_or("an app ARN")?;
    let event = sample_event("mlflow/create-app-no-key.json", "app-4f2a9c81d3e7", &id)?;
    for _ in 0..2 {
        let judged = report(inspector.handle(&event).await?)?;
        assert_eq!(failed(&judged), ["output-kms"]);
    }
    assert_eq!(
        mlflow_app_status(&emu, &app).await?.as_deref(),
        Some("Created"),
        "kept"
    );
    let delivered = alerts.receive(3, WAIT).await?;
    let actions: Vec<_> = delivered
        .iter()
        .map(|d| (d.attribute("resource_type"), d.attribute("action")))
        .collect();
    assert_eq!(
        actions,
        [
            (Some("mlflow-tracking-server"), Some("stopped")),
            (Some("mlflow-app"), Some("disabled"))
        ]
    );
    Ok(())
}

/// Issue 20, cases 5 and 9: an inference experiment without keys for its instance storage and its
/// captured data (Security Hub SageMaker.23, .24) is stopped, its production variant kept and its
/// shadow removed, and alerted once; an Inference Recommender job outside the VPC, without a
/// volume key, is stopped and alerted once; compliant ones keep running.
#[tokio::test]
async fn inference_experiments_and_recommendation_jobs_are_stopped_with_one_alert() -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let inspector = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    let name = unique("fraud-shadow-v2");
    create_inference_experiment(&emu, &name, Posture::NonCompliant).await?;
    let event = sample_event(
        "experiments/create-experiment-no-keys.json",
        "fraud-shadow-v2",
        &name,
    )?;
    for _ in 0..2 {
        let judged = report(inspector.handle(&event).await?)?;
        assert_eq!(failed(&judged), ["volume-kms", "output-kms"]);
    }
    assert_eq!(inference_experiment_status(&emu, &name).await?, "Cancelled");

    let job = unique("churn-instance-sizing");
    create_recommendation_job(&emu, &job, Posture::NonCompliant).await?;
    let event = sample_event(
        "experiments/create-recommendation-no-vpc.json",
        "churn-instance-sizing",
        &job,
    )?;
    for _ in 0..2 {
        let judged = report(inspector.handle(&event).await?)?;
        assert_eq!(failed(&judged), ["vpc-attached", "volume-kms"]);
    }
    assert_eq!(recommendation_job_status(&emu, &job).await?, "STOPPED");
    let delivered = alerts.receive(3, WAIT).await?;
    let kinds: Vec<_> = delivered
        .iter()
        .map(|d| (d.attribute("resource_type"), d.attribute("action")))
        .collect();
    assert_eq!(
        kinds,
        [
            (Some("inference-experiment"), Some("stopped")),
            (Some("inference-recommendations-job"), Some("stopped"))
        ]
    );

    let secure = unique("fraud-shadow-secure");
    create_inference_experiment(&emu, &secure, Posture::Compliant).await?;
    let event = sample_event(
        "experiments/create-experiment-no-keys.json",
        "fraud-shadow-v2",
        &secure,
    )?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(inference_experiment_status(&emu, &secure).await?, "Running");
    let job = unique("churn-sizing-secure");
    create_recommendation_job(&emu, &job, Posture::Compliant).await?;
    let event = sample_event(
        "experiments/create-recommendation-no-vpc.json",
        "churn-instance-sizing",
        &job,
    )?;
    let passed = report(inspector.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    assert_eq!(recommendation_job_status(&emu, &job).await?, "IN_PROGRESS");
    Ok(())
}

/// Issue 20, case 4: an A2I flow definition sending reviews to the public Mechanical Turk
/// workforce is alerted once and kept (deleting it stops the application that uses it); with
/// the policy's opt-in it is deleted; one reviewed by a private workteam passes.
#[tokio::test]
async fn a_flow_definition_for_the_public_crowd_is_alerted_once_and_deleted_only_on_opt_in(
) -> TestResult {
    let emu = Emulator::connect().await?;
    let alerts = emu.alert_channel().await?;
    let name = unique("claims-review");
    create_flow_definition(&emu, &name, PUBLIC_CROWD).await?;
    let event = sample_event("a2i/create-public-crowd.json", "claims-review", &name)?;
    let kept = inspector(&emu, &alerts.topic_arn, Policy::baseline())?;
    for _ in 0..2 {
        let judged = report(kept.handle(&event).await?)?;
        assert_eq!(failed(&judged), ["public-crowd"]);
    }
    assert_eq!(
        flow_definition_status(&emu, &name).await?.as_deref(),
        Some("Active"),
        "kept"
    );
    let delivered = alerts.receive(2, WAIT).await?;
    assert_eq!(delivered.len(), 1, "{delivered:?}");
    assert_eq!(delivered[0].attribute("action"), Some("disabled"));

    let opted = Policy::from_toml("[remediation]\nopt_in = [\"flow-definition\"]\n", "test")?;
    let deleting = inspector(&emu, &alerts.topic_arn, opted)?;
    report(deleting.handle(&event).await?)?;
    assert_eq!(
        flow_definition_status(&emu, &name).await?,
        None,
        "deleted on opt-in"
    );

    let private = unique("claims-review-private");
    create_flow_definition(&emu, &private, PRIVATE_TEAM).await?;
    let event = sample_event("a2i/create-public-crowd.json", "claims-review", &private)?;
    let passed = report(kept.handle(&event).await?)?;
    assert_eq!(passed.violations().count(), 0, "{:?}", passed.results);
    Ok(())
}
