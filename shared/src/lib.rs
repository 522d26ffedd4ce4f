//! SageMaker guardrail core.
//!
//! Events in ([`event`]), typed snapshots ([`resource`]), controls ([`controls`]) judged under a
//! policy ([`policy`]) into results ([`finding`]), a remediation plan ([`remediation`]), the
//! finding document ([`report`]) and its alert ([`alert`]). All of that is pure. The outside world
//! sits behind the traits in [`ports`], implemented on the AWS SDK in [`aws`]; [`inspector`] wires
//! them into the use case the Lambdas and the CLI run, and [`sweep`] runs it over every active
//! resource.

pub mod alert;
pub mod aws;
pub mod controls;
pub mod env;
pub mod event;
pub mod event_config;
pub mod evidence;
pub mod export;
#[cfg(any(test, feature = "contract-tests"))]
pub mod fakes;
pub mod finding;
pub mod findings;
pub mod inspector;
pub mod instances;
mod json;
pub mod metrics;
pub mod policy;
pub mod ports;
pub mod preventive;
pub mod remediation;
pub mod report;
pub mod resource;
pub mod store;
pub mod sweep;

pub use inspector::{InspectError, Inspector, Outcome};
pub use policy::Policy;

/// JSON logs for a Lambda function (CloudWatch adds the time), level from `RUST_LOG` (default
/// `info`).
pub fn init_lambda_tracing() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_current_span(false)
        .without_time()
        .init();
}
