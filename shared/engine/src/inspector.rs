//! The inspector use case: event in; describe, evaluate, remediate, alert; outcome out.
//!
//! Used by the `inspector` Lambda and by `guardrail replay --live`; it only sees the ports.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use tracing::{error, info, warn};

mod attribution;
mod children;
mod recheck;
mod rollback;
pub use recheck::Recheck;
mod studio;

use crate::alert::{self, Alert};
use crate::controls::ControlId;
use crate::elapsed_ms;
use crate::event::{self, Actor, Carried, Cause, Parsed, Trigger};
use crate::event_config::{snapshot_from_event, OfflineError};
use crate::finding::{evaluate, ControlResult};
use crate::findings::{self, NotificationKey};
use crate::policy::{Mode, Policy};
use crate::policy_source::SharedPolicy;
use crate::ports::{
    AlertPublisher, AwsError, FailureQueue, FindingSink, Known, NetworkDirectory, Ports, Rechecks,
    Remediator, ResourceReader,
};
use crate::remediation::{plan, Action, Plan};
use crate::report::{ActionResult, Remediation, Report, Source};
use crate::resource::{Details, Lifecycle, ResourceId, ResourceKind, Snapshot};
use crate::store::{
    Claim, ClaimRequest, CompliantConfig, Evaluation, FindingStore, QuietRecord, StagedAlert,
    StoreError,
};

/// What the inspector did with one event (the Lambda's response).
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Valid but nothing to inspect.
    Ignored { event_id: String, reason: String },
    /// Malformed: logged as an error; retrying cannot help.
    Rejected {
        event_id: Option<String>,
        error: String,
    },
    /// The resource no longer exists (an alert staged before acting on it may go out).
    Gone {
        event_id: String,
        arn: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        alert_message_id: Option<String>,
    },
    Evaluated {
        report: Box<Report>,
        #[serde(skip_serializing_if = "Option::is_none")]
        alert_message_id: Option<String>,
    },
}

/// A failure that retrying can fix: the handler returns it so Lambda retries the event and, after
/// the last try, sends it to the on-failure destination. Nothing is dropped.
#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error("event {event_id}: cannot read {arn}: {source}")]
    Describe {
        event_id: String,
        arn: String,
        #[source]
        source: AwsError,
    },
    #[error("event {event_id}: {action} on {arn} failed: {source}")]
    Remediate {
        event_id: String,
        arn: String,
        action: &'static str,
        #[source]
        source: AwsError,
    },
    #[error("event {event_id}: alert for {arn} not delivered: {source}")]
    Alert {
        event_id: String,
        arn: String,
        #[source]
        source: AwsError,
    },
    #[error("event {event_id}: findings not sent to Security Hub: {source}")]
    Sink {
        event_id: String,
        #[source]
        source: AwsError,
    },
    #[error("event {event_id}: {source}")]
    Store {
        event_id: String,
        #[source]
        source: StoreError,
    },
    #[error("event {}: rejected ({reason}) and not kept in the failure queue: {source}", event_id.as_deref().unwrap_or("without id"))]
    Reject {
        event_id: Option<String>,
        reason: String,
        #[source]
        source: AwsError,
    },
    #[error("event {event_id}: the alert for {arn} ({key}) is claimed by an invocation that has not confirmed it; retry after its lease")]
    AlertHeld {
        event_id: String,
        arn: String,
        key: String,
    },
    #[error("re-check of {arn}: {reason}")]
    Recheck { arn: String, reason: String },
    #[error("event {event_id}: the re-check of {arn} was not queued: {source}")]
    RecheckNotQueued {
        event_id: String,
        arn: String,
        #[source]
        source: AwsError,
    },
    #[error("event {event_id}: cannot encode the alert: {source}")]
    Encode {
        event_id: String,
        #[source]
        source: serde_json::Error,
    },
}

impl crate::ErrorType for InspectError {
    fn error_type(&self) -> &'static str {
        match self {
            InspectError::Describe { .. } => "Guardrail.DescribeFailed",
            InspectError::Remediate { .. } => "Guardrail.RemediationFailed",
            InspectError::Alert { .. } => "Guardrail.AlertFailed",
            InspectError::AlertHeld { .. } => "Guardrail.AlertHeld",
            InspectError::Encode { .. } => "Guardrail.EncodeFailed",
            InspectError::Recheck { .. } => "Guardrail.RecheckRejected",
            InspectError::RecheckNotQueued { .. } => "Guardrail.RecheckNotQueued",
            InspectError::Store { .. } => "Guardrail.StoreFailed",
            InspectError::Sink { .. } => "Guardrail.SecurityHubFailed",
            InspectError::Reject { .. } => "Guardrail.RejectedEventNotKept",
        }
    }
}

/// How long a claim to send an alert lasts: longer than one invocation (the function's timeout
/// is 60 s), short enough that a crashed sender's alert goes out on Lambda's retry.
pub const CLAIM_LEASE: Duration = Duration::from_secs(120);

/// Runs a store write that must not be lost (the record of an alert sent) up to 5 times, with
/// backoff from 100 ms, while its failure is one retrying can fix.
async fn persist<F, Fut>(mut write: F) -> Result<(), StoreError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), StoreError>>,
{
    let mut delay = Duration::from_millis(100);
    let mut tries = 1;
    loop {
        match write().await {
            Err(StoreError::Backend {
                retryable: true, ..
            }) if tries < 5 => {
                tokio::time::sleep(delay).await;
                delay *= 2;
                tries += 1;
            }
            other => return other,
        }
    }
}

/// A claim owner unique to this invocation.
fn claim_owner(event_id: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = OffsetDateTime::now_utc().unix_timestamp_nanos();
    format!("{event_id}/{}/{nanos}/{n}", std::process::id())
}

/// The inspector with its dependencies (`P`: the tuple of its adapters, see [`Ports`]), built
/// once per Lambda container.
pub struct Inspector<P: Ports> {
    pub sagemaker: P::SageMaker,
    pub network: P::Network,
    pub alerts: P::Alerts,
    pub store: P::Store,
    /// Where finding changes also go (Security Hub), when enabled.
    pub sink: P::Sink,
    /// CloudTrail, to attribute resources whose trigger names no caller.
    pub trail: P::Trail,
    /// The policy in force (a deployed function's is replaced when a new version is published;
    /// see [`crate::policy_source`]).
    pub policy: SharedPolicy,
    /// How long a claim to send an alert lasts ([`CLAIM_LEASE`]).
    pub claim_lease: Duration,
}

/// Which alerts a delivery may send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Announce {
    /// Whatever is due.
    Due,
    /// A tuning job's training job, counted on the tuning job: whatever is due, unless the
    /// last alert names its problem already.
    Child,
    /// A compliant state: nothing unless an alert went out before
    /// ([`ClaimRequest::quiet_if_first`]), and no resolution while a training job's problem
    /// stands (a tuning job compliant on its own settings).
    QuietIfFirst,
}

/// One evaluation, judged and acted on, on its way to the store and the alert.
#[derive(Debug)]
struct Judged {
    report: Report,
    /// The remediation call's error, when it failed.
    failure: Option<AwsError>,
    /// The configuration a compliant endpoint serves ([`rollback::compliant_endpoint_config`]).
    compliant_config: Option<String>,
}

/// What a sweep's inspection gives: an outcome, or a compliant resource's evaluation that
/// needs no alert unless one went out before, to be recorded with others
/// ([`Inspector::conclude_quietly`]).
#[derive(Debug)]
pub enum Swept {
    Done(Outcome),
    Quiet(Box<QuietJudged>),
}

/// A compliant resource's evaluation waiting to be recorded with others.
#[derive(Debug)]
pub struct QuietJudged {
    judged: Judged,
    observed: i64,
    /// Judged on a bulk read: the trigger to judge again on a live read if its quiet record is
    /// refused (an alert went out before, which only a live read may resolve).
    bulk: Option<Trigger>,
}

impl QuietJudged {
    pub fn report(&self) -> &Report {
        &self.judged.report
    }
}

/// An evaluation that needs no alert unless one went out before: every control passes or is
/// not applicable, nothing was done, the resource is its own (not a tuning job's child) and
/// settled (a changing one's resolution waits).
fn is_quiet(judged: &Judged) -> bool {
    let report = &judged.report;
    let settled = report.resource.status.as_deref().is_none_or(|status| {
        !matches!(
            Lifecycle::classify(report.resource.kind, status),
            Lifecycle::Transitional(_)
        )
    });
    judged.failure.is_none()
        && matches!(report.remediation.plan, Plan::Nothing)
        && report.resource.part_of.is_none()
        && settled
        && NotificationKey::of(report) == NotificationKey::Pass
}

