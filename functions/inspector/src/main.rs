//! The `inspector` Lambda: wiring only. The handler is `guardrail_core::Inspector::handle`.

use guardrail_core::store::DynamoStore;
use guardrail_core::{aws, Policy};
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_current_span(false)
        .without_time()
        .init();

    // Fail fast on configuration: a bad policy or a missing topic stops the cold start.
    let policy = Policy::from_env()?;
    let topic = std::env::var("ALERT_TOPIC_ARN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or("ALERT_TOPIC_ARN is not set: the inspector needs a topic for alerts")?;
    let table = std::env::var("FINDINGS_TABLE")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .ok_or("FINDINGS_TABLE is not set: the inspector stores findings in DynamoDB")?;
    let config = aws::load_config().await;
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), table);
    let security_hub = match std::env::var("SECURITY_HUB").as_deref() {
        Ok("on") => true,
        Ok("off") | Ok("") | Err(_) => false,
        Ok(other) => {
            return Err(format!("SECURITY_HUB must be `on` or `off`, not `{other}`").into())
        }
    };
    let inspector = aws::inspector(&config, topic, store, security_hub, policy);
    tracing::info!(policy = %inspector.policy.source, version = %inspector.policy.version, "inspector ready");

    let inspector = &inspector;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        inspector.handle(&event.payload).await
    }))
    .await
}
