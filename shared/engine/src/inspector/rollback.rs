//! An endpoint's rollback: the configuration it was last compliant on, kept per incarnation of
//! the endpoint, what to do when SageMaker refuses to roll back, and the deletion that waits for
//! another delivery's rollback to settle. A non-compliant update of a compliant endpoint is
//! rolled back to that configuration (`[remediation] endpoint_update = "rollback"`).

use tracing::{info, warn};

use super::{persist, Inspector};
use crate::finding::ControlResult;
use crate::ports::{AwsError, Ports, Remediator, ResourceReader};
use crate::remediation::{Action, Plan};
use crate::report::ActionResult;
use crate::resource::{Dependency, Details, Lifecycle, ResourceId, ResourceKind, Snapshot};
use crate::store::{CompliantConfig, FindingStore};

/// A rollback target is stored with the incarnation of the endpoint it belongs to
/// (`config@<CreationTime ms>`): a new endpoint of the same name (created after the old one was
/// deleted, seen or not) is never rolled back to what the old one served. A target stored
/// without one (before this was recorded) is taken as it is.
pub(super) fn stored_target(config: &str, created_ms: Option<i64>) -> String {
    match created_ms {
        Some(ms) => format!("{config}@{ms}"),
        None => config.to_string(),
    }
}

/// The configuration to roll back to, if it belongs to the incarnation `created_ms`.
pub(super) fn target_of(stored: &str, created_ms: Option<i64>) -> Option<String> {
    match (stored.rsplit_once('@'), created_ms) {
        (Some((config, ms)), Some(now)) => (ms.parse() == Ok(now)).then(|| config.to_string()),
        (Some((config, _)), None) => Some(config.to_string()),
        (None, _) => Some(stored.to_string()),
    }
}

/// The configuration an endpoint serves while it is InService and passes every control: the
/// one a later non-compliant update is rolled back to.
pub(super) fn compliant_endpoint_config<'a>(
    snapshot: &'a Snapshot,
    results: &[ControlResult],
) -> Option<&'a str> {
    let Details::Endpoint(endpoint) = &snapshot.details else {
        return None;
    };
    let serving = snapshot.lifecycle == Lifecycle::Active("InService".into());
    let clean = !results.iter().any(|r| r.is_problem());
    match &endpoint.config {
        Dependency::Found { name, .. } if serving && clean => Some(name),
        _ => None,
    }
}

impl<P: Ports> Inspector<P> {
    /// An endpoint about to be deleted while the policy rolls updates back: another delivery
    /// may have rolled it back (and used up its rollback target) since this one described it.
    /// If the endpoint is changing now, the deletion waits for the change to settle (its state
    /// change triggers the guardrail again) instead of deleting an endpoint on its way back to
    /// a compliant configuration. Any other answer keeps the deletion (fail closed).
    pub(super) async fn recheck_deletion(&self, id: &ResourceId, decision: Plan) -> Plan {
        let deletion = Action::Stop(ResourceKind::Endpoint);
        let rolls_back =
            self.policy.current().endpoint_update == crate::policy::EndpointUpdate::Rollback;
        if !rolls_back
            || decision
                != (Plan::Act {
                    action: deletion.clone(),
                })
        {
            return decision;
        }
        match self.sagemaker.describe(id).await {
            Ok(Some(now)) if matches!(now.lifecycle, Lifecycle::Transitional(_)) => {
                let status = now.lifecycle.status().unwrap_or_default().to_string();
                info!(arn = %id.arn(), status, "endpoint changed since it was described: deletion deferred");
                Plan::Defer {
                    action: deletion,
                    status,
                }
            }
            _ => decision,
        }
    }

    /// Forgets an endpoint's last compliant configuration, best effort: a failure leaves at
    /// worst one more rollback before the endpoint is deleted.
    pub(super) async fn forget_rollback_target(&self, arn: &str, observed: i64) {
        let record = CompliantConfig {
            resource_arn: arn,
            config: None,
            evaluated: observed,
        };
        let forget = || self.store.record_compliant_config(&record);
        if let Err(e) = persist(forget).await {
            warn!(arn, error = %e, "rollback target not forgotten");
        }
    }