/// Evaluation and remediation decision for a snapshot: the pure heart of every path.
fn judge(snapshot: &Snapshot, policy: &Policy, today: time::Date) -> (Vec<ControlResult>, Plan) {
    let results = evaluate(snapshot, policy, today);
    let decision = plan(snapshot, &results, policy);
    (results, decision)
}

/// Offline replay: judges the configuration the event carries, executes nothing.
pub fn replay_offline(trigger: &Trigger, policy: &Policy) -> Result<Report, OfflineError> {
    let snapshot = snapshot_from_event(trigger)?;
    Ok(judge_offline(trigger, &snapshot, policy))
}

/// Judges a snapshot read without calling AWS (from an event, from a template); executes
/// nothing.
pub fn judge_offline(trigger: &Trigger, snapshot: &Snapshot, policy: &Policy) -> Report {
    let (evaluated_at, today) = now();
    let (results, decision) = judge(snapshot, policy, today);
    let result = match decision {
        Plan::Act { .. } => ActionResult::NotExecuted,
        _ => ActionResult::NoCall,
    };
    let remediation = Remediation {
        plan: decision,
        result,
        at: None,
    };
    Report::new(
        trigger,
        snapshot,
        Source::Event,
        results,
        remediation,
        policy,
        evaluated_at,
    )
}

/// Folds the CloudTrail call that triggered a live evaluation into the described resource
/// ([`crate::kinds::Kind::observe_call`]). A request whose members have unexpected types adds
/// nothing (the resource is judged as described) and is logged.
fn observe_call(trigger: &Trigger, snapshot: &mut Snapshot) {
    let (Cause::ApiCall { event_name, .. }, Carried::RequestParameters(request)) =
        (&trigger.cause, &trigger.carried)
    else {
        return;
    };
    if trigger.via_component.is_some() {
        return;
    }
    let request =
        crate::shape::Shape::camel(crate::json::Node::new(request, "detail.requestParameters"));
    let caller = trigger.actor.as_ref();
    if let Err(error) = snapshot.details.observe_call(event_name, &request, caller) {
        warn!(event_id = trigger.event_id.as_str(), %error, "the call's request parameters were not read");
    }
}

/// Now, in Unix nanoseconds (saturating; i64 lasts until 2262).
fn observed_nanos() -> i64 {
    i64::try_from(OffsetDateTime::now_utc().unix_timestamp_nanos()).unwrap_or(i64::MAX)
}

/// Now, as RFC 3339 UTC to the second (so stored times sort as text) and as a date.
fn now() -> (String, time::Date) {
    let now = OffsetDateTime::now_utc();
    let seconds = now.replace_nanosecond(0).unwrap_or(now);
    (seconds.format(&Rfc3339).unwrap_or_default(), now.date())
}

impl<S, N, A, F, H, C> Inspector<(S, N, A, F, H, C)>
where
    (S, N, A, F, H, C):
        Ports<SageMaker = S, Network = N, Alerts = A, Store = F, Sink = H, Trail = C>,
{
    /// The inspector on these adapters (their types make its [`Ports`]).
    pub fn new(
        sagemaker: S,
        network: N,
        alerts: A,
        store: F,
        sink: H,
        trail: C,
        policy: impl Into<SharedPolicy>,
    ) -> Self {
        Inspector {
            sagemaker,
            network,
            alerts,
            store,
            sink,
            trail,
            policy: policy.into(),
            claim_lease: CLAIM_LEASE,
        }
    }
}

impl<P: Ports> Inspector<P> {
    /// The live resource, with the VPCs of its subnets when the policy needs them.
    async fn observe(&self, id: &ResourceId, known: &Known) -> Result<Option<Snapshot>, AwsError> {
        let Some(mut snapshot) = self.sagemaker.read_known(id, known).await? else {
            return Ok(None);
        };
        self.resolve_vpcs(&mut snapshot).await?;
        Ok(Some(snapshot))
    }

    /// Fills in the VPC of each attachment, when the policy has a VPC allow-list. An attachment
    /// whose subnets are unknown, or not all in one VPC, keeps no VPC: "cannot evaluate".
    async fn resolve_vpcs(&self, snapshot: &mut Snapshot) -> Result<(), AwsError> {
        use crate::controls::{vpc_attached::VpcAttached, Control};
        let policy = self.policy.current();
        let mode = policy.setting(VpcAttached::ID).0;
        let settings = policy.settings::<VpcAttached>();
        if mode == Mode::Off || settings.is_none_or(|s| s.allowed_vpcs.is_empty()) {
            return Ok(());
        }
        let subnets: BTreeSet<String> = snapshot
            .vpc_attachments_mut()
            .into_iter()
            .flat_map(|a| a.subnets.clone())
            .collect();
        if subnets.is_empty() {
            return Ok(());
        }
        let subnets: Vec<String> = subnets.into_iter().collect();
        let vpcs = self.network.subnet_vpcs(&snapshot.id, &subnets).await?;
        for attachment in snapshot.vpc_attachments_mut() {
            let found: Option<BTreeSet<&String>> =
                attachment.subnets.iter().map(|s| vpcs.get(s)).collect();
            attachment.vpc_id = match found {
                Some(set) if set.len() == 1 => set.into_iter().next().cloned(),
                _ => None,
            };
        }
        Ok(())
    }

    /// Handles one EventBridge event.
    pub async fn handle(&self, event: &Value) -> Result<Outcome, InspectError> {
        let trigger = match event::parse(event) {
            Ok(Parsed::Inspect(trigger)) => trigger,
            Ok(Parsed::Ignore { event_id, reason }) => {
                info!(event_id, reason, "event ignored");
                return Ok(Outcome::Ignored { event_id, reason });
            }
            Err(e) => {
                error!(event_id = e.event_id(), error = %e, "malformed event rejected");
                return Ok(Outcome::Rejected {
                    event_id: e.event_id().map(str::to_string),
                    error: e.to_string(),
                });
            }
        };
        // The inspection's future is large (every SDK call it may make): keep it on the heap so
        // the caller's stack stays small whatever thread polls it.
        match Box::pin(self.inspect(&trigger)).await {
            // An account outside the organisation: nothing to retry, nothing to act on; kept in
            // the failure queue with the reason and counted like a malformed event.
            Err(InspectError::Describe {
                event_id, source, ..
            }) if source.is_outside_organization() => {
                error!(event_id, account = trigger.resource.account, error = %source, "event from outside the organisation refused");
                crate::metrics::foreign_account();
                Ok(Outcome::Rejected {
                    event_id: Some(event_id),
                    error: format!("refused: {}", source.message),
                })
            }
            other => other,
        }
    }

    /// The inspector Lambda's handler: [`Self::handle`], where a malformed event, which
    /// retrying cannot fix, is kept in the failure queue with the reason; every event is counted
    /// by its outcome ([`crate::metrics`]). If it cannot be kept, the invocation fails: Lambda's retries and its
    /// on-failure destination keep it instead.
    pub async fn handle_invocation(
        &self,
        event: &Value,
        failures: &impl FailureQueue,
        rechecks: &impl Rechecks,
    ) -> Result<Outcome, InspectError> {
        let started = Instant::now();
        let mut outcome = self.handle(event).await;
        // A deferred containment no event brings back is checked again later; if that cannot be
        // queued, the invocation fails and its retry queues it.
        if let Ok(Outcome::Evaluated { report, .. }) = &outcome {
            if let Err(source) = self.schedule_recheck(report, rechecks).await {
                outcome = Err(InspectError::RecheckNotQueued {
                    event_id: report.event.id.clone(),
                    arn: report.resource.arn.clone(),
                    source,
                });
            }
        }
        if let Ok(Outcome::Rejected { event_id, error }) = &outcome {
            let kept = failures.keep_rejected(event, error).await;
            if let Err(source) = kept {
                crate::metrics::emit(|| crate::metrics::of_outcome(None, elapsed_ms(started)));
                return Err(InspectError::Reject {
                    event_id: event_id.clone(),
                    reason: error.clone(),
                    source,
                });
            }
        }
        crate::metrics::emit(|| {
            crate::metrics::of_outcome(outcome.as_ref().ok(), elapsed_ms(started))
        });
        outcome
    }

