//! [`FindingStore`] in one DynamoDB table.
//!
//! | item | `pk` | `sk` | other keys |
//! |---|---|---|---|
//! | a finding's current state | `FINDING#<id>` | `STATE` | `gsi1pk` = account, `gsi2pk` = control, `gsi3pk` = `FINDINGS#<first digit of id>`, all with `gsi_sk` = `<last_seen>#<id>` |
//! | one evaluation's observations, all its controls (append-only, expire by TTL) | `RESOURCE#<arn>` | `OBS#<time>#<event id>` | – |
//! | an observation written before 0.4 (one per control; still read) | `FINDING#<id>` | `OBS#<time>#<event id>` | – |
//! | a resource's alert state | `RESOURCE#<arn>` | `NOTIFY` | – |
//! | an endpoint's last compliant configuration | `RESOURCE#<arn>` | `COMPLIANT_CONFIG` | – |
//! | the alert staged before acting on a resource | `RESOURCE#<arn>` | `STAGED_ALERT` | – |
//!
//! An evaluation is recorded in one `TransactWriteItems`: its findings, its observations (one
//! item) and, for a compliant endpoint, its configuration. `get` queries the finding's partition,
//! then its resource's observations. `list` queries the by-account (`gsi1`) or by-control (`gsi2`)
//! index when the filter names one, else the 16 shards of the by-time index (`gsi3`); each reads
//! from the cursor on, only until the page is full. Every state write is conditional:
//! a late, older evaluation never overwrites a newer state, and a notification claim is a
//! compare-and-set on the resource's alert state.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, ReturnValue, ReturnValuesOnConditionCheckFailure, TransactWriteItem,
    Update,
};
use aws_sdk_dynamodb::Client;

use guardrail_core::findings::{Finding, Observation};
mod batch;

use batch::QuietItem;
use guardrail_core::store::{
    Claim, ClaimRequest, CompliantConfig, Evaluation, FindingStore, Page, Query, QuietRecord,
    StagedAlert, StoreError,
};

pub const BY_ACCOUNT: &str = "gsi1";
pub const BY_CONTROL: &str = "gsi2";
pub const BY_TIME: &str = "gsi3";
/// The by-time index's partitions: the first hex digit of the finding id.
const TIME_SHARDS: [char; 16] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f',
];

/// The by-time index partition of a finding.
pub fn time_shard(id: &str) -> String {
    format!("FINDINGS#{}", id.chars().next().unwrap_or('0'))
}

/// Findings in one DynamoDB table.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    /// How long observations are kept: DynamoDB's TTL deletes them after.
    retention_days: u32,
}

/// How long observations (the history auditors read) are kept unless configured otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 400;

type Item = HashMap<String, AttributeValue>;

/// The observations' TTL attribute (the table's `TimeToLiveSpecification`).
pub const TTL_ATTRIBUTE: &str = "expires_at";
/// `TransactWriteItems`' limit.
const TRANSACTION: usize = 100;
fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// How long an unchanged compliant resource's finding states may go unwritten (nanoseconds): a
/// quiet record whose digest is the one its resource's last quiet record left, within this,
/// writes only its observations.
const UNCHANGED_REFRESH_NS: i64 = 24 * 3600 * 1_000_000_000;
/// The key of a resource's alert state item (which also holds the digest of its last quiet
/// record: [`QuietRecord::digest`]).
fn notify_key(resource_arn: &str) -> Item {
    HashMap::from([
        ("pk".to_string(), s(format!("RESOURCE#{resource_arn}"))),
        ("sk".to_string(), s("NOTIFY")),
    ])
}

fn staged_alert_key(resource_arn: &str) -> Item {
    HashMap::from([
        ("pk".to_string(), s(format!("RESOURCE#{resource_arn}"))),
        ("sk".to_string(), s("STAGED_ALERT")),
    ])
}