    /// SageMaker refused the rollback (`UpdateEndpoint`): if another delivery's rollback to the
    /// same configuration is under way, or the endpoint is gone, the goal is met; otherwise (the
    /// configuration was deleted, the endpoint cannot be updated in its status) the endpoint is
    /// deleted instead, so that a refused rollback never leaves it serving; unless the policy
    /// keeps endpoints (`[remediation] endpoint = "none"`): then the failed rollback is alerted
    /// and the endpoint kept (deployment pipelines delete the previous configuration after an
    /// update, so a refusal is routine).
    pub(super) async fn rollback_refused(
        &self,
        id: &ResourceId,
        config: String,
        refused: AwsError,
    ) -> (Action, ActionResult, Option<AwsError>) {
        let rollback = Action::RollBackEndpoint {
            config: config.clone(),
        };
        match self.sagemaker.describe(id).await {
            Ok(None) => (
                rollback,
                ActionResult::AlreadyDone {
                    detail: format!("endpoint no longer exists ({})", refused.message),
                },
                None,
            ),
            Ok(Some(now))
                if matches!(now.lifecycle, Lifecycle::Transitional(_))
                    && matches!(&now.details, Details::Endpoint(e) if e.config.name() == config) =>
            {
                (
                    rollback,
                    ActionResult::AlreadyDone {
                        detail: format!("rollback to {config} already under way"),
                    },
                    None,
                )
            }
            Ok(Some(_))
                if self.policy.current().endpoint_remediation
                    == crate::policy::EndpointRemediation::None =>
            {
                warn!(arn = %id.arn(), config, error = %refused, "rollback refused: the policy keeps endpoints, so it is not deleted");
                (
                    rollback,
                    ActionResult::Failed {
                        error: format!(
                            "{refused}; not deleted instead: the policy says endpoint = \"none\""
                        ),
                    },
                    None,
                )
            }
            Ok(Some(_)) => {
                warn!(arn = %id.arn(), config, error = %refused, "rollback refused: deleting the endpoint instead");
                let delete = Action::Stop(ResourceKind::Endpoint);
                match self.sagemaker.remediate(id, &delete).await {
                    Ok(()) => (delete, ActionResult::Done, None),
                    Err(e) if e.is_validation() || e.is_not_found() => {
                        let (result, failure) = self.confirm_inactive(id, e).await;
                        (delete, result, failure)
                    }
                    Err(e) => (
                        delete,
                        ActionResult::Failed {
                            error: format!("{refused}; then {e}"),
                        },
                        Some(e),
                    ),
                }
            }
            Err(e) => (
                rollback,
                ActionResult::Failed {
                    error: format!("{refused}; then {e}"),
                },
                Some(e),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{actions, in_status, inspector, Fake, Result};
    use crate::controls::fixtures::endpoint;
    use crate::inspector::Outcome;
    use crate::policy::Policy;
    use crate::resource::{Dependency, Details, Snapshot};
    use crate::store::{CompliantConfig, FindingStore};
    use crate::InspectError;

    /// The endpoint on a configuration of another name.
    fn on_config(mut snapshot: Snapshot, config: &str) -> Snapshot {
        if let Details::Endpoint(crate::resource::EndpointDetails {
            config: Dependency::Found { name, .. },
            ..
        }) = &mut snapshot.details
        {
            *name = config.into();
        }
        snapshot
    }

    /// The store remembers the endpoint compliant on an earlier configuration (its rollback
    /// target).
    async fn compliant_before(inspector: &Fake, endpoint: &Snapshot) -> Result {
        let earlier = CompliantConfig {
            resource_arn: &endpoint.arn,
            config: Some("config-compliant-before"),
            evaluated: 1,
        };
        inspector.store.record_compliant_config(&earlier).await?;
        Ok(())
    }

    /// A refused rollback falls back to deleting the endpoint: its alert was kept before acting,
    /// so the retry of an invocation that failed after the deletion still sends it, once.
    #[tokio::test]
    async fn a_refused_rollback_deletes_and_its_alert_outlives_a_failed_invocation() -> Result {
        let open = in_status(endpoint(|e| e.kms_key_id = None), "InService");
        let id = open.id.clone();
        let inspector = inspector(vec![open.clone()])?;
        compliant_before(&inspector, &open).await?;
        inspector.sagemaker.faults.refuse("UpdateEndpoint", 1);
        inspector.alerts.faults.throttle("Publish", 1);
        let first = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await;
        assert!(
            matches!(first, Err(InspectError::Alert { .. })),
            "{first:?}"
        );
        assert!(inspector.sagemaker.get(&id).is_none(), "deleted");
        for _ in 0..2 {
            let outcome = inspector
                .inspect_swept("sweep", id.clone(), None, Default::default())
                .await?;
            assert!(matches!(outcome, Outcome::Gone { .. }), "{outcome:?}");
        }
        assert_eq!(inspector.alerts.sent().len(), 1);
        Ok(())
    }

    /// Issue 19, case 6: an endpoint deleted without anyone seeing it (no event reached the
    /// guardrail) leaves its rollback target behind; a new endpoint of the same name (another
    /// creation time) whose configuration fails is deleted, never rolled back to what the old
    /// one served. The same endpoint updated to a failing configuration is rolled back.
    #[tokio::test]
    async fn a_rollback_target_belongs_to_one_incarnation_of_the_endpoint() -> Result {
        let mut old = in_status(endpoint(|_| {}), "InService");
        old.created_ms = Some(1_764_547_200_000);
        let id = old.id.clone();
        let (first, again) = (inspector(vec![old.clone()])?, inspector(vec![old.clone()])?);
        let inspector = first;
        inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        let failing = |created_ms| {
            let mut e = in_status(endpoint(|e| e.kms_key_id = None), "InService");
            e.created_ms = Some(created_ms);
            on_config(e, "config-failing")
        };
        // Another endpoint of the same name, the old one gone unseen
        inspector.sagemaker.put(failing(1_764_550_000_000));
        let outcome = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            panic!("evaluated: {outcome:?}")
        };
        assert_eq!(report.remediation.outcome().as_str(), "deleted");
        // The same incarnation updated to a failing configuration is rolled back
        again
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        again.sagemaker.put(failing(1_764_547_200_000));
        let outcome = again
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            panic!("evaluated: {outcome:?}")
        };
        assert_eq!(report.remediation.outcome().as_str(), "rolled back");
        Ok(())
    }

    /// Issue 19, case 6: an endpoint seen being deleted forgets its rollback target, so a new
    /// endpoint of the same name whose first configuration fails is deleted, never "rolled back"
    /// to the configuration (and the model) the old one served.
    #[tokio::test]
    async fn a_deleted_endpoint_takes_its_rollback_target_with_it() -> Result {
        let old = in_status(endpoint(|_| {}), "InService");
        let id = old.id.clone();
        let inspector = inspector(vec![old.clone()])?;
        inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        let remembered = inspector.store.last_compliant_config(&old.arn).await?;
        assert!(
            remembered.is_some(),
            "the compliant configuration is the rollback target"
        );
        // Its owner deletes it (the state change reports Deleting)
        inspector.sagemaker.put(in_status(old.clone(), "Deleting"));
        inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        // A new endpoint of the same name, on a failing configuration of its own
        let new = in_status(endpoint(|e| e.kms_key_id = None), "InService");
        inspector
            .sagemaker
            .put(on_config(new, "config-of-the-new-endpoint"));
        let outcome = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            panic!("evaluated: {outcome:?}")
        };
        assert_eq!(report.remediation.outcome().as_str(), "deleted");
        Ok(())
    }