    /// Inspects a resource found by a sweep (no event): the same path as an event's. `creator`
    /// is who created it, when the sweep's attribution knows by then; the sweep never waits for
    /// CloudTrail (see [`Inspector::attribute_late`]).
    pub async fn inspect_swept(
        &self,
        sweep_id: &str,
        resource: ResourceId,
        creator: Option<Actor>,
        known: Known,
    ) -> Result<Outcome, InspectError> {
        let mut trigger = Trigger::sweep(sweep_id, resource, Some(now().0));
        trigger.actor = creator;
        Box::pin(self.inspect_concluded(&trigger, &known)).await
    }

    /// Inspects what the trigger names and concludes it, quiet or not.
    async fn inspect_concluded(
        &self,
        trigger: &Trigger,
        known: &Known,
    ) -> Result<Outcome, InspectError> {
        match Box::pin(self.inspect_read(trigger, known, false)).await? {
            Swept::Done(outcome) => Ok(outcome),
            Swept::Quiet(quiet) => Box::pin(self.conclude(quiet.judged, quiet.observed)).await,
        }
    }

    /// A sweep's inspection: like [`Self::inspect_swept`], but a compliant resource's
    /// evaluation that needs no alert unless one went out before is given back unrecorded
    /// ([`Swept::Quiet`]), for [`Self::conclude_quietly`] to record with others.
    pub async fn inspect_swept_quietly(
        &self,
        sweep_id: &str,
        resource: ResourceId,
        creator: Option<Actor>,
        known: Known,
    ) -> Result<Swept, InspectError> {
        let mut trigger = Trigger::sweep(sweep_id, resource, Some(now().0));
        trigger.actor = creator;
        Box::pin(self.inspect_read(&trigger, &known, true)).await
    }

    /// Records compliant resources' evaluations together ([`FindingStore::record_quietly`]);
    /// one the store did not record so (an alert went out before, a claim is live, or the batch
    /// failed) is concluded as any evaluation is. The outcomes in the order given.
    pub async fn conclude_quietly(
        &self,
        batch: Vec<QuietJudged>,
    ) -> Vec<Result<Outcome, InspectError>> {
        let parts: Vec<_> = batch
            .iter()
            .map(|q| findings::from_report(&q.judged.report))
            .collect();
        let now_s = time::OffsetDateTime::now_utc().unix_timestamp();
        let key = NotificationKey::Pass.to_string();
        let records: Vec<QuietRecord<'_>> = batch
            .iter()
            .zip(&parts)
            .map(|(q, (findings, observations))| QuietRecord {
                evaluation: Evaluation {
                    compliant_config: q.judged.compliant_config.as_deref().map(|config| {
                        CompliantConfig {
                            resource_arn: &q.judged.report.resource.arn,
                            config: Some(config),
                            evaluated: q.observed,
                        }
                    }),
                    ..Evaluation::of(findings, observations)
                },
                resource_arn: &q.judged.report.resource.arn,
                key: &key,
                evaluated: q.observed,
                now: now_s,
            })
            .collect();
        let recorded = match self.store.record_quietly(&records).await {
            Ok(recorded) => recorded,
            Err(e) => {
                warn!(error = %e, "quiet records not written together: one by one");
                vec![false; batch.len()]
            }
        };
        drop(records);
        let mut outcomes = Vec::with_capacity(batch.len());
        for ((quiet, (findings, _)), recorded) in batch.into_iter().zip(parts).zip(recorded) {
            let outcome = match (recorded, quiet.bulk) {
                (false, Some(trigger)) => {
                    Box::pin(self.inspect_concluded(&trigger, &Known::default())).await
                }
                (false, None) => Box::pin(self.conclude(quiet.judged, quiet.observed)).await,
                (true, _) => {
                    let report = quiet.judged.report;
                    match Box::pin(self.sink.import(&findings)).await {
                        Ok(()) => Ok(Outcome::Evaluated {
                            report: Box::new(report),
                            alert_message_id: None,
                        }),
                        Err(source) => Err(InspectError::Sink {
                            event_id: report.event.id.clone(),
                            source,
                        }),
                    }
                }
            };
            outcomes.push(outcome);
        }
        outcomes
    }

    /// Fills in the creator of a resource a sweep judged before its attribution knew it: the
    /// findings are recorded again with the actor (the alert, already sent, went without).
    pub async fn attribute_late(
        &self,
        report: &Report,
        creator: Actor,
    ) -> Result<(), InspectError> {
        let report = Report {
            actor: Some(creator),
            ..report.clone()
        };
        let (findings, _) = findings::from_report(&report);
        let amendment = Evaluation {
            amends: true,
            ..Evaluation::of(&findings, &[])
        };
        self.store
            .record(&amendment)
            .await
            .map_err(|source| InspectError::Store {
                event_id: report.event.id.clone(),
                source,
            })
    }

    async fn inspect(&self, trigger: &Trigger) -> Result<Outcome, InspectError> {
        match Box::pin(self.inspect_read(trigger, &Known::default(), false)).await? {
            Swept::Done(outcome) => Ok(outcome),
            Swept::Quiet(quiet) => Box::pin(self.conclude(quiet.judged, quiet.observed)).await,
        }
    }

    /// Inspects what the trigger names, with what a sweep's bulk read already gave of it;
    /// `defer`: a quiet evaluation ([`Self::is_quiet`]) is given back unrecorded.
    async fn inspect_read(
        &self,
        trigger: &Trigger,
        known: &Known,
        defer: bool,
    ) -> Result<Swept, InspectError> {
        let event_id = trigger.event_id.as_str();
        let id = match Box::pin(self.target(trigger)).await? {
            Ok(id) => id,
            Err(gone) => return Ok(Swept::Done(gone)),
        };
        let arn = match &trigger.via_component {
            None => trigger.arn.clone().unwrap_or_else(|| id.arn()),
            Some(_) => id.arn(),
        };
        // When the resource was observed (before describing it: a slow describe of an older state
        // must not look newer): it orders this evaluation against concurrent ones.
        let observed = observed_nanos();
        // What a bulk read gave may lag behind the resource (a search index, the tagging API): a
        // problem it shows is judged again on a live read before anything is done about it.
        let live = Known::default();
        let mut read = known;
        let mut snapshot = loop {
            let snapshot = match Box::pin(self.observe(&id, read)).await {
                Ok(Some(snapshot)) => snapshot,
                Ok(None) => {
                    return Box::pin(self.gone(event_id, &id, arn, observed))
                        .await
                        .map(Swept::Done)
                }
                Err(source) => {
                    return Err(InspectError::Describe {
                        event_id: event_id.to_string(),
                        arn,
                        source,
                    })
                }
            };
            if *read == live || !self.shows_problem(&snapshot) {
                break snapshot;
            }
            read = &live;
        };
        // (a pass on a bulk read is recorded only quietly, which an alert that went out before
        // refuses: anything else about it is decided on a live read)
        let bulk = (*read != live).then(|| trigger.clone());
        observe_call(trigger, &mut snapshot);
        let judged = Box::pin(self.judge_and_act(trigger, snapshot, observed)).await?;
        if defer && is_quiet(&judged) {
            return Ok(Swept::Quiet(Box::new(QuietJudged {
                judged,
                observed,
                bulk,
            })));
        }
        if bulk.is_some() {
            return Box::pin(self.inspect_read(trigger, &live, defer)).await;
        }
        Box::pin(self.conclude(judged, observed))
            .await
            .map(Swept::Done)
    }

    /// Whether the policy finds a problem on the resource as read (before what its parent may
    /// make not applicable: [`Self::inherit`] only takes problems away).
    fn shows_problem(&self, snapshot: &Snapshot) -> bool {
        let (_, today) = now();
        evaluate(snapshot, &self.policy.current(), today)
            .iter()
            .any(ControlResult::is_problem)
    }

    /// The resource the trigger is about: the one it names, or, for a call that named only an
    /// inference component, the endpoint hosting it (`Err`: the component is gone).
    async fn target(&self, trigger: &Trigger) -> Result<Result<ResourceId, Outcome>, InspectError> {
        let Some(component) = &trigger.via_component else {
            return Ok(Ok(trigger.resource.clone()));
        };
        let event_id = trigger.event_id.as_str();
        match self.sagemaker.component_endpoint(&trigger.resource).await {
            Ok(Some(endpoint)) => Ok(Ok(ResourceId {
                name: endpoint,
                ..trigger.resource.clone()
            })),
            Ok(None) => {
                info!(event_id, component, "inference component no longer exists");
                Ok(Err(Outcome::Gone {
                    event_id: event_id.to_string(),
                    arn: format!(
                        "arn:{}:sagemaker:{}:{}:inference-component/{component}",
                        crate::resource::partition(&trigger.resource.region),
                        trigger.resource.region,
                        trigger.resource.account
                    ),
                    alert_message_id: None,
                }))
            }
            Err(source) => Err(InspectError::Describe {
                event_id: event_id.to_string(),
                arn: format!("inference component {component}"),
                source,
            }),
        }
    }