fn compliant_config_key(resource_arn: &str) -> Item {
    HashMap::from([
        ("pk".to_string(), s(format!("RESOURCE#{resource_arn}"))),
        ("sk".to_string(), s("COMPLIANT_CONFIG")),
    ])
}

fn text<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

pub(super) fn failed<'a, E>(
    operation: &'static str,
    table: &'a str,
) -> impl Fn(aws_sdk_dynamodb::error::SdkError<E>) -> StoreError + 'a
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    move |e| {
        let aws = crate::classify(operation, e);
        let message = if aws.code == "ResourceNotFoundException" {
            format!("table {table} does not exist ({})", aws.message)
        } else {
            format!("{}: {}", aws.code, aws.message)
        };
        StoreError::Backend {
            operation,
            message,
            retryable: aws.retryable || aws.code == "ProvisionedThroughputExceededException",
        }
    }
}

fn is_condition_failure<E: ProvideErrorMetadata>(e: &aws_sdk_dynamodb::error::SdkError<E>) -> bool {
    e.code() == Some("ConditionalCheckFailedException")
}

/// A conditional `UpdateItem` whose failed condition means there is nothing to do (a newer
/// state is recorded already, or the claim is not ours): success either way.
fn unless_condition_failed<T, E>(
    result: Result<T, aws_sdk_dynamodb::error::SdkError<E>>,
    table: &str,
) -> Result<(), StoreError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_condition_failure(&e) => Ok(()),
        Err(e) => Err(failed("UpdateItem", table)(e)),
    }
}

/// Whether a quiet record would leave its resource's states as they are: its last quiet record
/// (`digest`) wrote the same within [`UNCHANGED_REFRESH_NS`], nothing was written over them since
/// (which forgets the digest), its pass is the key noted, and nobody holds a claim.
fn unchanged(state: Option<&Item>, record: &QuietRecord<'_>, digest: &str) -> bool {
    let Some(state) = state else {
        return false;
    };
    let digest_at = state
        .get("digest_at")
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse::<i64>().ok());
    text(state, "digest") == Some(digest)
        && text(state, "notified_key") == Some(record.key)
        && !state.contains_key("claim_owner")
        && digest_at.is_some_and(|at| record.evaluated.saturating_sub(at) < UNCHANGED_REFRESH_NS)
}

/// An item's JSON `document`.
fn decode_document<T: serde::de::DeserializeOwned>(item: &Item) -> Result<T, StoreError> {
    let document = text(item, "document").unwrap_or_default();
    serde_json::from_str(document).map_err(|e| StoreError::Corrupt {
        key: format!(
            "{} {}",
            text(item, "pk").unwrap_or("(no key)"),
            text(item, "sk").unwrap_or_default()
        ),
        message: e.to_string(),
    })
}

