//! The sweep: every resource that is active now, judged like an event's resource.
//!
//! Events only cover what changes after deployment, and an event can be missed. The sweep (the
//! `sweeper` Lambda on a schedule, `guardrail scan` by hand) lists the active resources of every
//! kind in every target account and region ([`Inventory`]: server-side status filters, never the
//! job history), then inspects each with the same [`Inspector`] path as an event: describe,
//! evaluate, remediate, store, alert exactly once. N active resources cost O(N) describe calls,
//! at most `concurrency` at a time.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Instant;

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use futures::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::{error, info, warn};

use crate::elapsed_ms;
use crate::inspector::{InspectError, Inspector, Outcome, QuietJudged, Swept};
use crate::lock;
use crate::ports::{
    ActivityLog, AwsError, DeadLetters, FailureQueue, Inventory, Known, Listed, Ports, SweepQueue,
};
use crate::report::ActionResult;
use crate::resource::{ResourceId, ResourceKind};

mod handler;
mod recheck;
mod scope;
pub use handler::{Recovery, Sweeper, SweeperError};
pub use recheck::QueueRecheck;
pub use scope::{Accounts, SweepEnv, SweepTargets};

/// Resources inspected at once by default: SageMaker's Describe* limits are per account, and
/// the inspector makes a few calls per resource.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// One account and region to sweep.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Target {
    pub account: String,
    pub region: String,
}

impl Target {
    /// Every combination of `accounts` and `regions`.
    pub fn all(accounts: &[String], regions: &[String]) -> Vec<Target> {
        let mut targets: Vec<Target> = accounts
            .iter()
            .flat_map(|account| {
                regions.iter().map(move |region| Target {
                    account: account.clone(),
                    region: region.clone(),
                })
            })
            .collect();
        targets.sort();
        targets.dedup();
        targets
    }
}

/// One target of a sweep fanned out on the queue: the body of its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepRequest {
    /// The scheduled sweep it belongs to: names the sweep in findings and deduplicates the
    /// message (a target is swept once per scheduled sweep).
    pub sweep_id: String,
    pub target: Target,
    /// Which delivery of the message this is (SQS's `ApproximateReceiveCount`; not in the body).
    #[serde(skip)]
    pub attempt: u32,
}

impl SweepRequest {
    /// The message's deduplication id: the same for the same target of the same sweep.
    pub fn deduplication_id(&self) -> String {
        use sha2::{Digest, Sha256};
        let Target { account, region } = &self.target;
        hex::encode(Sha256::digest(format!(
            "{}\n{account}\n{region}",
            self.sweep_id
        )))
    }

    /// The message group: one per target, so a target is never swept twice at once.
    pub fn group(&self) -> String {
        format!("{}/{}", self.target.account, self.target.region)
    }
}

/// What woke the sweeper.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SweeperEvent {
    /// The schedule (or a manual invocation): sweep every target, or fan them out. `sweep_id`
    /// is the schedule event's id (the same on a redelivery), else the invocation's.
    Tick { sweep_id: String },
    /// Targets the queue handed over: each message's id, and its request or why it is not one.
    Targets(Vec<(String, Result<SweepRequest, String>)>),
}

impl SweeperEvent {
    pub fn parse(event: &Value, request_id: &str) -> SweeperEvent {
        if event.get("Records").is_some() {
            return match serde_json::from_value::<SqsEvent>(event.clone()) {
                Ok(batch) => SweeperEvent::Targets(
                    batch
                        .records
                        .into_iter()
                        .map(|m| {
                            let attempt = m
                                .attributes
                                .get("ApproximateReceiveCount")
                                .and_then(|n| n.parse().ok())
                                .unwrap_or(1);
                            let request = serde_json::from_str(m.body.as_deref().unwrap_or(""))
                                .map(|r| SweepRequest { attempt, ..r })
                                .map_err(|e| format!("not a sweep request: {e}"));
                            (m.message_id.unwrap_or_default(), request)
                        })
                        .collect(),
                ),
                Err(e) => SweeperEvent::Targets(vec![(
                    String::new(),
                    Err(format!("not an SQS batch: {e}")),
                )]),
            };
        }
        let id = event
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or(request_id);
        SweeperEvent::Tick {
            sweep_id: format!("sweep/{id}"),
        }
    }
}

