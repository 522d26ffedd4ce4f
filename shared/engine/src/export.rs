//! Findings in the formats other tools read: AWS Security Finding Format (ASFF, Security Hub) and
//! the OCSF Compliance Finding class (2003). Pure: a [`Finding`] in, JSON out.

use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::finding::Status;
use crate::findings::Finding;
use crate::policy::Severity;

/// Fields ASFF 2018-10-08 requires of every finding (`BatchImportFindings` rejects others).
pub const ASFF_REQUIRED: [&str; 12] = [
    "SchemaVersion",
    "Id",
    "ProductArn",
    "GeneratorId",
    "AwsAccountId",
    "Types",
    "CreatedAt",
    "UpdatedAt",
    "Severity",
    "Title",
    "Description",
    "Resources",
];

/// Attributes the OCSF Compliance Finding class requires (base event, finding and compliance
/// finding), as JSON paths.
pub const OCSF_REQUIRED: [&str; 13] = [
    "activity_id",
    "category_uid",
    "class_uid",
    "type_uid",
    "severity_id",
    "time",
    "metadata.version",
    "metadata.product.name",
    "metadata.product.vendor_name",
    "finding_info.uid",
    "finding_info.title",
    "compliance.standards",
    "cloud.provider",
];

const PRODUCT: &str = "SageMaker Guardrails";
const OCSF_VERSION: &str = "1.1.0";
const DESCRIPTION_MAX: usize = 1024;

fn title(f: &Finding) -> String {
    format!(
        "SageMaker {} {}: {}",
        f.resource_kind.label(),
        f.resource_name,
        f.control
    )
}

fn description(f: &Finding) -> String {
    let mut text = match f.status {
        Status::Fail => format!(
            "Found {}; expected {}.",
            f.observed.as_deref().unwrap_or("-"),
            f.expected.as_deref().unwrap_or("-")
        ),
        Status::Pass => format!("Compliant: {}.", f.observed.as_deref().unwrap_or("-")),
        Status::NotApplicable => format!("{} does not apply to this resource.", f.control),
        Status::Error => format!(
            "Could not evaluate: {}.",
            f.reason.as_deref().unwrap_or("-")
        ),
    };
    if let Some(r) = &f.remediation {
        text.push_str(&format!(" Guardrail action: {}.", r.result));
    }
    if let Some(e) = &f.exemption {
        text.push_str(&format!(" Exempted: {e}."));
    }
    text.chars().take(DESCRIPTION_MAX).collect()
}

fn remedy(f: &Finding) -> &'static str {
    f.control.remedy()
}

fn partition(arn: &str) -> &str {
    arn.split(':').nth(1).unwrap_or("aws")
}

/// The finding in ASFF. Jobs and endpoints have no ASFF resource type: `Other`.
pub fn asff(f: &Finding) -> Value {
    let passed = f.status != Status::Fail;
    let severity = if passed {
        "INFORMATIONAL".to_string()
    } else {
        f.severity.as_str().to_ascii_uppercase()
    };
    let compliance = match f.status {
        Status::Pass => "PASSED",
        Status::Fail => "FAILED",
        Status::NotApplicable => "NOT_AVAILABLE",
        Status::Error => "WARNING",
    };
    let workflow = match (f.status, &f.exemption) {
        (Status::Fail, Some(_)) => "SUPPRESSED",
        (Status::Fail, None) => "NEW",
        _ => "RESOLVED",
    };
    let resource_type = f.resource_kind.asff_resource_type();
    let partition = partition(&f.resource_arn);
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": f.id,
        "ProductArn": format!("arn:{partition}:securityhub:{}:{}:product/{}/default", f.region, f.account, f.account),
        "GeneratorId": format!("sagemaker-guardrails/{}", f.control),
        "AwsAccountId": f.account,
        "Types": ["Software and Configuration Checks/AWS Security Best Practices"],
        "FirstObservedAt": f.first_seen,
        "LastObservedAt": f.last_seen,
        "CreatedAt": f.first_seen,
        "UpdatedAt": f.last_seen,
        "Severity": {"Label": severity, "Original": f.severity.as_str()},
        "Title": title(f),
        "Description": description(f),
        "Remediation": {"Recommendation": {"Text": remedy(f)}},
        "Resources": [{
            "Type": resource_type,
            "Id": f.resource_arn,
            "Partition": partition,
            "Region": f.region,
            "Details": {"Other": {"kind": f.resource_kind, "name": f.resource_name}},
        }],
        "Compliance": {"Status": compliance},
        "Workflow": {"Status": workflow},
        "RecordState": "ACTIVE",
        "ProductFields": {
            "guardrail/control": f.control,
            "guardrail/mode": f.mode.to_string(),
            "guardrail/policy-version": f.policy_version,
            "guardrail/event-id": f.event_id,
            "guardrail/remediation": f.remediation.as_ref().map(|r| r.result.as_str()).unwrap_or("none"),
        },
    })
}

fn epoch_millis(rfc3339: &str) -> i128 {
    OffsetDateTime::parse(rfc3339, &Rfc3339).map_or(0, |t| t.unix_timestamp_nanos() / 1_000_000)
}