fn decode_finding(item: &Item) -> Result<Finding, StoreError> {
    let key = text(item, "pk").unwrap_or("(no key)").to_string();
    let document = text(item, "document").ok_or_else(|| StoreError::Corrupt {
        key: key.clone(),
        message: "no document attribute".into(),
    })?;
    let mut finding: Finding = serde_json::from_str(document).map_err(|e| StoreError::Corrupt {
        key: key.clone(),
        message: e.to_string(),
    })?;
    // `first_seen` is kept by the update expression, not in the document.
    if let Some(first) = text(item, "first_seen") {
        finding.first_seen = first.to_string();
    }
    Ok(finding)
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> DynamoStore {
        DynamoStore {
            client,
            table: table.into(),
            retention_days: DEFAULT_RETENTION_DAYS,
        }
    }

    /// Keeps observations `days` days (the table's TTL attribute `expires_at`).
    pub fn with_retention(self, days: u32) -> DynamoStore {
        DynamoStore {
            retention_days: days,
            ..self
        }
    }

    async fn notify_state(&self, resource_arn: &str) -> Result<Item, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(notify_key(resource_arn)))
            .consistent_read(true)
            .send()
            .await
            .map_err(failed("GetItem", &self.table))?;
        Ok(out.item().cloned().unwrap_or_default())
    }

    /// The items of a partition (whose sort key starts with `prefix`), read consistently.
    async fn partition(&self, pk: &str, prefix: Option<&str>) -> Result<Vec<Item>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .expression_attribute_values(":pk", s(pk));
        let query = match prefix {
            Some(prefix) => query
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":prefix", s(prefix)),
            None => query.key_condition_expression("pk = :pk"),
        };
        query
            .consistent_read(true)
            .into_paginator()
            .items()
            .send()
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map_err(failed("Query", &self.table))
    }

    /// The findings of one index partition that match the query, newest first from the cursor
    /// on, until one more than a page is found.
    async fn read_index(
        &self,
        query: &Query,
        index: &str,
        attribute: &str,
        value: &str,
    ) -> Result<Vec<Finding>, StoreError> {
        // `gsi_sk` is `<last_seen>#<id>` and the cursor `<last_seen>|<id>`: with fixed-width
        // times, both order as (last_seen, id).
        let cursor = query.after.as_deref().and_then(|c| c.split_once('|'));
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .expression_attribute_names("#p", attribute)
            .expression_attribute_values(":p", s(value))
            .scan_index_forward(false)
            // A page's worth a request: more are read only when the filters drop some.
            .limit(i32::try_from(query.limit.max(1).saturating_add(1)).unwrap_or(i32::MAX));
        request = match cursor {
            Some((seen, id)) => request
                .key_condition_expression("#p = :p AND gsi_sk < :c")
                .expression_attribute_values(":c", s(format!("{seen}#{id}"))),
            None => request.key_condition_expression("#p = :p"),
        };
        let mut pages = request.into_paginator().items().send();
        let mut found = Vec::new();
        while let Some(item) = pages.next().await {
            let finding = decode_finding(&item.map_err(failed("Query", &self.table))?)?;
            if query.matches(&finding) && query.after_cursor(&finding) {
                found.push(finding);
                if found.len() > query.limit.max(1) {
                    break;
                }
            }
        }
        Ok(found)
    }

    /// One finding's state, unless a newer evaluation's is stored already (amending: only over
    /// the same evaluation's, see [`Evaluation::amends`]).
    fn finding_update(&self, f: &Finding, amends: bool) -> Result<TransactWriteItem, StoreError> {
        let order = format!("{}#{}", f.last_seen, f.id);
        let update = Update::builder()
            .table_name(&self.table)
            .key("pk", s(format!("FINDING#{}", f.id)))
            .key("sk", s("STATE"))
            .update_expression(
                "SET document = :doc, last_seen = :ls, first_seen = if_not_exists(first_seen, :fs), \
                 gsi1pk = :account, gsi2pk = :control, gsi3pk = :shard, gsi_sk = :order, \
                 resource_arn = :arn, #status = :status, severity = :severity, event_id = :event",
            )
            .condition_expression(if amends {
                "event_id = :event"
            } else {
                "attribute_not_exists(pk) OR last_seen <= :ls"
            })
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":doc", s(encode(&f.id, f)?))
            .expression_attribute_values(":ls", s(&f.last_seen))
            .expression_attribute_values(":fs", s(&f.first_seen))
            .expression_attribute_values(":account", s(&f.account))
            .expression_attribute_values(":control", s(f.control.as_str()))
            .expression_attribute_values(":shard", s(time_shard(&f.id)))
            .expression_attribute_values(":order", s(order))
            .expression_attribute_values(":arn", s(&f.resource_arn))
            .expression_attribute_values(":status", s(f.status.as_str()))
            .expression_attribute_values(":severity", s(f.severity.as_str()))
            .expression_attribute_values(":event", s(&f.event_id))
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// An evaluation's observations, one item per resource evaluated (all its controls),
    /// expiring after the retention period.
    fn observation_items(&self, evaluation: &Evaluation<'_>) -> Result<Vec<Item>, StoreError> {
        let arns: HashMap<&str, &str> = evaluation
            .findings
            .iter()
            .map(|f| (f.id.as_str(), f.resource_arn.as_str()))
            .collect();
        let mut groups: std::collections::BTreeMap<(&str, &str, &str), Vec<&Observation>> =
            Default::default();
        for o in evaluation.observations {
            let arn = arns
                .get(o.finding_id.as_str())
                .ok_or_else(|| StoreError::Corrupt {
                    key: o.finding_id.clone(),
                    message: "an observation of a finding the evaluation does not carry".into(),
                })?;
            groups
                .entry((arn, o.time.as_str(), o.event_id.as_str()))
                .or_default()
                .push(o);
        }
        // Epoch seconds, as DynamoDB's TTL reads them.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let expires_at =
            AttributeValue::N((now + i64::from(self.retention_days) * 86_400).to_string());
        groups
            .into_iter()
            .map(|((arn, time, event_id), observations)| {
                Ok(HashMap::from([
                    ("pk".to_string(), s(format!("RESOURCE#{arn}"))),
                    ("sk".to_string(), s(format!("OBS#{time}#{event_id}"))),
                    ("document".to_string(), s(encode(arn, &observations)?)),
                    (TTL_ATTRIBUTE.to_string(), expires_at.clone()),
                ]))
            })
            .collect()
    }

    /// An evaluation's observations as puts of a transaction.
    fn observation_puts(
        &self,
        evaluation: &Evaluation<'_>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        self.observation_items(evaluation)?
            .into_iter()
            .map(|item| {
                let put = Put::builder()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .build()
                    .map_err(build_error)?;
                Ok(TransactWriteItem::builder().put(put).build())
            })
            .collect()
    }

    /// Forgets a resource's quiet digest: its states are being written otherwise, so the next
    /// quiet record writes its own again.
    fn forget_digest(&self, resource_arn: &str) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(notify_key(resource_arn)))
            .update_expression("REMOVE digest, digest_at")
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// An endpoint's compliant configuration, unless a newer observation is recorded.
    fn config_update(&self, record: &CompliantConfig<'_>) -> Result<Update, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(compliant_config_key(record.resource_arn)))
            .condition_expression("attribute_not_exists(evaluated_at) OR evaluated_at < :at")
            .expression_attribute_values(":at", AttributeValue::N(record.evaluated.to_string()));
        let update = match record.config {
            Some(config) => update
                .update_expression("SET config_name = :c, evaluated_at = :at")
                .expression_attribute_values(":c", s(config)),
            None => update.update_expression("SET evaluated_at = :at REMOVE config_name"),
        };
        update.build().map_err(build_error)
    }

    /// Writes the items in one transaction. An item whose condition fails (a newer state is
    /// stored) is left out and the rest written again; a conflict with another transaction or
    /// throttling is retried with backoff, then is a retryable failure.
    async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), StoreError> {
        // (each item a record of its own, none an alert state: a stale one is left out alone)
        let items: Vec<QuietItem> = items
            .into_iter()
            .enumerate()
            .map(|(index, item)| QuietItem {
                record: index,
                index,
                notify: false,
                item,
                fallback: None,
            })
            .collect();
        let mut recorded = vec![true; items.len()];
        self.transact_quietly(items, &mut recorded).await
    }

    /// A quiet record's alert state: its pass key noted as notified where none or the same was,
    /// and no claim is live (a lapsed one goes, as in [`Self::record_first_quietly`]); with the
    /// record's digest (`Some`: every state it writes is written) or without one.
    fn quiet_notify(
        &self,
        record: &QuietRecord<'_>,
        digest: Option<&str>,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(notify_key(record.resource_arn)));
        let update = match digest {
            Some(digest) => update
                .update_expression(
                    "SET notified_key = :k, notified_at = if_not_exists(notified_at, :at), \
                     digest = :d, digest_at = :at \
                     REMOVE claim_key, claim_owner, claim_expires, claim_at",
                )
                .expression_attribute_values(":d", s(digest)),
            None => update.update_expression(
                "SET notified_key = :k, notified_at = if_not_exists(notified_at, :at) \
                 REMOVE digest, digest_at, claim_key, claim_owner, claim_expires, claim_at",
            ),
        };
        let update = update
            .condition_expression(
                "(attribute_not_exists(notified_key) OR notified_key = :k) AND \
                 (attribute_not_exists(claim_owner) OR claim_expires <= :now)",
            )
            .expression_attribute_values(":k", s(record.key))
            .expression_attribute_values(":at", AttributeValue::N(record.evaluated.to_string()))
            .expression_attribute_values(":now", AttributeValue::N(record.now.to_string()))
            .build()
            .map_err(build_error)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Records `key` as notified when nothing was ever alerted for the resource and nobody holds
    /// a live claim ([`ClaimRequest::quiet_if_first`]): `None`. Otherwise the alert state as
    /// it is.
    async fn record_first_quietly(
        &self,
        request: &ClaimRequest<'_>,
    ) -> Result<Option<Item>, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(notify_key(request.resource_arn)))
            // A lapsed claim goes: its owner's late confirm must not move the state back.
            .update_expression(
                "SET notified_key = :k, notified_at = :at \
                 REMOVE claim_key, claim_owner, claim_expires, claim_at",
            )
            .condition_expression(
                "attribute_not_exists(notified_key) AND attribute_not_exists(notified_at) AND \
                 (attribute_not_exists(claim_owner) OR claim_expires <= :now)",
            )
            .expression_attribute_values(":k", s(request.key))
            .expression_attribute_values(":at", AttributeValue::N(request.evaluated.to_string()))
            .expression_attribute_values(":now", AttributeValue::N(request.now.to_string()))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(_) => Ok(None),
            Err(e) => self.refused(request.resource_arn, e).await.map(Some),
        }
    }

    /// A conditional update of a resource's alert state was refused: the state that refused it
    /// (as DynamoDB returned it, else read again). Any other error is the store's failure.
    async fn refused(
        &self,
        resource_arn: &str,
        e: aws_sdk_dynamodb::error::SdkError<UpdateItemError>,
    ) -> Result<Item, StoreError> {
        let returned = match e.as_service_error() {
            Some(UpdateItemError::ConditionalCheckFailedException(refusal)) => {
                refusal.item().cloned()
            }
            _ => return Err(failed("UpdateItem", &self.table)(e)),
        };
        match returned {
            Some(state) => Ok(state),
            None => self.notify_state(resource_arn).await,
        }
    }
}

