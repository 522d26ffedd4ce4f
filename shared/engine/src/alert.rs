//! SNS alert for a report with violations: subject, JSON + email bodies, and message attributes
//! that subscription filter policies can match (`severity`, `resource_type`, `action`, `account`,
//! `controls`). Pure: building the alert makes no call.

use serde::{Deserialize, Serialize};

use crate::report::Report;

/// SNS subjects must be shorter than 100 characters, on one line.
pub const SUBJECT_MAX: usize = 99;

/// A message attribute value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attribute {
    String(String),
    /// Sent as SNS `String.Array` (a JSON array), matchable element by element.
    StringArray(Vec<String>),
}

/// An alert ready to publish with `MessageStructure=json`; it can be kept (staged) as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alert {
    pub subject: String,
    /// `{"default": <finding JSON>, "email": <text>}`.
    pub message: String,
    pub attributes: Vec<(String, Attribute)>,
}

#[derive(Serialize)]
struct Structured<'a> {
    default: &'a str,
    email: &'a str,
}

/// The alert for a report, or `None` when it has no violation.
pub fn build(report: &Report) -> Result<Option<Alert>, serde_json::Error> {
    let Some(severity) = report.severity else {
        return Ok(None);
    };
    let failing: Vec<String> = report.violations().map(|r| r.control.to_string()).collect();
    let unverified: Vec<String> = report.unverified().map(|r| r.control.to_string()).collect();
    let mut named = failing.join(", ");
    if !unverified.is_empty() {
        if !named.is_empty() {
            named.push_str("; ");
        }
        named.push_str(&format!("cannot verify {}", unverified.join(", ")));
    }
    let controls: Vec<String> = failing.into_iter().chain(unverified).collect();
    let r = &report.resource;
    let subject = subject(&format!(
        "[{}] SageMaker {} {} {}: {named}",
        severity.as_str().to_ascii_uppercase(),
        r.kind.label(),
        r.name,
        report.remediation.phrase(),
    ));
    let default = serde_json::to_string(report)?;
    let email = email(report);
    let message = serde_json::to_string(&Structured {
        default: &default,
        email: &email,
    })?;
    Ok(Some(Alert {
        subject,
        message,
        attributes: vec![
            (
                "severity".into(),
                Attribute::String(severity.as_str().to_string()),
            ),
            (
                "resource_type".into(),
                Attribute::String(r.kind.as_str().to_string()),
            ),
            (
                "action".into(),
                Attribute::String(report.remediation.outcome().as_str().to_string()),
            ),
            ("account".into(), Attribute::String(r.account.clone())),
            ("controls".into(), Attribute::StringArray(controls)),
        ],
    }))
}

/// The alert announcing that a resource alerted on before has no violation any more.
pub fn resolved(
    report: &Report,
    previous: &crate::findings::NotificationKey,
) -> Result<Alert, serde_json::Error> {
    let r = &report.resource;
    let controls: Vec<String> = previous.controls().iter().map(|c| c.to_string()).collect();
    let subject = subject(&format!(
        "[RESOLVED] SageMaker {} {} is compliant again: {}",
        r.kind.label(),
        r.name,
        controls.join(", ")
    ));
    let default = serde_json::to_string(report)?;
    let email = format!(
        "SageMaker {} {} in account {} ({}) now passes the guardrail controls it failed before ({}).\nTrigger: {} (event {})\nResource: {}\nPolicy: {} (version {}).\n",
        r.kind.label(),
        r.name,
        r.account,
        r.region,
        controls.join(", "),
        report.event.cause.label(),
        report.event.id,
        r.arn,
        report.policy.source,
        report.policy.version,
    );
    let message = serde_json::to_string(&Structured {
        default: &default,
        email: &email,
    })?;
    Ok(Alert {
        subject,
        message,
        attributes: vec![
            ("severity".into(), Attribute::String("informational".into())),
            (
                "resource_type".into(),
                Attribute::String(r.kind.as_str().to_string()),
            ),
            ("action".into(), Attribute::String("resolved".into())),
            ("account".into(), Attribute::String(r.account.clone())),
            ("controls".into(), Attribute::StringArray(controls)),
        ],
    })
}

/// One printable line of at most [`SUBJECT_MAX`] characters.
fn subject(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if clean.chars().count() <= SUBJECT_MAX {
        return clean;
    }
    let mut cut: String = clean.chars().take(SUBJECT_MAX - 3).collect();
    cut.push_str("...");
    cut
}

fn email(report: &Report) -> String {
    let r = &report.resource;
    let mut text = format!(
        "SageMaker {} {} in account {} ({}) breaks {} guardrail control(s); {} cannot be verified.\nGuardrail action: {}.\n",
        r.kind.label(),
        r.name,
        r.account,
        r.region,
        report.violations().count(),
        report.unverified().count(),
        report.remediation.phrase(),
    );
    if let crate::report::ActionResult::Failed { error } = &report.remediation.result {
        text.push_str(&format!("The call failed: {error}\n"));
    }
    if let Some(actor) = report.actor.as_ref().and_then(|a| a.arn.as_deref()) {
        text.push_str(&format!("Caller: {actor}\n"));
    }
    text.push_str(&format!(
        "Trigger: {} (event {})\nResource: {}\n\n",
        report.event.cause.label(),
        report.event.id,
        r.arn
    ));
    for v in report.violations() {
        text.push_str(&format!(
            "- [{}] {} ({}): found {}; expected {}.\n",
            v.severity.as_str().to_ascii_uppercase(),
            v.control,
            v.mode,
            v.observed.as_deref().unwrap_or("-"),
            v.expected.as_deref().unwrap_or("-"),
        ));
        if let Some(remedy) = v.remedy {
            text.push_str(&format!("  Fix: {remedy}\n"));
        }
    }
    for u in report.unverified() {
        text.push_str(&format!(
            "- [{}] {} ({}): cannot be verified: {}.\n",
            u.severity.as_str().to_ascii_uppercase(),
            u.control,
            u.mode,
            u.reason.as_deref().unwrap_or("-"),
        ));
    }
    text.push_str(&format!(
        "\nPolicy: {} (version {}).\n",
        report.policy.source, report.policy.version
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_cut_to_the_sns_limit_on_one_line() {
        let long = format!("[HIGH] SageMaker training job {}\nstopped", "x".repeat(200));
        let s = subject(&long);
        assert_eq!(s.chars().count(), SUBJECT_MAX);
        assert!(s.ends_with("...") && !s.contains('\n'));
        assert_eq!(subject("short"), "short");
    }
}
