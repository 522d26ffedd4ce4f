//! The `sweeper` Lambda: wiring only. The sweep is `guardrail_core::sweep::sweep`.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use guardrail_core::aws::{self, PerAccount, SageMakerInventory};
use guardrail_core::sweep::{self, SweepEnv, SweepOptions};
use lambda_runtime::{run, service_fn, Diagnostic, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    guardrail_core::init_lambda_tracing();

    // Fail fast on configuration: a bad policy or a missing variable stops the cold start.
    let env = guardrail_core::env::Environment::from_process();
    let (inspector, fleet, _config) = aws::function_inspector(&env).await?;
    let scope = SweepEnv::from_env(&env, fleet.home_account(), fleet.home_region())?;
    let inventory = PerAccount::new(fleet, |c| {
        SageMakerInventory::new(aws_sdk_sagemaker::Client::new(c))
    });
    tracing::info!(policy = %inspector.policy.source, targets = scope.targets.len(), "sweeper ready");

    let (inspector, inventory, scope) = (&inspector, &inventory, &scope);
    run(service_fn(move |event: LambdaEvent<Value>| async move {
        let deadline = start_by(event.context.deadline);
        let options = SweepOptions {
            sweep_id: format!("sweep/{}", event.context.request_id),
            concurrency: scope.concurrency,
            deadline,
        };
        tracing::info!(
            sweep_id = options.sweep_id,
            seconds_to_start_inspections =
                deadline.map(|d| d.saturating_duration_since(Instant::now()).as_secs()),
            "sweep started"
        );
        let summary = sweep::sweep(inspector, inventory, &scope.targets, &options).await;
        // A sweep with failures fails the invocation: the error alarm fires and the on-failure
        // destination keeps the summary. Everything else in the sweep was still done.
        if summary.failures.is_empty() {
            Ok(summary)
        } else {
            Err(Diagnostic {
                error_type: "Guardrail.SweepIncomplete".into(),
                error_message: serde_json::to_string(&summary).unwrap_or_else(|_| summary.line()),
            })
        }
    }))
    .await
}

/// The last instant to start an inspection: the invocation's deadline (milliseconds since the
/// epoch) less a margin for the inspections in flight to finish: a quarter of the time left, at
/// most a minute. `None` when the runtime gave no epoch time (local emulators send a duration).
fn start_by(deadline_ms: u64) -> Option<Instant> {
    const YEAR_2000_MS: u64 = 946_684_800_000;
    if deadline_ms < YEAR_2000_MS {
        tracing::warn!(
            deadline_ms,
            "the deadline is not a time: sweeping without one"
        );
        return None;
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let left = Duration::from_millis(deadline_ms.saturating_sub(now_ms));
    let margin = (left / 4).min(Duration::from_secs(60));
    Some(Instant::now() + left.saturating_sub(margin))
}
