use time::macros::date;

use super::*;
use crate::controls::Severity;
use crate::report::ActionOutcome;
use crate::store::contract::sample;

/// Findings of three training jobs on three days, with their observations.
fn stored() -> Vec<(Finding, Vec<Observation>)> {
    let mut all = Vec::new();
    for (arn, time) in [
        (
            "arn:aws:sagemaker:us-east-1:111111111111:training-job/alpha",
            "2026-11-01T08:00:00Z",
        ),
        (
            "arn:aws:sagemaker:us-east-1:222222222222:training-job/beta",
            "2026-11-02T08:00:00Z",
        ),
        (
            "arn:aws:sagemaker:us-east-1:111111111111:training-job/gamma",
            "2026-11-03T08:00:00Z",
        ),
    ] {
        let (findings, observations) = sample(arn, time);
        for f in findings {
            let history = observations
                .iter()
                .filter(|o| o.finding_id == f.id)
                .cloned()
                .collect();
            all.push((f, history));
        }
    }
    all
}

fn report(findings: Vec<(Finding, Vec<Observation>)>, policy: &Policy) -> AuditReport {
    AuditReport::build(Input {
        policy,
        ..input(findings)
    })
}

#[test]
fn the_summary_counts_findings_resources_and_compliance_by_control_kind_and_account() {
    let r = report(stored(), &Policy::baseline());
    let s = &r.summary;
    assert_eq!((s.total, s.resources), (6, 3));
    let vpc = &s.by_control["vpc-attached"];
    assert_eq!((vpc.get(Status::Fail), vpc.get(Status::Pass)), (3, 0));
    assert_eq!(s.by_control["volume-kms"].compliant_share(), Some(1.0));
    assert_eq!(s.by_kind["training-job"].compliant_share(), Some(0.5));
    assert_eq!(s.by_account["111111111111"].get(Status::Fail), 2);
    assert_eq!(s.by_account["222222222222"].get(Status::Pass), 1);
}

#[test]
fn the_trend_has_each_day_with_its_compliance_and_violations_opened_and_contained() {
    let mut findings = stored();
    // alpha's failure is seen again the next day, already contained: opened once, contained once
    let (alpha, history) = &mut findings[0];
    assert_eq!(alpha.status, Status::Fail);
    history.push(Observation {
        time: "2026-11-02T09:00:00Z".into(),
        result: Some(ActionOutcome::AlreadyInactive),
        ..history[0].clone()
    });
    let r = report(findings, &Policy::baseline());
    let days: Vec<(&str, usize, usize, Option<f64>)> = r
        .trend
        .iter()
        .map(|d| {
            (
                d.date.as_str(),
                d.opened,
                d.contained,
                d.counts.compliant_share(),
            )
        })
        .collect();
    assert_eq!(
        days,
        [
            ("2026-11-01", 1, 1, Some(0.5)),
            ("2026-11-02", 1, 1, Some(1.0 / 3.0)),
            ("2026-11-03", 1, 1, Some(0.5)),
        ]
    );
    // A period leaves out what is outside it
    let narrow = AuditReport::build(Input {
        since: Some("2026-11-02T00:00:00Z".into()),
        until: Some("2026-11-02T23:59:59Z".into()),
        ..input(stored())
    });
    assert_eq!(
        narrow
            .trend
            .iter()
            .map(|d| d.date.as_str())
            .collect::<Vec<_>>(),
        ["2026-11-02"]
    );
}

fn input(findings: Vec<(Finding, Vec<Observation>)>) -> Input<'static> {
    static POLICY: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    Input {
        findings,
        policy: POLICY.get_or_init(Policy::baseline),
        today: date!(2026 - 11 - 20),
        generated: "2026-11-20T00:00:00Z".into(),
        since: None,
        until: None,
        evidence: BTreeMap::new(),
    }
}

#[test]
fn open_failures_are_most_severe_first_and_exempted_ones_left_out() {
    let mut findings = stored();
    findings[2].0.severity = Severity::Critical;
    findings[4].0.exemption = Some("SEC-1".into());
    let r = report(findings, &Policy::baseline());
    let names: Vec<&str> = r
        .open_failures
        .iter()
        .map(|(f, _)| f.resource_name.as_str())
        .collect();
    assert_eq!(names, ["beta", "alpha"]);
}

