//! The contract every [`FindingStore`] back-end passes (run by the SQLite unit tests and by the
//! DynamoDB integration tests against the emulator). Enabled by the `contract-tests` feature.

use std::future::Future;

use super::{
    Claim, ClaimRequest, CompliantConfig, Evaluation, FindingStore, Page, Query, QuietRecord,
    StagedAlert, StoreError,
};
use crate::controls::{volume_kms, vpc_attached, ControlId};
use crate::finding::Status;
use crate::findings::{finding_id, Finding, Observation, RemediationRecord};
use crate::policy::{Mode, Severity};
use crate::report::ActionOutcome;
use crate::resource::ResourceKind;

/// Two findings of one resource at `time`: `vpc-attached` failing (stopped), `volume-kms` passing.
pub fn sample(arn: &str, time: &str) -> (Vec<Finding>, Vec<Observation>) {
    let make = |control: ControlId, status: Status, severity: Severity| Finding {
        id: finding_id(arn, control.as_str()),
        resource_arn: arn.to_string(),
        resource_kind: ResourceKind::TrainingJob,
        resource_name: arn.rsplit('/').next().unwrap_or(arn).to_string(),
        account: arn.split(':').nth(4).unwrap_or("123456789012").to_string(),
        region: "us-east-1".into(),
        control,
        status,
        severity,
        mode: Mode::Enforce,
        first_seen: time.into(),
        last_seen: time.into(),
        observed: Some("observed".into()),
        expected: Some("expected".into()),
        reason: None,
        exemption: None,
        actor: Some("arn:aws:sts::123456789012:assumed-role/DataScientist/alice".into()),
        remediation: (status == Status::Fail).then(|| RemediationRecord {
            action: Some("StopTrainingJob".into()),
            result: ActionOutcome::Stopped,
            at: Some(time.into()),
            error: None,
        }),
        policy_version: "0123456789abcdef".into(),
        event_id: format!("event-{time}"),
    };
    let findings = vec![
        make(vpc_attached::ID, Status::Fail, Severity::High),
        make(volume_kms::ID, Status::Pass, Severity::High),
    ];
    let observations = findings
        .iter()
        .map(|f| Observation {
            finding_id: f.id.clone(),
            time: time.into(),
            status: f.status,
            event_id: f.event_id.clone(),
            action: f.remediation.as_ref().and_then(|r| r.action.clone()),
            result: f.remediation.as_ref().map(|r| r.result),
        })
        .collect();
    (findings, observations)
}

fn id_of(findings: &[Finding], control: ControlId) -> String {
    findings
        .iter()
        .find(|f| f.control == control)
        .map(|f| f.id.clone())
        .unwrap_or_default()
}

/// Runs every contract check, each on a fresh store from `make`.
pub async fn run_all<S, F, Fut>(make: F) -> Result<(), StoreError>
where
    S: FindingStore,
    F: Fn() -> Fut,
    Fut: Future<Output = Result<S, StoreError>>,
{
    updates_keep_first_seen_and_history_grows(&make().await?).await?;
    late_older_evaluations_do_not_overwrite(&make().await?).await?;
    amendments_touch_only_their_own_evaluation(&make().await?).await?;
    claims_are_exclusive_until_confirmed(&make().await?).await?;
    released_and_expired_claims_can_be_retaken(&make().await?).await?;
    only_a_newer_evaluation_alerts(&make().await?).await?;
    a_quiet_claim_records_a_first_compliant_state(&make().await?).await?;
    a_lapsed_claim_gives_way_to_a_quiet_record(&make().await?).await?;
    quiet_records(&make().await?).await?;
    unchanged_quiet_records(&make().await?).await?;
    the_newest_compliant_config_is_kept(&make().await?).await?;
    the_newest_staged_alert_is_kept(&make().await?).await?;
    list_filters_sorts_and_paginates(&make().await?).await?;
    Ok(())
}

