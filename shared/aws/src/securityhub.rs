//! [`FindingSink`] on Security Hub: `BatchImportFindings` in batches of at most 100, with the
//! entries Security Hub rejects retried (with backoff) and, if still rejected, reported as an error.
//! The documents come from [`guardrail_core::export::asff`], the one ASFF mapping.

use std::time::Duration;

use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Compliance, ComplianceStatus, Partition, Recommendation, RecordState,
    Remediation, Resource, ResourceDetails, Severity, SeverityLabel, Workflow, WorkflowStatus,
};
use serde_json::Value;

use super::classify;
use guardrail_core::findings::Finding;
use guardrail_core::ports::{AwsError, FindingSink};

/// Security Hub accepts at most 100 findings per `BatchImportFindings` call.
pub const BATCH_MAX: usize = 100;
const ATTEMPTS: u32 = 3;

/// Sends finding changes to Security Hub in one account and region (the default product only
/// accepts the account's own findings: see [`super::fleet`] for the others). Off is `None`.
#[derive(Debug, Clone)]
pub struct SecurityHub {
    client: aws_sdk_securityhub::Client,
}

impl SecurityHub {
    pub fn new(client: aws_sdk_securityhub::Client) -> SecurityHub {
        SecurityHub { client }
    }
}

fn text(v: &Value, path: &[&str]) -> String {
    path.iter()
        .try_fold(v, |v, k| v.get(k))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The typed SDK finding for an ASFF document from [`guardrail_core::export::asff`].
pub fn typed(doc: &Value) -> AwsSecurityFinding {
    let resource = &doc["Resources"][0];
    let mut details = ResourceDetails::builder();
    if let Some(other) = resource["Details"]["Other"].as_object() {
        for (k, v) in other {
            details = details.other(k, v.as_str().unwrap_or_default());
        }
    }
    let mut finding = AwsSecurityFinding::builder()
        .schema_version(text(doc, &["SchemaVersion"]))
        .id(text(doc, &["Id"]))
        .product_arn(text(doc, &["ProductArn"]))
        .generator_id(text(doc, &["GeneratorId"]))
        .aws_account_id(text(doc, &["AwsAccountId"]))
        .first_observed_at(text(doc, &["FirstObservedAt"]))
        .last_observed_at(text(doc, &["LastObservedAt"]))
        .created_at(text(doc, &["CreatedAt"]))
        .updated_at(text(doc, &["UpdatedAt"]))
        .severity(
            Severity::builder()
                .label(SeverityLabel::from(
                    text(doc, &["Severity", "Label"]).as_str(),
                ))
                .original(text(doc, &["Severity", "Original"]))
                .build(),
        )
        .title(text(doc, &["Title"]))
        .description(text(doc, &["Description"]))
        .remediation(
            Remediation::builder()
                .recommendation(
                    Recommendation::builder()
                        .text(text(doc, &["Remediation", "Recommendation", "Text"]))
                        .build(),
                )
                .build(),
        )
        .resources(
            Resource::builder()
                .r#type(text(resource, &["Type"]))
                .id(text(resource, &["Id"]))
                .partition(Partition::from(text(resource, &["Partition"]).as_str()))
                .region(text(resource, &["Region"]))
                .details(details.build())
                .build(),
        )
        .compliance(
            Compliance::builder()
                .status(ComplianceStatus::from(
                    text(doc, &["Compliance", "Status"]).as_str(),
                ))
                .build(),
        )
        .workflow(
            Workflow::builder()
                .status(WorkflowStatus::from(
                    text(doc, &["Workflow", "Status"]).as_str(),
                ))
                .build(),
        )
        .record_state(RecordState::from(text(doc, &["RecordState"]).as_str()));
    if let Some(types) = doc["Types"].as_array() {
        for t in types.iter().filter_map(Value::as_str) {
            finding = finding.types(t);
        }
    }
    if let Some(fields) = doc["ProductFields"].as_object() {
        for (k, v) in fields {
            finding = finding.product_fields(k, v.as_str().unwrap_or_default());
        }
    }
    finding.build()
}

/// Imports `batch`, retrying the entries rejected by `send` (which returns the rejected ids
/// with their error) up to [`ATTEMPTS`] times. Returns the entries still rejected.
pub async fn import_with_retries<F, Fut>(
    batch: Vec<(String, AwsSecurityFinding)>,
    mut send: F,
) -> Result<Vec<(String, String)>, AwsError>
where
    F: FnMut(Vec<AwsSecurityFinding>) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<(String, String)>, AwsError>>,
{
    let mut pending = batch;
    let mut rejected = Vec::new();
    for attempt in 0..ATTEMPTS {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
        }
        rejected = send(pending.iter().map(|(_, f)| f.clone()).collect()).await?;
        if rejected.is_empty() {
            return Ok(Vec::new());
        }
        pending.retain(|(id, _)| rejected.iter().any(|(r, _)| r == id));
    }
    Ok(rejected)
}

