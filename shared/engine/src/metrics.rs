//! Operator metrics as CloudWatch embedded metric format (EMF): one JSON line on stdout per
//! data point, which Lambda's log stream turns into a metric with no API call and no client.
//! <https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html>

use serde_json::{json, Value};

/// The namespace of every guardrail metric.
pub const NAMESPACE: &str = "SageMakerGuardrail";

/// The EMF document for a count of `value` of `metric`, with one `Function` dimension.
pub fn count(metric: &str, value: u64, function: &str, timestamp_ms: i64) -> Value {
    let mut document = json!({
        "_aws": {
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [["Function"]],
                "Metrics": [{"Name": metric, "Unit": "Count"}],
            }],
        },
        "Function": function,
    });
    document[metric] = json!(value);
    document
}

/// Writes a count to stdout (the function's log stream), where CloudWatch extracts it.
pub fn emit_count(metric: &str, value: u64, function: &str) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000;
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    println!("{}", count(metric, value, function, now));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fields CloudWatch requires of an EMF line: the metric named in `_aws` is a member
    /// of the root, and so is each dimension.
    #[test]
    fn a_count_is_a_valid_emf_document() {
        let doc = count("RejectedEvents", 1, "inspector", 1_764_547_200_000);
        let directive = &doc["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(doc["_aws"]["Timestamp"], 1_764_547_200_000_i64);
        assert_eq!(directive["Namespace"], NAMESPACE);
        assert_eq!(directive["Metrics"][0]["Name"], "RejectedEvents");
        assert_eq!(directive["Metrics"][0]["Unit"], "Count");
        assert_eq!(doc["RejectedEvents"], 1);
        for dimension in directive["Dimensions"][0].as_array().into_iter().flatten() {
            let name = dimension.as_str().unwrap_or_default();
            assert!(doc[name].is_string(), "dimension {name} is a root member");
        }
        assert_eq!(doc["Function"], "inspector");
    }
}
