//! [`DeadLetters`] on SQS: the member accounts' forwarding dead-letter queues
//! (`infra/member.yaml`), found by name in each account and region, which the sweep empties.

use std::collections::HashMap;
use std::sync::Mutex;

use aws_sdk_sqs::error::ProvideErrorMetadata;

use super::classify;
use guardrail_core::ports::{AwsError, DeadLetter, DeadLetters};

/// The forwarding dead-letter queues of one account and region (built per account and region,
/// reached through the member role), found by name.
#[derive(Debug)]
pub struct SqsDeadLetters {
    client: aws_sdk_sqs::Client,
    urls: Mutex<HashMap<String, Option<String>>>,
}

impl SqsDeadLetters {
    pub fn new(client: aws_sdk_sqs::Client) -> SqsDeadLetters {
        SqsDeadLetters {
            client,
            urls: Mutex::new(HashMap::new()),
        }
    }

    /// The queue's URL; `None` when there is no such queue (no member stack there).
    async fn url(&self, queue: &str) -> Result<Option<String>, AwsError> {
        if let Some(url) = self.urls.lock().ok().and_then(|u| u.get(queue).cloned()) {
            return Ok(url);
        }
        let url = match self.client.get_queue_url().queue_name(queue).send().await {
            Ok(out) => out.queue_url().map(str::to_string),
            // (typed: SQS's JSON protocol says `QueueDoesNotExist`, its query-compatible code
            // `AWS.SimpleQueueService.NonExistentQueue`)
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_queue_does_not_exist())
                    || e.code().is_some_and(|c| c.contains("NonExistentQueue")) =>
            {
                None
            }
            Err(e) => return Err(classify("GetQueueUrl", e)),
        };
        if let Ok(mut urls) = self.urls.lock() {
            urls.insert(queue.to_string(), url.clone());
        }
        Ok(url)
    }
}

impl DeadLetters for SqsDeadLetters {
    async fn receive(&self, _: &str, _: &str, queue: &str) -> Result<Vec<DeadLetter>, AwsError> {
        let Some(url) = self.url(queue).await? else {
            return Ok(Vec::new());
        };
        let out = self
            .client
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .send()
            .await
            .map_err(|e| classify("ReceiveMessage", e))?;
        Ok(out
            .messages()
            .iter()
            .map(|m| DeadLetter {
                receipt: m.receipt_handle().unwrap_or_default().to_string(),
                body: m.body().unwrap_or_default().to_string(),
            })
            .collect())
    }

    async fn delete(&self, _: &str, _: &str, queue: &str, receipt: &str) -> Result<(), AwsError> {
        let Some(url) = self.url(queue).await? else {
            return Ok(());
        };
        self.client
            .delete_message()
            .queue_url(url)
            .receipt_handle(receipt)
            .send()
            .await
            .map(drop)
            .map_err(|e| classify("DeleteMessage", e))
    }
}
