//! Operator metrics as CloudWatch embedded metric format (EMF): one JSON line on stdout per
//! data point, which Lambda's log stream turns into metrics with no API call and no client.
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html>
//!
//! The points are built purely ([`of_outcome`], [`of_sweep`]); they are written only once a
//! function has switched metrics on ([`enable`]), so the CLI, which shares the use case, never
//! prints them.
//!
//! | metric | dimensions | meaning |
//! |---|---|---|
//! | `Events` | `Function`, `Outcome` | events handled (the sweeper: resources inspected): `evaluated`, `ignored`, `rejected`, `gone`, `failed` (retried) |
//! | `EventDuration` | `Function` | milliseconds to handle one event (or inspect one resource) |
//! | `Violations` | `Function`, `Control`, `Severity` | failed controls of evaluated resources |
//! | `Remediations` | `Function`, `Result` | calls made to contain a resource: `stopped`, `deleted`, `apps deleted`, `rejected`, `rolled back`, `failed` |
//! | `AlertsSent`, `AlertsSuppressed` | `Function` | alerts published; violations whose alert was already sent |
//! | `AttributionFailures` | `Function` | CloudTrail lookups of a creator that failed |
//! | `SweepListed`, `SweepInspected`, `SweepNonCompliant`, `SweepRemediated`, `SweepLeft` | `Function` | one sweep of one or more targets; `SweepLeft`: targets or resources it could not finish |
//! | `SweepDuration` | `Function` | milliseconds from its start until it was done |
//! | `PolicyRejected` | `Function` | a policy refused: at a cold start (which then fails), or a new version while running (the last good one stays) |
//! | `ForeignAccountEvents` | `Function` | events refused because their account is not in the organisation |
//! | `SweepAccountsSkipped` | `Function` | accounts of the organisation a sweep left out because they are not active |
//! | `ForwardedEventsRecovered`, `ForwardedEventsLeft` | `Function` | events member accounts could not forward, handled by a sweep from their dead-letter queues, or left there |

use std::sync::OnceLock;

use serde_json::{json, Map, Value};

use crate::inspector::Outcome;
use crate::sweep::SweepSummary;

/// The namespace of every guardrail metric.
pub const NAMESPACE: &str = "SageMakerGuardrail";

/// One data point: its dimensions (besides `Function`) and its metrics (name, unit, value).
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub dimensions: Vec<(&'static str, String)>,
    pub metrics: Vec<(&'static str, &'static str, f64)>,
}

impl Point {
    pub fn count(metric: &'static str, value: usize) -> Point {
        Point {
            dimensions: Vec::new(),
            metrics: vec![(metric, "Count", value as f64)],
        }
    }

    fn with(mut self, dimension: &'static str, value: impl Into<String>) -> Point {
        self.dimensions.push((dimension, value.into()));
        self
    }

    /// The EMF document of the point, for `function` at `timestamp_ms`.
    pub fn document(&self, function: &str, timestamp_ms: i64) -> Value {
        let mut names = vec!["Function"];
        names.extend(self.dimensions.iter().map(|(d, _)| *d));
        let metrics: Vec<Value> = self
            .metrics
            .iter()
            .map(|(name, unit, _)| json!({"Name": name, "Unit": unit}))
            .collect();
        let mut root = Map::new();
        root.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [names],
                    "Metrics": metrics,
                }],
            }),
        );
        root.insert("Function".into(), json!(function));
        for (dimension, value) in &self.dimensions {
            root.insert((*dimension).into(), json!(value));
        }
        for (name, _, value) in &self.metrics {
            root.insert((*name).into(), json!(value));
        }
        Value::Object(root)
    }
}

/// The points of one handled event (`None`: it failed, and Lambda retries it).
pub fn of_outcome(outcome: Option<&Outcome>, elapsed_ms: u64) -> Vec<Point> {
    let word = match outcome {
        None => "failed",
        Some(Outcome::Evaluated { .. }) => "evaluated",
        Some(Outcome::Ignored { .. }) => "ignored",
        Some(Outcome::Rejected { .. }) => "rejected",
        Some(Outcome::Gone { .. }) => "gone",
    };
    let mut points = vec![
        Point::count("Events", 1).with("Outcome", word),
        Point {
            dimensions: Vec::new(),
            metrics: vec![("EventDuration", "Milliseconds", elapsed_ms as f64)],
        },
    ];
    match outcome {
        Some(Outcome::Evaluated {
            report,
            alert_message_id,
        }) => {
            let mut violated = false;
            for v in report.violations() {
                violated = true;
                points.push(
                    Point::count("Violations", 1)
                        .with("Control", v.control.as_str())
                        .with("Severity", v.severity.as_str()),
                );
            }
            let done = report.remediation.outcome();
            if done.called() {
                points.push(Point::count("Remediations", 1).with("Result", done.as_str()));
            }
            match alert_message_id {
                Some(_) => points.push(Point::count("AlertsSent", 1)),
                None if violated => points.push(Point::count("AlertsSuppressed", 1)),
                None => {}
            }
        }
        Some(Outcome::Gone {
            alert_message_id: Some(_),
            ..
        }) => points.push(Point::count("AlertsSent", 1)),
        _ => {}
    }
    points
}

