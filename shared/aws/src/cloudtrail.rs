//! [`ActivityLog`] on CloudTrail `LookupEvents`: who last created or changed a resource
//! (attribution for triggers without an actor), and the records of the guardrail's own
//! remediation calls (evidence).
//!
//! `LookupEvents` allows 2 calls per second per account and region: calls from one process are
//! spaced accordingly, throttling answers are retried by the SDK's standard retry with backoff,
//! and an answer is kept for [`ATTRIBUTION_TTL`] (the state changes of one call come in bursts;
//! a later call by someone else must not be attributed to the earlier caller).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use aws_sdk_cloudtrail::types::{Event, LookupAttribute, LookupAttributeKey};
use serde_json::Value;
use tokio::time::Instant;

use super::classify;
use guardrail_core::event::{name_from_arn, Actor};
use guardrail_core::kinds::ApiCall;
use guardrail_core::ports::{ActivityLog, AwsError, TrailRecord};
use guardrail_core::resource::{ResourceId, ResourceKind};

/// Spacing between two `LookupEvents` calls (its limit is 2 per second).
const SPACING: Duration = Duration::from_millis(500);
/// How long an attribution is kept.
const ATTRIBUTION_TTL: Duration = Duration::from_secs(60);
/// Events read at most per lookup (CloudTrail pages hold 50).
const MAX_EVENTS: usize = 200;

/// A resource's ARN and creation time (milliseconds since the epoch), when known.
type Incarnation = (String, Option<i64>);

#[derive(Debug)]
pub struct CloudTrail {
    client: aws_sdk_cloudtrail::Client,
    creators: Mutex<HashMap<Incarnation, (Actor, Instant)>>,
    next_call: tokio::sync::Mutex<Instant>,
}

impl CloudTrail {
    pub fn new(client: aws_sdk_cloudtrail::Client) -> CloudTrail {
        CloudTrail {
            client,
            creators: Mutex::new(HashMap::new()),
            next_call: tokio::sync::Mutex::new(Instant::now()),
        }
    }

    /// Waits for this process's turn under the rate limit.
    async fn pace(&self) {
        let mut next = self.next_call.lock().await;
        tokio::time::sleep_until(*next).await;
        *next = Instant::now() + SPACING;
    }

    /// Events about a resource name, newest first (at most [`MAX_EVENTS`]).
    async fn events_for(&self, resource_name: &str) -> Result<Vec<Event>, AwsError> {
        let attribute = lookup(LookupAttributeKey::ResourceName, resource_name)?;
        let mut events = Vec::new();
        self.pages(attribute, None, None, |page| {
            events.extend(page.iter().cloned());
            events.len() < MAX_EVENTS
        })
        .await?;
        Ok(events)
    }

    /// Hands each page of events matching `attribute` since `since` (Unix seconds), newest
    /// first, 50 a call, to `take`, until it answers `false`, the pages end, or `deadline`.
    async fn pages(
        &self,
        attribute: LookupAttribute,
        since: Option<i64>,
        deadline: Option<std::time::Instant>,
        mut take: impl FnMut(&[Event]) -> bool,
    ) -> Result<(), AwsError> {
        let mut token: Option<String> = None;
        loop {
            self.pace().await;
            let out = self
                .client
                .lookup_events()
                .lookup_attributes(attribute.clone())
                .set_start_time(since.map(aws_smithy_types::DateTime::from_secs))
                .max_results(50)
                .set_next_token(token.take())
                .send()
                .await
                .map_err(|e| classify("LookupEvents", e))?;
            let more = take(out.events());
            let on_time = deadline.is_none_or(|d| std::time::Instant::now() < d);
            match out.next_token() {
                Some(next) if more && on_time => token = Some(next.to_string()),
                _ => return Ok(()),
            }
        }
    }
}

fn lookup(key: LookupAttributeKey, value: &str) -> Result<LookupAttribute, AwsError> {
    LookupAttribute::builder()
        .attribute_key(key)
        .attribute_value(value)
        .build()
        .map_err(|e| AwsError {
            operation: "LookupEvents",
            code: "Construction".into(),
            message: e.to_string(),
            retryable: false,
        })
}

