//! In-memory fakes of the ports, for unit tests of the use case (inspect, notify, sweep) without
//! an emulator: resources in a map that the remediations change as SageMaker would, alerts in a
//! list, and failures injected per operation ([`Faults`]). The emulator tests stay for the
//! adapters and the end-to-end paths.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde_json::Value;

use crate::alert::Alert;
use crate::event::Actor;
use crate::findings::{Finding, Observation};
use crate::lock;
use crate::policy_source::{Fetched, PolicyLocation};
use crate::ports::{
    ActivityLog, AlertPublisher, AwsError, DeadLetter, DeadLetters, FailureQueue, FindingSink,
    Inventory, Known, Listed, NetworkDirectory, OrgAccount, Organization, PolicyObjects,
    Remediator, ResourceReader, SweepQueue, TrailRecord,
};
use crate::remediation::Action;
use crate::resource::{Dependency, Details, Lifecycle, ResourceId, ResourceKind, Snapshot};
use crate::store::{
    Claim, ClaimRequest, CompliantConfig, Evaluation, FindingStore, Page, Query, StagedAlert,
    StoreError,
};
use crate::sweep::SweepRequest;

/// Failures to inject: the next `n` calls of an operation fail, retryable (throttling) or not.
#[derive(Debug, Default)]
pub struct Faults {
    /// Operation -> (calls left to fail, error code, retryable).
    pending: Mutex<HashMap<&'static str, (usize, &'static str, bool)>>,
}

impl Faults {
    /// The next `times` calls of `operation` fail with a throttling error (retryable).
    pub fn throttle(&self, operation: &'static str, times: usize) {
        lock(&self.pending).insert(operation, (times, "ThrottlingException", true));
    }

    /// The next `times` calls of `operation` fail with `AccessDeniedException` (not retryable).
    pub fn deny(&self, operation: &'static str, times: usize) {
        lock(&self.pending).insert(operation, (times, "AccessDeniedException", false));
    }

    /// The next `times` calls of `operation` are refused with a `ValidationException`, as
    /// SageMaker refuses a transition.
    pub fn refuse(&self, operation: &'static str, times: usize) {
        lock(&self.pending).insert(operation, (times, "ValidationException", false));
    }

    /// An error when a failure of `operation` is due.
    pub fn check(&self, operation: &'static str) -> Result<(), AwsError> {
        let mut pending = lock(&self.pending);
        match pending.get_mut(operation) {
            Some((left, code, retryable)) if *left > 0 => {
                *left -= 1;
                Err(AwsError {
                    operation,
                    code: (*code).into(),
                    message: format!("injected {code}"),
                    retryable: *retryable,
                })
            }
            _ => Ok(()),
        }
    }
}

fn refused(operation: &'static str, message: String) -> AwsError {
    AwsError {
        operation,
        code: "ValidationException".into(),
        message,
        retryable: false,
    }
}

/// SageMaker: resources by ARN, which the remediations change as SageMaker does.
#[derive(Debug, Default)]
pub struct FakeSageMaker {
    resources: Mutex<BTreeMap<String, Snapshot>>,
    /// Inference component -> the endpoint hosting it.
    components: Mutex<BTreeMap<String, String>>,
    /// Changes made right after a describe ([`FakeSageMaker::change_after_describe`]).
    after_describe: Mutex<Vec<Snapshot>>,
    /// The remediation calls made, as (action, resource name).
    calls: Mutex<Vec<(String, String)>>,
    pub faults: Faults,
}

impl FakeSageMaker {
    pub fn with(snapshots: impl IntoIterator<Item = Snapshot>) -> FakeSageMaker {
        let fake = FakeSageMaker::default();
        for snapshot in snapshots {
            fake.put(snapshot);
        }
        fake
    }

    pub fn put(&self, snapshot: Snapshot) {
        lock(&self.resources).insert(snapshot.id.arn(), snapshot);
    }

    pub fn get(&self, id: &ResourceId) -> Option<Snapshot> {
        lock(&self.resources).get(&id.arn()).cloned()
    }

    pub fn host_component(&self, component: &str, endpoint: &str) {
        lock(&self.components).insert(component.into(), endpoint.into());
    }

    pub fn calls(&self) -> Vec<(String, String)> {
        lock(&self.calls).clone()
    }

    /// Someone else changes the resource to `next` right after the next describe of it (a
    /// concurrent delivery acting between this one's describe and its action).
    pub fn change_after_describe(&self, next: Snapshot) {
        lock(&self.after_describe).push(next);
    }
}