/// Fans a scheduled sweep out: one message per target on the queue, which hands each to a
/// sweeper invocation of its own (see [`sweep_batch`]). Returns how many were enqueued.
pub async fn fan_out(
    queue: &impl SweepQueue,
    sweep_id: &str,
    targets: &[Target],
) -> Result<usize, AwsError> {
    let requests: Vec<SweepRequest> = targets
        .iter()
        .map(|target| SweepRequest {
            sweep_id: sweep_id.to_string(),
            target: target.clone(),
            attempt: 0,
        })
        .collect();
    queue.enqueue(&requests).await?;
    info!(sweep_id, targets = requests.len(), "sweep fanned out");
    Ok(requests.len())
}

/// Sweeps the targets the queue handed over, one after the other. The messages to retry are
/// reported (partial batch failure): a target whose sweep left failures, and a message that is
/// not a sweep request (after the queue's retries, both end in its dead-letter queue).
pub async fn sweep_batch<P: Ports>(
    inspector: &Inspector<P>,
    inventory: &impl Inventory,
    batch: Vec<(String, Result<SweepRequest, String>)>,
    options: &SweepOptions,
) -> (SqsBatchResponse, Vec<SweepSummary>) {
    let mut response = SqsBatchResponse::default();
    let mut summaries = Vec::new();
    for (message_id, request) in batch {
        let retry = match request {
            Ok(request) => {
                // A retried target (its last attempt ran out of time or failed) is swept in
                // another order, so that the resources its last attempt never reached come
                // early; the attempt also names the sweep in its findings.
                let sweep_id = match request.attempt {
                    0 | 1 => request.sweep_id.clone(),
                    n => format!("{}#attempt-{n}", request.sweep_id),
                };
                let options = SweepOptions {
                    sweep_id,
                    ..options.clone()
                };
                let summary = sweep(inspector, inventory, &[request.target], &options).await;
                let failed = !summary.failures.is_empty();
                summaries.push(summary);
                failed
            }
            Err(reason) => {
                error!(message_id, reason, "sweep message rejected");
                true
            }
        };
        if retry {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message_id;
            response.batch_item_failures.push(failure);
        }
    }
    (response, summaries)
}

/// What a sweep recovered from the member accounts' forwarding dead-letter queues.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Recovered {
    /// Events handled (inspected, ignored or rejected with their reason) and deleted.
    pub recovered: usize,
    /// Events left in their queue for the next sweep (their handling failed), and queues that
    /// could not be read.
    pub left: usize,
}

/// Batches read from one queue in one sweep at most (ten events each).
const MAX_DEAD_LETTER_BATCHES: usize = 100;

