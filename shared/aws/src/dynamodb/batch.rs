//! DynamoDB's multi-item requests, for the quiet records of [`super::DynamoStore`]: transactions
//! whose stale or refused items are left out and the rest sent again, and batched reads and
//! writes whose unprocessed items are sent again, each with backoff and then a retryable failure.

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{KeysAndAttributes, PutRequest, TransactWriteItem, WriteRequest};

use super::{build_error, failed, notify_key, text, DynamoStore, Item};
use guardrail_core::store::StoreError;

/// Attempts at a transaction that conflicts with another or is throttled.
const TRANSACTION_ATTEMPTS: usize = 5;
/// Why DynamoDB cancels a transaction that is worth sending again.
const TRANSIENT: [&str; 3] = [
    "TransactionConflict",
    "ThrottlingError",
    "ProvisionedThroughputExceeded",
];

/// `BatchGetItem`'s limit.
const BATCH_GET: usize = 100;
/// `BatchWriteItem`'s limit.
const BATCH_WRITE: usize = 25;

/// An item of a quiet transaction: which record it is of, its place, and whether it is the
/// record's alert state (with, in `fallback`, the same without the record's digest: what is
/// written when one of the record's states is left out as stale).
pub(super) struct QuietItem {
    pub(super) record: usize,
    pub(super) index: usize,
    pub(super) notify: bool,
    pub(super) item: TransactWriteItem,
    pub(super) fallback: Option<TransactWriteItem>,
}

impl DynamoStore {
    /// Writes records' items in one transaction (each record's whole): a stale finding or
    /// configuration (its condition fails: a newer state is stored) is left out and the rest
    /// written again, its record's alert state without its digest; a record whose alert state
    /// refuses its pass is left out whole and marked not recorded in `recorded`. A conflict with
    /// another transaction or throttling is retried with backoff, then is a retryable failure.
    pub(super) async fn transact_quietly(
        &self,
        mut items: Vec<QuietItem>,
        recorded: &mut [bool],
    ) -> Result<(), StoreError> {
        let mut delay = std::time::Duration::from_millis(50);
        let mut attempts = 0;
        while !items.is_empty() {
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.iter().map(|i| i.item.clone()).collect()))
                .send()
                .await;
            let Err(e) = result else {
                return Ok(());
            };
            let codes: Vec<String> = match e.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(t)) => t
                    .cancellation_reasons()
                    .iter()
                    .map(|r| r.code().unwrap_or("None").to_string())
                    .collect(),
                _ => return Err(failed("TransactWriteItems", &self.table)(e)),
            };
            let before = items.len();
            let mut refused = Vec::new();
            let mut stale = Vec::new();
            for (item, code) in items.iter().zip(&codes) {
                if code == "ConditionalCheckFailed" {
                    match item.notify {
                        true => refused.push(item.record),
                        false => stale.push(item.index),
                    }
                }
            }
            for r in &refused {
                recorded[*r] = false;
            }
            let stale_records: Vec<usize> = items
                .iter()
                .filter(|i| stale.contains(&i.index))
                .map(|i| i.record)
                .collect();
            items.retain(|i| !refused.contains(&i.record) && !stale.contains(&i.index));
            for item in &mut items {
                if item.notify && stale_records.contains(&item.record) {
                    if let Some(fallback) = item.fallback.take() {
                        item.item = fallback;
                    }
                }
            }
            let other: Vec<&str> = codes
                .iter()
                .map(String::as_str)
                .filter(|c| !["None", "ConditionalCheckFailed"].contains(c))
                .collect();
            if other.is_empty() && items.len() < before {
                continue;
            }
            let retryable = other.iter().all(|c| TRANSIENT.contains(c));
            attempts += 1;
            if !retryable || attempts >= TRANSACTION_ATTEMPTS {
                return Err(StoreError::Backend {
                    operation: "TransactWriteItems",
                    message: format!("transaction cancelled ({})", other.join(", ")),
                    retryable,
                });
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        Ok(())
    }

    /// The alert states of resources (what a quiet record reads: its key, claim and digest),
    /// read consistently, 100 a request. A state DynamoDB leaves unprocessed after retries is
    /// left out: its record is written whole.
    pub(super) async fn notify_states(
        &self,
        arns: &[&str],
    ) -> Result<HashMap<String, Item>, StoreError> {
        let mut keys: Vec<&str> = arns.to_vec();
        keys.sort_unstable();
        keys.dedup();
        let mut found = HashMap::new();
        for chunk in keys.chunks(BATCH_GET) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.iter().map(|arn| notify_key(arn)).collect()))
                    .consistent_read(true)
                    .projection_expression("pk, notified_key, claim_owner, digest, digest_at")
                    .build()
                    .map_err(build_error)?,
            );
            let mut delay = std::time::Duration::from_millis(50);
            for _ in 0..TRANSACTION_ATTEMPTS {
                let Some(request) = pending.take() else { break };
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(failed("BatchGetItem", &self.table))?;
                for item in out
                    .responses()
                    .and_then(|r| r.get(&self.table))
                    .into_iter()
                    .flatten()
                {
                    if let Some(pk) = text(item, "pk") {
                        found.insert(pk.to_string(), item.clone());
                    }
                }
                pending = out
                    .unprocessed_keys()
                    .and_then(|u| u.get(&self.table))
                    .filter(|k| !k.keys().is_empty())
                    .cloned();
                if pending.is_some() {
                    tokio::time::sleep(delay).await;
                    delay *= 2;
                }
            }
        }
        Ok(found)
    }

    /// Puts items, 25 a request (the last of equal keys), sending again what DynamoDB leaves
    /// unprocessed, with backoff; then a retryable failure.
    pub(super) async fn put_all(&self, items: Vec<Item>) -> Result<(), StoreError> {
        let mut unique: HashMap<(String, String), Item> = HashMap::new();
        for item in items {
            let key = (
                text(&item, "pk").unwrap_or_default().to_string(),
                text(&item, "sk").unwrap_or_default().to_string(),
            );
            unique.insert(key, item);
        }
        let requests = unique
            .into_values()
            .map(|item| {
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map_err(build_error)?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        for chunk in requests.chunks(BATCH_WRITE) {
            let mut pending = chunk.to_vec();
            let mut delay = std::time::Duration::from_millis(50);
            let mut attempts = 0;
            while !pending.is_empty() {
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(failed("BatchWriteItem", &self.table))?;
                pending = out
                    .unprocessed_items()
                    .and_then(|u| u.get(&self.table))
                    .cloned()
                    .unwrap_or_default();
                if pending.is_empty() {
                    break;
                }
                attempts += 1;
                if attempts >= TRANSACTION_ATTEMPTS {
                    return Err(StoreError::Backend {
                        operation: "BatchWriteItem",
                        message: format!("{} items left unprocessed", pending.len()),
                        retryable: true,
                    });
                }
                tokio::time::sleep(delay).await;
                delay *= 2;
            }
        }
        Ok(())
    }
}
