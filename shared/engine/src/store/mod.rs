//! The [`FindingStore`] port. Its back-ends live in their own crates: SQLite (`guardrail-sqlite`,
//! embedded, the default for `guardrail replay` and the CLI) and DynamoDB (`guardrail-aws`, the
//! Lambdas'). Both pass the same contract suite ([`contract`]).

use std::future::Future;

use serde::Serialize;

use crate::controls::ControlId;
use crate::finding::Status;
use crate::findings::{Finding, Observation};
use crate::policy::Severity;
use crate::resource::ResourceKind;

#[cfg(any(test, feature = "contract-tests"))]
pub mod contract;

/// Why the store could not answer. Nothing is dropped silently: every failure reaches the caller.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("finding store: {operation} failed: {message}")]
    Backend {
        operation: &'static str,
        message: String,
        /// Worth retrying (throttling, a locked database, a network error).
        retryable: bool,
    },
    #[error("finding store: corrupt or foreign record {key}: {message}")]
    Corrupt { key: String, message: String },
    #[error("finding store: schema version {found} is newer than this guardrail supports ({supported}); upgrade guardrail")]
    NewerSchema { found: i64, supported: i64 },
}

/// One evaluation's request to send the alert for its notification key on a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimRequest<'a> {
    pub resource_arn: &'a str,
    pub key: &'a str,
    /// Unique to the invocation asking.
    pub owner: &'a str,
    /// When the evaluation observed the resource (Unix nanoseconds). Evaluations finish out of
    /// order; only one newer than the last alert, and than any other live claim, may alert.
    pub evaluated: i64,
    /// Unix seconds.
    pub now: i64,
    /// Unix seconds: the claim lapses then, so a crashed sender does not block the alert forever.
    pub expires: i64,
    /// The key needs no alert unless another was sent before (a compliant resource): when none
    /// was ever recorded for the resource and nobody holds a live claim, the store records this
    /// key as notified at once and answers [`Claim::Recorded`], with no claim to confirm.
    pub quiet_if_first: bool,
}

/// The outcome of asking to send the alert for a notification key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This caller sends it (and then confirms or releases). `last_notified` is the key of the
    /// last alert sent for the resource, if any.
    Granted { last_notified: Option<String> },
    /// This key was already notified: nothing to send.
    AlreadyNotified,
    /// Another invocation holds an unexpired claim for this key: it sends.
    HeldByOther,
    /// A newer evaluation already alerted, or holds the claim: this older one says nothing.
    Superseded,
    /// Asked [`ClaimRequest::quiet_if_first`] and nothing was ever alerted: the key is recorded
    /// as notified, there is nothing to send or confirm.
    Recorded,
}

/// The alert an evaluation will send once its action is done, kept before the action is taken.
/// An action can make its resource vanish (a deleted endpoint): if the invocation then fails,
/// Lambda's retry finds nothing to describe and sends this instead, so the alert is not lost.
/// The notification claim still decides, so a staged alert already sent is not sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StagedAlert {
    /// The resource whose notification state the alert counts on (a tuning job for its
    /// training jobs).
    pub claim_arn: String,
    pub key: String,
    /// When the evaluation observed the resource (Unix nanoseconds).
    pub evaluated: i64,
    /// The [`crate::alert::Alert`], as JSON.
    pub alert: String,
}

/// Filters of `guardrail findings list`; every set filter must match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pub status: Option<Status>,
    pub control: Option<ControlId>,
    pub kind: Option<ResourceKind>,
    /// At or above this severity.
    pub severity: Option<Severity>,
    pub account: Option<String>,
    pub region: Option<String>,
    /// The resource ARN or name.
    pub resource: Option<String>,
    /// `last_seen` at or after (RFC 3339, UTC).
    pub since: Option<String>,
    /// `last_seen` before (RFC 3339, UTC).
    pub until: Option<String>,
    /// Page size.
    pub limit: usize,
    /// Continue after this cursor (from [`Page::next`]).
    pub after: Option<String>,
}

impl Query {
    pub fn matches(&self, f: &Finding) -> bool {
        let eq = |want: &Option<String>, have: &str| want.as_deref().is_none_or(|w| w == have);
        self.status.is_none_or(|s| s == f.status)
            && self.control.is_none_or(|c| c == f.control)
            && self.kind.is_none_or(|k| k == f.resource_kind)
            && self.severity.is_none_or(|s| f.severity >= s)
            && eq(&self.account, &f.account)
            && eq(&self.region, &f.region)
            && self
                .resource
                .as_deref()
                .is_none_or(|r| r == f.resource_arn || r == f.resource_name)
            && self
                .since
                .as_deref()
                .is_none_or(|s| f.last_seen.as_str() >= s)
            && self
                .until
                .as_deref()
                .is_none_or(|u| f.last_seen.as_str() < u)
    }