impl ResourceReader for FakeSageMaker {
    /// Described, with the tags a bulk read gave (which may lag behind the resource's).
    async fn read_known(
        &self,
        id: &ResourceId,
        known: &Known,
    ) -> Result<Option<Snapshot>, AwsError> {
        let described = self.describe(id).await?;
        Ok(described.map(|mut snapshot| {
            if let Some(tags) = &known.tags {
                snapshot.tags = Some(tags.clone());
            }
            snapshot
        }))
    }

    async fn describe(&self, id: &ResourceId) -> Result<Option<Snapshot>, AwsError> {
        self.faults.check("Describe")?;
        let described = self.get(id);
        let change = {
            let mut pending = lock(&self.after_describe);
            let i = pending.iter().position(|s| s.id == *id);
            i.map(|i| pending.remove(i))
        };
        if let Some(next) = change {
            self.put(next);
        }
        Ok(described)
    }

    async fn component_endpoint(&self, component: &ResourceId) -> Result<Option<String>, AwsError> {
        self.faults.check("DescribeInferenceComponent")?;
        Ok(lock(&self.components).get(&component.name).cloned())
    }

    /// The apps of the domain, profile (its own: the fake knows no private spaces) or space that
    /// have not ended.
    async fn running_apps(&self, scope: &ResourceId) -> Result<Vec<ResourceId>, AwsError> {
        use crate::kinds::app::{AppName, Owner};
        self.faults.check("ListApps")?;
        let (domain, owner) = match scope.kind {
            ResourceKind::Domain => (scope.name.as_str(), None),
            _ => {
                let (domain, name) = scope.name.split_once('/').unwrap_or_default();
                let owner = match scope.kind {
                    ResourceKind::Space => Owner::Space(name.into()),
                    _ => Owner::UserProfile(name.into()),
                };
                (domain, Some(owner))
            }
        };
        Ok(lock(&self.resources)
            .values()
            .filter(|s| {
                s.kind() == ResourceKind::App && !matches!(s.lifecycle, Lifecycle::Ended(_))
            })
            .filter(|s| {
                AppName::parse(&s.id.name).is_some_and(|app| {
                    app.domain_id == domain && owner.as_ref().is_none_or(|o| *o == app.owner)
                })
            })
            .map(|s| s.id.clone())
            .collect())
    }
}

impl Remediator for FakeSageMaker {
    async fn remediate(&self, id: &ResourceId, action: &Action) -> Result<(), AwsError> {
        let operation = action.as_str();
        self.faults.check(operation)?;
        lock(&self.calls).push((operation.to_string(), id.name.clone()));
        let mut resources = lock(&self.resources);
        let arn = id.arn();
        let Some(snapshot) = resources.get_mut(&arn) else {
            return Err(refused(operation, format!("Could not find {arn}")));
        };
        let status = snapshot.lifecycle.status().unwrap_or_default().to_string();
        match action {
            Action::Stop(ResourceKind::Endpoint) => {
                resources.remove(&arn);
            }
            Action::RollBackEndpoint { config } => {
                if status != "InService" && status != "UpdateRollbackFailed" {
                    return Err(refused(
                        operation,
                        format!("Cannot update in status {status}"),
                    ));
                }
                snapshot.lifecycle = Lifecycle::Transitional("Updating".into());
                if let Details::Endpoint(e) = &mut snapshot.details {
                    let value = match &e.config {
                        Dependency::Found { value, .. } => value.clone(),
                        _ => return Err(refused(operation, format!("Could not find {config}"))),
                    };
                    e.config = Dependency::Found {
                        name: config.clone(),
                        value,
                    };
                }
            }
            _ => {
                if !matches!(snapshot.lifecycle, Lifecycle::Active(_)) {
                    return Err(refused(operation, format!("Status ({status}) cannot stop")));
                }
                snapshot.lifecycle = Lifecycle::Ended("Stopped".into());
            }
        }
        Ok(())
    }
}

/// The re-check queue: what was queued, with its delay.
#[derive(Debug, Default)]
pub struct FakeRechecks {
    queued: Mutex<Vec<(crate::inspector::Recheck, std::time::Duration)>>,
}

impl FakeRechecks {
    pub fn queued(&self) -> Vec<(crate::inspector::Recheck, std::time::Duration)> {
        lock(&self.queued).clone()
    }
}