async fn updates_keep_first_seen_and_history_grows(
    store: &impl FindingStore,
) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/contract-a";
    let (first, obs1) = sample(arn, "2026-11-01T10:00:00Z");
    store.record(&Evaluation::of(&first, &obs1)).await?;
    let (mut second, obs2) = sample(arn, "2026-11-02T10:00:00Z");
    for f in &mut second {
        f.status = Status::Pass;
    }
    store.record(&Evaluation::of(&second, &obs2)).await?;
    let id = id_of(&first, vpc_attached::ID);
    let Some((finding, history)) = store.get(&id).await? else {
        panic!("finding {id} missing")
    };
    assert_eq!(finding.first_seen, "2026-11-01T10:00:00Z");
    assert_eq!(finding.last_seen, "2026-11-02T10:00:00Z");
    assert_eq!(finding.status, Status::Pass);
    let times: Vec<&str> = history.iter().map(|o| o.time.as_str()).collect();
    assert_eq!(times, ["2026-11-01T10:00:00Z", "2026-11-02T10:00:00Z"]);
    // The finding alone, as it stands, as evaluations read it back.
    assert_eq!(store.finding(&id).await?, Some(finding.clone()));
    assert_eq!(history.first().map(|o| o.status), Some(Status::Fail));
    assert!(store.get("no-such-finding").await?.is_none());
    Ok(())
}

async fn late_older_evaluations_do_not_overwrite(
    store: &impl FindingStore,
) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/contract-b";
    let (newer, obs_newer) = sample(arn, "2026-11-03T10:00:00Z");
    store.record(&Evaluation::of(&newer, &obs_newer)).await?;
    let (mut older, obs_older) = sample(arn, "2026-11-02T10:00:00Z");
    for f in &mut older {
        f.status = Status::Pass;
    }
    store.record(&Evaluation::of(&older, &obs_older)).await?;
    let id = id_of(&newer, vpc_attached::ID);
    let Some((finding, history)) = store.get(&id).await? else {
        panic!("finding {id} missing")
    };
    assert_eq!(finding.status, Status::Fail, "the newer state stays");
    assert_eq!(finding.last_seen, "2026-11-03T10:00:00Z");
    assert_eq!(history.len(), 2, "the late observation is still kept");
    Ok(())
}

/// An amendment (a creator learned after the evaluation) is written only over the evaluation it
/// amends: not over a later one stored meanwhile, even in the same second, nor where there is none.
async fn amendments_touch_only_their_own_evaluation(
    store: &impl FindingStore,
) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/contract-m";
    let time = "2026-11-05T10:00:00Z";
    let amend = |findings: &[Finding], actor: &str| {
        let mut amended = findings.to_vec();
        for f in &mut amended {
            f.actor = Some(actor.to_string());
        }
        amended
    };
    let (first, observations) = sample(arn, time);
    store.record(&Evaluation::of(&first, &observations)).await?;
    let bob = amend(&first, "arn:aws:iam::123456789012:user/bob");
    store
        .record(&Evaluation {
            amends: true,
            ..Evaluation::of(&bob, &[])
        })
        .await?;
    let id = id_of(&first, vpc_attached::ID);
    let stored = store.get(&id).await?.map(|(f, h)| (f.actor, h.len()));
    assert_eq!(
        stored,
        Some((Some("arn:aws:iam::123456789012:user/bob".into()), 1))
    );
    // A later evaluation in the same second, then a late amendment of the first one.
    let (mut second, observations) = sample(arn, time);
    for f in &mut second {
        f.event_id = "event-later".into();
        f.status = Status::Pass;
    }
    store
        .record(&Evaluation::of(&second, &observations))
        .await?;
    let carol = amend(&first, "arn:aws:iam::123456789012:user/carol");
    store
        .record(&Evaluation {
            amends: true,
            ..Evaluation::of(&carol, &[])
        })
        .await?;
    let stored = store.get(&id).await?.map(|(f, _)| (f.status, f.event_id));
    assert_eq!(stored, Some((Status::Pass, "event-later".to_string())));
    // Nothing is written where nothing was stored.
    let (ghost, _) = sample(
        "arn:aws:sagemaker:us-east-1:123456789012:training-job/contract-n",
        time,
    );
    store
        .record(&Evaluation {
            amends: true,
            ..Evaluation::of(&ghost, &[])
        })
        .await?;
    assert!(store.get(&id_of(&ghost, vpc_attached::ID)).await?.is_none());
    assert!(store
        .finding(&id_of(&ghost, vpc_attached::ID))
        .await?
        .is_none());
    Ok(())
}

