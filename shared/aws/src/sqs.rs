//! [`FailureQueue`] on SQS: the queue that is also the functions' on-failure destination, so a
//! rejected event sits with every other failure, under the same alarm.

use serde_json::{json, Value};

use super::classify;
use guardrail_core::ports::{AwsError, FailureQueue};

/// Sends rejected events to one queue.
#[derive(Debug, Clone)]
pub struct SqsFailureQueue {
    client: aws_sdk_sqs::Client,
    queue_url: String,
}

impl SqsFailureQueue {
    pub fn new(client: aws_sdk_sqs::Client, queue_url: impl Into<String>) -> SqsFailureQueue {
        SqsFailureQueue {
            client,
            queue_url: queue_url.into(),
        }
    }
}

/// The message kept for a rejected event: the reason and the event as received, less what may
/// hold credentials ([`guardrail_core::secrets::withheld`]). SQS takes
/// 256 KiB; an event too large for that is kept truncated (as text), marked as such.
pub fn rejected_message(event: &Value, reason: &str) -> String {
    const LIMIT: usize = 250 * 1024;
    let kept = |field: &str, value: Value| {
        json!({
            "source": "guardrail.inspector",
            "condition": "RejectedEvent",
            "reason": reason,
            field: value,
        })
        .to_string()
    };
    // What may hold credentials (environments, hyperparameters, scripts) is not kept.
    let event = &guardrail_core::secrets::withheld(event);
    let whole = kept("event", event.clone());
    if whole.len() <= LIMIT {
        return whole;
    }
    let raw = event.to_string();
    let mut keep = LIMIT.min(raw.len());
    loop {
        while !raw.is_char_boundary(keep) {
            keep -= 1;
        }
        let message = kept("event_truncated", Value::String(raw[..keep].to_string()));
        if message.len() <= LIMIT || keep == 0 {
            return message;
        }
        keep /= 2;
    }
}

impl FailureQueue for SqsFailureQueue {
    async fn keep_rejected(&self, event: &Value, reason: &str) -> Result<(), AwsError> {
        self.client
            .send_message()
            .queue_url(&self.queue_url)
            .message_body(rejected_message(event, reason))
            .send()
            .await
            .map(drop)
            .map_err(|e| classify("SendMessage", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rejected_event_is_kept_whole_or_marked_truncated() -> Result<(), serde_json::Error> {
        let event = json!({"id": "e1", "detail": {"x": 1}});
        let kept: Value = serde_json::from_str(&rejected_message(&event, "no detail-type"))?;
        assert_eq!(kept["reason"], "no detail-type");
        assert_eq!(kept["event"], event);
        let huge = json!({"id": "e2", "detail": "é\u{1}\"".repeat(100 * 1024)});
        let text = rejected_message(&huge, "too big");
        assert!(text.len() < 256 * 1024);
        let kept: Value = serde_json::from_str(&text)?;
        assert_eq!(kept["reason"], "too big");
        assert!(kept["event_truncated"]
            .as_str()
            .is_some_and(|t| t.starts_with("{")));
        Ok(())
    }
}
