//! [`AlertPublisher`] on SNS: one `Publish` with `MessageStructure=json` and message attributes.

use aws_sdk_sns::types::MessageAttributeValue;

use super::classify;
use guardrail_core::alert::{Alert, Attribute};
use guardrail_core::ports::{AlertPublisher, AwsError};

/// Publishes alerts to one topic.
#[derive(Debug, Clone)]
pub struct SnsPublisher {
    client: aws_sdk_sns::Client,
    topic_arn: String,
}

impl SnsPublisher {
    pub fn new(client: aws_sdk_sns::Client, topic_arn: impl Into<String>) -> SnsPublisher {
        SnsPublisher {
            client,
            topic_arn: topic_arn.into(),
        }
    }
}

fn attribute(value: &Attribute) -> Result<MessageAttributeValue, AwsError> {
    let (data_type, text) = match value {
        Attribute::String(s) => ("String", s.clone()),
        Attribute::StringArray(items) => (
            "String.Array",
            serde_json::to_string(items).map_err(|e| AwsError {
                operation: "Publish",
                code: "Serialization".into(),
                message: e.to_string(),
                retryable: false,
            })?,
        ),
    };
    MessageAttributeValue::builder()
        .data_type(data_type)
        .string_value(text)
        .build()
        .map_err(|e| AwsError {
            operation: "Publish",
            code: "Construction".into(),
            message: e.to_string(),
            retryable: false,
        })
}

impl AlertPublisher for SnsPublisher {
    async fn publish(&self, alert: &Alert) -> Result<String, AwsError> {
        let mut request = self
            .client
            .publish()
            .topic_arn(&self.topic_arn)
            .message_structure("json")
            .subject(&alert.subject)
            .message(&alert.message);
        for (name, value) in &alert.attributes {
            request = request.message_attributes(name, attribute(value)?);
        }
        let output = request.send().await.map_err(|e| classify("Publish", e))?;
        Ok(output.message_id().unwrap_or_default().to_string())
    }
}