impl crate::ports::Rechecks for FakeRechecks {
    async fn later(
        &self,
        recheck: &crate::inspector::Recheck,
        delay: std::time::Duration,
    ) -> Result<(), AwsError> {
        lock(&self.queued).push((recheck.clone(), delay));
        Ok(())
    }
}

/// EC2: the VPC of each subnet.
#[derive(Debug, Default)]
pub struct FakeNetwork {
    pub vpcs: BTreeMap<String, String>,
}

impl NetworkDirectory for FakeNetwork {
    async fn subnet_vpcs(
        &self,
        _resource: &ResourceId,
        subnets: &[String],
    ) -> Result<BTreeMap<String, String>, AwsError> {
        Ok(subnets
            .iter()
            .filter_map(|s| self.vpcs.get(s).map(|v| (s.clone(), v.clone())))
            .collect())
    }
}

/// SNS: the alerts published, in order.
#[derive(Debug, Default)]
pub struct FakeAlerts {
    sent: Mutex<Vec<Alert>>,
    pub faults: Faults,
}

impl FakeAlerts {
    pub fn sent(&self) -> Vec<Alert> {
        lock(&self.sent).clone()
    }
}

impl AlertPublisher for FakeAlerts {
    async fn publish(&self, alert: &Alert) -> Result<String, AwsError> {
        self.faults.check("Publish")?;
        let mut sent = lock(&self.sent);
        sent.push(alert.clone());
        Ok(format!("message-{}", sent.len()))
    }
}

/// Security Hub: how many findings were imported.
#[derive(Debug, Default)]
pub struct FakeSink {
    imported: Mutex<usize>,
    pub faults: Faults,
}

impl FakeSink {
    pub fn imported(&self) -> usize {
        *lock(&self.imported)
    }
}

impl FindingSink for FakeSink {
    async fn import(&self, findings: &[Finding]) -> Result<(), AwsError> {
        self.faults.check("BatchImportFindings")?;
        *lock(&self.imported) += findings.len();
        Ok(())
    }
}

/// CloudTrail: the creators it knows, and the lookups asked of it.
#[derive(Debug, Default)]
pub struct FakeTrail {
    creators: Mutex<BTreeMap<String, Actor>>,
    /// Per-resource lookups (`creator`) asked.
    pub lookups: Mutex<usize>,
    /// Bulk passes (`creators`) asked: (kind, since).
    pub passes: Mutex<Vec<(ResourceKind, i64)>>,
}

impl FakeTrail {
    /// `actor` created the resource.
    pub fn created(&self, id: &ResourceId, actor: Actor) {
        lock(&self.creators).insert(id.arn(), actor);
    }
}

impl ActivityLog for FakeTrail {
    async fn creator(&self, id: &ResourceId, _: Option<i64>) -> Result<Option<Actor>, AwsError> {
        *lock(&self.lookups) += 1;
        Ok(lock(&self.creators).get(&id.arn()).cloned())
    }

    async fn creators(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
        since: i64,
        _deadline: Option<std::time::Instant>,
    ) -> Result<BTreeMap<String, Actor>, AwsError> {
        lock(&self.passes).push((kind, since));
        let prefix = ResourceId {
            kind,
            name: String::new(),
            account: account.to_string(),
            region: region.to_string(),
        }
        .arn();
        Ok(lock(&self.creators)
            .iter()
            .filter_map(|(arn, actor)| {
                Some((arn.strip_prefix(&prefix)?.to_string(), actor.clone()))
            })
            .collect())
    }

    async fn calls(
        &self,
        _account: &str,
        _region: &str,
        _name: &str,
        _event: &str,
    ) -> Result<Vec<TrailRecord>, AwsError> {
        Ok(Vec::new())
    }
}

/// The sweep queue: each request kept once per deduplication id, as a FIFO queue does.
#[derive(Debug, Default)]
pub struct FakeSweepQueue {
    pub sent: Mutex<Vec<SweepRequest>>,
    pub faults: Faults,
}

impl SweepQueue for FakeSweepQueue {
    async fn enqueue(&self, requests: &[SweepRequest]) -> Result<(), AwsError> {
        self.faults.check("SendMessageBatch")?;
        let mut sent = lock(&self.sent);
        for request in requests {
            let id = request.deduplication_id();
            if !sent.iter().any(|s| s.deduplication_id() == id) {
                sent.push(request.clone());
            }
        }
        Ok(())
    }
}

/// The failure queue: the rejected events kept, with their reasons.
#[derive(Debug, Default)]
pub struct FakeFailureQueue {
    kept: Mutex<Vec<(Value, String)>>,
    pub faults: Faults,
}