    /// The resource no longer exists. An earlier attempt may have acted (deleted it) and failed
    /// before its alert went out: the alert it staged goes out now, unless it was sent.
    async fn gone(
        &self,
        event_id: &str,
        id: &ResourceId,
        arn: String,
        observed: i64,
    ) -> Result<Outcome, InspectError> {
        info!(event_id, arn, "resource no longer exists");
        let staged =
            self.store
                .staged_alert(&id.arn())
                .await
                .map_err(|source| InspectError::Store {
                    event_id: event_id.to_string(),
                    source,
                })?;
        let alert_message_id = match staged {
            Some(staged) => Box::pin(self.deliver_staged(event_id, staged)).await?,
            None => None,
        };
        // A new endpoint of the same name must not be rolled back to this one's configuration.
        if id.kind == ResourceKind::Endpoint {
            self.forget_rollback_target(&id.arn(), observed).await;
        }
        Ok(Outcome::Gone {
            event_id: event_id.to_string(),
            arn,
            alert_message_id,
        })
    }

    /// Judges the snapshot and carries out the plan (staging its alert first when the action
    /// makes the resource vanish).
    async fn judge_and_act(
        &self,
        trigger: &Trigger,
        mut snapshot: Snapshot,
        observed: i64,
    ) -> Result<Judged, InspectError> {
        let event_id = trigger.event_id.as_str();
        let (evaluated_at, today) = now();
        let policy = self.policy.current();
        let mut results = evaluate(&snapshot, &policy, today);
        self.inherit(&snapshot, &mut results, &policy, today)
            .await
            .map_err(|(arn, source)| InspectError::Describe {
                event_id: event_id.to_string(),
                arn,
                source,
            })?;
        // A problem on an endpoint may be rolled back to its last compliant configuration: only
        // then is it read.
        if results.iter().any(ControlResult::is_problem) {
            if let Details::Endpoint(endpoint) = &mut snapshot.details {
                let stored = self
                    .store
                    .last_compliant_config(&snapshot.arn)
                    .await
                    .map_err(|source| InspectError::Store {
                        event_id: event_id.to_string(),
                        source,
                    })?;
                endpoint.last_compliant_config =
                    stored.and_then(|s| rollback::target_of(&s, snapshot.created_ms));
            }
        }
        let decision = plan(&snapshot, &results, &policy);
        let decision = self.recheck_deletion(&snapshot.id, decision).await;
        let compliant_config = rollback::compliant_endpoint_config(&snapshot, &results)
            .map(|config| rollback::stored_target(config, snapshot.created_ms));
        // Only a resource that may vanish with the action needs its alert kept before (see
        // `gone`); a stopped one is still there to be judged again on a retry.
        if let Plan::Act { action } = &decision {
            if action.may_remove() {
                self.stage(trigger, &snapshot, &results, &decision, observed)
                    .await?;
            }
        }
        let (remediation, failure) = Box::pin(self.execute(&snapshot.id, decision, &results)).await;
        // One rollback per recorded configuration: if it does not hold (the rollback deployment
        // fails and the endpoint comes back on the failing one), the next evaluation deletes.
        if let (
            Plan::Act {
                action: Action::RollBackEndpoint { .. },
            },
            ActionResult::Done,
        ) = (&remediation.plan, &remediation.result)
        {
            self.forget_rollback_target(&snapshot.arn, observed).await;
        }
        // An endpoint being deleted takes its rollback target with it: a new endpoint of the
        // same name must never be "rolled back" to what this one served.
        if snapshot.kind() == ResourceKind::Endpoint
            && matches!(snapshot.lifecycle, Lifecycle::Ended(_))
        {
            self.forget_rollback_target(&snapshot.arn, observed).await;
        }
        let mut report = Report::new(
            trigger,
            &snapshot,
            Source::Live,
            results,
            remediation,
            &policy,
            evaluated_at,
        );
        // CloudTrail answers 2 lookups a second per account and region: only a violation needs
        // to name who made the resource (a sweep would otherwise crawl at that pace).
        report.actor = if report.results.iter().any(|r| r.is_problem()) {
            self.actor(trigger, &snapshot, &report.results)
                .await
                .map_err(|source| InspectError::Store {
                    event_id: event_id.to_string(),
                    source,
                })?
        } else {
            trigger.actor.clone()
        };
        for v in report.violations() {
            warn!(event_id, arn = %report.resource.arn, control = %v.control, severity = %v.severity, mode = %v.mode, "control failed");
        }
        info!(event_id, arn = %report.resource.arn, outcome = %report.remediation.outcome(), "evaluated");
        Ok(Judged {
            report,
            failure,
            compliant_config,
        })
    }

    /// Stores the evaluation, then retries what can be retried before anyone is told, alerts,
    /// and imports into the sink.
    async fn conclude(&self, judged: Judged, observed: i64) -> Result<Outcome, InspectError> {
        let Judged {
            report,
            failure,
            compliant_config,
        } = judged;
        let event_id = report.event.id.as_str();
        let (findings, observations) = findings::from_report(&report);
        let compliant_config = compliant_config.as_deref().map(|config| CompliantConfig {
            resource_arn: &report.resource.arn,
            config: Some(config),
            evaluated: observed,
        });
        let evaluation = Evaluation {
            compliant_config,
            ..Evaluation::of(&findings, &observations)
        };
        self.store
            .record(&evaluation)
            .await
            .map_err(|source| InspectError::Store {
                event_id: event_id.to_string(),
                source,
            })?;
        // A remediation that failed for a reason retrying can fix (throttling, a time-out, a
        // confirmation that could not be read) is retried with the event before anyone is told:
        // the retry contains it and alerts once, or the event ends in the failure queue. Only a
        // containment that cannot succeed (access denied...) is alerted as failed.
        if let (Plan::Act { action }, Some(source)) = (&report.remediation.plan, failure) {
            if source.retryable {
                return Err(InspectError::Remediate {
                    event_id: event_id.to_string(),
                    arn: report.resource.arn.clone(),
                    action: action.as_str(),
                    source,
                });
            }
        }
        // The alert never waits on an optional sink: it goes out first; a sink failure then
        // fails the invocation on its own, and the retry re-imports without a second alert.
        let alert_message_id = Box::pin(self.notify(&report, observed)).await?;
        Box::pin(self.sink.import(&findings))
            .await
            .map_err(|source| InspectError::Sink {
                event_id: event_id.to_string(),
                source,
            })?;
        Ok(Outcome::Evaluated {
            report: Box::new(report),
            alert_message_id,
        })
    }

    /// Sends the alert for this evaluation if, and only if, its notification key changed since
    /// the last alert for the resource; the store's claim makes that decision atomic across
    /// concurrent deliveries. A failed publish releases the claim and fails the invocation, so
    /// Lambda's retry sends it.
    async fn notify(&self, report: &Report, observed: i64) -> Result<Option<String>, InspectError> {
        let event_id = report.event.id.as_str();
        let key = NotificationKey::of(report);
        // A tuning job's training jobs share its problem: their alerts count on the tuning
        // job, and a compliant child never announces its parent's resolution.
        let arn = match report.resource.part_of.as_deref() {
            Some(_) if key == NotificationKey::Pass => return Ok(None),
            Some(parent) => parent,
            None => report.resource.arn.as_str(),
        };
        // A resource changing state that passes is judged on what is coming (an endpoint's
        // pending configuration): its resolution is announced once it has settled, not before.
        let settling = report.resource.status.as_deref().is_some_and(|status| {
            matches!(
                Lifecycle::classify(report.resource.kind, status),
                Lifecycle::Transitional(_)
            )
        });
        if key == NotificationKey::Pass && settling {
            return Ok(None);
        }
        let make = |previous: Option<&str>| {
            if !key.alert_due(previous) {
                Ok(None)
            } else if key == NotificationKey::Pass {
                let previous = previous.and_then(NotificationKey::parse);
                alert::resolved(report, &previous.unwrap_or(NotificationKey::Pass)).map(Some)
            } else {
                alert::build(report)
            }
        };
        // A training job of a tuning job alerts unless its parent's last alert named its problem
        // (the same definition, judged on the parent); one that landed on what its parent could
        // not settle (an instance type of `InstanceConfigs`) speaks for itself.
        let announce = if report.resource.part_of.is_some() {
            Announce::Child
        } else if key == NotificationKey::Pass {
            Announce::QuietIfFirst
        } else {
            Announce::Due
        };
        self.deliver(event_id, arn, &key.to_string(), observed, announce, make)
            .await
    }