/// A claim request; `evaluated` orders evaluations, `now` is the clock (seconds).
fn ask<'a>(
    arn: &'a str,
    key: &'a str,
    owner: &'a str,
    evaluated: i64,
    now: i64,
) -> ClaimRequest<'a> {
    ClaimRequest {
        resource_arn: arn,
        key,
        owner,
        evaluated,
        now,
        expires: now + 60,
        quiet_if_first: false,
    }
}

/// A compliant evaluation's request ([`ClaimRequest::quiet_if_first`]).
fn quiet<'a>(
    arn: &'a str,
    key: &'a str,
    owner: &'a str,
    evaluated: i64,
    now: i64,
) -> ClaimRequest<'a> {
    ClaimRequest {
        quiet_if_first: true,
        ..ask(arn, key, owner, evaluated, now)
    }
}

async fn claims_are_exclusive_until_confirmed(store: &impl FindingStore) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-c";
    let key = "FAIL vpc-attached contained";
    let first = store
        .claim_notification(&ask(arn, key, "a", 1, 100))
        .await?;
    assert_eq!(
        first,
        Claim::Granted {
            last_notified: None
        }
    );
    assert_eq!(
        store
            .claim_notification(&ask(arn, key, "b", 2, 101))
            .await?,
        Claim::HeldByOther
    );
    store
        .confirm_notification(&ask(arn, key, "a", 1, 100))
        .await?;
    assert_eq!(
        store
            .claim_notification(&ask(arn, key, "b", 2, 102))
            .await?,
        Claim::AlreadyNotified
    );
    let resolved = store
        .claim_notification(&ask(arn, "PASS", "b", 3, 103))
        .await?;
    assert_eq!(
        resolved,
        Claim::Granted {
            last_notified: Some(key.to_string())
        }
    );
    Ok(())
}

async fn released_and_expired_claims_can_be_retaken(
    store: &impl FindingStore,
) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/contract-d";
    let key = "FAIL volume-kms contained";
    assert!(matches!(
        store
            .claim_notification(&ask(arn, key, "a", 1, 100))
            .await?,
        Claim::Granted { .. }
    ));
    store.release_notification(arn, "a").await?;
    assert!(matches!(
        store
            .claim_notification(&ask(arn, key, "b", 2, 101))
            .await?,
        Claim::Granted { .. }
    ));
    // b crashed without confirming: after its claim expires, c may send.
    assert_eq!(
        store
            .claim_notification(&ask(arn, key, "c", 3, 150))
            .await?,
        Claim::HeldByOther
    );
    assert!(matches!(
        store
            .claim_notification(&ask(arn, key, "c", 3, 162))
            .await?,
        Claim::Granted { .. }
    ));
    Ok(())
}

/// C15: evaluations finish out of order; only a newer one may alert or record its key.
async fn only_a_newer_evaluation_alerts(store: &impl FindingStore) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:training-job/contract-e";
    let (open, contained) = ("FAIL vpc-attached pending", "FAIL vpc-attached contained");
    // The newer evaluation (t=20, contained) alerts first...
    assert!(matches!(
        store
            .claim_notification(&ask(arn, contained, "new", 20, 100))
            .await?,
        Claim::Granted { .. }
    ));
    // ...while its claim is live, an older one with another key may not take it over...
    assert_eq!(
        store
            .claim_notification(&ask(arn, open, "old", 10, 100))
            .await?,
        Claim::Superseded
    );
    store
        .confirm_notification(&ask(arn, contained, "new", 20, 100))
        .await?;
    // ...nor alert after it went out.
    assert_eq!(
        store
            .claim_notification(&ask(arn, open, "old", 10, 101))
            .await?,
        Claim::Superseded
    );
    // A newer evaluation takes over an older one's live claim for another key; the older
    // one's late confirm then does not overwrite the newer alert's key.
    assert!(matches!(
        store
            .claim_notification(&ask(arn, open, "older", 30, 102))
            .await?,
        Claim::Granted { .. }
    ));
    assert_eq!(
        store
            .claim_notification(&ask(arn, "PASS", "newest", 40, 103))
            .await?,
        Claim::Granted {
            last_notified: Some(contained.to_string())
        }
    );
    store
        .confirm_notification(&ask(arn, "PASS", "newest", 40, 103))
        .await?;
    store
        .confirm_notification(&ask(arn, open, "older", 30, 102))
        .await?;
    assert_eq!(
        store
            .claim_notification(&ask(arn, "PASS", "later", 50, 104))
            .await?,
        Claim::AlreadyNotified,
        "the newest alert's key stays recorded"
    );
    Ok(())
}