    /// Whether `f` comes after the cursor in the listing order (newest first, then id).
    pub fn after_cursor(&self, f: &Finding) -> bool {
        match self.after.as_deref().and_then(|c| c.split_once('|')) {
            Some((seen, id)) => (f.last_seen.as_str(), f.id.as_str()) < (seen, id),
            None => true,
        }
    }
}

/// What one evaluation stores: its findings (upserted, keeping each one's `first_seen`), their
/// observations (appended), and, for an endpoint seen compliant, the configuration it ran.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evaluation<'a> {
    pub findings: &'a [Finding],
    pub observations: &'a [Observation],
    pub compliant_config: Option<CompliantConfig<'a>>,
    /// Amends the findings an evaluation already stored (an actor learned later): each is
    /// written only where the stored finding is still that evaluation's (its `event_id`), never
    /// over a later one's; nothing is written where there is none.
    pub amends: bool,
}

impl<'a> Evaluation<'a> {
    pub fn of(findings: &'a [Finding], observations: &'a [Observation]) -> Evaluation<'a> {
        Evaluation {
            findings,
            observations,
            compliant_config: None,
            amends: false,
        }
    }
}

/// A compliant resource's evaluation in a sweep, which needs no alert unless one went out
/// before for the resource: recorded with others ([`FindingStore::record_quietly`]).
#[derive(Debug, Clone, Copy)]
pub struct QuietRecord<'a> {
    pub evaluation: Evaluation<'a>,
    pub resource_arn: &'a str,
    /// The notification key of a pass.
    pub key: &'a str,
    /// When the evaluation observed the resource (Unix nanoseconds).
    pub evaluated: i64,
    /// Unix seconds.
    pub now: i64,
}

impl QuietRecord<'_> {
    /// What recording this leaves stored, less when and who: its findings without their times,
    /// event and actor, its compliant configuration and its key. Two records of a resource with
    /// the same digest leave the same states but for those (a store may skip rewriting them,
    /// [`FindingStore::record_quietly`]). A pass's actor is not a change: a sweep learns
    /// creators while it judges, so the same resource comes with its creator in one sweep and
    /// without in the next.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let findings: Vec<Finding> = self
            .evaluation
            .findings
            .iter()
            .map(|f| Finding {
                first_seen: String::new(),
                last_seen: String::new(),
                event_id: String::new(),
                actor: None,
                ..f.clone()
            })
            .collect();
        let config = self.evaluation.compliant_config.map(|c| c.config);
        let state = serde_json::json!([self.resource_arn, self.key, config, findings]);
        hex::encode(Sha256::digest(state.to_string().as_bytes()))
    }
}

/// The configuration an endpoint was last seen compliant with: where a non-compliant update is
/// rolled back to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompliantConfig<'a> {
    pub resource_arn: &'a str,
    /// `None` forgets it (a rollback to it was made, or the endpoint is gone).
    pub config: Option<&'a str>,
    /// When the evaluation observed the endpoint (Unix nanoseconds).
    pub evaluated: i64,
}

/// One page of findings, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Page {
    pub findings: Vec<Finding>,
    /// Cursor for the next page, when there is one.
    pub next: Option<String>,
}

impl Page {
    /// Builds a page from candidates already in listing order, filtered by the query.
    pub fn collect(query: &Query, candidates: impl IntoIterator<Item = Finding>) -> Page {
        let limit = query.limit.max(1);
        let mut findings: Vec<Finding> = candidates
            .into_iter()
            .filter(|f| query.after_cursor(f) && query.matches(f))
            .take(limit.saturating_add(1))
            .collect();
        let next = if findings.len() > limit {
            findings.truncate(limit);
            findings.last().map(|f| format!("{}|{}", f.last_seen, f.id))
        } else {
            None
        };
        Page { findings, next }
    }
}

