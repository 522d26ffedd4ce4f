//! The `sweeper` Lambda's handler: what an invocation is (a tick of the schedule, or targets the
//! sweep queue hands over) and what it does about it. The function only wires this up.

use serde_json::{json, Value};

use super::{
    fan_out, recover_forwarded, sweep, sweep_batch, QueueRecheck, SweepEnv, SweepIncomplete,
    SweepOptions, SweeperEvent, Target,
};
use crate::inspector::Inspector;
use crate::ports::{
    AwsError, DeadLetters, FailureQueue, Inventory, Organization, Ports, SweepQueue,
};

/// Where the forwarding dead letters of member accounts are, and where a malformed one is kept.
pub struct Recovery<'a, D, F> {
    pub letters: &'a D,
    /// The queues' name (`<MEMBER_ROLE_NAME>-forwarding`).
    pub queue: &'a str,
    pub failures: &'a F,
}

/// The sweeper's dependencies, built once per container.
pub struct Sweeper<'a, P: Ports, I, Q, O, D, F> {
    pub inspector: &'a Inspector<P>,
    pub inventory: &'a I,
    pub scope: &'a SweepEnv,
    /// The sweep queue to fan out on; without it a tick sweeps every target itself.
    pub queue: Option<&'a Q>,
    pub organization: &'a O,
    /// With member accounts, their forwarding dead letters.
    pub recovery: Option<Recovery<'a, D, F>>,
    /// The re-check queue, for what a sweep finds deferred and no event brings back.
    pub rechecks: Option<std::sync::Arc<dyn QueueRecheck>>,
}

/// Why an invocation of the sweeper failed (Lambda then retries it, or the queue does).
#[derive(Debug, thiserror::Error)]
pub enum SweeperError {
    #[error(transparent)]
    Aws(#[from] AwsError),
    #[error(transparent)]
    Incomplete(#[from] SweepIncomplete),
    #[error("cannot encode the answer: {0}")]
    Encoding(#[from] serde_json::Error),
}

impl crate::ErrorType for SweeperError {
    fn error_type(&self) -> &'static str {
        match self {
            SweeperError::Aws(e) => e.error_type(),
            SweeperError::Incomplete(e) => e.error_type(),
            SweeperError::Encoding(_) => "Guardrail.Encoding",
        }
    }
}

impl<P, I, Q, O, D, F> Sweeper<'_, P, I, Q, O, D, F>
where
    P: Ports,
    I: Inventory,
    Q: SweepQueue,
    O: Organization,
    D: DeadLetters,
    F: FailureQueue,
{
    /// One invocation: a tick lists the targets (the organisation's accounts now) and fans them
    /// out on the queue, or sweeps them itself; a batch from the queue sweeps its targets. Each
    /// swept target's forwarding dead letters are handled afterwards. `deadline_ms` is the
    /// invocation's deadline (milliseconds since the epoch).
    pub async fn handle(
        &self,
        payload: &Value,
        request_id: &str,
        deadline_ms: u64,
    ) -> Result<Value, SweeperError> {
        // Only a sweep needs its options (and logs its start); a fan-out does not.
        let options = || SweepOptions {
            rechecks: self.rechecks.clone(),
            ..self.scope.options(request_id, deadline_ms)
        };
        match SweeperEvent::parse(payload, request_id) {
            SweeperEvent::Targets(batch) => {
                let targets: Vec<Target> = batch
                    .iter()
                    .filter_map(|(_, r)| r.as_ref().ok().map(|r| r.target.clone()))
                    .collect();
                let (response, _) =
                    sweep_batch(self.inspector, self.inventory, batch, &options()).await;
                self.recover(&targets).await;
                Ok(serde_json::to_value(response)?)
            }
            SweeperEvent::Tick { sweep_id } => {
                let chosen = self.scope.targets(self.organization).await?;
                match self.queue {
                    Some(queue) => {
                        let enqueued = fan_out(queue, &sweep_id, &chosen.targets).await?;
                        Ok(json!({ "sweep_id": sweep_id, "enqueued": enqueued,
                                   "skipped": chosen.skipped, "excluded": chosen.excluded }))
                    }
                    None => {
                        let options = SweepOptions {
                            sweep_id,
                            ..options()
                        };
                        let summary =
                            sweep(self.inspector, self.inventory, &chosen.targets, &options).await;
                        self.recover(&chosen.targets).await;
                        Ok(serde_json::to_value(summary.into_result()?)?)
                    }
                }
            }
        }
    }

    async fn recover(&self, targets: &[Target]) {
        if let Some(Recovery {
            letters,
            queue,
            failures,
        }) = &self.recovery
        {
            recover_forwarded(self.inspector, *failures, *letters, queue, targets).await;
        }
    }
}