    /// Keeps the alert this evaluation will send once its action is done, before acting: if
    /// the action makes the resource vanish and the invocation then fails, the retry sends it.
    async fn stage(
        &self,
        trigger: &Trigger,
        snapshot: &Snapshot,
        results: &[ControlResult],
        plan: &Plan,
        observed: i64,
    ) -> Result<(), InspectError> {
        let event_id = trigger.event_id.as_str();
        let (at, _) = now();
        let done = Remediation {
            plan: plan.clone(),
            result: ActionResult::Done,
            at: Some(at.clone()),
        };
        let report = Report::new(
            trigger,
            snapshot,
            Source::Live,
            results.to_vec(),
            done,
            &self.policy.current(),
            at,
        );
        let encode = |source| InspectError::Encode {
            event_id: event_id.to_string(),
            source,
        };
        let Some(alert) = alert::build(&report).map_err(encode)? else {
            return Ok(());
        };
        let staged = StagedAlert {
            claim_arn: snapshot.part_of().unwrap_or(&snapshot.arn).to_string(),
            key: NotificationKey::of(&report).to_string(),
            evaluated: observed,
            alert: serde_json::to_string(&alert).map_err(encode)?,
        };
        let resource = snapshot.id.arn();
        persist(|| self.store.stage_alert(&resource, &staged))
            .await
            .map_err(|source| InspectError::Store {
                event_id: event_id.to_string(),
                source,
            })
    }

    /// Sends a staged alert for a resource that is gone, unless its key was notified already.
    async fn deliver_staged(
        &self,
        event_id: &str,
        staged: StagedAlert,
    ) -> Result<Option<String>, InspectError> {
        let key = staged.key.as_str();
        let make = |previous: Option<&str>| {
            if NotificationKey::parse(key).is_some_and(|k| k.alert_due(previous)) {
                serde_json::from_str(&staged.alert).map(Some)
            } else {
                Ok(None)
            }
        };
        self.deliver(
            event_id,
            &staged.claim_arn,
            key,
            staged.evaluated,
            Announce::Due,
            make,
        )
        .await
    }

    /// Claims the alert for `key` on `arn`, builds it from the last notified key (`make`; no
    /// alert when it says none is due), publishes it and records it as sent. A training job
    /// whose problem the last alert named, or a tuning job's resolution over a training job's
    /// problem, leaves the record as it is (the claim is released, nothing recorded).
    async fn deliver(
        &self,
        event_id: &str,
        arn: &str,
        key: &str,
        observed: i64,
        announce: Announce,
        make: impl FnOnce(Option<&str>) -> Result<Option<Alert>, serde_json::Error>,
    ) -> Result<Option<String>, InspectError> {
        let owner = claim_owner(event_id);
        let quiet_if_first = announce == Announce::QuietIfFirst;
        let Some((request, last_notified)) = self
            .claim(event_id, (arn, key), &owner, observed, quiet_if_first)
            .await?
        else {
            return Ok(None);
        };
        let release = || async {
            let release = || self.store.release_notification(arn, &owner);
            if let Err(e) = persist(release).await {
                warn!(event_id, arn, error = %e, "claim not released; it expires by itself");
            }
        };
        let (now, last) = (
            NotificationKey::parse(key),
            last_notified.as_deref().and_then(NotificationKey::parse),
        );
        let told = match (announce, now, last) {
            (Announce::Child, Some(now), Some(last)) => last.covers(&now),
            (Announce::QuietIfFirst, _, Some(last)) => last.is_child(),
            _ => false,
        };
        if told {
            release().await;
            return Ok(None);
        }
        let alert = make(last_notified.as_deref()).map_err(|source| InspectError::Encode {
            event_id: event_id.to_string(),
            source,
        })?;
        let message_id = match alert {
            Some(alert) => match self.alerts.publish(&alert).await {
                Ok(id) => Some(id),
                Err(source) => {
                    release().await;
                    return Err(InspectError::Alert {
                        event_id: event_id.to_string(),
                        arn: arn.to_string(),
                        source,
                    });
                }
            },
            None => None,
        };
        // The alert went out: failing to record it would send it again on the retry, so the
        // record is retried here first.
        persist(|| self.store.confirm_notification(&request))
            .await
            .map_err(|source| InspectError::Store {
                event_id: event_id.to_string(),
                source,
            })?;
        Ok(message_id)
    }

    /// Claims the alert for `key` on `arn`: the claim and the last notified key, or `None` when
    /// there is nothing to send (sent already, or a newer evaluation speaks). Another invocation
    /// holding the claim for this key is sending it: wait for it to confirm (a concurrent
    /// duplicate delivery); if it does not within half its lease, it may have died between
    /// publishing and confirming: fail, so that Lambda's retry, after the lease, sends the
    /// alert. Nothing is lost either way.
    async fn claim<'a>(
        &self,
        event_id: &str,
        (arn, key): (&'a str, &'a str),
        owner: &'a str,
        observed: i64,
        quiet_if_first: bool,
    ) -> Result<Option<(ClaimRequest<'a>, Option<String>)>, InspectError> {
        let lease = i64::try_from(self.claim_lease.as_secs()).unwrap_or(i64::MAX);
        let patience = (self.claim_lease / 2).min(Duration::from_secs(10));
        let started = Instant::now();
        loop {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let request = ClaimRequest {
                resource_arn: arn,
                key,
                owner,
                evaluated: observed,
                now,
                expires: now.saturating_add(lease),
                quiet_if_first,
            };
            let claim = self
                .store
                .claim_notification(&request)
                .await
                .map_err(|source| InspectError::Store {
                    event_id: event_id.to_string(),
                    source,
                })?;
            match claim {
                Claim::Granted { last_notified } => return Ok(Some((request, last_notified))),
                Claim::Superseded => {
                    info!(
                        event_id,
                        arn, key, "a newer evaluation alerts for this resource"
                    );
                    return Ok(None);
                }
                Claim::AlreadyNotified => {
                    info!(event_id, arn, key, "alert already sent for this state");
                    return Ok(None);
                }
                Claim::Recorded => return Ok(None),
                Claim::HeldByOther if started.elapsed() < patience => {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Claim::HeldByOther => {
                    return Err(InspectError::AlertHeld {
                        event_id: event_id.to_string(),
                        arn: arn.to_string(),
                        key: key.to_string(),
                    })
                }
            }
        }
    }

    /// Carries out the plan. A `ValidationException` from a stop means SageMaker refused the
    /// transition: if the resource is now stopped, ended or gone, the goal is met (another
    /// delivery of the same event, or a person, got there first).
    /// Returns the remediation and, when the call failed, its error.
    async fn execute(
        &self,
        id: &ResourceId,
        plan: Plan,
        results: &[ControlResult],
    ) -> (Remediation, Option<AwsError>) {
        let Plan::Act { action } = plan else {
            let remediation = Remediation {
                plan,
                result: ActionResult::NoCall,
                at: None,
            };
            return (remediation, None);
        };
        let done = if studio::contains_apps(id) {
            let failing: Vec<ControlId> = results
                .iter()
                .filter(|r| r.is_violation())
                .map(|r| r.control)
                .collect();
            self.contain_apps(id, &failing).await
        } else {
            self.sagemaker
                .remediate(id, &action)
                .await
                .map(|()| ActionResult::Done)
        };
        let (action, result, failure) = match done {
            Ok(result) => (action, result, None),
            Err(e) if e.is_validation() || e.is_not_found() => match action {
                Action::RollBackEndpoint { config } => self.rollback_refused(id, config, e).await,
                action => {
                    let (result, failure) = self.confirm_inactive(id, e).await;
                    (action, result, failure)
                }
            },
            Err(e) => (
                action,
                ActionResult::Failed {
                    error: e.to_string(),
                },
                Some(e),
            ),
        };
        match &result {
            ActionResult::Failed { error } => {
                error!(arn = %id.arn(), action = action.as_str(), error, "remediation failed")
            }
            _ => info!(arn = %id.arn(), action = action.as_str(), "remediation done"),
        }
        let remediation = Remediation {
            plan: Plan::Act { action },
            result,
            at: Some(now().0),
        };
        (remediation, failure)
    }

    async fn confirm_inactive(
        &self,
        id: &ResourceId,
        refused: AwsError,
    ) -> (ActionResult, Option<AwsError>) {
        match self.sagemaker.describe(id).await {
            Ok(None) => (
                ActionResult::AlreadyDone {
                    detail: format!("resource no longer exists ({})", refused.message),
                },
                None,
            ),
            Ok(Some(now)) => match now.lifecycle {
                Lifecycle::Ended(status) => (
                    ActionResult::AlreadyDone {
                        detail: format!("already {status}"),
                    },
                    None,
                ),
                _ => (
                    ActionResult::Failed {
                        error: refused.to_string(),
                    },
                    Some(refused),
                ),
            },
            Err(e) => (
                ActionResult::Failed {
                    error: format!("{refused}; then {e}"),
                },
                Some(e),
            ),
        }
    }
}