/// Handles the events each target's member stack could not forward to the central bus (its
/// dead-letter queue `queue`, named after the member role), as if they had arrived: a resource
/// created and gone between two sweeps is judged all the same, and nothing sent is lost. A
/// handled event is deleted (a malformed one once kept in the failure queue, as the inspector
/// keeps it); one whose handling fails stays for the next sweep. Both are
/// counted (metrics `ForwardedEventsRecovered`, `ForwardedEventsLeft`): any means forwarding is
/// failing somewhere.
pub async fn recover_forwarded<P: Ports>(
    inspector: &Inspector<P>,
    failures: &impl FailureQueue,
    letters: &impl DeadLetters,
    queue: &str,
    targets: &[Target],
) -> Recovered {
    let mut done = Recovered::default();
    for Target { account, region } in targets {
        for _ in 0..MAX_DEAD_LETTER_BATCHES {
            let batch = match letters.receive(account, region, queue).await {
                Ok(batch) => batch,
                Err(e) => {
                    warn!(account, region, queue, error = %e, "forwarding dead letters not read");
                    done.left += 1;
                    break;
                }
            };
            if batch.is_empty() {
                break;
            }
            for letter in batch {
                let handled = match serde_json::from_str::<Value>(&letter.body) {
                    Ok(event) => inspector
                        .handle_invocation(&event, failures, &())
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(format!("not an event: {e}")),
                };
                let deleted = match handled {
                    Ok(_) => letters
                        .delete(account, region, queue, &letter.receipt)
                        .await
                        .map_err(|e| e.to_string()),
                    Err(e) => Err(e),
                };
                match deleted {
                    Ok(()) => done.recovered += 1,
                    Err(error) => {
                        warn!(
                            account,
                            region, error, "forwarded event left for the next sweep"
                        );
                        done.left += 1;
                    }
                }
            }
        }
    }
    if done.recovered + done.left > 0 {
        warn!(
            recovered = done.recovered,
            left = done.left,
            "events the member accounts could not forward"
        );
        let (recovered, left) = (done.recovered, done.left);
        crate::metrics::emit(|| {
            vec![crate::metrics::Point {
                dimensions: Vec::new(),
                metrics: vec![
                    ("ForwardedEventsRecovered", "Count", recovered as f64),
                    ("ForwardedEventsLeft", "Count", left as f64),
                ],
            }]
        });
    }
    done
}

impl SweepSummary {
    /// A sweep with failures fails the invocation: the error alarm fires and the on-failure
    /// destination keeps the summary; everything else in the sweep was still done.
    pub fn into_result(self) -> Result<SweepSummary, SweepIncomplete> {
        if self.failures.is_empty() {
            Ok(self)
        } else {
            Err(SweepIncomplete(Box::new(self)))
        }
    }
}

/// A sweep that left failures; its text is the summary as JSON, for the on-failure destination.
#[derive(Debug)]
pub struct SweepIncomplete(pub Box<SweepSummary>);

impl std::fmt::Display for SweepIncomplete {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let summary = &self.0;
        f.write_str(&serde_json::to_string(summary).unwrap_or_else(|_| summary.line()))
    }
}

impl std::error::Error for SweepIncomplete {}

impl crate::ErrorType for SweepIncomplete {
    fn error_type(&self) -> &'static str {
        "Guardrail.SweepIncomplete"
    }
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
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    let left = std::time::Duration::from_millis(deadline_ms.saturating_sub(now_ms));
    let margin = (left / 4).min(std::time::Duration::from_secs(60));
    Some(Instant::now() + left.saturating_sub(margin))
}

/// Something the sweep could not do; the rest of the sweep went on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepFailure {
    /// The resource ARN, or `<kind> in <account>/<region>` for a failed listing.
    pub subject: String,
    pub error: String,
}

/// What a sweep found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepSummary {
    pub sweep_id: String,
    pub targets: Vec<Target>,
    /// Active resources listed, per kind.
    pub listed: BTreeMap<ResourceKind, usize>,
    pub evaluated: usize,
    /// Evaluated resources with at least one failed control (exemptions excluded).
    pub non_compliant: usize,
    /// Resources stopped or deleted by this sweep.
    pub remediated: usize,
    /// Listed, then gone before they could be described.
    pub gone: usize,
    /// Alerts published (one per resource whose alert state changed).
    pub alerts: usize,
    /// Violations whose creator CloudTrail named only after they were judged (recorded then).
    pub attributed_late: usize,
    pub failures: Vec<SweepFailure>,
    /// Milliseconds from the start until every resource was inspected (contained and alerted).
    pub inspected_ms: u64,
    /// Milliseconds from the start until the sweep was done (attribution included).
    pub finished_ms: u64,
}

impl SweepSummary {
    /// One line for logs and the CLI.
    pub fn line(&self) -> String {
        let listed: usize = self.listed.values().sum();
        format!(
            "{} targets: {listed} active resources, {} evaluated ({} non-compliant), {} remediated, {} gone, {} alerts, {} failures",
            self.targets.len(),
            self.evaluated,
            self.non_compliant,
            self.remediated,
            self.gone,
            self.alerts,
            self.failures.len()
        )
    }
}