impl FakeFailureQueue {
    pub fn kept(&self) -> Vec<(Value, String)> {
        lock(&self.kept).clone()
    }
}

impl FailureQueue for FakeFailureQueue {
    async fn keep_rejected(&self, event: &Value, reason: &str) -> Result<(), AwsError> {
        self.faults.check("SendMessage")?;
        lock(&self.kept).push((event.clone(), reason.to_string()));
        Ok(())
    }
}

/// The sweep's listing: the active resources of each kind, from a [`FakeSageMaker`], with what
/// a bulk read gives of some (by ARN).
#[derive(Debug)]
pub struct FakeInventory<'a> {
    pub sagemaker: &'a FakeSageMaker,
    pub faults: Faults,
    pub known: BTreeMap<String, Known>,
}

impl Inventory for FakeInventory<'_> {
    async fn active(
        &self,
        account: &str,
        region: &str,
        kind: ResourceKind,
    ) -> Result<Vec<Listed>, AwsError> {
        self.faults.check("List")?;
        Ok(lock(&self.sagemaker.resources)
            .values()
            .filter(|s| s.id.kind == kind && s.id.account == account && s.id.region == region)
            .filter(|s| !matches!(s.lifecycle, Lifecycle::Ended(_)))
            .map(|s| Listed {
                name: s.id.name.clone(),
                created: s.created_ms.map(|ms| ms / 1000),
                known: self.known.get(&s.id.arn()).cloned().unwrap_or_default(),
            })
            .collect())
    }
}

/// The finding store in memory, with the same semantics as the real back-ends (it passes the
/// same contract suite), and failures injected per operation (`record`, `claim`, `confirm`,
/// `stage`, ...) as [`StoreError::Backend`], retryable when throttled.
#[derive(Debug, Default)]
pub struct FakeStore {
    state: Mutex<StoreState>,
    pub faults: Faults,
}

#[derive(Debug, Default)]
struct StoreState {
    findings: BTreeMap<String, Finding>,
    observations: Vec<Observation>,
    notifications: HashMap<String, Notification>,
    staged: HashMap<String, StagedAlert>,
    /// Resource ARN -> (configuration, evaluated).
    compliant: HashMap<String, (Option<String>, i64)>,
}

impl StoreState {
    /// Keeps an endpoint's compliant configuration unless a newer one is kept.
    fn keep_compliant(&mut self, record: &CompliantConfig<'_>) {
        let newer = self
            .compliant
            .get(record.resource_arn)
            .is_none_or(|(_, at)| record.evaluated > *at);
        if newer {
            self.compliant.insert(
                record.resource_arn.to_string(),
                (record.config.map(str::to_string), record.evaluated),
            );
        }
    }
}

/// One resource's notification state: the last key alerted, and the live claim if any.
#[derive(Debug, Default, Clone)]
struct Notification {
    notified: Option<(String, i64)>,
    /// Key, owner, expires, evaluated.
    claim: Option<(String, String, i64, i64)>,
}

impl FakeStore {
    fn fault(&self, operation: &'static str) -> Result<(), StoreError> {
        self.faults
            .check(operation)
            .map_err(|e| StoreError::Backend {
                operation,
                message: e.message,
                retryable: e.retryable,
            })
    }
}

impl FindingStore for FakeStore {
    async fn record(&self, evaluation: &Evaluation<'_>) -> Result<(), StoreError> {
        self.fault("record")?;
        let mut state = lock(&self.state);
        if let Some(config) = &evaluation.compliant_config {
            state.keep_compliant(config);
        }
        for f in evaluation.findings {
            let mut f = f.clone();
            let current = state.findings.get(&f.id);
            if evaluation.amends && current.is_none_or(|old| old.event_id != f.event_id) {
                continue;
            }
            if let Some(old) = current {
                // An older evaluation delivered late never overwrites a newer state.
                if old.last_seen > f.last_seen {
                    continue;
                }
                f.first_seen = old.first_seen.clone().min(f.first_seen);
            }
            state.findings.insert(f.id.clone(), f);
        }
        state
            .observations
            .extend_from_slice(evaluation.observations);
        Ok(())
    }

