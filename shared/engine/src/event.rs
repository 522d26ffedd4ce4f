//! EventBridge events in: which SageMaker resource to inspect, why, and who caused it.
//!
//! Two triggers are understood: CloudTrail API calls (`AWS API Call via CloudTrail`) and SageMaker's
//! own state-change events. Anything else from SageMaker is acknowledged and ignored; a malformed
//! event is an [`EventError`] that names the event id and the field that was wrong.

use aws_lambda_events::eventbridge::EventBridgeEvent;
use serde::Serialize;
use serde_json::Value;

use crate::json::{FieldError, Node};
use crate::kinds::{ApiCall, StateChange};
use crate::resource::{ResourceId, ResourceKind};

pub const CLOUDTRAIL_DETAIL_TYPE: &str = "AWS API Call via CloudTrail";
pub const SAGEMAKER_SOURCE: &str = "aws.sagemaker";
pub const SAGEMAKER_EVENT_SOURCE: &str = "sagemaker.amazonaws.com";

/// The CloudTrail calls that create or change a resource, of every kind (see [`crate::kinds`]).
pub fn api_calls() -> impl Iterator<Item = (ResourceKind, ApiCall)> {
    ResourceKind::ALL
        .iter()
        .flat_map(|k| k.calls().iter().map(move |c| (*k, *c)))
}

/// The SageMaker state-change events, of every kind that has one.
pub fn state_changes() -> impl Iterator<Item = (ResourceKind, StateChange)> {
    ResourceKind::ALL
        .iter()
        .map(|k| (*k, k.state_change()))
        .filter(|(_, c)| c.detail_type.is_some())
}

/// CloudTrail calls that add or change an inference component, and so what an endpoint serves:
/// the endpoint hosting the component is inspected. (event name, the request parameter naming
/// the endpoint, or else the component, whose endpoint is then found by describing it.)
pub const COMPONENT_CALLS: [(&str, ComponentRef); 2] = [
    (
        "CreateInferenceComponent",
        ComponentRef::Endpoint("endpointName"),
    ),
    (
        "UpdateInferenceComponent",
        ComponentRef::Component("inferenceComponentName"),
    ),
];

/// What an inference component call names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentRef {
    /// The endpoint hosting the component (this request parameter).
    Endpoint(&'static str),
    /// Only the component (this request parameter).
    Component(&'static str),
}

/// Who made the call, from CloudTrail's `userIdentity`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub arn: Option<String>,
    #[serde(rename = "type")]
    pub identity_type: Option<String>,
    pub principal_id: Option<String>,
    pub account_id: Option<String>,
    /// `sessionContext.sourceIdentity`: the person or application that assumed the role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_identity: Option<String>,
}

/// What kind of event triggered the inspection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Cause {
    ApiCall {
        event_name: String,
        cloudtrail_event_id: Option<String>,
    },
    StateChange {
        detail_type: String,
        status: Option<String>,
    },
    /// A scheduled sweep found the resource active (no event: existing or missed resources).
    Sweep { sweep_id: String },
    /// Declared in infrastructure code (`guardrail iac`), before it deploys.
    Template {
        file: String,
        logical_id: String,
        line: usize,
    },
}

impl Cause {
    /// A short label: the API call name or the state-change status.
    pub fn label(&self) -> String {
        match self {
            Cause::ApiCall { event_name, .. } => event_name.clone(),
            Cause::StateChange { status, .. } => {
                format!(
                    "state change to {}",
                    status.as_deref().unwrap_or("unknown status")
                )
            }
            Cause::Sweep { .. } => "scheduled sweep".to_string(),
            Cause::Template { .. } => "template".to_string(),
        }
    }
}

impl Trigger {
    /// The trigger of a sweep: the resource, found active by listing, with nothing carried.
    pub fn sweep(sweep_id: &str, resource: ResourceId, time: Option<String>) -> Trigger {
        Trigger {
            event_id: format!("{sweep_id}/{}", resource.arn()),
            time,
            cause: Cause::Sweep {
                sweep_id: sweep_id.to_string(),
            },
            arn: None,
            actor: None,
            resource,
            carried: Carried::Nothing,
            via_component: None,
        }
    }
}

/// A parsed trigger: everything the inspector needs to find and judge the resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Trigger {
    /// The EventBridge event id (unique per delivery source event; repeated on redelivery).
    pub event_id: String,
    /// Event time as EventBridge reports it (RFC 3339).
    pub time: Option<String>,
    pub cause: Cause,
    pub resource: ResourceId,
    /// The ARN the event reports, when it reports one.
    pub arn: Option<String>,
    pub actor: Option<Actor>,
    /// The configuration carried by the event: request parameters (lowerCamelCase) of an API call
    /// or the Describe-shaped detail (PascalCase) of a state change. Only offline replay reads it.
    pub carried: Carried,
    /// Set when the call named an inference component but not its endpoint
    /// (`UpdateInferenceComponent`): `resource` then names the component (kind endpoint), and
    /// what is inspected is the endpoint hosting it, found by describing the component.
    pub via_component: Option<String>,
}