/// The finding as an OCSF Compliance Finding (class 2003).
pub fn ocsf(f: &Finding) -> Value {
    let (activity_id, activity) = if f.first_seen == f.last_seen {
        (1, "Create")
    } else {
        (2, "Update")
    };
    let (severity_id, severity) = match f.severity {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    };
    let (compliance_id, compliance) = match f.status {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        Status::NotApplicable | Status::Error => (2, "Warning"),
    };
    let (status_id, status) = match (f.status, &f.exemption) {
        (Status::Fail, Some(_)) => (3, "Suppressed"),
        (Status::Fail, None) => (1, "New"),
        _ => (4, "Resolved"),
    };
    json!({
        "activity_id": activity_id,
        "activity_name": activity,
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2003,
        "class_name": "Compliance Finding",
        "type_uid": 200300 + activity_id,
        "severity_id": severity_id,
        "severity": severity,
        "time": epoch_millis(&f.last_seen),
        "status_id": status_id,
        "status": status,
        "message": description(f),
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": PRODUCT, "vendor_name": "guardrail", "version": env!("CARGO_PKG_VERSION")},
        },
        "finding_info": {
            "uid": f.id,
            "title": title(f),
            "desc": description(f),
            "first_seen_time": epoch_millis(&f.first_seen),
            "last_seen_time": epoch_millis(&f.last_seen),
        },
        "compliance": {
            "standards": [PRODUCT],
            "control": f.control,
            "status_id": compliance_id,
            "status": compliance,
            "status_detail": f.observed.as_deref().or(f.reason.as_deref()).unwrap_or(""),
        },
        "remediation": {"desc": remedy(f)},
        "resources": [{
            "uid": f.resource_arn,
            "name": f.resource_name,
            "type": f.resource_kind,
            "region": f.region,
            "cloud_partition": partition(&f.resource_arn),
            "owner": {"account": {"uid": f.account}},
        }],
        "cloud": {"provider": "AWS", "region": f.region, "account": {"uid": f.account}},
        "actor": f.actor.as_ref().map(|a| json!({"user": {"uid": a}})),
    })
}

/// Which required fields are missing or empty in a document (`.`-separated paths).
pub fn missing_fields<'a>(document: &Value, required: &[&'a str]) -> Vec<&'a str> {
    required
        .iter()
        .copied()
        .filter(|path| {
            let value = path.split('.').try_fold(document, |v, key| v.get(key));
            match value {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.is_empty(),
                Some(Value::Array(a)) => a.is_empty(),
                Some(_) => false,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::contract::sample;

    fn findings() -> Vec<Finding> {
        let mut all = Vec::new();
        for (arn, time) in [
            (
                "arn:aws:sagemaker:us-east-1:123456789012:training-job/a",
                "2026-11-01T10:00:00Z",
            ),
            (
                "arn:aws:sagemaker:eu-west-1:123456789012:notebook-instance/b",
                "2026-11-02T10:00:00Z",
            ),
        ] {
            let (mut fs, _) = sample(arn, time);
            if arn.contains("notebook") {
                for f in &mut fs {
                    f.resource_kind = crate::resource::ResourceKind::NotebookInstance;
                }
            }
            all.extend(fs);
        }
        let mut error = all[0].clone();
        error.status = Status::Error;
        error.reason = Some("model not found".into());
        all.push(error);
        all
    }

    #[test]
    fn every_asff_finding_has_the_required_fields() {
        for f in findings() {
            let doc = asff(&f);
            assert_eq!(
                missing_fields(&doc, &ASFF_REQUIRED),
                Vec::<&str>::new(),
                "{doc}"
            );
            let resource = &doc["Resources"][0];
            assert!(resource["Id"].is_string() && resource["Type"].is_string());
            assert!(doc["Description"]
                .as_str()
                .is_some_and(|d| d.chars().count() <= DESCRIPTION_MAX));
        }
    }

    #[test]
    fn asff_maps_status_kind_and_severity() {
        let fs = findings();
        let failed = asff(&fs[0]);
        assert_eq!(failed["Compliance"]["Status"], "FAILED");
        assert_eq!(failed["Severity"]["Label"], "HIGH");
        assert_eq!(failed["Workflow"]["Status"], "NEW");
        assert_eq!(failed["Resources"][0]["Type"], "Other");
        assert_eq!(
            failed["ProductArn"],
            "arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default"
        );
        let passed = asff(&fs[1]);
        assert_eq!(passed["Compliance"]["Status"], "PASSED");
        assert_eq!(passed["Severity"]["Label"], "INFORMATIONAL");
        let notebook = asff(&fs[2]);
        assert_eq!(
            notebook["Resources"][0]["Type"],
            "AwsSageMakerNotebookInstance"
        );
        assert_eq!(asff(&fs[4])["Compliance"]["Status"], "WARNING");
    }

    #[test]
    fn every_ocsf_finding_has_the_required_fields() {
        for f in findings() {
            let doc = ocsf(&f);
            assert_eq!(
                missing_fields(&doc, &OCSF_REQUIRED),
                Vec::<&str>::new(),
                "{doc}"
            );
            assert_eq!(doc["class_uid"], 2003);
            assert_eq!(doc["category_uid"], 2);
            let type_uid = doc["type_uid"].as_i64().unwrap_or_default();
            assert_eq!(
                type_uid,
                2003 * 100 + doc["activity_id"].as_i64().unwrap_or_default()
            );
        }
        let fs = findings();
        assert_eq!(ocsf(&fs[0])["compliance"]["status_id"], 3);
        assert_eq!(ocsf(&fs[0])["severity_id"], 4);
        assert_eq!(ocsf(&fs[0])["time"], 1_793_527_200_000_i64);
        assert_eq!(ocsf(&fs[1])["compliance"]["status_id"], 1);
    }

    #[test]
    fn missing_fields_reports_absent_and_empty_values() {
        let doc = json!({"a": {"b": ""}, "c": [], "d": 0});
        assert_eq!(
            missing_fields(&doc, &["a.b", "c", "d", "e.f"]),
            vec!["a.b", "c", "e.f"]
        );
    }
}
