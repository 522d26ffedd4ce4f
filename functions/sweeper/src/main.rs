//! The `sweeper` Lambda: wiring only. Each invocation is a `guardrail_core::sweep::sweep`.

use guardrail_aws::{lambda, Deployment};
use guardrail_core::sweep;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda::init_tracing();
    // Fail fast on configuration: a bad policy or a missing variable stops the cold start.
    let deployment = Deployment::from_env().await?;
    let inspector = deployment.function_inspector()?;
    let scope = deployment.sweep_scope()?;
    let inventory = deployment.inventory();
    tracing::info!(policy = %inspector.policy.source, targets = scope.targets.len(), "sweeper ready");
    let (inspector, inventory, scope) = (&inspector, &inventory, &scope);
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        let options = scope.options(&event.context.request_id, event.context.deadline);
        let summary = sweep::sweep(inspector, inventory, &scope.targets, &options).await;
        summary.into_result().map_err(lambda::diagnostic)
    }))
    .await
}