pub(super) fn build_error(e: aws_sdk_dynamodb::error::BuildError) -> StoreError {
    StoreError::Backend {
        operation: "build request",
        message: e.to_string(),
        retryable: false,
    }
}

fn encode<T: serde::Serialize>(key: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        key: key.to_string(),
        message: e.to_string(),
    })
}

impl FindingStore for DynamoStore {
    /// One `TransactWriteItems` (up to 100 items; a bigger evaluation takes more): each finding
    /// updated unless a newer state is stored, the observations put, a compliant endpoint's
    /// configuration updated unless a newer one is recorded, and the resources' quiet digests
    /// forgotten.
    async fn record(&self, evaluation: &Evaluation<'_>) -> Result<(), StoreError> {
        let mut items = Vec::with_capacity(evaluation.findings.len() + 3);
        let mut resources: Vec<&str> = Vec::new();
        for f in evaluation.findings {
            items.push(self.finding_update(f, evaluation.amends)?);
            resources.push(&f.resource_arn);
        }
        items.extend(self.observation_puts(evaluation)?);
        if let Some(config) = &evaluation.compliant_config {
            let update = self.config_update(config)?;
            items.push(TransactWriteItem::builder().update(update).build());
            resources.push(config.resource_arn);
        }
        resources.sort_unstable();
        resources.dedup();
        for arn in resources {
            items.push(self.forget_digest(arn)?);
        }
        for chunk in items.chunks(TRANSACTION) {
            self.transact(chunk.to_vec()).await?;
        }
        Ok(())
    }

