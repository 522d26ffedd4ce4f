//! The `sweeper` Lambda: wiring only. The invocation is `guardrail_core::sweep::invocation`.

use guardrail_aws::{lambda, PerAccount, SageMakerInventory};
use guardrail_core::env::Environment;
use guardrail_core::sweep::{self, SweepEnv};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda::init_tracing();
    // Fail fast on configuration: a bad policy or a missing variable stops the cold start.
    let env = Environment::from_process();
    let (inspector, fleet, _config) = guardrail_aws::function_inspector(&env).await?;
    let scope = SweepEnv::from_env(&env, fleet.home_account(), fleet.home_region())?;
    let inventory = PerAccount::new(fleet, |c| {
        SageMakerInventory::new(aws_sdk_sagemaker::Client::new(c))
    });
    tracing::info!(policy = %inspector.policy.source, targets = scope.targets.len(), "sweeper ready");
    let (inspector, inventory, scope) = (&inspector, &inventory, &scope);
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        let (id, deadline) = (&event.context.request_id, event.context.deadline);
        let summary = sweep::invocation(inspector, inventory, scope, id, deadline).await;
        summary.map_err(lambda::diagnostic)
    }))
    .await
}
