//! Who a finding is owed to (issue 19, case 11): the caller of the call that made the problem,
//! kept through the state change and the sweep that follow; else the caller of the latest call
//! on that incarnation of the resource in CloudTrail.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tracing::warn;

use super::Inspector;
use crate::event::{self, Actor, Trigger};
use crate::finding::{ControlResult, Status};
use crate::findings;
use crate::ports::{ActivityLog, Ports};
use crate::resource::Snapshot;
use crate::store::{FindingStore, StoreError};

impl<P: Ports> Inspector<P> {
    /// Who the problem is owed to: the caller of the triggering call; else whoever the stored
    /// finding names for this problem on this incarnation (the call that made it, judged before
    /// the state change or sweep that follows: Alice's `UpdateEndpoint` on Bob's endpoint stays
    /// Alice's); else the caller of the latest call on the resource from CloudTrail (for an event:
    /// a sweep attributes in bulk). A stored finding that cannot be read fails the invocation
    /// (the store is the deployment's own, and guessing would hand Alice's problem to the
    /// resource's creator); a CloudTrail lookup is best effort: a failed one is logged and the
    /// finding goes on without an actor.
    pub(super) async fn actor(
        &self,
        trigger: &Trigger,
        snapshot: &Snapshot,
        results: &[ControlResult],
    ) -> Result<Option<Actor>, StoreError> {
        if trigger.actor.is_some() && matches!(trigger.cause, event::Cause::ApiCall { .. }) {
            return Ok(trigger.actor.clone());
        }
        if let Some(actor) = self.remembered_actor(snapshot, results).await? {
            return Ok(Some(actor));
        }
        if trigger.actor.is_some() || matches!(trigger.cause, event::Cause::Sweep { .. }) {
            return Ok(trigger.actor.clone());
        }
        let creator = self.trail.creator(&trigger.resource, snapshot.created_ms);
        Ok(match Box::pin(creator).await {
            Ok(actor) => actor,
            Err(e) => {
                warn!(event_id = trigger.event_id, error = %e, "creator not found in CloudTrail");
                crate::metrics::attribution_failed();
                None
            }
        })
    }

    /// The actor the stored finding of the evaluation's first problem names, when it records
    /// that problem (failing or unverified) on this incarnation of the resource.
    async fn remembered_actor(
        &self,
        snapshot: &Snapshot,
        results: &[ControlResult],
    ) -> Result<Option<Actor>, StoreError> {
        let Some(problem) = results.iter().find(|r| r.is_problem()) else {
            return Ok(None);
        };
        let id = findings::finding_id(&snapshot.arn, problem.control.as_str());
        let Some(stored) = self.store.finding(&id).await? else {
            return Ok(None);
        };
        let created = snapshot.created_ms.and_then(|ms| {
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
                .ok()?
                .replace_millisecond(0)
                .ok()?
                .format(&Rfc3339)
                .ok()
        });
        // Written by an evaluation of this incarnation (each one writes the actor anew).
        let this_incarnation = created.is_none_or(|c| stored.last_seen >= c);
        let open = matches!(stored.status, Status::Fail | Status::Error);
        Ok(stored
            .actor
            .filter(|_| open && this_incarnation)
            .map(|arn| Actor {
                arn: Some(arn),
                ..Actor::default()
            }))
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{actions, in_status, inspector, Result};
    use crate::controls::fixtures::notebook;
    use crate::event::Actor;
    use crate::findings;
    use crate::store::FindingStore;

    /// Issue 19, case 11: the caller of the call that made the problem keeps it through the
    /// state change and the sweep that follow, whoever CloudTrail says created the resource
    /// (Alice's call on Bob's notebook stays Alice's).
    #[tokio::test]
    async fn the_caller_of_the_call_that_made_a_problem_keeps_it() -> Result {
        let alice = "arn:aws:sts::123456789012:assumed-role/DataScientist/alice";
        let bob = Actor {
            arn: Some("arn:aws:sts::123456789012:assumed-role/DataScientist/bob".into()),
            ..Actor::default()
        };
        let pending = in_status(notebook(|n| n.vpc = None), "Pending");
        let id = pending.id.clone();
        let inspector = inspector(vec![pending.clone()])?;
        inspector.trail.created(&id, bob.clone());
        let renamed = |text: &str| {
            text.replace("\"open-nb\"", "\"res\"")
                .replace("notebook-instance/open-nb", "notebook-instance/res")
        };
        let call = renamed(include_str!(
            "../../../../events/notebook/create-noncompliant.json"
        ));
        let change = renamed(include_str!(
            "../../../../events/notebook/state-change.json"
        ));
        let finding = findings::finding_id(&id.arn(), "vpc-attached");
        let actor_of = || async {
            let stored = inspector.store.finding(&finding).await?;
            Ok::<_, Box<dyn std::error::Error>>(stored.ok_or("no finding stored")?.actor)
        };
        inspector.handle(&serde_json::from_str(&call)?).await?;
        assert_eq!(actor_of().await?.as_deref(), Some(alice));
        inspector.sagemaker.put(in_status(pending, "InService"));
        // A stored finding that cannot be read fails the invocation: Bob is not guessed.
        inspector.store.faults.throttle("get", 1);
        let failed = inspector.handle(&serde_json::from_str(&change)?).await;
        assert!(
            matches!(failed, Err(crate::InspectError::Store { .. })),
            "{failed:?}"
        );
        assert_eq!(actor_of().await?.as_deref(), Some(alice));
        inspector.handle(&serde_json::from_str(&change)?).await?;
        assert_eq!(actions(&inspector), ["StopNotebookInstance"]);
        assert_eq!(actor_of().await?.as_deref(), Some(alice));
        inspector
            .inspect_swept("sweep", id.clone(), Some(bob), Default::default())
            .await?;
        assert_eq!(actor_of().await?.as_deref(), Some(alice));
        Ok(())
    }
}