/// Told how a sweep goes, for a person watching it (the CLI's progress bar).
pub trait SweepProgress: Send + Sync + std::fmt::Debug {
    /// The active resources were listed: `resources` to inspect.
    fn listed(&self, resources: usize);
    /// One resource was inspected; `contained`: the sweep stopped or deleted it.
    fn inspected(&self, contained: bool);
}

/// How one sweep runs.
#[derive(Debug, Clone)]
pub struct SweepOptions {
    /// Names the sweep in findings (`event.id` = `<sweep_id>/<arn>`) and logs.
    pub sweep_id: String,
    /// Resources inspected at once.
    pub concurrency: usize,
    /// No inspection starts after this instant (the Lambda's deadline less a margin); the
    /// resources left are reported as failures, and the next sweep picks them up.
    pub deadline: Option<Instant>,
    /// Told of each step, when someone watches.
    pub progress: Option<std::sync::Arc<dyn SweepProgress>>,
    /// Where a deferred containment no event brings back (a Studio app still `Pending`) is
    /// queued to be checked again; `None`: it waits for the next sweep.
    pub rechecks: Option<std::sync::Arc<dyn QueueRecheck>>,
}

/// A key that orders resources pseudo-randomly, differently for each sweep id.
fn order_key(sweep_id: &str, arn: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (sweep_id, arn).hash(&mut hasher);
    hasher.finish()
}

/// What an inspection gave, once concluded.
type Inspected = Result<Outcome, InspectError>;

/// Compliant resources recorded together (a DynamoDB transaction holds up to 100 items: a
/// resource's findings, observations and alert state are about 22).
const QUIET_BATCH: usize = 16;