/// The event's `CloudTrailEvent` document.
fn document(event: &Event) -> Value {
    event
        .cloud_trail_event()
        .and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(Value::Null)
}

/// Whether the call failed: then it did nothing, and names nobody's resource.
fn failed(event: &Event) -> bool {
    document(event).get("errorCode").is_some()
}

/// How much earlier than the resource's `CreationTime` the call creating it may be recorded.
const CLOCK_MARGIN_MS: i64 = 60_000;

/// A call made before the incarnation created at `created_ms` (by more than the margin): it was
/// made on a predecessor of the same name.
fn before_incarnation(event: &Event, created_ms: i64) -> bool {
    event.event_time().is_some_and(|t| {
        let at = t.secs().saturating_mul(1000) + i64::from(t.subsec_nanos() / 1_000_000);
        at < created_ms - CLOCK_MARGIN_MS
    })
}

/// The name of the resource a create call made: its request parameters (`trainingJobName`) or
/// response elements (a domain's `domainId`), else the event's first resource. `None` for a call
/// that failed.
fn created_name(event: &Event, kind: ResourceKind, call: &ApiCall) -> Option<String> {
    let detail = document(event);
    if detail.get("errorCode").is_some() {
        return None;
    }
    let named = ["requestParameters", "responseElements"]
        .iter()
        .find_map(|member| call.name_in(detail.get(*member)?).ok().flatten());
    named.or_else(|| {
        let resource = event.resources().first()?.resource_name()?;
        if resource.starts_with("arn:") {
            name_from_arn(resource, kind)
        } else {
            Some(resource.to_string())
        }
    })
}