/// Configuration carried in an event, with its key casing.
#[derive(Debug, Clone, PartialEq)]
pub enum Carried {
    RequestParameters(Value),
    DescribeShape(Value),
    /// Nothing carried (a sweep).
    Nothing,
}

/// The result of parsing a well-formed event.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Inspect(Box<Trigger>),
    /// Valid but nothing to do (another service, an unsupported call, a failed call).
    Ignore {
        event_id: String,
        reason: String,
    },
}

/// A malformed event: retrying cannot help; the message says which event and what was wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("event is not valid JSON: {0}")]
    NotJson(String),
    #[error("event is not a JSON object (found {0})")]
    NotObject(&'static str),
    #[error("event {event_id}: not an EventBridge event: {message}")]
    Envelope { event_id: String, message: String },
    #[error("event {event_id}: {source}")]
    Field {
        event_id: String,
        #[source]
        source: FieldError,
    },
}

impl EventError {
    /// The event id when the event had one.
    pub fn event_id(&self) -> Option<&str> {
        match self {
            EventError::Envelope { event_id, .. } | EventError::Field { event_id, .. } => {
                Some(event_id)
            }
            EventError::NotJson(_) | EventError::NotObject(_) => None,
        }
    }
}

/// The resource name in a SageMaker ARN of `kind` (`...:training-job/NAME`, or
/// `...:user-profile/DOMAIN/NAME` for a kind named within another: as many segments as its
/// calls name).
pub fn name_from_arn(arn: &str, kind: ResourceKind) -> Option<String> {
    let resource = arn.splitn(6, ':').nth(5)?;
    let name = resource.strip_prefix(kind.as_str())?.strip_prefix('/')?;
    let segments = kind.create().map_or(1, |c| c.segments());
    let parts: Vec<&str> = name.split('/').collect();
    // (a kind named by its ARN takes the resource part whole: `GROUP/VERSION`, or `NAME`)
    let shaped = kind.named_by_arn() || parts.len() == segments;
    (shaped && parts.iter().all(|p| !p.is_empty())).then(|| name.to_string())
}

/// Parses raw bytes (a file, a request body).
pub fn parse_bytes(bytes: &[u8]) -> Result<Parsed, EventError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| EventError::NotJson(e.to_string()))?;
    parse(&value)
}

/// Parses an event delivered by EventBridge.
pub fn parse(event: &Value) -> Result<Parsed, EventError> {
    let Value::Object(map) = event else {
        return Err(EventError::NotObject(match event {
            Value::Array(_) => "an array",
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a boolean",
            _ => "null",
        }));
    };
    let event_id = map
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("(no id)")
        .to_string();
    let envelope: EventBridgeEvent<Value> =
        serde_json::from_value(event.clone()).map_err(|e| EventError::Envelope {
            event_id: event_id.clone(),
            message: e.to_string(),
        })?;
    let field = |source: FieldError| EventError::Field {
        event_id: event_id.clone(),
        source,
    };
    if envelope.source != SAGEMAKER_SOURCE {
        return Ok(Parsed::Ignore {
            event_id,
            reason: format!("source {} is not {SAGEMAKER_SOURCE}", envelope.source),
        });
    }
    let detail = Node::new(&envelope.detail, "detail");
    if !envelope.detail.is_object() {
        return Err(field(if envelope.detail.is_null() {
            FieldError::Missing {
                path: "detail".into(),
            }
        } else {
            FieldError::WrongType {
                path: "detail".into(),
                expected: "an object",
                found: "another type".into(),
            }
        }));
    }
    let context = Context {
        event_id,
        envelope: &envelope,
    };
    if envelope.detail_type == CLOUDTRAIL_DETAIL_TYPE {
        api_call(&context, &detail)
    } else {
        state_change(&context, &detail)
    }
}

/// What both kinds of trigger read from the envelope.
struct Context<'a> {
    event_id: String,
    envelope: &'a EventBridgeEvent<Value>,
}

