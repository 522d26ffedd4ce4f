//! [`SweepQueue`] on an SQS FIFO queue: a scheduled sweep enqueues one message per target, and
//! the queue is the sweeper's event source (Lambda polls it with the function's role, hence the
//! implicit actions below). Each message is deduplicated by sweep and target, and grouped by
//! target, so a target is swept once per scheduled sweep and never twice at once.

use std::time::Duration;

use aws_sdk_sqs::types::SendMessageBatchRequestEntry;

use super::classify;
use guardrail_core::ports::{AwsError, SweepQueue};
use guardrail_core::sweep::SweepRequest;

/// What the sweeper's event source mapping does with the function's role.
pub const IMPLICIT_ACTIONS: &[&str] = &[
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];

/// `SendMessageBatch`'s limit.
const BATCH: usize = 10;
/// Attempts at the entries SQS did not take.
const ATTEMPTS: usize = 5;

#[derive(Debug, Clone)]
pub struct SqsSweepQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsSweepQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> SqsSweepQueue {
        SqsSweepQueue {
            client,
            queue_url: queue_url.into(),
        }
    }

    /// Sends up to ten entries, again (with backoff) those SQS did not take.
    async fn send(&self, mut entries: Vec<SendMessageBatchRequestEntry>) -> Result<(), AwsError> {
        let mut delay = Duration::from_millis(100);
        for _ in 0..ATTEMPTS {
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.queue_url)
                .set_entries(Some(entries.clone()))
                .send()
                .await
                .map_err(|e| classify("SendMessageBatch", e))?;
            let failed: Vec<&str> = out.failed().iter().map(|f| f.id()).collect();
            entries.retain(|e| failed.contains(&e.id()));
            if entries.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        Err(AwsError {
            operation: "SendMessageBatch",
            code: "Unprocessed".into(),
            message: format!("{} sweep requests not enqueued", entries.len()),
            retryable: true,
        })
    }
}

impl SweepQueue for SqsSweepQueue {
    async fn enqueue(&self, requests: &[SweepRequest]) -> Result<(), AwsError> {
        for chunk in requests.chunks(BATCH) {
            let mut entries = Vec::with_capacity(chunk.len());
            for (i, request) in chunk.iter().enumerate() {
                let body = serde_json::to_string(request).map_err(|e| AwsError {
                    operation: "SendMessageBatch",
                    code: "Encoding".into(),
                    message: e.to_string(),
                    retryable: false,
                })?;
                let entry = SendMessageBatchRequestEntry::builder()
                    .id(i.to_string())
                    .message_body(body)
                    .message_group_id(request.group())
                    .message_deduplication_id(request.deduplication_id())
                    .build()
                    .map_err(|e| AwsError {
                        operation: "SendMessageBatch",
                        code: "Construction".into(),
                        message: e.to_string(),
                        retryable: false,
                    })?;
                entries.push(entry);
            }
            self.send(entries).await?;
        }
        Ok(())
    }
}
