//! The capabilities the inspector needs from the outside world, one small trait each. The AWS SDK
//! adapters in the `guardrail-aws` crate are the one real implementation of each.

use std::collections::BTreeMap;
use std::future::Future;

use serde_json::Value;

use crate::alert::Alert;
use crate::remediation::Action;
use crate::resource::{ResourceId, ResourceKind, Snapshot};

/// A failed AWS call, classified by its error code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} failed: {code}: {message}")]
pub struct AwsError {
    pub operation: &'static str,
    /// The service error code (`ValidationException`, `ThrottlingException`, ...) or, for errors
    /// that never reached the service, `Timeout` / `Dispatch` / `Response`.
    pub code: String,
    pub message: String,
    /// Worth trying again later (throttling, 5xx, time-outs); the SDK already retried with backoff.
    pub retryable: bool,
}

impl crate::ErrorType for AwsError {
    fn error_type(&self) -> &'static str {
        "Guardrail.AwsCallFailed"
    }
}

impl AwsError {
    /// SageMaker reports "no such resource" as `ResourceNotFound` for jobs and as a
    /// `ValidationException` with a message for notebooks, endpoints, configs and models.
    pub fn is_not_found(&self) -> bool {
        self.code == "ResourceNotFound"
            || (self.code == "ValidationException"
                && [
                    "RecordNotFound",
                    "Could not find",
                    "does not exist",
                    "not found",
                ]
                .iter()
                .any(|m| self.message.contains(m)))
    }

    /// The resource's account is not one of the organisation's: its events are refused.
    pub fn is_outside_organization(&self) -> bool {
        self.code == OUTSIDE_ORGANIZATION
    }

    pub fn is_validation(&self) -> bool {
        self.code == "ValidationException"
    }
}

/// The code of an [`AwsError`] refusing an account outside the organisation.
pub const OUTSIDE_ORGANIZATION: &str = "AccountOutsideOrganization";

/// Reads the live state of a resource.
pub trait ResourceReader: Send + Sync {
    /// The resource now, or `None` if it no longer exists.
    fn describe(
        &self,
        id: &ResourceId,
    ) -> impl Future<Output = Result<Option<Snapshot>, AwsError>> + Send;

    /// The name of the endpoint hosting the inference component `component` names (in its
    /// account and region), or `None` when the component no longer exists.
    fn component_endpoint(
        &self,
        component: &ResourceId,
    ) -> impl Future<Output = Result<Option<String>, AwsError>> + Send;

    /// The resource as [`Self::describe`] gives it, with what a bulk read already gave of it
    /// (`known`) not read again: no Describe for a whole record, no ListTags for known tags.
    /// By default, described.
    fn read_known(
        &self,
        id: &ResourceId,
        known: &Known,
    ) -> impl Future<Output = Result<Option<Snapshot>, AwsError>> + Send {
        let _ = known;
        self.describe(id)
    }

    /// The running (`InService` or `Pending`) Studio apps of a domain, a user profile (its own
    /// and its private spaces') or a space, to be judged one by one when it is contained.
    fn running_apps(
        &self,
        scope: &ResourceId,
    ) -> impl Future<Output = Result<Vec<ResourceId>, AwsError>> + Send;
}

/// The re-check queue: a deferred containment that no event brings back is judged again later
/// ([`crate::inspector::Recheck`]).
pub trait Rechecks: Send + Sync {
    fn later(
        &self,
        recheck: &crate::inspector::Recheck,
        delay: std::time::Duration,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
}

/// No queue configured: a deferred containment waits for the next sweep.
impl<T: Rechecks> Rechecks for Option<T> {
    async fn later(
        &self,
        recheck: &crate::inspector::Recheck,
        delay: std::time::Duration,
    ) -> Result<(), AwsError> {
        match self {
            Some(queue) => queue.later(recheck, delay).await,
            None => Ok(()),
        }
    }
}

/// Takes a resource out of service.
pub trait Remediator: Send + Sync {
    fn remediate(
        &self,
        id: &ResourceId,
        action: &Action,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
}

/// Knows which VPC a subnet belongs to (for VPC allow-lists).
pub trait NetworkDirectory: Send + Sync {
    /// Subnet id -> VPC id for the subnets of `resource` that exist (looked up in its account
    /// and region); unknown subnets are left out.
    fn subnet_vpcs(
        &self,
        resource: &ResourceId,
        subnets: &[String],
    ) -> impl Future<Output = Result<std::collections::BTreeMap<String, String>, AwsError>> + Send;
}

/// Receives every finding change (Security Hub), when enabled.
pub trait FindingSink: Send + Sync {
    fn import(
        &self,
        findings: &[crate::findings::Finding],
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
}

/// No sink: Security Hub off.
impl<T: FindingSink> FindingSink for Option<T> {
    async fn import(&self, findings: &[crate::findings::Finding]) -> Result<(), AwsError> {
        match self {
            Some(sink) => sink.import(findings).await,
            None => Ok(()),
        }
    }
}

/// One CloudTrail record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TrailRecord {
    pub event_id: String,
    pub event_name: String,
    pub event_time: String,
    pub username: Option<String>,
    pub caller_arn: Option<String>,
    pub request_id: Option<String>,
    #[serde(skip)]
    pub actor: crate::event::Actor,
}

/// CloudTrail: who created a resource, and the records of calls made on it.
pub trait ActivityLog: Send + Sync {
    /// The caller of the latest call that created or changed the resource (its kind's create,
    /// update and start calls), when CloudTrail has it; with its creation time (`created_ms`),
    /// only calls on that incarnation (none made before it was created).
    fn creator(
        &self,
        id: &ResourceId,
        created_ms: Option<i64>,
    ) -> impl Future<Output = Result<Option<crate::event::Actor>, AwsError>> + Send;