    /// The resources' alert states are read first (`BatchGetItem`). A record that leaves its
    /// resource's states as they are ([`unchanged`]) writes only its observations, 25 a
    /// `BatchWriteItem`. The others go in transactions of up to [`TRANSACTION`] items holding
    /// whole records: each record's findings, observations, configuration and alert state (with
    /// the record's digest).
    async fn record_quietly(&self, batch: &[QuietRecord<'_>]) -> Result<Vec<bool>, StoreError> {
        let mut recorded = vec![true; batch.len()];
        let arns: Vec<&str> = batch.iter().map(|r| r.resource_arn).collect();
        let states = self.notify_states(&arns).await?;
        let mut observations = Vec::new();
        let mut transaction: Vec<QuietItem> = Vec::new();
        let mut index = 0;
        for (r, record) in batch.iter().enumerate() {
            let evaluation = &record.evaluation;
            let digest = record.digest();
            let state = states.get(&format!("RESOURCE#{}", record.resource_arn));
            if unchanged(state, record, &digest) {
                observations.extend(self.observation_items(evaluation)?);
                continue;
            }
            let mut items = Vec::new();
            for f in evaluation.findings {
                items.push(self.finding_update(f, false)?);
            }
            items.extend(self.observation_puts(evaluation)?);
            if let Some(config) = &evaluation.compliant_config {
                let update = self.config_update(config)?;
                items.push(TransactWriteItem::builder().update(update).build());
            }
            let notify = self.quiet_notify(record, Some(&digest))?;
            let fallback = self.quiet_notify(record, None)?;
            if items.len() + 1 > TRANSACTION {
                // (more items than one transaction holds: recorded one by one instead)
                recorded[r] = false;
                continue;
            }
            if transaction.len() + items.len() + 1 > TRANSACTION {
                self.transact_quietly(std::mem::take(&mut transaction), &mut recorded)
                    .await?;
            }
            let items = items
                .into_iter()
                .map(|item| (item, None))
                .chain([(notify, Some(fallback))]);
            for (item, fallback) in items {
                transaction.push(QuietItem {
                    record: r,
                    index,
                    notify: fallback.is_some(),
                    item,
                    fallback,
                });
                index += 1;
            }
        }
        self.transact_quietly(transaction, &mut recorded).await?;
        self.put_all(observations).await?;
        Ok(recorded)
    }

    async fn claim_notification(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
        if request.quiet_if_first {
            match self.record_first_quietly(request).await? {
                None => return Ok(Claim::Recorded),
                Some(state) if text(&state, "notified_key") == Some(request.key) => {
                    return Ok(Claim::AlreadyNotified)
                }
                Some(_) => {}
            }
        }
        let n = |v: i64| AttributeValue::N(v.to_string());
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(notify_key(request.resource_arn)))
            .update_expression("SET claim_key = :k, claim_owner = :o, claim_expires = :e, claim_at = :at")
            // Granted when the key is new, the evaluation is newer than the last alert, and no
            // other live claim is for the same key or from a newer evaluation.
            .condition_expression(
                "(attribute_not_exists(notified_key) OR notified_key <> :k) AND \
                 (attribute_not_exists(notified_at) OR notified_at < :at) AND \
                 (attribute_not_exists(claim_owner) OR claim_owner = :o OR claim_expires <= :now OR \
                  (claim_key <> :k AND claim_at < :at))",
            )
            .expression_attribute_values(":k", s(request.key))
            .expression_attribute_values(":o", s(request.owner))
            .expression_attribute_values(":e", n(request.expires))
            .expression_attribute_values(":now", n(request.now))
            .expression_attribute_values(":at", n(request.evaluated))
            .return_values(ReturnValue::AllOld)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        let state = match result {
            Ok(out) => {
                return Ok(Claim::Granted {
                    last_notified: out
                        .attributes()
                        .and_then(|a| text(a, "notified_key"))
                        .map(str::to_string),
                })
            }
            Err(e) => self.refused(request.resource_arn, e).await?,
        };
        let number = |name: &str| {
            state
                .get(name)
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse::<i64>().ok())
        };
        let held = text(&state, "claim_key") == Some(request.key)
            && text(&state, "claim_owner") != Some(request.owner)
            && number("claim_expires").is_some_and(|expires| expires > request.now);
        Ok(if text(&state, "notified_key") == Some(request.key) {
            Claim::AlreadyNotified
        } else if held {
            Claim::HeldByOther
        } else {
            Claim::Superseded
        })
    }

    async fn confirm_notification(&self, request: &ClaimRequest<'_>) -> Result<(), StoreError> {
        let update = |expression: &str| {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(notify_key(request.resource_arn)))
                .update_expression(expression)
                .expression_attribute_values(":k", s(request.key))
                .expression_attribute_values(
                    ":at",
                    AttributeValue::N(request.evaluated.to_string()),
                )
        };
        let owned = update(
            "SET notified_key = :k, notified_at = :at REMOVE claim_key, claim_owner, claim_expires, claim_at",
        )
        .condition_expression("claim_owner = :o")
        .expression_attribute_values(":o", s(request.owner))
        .send()
        .await;
        match owned {
            Ok(_) => Ok(()),
            // Our claim lapsed and was taken: record our alert only if no newer one is recorded.
            Err(e) if is_condition_failure(&e) => unless_condition_failed(
                update("SET notified_key = :k, notified_at = :at")
                    .condition_expression("attribute_not_exists(notified_at) OR notified_at < :at")
                    .send()
                    .await,
                &self.table,
            ),
            Err(e) => Err(failed("UpdateItem", &self.table)(e)),
        }
    }

    async fn release_notification(
        &self,
        resource_arn: &str,
        owner: &str,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(notify_key(resource_arn)))
            .update_expression("REMOVE claim_key, claim_owner, claim_expires, claim_at")
            .condition_expression("claim_owner = :o")
            .expression_attribute_values(":o", s(owner))
            .send()
            .await;
        unless_condition_failed(result, &self.table)
    }

    async fn stage_alert(
        &self,
        resource_arn: &str,
        staged: &StagedAlert,
    ) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(staged_alert_key(resource_arn)))
            .update_expression(
                "SET claim_arn = :c, notification_key = :k, evaluated_at = :at, alert = :a",
            )
            .condition_expression("attribute_not_exists(evaluated_at) OR evaluated_at <= :at")
            .expression_attribute_values(":c", s(&staged.claim_arn))
            .expression_attribute_values(":k", s(&staged.key))
            .expression_attribute_values(":at", AttributeValue::N(staged.evaluated.to_string()))
            .expression_attribute_values(":a", s(&staged.alert))
            .send()
            .await;
        // A newer evaluation staged its own.
        unless_condition_failed(result, &self.table)
    }

    async fn staged_alert(&self, resource_arn: &str) -> Result<Option<StagedAlert>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(staged_alert_key(resource_arn)))
            .consistent_read(true)
            .send()
            .await
            .map_err(failed("GetItem", &self.table))?;
        let Some(item) = out.item() else {
            return Ok(None);
        };
        let corrupt = |message: String| StoreError::Corrupt {
            key: format!("RESOURCE#{resource_arn}/STAGED_ALERT"),
            message,
        };
        let field = |name: &str| {
            text(item, name)
                .map(str::to_string)
                .ok_or_else(|| corrupt(format!("no {name}")))
        };
        let evaluated = item
            .get("evaluated_at")
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| corrupt("no numeric evaluated_at".into()))?;
        Ok(Some(StagedAlert {
            claim_arn: field("claim_arn")?,
            key: field("notification_key")?,
            evaluated,
            alert: field("alert")?,
        }))
    }

    async fn record_compliant_config(
        &self,
        record: &CompliantConfig<'_>,
    ) -> Result<(), StoreError> {
        // (with the resource's quiet digest forgotten: a quiet record writes its configuration
        // again; a newer observation recorded already leaves the configuration out)
        let update = self.config_update(record)?;
        self.transact(vec![
            TransactWriteItem::builder().update(update).build(),
            self.forget_digest(record.resource_arn)?,
        ])
        .await
    }

    async fn last_compliant_config(
        &self,
        resource_arn: &str,
    ) -> Result<Option<String>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(compliant_config_key(resource_arn)))
            .consistent_read(true)
            .send()
            .await
            .map_err(failed("GetItem", &self.table))?;
        Ok(out
            .item()
            .and_then(|i| text(i, "config_name"))
            .map(str::to_string))
    }

    /// The finding's partition (its state, and observations written before 0.4), then its
    /// resource's observations.
    async fn get(&self, id: &str) -> Result<Option<(Finding, Vec<Observation>)>, StoreError> {
        let mut state = None;
        let mut history = Vec::new();
        for item in self.partition(&format!("FINDING#{id}"), None).await? {
            match text(&item, "sk") {
                Some("STATE") => state = Some(decode_finding(&item)?),
                Some(_) => history.push(decode_document::<Observation>(&item)?),
                None => {}
            }
        }
        let Some(state) = state else {
            return Ok(None);
        };
        let resource = format!("RESOURCE#{}", state.resource_arn);
        for item in self.partition(&resource, Some("OBS#")).await? {
            let evaluation = decode_document::<Vec<Observation>>(&item)?;
            history.extend(evaluation.into_iter().filter(|o| o.finding_id == id));
        }
        history.sort_by(|a, b| (&a.time, &a.event_id).cmp(&(&b.time, &b.event_id)));
        Ok(Some((state, history)))
    }

    /// Its state item alone: one query of its partition's `STATE` key.
    async fn finding(&self, id: &str) -> Result<Option<Finding>, StoreError> {
        let items = self
            .partition(&format!("FINDING#{id}"), Some("STATE"))
            .await?;
        items
            .iter()
            .find(|item| text(item, "sk") == Some("STATE"))
            .map(decode_finding)
            .transpose()
    }

    /// Filtered by account or control, the index of that attribute is read newest first from the
    /// cursor on, and only until the page is full (plus one, to know there is a next page).
    /// Otherwise the by-time index is, each of its shards so, and the shards merged.
    async fn list(&self, query: &Query) -> Result<Page, StoreError> {
        let partitions: Vec<(&str, &str, String)> = match (&query.account, &query.control) {
            (Some(account), _) => vec![(BY_ACCOUNT, "gsi1pk", account.clone())],
            (None, Some(control)) => vec![(BY_CONTROL, "gsi2pk", control.to_string())],
            (None, None) => TIME_SHARDS
                .iter()
                .map(|shard| (BY_TIME, "gsi3pk", format!("FINDINGS#{shard}")))
                .collect(),
        };
        let reads = partitions
            .iter()
            .map(|(index, attribute, value)| self.read_index(query, index, attribute, value));
        let mut found: Vec<Finding> = futures::future::try_join_all(reads)
            .await?
            .into_iter()
            .flatten()
            .collect();
        found.sort_by(|a, b| (&b.last_seen, &b.id).cmp(&(&a.last_seen, &a.id)));
        Ok(Page::collect(query, found))
    }
}