/// The use case on in-memory fakes: what the emulator tests check end to end, here in
/// milliseconds and with failures injected exactly where they hurt.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{endpoint, notebook};
    use crate::fakes::*;
    use crate::finding::Status;
    use crate::lock;
    use crate::sweep::{self, SweepOptions, Target};
    use std::collections::BTreeMap;

    pub(super) type Fake = Inspector<(
        FakeSageMaker,
        FakeNetwork,
        FakeAlerts,
        FakeStore,
        FakeSink,
        FakeTrail,
    )>;
    pub(super) type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

    pub(super) fn inspector(snapshots: Vec<Snapshot>) -> Result<Fake> {
        Ok(Inspector::new(
            FakeSageMaker::with(snapshots),
            FakeNetwork::default(),
            FakeAlerts::default(),
            FakeStore::default(),
            FakeSink::default(),
            FakeTrail::default(),
            Policy::baseline(),
        ))
    }

    /// The sweep's listing over the fake SageMaker.
    pub(super) fn inventory(inspector: &Fake) -> FakeInventory<'_> {
        FakeInventory {
            sagemaker: &inspector.sagemaker,
            faults: Faults::default(),
            known: BTreeMap::new(),
        }
    }

    /// The fixtures' account and region.
    pub(super) fn home() -> Target {
        Target {
            account: "123456789012".into(),
            region: "us-east-1".into(),
        }
    }

    pub(super) fn options(sweep_id: &str) -> SweepOptions {
        SweepOptions {
            sweep_id: sweep_id.into(),
            concurrency: 2,
            deadline: None,
            progress: None,
            rechecks: None,
        }
    }

    pub(super) fn in_status(mut snapshot: Snapshot, status: &str) -> Snapshot {
        snapshot.lifecycle = Lifecycle::classify(snapshot.kind(), status);
        snapshot
    }

    pub(super) fn actions(inspector: &Fake) -> Vec<String> {
        inspector
            .sagemaker
            .calls()
            .into_iter()
            .map(|c| c.0)
            .collect()
    }

    #[tokio::test]
    async fn a_non_compliant_resource_is_stopped_and_alerted_once_however_often_it_is_seen(
    ) -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let id = open.id.clone();
        let inspector = inspector(vec![open])?;
        for _ in 0..3 {
            inspector
                .inspect_swept("sweep", id.clone(), None, Default::default())
                .await?;
        }
        assert_eq!(actions(&inspector), ["StopNotebookInstance"]);
        assert_eq!(inspector.alerts.sent().len(), 1);
        assert!(inspector.sink.imported() > 0);
        Ok(())
    }

    /// Events a member account could not forward are handled by the sweep of that account and
    /// region as if they had arrived, then deleted; a malformed one is kept in the failure queue
    /// first; one whose handling fails stays for the next sweep.
    #[tokio::test]
    async fn a_sweep_handles_the_events_a_member_account_could_not_forward() -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let inspector = inspector(vec![open])?;
        let letters = crate::fakes::FakeDeadLetters::default();
        let failures = FakeFailureQueue::default();
        let queue = "SageMakerGuardrailMember-forwarding";
        let event = include_str!("../../../events/notebook/state-change.json")
            .replace("\"open-nb\"", "\"res\"")
            .replace("notebook-instance/open-nb", "notebook-instance/res");
        let Target { account, region } = home();
        letters.put(&account, &region, queue, &event);
        letters.put(&account, &region, queue, "{\"detail-type\": 7}");
        letters.put(&account, &region, queue, "not json");

        let done =
            crate::sweep::recover_forwarded(&inspector, &failures, &letters, queue, &[home()])
                .await;

        assert_eq!(actions(&inspector), ["StopNotebookInstance"]);
        assert_eq!(inspector.alerts.sent().len(), 1);
        assert_eq!(
            failures.kept().len(),
            1,
            "the malformed event, with its reason"
        );
        assert_eq!((done.recovered, done.left), (2, 1));
        assert_eq!(
            letters.kept(&account, &region, queue),
            1,
            "what is not an event stays"
        );

        // A queue that cannot be read is counted, not fatal
        letters.faults.deny("ReceiveMessage", 1);
        let done =
            crate::sweep::recover_forwarded(&inspector, &failures, &letters, queue, &[home()])
                .await;
        assert_eq!(done.left, 1);
        Ok(())
    }

    /// What a person watching a sweep is told: how many resources, each one inspected, and
    /// whether it was contained.
    #[derive(Debug, Default)]
    struct Watched(std::sync::Mutex<Vec<String>>);

    impl sweep::SweepProgress for Watched {
        fn listed(&self, resources: usize) {
            lock(&self.0).push(format!("listed {resources}"));
        }

        fn inspected(&self, contained: bool) {
            lock(&self.0).push(format!("inspected, contained {contained}"));
        }
    }

    #[tokio::test]
    async fn a_sweep_tells_whoever_watches_what_it_listed_inspected_and_contained() -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let mut fine = in_status(notebook(|_| {}), "InService");
        fine.id.name = "fine".into();
        fine.arn = fine.id.arn();
        let inspector = inspector(vec![open, fine])?;
        let watched = std::sync::Arc::new(Watched::default());
        let options = SweepOptions {
            progress: Some(watched.clone()),
            ..options("sweep/watched")
        };
        sweep::sweep(&inspector, &inventory(&inspector), &[home()], &options).await;
        let mut told = lock(&watched.0).clone();
        told[1..].sort();
        assert_eq!(
            told,
            [
                "listed 2",
                "inspected, contained false",
                "inspected, contained true"
            ]
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_compliant_resource_is_left_alone_and_alerts_nobody() -> Result {
        let fine = in_status(notebook(|_| {}), "InService");
        let id = fine.id.clone();
        let inspector = inspector(vec![fine])?;
        inspector
            .inspect_swept("sweep", id, None, Default::default())
            .await?;
        assert!(actions(&inspector).is_empty());
        assert!(inspector.alerts.sent().is_empty());
        Ok(())
    }

    /// Nothing lost: what retrying can fix fails the invocation, before anyone is told; the
    /// retry acts and alerts once.
    #[tokio::test]
    async fn what_retrying_can_fix_fails_the_invocation_and_the_retry_alerts_once() -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let id = open.id.clone();
        let inspector = inspector(vec![open])?;
        inspector.sagemaker.faults.throttle("Describe", 1);
        let first = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await;
        assert!(
            matches!(first, Err(InspectError::Describe { .. })),
            "{first:?}"
        );
        inspector
            .sagemaker
            .faults
            .throttle("StopNotebookInstance", 1);
        let second = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await;
        assert!(
            matches!(second, Err(InspectError::Remediate { .. })),
            "{second:?}"
        );
        assert!(
            inspector.alerts.sent().is_empty(),
            "nobody told of a stop to be retried"
        );
        inspector.alerts.faults.throttle("Publish", 1);
        let third = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await;
        assert!(
            matches!(third, Err(InspectError::Alert { .. })),
            "{third:?}"
        );
        inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        inspector
            .inspect_swept("sweep", id, None, Default::default())
            .await?;
        assert_eq!(actions(&inspector), ["StopNotebookInstance"]);
        assert_eq!(
            inspector.alerts.sent().len(),
            1,
            "one alert, sent by the retry"
        );
        Ok(())
    }

    /// A containment that cannot succeed is alerted as failed, at once.
    #[tokio::test]
    async fn a_denied_stop_is_alerted_as_failed() -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let id = open.id.clone();
        let inspector = inspector(vec![open])?;
        inspector.sagemaker.faults.deny("StopNotebookInstance", 1);
        let outcome = inspector
            .inspect_swept("sweep", id, None, Default::default())
            .await?;
        let Outcome::Evaluated { report, .. } = outcome else {
            return Err(format!("expected an evaluation, got {outcome:?}").into());
        };
        assert_eq!(
            report.remediation.outcome(),
            crate::report::ActionOutcome::Failed
        );
        let sent = inspector.alerts.sent();
        assert_eq!(sent.len(), 1);
        assert!(
            sent[0].subject.contains("stop FAILED"),
            "{}",
            sent[0].subject
        );
        Ok(())
    }

    /// An endpoint deleted by an attempt whose alert then failed is gone on the retry: the alert
    /// staged before the deletion goes out then, once.
    #[tokio::test]
    async fn the_staged_alert_of_a_deleted_endpoint_goes_out_when_it_is_gone() -> Result {
        let open = in_status(endpoint(|e| e.kms_key_id = None), "InService");
        let id = open.id.clone();
        let inspector = inspector(vec![open])?;
        inspector.alerts.faults.throttle("Publish", 1);
        let first = inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await;
        assert!(
            matches!(first, Err(InspectError::Alert { .. })),
            "{first:?}"
        );
        assert!(inspector.sagemaker.get(&id).is_none(), "deleted");
        for _ in 0..2 {
            let outcome = inspector
                .inspect_swept("sweep", id.clone(), None, Default::default())
                .await?;
            assert!(matches!(outcome, Outcome::Gone { .. }), "{outcome:?}");
        }
        let sent = inspector.alerts.sent();
        assert_eq!(sent.len(), 1);
        assert!(sent[0].subject.contains("deleted"), "{}", sent[0].subject);
        Ok(())
    }

    /// The sweeper's handler: a tick fans the organisation's active accounts out and says which
    /// it skipped; a batch from the queue sweeps its target, then handles the events that
    /// target's member stack could not forward.
    #[tokio::test]
    async fn the_sweeper_fans_out_at_a_tick_and_sweeps_and_recovers_a_batch() -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let inspector = inspector(vec![open])?;
        let inventory = inventory(&inspector);
        let mut organization = FakeOrganization::default();
        for (id, state) in [("123456789012", "ACTIVE"), ("210987654321", "SUSPENDED")] {
            let account = crate::ports::OrgAccount {
                id: id.into(),
                state: state.into(),
            };
            organization.accounts.push(("r-root".into(), account));
        }
        let env = crate::env::Environment::from_pairs([
            ("ORGANIZATION_ID", "o-abcdefghij"),
            ("SWEEP_REGIONS", "us-east-1"),
        ]);
        let scope = sweep::SweepEnv::from_env(&env, "123456789012", None)?;
        let queue = FakeSweepQueue::default();
        let letters = FakeDeadLetters::default();
        let failures = FakeFailureQueue::default();
        let sweeper = sweep::Sweeper {
            inspector: &inspector,
            inventory: &inventory,
            scope: &scope,
            queue: Some(&queue),
            organization: &organization,
            recovery: Some(sweep::Recovery {
                letters: &letters,
                queue: "SageMakerGuardrailMember-forwarding",
                failures: &failures,
            }),
            rechecks: None,
        };
        let tick = serde_json::json!({"id": "tick-9", "detail-type": "Scheduled Event"});
        let answer = sweeper.handle(&tick, "request-1", 0).await?;
        assert_eq!(answer["enqueued"], 1);
        assert_eq!(answer["skipped"][0]["account"], "210987654321");

        letters.put(
            "123456789012",
            "us-east-1",
            "SageMakerGuardrailMember-forwarding",
            "{\"detail-type\": 7}",
        );
        let sent = lock(&queue.sent).clone();
        let body = serde_json::to_string(&sent[0])?;
        let batch = serde_json::json!({"Records": [{"messageId": "m0", "body": body}]});
        let answer = sweeper.handle(&batch, "request-2", 0).await?;
        assert_eq!(answer["batchItemFailures"], serde_json::json!([]));
        assert_eq!(actions(&inspector), ["StopNotebookInstance"]);
        assert_eq!(
            failures.kept().len(),
            1,
            "the dead letter, handled and kept as malformed"
        );
        Ok(())
    }

    /// Issue 19, case 10: a resource contained, then deleted and created again under the same
    /// name with the same problem, is alerted again: it is a new problem, not the old one.
    #[tokio::test]
    async fn a_resource_created_again_after_containment_is_alerted_again() -> Result {
        let mut first = in_status(notebook(|n| n.vpc = None), "InService");
        first.created_ms = Some(1_764_547_200_000);
        let id = first.id.clone();
        let inspector = inspector(vec![first.clone()])?;
        inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        assert_eq!(inspector.alerts.sent().len(), 1);
        // The same event again: the same problem, no second alert
        inspector.sagemaker.put(first.clone());
        inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        assert_eq!(inspector.alerts.sent().len(), 1);
        // Created again, with the same problem
        let again = Snapshot {
            created_ms: Some(1_764_550_000_000),
            ..first
        };
        inspector.sagemaker.put(again);
        inspector
            .inspect_swept("sweep", id.clone(), None, Default::default())
            .await?;
        assert_eq!(inspector.alerts.sent().len(), 2);
        Ok(())
    }

    /// A malformed event is kept in the failure queue with its reason; when the queue cannot
    /// take it, the invocation fails.
    #[tokio::test]
    async fn a_malformed_event_is_kept_or_the_invocation_fails() -> Result {
        let inspector = inspector(Vec::new())?;
        let queue = FakeFailureQueue::default();
        let event = serde_json::json!({"id": "e1", "detail-type": 42});
        let outcome = inspector.handle_invocation(&event, &queue, &()).await?;
        assert!(matches!(outcome, Outcome::Rejected { .. }), "{outcome:?}");
        assert_eq!(queue.kept().len(), 1);
        assert!(!queue.kept()[0].1.is_empty());
        queue.faults.throttle("SendMessage", 1);
        let failed = inspector.handle_invocation(&event, &queue, &()).await;
        assert!(
            matches!(failed, Err(InspectError::Reject { .. })),
            "{failed:?}"
        );
        Ok(())
    }

    /// The sweep inspects what is active, and reports a listing that failed without stopping.
    /// Issue 10: the schedule fans out one message per target, once per sweep however often it
    /// is delivered; each message sweeps its target, and a message that could not be swept (or
    /// read) is handed back for the queue to retry.
    #[tokio::test]
    async fn a_scheduled_sweep_fans_out_once_per_target_and_messages_sweep_their_target() -> Result
    {
        use crate::sweep::SweeperEvent;
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let inspector = inspector(vec![open.clone()])?;
        let inventory = inventory(&inspector);
        let accounts = ["123456789012".to_string(), "210987654321".to_string()];
        let targets = Target::all(&accounts, &["us-east-1".to_string()]);
        let tick = serde_json::json!({"id": "tick-1", "detail-type": "Scheduled Event"});
        let SweeperEvent::Tick { sweep_id } = SweeperEvent::parse(&tick, "request-1") else {
            panic!("a schedule event is a tick")
        };
        let queue = FakeSweepQueue::default();
        assert_eq!(sweep::fan_out(&queue, &sweep_id, &targets).await?, 2);
        // The same tick delivered again enqueues nothing new.
        sweep::fan_out(&queue, &sweep_id, &targets).await?;
        let sent = lock(&queue.sent).clone();
        assert_eq!(sent.len(), 2, "{sent:?}");
        let mut records = Vec::new();
        for (i, request) in sent.iter().enumerate() {
            let body = serde_json::to_string(request)?;
            records.push(serde_json::json!({"messageId": format!("m{i}"), "body": body}));
        }
        records.push(serde_json::json!({"messageId": "junk", "body": "{\"hello\": 1}"}));
        let SweeperEvent::Targets(batch) =
            SweeperEvent::parse(&serde_json::json!({ "Records": records }), "request-2")
        else {
            panic!("an SQS batch is targets")
        };
        let options = options("unused");
        // The first target's first listing fails: its message goes back to the queue.
        inventory.faults.throttle("List", 1);
        let (response, summaries) =
            sweep::sweep_batch(&inspector, &inventory, batch.clone(), &options).await;
        let retried: Vec<&str> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.as_str())
            .collect();
        assert_eq!(retried, ["m0", "junk"]);
        assert_eq!(summaries.len(), 2);
        assert!(summaries.iter().all(|s| s.sweep_id == sweep_id));
        // The retry sweeps it; the notebook is stopped and alerted once in all.
        let (response, _) =
            sweep::sweep_batch(&inspector, &inventory, batch[..1].to_vec(), &options).await;
        assert!(response.batch_item_failures.is_empty());
        assert_eq!(actions(&inspector), ["StopNotebookInstance"]);
        assert_eq!(inspector.alerts.sent().len(), 1);
        // A message delivered again (its last attempt failed or ran out of time) is swept in
        // another order (the order follows the sweep's name), named by its attempt
        let mut again = records[0].clone();
        again["attributes"] = serde_json::json!({"ApproximateReceiveCount": "2"});
        let SweeperEvent::Targets(retry) =
            SweeperEvent::parse(&serde_json::json!({ "Records": [again] }), "request-3")
        else {
            panic!("an SQS batch is targets")
        };
        let (_, summaries) = sweep::sweep_batch(&inspector, &inventory, retry, &options).await;
        assert_eq!(summaries[0].sweep_id, format!("{sweep_id}#attempt-2"));
        Ok(())
    }

    /// Issue 10: a sweep learns creators in one CloudTrail pass per kind and target, never one
    /// paced lookup per resource; the violation's finding names its creator.
    #[tokio::test]
    async fn a_sweep_attributes_in_bulk_and_never_looks_up_each_resource() -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let arn = open.arn.clone();
        let inspector = inspector(vec![open.clone()])?;
        let alice = Actor {
            arn: Some("arn:aws:sts::123456789012:assumed-role/DataScientist/alice".into()),
            ..Actor::default()
        };
        inspector.trail.created(&open.id, alice.clone());
        let inventory = inventory(&inspector);
        let targets = [home()];
        let options = options("sweep-1");
        let summary = sweep::sweep(&inspector, &inventory, &targets, &options).await;
        assert_eq!(
            (summary.non_compliant, summary.alerts),
            (1, 1),
            "{summary:?}"
        );
        assert_eq!(*lock(&inspector.trail.lookups), 0, "no lookup per resource");
        let passes = lock(&inspector.trail.passes).clone();
        assert_eq!(
            passes.len(),
            1,
            "one pass for the one kind listed: {passes:?}"
        );
        let id = crate::findings::finding_id(&arn, crate::controls::vpc_attached::ID.as_str());
        let stored = inspector.store.get(&id).await?.map(|(f, _)| f.actor);
        assert_eq!(stored, Some(alice.arn), "the finding names its creator");
        Ok(())
    }

    /// Issue 22: CloudTrail is asked only about the kinds of violations no event attributed: a
    /// sweep that finds none makes no call.
    #[tokio::test]
    async fn a_sweep_looks_creators_up_only_for_its_violations() -> Result {
        const DAY_MS: i64 = 86_400_000;
        let mut fine = in_status(notebook(|_| {}), "InService");
        fine.id.name = "fine".into();
        fine.arn = fine.id.arn();
        fine.created_ms = Some(1_764_547_200_000 - 30 * DAY_MS);
        let inspector = inspector(vec![fine])?;
        let inventory = inventory(&inspector);
        let targets = [home()];
        let summary = sweep::sweep(&inspector, &inventory, &targets, &options("sweep-1")).await;
        assert_eq!(
            (summary.evaluated, summary.non_compliant),
            (1, 0),
            "{summary:?}"
        );
        assert_eq!(
            lock(&inspector.trail.passes).clone(),
            [],
            "no violation, no pass"
        );

        let mut open = in_status(notebook(|n| n.vpc = None), "InService");
        open.created_ms = Some(1_764_547_200_000);
        inspector.sagemaker.put(open);
        let summary = sweep::sweep(&inspector, &inventory, &targets, &options("sweep-2")).await;
        assert_eq!(summary.non_compliant, 1, "{summary:?}");
        assert_eq!(
            lock(&inspector.trail.passes).clone(),
            [(
                ResourceKind::NotebookInstance,
                1_764_547_200 - 30 * 86_400 - 300
            )],
            "one pass for the kind, from its oldest active resource's creation"
        );
        Ok(())
    }

    /// Issue 22: tags from a bulk read that lag behind the resource's (its `owner` tag not there
    /// yet) are no problem until a live read confirms it: nobody is alerted.
    #[tokio::test]
    async fn a_problem_a_bulk_read_shows_is_confirmed_live_before_anything_is_done() -> Result {
        let fine = in_status(notebook(|_| {}), "InService");
        let arn = fine.arn.clone();
        let inspector = inspector(vec![fine])?;
        let mut inventory = inventory(&inspector);
        let untagged = Known {
            tags: Some(BTreeMap::new()),
            ..Known::default()
        };
        inventory.known.insert(arn.clone(), untagged);
        let summary = sweep::sweep(&inspector, &inventory, &[home()], &options("sweep-1")).await;
        assert_eq!(
            (summary.evaluated, summary.non_compliant),
            (1, 0),
            "{summary:?}"
        );
        assert_eq!(inspector.alerts.sent().len(), 0, "alerted on stale tags");
        let id = crate::findings::finding_id(&arn, crate::controls::required_tags::ID.as_str());
        let stored = inspector.store.get(&id).await?.map(|(f, _)| f.status);
        assert_eq!(stored, Some(Status::Pass));
        Ok(())
    }

    /// Issue 22 (review): tags from a bulk read that lag behind the other way (an `owner` tag
    /// removed since, and alerted on by a live read) never resolve the alert: a pass on bulk
    /// data whose quiet record is refused is judged again on a live read.
    #[tokio::test]
    async fn a_pass_on_stale_bulk_tags_never_resolves_an_alert() -> Result {
        let fine = in_status(notebook(|_| {}), "InService");
        let tagged = Known {
            tags: fine.tags.clone(),
            ..Known::default()
        };
        let mut untagged = fine.clone();
        untagged.tags = Some(BTreeMap::new());
        let arn = untagged.arn.clone();
        let inspector = inspector(vec![untagged])?;
        let mut inventory = inventory(&inspector);
        let summary = sweep::sweep(&inspector, &inventory, &[home()], &options("sweep-1")).await;
        assert_eq!(summary.non_compliant, 1, "{summary:?}");
        let alerted = inspector.alerts.sent().len();
        assert_eq!(alerted, 1, "the missing tag alerted");
        inventory.known.insert(arn.clone(), tagged);
        let summary = sweep::sweep(&inspector, &inventory, &[home()], &options("sweep-2")).await;
        assert_eq!(summary.non_compliant, 1, "{summary:?}");
        assert_eq!(
            inspector.alerts.sent().len(),
            alerted,
            "resolved on stale tags"
        );
        let id = crate::findings::finding_id(&arn, crate::controls::required_tags::ID.as_str());
        let stored = inspector.store.get(&id).await?.map(|(f, _)| f.status);
        assert_eq!(stored, Some(Status::Fail));
        Ok(())
    }

    #[tokio::test]
    async fn a_sweep_contains_what_is_active_and_reports_what_it_could_not_list() -> Result {
        let open = in_status(notebook(|n| n.vpc = None), "InService");
        let mut fine = in_status(notebook(|_| {}), "InService");
        fine.id.name = "fine".into();
        fine.arn = fine.id.arn();
        let inspector = inspector(vec![open, fine])?;
        let inventory = inventory(&inspector);
        let targets = [home()];
        let options = options("sweep-1");
        let summary = sweep::sweep(&inspector, &inventory, &targets, &options).await;
        assert_eq!(
            (summary.evaluated, summary.non_compliant),
            (2, 1),
            "{summary:?}"
        );
        assert_eq!((summary.remediated, summary.alerts), (1, 1), "{summary:?}");
        assert!(summary.failures.is_empty(), "{summary:?}");
        inventory.faults.throttle("List", 1);
        let summary = sweep::sweep(&inspector, &inventory, &targets, &options).await;
        assert_eq!(summary.failures.len(), 1, "{summary:?}");
        assert_eq!(inspector.alerts.sent().len(), 1, "no second alert");
        Ok(())
    }
}
