//! A tuning job and its training jobs share one problem, alerted once whatever the order in
//! which their evaluations arrive (issue 19, case 9): a training job alerts unless its tuning
//! job's last alert named its problem; a tuning job compliant on its own settings never announces
//! a resolution over a training job's problem; a tuning job's exemptions cover its training jobs.

use super::tests::{actions, in_status, inspector, Fake, Result};
use crate::controls::fixtures::{training, tuning};
use crate::policy::Policy;
use crate::resource::Snapshot;

fn named(mut snapshot: Snapshot, name: &str) -> Snapshot {
    snapshot.id.name = name.into();
    snapshot.arn = snapshot.id.arn();
    in_status(snapshot, "InProgress")
}

/// The tuning job `tune`, compliant, or outside any VPC.
fn parent(in_vpc: bool) -> Snapshot {
    named(
        tuning(|j| {
            if !in_vpc {
                j.vpc = None
            }
        }),
        "tune",
    )
}

/// A training job of `tune`, without a VPC, and without a volume key when `keyless`.
fn child(keyless: bool) -> Snapshot {
    let arn = parent(true).arn;
    named(
        training(|j| {
            j.vpc = None;
            if keyless {
                j.volume_kms_key_id = None;
            }
            j.tuning_job = Some(arn);
        }),
        "tune-001-1a2b3c4d",
    )
}

async fn judge(inspector: &Fake, snapshot: &Snapshot) -> Result {
    inspector.sagemaker.put(snapshot.clone());
    inspector
        .inspect_swept("sweep", snapshot.id.clone(), None)
        .await?;
    Ok(())
}

fn subjects(inspector: &Fake) -> Vec<String> {
    inspector
        .alerts
        .sent()
        .into_iter()
        .map(|a| a.subject)
        .collect()
}

/// The parent judged first and compliant: its failing training job is stopped and alerted.
#[tokio::test]
async fn a_training_job_failing_after_its_compliant_tuning_job_is_alerted() -> Result {
    let inspector = inspector(Vec::new())?;
    judge(&inspector, &parent(true)).await?;
    judge(&inspector, &child(false)).await?;
    assert_eq!(actions(&inspector), ["StopTrainingJob"]);
    let subjects = subjects(&inspector);
    assert_eq!(subjects.len(), 1, "{subjects:?}");
    Ok(())
}

/// The child judged first: the tuning job judged compliant afterwards announces no resolution.
#[tokio::test]
async fn a_compliant_tuning_job_never_resolves_its_training_job_s_problem() -> Result {
    let inspector = inspector(Vec::new())?;
    judge(&inspector, &child(false)).await?;
    judge(&inspector, &parent(true)).await?;
    let subjects = subjects(&inspector);
    assert_eq!(subjects.len(), 1, "{subjects:?}");
    assert!(!subjects[0].contains("RESOLVED"), "{subjects:?}");
    Ok(())
}

/// The parent's alert named the problem: its training jobs add nothing; one with a problem of
/// its own more alerts once.
#[tokio::test]
async fn a_training_job_alerts_only_what_its_tuning_job_did_not_name() -> Result {
    let inspector = inspector(Vec::new())?;
    judge(&inspector, &parent(false)).await?;
    judge(&inspector, &child(false)).await?;
    assert_eq!(subjects(&inspector).len(), 1, "{:?}", subjects(&inspector));
    judge(&inspector, &child(true)).await?;
    judge(&inspector, &child(true)).await?;
    assert_eq!(subjects(&inspector).len(), 2, "{:?}", subjects(&inspector));
    Ok(())
}

/// An exemption of the tuning job covers its training jobs: none is stopped.
#[tokio::test]
async fn a_tuning_job_s_exemption_covers_its_training_jobs() -> Result {
    let mut inspector = inspector(Vec::new())?;
    let expires = time::OffsetDateTime::now_utc().date() + time::Duration::days(30);
    let policy = Policy::from_toml(
        &format!(
            "[[exemptions]]\nresource = \"arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/tune\"\n\
             controls = [\"vpc-attached\"]\nreason = \"SEC-7\"\nexpires = {expires}\n"
        ),
        "test",
    )?;
    inspector.policy = policy.into();
    judge(&inspector, &parent(false)).await?;
    judge(&inspector, &child(false)).await?;
    assert!(actions(&inspector).is_empty(), "{:?}", actions(&inspector));
    assert!(
        subjects(&inspector).is_empty(),
        "{:?}",
        subjects(&inspector)
    );
    Ok(())
}
