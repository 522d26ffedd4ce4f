//! [`FindingStore`] in one DynamoDB table.
//!
//! | item | `pk` | `sk` | other keys |
//! |---|---|---|---|
//! | a finding's current state | `FINDING#<id>` | `STATE` | `gsi1pk` = account, `gsi2pk` = control, both with `gsi_sk` = `<last_seen>#<id>` |
//! | an observation (append-only) | `FINDING#<id>` | `OBS#<time>#<event id>` | – |
//! | a resource's alert state | `RESOURCE#<arn>` | `NOTIFY` | – |
//! | an endpoint's last compliant configuration | `RESOURCE#<arn>` | `COMPLIANT_CONFIG` | – |
//! | the alert staged before acting on a resource | `RESOURCE#<arn>` | `STAGED_ALERT` | – |
//!
//! `get` is one query on the finding's partition (state + history). `list` queries the by-account
//! (`gsi1`) or by-control (`gsi2`) index when the filter names one, else scans; both paginate.
//! Every write is conditional: a late, older evaluation never overwrites a newer state, and a
//! notification claim is a compare-and-set on the resource's alert state.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::ProvideErrorMetadata;
use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, ReturnValue, WriteRequest};
use aws_sdk_dynamodb::Client;
use futures::{StreamExt, TryStreamExt};

use guardrail_core::findings::{Finding, Observation};
use guardrail_core::store::{
    Claim, ClaimRequest, CompliantConfig, FindingStore, Page, Query, StagedAlert, StoreError,
};

