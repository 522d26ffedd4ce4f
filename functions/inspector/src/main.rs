//! The `inspector` Lambda: wiring only. The handler is `guardrail_core::Inspector::handle`.

use std::sync::Arc;

use guardrail_core::aws::{self, Fleet, FunctionEnv};
use guardrail_core::store::DynamoStore;
use guardrail_core::Policy;
use lambda_runtime::{run, service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    guardrail_core::init_lambda_tracing();

    // Fail fast on configuration: a bad policy or a missing variable stops the cold start.
    let policy = Policy::from_env()?;
    let env = FunctionEnv::from_env()?;
    let config = aws::load_config().await;
    let fleet = Arc::new(Fleet::discover(config.clone(), env.member_role).await?);
    let store = DynamoStore::new(aws_sdk_dynamodb::Client::new(&config), env.table);
    let inspector = aws::inspector(
        &config,
        fleet,
        env.topic_arn,
        store,
        env.security_hub,
        policy,
    );
    tracing::info!(policy = %inspector.policy.source, version = %inspector.policy.version, "inspector ready");

    let inspector = &inspector;
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        inspector.handle(&event.payload).await
    }))
    .await
}
