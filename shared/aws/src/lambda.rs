//! What the Lambda functions need from the runtime: JSON logs, and errors with a stable type.

use guardrail_core::ErrorType;

/// JSON logs for a Lambda function (CloudWatch adds the time), level from `RUST_LOG` (default
/// `info`).
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"))
                .add_directive(crate::quiet_sdk()),
        )
        .with_current_span(false)
        .without_time()
        .init();
}

/// The runtime's report of an invocation's error: its stable type (`errorType`) and its text.
pub fn diagnostic<E: ErrorType>(error: E) -> lambda_runtime::Diagnostic {
    lambda_runtime::Diagnostic {
        error_type: error.error_type().to_string(),
        error_message: error.to_string(),
    }
}
