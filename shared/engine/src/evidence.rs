//! `guardrail findings evidence`: proof from AWS's own log that the guardrail's remediation call
//! happened — the CloudTrail records of that call on the finding's resource, in the resource's own
//! account and region.

use serde::Serialize;

use crate::findings::Finding;
use crate::ports::{ActivityLog, AwsError, TrailRecord};
use crate::store::{FindingStore, StoreError};

#[derive(Debug, Serialize)]
pub struct Evidence {
    pub finding: Finding,
    /// The remediation call (`StopTrainingJob`...).
    pub action: String,
    /// When the guardrail made it, by its own record.
    pub remediated_at: Option<String>,
    /// CloudTrail's records of that call on the resource, newest first.
    pub records: Vec<TrailRecord>,
}

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error("no finding {0}")]
    NotFound(String),
    #[error("finding {0} records no remediation call (it was not enforced, or nothing was done)")]
    NoRemediation(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("CloudTrail: {0}")]
    Trail(#[from] AwsError),
}

/// The CloudTrail records of the remediation call of finding `id`.
pub async fn evidence(
    store: &impl FindingStore,
    trail: &impl ActivityLog,
    id: &str,
) -> Result<Evidence, EvidenceError> {
    let (finding, _) = store
        .get(id)
        .await?
        .ok_or_else(|| EvidenceError::NotFound(id.to_string()))?;
    let remediation = finding
        .remediation
        .as_ref()
        .filter(|r| r.result.called())
        .and_then(|r| r.action.clone().map(|a| (a, r.at.clone())));
    let Some((action, remediated_at)) = remediation else {
        return Err(EvidenceError::NoRemediation(id.to_string()));
    };
    let records = trail
        .calls(
            &finding.account,
            &finding.region,
            &finding.resource_name,
            &action,
        )
        .await?;
    Ok(Evidence {
        finding,
        action,
        remediated_at,
        records,
    })
}
