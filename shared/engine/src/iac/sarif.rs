//! `guardrail iac` results for code scanning (SARIF 2.1.0) and test reports (JUnit XML).
//!
//! SARIF: one rule per control, from its documentation, with `security-severity` (GitHub's
//! scale: critical above 9.0, high 7.0 to 8.9, medium 4.0 to 6.9, low below 4.0) and the
//! policy's mode as its level (enforce: `error`, audit: `warning`). One result per failing
//! control of each resource (and branch), at the resource's line; a control that cannot be
//! evaluated is a `note`. An exempted failure carries a suppression with its reason (GitHub shows
//! suppressed results as alerts all the same). Fingerprints hash the file, the logical id, the
//! branch and the control: stable when lines move.

use serde_json::{json, Value};

use super::{Judged, Unreadable};
use crate::controls::{ControlId, Severity};
use crate::finding::{ControlResult, Status};
use crate::policy::{Mode, Policy};

/// `security-severity` for a severity.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Informational => "1.0",
    }
}

fn level(mode: Mode) -> &'static str {
    match mode {
        Mode::Enforce => "error",
        Mode::Audit | Mode::Off => "warning",
    }
}

/// A stable identity of one result.
fn fingerprint(judged: &Judged, control: ControlId) -> String {
    use sha2::Digest;
    let branch: Vec<String> = judged
        .branch
        .iter()
        .map(|(c, v)| format!("{c}={v}"))
        .collect();
    let identity = format!(
        "{}\n{}\n{}\n{}",
        judged.file,
        judged.logical_id,
        branch.join(","),
        control.as_str()
    );
    hex::encode(sha2::Sha256::digest(identity.as_bytes()))
}

fn message(judged: &Judged, result: &ControlResult) -> String {
    let branch = if judged.branch.is_empty() {
        String::new()
    } else {
        let fixed: Vec<String> = judged
            .branch
            .iter()
            .map(|(c, v)| format!("{c}={v}"))
            .collect();
        format!(" (when {})", fixed.join(", "))
    };
    let (resource, control) = (
        format!("{} {}{branch}", judged.resource_type, judged.logical_id),
        result.control.as_str(),
    );
    match result.status {
        Status::Error => format!(
            "{resource}: {control} cannot be evaluated: {}",
            result.reason.as_deref().unwrap_or("no reason given")
        ),
        _ => format!(
            "{resource} fails {control}: {}; expected {}",
            result.observed.as_deref().unwrap_or("-"),
            result.expected.as_deref().unwrap_or("-")
        ),
    }
}