/// The points of one sweep.
pub fn of_sweep(summary: &SweepSummary) -> Vec<Point> {
    let listed: usize = summary.listed.values().sum();
    vec![Point {
        dimensions: Vec::new(),
        metrics: vec![
            ("SweepListed", "Count", listed as f64),
            ("SweepInspected", "Count", summary.evaluated as f64),
            ("SweepNonCompliant", "Count", summary.non_compliant as f64),
            ("SweepRemediated", "Count", summary.remediated as f64),
            ("SweepLeft", "Count", summary.failures.len() as f64),
            ("SweepDuration", "Milliseconds", summary.finished_ms as f64),
        ],
    }]
}

/// The function whose metrics are written; unset, nothing is (the CLI).
static FUNCTION: OnceLock<&'static str> = OnceLock::new();

/// Switches metrics on for `function` (`inspector`, `sweeper`): called once, at its start.
pub fn enable(function: &'static str) {
    let _ = FUNCTION.set(function);
}

/// Writes the points `make` gives to stdout (the function's log stream), where CloudWatch
/// extracts them; when metrics are off, nothing (and no point is built).
pub fn emit(make: impl FnOnce() -> Vec<Point>) {
    let Some(function) = FUNCTION.get() else {
        return;
    };
    let points = make();
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    let lines: String = points
        .iter()
        .map(|p| p.document(function, now).to_string() + "\n")
        .collect();
    print!("{lines}");
}

/// Counts a policy a function refused (at its start, or as a new version while running).
pub fn policy_rejected() {
    emit(|| vec![Point::count("PolicyRejected", 1)]);
}

/// Counts an event refused because its account is not in the organisation.
pub fn foreign_account() {
    emit(|| vec![Point::count("ForeignAccountEvents", 1)]);
}

/// Counts one failed lookup of a creator in CloudTrail.
pub fn attribution_failed() {
    emit(|| vec![Point::count("AttributionFailures", 1)]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields CloudWatch requires of an EMF line: every metric named in `_aws` is a member
    /// of the root, and so is each dimension.
    fn assert_valid(doc: &Value) {
        let directive = &doc["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], NAMESPACE);
        assert!(doc["_aws"]["Timestamp"].is_i64());
        for metric in directive["Metrics"].as_array().into_iter().flatten() {
            let name = metric["Name"].as_str().unwrap_or_default();
            assert!(
                doc[name].is_number(),
                "metric {name} is a root member: {doc}"
            );
        }
        for dimension in directive["Dimensions"][0].as_array().into_iter().flatten() {
            let name = dimension.as_str().unwrap_or_default();
            assert!(
                doc[name].is_string(),
                "dimension {name} is a root member: {doc}"
            );
        }
    }

    #[test]
    fn a_point_is_a_valid_emf_document() {
        let point = Point::count("Violations", 1)
            .with("Control", "vpc-attached")
            .with("Severity", "high");
        let doc = point.document("inspector", 1_764_547_200_000);
        assert_valid(&doc);
        assert_eq!(
            doc["_aws"]["CloudWatchMetrics"][0]["Dimensions"],
            json!([["Function", "Control", "Severity"]])
        );
        assert_eq!(doc["Violations"], 1.0);
        assert_eq!(doc["Function"], "inspector");
    }

    #[test]
    fn every_outcome_is_counted_and_a_failure_too() {
        let ignored = Outcome::Ignored {
            event_id: "e".into(),
            reason: "r".into(),
        };
        let words: Vec<String> = [Some(&ignored), None]
            .into_iter()
            .map(|o| of_outcome(o, 5)[0].dimensions[0].1.clone())
            .collect();
        assert_eq!(words, ["ignored", "failed"]);
        for point in of_outcome(Some(&ignored), 5) {
            assert_valid(&point.document("inspector", 0));
        }
    }

    #[test]
    fn a_sweep_reports_its_coverage_and_duration() {
        let summary = SweepSummary {
            sweep_id: "s".into(),
            targets: Vec::new(),
            listed: [(crate::resource::ResourceKind::TrainingJob, 3)].into(),
            evaluated: 3,
            non_compliant: 1,
            remediated: 1,
            gone: 0,
            alerts: 1,
            attributed_late: 0,
            failures: Vec::new(),
            inspected_ms: 10,
            finished_ms: 20,
        };
        let doc = of_sweep(&summary)[0].document("sweeper", 0);
        assert_valid(&doc);
        assert_eq!(
            (doc["SweepListed"].clone(), doc["SweepDuration"].clone()),
            (json!(3.0), json!(20.0))
        );
    }
}