    /// A refused rollback never deletes an endpoint the policy keeps (`endpoint = "none"`): the
    /// failure is alerted once, and the endpoint keeps serving.
    #[tokio::test]
    async fn a_refused_rollback_keeps_an_endpoint_the_policy_keeps() -> Result {
        let open = in_status(endpoint(|e| e.kms_key_id = None), "InService");
        let id = open.id.clone();
        let mut inspector = inspector(vec![open.clone()])?;
        inspector.policy =
            Policy::from_toml("[remediation]\nendpoint = \"none\"\n", "test")?.into();
        compliant_before(&inspector, &open).await?;
        inspector.sagemaker.faults.refuse("UpdateEndpoint", 1);
        let outcome = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            panic!("evaluated: {outcome:?}")
        };
        assert_eq!(report.remediation.outcome().as_str(), "failed");
        assert!(actions(&inspector).is_empty(), "{:?}", actions(&inspector));
        assert!(inspector.sagemaker.get(&id).is_some(), "kept");
        assert_eq!(inspector.alerts.sent().len(), 1);
        Ok(())
    }

    /// An endpoint another delivery rolled back (using up the rollback target) after this one
    /// described it is not deleted on its way back to compliance: the deletion waits for the
    /// update to settle.
    #[tokio::test]
    async fn an_endpoint_rolled_back_by_another_delivery_meanwhile_is_not_deleted() -> Result {
        let open = in_status(endpoint(|e| e.kms_key_id = None), "InService");
        let id = open.id.clone();
        let inspector = inspector(vec![open])?;
        inspector
            .sagemaker
            .change_after_describe(in_status(endpoint(|_| {}), "Updating"));
        let outcome = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            panic!("evaluated: {outcome:?}")
        };
        assert_eq!(report.remediation.outcome().as_str(), "deferred");
        assert!(actions(&inspector).is_empty(), "{:?}", actions(&inspector));
        assert!(inspector.sagemaker.get(&id).is_some());
        Ok(())
    }
}