/// Sweeps `targets`: lists the active resources of every kind, then inspects them with at most
/// `options.concurrency` in flight. Failures (a listing, an inspection, a resource left for lack
/// of time) are collected, never dropped.
///
/// Who created the resources of a kind is learned in bulk ([`attribute`]) once the sweep finds a
/// violation of that kind that no event attributed, alongside the inspections: containment and
/// the alert never wait for CloudTrail, and a sweep that finds none makes no `LookupEvents` call.
/// A violation judged before its creator was known gets the actor filled in afterwards
/// ([`Inspector::attribute_late`]).
pub async fn sweep<P: Ports>(
    inspector: &Inspector<P>,
    inventory: &impl Inventory,
    targets: &[Target],
    options: &SweepOptions,
) -> SweepSummary {
    let sweep_id = options.sweep_id.as_str();
    let started = Instant::now();
    let mut summary = SweepSummary {
        sweep_id: sweep_id.to_string(),
        targets: targets.to_vec(),
        ..SweepSummary::default()
    };
    let listed = list(inventory, targets, options, &mut summary).await;
    let windows = attribution_windows(&listed);
    // (what a bulk read gave of a resource is not read again)
    let mut resources: Vec<(ResourceId, Known)> = listed
        .into_iter()
        .map(|(id, item)| (id, item.known))
        .collect();
    // A different order each sweep: when a sweep runs out of time, the next one does not leave
    // the same resources out again.
    resources.sort_by_cached_key(|(id, _)| order_key(sweep_id, &id.arn()));
    info!(
        sweep_id,
        resources = resources.len(),
        "inspecting active resources"
    );
    if let Some(progress) = &options.progress {
        progress.listed(resources.len());
    }
    let creators = Mutex::new(BTreeMap::new());
    // (the kinds to attribute, each asked once, at its first violation no event attributed)
    let (wanted, to_attribute) = futures::channel::mpsc::unbounded::<(Target, ResourceKind)>();
    let deadline = options.deadline;
    let inspections = async {
        let wanted = wanted;
        let mut asked = std::collections::BTreeSet::new();
        let mut inspections =
            futures::stream::iter(resources.into_iter().map(|(id, known)| async {
                let arn = id.arn();
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return (arn, None, Instant::now());
                }
                let creator = lock(&creators).get(&arn).cloned();
                let began = Instant::now();
                let swept = inspector
                    .inspect_swept_quietly(sweep_id, id, creator, known)
                    .await;
                (arn, Some(swept), began)
            }))
            .buffer_unordered(options.concurrency.max(1));
        let mut unattributed = Vec::new();
        // (compliant resources that need no alert are recorded together, a batch at a time)
        let mut quiet: Vec<(String, QuietJudged, Instant)> = Vec::new();
        let mut done: Vec<(String, Option<Inspected>, Instant)> = Vec::new();
        let mut finished = false;
        while !finished {
            let next = inspections.next().await;
            finished = next.is_none();
            match next {
                Some((arn, Some(Ok(Swept::Quiet(judged))), began)) => {
                    quiet.push((arn, *judged, began))
                }
                Some((arn, Some(Ok(Swept::Done(outcome))), began)) => {
                    done.push((arn, Some(Ok(outcome)), began))
                }
                Some((arn, Some(Err(e)), began)) => done.push((arn, Some(Err(e)), began)),
                Some((arn, None, began)) => done.push((arn, None, began)),
                None => {}
            }
            if quiet.len() >= QUIET_BATCH || (finished && !quiet.is_empty()) {
                let batch: Vec<_> = std::mem::take(&mut quiet);
                let (arns, judged): (Vec<_>, Vec<_>) =
                    batch.into_iter().map(|(a, j, b)| ((a, b), j)).unzip();
                let outcomes = inspector.conclude_quietly(judged).await;
                for ((arn, began), outcome) in arns.into_iter().zip(outcomes) {
                    done.push((arn, Some(outcome), began));
                }
            }
            for (arn, mut result, began) in done.drain(..) {
                if let (Some(Ok(Outcome::Evaluated { report, .. })), Some(rechecks)) =
                    (&result, &options.rechecks)
                {
                    if let Err(source) = inspector.schedule_recheck(report, rechecks).await {
                        result = Some(Err(InspectError::RecheckNotQueued {
                            event_id: report.event.id.clone(),
                            arn: report.resource.arn.clone(),
                            source,
                        }));
                    }
                }
                if let Some(result) = &result {
                    crate::metrics::emit(|| {
                        crate::metrics::of_outcome(result.as_ref().ok(), elapsed_ms(began))
                    });
                }
                if let Some(Ok(Outcome::Evaluated { report, .. })) = &result {
                    if report.actor.is_none() && report.results.iter().any(|r| r.is_problem()) {
                        let id = report.resource.id();
                        let target = Target {
                            account: id.account,
                            region: id.region,
                        };
                        if asked.insert((target.clone(), id.kind)) {
                            // (the attribution ends when it stopped at the deadline)
                            let _ = wanted.unbounded_send((target, id.kind));
                        }
                        unattributed.push(report.clone());
                    }
                }
                let contained = summary.remediated;
                summary.count(arn, result);
                if let Some(progress) = &options.progress {
                    progress.inspected(summary.remediated > contained);
                }
            }
        }
        summary.inspected_ms = elapsed_ms(started);
        unattributed
    };
    let attribution = attribute(inspector, &windows, to_attribute, &creators, options);
    let (unattributed, ()) = futures::join!(inspections, attribution);
    // Best effort, a few at a time, and not past the deadline.
    let late = unattributed.into_iter().filter_map(|report| {
        let creator = lock(&creators).get(&report.resource.id().arn()).cloned()?;
        Some(async move {
            if deadline.is_some_and(|d| Instant::now() >= d) {
                return None;
            }
            let result = inspector.attribute_late(&report, creator).await;
            Some((report.resource.arn, result))
        })
    });
    let mut amendments = futures::stream::iter(late).buffer_unordered(options.concurrency.max(1));
    while let Some(amended) = amendments.next().await {
        match amended {
            Some((_, Ok(()))) => summary.attributed_late += 1,
            Some((arn, Err(e))) => warn!(sweep_id, arn, error = %e, "creator not recorded"),
            None => {}
        }
    }
    summary.finished_ms = elapsed_ms(started);
    info!(sweep_id, summary = summary.line(), "sweep done");
    crate::metrics::emit(|| crate::metrics::of_sweep(&summary));
    summary
}