impl Context<'_> {
    fn field(&self, source: FieldError) -> EventError {
        EventError::Field {
            event_id: self.event_id.clone(),
            source,
        }
    }

    fn time(&self) -> Option<String> {
        self.envelope.time.map(|t| t.to_rfc3339())
    }

    /// The resource in the envelope's account and region, else the detail's.
    fn located(
        &self,
        kind: ResourceKind,
        name: &str,
        region: Option<String>,
        account: Option<String>,
    ) -> Result<ResourceId, FieldError> {
        let account = self
            .envelope
            .account
            .clone()
            .or(account)
            .filter(|a| !a.is_empty());
        let region = self
            .envelope
            .region
            .clone()
            .or(region)
            .filter(|r| !r.is_empty());
        match (account, region) {
            (Some(account), Some(region)) => Ok(ResourceId {
                kind,
                name: name.to_string(),
                account,
                region,
            }),
            (None, _) => Err(FieldError::Missing {
                path: "account".into(),
            }),
            (_, None) => Err(FieldError::Missing {
                path: "region".into(),
            }),
        }
    }
}

/// What a CloudTrail call is about: the kind, the request parameter naming the resource, the
/// response element with its ARN, and whether the parameter names an inference component
/// rather than the resource.
struct Call {
    kind: ResourceKind,
    name_key: &'static str,
    arn_key: Option<&'static str>,
    names_component: bool,
}

impl Call {
    fn named(event_name: &str) -> Option<Call> {
        let call = |kind, name_key, arn_key, names_component| Call {
            kind,
            name_key,
            arn_key,
            names_component,
        };
        if let Some((kind, api)) = ResourceKind::of_call(event_name) {
            return Some(call(kind, api.name_key, Some(api.arn_key), false));
        }
        let (_, named) = COMPONENT_CALLS
            .iter()
            .find(|(name, _)| *name == event_name)?;
        Some(match named {
            ComponentRef::Endpoint(key) => call(ResourceKind::Endpoint, *key, None, false),
            ComponentRef::Component(key) => call(ResourceKind::Endpoint, *key, None, true),
        })
    }
}

/// A call's request parameters, the ARN in its response, and the name of the resource.
fn named<'a>(
    detail: &Node<'a>,
    kind: ResourceKind,
    call: &ApiCall,
) -> Result<(Option<Node<'a>>, Option<String>, String), FieldError> {
    let response = detail
        .get("responseElements")?
        .filter(|r| !r.value.is_null());
    let arn = match (&response, call.arn_key) {
        (Some(response), key) if !key.is_empty() => response.opt_str(key)?.map(str::to_string),
        _ => None,
    };
    let params = detail
        .get("requestParameters")?
        .filter(|p| !p.value.is_null());
    if kind.named_by_arn() {
        // (the response's ARN, else the request's: `UpdateModelPackage` takes one)
        let arn = match (arn, &params) {
            (Some(arn), _) => Some(arn),
            (None, Some(params)) => params.opt_str(call.arn_key)?.map(str::to_string),
            (None, None) => None,
        };
        let name = resource_name(None, None, arn.as_deref(), kind, call)?;
        return Ok((params, arn, name));
    }
    let name = resource_name(
        params.as_ref(),
        response.as_ref(),
        arn.as_deref(),
        kind,
        call,
    )?;
    Ok((params, arn, name))
}

/// The name a call gives: its request parameters ([`ApiCall::name_in`]), else its response
/// elements (a create call whose response holds the id, as `CreateDomain`'s `domainId`), or, when
/// CloudTrail left out request parameters it found too large, the name in the response's ARN
/// (the live resource is judged as always).
fn resource_name(
    params: Option<&Node<'_>>,
    response: Option<&Node<'_>>,
    arn: Option<&str>,
    kind: ResourceKind,
    call: &ApiCall,
) -> Result<String, FieldError> {
    if let Some(params) = params {
        let named = call
            .name_in(params.value)
            .map_err(|member| FieldError::WrongType {
                path: format!("detail.requestParameters.{member}"),
                expected: "a string",
                found: params
                    .value
                    .get(member)
                    .map_or_else(String::new, crate::json::describe),
            })?;
        let from_response = || response.and_then(|r| call.name_in(r.value).ok().flatten());
        return named
            .or_else(from_response)
            .ok_or_else(|| FieldError::Missing {
                path: format!("detail.requestParameters.{}", call.name_key),
            });
    }
    match arn {
        Some(arn) => name_from_arn(arn, kind).ok_or_else(|| FieldError::WrongType {
            path: format!("detail.responseElements.{}", call.arn_key),
            expected: "the ARN of a resource of the called kind",
            found: arn.to_string(),
        }),
        None if call.arn_key.is_empty() => Err(FieldError::Missing {
            path: "detail.requestParameters".to_string(),
        }),
        None => Err(FieldError::Missing {
            path: format!(
                "detail.requestParameters (or detail.responseElements.{})",
                call.arn_key
            ),
        }),
    }
}

