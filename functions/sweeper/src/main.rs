//! The `sweeper` Lambda: wiring only. The handler is `guardrail_core::sweep::Sweeper::handle`.

use guardrail_aws::{lambda, Deployment};
use guardrail_core::sweep::{Recovery, Sweeper};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

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
    let recovery = deployment.dead_letters()?;
    let rechecks = deployment.recheck_queue();
    let sweeper = Sweeper {
        inspector: &inspector,
        inventory: &inventory,
        scope: &scope,
        queue: queue.as_ref(),
        organization: &organization,
        recovery: recovery
            .as_ref()
            .map(|(letters, queue, failures)| Recovery {
                letters,
                queue,
                failures,
            }),
        rechecks: rechecks.map(|q| std::sync::Arc::new(q) as _),
    };
    tracing::info!(policy = %inspector.policy.current().source, accounts = ?scope.accounts, fan_out = queue.is_some(), "sweeper ready");
    let (deployment, sweeper) = (&deployment, &sweeper);
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        deployment.refresh_policy().await;
        let context = &event.context;
        let answer = sweeper
            .handle(&event.payload, &context.request_id, context.deadline)
            .await;
        answer.map_err(lambda::diagnostic)
    }))
    .await
}
