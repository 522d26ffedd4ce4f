//! Bulk reads for the sweep: SageMaker `Search` returns resources with their tags, 100 a page,
//! where a `List*` call returns names only. A kind whose search record holds every member its
//! reader reads is judged from the record (no Describe, no ListTags); one whose record lacks some
//! is still described, with the record's tags (no ListTags).
//!
//! Which members each record lacks is from the SageMaker API reference (the `TrainingJob` and
//! `Endpoint` shapes against `DescribeTrainingJobResponse` and `DescribeEndpointOutput`,
//! botocore's `service-2.json` 2017-07-24): a training job's record has no `RemoteDebugConfig`
//! and no `ServerlessJobConfig`, both read by the training job's reader, so a training job is
//! described; an endpoint's has no `PendingDeploymentSummary`, which AWS returns only while the
//! endpoint is created or updated, so an `InService` endpoint is judged from its record and any
//! other is described.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::types::{Filter, Operator, ResourceType, SearchExpression};
use aws_sdk_sagemaker::Client;
use serde_json::Value;

use crate::calls::{described, Capture, PAGE};
use guardrail_core::ports::{AwsError, Known, Listed};
use guardrail_core::resource::ResourceKind;

/// A kind `Search` covers.
struct Searched {
    kind: ResourceKind,
    resource: ResourceType,
    /// The member of a result holding the record.
    record: &'static str,
    /// The record's member naming it, and its status member.
    name: &'static str,
    status: &'static str,
    /// The status the search is filtered on (active resources), when one status is.
    active: Option<&'static str>,
    /// The statuses in which the record holds every member the kind's reader reads.
    whole_in: &'static [&'static str],
}

const SEARCHED: [Searched; 2] = [
    Searched {
        kind: ResourceKind::TrainingJob,
        resource: ResourceType::TrainingJob,
        record: "TrainingJob",
        name: "TrainingJobName",
        status: "TrainingJobStatus",
        active: Some("InProgress"),
        whole_in: &[],
    },
    Searched {
        kind: ResourceKind::Endpoint,
        resource: ResourceType::Endpoint,
        record: "Endpoint",
        name: "EndpointName",
        status: "EndpointStatus",
        active: None,
        whole_in: &["InService"],
    },
];

/// The active resources of `kind` read with `Search`, or `None` for a kind it does not cover.
pub async fn search_kind(
    client: &Client,
    kind: ResourceKind,
) -> Result<Option<Vec<Listed>>, AwsError> {
    let Some(searched) = SEARCHED.iter().find(|s| s.kind == kind) else {
        return Ok(None);
    };
    let excluded = kind.listing().excluded;
    let expression = match searched.active {
        Some(status) => {
            let filter = Filter::builder()
                .name(searched.status)
                .operator(Operator::Equals)
                .value(status)
                .build();
            Some(SearchExpression::builder().filters(filter).build())
        }
        None => None,
    };
    let mut listed = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let capture = Capture::default();
        let page = described(
            "Search",
            capture.clone(),
            client
                .search()
                .resource(searched.resource.clone())
                .set_search_expression(expression.clone())
                .max_results(PAGE)
                .set_next_token(token.clone())
                .customize()
                .interceptor(capture)
                .send(),
        )
        .await?
        .unwrap_or_default();
        for result in page
            .get("Results")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(record) = result.get(searched.record) else {
                continue;
            };
            let text = |member: &str| record.get(member).and_then(Value::as_str);
            let (Some(name), status) = (text(searched.name), text(searched.status)) else {
                continue;
            };
            if status.is_some_and(|s| excluded.contains(&s)) {
                continue;
            }
            let whole = status.is_some_and(|s| searched.whole_in.contains(&s));
            listed.push(Listed {
                name: name.to_string(),
                created: seconds(record.get("CreationTime")),
                known: Known {
                    tags: Some(tags(record)),
                    record: whole.then(|| record.clone()),
                },
            });
        }
        token = page
            .get("NextToken")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        if token.is_none() {
            return Ok(Some(listed));
        }
    }
}

/// A record's tags (`Tags`: a list of `Key` and `Value`; none when absent).
pub(crate) fn tags(record: &Value) -> BTreeMap<String, String> {
    record
        .get("Tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|tag| {
            let key = tag.get("Key").and_then(Value::as_str)?;
            let value = tag.get("Value").and_then(Value::as_str).unwrap_or_default();
            Some((key.to_string(), value.to_string()))
        })
        .collect()
}

/// A timestamp as the JSON protocol gives it (epoch seconds), or as RFC 3339 text.
fn seconds(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_f64().map(|s| s as i64),
        Value::String(s) => {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .ok()
                .map(|t| t.unix_timestamp())
        }
        _ => None,
    }
}
