//! A tuning job's training jobs and a training job's Debugger rule jobs are its children: SageMaker
//! starts them from the parent's settings, and they share its problem (issue 19, cases 8 and 9).
//! A child inherits what makes its volume key not applicable to its parent (a tuning job whose
//! `InstanceConfigs` alternatives include a type with local storage can take no volume key: its
//! training job landing on another type cannot have one either), and nothing else: a setting the
//! parent's kind lacks (a tuning job takes no remote debugging) is no reason to spare a child
//! that has it. It inherits the parent's
//! exemptions ([`crate::policy::Exemption::covers`]). Its alert counts on the parent: it alerts
//! unless the parent's last alert named its problem, and a parent compliant on its own settings
//! never announces a resolution over a child's problem ([`super::Announce`]).

use super::{judge, Inspector};
use crate::controls::ControlId;
use crate::finding::{ControlResult, Status};
use crate::policy::Policy;
use crate::ports::{AwsError, Ports};
use crate::resource::{ResourceId, ResourceKind, Snapshot};

/// The resource `arn` names (a SageMaker ARN of a kind this guardrail knows).
fn resource_of(arn: &str) -> Option<ResourceId> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [_, _, _, region, account, resource] = parts.as_slice() else {
        return None;
    };
    let kind = ResourceKind::parse(resource.split('/').next()?)?;
    Some(ResourceId {
        kind,
        name: crate::event::name_from_arn(arn, kind)?,
        account: account.to_string(),
        region: region.to_string(),
    })
}

/// The controls a child inherits not-applicable reasons of: those its parent's own settings can
/// make impossible for the child.
const INHERITED: [ControlId; 1] = [crate::controls::volume_kms::ID];

/// The child's problems that its parent's settings make not applicable, made so.
fn inherit_not_applicable(results: &mut [ControlResult], parent: &[ControlResult], arn: &str) {
    let inherited = |r: &&mut ControlResult| r.is_problem() && INHERITED.contains(&r.control);
    for result in results.iter_mut().filter(inherited) {
        let Some(reason) = parent
            .iter()
            .find(|p| p.control == result.control && p.status == Status::NotApplicable)
            .map(|p| p.reason.clone().unwrap_or_default())
        else {
            continue;
        };
        result.status = Status::NotApplicable;
        result.reason = Some(format!("as for {arn}, which started it: {reason}"));
        result.observed = None;
        result.expected = None;
    }
}

impl<P: Ports> Inspector<P> {
    /// A child with a problem takes its parent's not-applicable reasons. The parent is read
    /// only then; one that is gone gives nothing (the child is judged on its own).
    pub(super) async fn inherit(
        &self,
        child: &Snapshot,
        results: &mut [ControlResult],
        policy: &Policy,
        today: time::Date,
    ) -> Result<(), (String, AwsError)> {
        let Some(arn) = child.part_of() else {
            return Ok(());
        };
        if !results.iter().any(ControlResult::is_problem) {
            return Ok(());
        }
        let Some(id) = resource_of(arn) else {
            return Ok(());
        };
        let parent = self
            .observe(&id, &Default::default())
            .await
            .map_err(|e| (arn.to_string(), e))?;
        if let Some(parent) = parent {
            inherit_not_applicable(results, &judge(&parent, policy, today).0, arn);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{actions, in_status, inspector, Fake, Result};
    use crate::controls::fixtures::{instances, training, tuning};
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
            .inspect_swept("sweep", snapshot.id.clone(), None, Default::default())
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

    /// Issue 19, case 8: a tuning job whose `InstanceConfigs` alternatives include a type with
    /// local storage can take no volume key (AWS: "If you choose one of these instance types,
    /// you cannot request a VolumeKmsKeyId"); its training job that landed on an EBS-backed
    /// type inherits that, and is not stopped. One whose alternatives all take a key is.
    #[tokio::test]
    async fn a_training_job_inherits_what_its_tuning_job_could_not_set() -> Result {
        use crate::resource::{Details, InstanceGroup};
        let alternatives = |types: &[&str]| {
            let mut parent = parent(true);
            if let Details::HyperParameterTuningJob(definitions) = &mut parent.details {
                definitions.truncate(1);
                let job = &mut definitions[0].job;
                job.volume_kms_key_id = None;
                job.instance_choice = true;
                job.instances = types
                    .iter()
                    .map(|t| InstanceGroup {
                        label: format!("instance config {t}"),
                        instance_type: Some(t.to_string()),
                        instance_count: Some(1),
                    })
                    .collect();
            }
            parent
        };
        let mut landed = child(true);
        if let Details::TrainingJob(job) = &mut landed.details {
            job.vpc = crate::controls::fixtures::vpc();
            job.instances = instances("ml.m5.xlarge", 1);
        }
        let mixed = inspector(vec![alternatives(&["ml.p4d.24xlarge", "ml.m5.xlarge"])])?;
        judge(&mixed, &landed).await?;
        assert!(actions(&mixed).is_empty(), "{:?}", actions(&mixed));
        assert!(subjects(&mixed).is_empty(), "{:?}", subjects(&mixed));

        let ebs = inspector(vec![alternatives(&["ml.c5.xlarge", "ml.m5.xlarge"])])?;
        judge(&ebs, &landed).await?;
        assert_eq!(actions(&ebs), ["StopTrainingJob"]);
        Ok(())
    }

    /// A setting the tuning job's kind lacks is no reason to spare its training job: one with
    /// remote debugging on is stopped (a tuning job takes none, so its `no-ssm-access` is not
    /// applicable).
    #[tokio::test]
    async fn a_training_job_never_inherits_a_setting_its_tuning_job_cannot_have() -> Result {
        let mut debugged = child(false);
        if let crate::resource::Details::TrainingJob(job) = &mut debugged.details {
            job.vpc = crate::controls::fixtures::vpc();
            job.remote_debug = Some(true);
        }
        let inspector = inspector(vec![parent(true)])?;
        judge(&inspector, &debugged).await?;
        assert_eq!(actions(&inspector), ["StopTrainingJob"]);
        assert_eq!(subjects(&inspector).len(), 1);
        Ok(())
    }

    /// Issue 20, case 3 (part): an AutoML job's candidates (SageMaker names it: `AutoMLJobArn`)
    /// share its problem: each is stopped, one alert, which names the AutoML job.
    #[tokio::test]
    async fn an_automl_job_s_candidates_are_stopped_and_alerted_once() -> Result {
        use crate::controls::fixtures::{processing, transform};
        let automl = "arn:aws:sagemaker:us-east-1:123456789012:automl-job/churn-autopilot";
        let candidate = named(
            training(|j| {
                j.vpc = None;
                j.automl_job = Some(automl.into());
            }),
            "churn-autopilot-tr-1",
        );
        let features = named(
            processing(|j| {
                j.vpc = None;
                j.automl_job = Some(automl.into());
            }),
            "churn-autopilot-dpp-1",
        );
        let batch = named(
            transform(|t| {
                t.model = crate::controls::fixtures::model(None, true);
                t.automl_job = Some(automl.into());
            }),
            "churn-autopilot-dpp-tr-1",
        );
        let inspector = inspector(Vec::new())?;
        for job in [&candidate, &features, &batch] {
            judge(&inspector, job).await?;
        }
        assert_eq!(
            actions(&inspector),
            ["StopTrainingJob", "StopProcessingJob", "StopTransformJob"]
        );
        let sent = inspector.alerts.sent();
        assert_eq!(sent.len(), 1, "{:?}", subjects(&inspector));
        assert!(sent[0].message.contains(automl), "{}", sent[0].message);
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
}