/// Stores findings and decides, atomically, which alerts are due.
pub trait FindingStore: Send + Sync {
    /// Stores one evaluation ([`Evaluation`]). A finding or configuration older than the one
    /// stored is ignored.
    fn record(
        &self,
        evaluation: &Evaluation<'_>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records the evaluations of compliant resources together, each with its pass key noted
    /// as notified where that needs no alert: no alert was ever noted for the resource, or the
    /// last one noted is that key, and nobody holds a live claim. Each finding and configuration
    /// is written as [`Self::record`] writes it (an older one than stored is ignored). Answers,
    /// for each, whether it was recorded so; one that was not (an alert went out before: its
    /// resolution may be due; or a claim is live) is recorded with [`Self::record`] and goes
    /// through the claim like any evaluation. A store may leave a resource's finding states as
    /// they are when its last quiet record had the same [`QuietRecord::digest`] and nothing
    /// was written over them since, rewriting them at least daily (their `last_seen` then lags
    /// by less than a day); the record's observations are always written. By default none is
    /// recorded: the store has no batch.
    fn record_quietly(
        &self,
        batch: &[QuietRecord<'_>],
    ) -> impl Future<Output = Result<Vec<bool>, StoreError>> + Send {
        let none = vec![false; batch.len()];
        async move { Ok(none) }
    }

    /// Asks to send the alert for the request's key. Granted when the key differs from the last
    /// one notified, the evaluation is newer than that alert, and no other live claim is for the
    /// same key or from a newer evaluation.
    fn claim_notification(
        &self,
        request: &ClaimRequest<'_>,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// The alert for the request's key went out: record it as the last notified key (unless a
    /// newer evaluation's alert is already recorded) and drop the claim.
    fn confirm_notification(
        &self,
        request: &ClaimRequest<'_>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The alert could not be sent: drop the claim so a retry can send it.
    fn release_notification(
        &self,
        resource_arn: &str,
        owner: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Keeps the alert of an evaluation about to act on `resource_arn` (see [`StagedAlert`]); an
    /// older evaluation's does not replace a newer one's.
    fn stage_alert(
        &self,
        resource_arn: &str,
        staged: &StagedAlert,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The alert last staged for `resource_arn`, if any.
    fn staged_alert(
        &self,
        resource_arn: &str,
    ) -> impl Future<Output = Result<Option<StagedAlert>, StoreError>> + Send;

    /// Records that an endpoint was compliant running a configuration ([`CompliantConfig`]). An
    /// older observation than the one recorded is ignored.
    fn record_compliant_config(
        &self,
        record: &CompliantConfig<'_>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The last configuration recorded compliant for the endpoint: where a non-compliant update
    /// is rolled back to.
    fn last_compliant_config(
        &self,
        resource_arn: &str,
    ) -> impl Future<Output = Result<Option<String>, StoreError>> + Send;

    /// A finding and its observations, oldest first.
    fn get(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<(Finding, Vec<Observation>)>, StoreError>> + Send;

    /// Findings matching the query, newest first, one page at a time.
    fn list(&self, query: &Query) -> impl Future<Output = Result<Page, StoreError>> + Send;

    /// A finding as it stands, without its history (what an evaluation reads back).
    fn finding(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<Finding>, StoreError>> + Send {
        async move { Ok(self.get(id).await?.map(|(finding, _)| finding)) }
    }
}

#[cfg(test)]
mod tests {
    use super::contract::sample;
    use super::*;

    fn digest(findings: &[Finding], key: &str, config: Option<&str>) -> String {
        let arn = &findings[0].resource_arn;
        QuietRecord {
            evaluation: Evaluation {
                compliant_config: config.map(|config| CompliantConfig {
                    resource_arn: arn,
                    config: Some(config),
                    evaluated: 1,
                }),
                ..Evaluation::of(findings, &[])
            },
            resource_arn: arn,
            key,
            evaluated: 1,
            now: 1,
        }
        .digest()
    }

    #[test]
    fn a_digest_ignores_when_and_who_but_not_what() {
        let arn = "arn:aws:sagemaker:us-east-1:123456789012:endpoint/digest";
        // (passes: what a quiet record holds)
        let passes = |time: &str| {
            let (mut findings, _) = sample(arn, time);
            for f in &mut findings {
                f.status = Status::Pass;
                f.remediation = None;
            }
            findings
        };
        let first = passes("2026-11-01T10:00:00Z");
        let mut later = passes("2026-11-02T10:00:00Z");
        later[0].actor = None;
        let base = digest(&first, "PASS", Some("config-a"));
        assert_eq!(digest(&later, "PASS", Some("config-a")), base);

        let mut other = later.clone();
        other[1].observed = Some("another key".into());
        assert_ne!(digest(&other, "PASS", Some("config-a")), base);
        other = first.clone();
        other[0].status = Status::Fail;
        assert_ne!(digest(&other, "PASS", Some("config-a")), base);
        other = first.clone();
        other[0].policy_version = "another policy".into();
        assert_ne!(digest(&other, "PASS", Some("config-a")), base);
        assert_ne!(digest(&first, "PASS", Some("config-b")), base);
        assert_ne!(digest(&first, "PASS", None), base);
        assert_ne!(digest(&first, "FAIL x", Some("config-a")), base);
        assert_ne!(digest(&first[..1], "PASS", Some("config-a")), base);
    }
}