    /// Who created the resources of `kind` in `account`/`region` created since `since` (Unix
    /// seconds), by name: one paginated pass over the kind's create calls, so a sweep attributes
    /// in bulk instead of one paced lookup per resource. The pass ends at `deadline` with what it
    /// learned so far.
    fn creators(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
        since: i64,
        deadline: Option<std::time::Instant>,
    ) -> impl Future<Output = Result<BTreeMap<String, crate::event::Actor>, AwsError>> + Send;

    /// Records of `event_name` calls on the resource `resource_name` of `account`/`region`
    /// (looked up there: CloudTrail's event history is per account and region), newest first.
    fn calls(
        &self,
        account: &str,
        region: &str,
        resource_name: &str,
        event_name: &str,
    ) -> impl Future<Output = Result<Vec<TrailRecord>, AwsError>> + Send;
}

/// A resource as its kind's List* call shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listed {
    pub name: String,
    /// When it was created (Unix seconds), when the listing says.
    pub created: Option<i64>,
    /// What the listing already read of it (a bulk read).
    pub known: Known,
}

/// What a bulk read already gave of a resource, so that it is not read again
/// ([`ResourceReader::read_known`]).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Known {
    /// The whole resource, with the members of its Describe response (SageMaker `Search`, for
    /// a kind whose search record holds every member its reader reads): not described.
    pub record: Option<Value>,
    /// Its tags: not listed.
    pub tags: Option<BTreeMap<String, String>>,
}

/// Lists the resources that exist now, for the sweep.
pub trait Inventory: Send + Sync {
    /// The resources of `kind` in `account`/`region` that are active now: listed with
    /// server-side status filters and pagination, so ended jobs (which can number hundreds of
    /// thousands) are never read.
    fn active(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
    ) -> impl Future<Output = Result<Vec<Listed>, AwsError>> + Send;
}

/// Delivers an alert; returns the message id.
pub trait AlertPublisher: Send + Sync {
    fn publish(&self, alert: &Alert) -> impl Future<Output = Result<String, AwsError>> + Send;
}

/// Keeps what the inspector had to reject (a malformed event) where operators look for what
/// failed: retrying cannot fix such an event, but it must not vanish.
pub trait FailureQueue: Send + Sync {
    fn keep_rejected(
        &self,
        event: &serde_json::Value,
        reason: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
}

/// The ports an [`crate::Inspector`] runs on, as one bound: the tuple of its adapters
/// `(SageMaker, network, alerts, store, sink, trail)`.
pub trait Ports {
    type SageMaker: ResourceReader + Remediator;
    type Network: NetworkDirectory;
    type Alerts: AlertPublisher;
    type Store: crate::store::FindingStore;
    type Sink: FindingSink;
    type Trail: ActivityLog;
}

impl<S, N, A, F, H, C> Ports for (S, N, A, F, H, C)
where
    S: ResourceReader + Remediator,
    N: NetworkDirectory,
    A: AlertPublisher,
    F: crate::store::FindingStore,
    H: FindingSink,
    C: ActivityLog,
{
    type SageMaker = S;
    type Network = N;
    type Alerts = A;
    type Store = F;
    type Sink = H;
    type Trail = C;
}

/// The queue a scheduled sweep fans out on: one message per target.
pub trait SweepQueue: Send + Sync {
    /// Enqueues the requests. The same request enqueued again (a redelivered schedule) is
    /// dropped by the queue's deduplication: each target is swept once per scheduled sweep.
    fn enqueue(
        &self,
        requests: &[crate::sweep::SweepRequest],
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
}

/// Reads the policy object (see [`crate::policy_source`]).
pub trait PolicyObjects: Send + Sync {
    /// The object at `location`, or [`Fetched::Unchanged`](crate::policy_source::Fetched) when
    /// its ETag is still `known`.
    fn fetch(
        &self,
        location: &crate::policy_source::PolicyLocation,
        known: Option<&str>,
    ) -> impl Future<Output = Result<crate::policy_source::Fetched, AwsError>> + Send;
}

/// An organisation's accounts, as AWS Organizations lists them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OrgAccount {
    #[serde(rename = "account")]
    pub id: String,
    /// `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`, `PENDING_ACTIVATION` (the account's
    /// `State`, or its retired `Status` where only that is given).
    pub state: String,
}

impl OrgAccount {
    pub fn is_active(&self) -> bool {
        self.state == "ACTIVE"
    }
}

/// AWS Organizations: which accounts the organisation has.
pub trait Organization: Send + Sync {
    /// The accounts of the organisation, or only those under `parents` (organizational unit or
    /// root ids, their nested units included), each once.
    fn accounts(
        &self,
        parents: &[String],
    ) -> impl Future<Output = Result<Vec<OrgAccount>, AwsError>> + Send;
}

/// An event a member account could not forward to the central bus, kept in its forwarding
/// dead-letter queue (`infra/member.yaml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadLetter {
    /// What deletes it once handled.
    pub receipt: String,
    /// The event, as EventBridge would have delivered it.
    pub body: String,
}

/// The member accounts' forwarding dead-letter queues, which the sweep empties.
pub trait DeadLetters: Send + Sync {
    /// Up to ten events from the queue `queue` of `account`/`region` (hidden from other readers
    /// for a while); none when that account and region have no such queue.
    fn receive(
        &self,
        account: &str,
        region: &str,
        queue: &str,
    ) -> impl Future<Output = Result<Vec<DeadLetter>, AwsError>> + Send;

    /// Deletes a handled event.
    fn delete(
        &self,
        account: &str,
        region: &str,
        queue: &str,
        receipt: &str,
    ) -> impl Future<Output = Result<(), AwsError>> + Send;
}