pub const BY_ACCOUNT: &str = "gsi1";
pub const BY_CONTROL: &str = "gsi2";

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
/// Findings of one evaluation updated at once.
const WRITE_CONCURRENCY: usize = 8;
/// `BatchWriteItem`'s limit.
const BATCH: usize = 25;
/// Attempts at a batch whose items DynamoDB leaves unprocessed.
const BATCH_ATTEMPTS: usize = 5;

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// The key of a resource's alert state item.
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

    /// Every finding, for a listing no index serves; `Page::collect` sorts out the page.
    async fn scan(&self, query: &Query) -> Result<Page, StoreError> {
        let mut pages = self
            .client
            .scan()
            .table_name(&self.table)
            .filter_expression("sk = :state")
            .expression_attribute_values(":state", s("STATE"))
            .into_paginator()
            .items()
            .send();
        let mut candidates = Vec::new();
        while let Some(item) = pages.next().await {
            candidates.push(decode_finding(&item.map_err(failed("Scan", &self.table))?)?);
        }
        candidates.sort_by(|a, b| (&b.last_seen, &b.id).cmp(&(&a.last_seen, &a.id)));
        Ok(Page::collect(query, candidates))
    }

    /// One finding's state, unless a newer evaluation's is stored already.
    async fn update_finding(&self, f: &Finding) -> Result<(), StoreError> {
        let order = format!("{}#{}", f.last_seen, f.id);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(format!("FINDING#{}", f.id)))
            .key("sk", s("STATE"))
            .update_expression(
                "SET document = :doc, last_seen = :ls, first_seen = if_not_exists(first_seen, :fs), \
                 gsi1pk = :account, gsi2pk = :control, gsi_sk = :order, resource_arn = :arn, \
                 #status = :status, severity = :severity",
            )
            .condition_expression("attribute_not_exists(pk) OR last_seen <= :ls")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":doc", s(encode(&f.id, f)?))
            .expression_attribute_values(":ls", s(&f.last_seen))
            .expression_attribute_values(":fs", s(&f.first_seen))
            .expression_attribute_values(":account", s(&f.account))
            .expression_attribute_values(":control", s(f.control.as_str()))
            .expression_attribute_values(":order", s(order))
            .expression_attribute_values(":arn", s(&f.resource_arn))
            .expression_attribute_values(":status", s(f.status.as_str()))
            .expression_attribute_values(":severity", s(f.severity.as_str()))
            .send()
            .await;
        // A newer evaluation is already stored: keep it.
        unless_condition_failed(result, &self.table)
    }

    /// Puts up to 25 items, retrying what DynamoDB leaves unprocessed (with backoff); what is
    /// still left after that is a retryable failure, so Lambda retries the event.
    async fn write_batch(&self, mut requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        let mut delay = std::time::Duration::from_millis(50);
        for _ in 0..BATCH_ATTEMPTS {
            let out = self
                .client
                .batch_write_item()
                .request_items(&self.table, requests)
                .send()
                .await
                .map_err(failed("BatchWriteItem", &self.table))?;
            requests = out
                .unprocessed_items
                .and_then(|mut left| left.remove(&self.table))
                .unwrap_or_default();
            if requests.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        Err(StoreError::Backend {
            operation: "BatchWriteItem",
            message: format!("{} items left unprocessed", requests.len()),
            retryable: true,
        })
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
    /// The findings are updated at once, a few at a time (each conditionally: a late, older
    /// evaluation never overwrites a newer one); the observations go in `BatchWriteItem`s of 25.
    async fn record(
        &self,
        findings: &[Finding],
        observations: &[Observation],
    ) -> Result<(), StoreError> {
        let mut updates = Vec::with_capacity(findings.len());
        for f in findings {
            updates.push(self.update_finding(f));
        }
        futures::stream::iter(updates)
            .buffer_unordered(WRITE_CONCURRENCY)
            .try_collect::<Vec<()>>()
            .await?;
        // Epoch seconds, as DynamoDB's TTL reads them.
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let expires_at =
            AttributeValue::N((now + i64::from(self.retention_days) * 86_400).to_string());
        let requests = observations
            .iter()
            .map(|o| {
                let item = HashMap::from([
                    ("pk".to_string(), s(format!("FINDING#{}", o.finding_id))),
                    (
                        "sk".to_string(),
                        s(format!("OBS#{}#{}", o.time, o.event_id)),
                    ),
                    ("document".to_string(), s(encode(&o.finding_id, o)?)),
                    (TTL_ATTRIBUTE.to_string(), expires_at.clone()),
                ]);
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(build_error)?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        for batch in requests.chunks(BATCH) {
            self.write_batch(batch.to_vec()).await?;
        }
        Ok(())
    }

    async fn claim_notification(&self, request: &ClaimRequest<'_>) -> Result<Claim, StoreError> {
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
            .send()
            .await;
        match result {
            Ok(out) => Ok(Claim::Granted {
                last_notified: out
                    .attributes()
                    .and_then(|a| text(a, "notified_key"))
                    .map(str::to_string),
            }),
            Err(e) if is_condition_failure(&e) => {
                let state = self.notify_state(request.resource_arn).await?;
                Ok(if text(&state, "notified_key") == Some(request.key) {
                    Claim::AlreadyNotified
                } else if text(&state, "claim_key") == Some(request.key) {
                    Claim::HeldByOther
                } else {
                    Claim::Superseded
                })
            }
            Err(e) => Err(failed("UpdateItem", &self.table)(e)),
        }
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
        let CompliantConfig {
            resource_arn,
            config,
            evaluated,
        } = *record;
        let request = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(compliant_config_key(resource_arn)))
            .condition_expression("attribute_not_exists(evaluated_at) OR evaluated_at < :at")
            .expression_attribute_values(":at", AttributeValue::N(evaluated.to_string()));
        let request = match config {
            Some(config) => request
                .update_expression("SET config_name = :c, evaluated_at = :at")
                .expression_attribute_values(":c", s(config)),
            None => request.update_expression("SET evaluated_at = :at REMOVE config_name"),
        };
        // A newer observation is recorded already.
        unless_condition_failed(request.send().await, &self.table)
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

    async fn get(&self, id: &str) -> Result<Option<(Finding, Vec<Observation>)>, StoreError> {
        let mut pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(format!("FINDING#{id}")))
            .consistent_read(true)
            .into_paginator()
            .items()
            .send();
        let mut state = None;
        let mut history = Vec::new();
        while let Some(item) = pages.next().await {
            let item = item.map_err(failed("Query", &self.table))?;
            match text(&item, "sk") {
                Some("STATE") => state = Some(decode_finding(&item)?),
                Some(sk) => {
                    let document = text(&item, "document").unwrap_or_default();
                    history.push(serde_json::from_str(document).map_err(|e| {
                        StoreError::Corrupt {
                            key: format!("FINDING#{id} {sk}"),
                            message: e.to_string(),
                        }
                    })?);
                }
                None => {}
            }
        }
        Ok(state.map(|s| (s, history)))
    }

    /// Filtered by account or control, the index of that attribute is read newest first from the
    /// cursor on, and only until the page is full (plus one, to know there is a next page).
    /// Unfiltered, the table is scanned.
    async fn list(&self, query: &Query) -> Result<Page, StoreError> {
        let (index, partition) = match (&query.account, &query.control) {
            (Some(account), _) => (Some((BY_ACCOUNT, "gsi1pk")), Some(account.clone())),
            (None, Some(control)) => (Some((BY_CONTROL, "gsi2pk")), Some(control.to_string())),
            (None, None) => (None, None),
        };
        let (Some((index, attribute)), Some(value)) = (index, partition) else {
            return self.scan(query).await;
        };
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
            .scan_index_forward(false);
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
        Ok(Page::collect(query, found))
    }
}
