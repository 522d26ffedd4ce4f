//! The `inspector` Lambda: wiring only. The handlers are
//! `guardrail_core::Inspector::handle_invocation` (an EventBridge event) and
//! `guardrail_core::Inspector::handle_rechecks` (a batch of the re-check queue).

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
    let rechecks = deployment.recheck_queue();
    let policy = inspector.policy.current();
    tracing::info!(policy = %policy.source, version = %policy.version, "inspector ready");
    let (deployment, inspector, failures, rechecks) =
        (&deployment, &inspector, &failures, &rechecks);
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        deployment.refresh_policy().await;
        let answer = if event.payload.get("Records").is_some() {
            let batch = inspector.handle_rechecks(&event.payload, rechecks).await;
            batch.map(serde_json::to_value)
        } else {
            let outcome = inspector
                .handle_invocation(&event.payload, failures, rechecks)
                .await;
            outcome.map(serde_json::to_value)
        };
        match answer {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(source)) => Err(lambda::diagnostic(guardrail_core::InspectError::Encode {
                event_id: "the answer".into(),
                source,
            })),
            Err(e) => Err(lambda::diagnostic(e)),
        }
    }))
    .await
}