/// The caller, from CloudTrail's `userIdentity`.
fn actor(identity: &Node<'_>) -> Actor {
    let text = |key| identity.opt_str(key).ok().flatten().map(str::to_string);
    Actor {
        arn: text("arn"),
        identity_type: text("type"),
        principal_id: text("principalId"),
        account_id: text("accountId"),
        source_identity: identity.get("sessionContext").ok().flatten().and_then(|c| {
            c.opt_str("sourceIdentity")
                .ok()
                .flatten()
                .map(str::to_string)
        }),
    }
}

/// A CloudTrail record of a SageMaker call.
fn api_call(context: &Context<'_>, detail: &Node<'_>) -> Result<Parsed, EventError> {
    let event_id = context.event_id.clone();
    let field = |e| context.field(e);
    let time = context.time();
    let event_source = detail.req_str("eventSource").map_err(field)?;
    let event_name = detail.req_str("eventName").map_err(field)?;
    if event_source != SAGEMAKER_EVENT_SOURCE {
        return Ok(Parsed::Ignore {
            event_id,
            reason: format!("eventSource {event_source} is not {SAGEMAKER_EVENT_SOURCE}"),
        });
    }
    let Some(Call {
        kind,
        name_key,
        arn_key,
        names_component,
    }) = Call::named(event_name)
    else {
        return Ok(Parsed::Ignore {
            event_id,
            reason: format!("{event_name} does not create or change a guarded resource"),
        });
    };
    // (not its `errorMessage`: a validation message may quote the value it refused, which may
    // be a credential)
    if let Some(code) = detail.opt_str("errorCode").map_err(field)? {
        let reason = format!("{event_name} failed with {code}: nothing was created or changed");
        return Ok(Parsed::Ignore { event_id, reason });
    }
    let call = ApiCall {
        event_name: "",
        name_key,
        arn_key: arn_key.unwrap_or_default(),
    };
    let (params, arn, name) = named(detail, kind, &call).map_err(field)?;
    let name = name.as_str();
    let text = |key| Ok::<_, EventError>(detail.opt_str(key).map_err(field)?.map(str::to_string));
    let (region, account) = (text("awsRegion")?, text("recipientAccountId")?);
    let resource = context
        .located(kind, name, region, account)
        .map_err(field)?;
    // A resource named by its ARN is the ARN's: a call on one of another account or region (a
    // model group shared by resource policy) is judged where it lives, never re-homed here.
    if let (true, Some(arn)) = (kind.named_by_arn(), &arn) {
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        if !matches!(parts.as_slice(), [_, _, _, region, account, _]
            if *region == resource.region && *account == resource.account)
        {
            let reason = format!("{event_name} names {arn}, of another account or region");
            return Ok(Parsed::Ignore { event_id, reason });
        }
    }
    let actor = detail
        .get("userIdentity")
        .map_err(field)?
        .map(|u| actor(&u));
    let cloudtrail_event_id = text("eventID")?;
    Ok(Parsed::Inspect(Box::new(Trigger {
        event_id,
        time,
        cause: Cause::ApiCall {
            event_name: event_name.to_string(),
            cloudtrail_event_id,
        },
        resource,
        arn,
        actor,
        carried: params.map_or(Carried::Nothing, |p| {
            Carried::RequestParameters(p.value.clone())
        }),
        via_component: names_component.then(|| name.to_string()),
    })))
}