/// The SARIF 2.1.0 log of judged resources, and of files that could not be read
/// (`rejected`: file and error, as tool notifications).
pub fn sarif(
    judged: &[&Judged],
    unreadable: &[&Unreadable],
    rejected: &[(String, String)],
    policy: &Policy,
) -> Value {
    let controls: Vec<ControlId> = ControlId::all().collect();
    let mut rules: Vec<Value> = controls
        .iter()
        .map(|control| {
            let doc = control.doc();
            let (mode, severity) = policy.setting(*control);
            json!({
                "id": control.as_str(),
                "shortDescription": {"text": doc.summary},
                "fullDescription": {"text": if doc.what.is_empty() { &doc.summary } else { &doc.what }},
                "help": {
                    "text": format!("{}\n\nFix: {}", doc.why, doc.fix),
                    "markdown": format!("**Why** — {}\n\n**Fix** — {}", doc.why, doc.fix),
                },
                "defaultConfiguration": {"level": level(mode)},
                "properties": {
                    "security-severity": security_severity(severity),
                    "tags": ["security", "sagemaker"],
                    "precision": "high",
                },
            })
        })
        .collect();
    // (a resource that cannot be read: a rule of its own, after the controls')
    let unreadable_index = rules.len();
    rules.push(json!({
        "id": "unreadable-resource",
        "shortDescription": {"text": "A resource the code declares could not be read, so nothing was judged of it"},
        "fullDescription": {"text": "A resource of a covered kind whose properties the kind's reader refuses (a member of the wrong type), or a workflow whose definition is not settled or not JSON."},
        "help": {"text": "Fix the member the message names, or give the definition the template leaves to a parameter."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["sagemaker"], "precision": "very-high"},
    }));
    let mut results = Vec::new();
    for judged in judged {
        for result in &judged.report.results {
            let (Status::Fail | Status::Error) = result.status else {
                continue;
            };
            let rule_index = controls.iter().position(|c| *c == result.control);
            let level = match result.status {
                Status::Error => "note",
                _ => level(result.mode),
            };
            let mut entry = json!({
                "ruleId": result.control.as_str(),
                "ruleIndex": rule_index,
                "level": level,
                "message": {"text": message(judged, result)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": judged.file.replace('\\', "/")},
                        "region": {
                            "startLine": judged.position.line,
                            "startColumn": judged.position.column,
                        },
                    },
                    "logicalLocations": [{
                        "name": judged.logical_id,
                        // (a CDK construct path, a Terraform address, a workflow's step)
                        "fullyQualifiedName": judged
                            .location
                            .clone()
                            .unwrap_or_else(|| format!("{}/{}", judged.file, judged.logical_id)),
                        "kind": "resource",
                    }],
                }],
                "partialFingerprints": {"guardrailResult/v1": fingerprint(judged, result.control)},
                "properties": {
                    "resourceType": judged.resource_type,
                    "severity": result.severity.as_str(),
                    "mode": result.mode.to_string(),
                    "branch": judged.branch,
                },
            });
            if let Some(prevention) = judged.scp.iter().find(|p| p.control == result.control) {
                entry["properties"]["scp"] = json!(prevention);
            }
            if let Some(exemption) = &result.exemption {
                entry["suppressions"] = json!([{
                    "kind": "external",
                    "status": "accepted",
                    "justification": format!("{} (until {})", exemption.reason, exemption.expires),
                }]);
            }
            results.push(entry);
        }
    }
    // A resource that could not be read is a result of its own: nothing was judged of it.
    for bad in unreadable {
        results.push(json!({
            "ruleId": "unreadable-resource",
            "ruleIndex": unreadable_index,
            "level": "error",
            "message": {"text": format!("{} could not be read, so nothing was judged: {}", bad.logical_id, bad.error)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": bad.file.replace('\\', "/")},
                    "region": {"startLine": bad.position.line, "startColumn": bad.position.column},
                },
                "logicalLocations": [{"name": bad.logical_id, "kind": "resource"}],
            }],
            "partialFingerprints": {"guardrailResult/v1": format!("unreadable:{}:{}", bad.file, bad.logical_id)},
        }));
    }
    let notifications: Vec<Value> = rejected
        .iter()
        .map(|(file, error)| {
            json!({
                "level": "error",
                "message": {"text": error},
                "locations": [{"physicalLocation": {"artifactLocation": {"uri": file.replace('\\', "/")}}}],
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "sagemaker-guardrail",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": rejected.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    })
}

/// XML text with its five special characters escaped.
fn xml(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// The JUnit XML report: one test suite per file, one test case per resource (and branch) and
/// control judged; a failure per violation, an error per control that cannot be evaluated, a
/// skip where the control does not apply; a file that could not be read is a suite with an error.
pub fn junit(
    judged: &[&Judged],
    unreadable: &[&Unreadable],
    rejected: &[(String, String)],
) -> String {
    let mut files: Vec<&str> = judged.iter().map(|j| j.file.as_str()).collect();
    files.dedup();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"guardrail iac\">\n",
    );
    for file in files {
        let mut cases = String::new();
        let (mut tests, mut failures, mut errors, mut skipped) = (0, 0, 0, 0);
        for j in judged.iter().filter(|j| j.file == file) {
            let branch: Vec<String> = j.branch.iter().map(|(c, v)| format!("{c}={v}")).collect();
            let resource = match branch.is_empty() {
                true => j.logical_id.clone(),
                false => format!("{} ({})", j.logical_id, branch.join(", ")),
            };
            for r in &j.report.results {
                tests += 1;
                let name = xml(&format!("{resource} {}", r.control.as_str()));
                let classname = xml(&format!("{file}:{}", j.position.line));
                let body = match r.status {
                    Status::Fail if r.is_violation() => {
                        failures += 1;
                        format!(
                            "<failure message=\"{}\" type=\"{}\"/>",
                            xml(&message(j, r)),
                            r.severity.as_str()
                        )
                    }
                    Status::Error => {
                        errors += 1;
                        format!("<error message=\"{}\"/>", xml(&message(j, r)))
                    }
                    Status::NotApplicable => {
                        skipped += 1;
                        format!(
                            "<skipped message=\"{}\"/>",
                            xml(r.reason.as_deref().unwrap_or("not applicable"))
                        )
                    }
                    _ => String::new(),
                };
                cases.push_str(&format!(
                    "    <testcase classname=\"{classname}\" name=\"{name}\">{body}</testcase>\n"
                ));
            }
        }
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n",
            xml(file)
        ));
    }
    for bad in unreadable {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"{0}:{}\" name=\"{} read\"><error message=\"{}\"/></testcase>\n  </testsuite>\n",
            xml(&bad.file),
            bad.position.line,
            xml(&bad.logical_id),
            xml(&bad.error)
        ));
    }
    for (file, error) in rejected {
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"1\" failures=\"0\" errors=\"1\" skipped=\"0\">\n    <testcase classname=\"{0}\" name=\"read\"><error message=\"{}\"/></testcase>\n  </testsuite>\n",
            xml(file),
            xml(error)
        ));
    }
    out.push_str("</testsuites>\n");
    out
}