/// A compliant resource's claim: recorded at once when nothing was ever alerted, an ordinary
/// claim otherwise.
async fn a_quiet_claim_records_a_first_compliant_state(
    store: &impl FindingStore,
) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-q";
    let open = "FAIL vpc-attached contained";
    assert_eq!(
        store
            .claim_notification(&quiet(arn, "PASS", "a", 20, 100))
            .await?,
        Claim::Recorded
    );
    assert_eq!(
        store
            .claim_notification(&quiet(arn, "PASS", "b", 30, 101))
            .await?,
        Claim::AlreadyNotified
    );
    // An older evaluation that saw a problem stays quiet: a newer one found it compliant.
    assert_eq!(
        store
            .claim_notification(&ask(arn, open, "old", 10, 102))
            .await?,
        Claim::Superseded
    );
    // After an alert, a compliant evaluation is an ordinary claim: the resolution is due.
    let other = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-r";
    store
        .claim_notification(&ask(other, open, "a", 10, 100))
        .await?;
    store
        .confirm_notification(&ask(other, open, "a", 10, 100))
        .await?;
    assert_eq!(
        store
            .claim_notification(&quiet(other, "PASS", "b", 20, 101))
            .await?,
        Claim::Granted {
            last_notified: Some(open.to_string())
        }
    );
    // While another invocation holds a live claim, nothing is recorded behind its back.
    let held = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-s";
    store
        .claim_notification(&ask(held, open, "a", 10, 100))
        .await?;
    assert_eq!(
        store
            .claim_notification(&quiet(held, "PASS", "b", 20, 101))
            .await?,
        Claim::Granted {
            last_notified: None
        },
        "a newer evaluation takes the claim over and confirms as usual"
    );
    Ok(())
}

/// A claim that lapsed (its sender died) does not stop a quiet record; its owner's late confirm
/// then leaves the newer state, and an older evaluation is superseded, not held.
async fn a_lapsed_claim_gives_way_to_a_quiet_record(
    store: &impl FindingStore,
) -> Result<(), StoreError> {
    let open = "FAIL vpc-attached contained";
    let lapsed = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-t";
    store
        .claim_notification(&ask(lapsed, open, "a", 10, 100))
        .await?;
    assert_eq!(
        store
            .claim_notification(&quiet(lapsed, "PASS", "b", 20, 200))
            .await?,
        Claim::Recorded
    );
    store
        .confirm_notification(&ask(lapsed, open, "a", 10, 100))
        .await?;
    assert_eq!(
        store
            .claim_notification(&ask(lapsed, open, "c", 15, 201))
            .await?,
        Claim::Superseded
    );
    assert_eq!(
        store
            .claim_notification(&quiet(lapsed, "PASS", "d", 30, 202))
            .await?,
        Claim::AlreadyNotified
    );
    Ok(())
}

