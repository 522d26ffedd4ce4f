//! The `inspector` Lambda: wiring only. The handler is
//! `guardrail_core::Inspector::handle_invocation`.

use guardrail_aws::{lambda, Deployment};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda::init_tracing();
    guardrail_core::metrics::enable("inspector");
    // Fail fast on configuration: a policy that cannot be read or is invalid, or a missing
    // variable, stops the cold start.
    let deployment = Deployment::from_env().await?;
    let inspector = deployment.function_inspector()?;
    let failures = deployment.failure_queue()?;
    let policy = inspector.policy.current();
    tracing::info!(policy = %policy.source, version = %policy.version, "inspector ready");
    let (deployment, inspector, failures) = (&deployment, &inspector, &failures);
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        deployment.refresh_policy().await;
        let outcome = inspector.handle_invocation(&event.payload, failures).await;
        outcome.map_err(lambda::diagnostic)
    }))
    .await
}