/// The record of one event, from its `CloudTrailEvent` document where present.
fn record(event: &Event) -> TrailRecord {
    let detail = document(event);
    let field = |path: &[&str]| {
        path.iter()
            .try_fold(&detail, |v, k| v.get(k))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    TrailRecord {
        event_id: event.event_id().unwrap_or_default().to_string(),
        event_name: event.event_name().unwrap_or_default().to_string(),
        event_time: event
            .event_time()
            .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
            .unwrap_or_default(),
        username: event.username().map(str::to_string),
        caller_arn: field(&["userIdentity", "arn"]),
        request_id: field(&["requestID"]),
        actor: Actor {
            arn: field(&["userIdentity", "arn"]),
            identity_type: field(&["userIdentity", "type"]),
            principal_id: field(&["userIdentity", "principalId"]),
            account_id: field(&["userIdentity", "accountId"]),
            source_identity: field(&["userIdentity", "sessionContext", "sourceIdentity"]),
        },
    }
}

impl ActivityLog for CloudTrail {
    /// The caller of the latest successful call of the kind's (create, update, start) on the
    /// resource: Alice's `UpdateEndpoint` on Bob's endpoint is Alice's, and a name reused after
    /// a deletion belongs to its latest creator.
    async fn creator(
        &self,
        id: &ResourceId,
        created_ms: Option<i64>,
    ) -> Result<Option<Actor>, AwsError> {
        // Keyed by incarnation: a resource created again under its name is someone else's.
        let key = (id.arn(), created_ms);
        let cached = self.creators.lock().ok().and_then(|c| c.get(&key).cloned());
        if let Some((actor, at)) = cached {
            if at.elapsed() < ATTRIBUTION_TTL {
                return Ok(Some(actor));
            }
        }
        let mutating: Vec<&str> = id.kind.calls().iter().map(|c| c.event_name).collect();
        let found = self
            .events_for(&id.call_name())
            .await?
            .iter()
            // Newest first; a call that failed changed nothing.
            .filter(|e| e.event_name().is_some_and(|n| mutating.contains(&n)) && !failed(e))
            .filter(|e| created_ms.is_none_or(|created| !before_incarnation(e, created)))
            .map(record)
            .next()
            .map(|r| r.actor);
        if let (Some(actor), Ok(mut cache)) = (&found, self.creators.lock()) {
            cache.insert(key, (actor.clone(), Instant::now()));
        }
        Ok(found)
    }

    /// One pass over the kind's create calls since `since`; the newest creation of a name wins
    /// (a name reused after a deletion belongs to its latest creator).
    async fn creators(
        &self,
        _account: &str,
        _region: &str,
        kind: ResourceKind,
        since: i64,
        deadline: Option<std::time::Instant>,
    ) -> Result<BTreeMap<String, Actor>, AwsError> {
        let Some(call) = kind.create() else {
            return Ok(BTreeMap::new());
        };
        let attribute = lookup(LookupAttributeKey::EventName, call.event_name)?;
        // Kept page by page (a name and its actor, not the records), so a busy account's pass
        // holds only what it learned.
        let mut creators = BTreeMap::new();
        self.pages(attribute, Some(since), deadline, |page| {
            for event in page {
                if let Some(name) = created_name(event, kind, &call) {
                    creators.entry(name).or_insert_with(|| record(event).actor);
                }
            }
            true
        })
        .await?;
        Ok(creators)
    }

    /// The client is already that of the account and region (see `PerAccount`).
    async fn calls(
        &self,
        _account: &str,
        _region: &str,
        resource_name: &str,
        event_name: &str,
    ) -> Result<Vec<TrailRecord>, AwsError> {
        Ok(self
            .events_for(resource_name)
            .await?
            .iter()
            // A call that failed (a denied stop) proves nothing was done.
            .filter(|e| e.event_name() == Some(event_name) && !failed(e))
            .map(record)
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudtrail::types::Resource;

    const TRAINING: ResourceKind = ResourceKind::TrainingJob;
    const TRAINING_CALL: ApiCall = ApiCall {
        event_name: "CreateTrainingJob",
        name_key: "trainingJobName",
        arn_key: "trainingJobArn",
    };

    fn event(document: Value, resource: &str) -> Event {
        Event::builder()
            .event_name("CreateTrainingJob")
            .cloud_trail_event(document.to_string())
            .resources(Resource::builder().resource_name(resource).build())
            .build()
    }

    /// Issue 19, case 11: a call made before the resource's creation (by more than the clock
    /// margin) was made on a predecessor of its name, and never names this one's actor.
    #[test]
    fn calls_on_a_predecessor_of_the_same_name_are_not_this_incarnation_s() {
        let created_ms = 1_764_547_200_000;
        let at = |ms: i64| {
            Event::builder()
                .event_name("CreateTrainingJob")
                .event_time(aws_smithy_types::DateTime::from_millis(ms))
                .build()
        };
        assert!(before_incarnation(&at(created_ms - 3_600_000), created_ms));
        assert!(!before_incarnation(&at(created_ms - 5_000), created_ms));
        assert!(!before_incarnation(&at(created_ms + 60_000), created_ms));
    }

    /// The bulk pass names a resource by its request parameter, else by the event's resource,
    /// and never by a call that failed (it created nothing).
    #[test]
    fn a_create_call_names_what_it_created_unless_it_failed() {
        let made = event(
            serde_json::json!({"requestParameters": {"trainingJobName": "churn"}}),
            "other",
        );
        assert_eq!(
            created_name(&made, TRAINING, &TRAINING_CALL).as_deref(),
            Some("churn")
        );
        assert!(!failed(&made));
        let bare = event(serde_json::json!({}), "churn-2");
        assert_eq!(
            created_name(&bare, TRAINING, &TRAINING_CALL).as_deref(),
            Some("churn-2")
        );
        let refused = event(
            serde_json::json!({
                "errorCode": "ResourceInUse",
                "requestParameters": {"trainingJobName": "churn"}
            }),
            "churn",
        );
        assert_eq!(created_name(&refused, TRAINING, &TRAINING_CALL), None);
        assert!(failed(&refused));
    }
}
