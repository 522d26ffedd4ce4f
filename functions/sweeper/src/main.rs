//! The `sweeper` Lambda: wiring only. The invocation is `guardrail_core::sweep::invocation`.

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
        let (id, deadline) = (&event.context.request_id, event.context.deadline);
        let summary = sweep::invocation(inspector, inventory, scope, id, deadline).await;
        summary.map_err(lambda::diagnostic)
    }))
    .await
}