    async fn claim_notification(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        self.fault("claim")?;
        let mut state = lock(&self.state);
        let row = state
            .notifications
            .entry(request.resource_arn.to_string())
            .or_default();
        let live_claim = row.claim.as_ref().is_some_and(|c| c.2 > request.now);
        if request.quiet_if_first && row.notified.is_none() && !live_claim {
            row.notified = Some((request.key.to_string(), request.evaluated));
            return Ok(Claim::Recorded);
        }
        if let Some((key, at)) = &row.notified {
            if key == request.key {
                return Ok(Claim::AlreadyNotified);
            }
            if *at >= request.evaluated {
                return Ok(Claim::Superseded);
            }
        }
        if let Some((key, owner, expires, at)) = &row.claim {
            if owner != request.owner && *expires > request.now {
                if key == request.key {
                    return Ok(Claim::HeldByOther);
                }
                if *at >= request.evaluated {
                    return Ok(Claim::Superseded);
                }
            }
        }
        row.claim = Some((
            request.key.to_string(),
            request.owner.to_string(),
            request.expires,
            request.evaluated,
        ));
        Ok(Claim::Granted {
            last_notified: row.notified.as_ref().map(|(key, _)| key.clone()),
        })
    }

    async fn confirm_notification(&self, request: &ClaimRequest<'_>) -> Result<(), StoreError> {
        self.fault("confirm")?;
        let mut state = lock(&self.state);
        let Some(row) = state.notifications.get_mut(request.resource_arn) else {
            return Ok(());
        };
        if row
            .notified
            .as_ref()
            .is_none_or(|(_, at)| *at < request.evaluated)
        {
            row.notified = Some((request.key.to_string(), request.evaluated));
        }
        if row.claim.as_ref().is_some_and(|c| c.1 == request.owner) {
            row.claim = None;
        }
        Ok(())
    }

    async fn release_notification(
        &self,
        resource_arn: &str,
        owner: &str,
    ) -> Result<(), StoreError> {
        self.fault("release")?;
        let mut state = lock(&self.state);
        if let Some(row) = state.notifications.get_mut(resource_arn) {
            if row.claim.as_ref().is_some_and(|c| c.1 == owner) {
                row.claim = None;
            }
        }
        Ok(())
    }

    async fn stage_alert(
        &self,
        resource_arn: &str,
        staged: &StagedAlert,
    ) -> Result<(), StoreError> {
        self.fault("stage")?;
        let mut state = lock(&self.state);
        let newer = state
            .staged
            .get(resource_arn)
            .is_none_or(|old| staged.evaluated >= old.evaluated);
        if newer {
            state
                .staged
                .insert(resource_arn.to_string(), staged.clone());
        }
        Ok(())
    }

    async fn staged_alert(&self, resource_arn: &str) -> Result<Option<StagedAlert>, StoreError> {
        self.fault("staged")?;
        Ok(lock(&self.state).staged.get(resource_arn).cloned())
    }

    async fn record_compliant_config(
        &self,
        record: &CompliantConfig<'_>,
    ) -> Result<(), StoreError> {
        self.fault("record compliant config")?;
        lock(&self.state).keep_compliant(record);
        Ok(())
    }

    async fn last_compliant_config(
        &self,
        resource_arn: &str,
    ) -> Result<Option<String>, StoreError> {
        self.fault("read compliant config")?;
        let state = lock(&self.state);
        Ok(state
            .compliant
            .get(resource_arn)
            .and_then(|(c, _)| c.clone()))
    }

    async fn get(&self, id: &str) -> Result<Option<(Finding, Vec<Observation>)>, StoreError> {
        self.fault("get")?;
        let state = lock(&self.state);
        Ok(state.findings.get(id).map(|f| {
            let history = state
                .observations
                .iter()
                .filter(|o| o.finding_id == id)
                .cloned()
                .collect();
            (f.clone(), history)
        }))
    }

    async fn list(&self, query: &Query) -> Result<Page, StoreError> {
        self.fault("list")?;
        let state = lock(&self.state);
        let mut all: Vec<Finding> = state.findings.values().cloned().collect();
        all.sort_by(|a, b| (&b.last_seen, &b.id).cmp(&(&a.last_seen, &a.id)));
        Ok(Page::collect(query, all))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_fake_store_passes_the_store_contract() -> Result<(), StoreError> {
        crate::store::contract::run_all(|| async { Ok(FakeStore::default()) }).await
    }
}

/// The policy object: its versions (each `put` is a new one, ETag and version id `vN`), which
/// every location reads.
#[derive(Debug, Default, Clone)]
pub struct FakePolicyObjects {
    state: std::sync::Arc<Mutex<PolicyObjectState>>,
}

#[derive(Debug, Default)]
struct PolicyObjectState {
    text: Option<String>,
    version: usize,
    reads: usize,
    failing: usize,
}

impl FakePolicyObjects {
    /// Writes a new version of the object.
    pub fn put(&self, text: &str) {
        let mut state = lock(&self.state);
        state.version += 1;
        state.text = Some(text.to_string());
    }