impl FindingSink for SecurityHub {
    async fn import(&self, findings: &[Finding]) -> Result<(), AwsError> {
        let client = &self.client;
        for chunk in findings.chunks(BATCH_MAX) {
            let batch = chunk
                .iter()
                .map(|f| (f.id.clone(), typed(&guardrail_core::export::asff(f))))
                .collect();
            let rejected = import_with_retries(batch, |findings| async move {
                let out = client
                    .batch_import_findings()
                    .set_findings(Some(findings))
                    .send()
                    .await
                    .map_err(|e| classify("BatchImportFindings", e))?;
                Ok(out
                    .failed_findings()
                    .iter()
                    .map(|f| {
                        let id = f.id().unwrap_or_default().to_string();
                        let why = format!(
                            "{}: {}",
                            f.error_code().unwrap_or_default(),
                            f.error_message().unwrap_or_default()
                        );
                        (id, why)
                    })
                    .collect())
            })
            .await?;
            if !rejected.is_empty() {
                let list: Vec<String> = rejected
                    .iter()
                    .map(|(id, why)| format!("{id} ({why})"))
                    .collect();
                return Err(AwsError {
                    operation: "BatchImportFindings",
                    code: "FailedFindings".into(),
                    message: format!(
                        "{} finding(s) rejected after {ATTEMPTS} attempts: {}",
                        rejected.len(),
                        list.join("; ")
                    ),
                    retryable: true,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use guardrail_core::store::contract::sample;

    fn batch(n: usize) -> Vec<(String, AwsSecurityFinding)> {
        (0..n)
            .map(|i| {
                let (fs, _) = sample(
                    &format!("arn:aws:sagemaker:us-east-1:123456789012:training-job/j{i}"),
                    "2026-11-01T00:00:00Z",
                );
                let f = &fs[0];
                (f.id.clone(), typed(&guardrail_core::export::asff(f)))
            })
            .collect()
    }

    #[test]
    fn typed_findings_carry_the_asff_document() {
        let (fs, _) = sample(
            "arn:aws:sagemaker:us-east-1:123456789012:training-job/a",
            "2026-11-01T00:00:00Z",
        );
        let f = typed(&guardrail_core::export::asff(&fs[0]));
        assert_eq!(f.id(), Some(fs[0].id.as_str()));
        assert_eq!(
            f.severity().and_then(|s| s.label()),
            Some(&SeverityLabel::High)
        );
        assert_eq!(
            f.compliance().and_then(|c| c.status()),
            Some(&ComplianceStatus::Failed)
        );
        assert_eq!(
            f.resources().first().and_then(|r| r.r#type()),
            Some("Other")
        );
        assert_eq!(
            f.types(),
            ["Software and Configuration Checks/AWS Security Best Practices"]
        );
    }

    #[tokio::test]
    async fn rejected_entries_are_retried_and_reported_when_they_keep_failing(
    ) -> Result<(), AwsError> {
        // Security Hub rejects j1 once, and j2 every time.
        let sent: Mutex<Vec<usize>> = Mutex::new(Vec::new());
        let calls = Mutex::new(0);
        let items = batch(3);
        let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
        let rejected = import_with_retries(items, |findings| {
            let mut n = calls.lock().map(|g| *g).unwrap_or(0);
            n += 1;
            if let Ok(mut g) = calls.lock() {
                *g = n;
            }
            if let Ok(mut s) = sent.lock() {
                s.push(findings.len());
            }
            let rejected: Vec<(String, String)> = findings
                .iter()
                .filter_map(|f| f.id())
                .filter(|id| *id == ids[2] || (*id == ids[1] && n == 1))
                .map(|id| (id.to_string(), "InvalidInput: test".to_string()))
                .collect();
            async move { Ok(rejected) }
        })
        .await?;
        assert_eq!(
            sent.lock().map(|s| s.clone()).unwrap_or_default(),
            vec![3, 2, 1]
        );
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].0, ids[2]);
        Ok(())
    }
}