#[test]
fn exemptions_in_force_are_listed_and_those_expiring_within_30_days_marked() -> Result<(), String> {
    let policy = Policy::from_toml_on(
        "[[exemptions]]\nresource = \"arn:aws:sagemaker:*:111111111111:notebook-instance/sandbox-*\"\n\
         controls = [\"no-root-access\"]\nreason = \"SEC-1234\"\nexpires = 2026-12-10\n\
         [[exemptions]]\nresource = \"arn:aws:sagemaker:*:111111111111:training-job/x-*\"\n\
         controls = [\"vpc-attached\"]\nreason = \"SEC-99\"\nexpires = 2027-06-30\n",
        "test",
        date!(2026 - 11 - 20),
    )
    .map_err(|e| e.to_string())?;
    let r = report(stored(), &policy);
    assert_eq!(r.exemptions.len(), 2);
    assert_eq!(
        r.expiring
            .iter()
            .map(|e| e.reason.as_str())
            .collect::<Vec<_>>(),
        ["SEC-1234"]
    );
    let html = r.html();
    assert!(
        html.contains("SEC-1234") && html.contains("2026-12-10 (soon)"),
        "{html}"
    );
    Ok(())
}

#[test]
fn the_page_is_self_contained_and_escapes_what_resources_are_called() {
    let mut findings = stored();
    findings[0].0.resource_arn =
        "arn:aws:sagemaker:us-east-1:111111111111:training-job/<script>alert(1)</script>".into();
    findings[0].0.observed = Some("\"><img src=x onerror=alert(1)>".into());
    let html = report(findings, &Policy::baseline()).html();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(!html.contains("<script"), "no script, and names escaped");
    assert!(!html.contains("<img"), "values escaped");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let clean = report(stored(), &Policy::baseline()).html();
    for external in ["src=", "href=\"http", "@import", "url("] {
        assert!(
            !clean.contains(external),
            "{external}: nothing loaded from elsewhere"
        );
    }
    // Every control is documented, and each failure links to its control
    for id in ControlId::all() {
        assert!(html.contains(&format!("id=\"control-{id}\"")), "{id}");
    }
    assert!(html.contains("href=\"#control-vpc-attached\""));
    assert_eq!(html.matches("<svg").count(), 2);
}

#[test]
fn cloudtrail_s_record_of_a_remediation_is_shown_with_its_failure() {
    let findings = stored();
    let failing = findings
        .iter()
        .find(|(f, _)| f.status == Status::Fail)
        .map(|(f, _)| f.id.clone());
    let first = failing.clone().unwrap_or_default();
    let record = TrailRecord {
        event_id: "ev-1".into(),
        event_name: "StopTrainingJob".into(),
        event_time: "2026-11-01T08:00:01Z".into(),
        username: None,
        caller_arn: Some("arn:aws:sts::123456789012:assumed-role/guardrail-inspector/i".into()),
        request_id: Some("req-<1>".into()),
        actor: Default::default(),
    };
    let with = AuditReport::build(Input {
        evidence: failing
            .into_iter()
            .map(|id| (id, Ok(vec![record.clone()])))
            .collect(),
        ..input(findings.clone())
    })
    .html();
    assert!(with.contains("CloudTrail: StopTrainingJob at 2026-11-01T08:00:01Z by arn:aws:sts::123456789012:assumed-role/guardrail-inspector/i (request req-&lt;1&gt;)"), "{with}");
    let without = report(stored(), &Policy::baseline()).html();
    assert!(!without.contains("CloudTrail: StopTrainingJob"));
    assert!(without.contains("--cloudtrail"));
    // A finding whose account could not be reached says so, instead of showing no record
    let unreachable = AuditReport::build(Input {
        evidence: [(
            first,
            Err("account 111111111111: no member role".to_string()),
        )]
        .into(),
        ..input(findings.clone())
    })
    .html();
    assert!(unreachable.contains("CloudTrail not looked up: account 111111111111: no member role"));
}

#[test]
fn a_finding_that_changed_after_the_period_is_counted_as_it_stood_then() {
    let mut findings = stored();
    // alpha's failure was fixed on 2026-11-10: the finding now says PASS
    let (alpha, history) = &mut findings[0];
    history.push(Observation {
        time: "2026-11-10T08:00:00Z".into(),
        status: Status::Pass,
        result: None,
        action: None,
        ..history[0].clone()
    });
    alpha.status = Status::Pass;
    alpha.last_seen = "2026-11-10T08:00:00Z".into();
    let before = AuditReport::build(Input {
        until: Some("2026-11-05T00:00:00Z".into()),
        ..input(findings.clone())
    });
    assert_eq!(
        before.summary.by_control["vpc-attached"].get(Status::Fail),
        3
    );
    assert_eq!(before.open_failures.len(), 3);
    let now = report(findings, &Policy::baseline());
    assert_eq!(now.summary.by_control["vpc-attached"].get(Status::Fail), 2);
}
