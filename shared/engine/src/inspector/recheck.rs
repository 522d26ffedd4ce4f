//! Containment that no event brings back (issue 19, case 12): a Studio app still `Pending`
//! cannot be deleted yet, and Studio sends no state change once it is up, so Lambda's retries
//! (about three minutes) would leave it running until the next sweep. Such a deferred
//! containment is checked again from the re-check queue, on [`DELAYS`], until it holds; when
//! they run out it is alerted as one that could not be contained (`cannot-act`).

use std::time::Duration;

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::{error, warn};

use super::{now, observed_nanos, InspectError, Inspector, Judged};
use crate::ports::{AwsError, Known, Ports, Rechecks};
use crate::remediation::Plan;
use crate::report::{ActionOutcome, ActionResult, Remediation, Report};
use crate::resource::{ResourceId, ResourceKind};
use crate::Outcome;

/// The waits before each re-check (SQS delays a message 15 minutes at most): 1, 2, 5 and 10
/// minutes, then 15-minute steps; 78 minutes in all before a containment that never held is
/// alerted as such.
const DELAYS: [u64; 8] = [60, 120, 300, 600, 900, 900, 900, 900];

/// A resource whose containment is checked again later: the message of the re-check queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recheck {
    pub kind: String,
    pub name: String,
    pub account: String,
    pub region: String,
    /// Re-checks made so far.
    pub attempt: usize,
    /// When the containment was first deferred (RFC 3339).
    pub since: String,
}

impl Recheck {
    fn first(report: &Report) -> Recheck {
        let r = &report.resource;
        Recheck {
            kind: r.kind.as_str().to_string(),
            name: r.name.clone(),
            account: r.account.clone(),
            region: r.region.clone(),
            attempt: 0,
            since: report.evaluated_at.clone(),
        }
    }

    /// How long to wait before this re-check.
    pub fn delay(&self) -> Duration {
        Duration::from_secs(DELAYS[self.attempt.min(DELAYS.len() - 1)])
    }

    fn resource(&self) -> Option<ResourceId> {
        Some(ResourceId {
            kind: ResourceKind::parse(&self.kind)?,
            name: self.name.clone(),
            account: self.account.clone(),
            region: self.region.clone(),
        })
    }
}

/// No re-check queue (a local run): a deferred containment waits for the next sweep.
impl Rechecks for () {
    async fn later(&self, _: &Recheck, _: Duration) -> Result<(), AwsError> {
        Ok(())
    }
}

/// Whether the report's containment waits on a state no event announces.
fn due(report: &Report) -> bool {
    report.remediation.outcome() == ActionOutcome::Deferred
        && report.resource.kind.state_change().detail_type.is_none()
}

impl<P: Ports> Inspector<P> {
    /// Enqueues the first re-check of a deferred containment that no event brings back.
    pub(crate) async fn schedule_recheck(
        &self,
        report: &Report,
        rechecks: &impl Rechecks,
    ) -> Result<(), AwsError> {
        if !due(report) {
            return Ok(());
        }
        let first = Recheck::first(report);
        rechecks.later(&first, first.delay()).await
    }

    /// One re-check: the resource judged and acted on again. Still deferred, the next re-check;
    /// past the last one, alerted as a containment that could not be made.
    pub async fn recheck(&self, request: &Recheck) -> Result<Option<Recheck>, InspectError> {
        let Some(id) = request.resource() else {
            return Err(InspectError::Recheck {
                arn: request.name.clone(),
                reason: format!("`{}` is not a kind this version knows", request.kind),
            });
        };
        // (a message is anyone's with access to the queue: its count is not trusted to be small)
        let attempt = request.attempt.saturating_add(1);
        let sweep_id = format!("recheck/{}#{attempt}", request.since);
        let Outcome::Evaluated { report, .. } = self
            .inspect_swept(&sweep_id, id, None, Known::default())
            .await?
        else {
            return Ok(None);
        };
        if !due(&report) {
            return Ok(None);
        }
        let next = Recheck {
            attempt,
            ..request.clone()
        };
        if next.attempt < DELAYS.len() {
            return Ok(Some(next));
        }
        self.give_up(*report, &next).await?;
        Ok(None)
    }

