//! The `sweeper` Lambda: wiring only. The schedule fans the sweep out on the queue, one message
//! per target (`guardrail_core::sweep::fan_out`), or sweeps every target itself when no queue is
//! configured; a batch from the queue sweeps its targets (`guardrail_core::sweep::sweep_batch`),
//! then handles the events their member stacks could not forward
//! (`guardrail_core::sweep::recover_forwarded`).

use guardrail_aws::{lambda, Deployment};
use guardrail_core::sweep::{self, SweeperEvent};
use lambda_runtime::{run, service_fn, Diagnostic, Error, LambdaEvent};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda::init_tracing();
    guardrail_core::metrics::enable("sweeper");
    // Fail fast on configuration: a policy that cannot be read or is invalid, or a missing
    // variable, stops the cold start. The accounts are listed at sweep time, not here.
    let deployment = Deployment::from_env().await?;
    let inspector = deployment.function_inspector()?;
    let scope = deployment.sweep_scope()?;
    let inventory = deployment.inventory();
    let queue = deployment.sweep_queue();
    let organization = deployment.organization();
    // With member accounts: their forwarding dead letters, handled like events (a malformed one
    // kept in the failure queue, as the inspector keeps it).
    let recovery = match deployment.dead_letters() {
        Some((letters, name)) => Some((letters, name, deployment.failure_queue()?)),
        None => None,
    };
    tracing::info!(policy = %inspector.policy.current().source, accounts = ?scope.accounts, fan_out = queue.is_some(), "sweeper ready");
    let (deployment, inspector, inventory, scope, queue, organization, recovery) = (
        &deployment,
        &inspector,
        &inventory,
        &scope,
        &queue,
        &organization,
        &recovery,
    );
    let recover = move |targets: Vec<sweep::Target>| async move {
        if let Some((letters, name, failures)) = recovery {
            sweep::recover_forwarded(inspector, failures, letters, name, &targets).await;
        }
    };
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        deployment.refresh_policy().await;
        let context = &event.context;
        // Only a sweep needs its options (and logs its start); a fan-out does not.
        let options = || scope.options(&context.request_id, context.deadline);
        let answer = match SweeperEvent::parse(&event.payload, &context.request_id) {
            SweeperEvent::Targets(batch) => {
                let targets = batch.iter().filter_map(|(_, r)| r.as_ref().ok());
                let targets = targets.map(|r| r.target.clone()).collect();
                let (response, _) =
                    sweep::sweep_batch(inspector, inventory, batch, &options()).await;
                recover(targets).await;
                serde_json::to_value(response)
            }
            SweeperEvent::Tick { sweep_id } => {
                let chosen = scope
                    .targets(organization)
                    .await
                    .map_err(lambda::diagnostic)?;
                match queue {
                    Some(queue) => {
                        let enqueued = sweep::fan_out(queue, &sweep_id, &chosen.targets)
                            .await
                            .map_err(lambda::diagnostic)?;
                        Ok(json!({ "sweep_id": sweep_id, "enqueued": enqueued,
                                   "skipped": chosen.skipped, "excluded": chosen.excluded }))
                    }
                    None => {
                        let options = sweep::SweepOptions {
                            sweep_id,
                            ..options()
                        };
                        let summary =
                            sweep::sweep(inspector, inventory, &chosen.targets, &options).await;
                        recover(chosen.targets).await;
                        serde_json::to_value(summary.into_result().map_err(lambda::diagnostic)?)
                    }
                }
            }
        };
        answer.map_err(|e| Diagnostic {
            error_type: "Guardrail.Encoding".into(),
            error_message: e.to_string(),
        })
    }))
    .await
}