/// For each target and kind listed, the creation time of its oldest active resource (Unix
/// seconds), less a margin (the create call is recorded a little before the resource's creation
/// time): the attribution window. A resource the listing gave no time for widens it to
/// CloudTrail's whole 90 days.
fn attribution_windows(listed: &[(ResourceId, Listed)]) -> BTreeMap<(Target, ResourceKind), i64> {
    const TRAIL_DAYS: i64 = 90;
    const MARGIN_SECONDS: i64 = 300;
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut windows = BTreeMap::new();
    for (id, Listed { created, .. }) in listed {
        let target = Target {
            account: id.account.clone(),
            region: id.region.clone(),
        };
        let since = created.map_or(now - TRAIL_DAYS * 86_400, |c| c - MARGIN_SECONDS);
        windows
            .entry((target, id.kind))
            .and_modify(|oldest: &mut i64| *oldest = (*oldest).min(since))
            .or_insert(since);
    }
    windows
}

/// Learns who created the resources of each (target, kind) `wanted` names, as it names them:
/// one pass over the kind's create calls since its oldest active resource's creation (the
/// CloudTrail adapter paces `LookupEvents` for the whole process). Best effort, and bounded by
/// the sweep's deadline: what is not learned by then stays unattributed.
async fn attribute<P: Ports>(
    inspector: &Inspector<P>,
    windows: &BTreeMap<(Target, ResourceKind), i64>,
    wanted: impl futures::Stream<Item = (Target, ResourceKind)>,
    creators: &Mutex<BTreeMap<String, crate::event::Actor>>,
    options: &SweepOptions,
) {
    let passes = wanted
        .filter_map(|(target, kind)| {
            let since = windows.get(&(target.clone(), kind)).copied();
            async move { since.map(|since| (target, kind, since)) }
        })
        .map(|(target, kind, since)| async move {
            let found = inspector
                .trail
                .creators(&target.account, &target.region, kind, since, options.deadline)
                .await;
            match found {
                Ok(found) => lock(creators).extend(found.into_iter().map(|(name, actor)| {
                    let id = ResourceId {
                        kind,
                        name,
                        account: target.account.clone(),
                        region: target.region.clone(),
                    };
                    (id.arn(), actor)
                })),
                Err(e) => {
                    warn!(sweep_id = options.sweep_id, account = target.account, region = target.region, %kind, error = %e, "creators not learned from CloudTrail");
                    crate::metrics::attribution_failed();
                }
            }
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect::<Vec<()>>();
    match options.deadline {
        Some(deadline) => {
            let deadline = tokio::time::Instant::from_std(deadline);
            if tokio::time::timeout_at(deadline, passes).await.is_err() {
                warn!(
                    sweep_id = options.sweep_id,
                    "attribution stopped at the deadline"
                );
            }
        }
        None => {
            passes.await;
        }
    }
}

/// Lists every (target, kind), `concurrency` at a time (an organization has hundreds of targets,
/// and listing them one after the other would use up the sweep's time); a listing that fails
/// is a failure of the summary, and the rest goes on. Each resource comes with its creation
/// time when the listing gives one.
async fn list<I: Inventory>(
    inventory: &I,
    targets: &[Target],
    options: &SweepOptions,
    summary: &mut SweepSummary,
) -> Vec<(ResourceId, Listed)> {
    let sweep_id = options.sweep_id.as_str();
    let listings = targets
        .iter()
        .flat_map(|t| ResourceKind::ALL.iter().map(move |kind| (t, *kind)));
    let mut listed = futures::stream::iter(listings.map(|(target, kind)| async move {
        let result = inventory
            .active(&target.account, &target.region, kind)
            .await;
        (target, kind, result)
    }))
    .buffer_unordered(options.concurrency.max(1));
    let mut resources = Vec::new();
    while let Some((target, kind, result)) = listed.next().await {
        match result {
            Ok(found) => {
                *summary.listed.entry(kind).or_default() += found.len();
                resources.extend(found.into_iter().map(|item| {
                    let id = ResourceId {
                        kind,
                        name: item.name.clone(),
                        account: target.account.clone(),
                        region: target.region.clone(),
                    };
                    (id, item)
                }));
            }
            Err(e) => {
                let subject = format!("{kind} in {}/{}", target.account, target.region);
                error!(sweep_id, subject, error = %e, "listing failed");
                summary.failures.push(SweepFailure {
                    subject,
                    error: e.to_string(),
                });
            }
        }
    }
    resources
}

impl SweepSummary {
    /// Counts one inspection's result (`None`: not inspected, out of time).
    fn count(&mut self, arn: String, result: Option<Result<Outcome, crate::InspectError>>) {
        let Some(result) = result else {
            self.failures.push(SweepFailure {
                subject: arn,
                error: "not inspected: the sweep ran out of time (the next sweep covers it)".into(),
            });
            return;
        };
        match result {
            Ok(Outcome::Evaluated {
                report,
                alert_message_id,
            }) => {
                self.evaluated += 1;
                if report.violations().next().is_some() {
                    self.non_compliant += 1;
                }
                if report.remediation.result == ActionResult::Done {
                    self.remediated += 1;
                }
                if alert_message_id.is_some() {
                    self.alerts += 1;
                }
            }
            Ok(Outcome::Gone { .. }) => self.gone += 1,
            // A sweep trigger is never ignored or rejected: those come from parsing events.
            Ok(Outcome::Ignored { .. } | Outcome::Rejected { .. }) => {}
            Err(e) => {
                error!(sweep_id = self.sweep_id, arn, error = %e, "inspection failed");
                self.failures.push(SweepFailure {
                    subject: arn,
                    error: e.to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inspections start until a quarter of the time left (at most a minute) before the
    /// deadline; a deadline that is not a time (local emulators) means none.
    #[test]
    fn a_sweep_with_failures_fails_its_invocation_with_the_summary() {
        let clean = SweepSummary::default();
        assert!(clean.into_result().is_ok());
        let failed = SweepSummary {
            failures: vec![SweepFailure {
                subject: "training-job in 123456789012/us-east-1".into(),
                error: "throttled".into(),
            }],
            ..SweepSummary::default()
        };
        let Err(e) = failed.into_result() else {
            panic!("a sweep with failures is an error")
        };
        assert_eq!(
            crate::ErrorType::error_type(&e),
            "Guardrail.SweepIncomplete"
        );
        assert!(e.to_string().contains("throttled"), "{e}");
    }

    #[test]
    fn inspections_start_until_a_margin_before_the_deadline() {
        assert_eq!(start_by(900), None);
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let start_by =
            start_by(now_ms + 600_000).map(|t| t.saturating_duration_since(Instant::now()));
        let left = start_by.map_or(0, |d| d.as_secs());
        assert!(
            (535..=540).contains(&left),
            "{left} s left to start inspections"
        );
    }

    #[test]
    fn each_sweep_orders_resources_differently() {
        let arns: Vec<String> = (0..20)
            .map(|i| format!("arn:aws:sagemaker:us-east-1:123456789012:training-job/j{i}"))
            .collect();
        let order = |sweep_id: &str| {
            let mut sorted = arns.clone();
            sorted.sort_by_cached_key(|a| order_key(sweep_id, a));
            sorted
        };
        assert_eq!(order("sweep/a"), order("sweep/a"));
        assert_ne!(order("sweep/a"), order("sweep/b"));
    }

    #[test]
    fn targets_are_every_account_region_pair_once() {
        let targets = Target::all(
            &[
                "222222222222".into(),
                "111111111111".into(),
                "111111111111".into(),
            ],
            &["us-east-1".into(), "eu-west-1".into()],
        );
        let pairs: Vec<(&str, &str)> = targets
            .iter()
            .map(|t| (t.account.as_str(), t.region.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("111111111111", "eu-west-1"),
                ("111111111111", "us-east-1"),
                ("222222222222", "eu-west-1"),
                ("222222222222", "us-east-1"),
            ]
        );
    }
}
