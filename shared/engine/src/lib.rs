//! SageMaker guardrail core: the engine, with no AWS SDK and no network I/O.
//!
//! Events in ([`event`]), typed snapshots ([`resource`]), controls ([`controls`]) judged under a
//! policy ([`policy`]) into results ([`finding`]), a remediation plan ([`remediation`]), the
//! finding document ([`report`]) and its alert ([`alert`]). All of that is pure. The outside world
//! sits behind the traits in [`ports`] and [`store`], implemented on the AWS SDK in the
//! `guardrail-aws` crate and on SQLite in `guardrail-sqlite`; [`inspector`] wires them into the
//! use case the Lambdas and the CLI run, and [`sweep`] runs it over every active resource.
//! [`iac`] judges infrastructure code (CloudFormation templates) with the same kinds and
//! controls, before it deploys.

pub mod alert;
pub mod audit;
pub mod controls;
pub mod env;
pub mod event;
pub mod event_config;
pub mod evidence;
pub mod export;
pub mod facets;
#[cfg(any(test, feature = "contract-tests"))]
pub mod fakes;
pub mod finding;
pub mod findings;
pub mod iac;
pub mod inspector;
pub mod instances;
pub mod json;
pub mod kinds;
pub mod metrics;
pub mod platforms;
pub mod policy;
pub mod policy_source;
pub mod ports;
pub mod preventive;
pub mod remediation;
pub mod report;
pub mod resource;
pub mod secrets;
pub mod shape;
pub mod store;
pub mod sweep;

pub use inspector::{InspectError, Inspector, Outcome};
pub use policy::Policy;

/// A stable name for an error, reported by the Lambda runtime as its `errorType`.
pub trait ErrorType: std::error::Error {
    fn error_type(&self) -> &'static str;
}

/// A mutex's guard, also when a panicking holder poisoned it (the data stays consistent: no
/// holder leaves it half-written).
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// Milliseconds since `started`.
pub(crate) fn elapsed_ms(started: std::time::Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}