/// Compliant evaluations recorded together ([`FindingStore::record_quietly`]). A store may
/// record none so (its caller then records each as usual), but one it records is stored as
/// `record` stores it, with its pass noted (a later quiet claim finds it notified), and it never
/// records one whose resource had an alert (its resolution is due) or is claimed live: those
/// are left as they were. Answers whether the store recorded the fresh one.
pub async fn quiet_records(store: &impl FindingStore) -> Result<bool, StoreError> {
    let open = "FAIL vpc-attached contained";
    let fresh = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-u";
    let alerted = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-v";
    let claimed = "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/contract-w";
    store
        .claim_notification(&ask(alerted, open, "a", 10, 100))
        .await?;
    store
        .confirm_notification(&ask(alerted, open, "a", 10, 100))
        .await?;
    store
        .claim_notification(&ask(claimed, open, "a", 10, 100))
        .await?;
    let time = "2026-11-01T10:00:00Z";
    let parts: Vec<_> = [fresh, alerted, claimed]
        .iter()
        .map(|arn| sample(arn, time))
        .collect();
    let records: Vec<QuietRecord<'_>> = [fresh, alerted, claimed]
        .iter()
        .zip(&parts)
        .map(|(arn, (findings, observations))| QuietRecord {
            evaluation: Evaluation::of(findings, observations),
            resource_arn: arn,
            key: "PASS",
            evaluated: 20,
            now: 101,
        })
        .collect();
    let recorded = store.record_quietly(&records).await?;
    assert_eq!(recorded.len(), 3);
    assert!(
        !recorded[1],
        "a resource alerted before was recorded quietly"
    );
    assert!(!recorded[2], "a resource claimed live was recorded quietly");
    if recorded[0] {
        let id = &parts[0].0[0].id;
        let stored = store.finding(id).await?;
        assert_eq!(stored.map(|f| f.last_seen), Some(time.to_string()));
        assert_eq!(
            store
                .claim_notification(&quiet(fresh, "PASS", "b", 30, 102))
                .await?,
            Claim::AlreadyNotified
        );
    }
    for refused in [alerted, claimed] {
        let id = finding_id(refused, vpc_attached::ID.as_str());
        assert_eq!(store.finding(&id).await?, None, "{refused}: written");
    }
    assert_eq!(
        store
            .claim_notification(&quiet(alerted, "PASS", "b", 20, 103))
            .await?,
        Claim::Granted {
            last_notified: Some(open.to_string())
        },
        "the resolution of the alerted resource is still due"
    );
    Ok(recorded[0])
}

/// [`sample`] with every finding passing.
fn passing(arn: &str, time: &str) -> (Vec<Finding>, Vec<Observation>) {
    let (mut findings, mut observations) = sample(arn, time);
    for f in &mut findings {
        f.status = Status::Pass;
        f.remediation = None;
    }
    for o in &mut observations {
        o.status = Status::Pass;
        o.action = None;
        o.result = None;
    }
    (findings, observations)
}

/// Quiet records of a resource whose states do not change. A store may leave the states as the
/// last quiet record wrote them (their `last_seen` lagging by less than a day), but never over
/// what was written since by anything else: a plain record of another state, a newer state that
/// a late quiet record had to leave alone, a forgotten configuration. The history always grows.
/// Answers whether the store left an unchanged resource's states as they were.
pub async fn unchanged_quiet_records(store: &impl FindingStore) -> Result<bool, StoreError> {
    const HOUR: i64 = 3_600_000_000_000;
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/contract-x";
    let time = |hour: i64| format!("2026-11-{:02}T{:02}:00:00Z", 1 + hour / 24, hour % 24);
    let id = finding_id(arn, vpc_attached::ID.as_str());
    // As the inspector does: quietly, else recorded plainly.
    let quietly = |hour: i64| async move {
        let (findings, observations) = passing(arn, &time(hour));
        let record = QuietRecord {
            evaluation: Evaluation {
                compliant_config: Some(CompliantConfig {
                    resource_arn: arn,
                    config: Some("config-x"),
                    evaluated: hour * HOUR,
                }),
                ..Evaluation::of(&findings, &observations)
            },
            resource_arn: arn,
            key: "PASS",
            evaluated: hour * HOUR,
            now: hour * 3600 + 1,
        };
        if store.record_quietly(&[record]).await? != [true] {
            store.record(&record.evaluation).await?;
        }
        Ok::<_, StoreError>(())
    };
    let failing = |hour: i64| async move {
        let (findings, observations) = sample(arn, &time(hour));
        store
            .record(&Evaluation::of(&findings, &observations))
            .await
    };
    let state = || async {
        let (f, history) = store.get(&id).await?.expect("recorded");
        Ok::<_, StoreError>((f.status, f.last_seen, history.len()))
    };

    quietly(0).await?;
    quietly(1).await?;
    let (status, seen, history) = state().await?;
    assert_eq!((status, history), (Status::Pass, 2));
    assert!(seen == time(0) || seen == time(1), "last seen {seen}");
    let left = seen == time(0);

    failing(2).await?;
    quietly(3).await?;
    assert_eq!(
        state().await?,
        (Status::Pass, time(3), 4),
        "a quiet record after another state was written"
    );

    failing(5).await?;
    quietly(4).await?;
    assert_eq!(
        state().await?,
        (Status::Fail, time(5), 6),
        "a late quiet record"
    );
    quietly(6).await?;
    assert_eq!(
        state().await?,
        (Status::Pass, time(6), 7),
        "a quiet record after a late one had to leave a newer state"
    );

    store
        .record_compliant_config(&CompliantConfig {
            resource_arn: arn,
            config: None,
            evaluated: 7 * HOUR,
        })
        .await?;
    quietly(8).await?;
    assert_eq!(
        store.last_compliant_config(arn).await?.as_deref(),
        Some("config-x"),
        "a quiet record after its configuration was forgotten"
    );

    quietly(40).await?;
    assert_eq!(
        state().await?,
        (Status::Pass, time(40), 9),
        "more than a day later"
    );
    Ok(left)
}