    /// The containment never held: the problem is recorded and alerted as one that cannot be
    /// acted on, a change of phase from `deferred`, so it alerts.
    async fn give_up(&self, mut report: Report, last: &Recheck) -> Result<(), InspectError> {
        let Plan::Defer { status, .. } = &report.remediation.plan else {
            return Ok(());
        };
        let status = format!(
            "{status} since {}, after {} re-checks",
            last.since, last.attempt
        );
        warn!(arn = %report.resource.arn, status, "containment never held");
        report.remediation = Remediation {
            plan: Plan::CannotAct { status },
            result: ActionResult::NoCall,
            at: None,
        };
        report.evaluated_at = now().0;
        let judged = Judged {
            report,
            failure: None,
            compliant_config: None,
        };
        self.conclude(judged, observed_nanos()).await.map(drop)
    }

    /// A batch of the re-check queue: each message re-checked and its next re-check enqueued; one
    /// that fails (or is not a re-check) is handed back to the queue, which keeps it in the
    /// failure queue after three receipts.
    pub async fn handle_rechecks(
        &self,
        event: &Value,
        rechecks: &impl Rechecks,
    ) -> Result<SqsBatchResponse, InspectError> {
        let batch: SqsEvent =
            serde_json::from_value(event.clone()).map_err(|source| InspectError::Encode {
                event_id: "re-check batch".into(),
                source,
            })?;
        let mut response = SqsBatchResponse::default();
        for record in batch.records {
            let message_id = record.message_id.unwrap_or_default();
            let body = record.body.unwrap_or_default();
            let handled = async {
                let request: Recheck =
                    serde_json::from_str(&body).map_err(|e| format!("not a re-check: {e}"))?;
                if let Some(next) = self.recheck(&request).await.map_err(|e| e.to_string())? {
                    let delay = next.delay();
                    rechecks
                        .later(&next, delay)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                Ok::<(), String>(())
            }
            .await;
            if let Err(reason) = handled {
                error!(
                    message_id,
                    reason, "re-check failed: handed back to its queue"
                );
                let mut failure = BatchItemFailure::default();
                failure.item_identifier = message_id;
                response.batch_item_failures.push(failure);
            }
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{actions, in_status, inspector, Result};
    use super::*;
    use crate::controls::fixtures::app;
    use crate::fakes::FakeRechecks;
    use crate::resource::Snapshot;
    use crate::store::FindingStore;

    /// The sample `CreateApp`'s app, in `status`, on a domain without a home volume key.
    fn alice_app(status: &str) -> Snapshot {
        let mut snapshot = in_status(app(|d| d.kms_key_id = None), status);
        snapshot.id.name = "d-mlplatform01/alice/JupyterServer/default".into();
        snapshot.arn = snapshot.id.arn();
        snapshot
    }

    /// Issue 19, case 12: a failing Studio app still `Pending` (nothing can delete it yet, and
    /// no event says when it is up) is checked again on a delay; up by then, it is deleted and
    /// the re-checks stop.
    #[tokio::test]
    async fn a_pending_app_is_checked_again_until_it_can_be_deleted() -> Result {
        let inspector = inspector(vec![alice_app("Pending")])?;
        let (failures, rechecks) = (
            crate::fakes::FakeFailureQueue::default(),
            FakeRechecks::default(),
        );
        let event: Value =
            serde_json::from_str(include_str!("../../../../events/studio/create-app.json"))?;
        let outcome = inspector
            .handle_invocation(&event, &failures, &rechecks)
            .await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            return Err(format!("not evaluated: {outcome:?}").into());
        };
        assert_eq!(report.remediation.outcome(), ActionOutcome::Deferred);
        let queued = rechecks.queued();
        assert_eq!(queued.len(), 1, "{queued:?}");
        assert_eq!(queued[0].1, Duration::from_secs(60));
        // Still Pending: the next re-check
        let next = inspector.recheck(&queued[0].0).await?;
        assert_eq!(next.as_ref().map(|n| n.attempt), Some(1));
        assert!(actions(&inspector).is_empty());
        // Up: deleted, and no more re-checks
        inspector.sagemaker.put(alice_app("InService"));
        let after = inspector.recheck(&next.ok_or("no next re-check")?).await?;
        assert_eq!(after, None);
        assert_eq!(actions(&inspector), ["DeleteApp"]);
        Ok(())
    }

    /// A sweep that finds a failing app still `Pending` queues its re-check too, when it has the
    /// queue.
    #[tokio::test]
    async fn a_sweep_queues_the_re_check_of_what_it_finds_deferred() -> Result {
        use super::super::tests::{home, inventory, options};
        let inspector = inspector(vec![alice_app("Pending")])?;
        let rechecks = std::sync::Arc::new(FakeRechecks::default());
        let options = crate::sweep::SweepOptions {
            rechecks: Some(rechecks.clone()),
            ..options("sweep/pending")
        };
        let summary =
            crate::sweep::sweep(&inspector, &inventory(&inspector), &[home()], &options).await;
        assert!(summary.failures.is_empty(), "{:?}", summary.failures);
        let queued = rechecks.queued();
        assert_eq!(queued.len(), 1, "{queued:?}");
        assert_eq!(
            queued[0].0.name,
            "d-mlplatform01/alice/JupyterServer/default"
        );
        Ok(())
    }

    /// When the re-checks run out, the containment that never held is alerted as such, after the
    /// alert of the deferral.
    #[tokio::test]
    async fn a_containment_that_never_holds_is_alerted_when_the_re_checks_run_out() -> Result {
        let inspector = inspector(vec![alice_app("Pending")])?;
        let rechecks = FakeRechecks::default();
        let batch = |request: &Recheck| serde_json::json!({"Records": [{"messageId": "m1", "body": serde_json::to_string(request).unwrap_or_default()}]});
        let mut request = Recheck {
            kind: "app".into(),
            name: "d-mlplatform01/alice/JupyterServer/default".into(),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            attempt: 0,
            since: "2026-12-06T20:00:00Z".into(),
        };
        for attempt in 1..DELAYS.len() {
            let response = inspector
                .handle_rechecks(&batch(&request), &rechecks)
                .await?;
            assert!(response.batch_item_failures.is_empty());
            let queued = rechecks.queued();
            request = queued.last().map(|q| q.0.clone()).ok_or("nothing queued")?;
            assert_eq!(request.attempt, attempt);
        }
        let deferred = inspector.alerts.sent().len();
        inspector
            .handle_rechecks(&batch(&request), &rechecks)
            .await?;
        assert_eq!(
            rechecks.queued().len(),
            DELAYS.len() - 1,
            "no re-check after the last"
        );
        let sent = inspector.alerts.sent();
        assert_eq!(sent.len(), deferred + 1, "{sent:?}");
        assert!(actions(&inspector).is_empty());
        let id = crate::findings::finding_id(&alice_app("Pending").arn, "volume-kms");
        let stored = inspector
            .store
            .finding(&id)
            .await?
            .ok_or("no finding stored")?;
        assert_eq!(
            stored.remediation.map(|r| r.result),
            Some(ActionOutcome::CannotAct)
        );
        // A message that is not a re-check is handed back
        let junk = serde_json::json!({"Records": [{"messageId": "m2", "body": "{}"}]});
        let response = inspector.handle_rechecks(&junk, &rechecks).await?;
        assert_eq!(response.batch_item_failures.len(), 1);
        Ok(())
    }
}