    pub fn delete(&self) {
        lock(&self.state).text = None;
    }

    /// The next `times` reads fail (throttled, after the SDK's retries).
    pub fn fail_reads(&self, times: usize) {
        lock(&self.state).failing = times;
    }

    /// How many reads were made.
    pub fn reads(&self) -> usize {
        lock(&self.state).reads
    }
}

impl PolicyObjects for FakePolicyObjects {
    async fn fetch(&self, _: &PolicyLocation, known: Option<&str>) -> Result<Fetched, AwsError> {
        let mut state = lock(&self.state);
        state.reads += 1;
        if state.failing > 0 {
            state.failing -= 1;
            return Err(AwsError {
                operation: "GetObject",
                code: "SlowDown".into(),
                message: "injected".into(),
                retryable: true,
            });
        }
        let etag = format!("v{}", state.version);
        Ok(match &state.text {
            None => Fetched::Missing,
            Some(_) if known == Some(etag.as_str()) => Fetched::Unchanged,
            Some(text) => Fetched::Object {
                text: text.clone(),
                version_id: Some(etag.clone()),
                etag,
            },
        })
    }
}

/// An organisation's accounts; `accounts` under a parent are those listed with it.
#[derive(Debug, Default)]
pub struct FakeOrganization {
    /// (parent, account) pairs; the parent `r-root` holds every account.
    pub accounts: Vec<(String, OrgAccount)>,
    pub faults: Faults,
}

impl Organization for FakeOrganization {
    async fn accounts(&self, parents: &[String]) -> Result<Vec<OrgAccount>, AwsError> {
        self.faults.check("ListAccounts")?;
        let mut found: Vec<OrgAccount> = self
            .accounts
            .iter()
            .filter(|(parent, _)| parents.is_empty() || parents.contains(parent))
            .map(|(_, a)| a.clone())
            .collect();
        found.sort_by(|a, b| a.id.cmp(&b.id));
        found.dedup();
        Ok(found)
    }
}

/// Forwarding dead-letter queues: events by (account, region, queue); a received event stays
/// until deleted, as SQS keeps it (hidden for a while: not received twice in one sweep here).
#[derive(Debug, Default)]
pub struct FakeDeadLetters {
    queues: Mutex<BTreeMap<QueueKey, Vec<Kept>>>,
    pub faults: Faults,
}

/// (account, region, queue name).
type QueueKey = (String, String, String);
/// (receipt, body, received).
type Kept = (String, String, bool);

impl FakeDeadLetters {
    pub fn put(&self, account: &str, region: &str, queue: &str, body: &str) {
        let mut queues = lock(&self.queues);
        let kept = queues
            .entry((account.into(), region.into(), queue.into()))
            .or_default();
        let receipt = format!("r{}", kept.len());
        kept.push((receipt, body.to_string(), false));
    }

    /// The events still kept in a queue.
    pub fn kept(&self, account: &str, region: &str, queue: &str) -> usize {
        lock(&self.queues)
            .get(&(account.into(), region.into(), queue.into()))
            .map_or(0, Vec::len)
    }
}

impl DeadLetters for FakeDeadLetters {
    async fn receive(
        &self,
        account: &str,
        region: &str,
        queue: &str,
    ) -> Result<Vec<DeadLetter>, AwsError> {
        self.faults.check("ReceiveMessage")?;
        let mut queues = lock(&self.queues);
        let Some(kept) = queues.get_mut(&(account.into(), region.into(), queue.into())) else {
            return Ok(Vec::new());
        };
        Ok(kept
            .iter_mut()
            .filter(|(_, _, received)| !*received)
            .take(10)
            .map(|(receipt, body, received)| {
                *received = true;
                DeadLetter {
                    receipt: receipt.clone(),
                    body: body.clone(),
                }
            })
            .collect())
    }

    async fn delete(
        &self,
        account: &str,
        region: &str,
        queue: &str,
        receipt: &str,
    ) -> Result<(), AwsError> {
        self.faults.check("DeleteMessage")?;
        if let Some(kept) =
            lock(&self.queues).get_mut(&(account.into(), region.into(), queue.into()))
        {
            kept.retain(|(r, _, _)| r != receipt);
        }
        Ok(())
    }
}