/// B7: an endpoint's last compliant configuration, the newest observation winning; recorded
/// alone or with an evaluation's findings.
async fn the_newest_compliant_config_is_kept(store: &impl FindingStore) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/contract-f";
    assert_eq!(store.last_compliant_config(arn).await?, None);
    store
        .record_compliant_config(&CompliantConfig {
            resource_arn: arn,
            config: Some("config-v2"),
            evaluated: 20,
        })
        .await?;
    // A late older evaluation: its configuration is ignored, its findings are still recorded.
    let (findings, observations) = sample(arn, "2026-11-04T10:00:00Z");
    store
        .record(&Evaluation {
            compliant_config: Some(CompliantConfig {
                resource_arn: arn,
                config: Some("config-v1"),
                evaluated: 10,
            }),
            ..Evaluation::of(&findings, &observations)
        })
        .await?;
    assert_eq!(
        store.last_compliant_config(arn).await?.as_deref(),
        Some("config-v2")
    );
    let id = id_of(&findings, vpc_attached::ID);
    let recorded = store
        .get(&id)
        .await?
        .map(|(f, history)| (f.last_seen, history.len()));
    assert_eq!(recorded, Some(("2026-11-04T10:00:00Z".to_string(), 1)));
    store
        .record(&Evaluation {
            compliant_config: Some(CompliantConfig {
                resource_arn: arn,
                config: Some("config-v3"),
                evaluated: 30,
            }),
            ..Evaluation::default()
        })
        .await?;
    assert_eq!(
        store.last_compliant_config(arn).await?.as_deref(),
        Some("config-v3")
    );
    // Forgotten (a rollback to it was made): no target until it is seen compliant again.
    store
        .record_compliant_config(&CompliantConfig {
            resource_arn: arn,
            config: None,
            evaluated: 40,
        })
        .await?;
    assert_eq!(store.last_compliant_config(arn).await?, None);
    store
        .record_compliant_config(&CompliantConfig {
            resource_arn: arn,
            config: Some("config-v3"),
            evaluated: 35,
        })
        .await?;
    assert_eq!(
        store.last_compliant_config(arn).await?,
        None,
        "older than the forgetting"
    );
    store
        .record_compliant_config(&CompliantConfig {
            resource_arn: arn,
            config: Some("config-v3"),
            evaluated: 50,
        })
        .await?;
    assert_eq!(
        store.last_compliant_config(arn).await?.as_deref(),
        Some("config-v3")
    );
    Ok(())
}

