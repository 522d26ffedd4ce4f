//! [`Rechecks`] on an SQS standard queue: each re-check is a message delayed as it asks (15
//! minutes at most, SQS's limit), and the queue is an event source of the inspector (Lambda polls
//! it with the function's role, hence the implicit actions below).

use std::time::Duration;

use super::classify;
use guardrail_core::inspector::Recheck;
use guardrail_core::ports::{AwsError, Rechecks};

/// What the inspector's event source mapping does with the function's role.
pub const IMPLICIT_ACTIONS: &[&str] = &[
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
];

/// SQS's longest delay.
const MAX_DELAY: Duration = Duration::from_secs(900);

#[derive(Debug, Clone)]
pub struct SqsRechecks {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsRechecks {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> SqsRechecks {
        SqsRechecks {
            client,
            queue_url: queue_url.into(),
        }
    }
}

impl Rechecks for SqsRechecks {
    async fn later(&self, recheck: &Recheck, delay: Duration) -> Result<(), AwsError> {
        let body = serde_json::to_string(recheck).map_err(|e| AwsError {
            operation: "SendMessage",
            code: "Encoding".into(),
            message: e.to_string(),
            retryable: false,
        })?;
        let seconds = i32::try_from(delay.min(MAX_DELAY).as_secs()).unwrap_or(900);
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(body)
            .delay_seconds(seconds)
            .send()
            .await
            .map(drop)
            .map_err(|e| classify("SendMessage", e))
    }
}