/// A SageMaker state-change event.
fn state_change(context: &Context<'_>, detail: &Node<'_>) -> Result<Parsed, EventError> {
    let event_id = context.event_id.clone();
    let field = |e| context.field(e);
    let time = context.time();
    let envelope = context.envelope;

    let Some(kind) = ResourceKind::of_state_change(&envelope.detail_type) else {
        return Ok(Parsed::Ignore {
            event_id,
            reason: format!("detail-type `{}` is not handled", envelope.detail_type),
        });
    };
    let keys = kind.state_change();
    // A detail that carries only the status (a labeling job's) names the resource in the
    // envelope's `resources`; a kind named by its ARN, by the detail's ARN (else `resources`).
    // (an ARN of SageMaker, in the envelope's account and region, as AWS sends it)
    let from_envelope = || {
        let in_detail = kind
            .named_by_arn()
            .then(|| detail.opt_str(keys.arn_key).ok().flatten());
        let arn = match in_detail.flatten() {
            Some(arn) => arn,
            None => envelope.resources.as_ref()?.first()?.as_str(),
        };
        let parts: Vec<&str> = arn.splitn(6, ':').collect();
        let local = matches!(parts.as_slice(), ["arn", _, "sagemaker", region, account, _]
            if Some(*region) == envelope.region.as_deref()
                && Some(*account) == envelope.account.as_deref());
        local.then(|| Some((name_from_arn(arn, kind)?, arn.to_string())))?
    };
    let named = match kind.named_by_arn() {
        true => None,
        false => detail.opt_str(keys.name_key).map_err(field)?,
    };
    let (name, arn) = match named.filter(|n| !n.is_empty()) {
        Some(name) => {
            let arn = detail.opt_str(keys.arn_key).map_err(field)?;
            (name.to_string(), arn.map(str::to_string))
        }
        None => match from_envelope() {
            Some((name, arn)) => (name, Some(arn)),
            None => {
                return Err(field(FieldError::Missing {
                    path: format!(
                        "detail.{} (or resources[0], an ARN of the kind)",
                        if kind.named_by_arn() {
                            keys.arn_key
                        } else {
                            keys.name_key
                        }
                    ),
                }))
            }
        },
    };
    let name = name.as_str();
    let status = detail
        .opt_str(keys.status_key)
        .map_err(field)?
        .map(str::to_string);
    let resource = context.located(kind, name, None, None).map_err(field)?;
    Ok(Parsed::Inspect(Box::new(Trigger {
        event_id,
        time,
        cause: Cause::StateChange {
            detail_type: envelope.detail_type.clone(),
            status,
        },
        resource,
        arn,
        actor: None,
        carried: Carried::DescribeShape(envelope.detail.clone()),
        via_component: None,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(path: &str) -> Result<Parsed, EventError> {
        let bytes = std::fs::read(format!(
            "{}/../../events/{path}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .map_err(|e| EventError::NotJson(format!("cannot read sample {path}: {e}")))?;
        parse_bytes(&bytes)
    }

    fn trigger(path: &str) -> Trigger {
        match sample(path) {
            Ok(Parsed::Inspect(t)) => *t,
            other => panic!("{path}: expected a trigger, got {other:?}"),
        }
    }

    /// B12: CloudTrail omits oversized request parameters; the name comes from the response ARN.
    #[test]
    fn oversized_calls_without_request_parameters_take_the_name_from_the_arn(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let path = format!(
            "{}/../../events/training/create-noncompliant.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let sample: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        for omitted in [None, Some(Value::Null)] {
            let mut event = sample.clone();
            let detail = event["detail"].as_object_mut().ok_or("no detail")?;
            detail.remove("requestParameters");
            if let Some(value) = &omitted {
                detail.insert("requestParameters".into(), value.clone());
            }
            let Parsed::Inspect(t) = parse(&event)? else {
                return Err(format!("not inspected ({omitted:?})").into());
            };
            assert_eq!(t.resource.name, "churn-xgb");
            assert_eq!(t.resource.kind, ResourceKind::TrainingJob);
            assert_eq!(t.carried, Carried::Nothing);
        }
        // Without the ARN either, the error names both places.
        let mut event = sample.clone();
        let detail = event["detail"].as_object_mut().ok_or("no detail")?;
        detail.remove("requestParameters");
        detail.remove("responseElements");
        let e = parse(&event).err().ok_or("accepted")?.to_string();
        assert!(
            e.contains("detail.requestParameters") && e.contains("trainingJobArn"),
            "{e}"
        );
        // An ARN of another kind is refused.
        let mut event = sample;
        event["detail"]
            .as_object_mut()
            .ok_or("no detail")?
            .remove("requestParameters");
        event["detail"]["responseElements"]["trainingJobArn"] =
            Value::from("arn:aws:sagemaker:us-east-1:123456789012:endpoint/churn-xgb");
        assert!(parse(&event).is_err());
        Ok(())
    }

    #[test]
    fn create_calls_name_the_resource_arn_and_actor() {
        let t = trigger("training/create-noncompliant.json");
        assert_eq!(t.resource.kind, ResourceKind::TrainingJob);
        assert_eq!(t.resource.name, "churn-xgb");
        assert_eq!(t.resource.account, "123456789012");
        assert_eq!(t.resource.region, "us-east-1");
        assert_eq!(
            t.arn.as_deref(),
            Some("arn:aws:sagemaker:us-east-1:123456789012:training-job/churn-xgb")
        );
        let actor = t.actor.as_ref().and_then(|a| a.arn.as_deref());
        assert_eq!(
            actor,
            Some("arn:aws:sts::123456789012:assumed-role/DataScientist/alice")
        );
        assert!(
            matches!(t.cause, Cause::ApiCall { ref event_name, cloudtrail_event_id: Some(_) } if event_name == "CreateTrainingJob")
        );
    }

    #[test]
    fn deployed_event_patterns_name_exactly_the_supported_calls_and_state_changes(
    ) -> Result<(), Box<dyn std::error::Error>> {
        let pattern = |name: &str| -> Result<Value, Box<dyn std::error::Error>> {
            let path = format!(
                "{}/../../infra/event-pattern-{name}.json",
                env!("CARGO_MANIFEST_DIR")
            );
            Ok(serde_json::from_str(&std::fs::read_to_string(path)?)?)
        };
        let names = |v: &Value| -> Vec<String> {
            let mut names: Vec<String> = v
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect();
            names.sort();
            names
        };
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        let calls = pattern("cloudtrail")?;
        assert_eq!(
            names(&calls["detail"]["eventName"]),
            sorted(
                api_calls()
                    .map(|(_, c)| c.event_name)
                    .chain(COMPONENT_CALLS.iter().map(|c| c.0))
                    .map(str::to_string)
                    .collect()
            )
        );
        let changes = pattern("state-change")?;
        assert_eq!(
            names(&changes["detail-type"]),
            sorted(
                state_changes()
                    .filter_map(|(_, c)| c.detail_type.map(str::to_string))
                    .collect()
            )
        );
        Ok(())
    }

    #[test]
    fn every_supported_call_and_state_change_sample_is_a_trigger() {
        for (path, kind) in [
            (
                "notebook/create-compliant.json",
                ResourceKind::NotebookInstance,
            ),
            (
                "notebook/create-noncompliant.json",
                ResourceKind::NotebookInstance,
            ),
            ("notebook/start.json", ResourceKind::NotebookInstance),
            ("notebook/update.json", ResourceKind::NotebookInstance),
            ("notebook/state-change.json", ResourceKind::NotebookInstance),
            ("training/create-compliant.json", ResourceKind::TrainingJob),
            (
                "training/update-remote-debug.json",
                ResourceKind::TrainingJob,
            ),
            ("training/state-change.json", ResourceKind::TrainingJob),
            (
                "processing/create-compliant.json",
                ResourceKind::ProcessingJob,
            ),
            (
                "processing/create-noncompliant.json",
                ResourceKind::ProcessingJob,
            ),
            ("processing/state-change.json", ResourceKind::ProcessingJob),
            (
                "transform/create-compliant.json",
                ResourceKind::TransformJob,
            ),
            (
                "transform/create-noncompliant.json",
                ResourceKind::TransformJob,
            ),
            ("transform/state-change.json", ResourceKind::TransformJob),
            (
                "tuning/create-compliant.json",
                ResourceKind::HyperParameterTuningJob,
            ),
            (
                "tuning/create-noncompliant.json",
                ResourceKind::HyperParameterTuningJob,
            ),
            (
                "tuning/state-change.json",
                ResourceKind::HyperParameterTuningJob,
            ),
            ("endpoint/create-compliant.json", ResourceKind::Endpoint),
            ("endpoint/create-noncompliant.json", ResourceKind::Endpoint),
            ("endpoint/update.json", ResourceKind::Endpoint),
            ("endpoint/state-change.json", ResourceKind::Endpoint),
            (
                "monitoring/create-compliant.json",
                ResourceKind::MonitoringSchedule,
            ),
            (
                "monitoring/create-noncompliant.json",
                ResourceKind::MonitoringSchedule,
            ),
            (
                "monitoring/create-by-definition.json",
                ResourceKind::MonitoringSchedule,
            ),
            (
                "monitoring/state-change.json",
                ResourceKind::MonitoringSchedule,
            ),
            ("hyperpod/create-noncompliant.json", ResourceKind::Cluster),
            ("hyperpod/update-override-vpc.json", ResourceKind::Cluster),
            ("hyperpod/state-change.json", ResourceKind::Cluster),
            (
                "automl/create-v2-noncompliant.json",
                ResourceKind::AutoMlJob,
            ),
            ("automl/create-v1-compliant.json", ResourceKind::AutoMlJob),
            (
                "compilation/create-noncompliant.json",
                ResourceKind::CompilationJob,
            ),
            (
                "features/create-noncompliant.json",
                ResourceKind::FeatureGroup,
            ),
            ("features/state-change.json", ResourceKind::FeatureGroup),
            (
                "labeling/create-public-crowd.json",
                ResourceKind::LabelingJob,
            ),
            ("labeling/state-change.json", ResourceKind::LabelingJob),
            (
                "optimization/create-noncompliant.json",
                ResourceKind::OptimizationJob,
            ),
            ("registry/create-approved.json", ResourceKind::ModelPackage),
            ("registry/state-change.json", ResourceKind::ModelPackage),
            ("registry/update-approved.json", ResourceKind::ModelPackage),
            (
                "mlflow/create-server-foreign-bucket.json",
                ResourceKind::MlflowTrackingServer,
            ),
            ("mlflow/create-app-no-key.json", ResourceKind::MlflowApp),
            (
                "experiments/create-experiment-no-keys.json",
                ResourceKind::InferenceExperiment,
            ),
            (
                "experiments/create-recommendation-no-vpc.json",
                ResourceKind::RecommendationJob,
            ),
            ("a2i/create-public-crowd.json", ResourceKind::FlowDefinition),
        ] {
            assert_eq!(trigger(path).resource.kind, kind, "{path}");
        }
        // A labeling job's state change names it only in `resources`.
        let t = trigger("labeling/state-change.json");
        assert_eq!(t.resource.name, "claims-boxes");
        assert_eq!(
            t.arn.as_deref(),
            Some("arn:aws:sagemaker:us-east-1:123456789012:labeling-job/claims-boxes")
        );
        // ... and only by an ARN of its own account and region.
        let text = include_str!("../../../events/labeling/state-change.json");
        let foreign = text.replace(
            "123456789012:labeling-job/claims-boxes",
            "999999999999:labeling-job/claims-boxes",
        );
        let parsed = parse_bytes(foreign.as_bytes());
        let error = parsed.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("resources[0]"), "{error}");
        // A model package version is named by its ARN: the response's, or the detail's.
        let t = trigger("registry/create-approved.json");
        assert_eq!(t.resource.name, "churn-model/3");
        assert_eq!(
            t.resource.call_name(),
            "arn:aws:sagemaker:us-east-1:123456789012:model-package/churn-model/3"
        );
        assert_eq!(
            trigger("registry/state-change.json").resource.name,
            "churn-model/4"
        );
        // ... of its own account only (a shared model group's version lives elsewhere).
        let text = include_str!("../../../events/registry/create-approved.json");
        let foreign = text.replace(
            "123456789012:model-package/churn-model/3",
            "999999999999:model-package/churn-model/3",
        );
        let parsed = parse_bytes(foreign.as_bytes()).map_err(|e| e.to_string());
        assert!(matches!(parsed, Ok(Parsed::Ignore { .. })), "{parsed:?}");
        // An MLflow app is named by the id in its ARN, not its name.
        let t = trigger("mlflow/create-app-no-key.json");
        assert_eq!(t.resource.name, "app-4f2a9c81d3e7");
        // A HyperPod cluster's ARN ends in its id, not its name: the event's ARN is kept.
        let t = trigger("hyperpod/create-noncompliant.json");
        assert_eq!(t.resource.name, "llm-pretrain");
        assert_eq!(
            t.arn.as_deref(),
            Some("arn:aws:sagemaker:us-east-1:123456789012:cluster/h7k2m9p4q1w8")
        );
        let t = trigger("notebook/state-change.json");
        assert!(
            matches!(t.cause, Cause::StateChange { status: Some(ref s), .. } if s == "InService")
        );
        assert!(t.actor.is_none());
    }

    #[test]
    fn failed_unknown_and_read_only_calls_are_ignored_with_a_reason() {
        for (path, reason_part) in [
            ("notebook/create-failed.json", "AccessDenied"),
            ("training/create-failed.json", "ValidationException"),
            ("processing/create-failed.json", "failed with"),
            ("endpoint/create-failed.json", "failed with"),
            ("other/unknown-event-name.json", "CreateModelCard"),
            ("other/describe-call.json", "DescribeTrainingJob"),
        ] {
            match sample(path) {
                Ok(Parsed::Ignore { reason, event_id }) => {
                    assert!(reason.contains(reason_part), "{path}: {reason}");
                    assert_ne!(event_id, "(no id)", "{path}");
                }
                other => panic!("{path}: expected to be ignored, got {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_events_are_errors_naming_event_and_field() {
        let cases = [
            ("malformed/missing-detail.json", "missing field `detail`"),
            (
                "malformed/wrong-types.json",
                "detail.requestParameters.trainingJobName should be a string, found number 42",
            ),
            (
                "malformed/missing-name.json",
                "detail.requestParameters.notebookInstanceName is missing",
            ),
            ("malformed/truncated.json", "not valid JSON"),
            (
                "malformed/not-an-object.json",
                "not a JSON object (found an array)",
            ),
        ];
        for (path, message) in cases {
            match sample(path) {
                Err(e) => {
                    let text = e.to_string();
                    assert!(text.contains(message), "{path}: {text}");
                    if let Some(id) = e.event_id() {
                        assert!(text.starts_with(&format!("event {id}:")), "{path}: {text}");
                    }
                }
                Ok(p) => panic!("{path}: expected an error, got {p:?}"),
            }
        }
    }

    /// Studio's calls name a resource within its domain; a domain's id is in the response.
    #[test]
    fn studio_calls_name_the_resource_within_its_domain() {
        for (path, kind, name, arn) in [
            (
                "studio/create-domain-compliant.json",
                ResourceKind::Domain,
                "d-mlplatform01",
                "domain/d-mlplatform01",
            ),
            (
                "studio/create-domain-noncompliant.json",
                ResourceKind::Domain,
                "d-openstudio01",
                "domain/d-openstudio01",
            ),
            (
                "studio/update-domain.json",
                ResourceKind::Domain,
                "d-mlplatform01",
                "domain/d-mlplatform01",
            ),
            (
                "studio/create-user-profile.json",
                ResourceKind::UserProfile,
                "d-mlplatform01/alice",
                "user-profile/d-mlplatform01/alice",
            ),
            (
                "studio/create-space.json",
                ResourceKind::Space,
                "d-mlplatform01/team-fraud",
                "space/d-mlplatform01/team-fraud",
            ),
            (
                "studio/create-app.json",
                ResourceKind::App,
                "d-mlplatform01/alice/JupyterServer/default",
                "app/d-mlplatform01/alice/jupyterserver/default",
            ),
            (
                "studio/create-space-app.json",
                ResourceKind::App,
                "d-mlplatform01/space:team-fraud/JupyterLab/default",
                "app/d-mlplatform01/team-fraud/jupyterlab/default",
            ),
        ] {
            let t = trigger(path);
            assert_eq!(
                (t.resource.kind, t.resource.name.as_str()),
                (kind, name),
                "{path}"
            );
            let expected = format!("arn:aws:sagemaker:us-east-1:123456789012:{arn}");
            assert_eq!(t.resource.arn(), expected, "{path}");
            assert_eq!(t.arn.as_deref(), Some(expected.as_str()), "{path}");
        }
        // Without request parameters, the name comes from the response's ARN
        let bare = serde_json::json!({
            "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.sagemaker",
            "account": "123456789012",
            "region": "us-east-1",
            "id": "e1",
            "detail": {
                "eventSource": "sagemaker.amazonaws.com",
                "eventName": "CreateUserProfile",
                "awsRegion": "us-east-1",
                "recipientAccountId": "123456789012",
                "responseElements": {
                    "userProfileArn":
                        "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc/bob"
                },
            },
        });
        match parse(&bare) {
            Ok(Parsed::Inspect(t)) => assert_eq!(t.resource.name, "d-abc/bob"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_sample_file_is_covered_by_these_tests() -> Result<(), std::io::Error> {
        let source = include_str!("event.rs");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../events");
        for dir in std::fs::read_dir(&root)? {
            let dir = dir?.path();
            if !dir.is_dir() {
                continue;
            }
            for file in std::fs::read_dir(&dir)? {
                let file = file?.path();
                let (Some(d), Some(f)) = (dir.file_name(), file.file_name()) else {
                    continue;
                };
                let rel = format!("{}/{}", d.to_string_lossy(), f.to_string_lossy());
                assert!(
                    source.contains(&format!("\"{rel}\"")),
                    "{rel} has no expectation in event.rs tests"
                );
            }
        }
        Ok(())
    }

    #[test]
    fn events_from_other_services_are_ignored() {
        let event = serde_json::json!({
            "id": "1", "detail-type": "EC2 Instance State-change Notification", "source": "aws.ec2",
            "account": "123456789012", "region": "us-east-1", "time": "2026-11-01T00:00:00Z", "detail": {}
        });
        assert!(matches!(parse(&event), Ok(Parsed::Ignore { .. })));
    }

    #[test]
    fn envelope_errors_keep_the_event_id() {
        let event = serde_json::json!({"id": "abc", "source": "aws.sagemaker", "detail": {}});
        match parse(&event) {
            Err(e) => {
                assert_eq!(e.event_id(), Some("abc"));
                assert!(e.to_string().contains("detail-type"), "{e}");
            }
            Ok(p) => panic!("expected an error, got {p:?}"),
        }
    }

    /// B8: a call that adds or changes an inference component inspects the endpoint hosting it;
    /// when it names only the component, the endpoint is found live.
    #[test]
    fn inference_component_calls_inspect_the_hosting_endpoint() -> Result<(), EventError> {
        let Parsed::Inspect(created) = sample("endpoint/create-inference-component.json")? else {
            panic!("CreateInferenceComponent is not inspected");
        };
        assert_eq!(created.resource.kind, ResourceKind::Endpoint);
        assert_eq!(created.resource.name, "fraud-api");
        assert_eq!(created.via_component, None);
        assert_eq!(created.arn, None, "the response's ARN is the component's");
        let Parsed::Inspect(updated) = sample("endpoint/update-inference-component.json")? else {
            panic!("UpdateInferenceComponent is not inspected");
        };
        assert_eq!(updated.resource.kind, ResourceKind::Endpoint);
        assert_eq!(updated.via_component.as_deref(), Some("fraud-llm-ic"));
        Ok(())
    }
}