/// An alert staged before an action; a late older evaluation does not replace a newer one's.
async fn the_newest_staged_alert_is_kept(store: &impl FindingStore) -> Result<(), StoreError> {
    let arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/contract-g";
    let staged = |key: &str, evaluated| StagedAlert {
        claim_arn: arn.to_string(),
        key: key.to_string(),
        evaluated,
        alert: format!("{{\"subject\": \"{key}\"}}"),
    };
    assert_eq!(store.staged_alert(arn).await?, None);
    store
        .stage_alert(arn, &staged("FAIL a contained", 20))
        .await?;
    store
        .stage_alert(arn, &staged("FAIL b contained", 10))
        .await?;
    assert_eq!(
        store.staged_alert(arn).await?,
        Some(staged("FAIL a contained", 20))
    );
    store
        .stage_alert(arn, &staged("FAIL c contained", 30))
        .await?;
    assert_eq!(
        store.staged_alert(arn).await?,
        Some(staged("FAIL c contained", 30))
    );
    Ok(())
}

async fn list_filters_sorts_and_paginates(store: &impl FindingStore) -> Result<(), StoreError> {
    let days = [
        "2026-11-01",
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
        "2026-11-05",
    ];
    for (i, day) in days.iter().enumerate() {
        let arn = format!(
            "arn:aws:sagemaker:us-east-1:{}:training-job/list-{i}",
            if i % 2 == 0 {
                "111111111111"
            } else {
                "222222222222"
            }
        );
        let (findings, observations) = sample(&arn, &format!("{day}T00:00:00Z"));
        store
            .record(&Evaluation::of(&findings, &observations))
            .await?;
    }
    let all = store
        .list(&Query {
            limit: 100,
            ..Query::default()
        })
        .await?;
    assert_eq!(all.findings.len(), 10);
    let seen: Vec<&str> = all.findings.iter().map(|f| f.last_seen.as_str()).collect();
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first");
    assert_eq!(all.next, None);

    let failing = Query {
        status: Some(Status::Fail),
        limit: 100,
        ..Query::default()
    };
    assert_eq!(store.list(&failing).await?.findings.len(), 5);
    let account = Query {
        account: Some("111111111111".into()),
        control: Some(vpc_attached::ID),
        limit: 100,
        ..Query::default()
    };
    assert_eq!(store.list(&account).await?.findings.len(), 3);
    let window = Query {
        since: Some("2026-11-02T00:00:00Z".into()),
        until: Some("2026-11-04T00:00:00Z".into()),
        limit: 100,
        ..Query::default()
    };
    assert_eq!(store.list(&window).await?.findings.len(), 4);
    let resource = Query {
        resource: Some("list-3".into()),
        limit: 100,
        ..Query::default()
    };
    assert_eq!(store.list(&resource).await?.findings.len(), 2);
    let critical = Query {
        severity: Some(Severity::Critical),
        limit: 100,
        ..Query::default()
    };
    assert_eq!(store.list(&critical).await?.findings.len(), 0);

    pages_cover_every_finding_once(store, &all).await
}

/// Pages of 3 list exactly `all`, in order.
async fn pages_cover_every_finding_once(
    store: &impl FindingStore,
    all: &Page,
) -> Result<(), StoreError> {
    // Unfiltered, and by account and by control (the back-ends' indexes), in pages of 3.
    let filters = [
        Query::default(),
        Query {
            account: Some("111111111111".into()),
            ..Query::default()
        },
        Query {
            control: Some(vpc_attached::ID),
            ..Query::default()
        },
    ];
    for filter in filters {
        let mut query = Query {
            limit: 3,
            ..filter.clone()
        };
        let mut paged = Vec::new();
        loop {
            let page = store.list(&query).await?;
            assert!(page.findings.len() <= 3);
            paged.extend(page.findings.into_iter().map(|f| f.id));
            match page.next {
                Some(next) => query.after = Some(next),
                None => break,
            }
        }
        let ids: Vec<String> = all
            .findings
            .iter()
            .filter(|f| filter.matches(f))
            .map(|f| f.id.clone())
            .collect();
        assert_eq!(
            paged, ids,
            "pages cover every finding once, in order: {filter:?}"
        );
    }
    Ok(())
}
