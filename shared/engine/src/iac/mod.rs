//! Infrastructure code judged before it deploys (`guardrail iac`): the resources a CloudFormation
//! template declares, read by the kinds' own readers and judged by the same controls and policy
//! as the live resources and the SCP.
//!
//! Each `AWS::SageMaker::*` resource of a kind the guardrail covers becomes a snapshot. The
//! resources it runs with and the template declares (an endpoint's configuration and models, a
//! notebook's lifecycle configuration, a monitoring schedule's job definition, a Studio app's
//! domain and profile) are supplied from the template, as Describe supplies them live. A value
//! the text cannot settle (an import, a parameter without a value, an attribute known only after
//! deployment) makes the results that read it "cannot evaluate", never a pass. A resource whose
//! properties use `Fn::If` is judged once per combination of its conditions (every branch).
//! A name CloudFormation generates cannot be known, so it matches no exemption.

pub mod cfn;
pub mod sarif;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::Value;

use crate::event::{Carried, Cause, Trigger};
use crate::finding::Status;
use crate::json::Node;
use crate::kinds::Needed;
use crate::report::Report;
use crate::resource::{KeyManager, Lifecycle, ResourceId, ResourceKind, Snapshot};
use crate::shape::Shape;
use crate::Policy;

pub use cfn::{Deployment, Position, Template, TemplateError};

/// The CloudFormation types judged as kinds, with the property naming one.
const KINDS: &[(&str, ResourceKind)] = &[
    (
        "AWS::SageMaker::NotebookInstance",
        ResourceKind::NotebookInstance,
    ),
    ("AWS::SageMaker::ProcessingJob", ResourceKind::ProcessingJob),
    ("AWS::SageMaker::Endpoint", ResourceKind::Endpoint),
    (
        "AWS::SageMaker::MonitoringSchedule",
        ResourceKind::MonitoringSchedule,
    ),
    ("AWS::SageMaker::Domain", ResourceKind::Domain),
    ("AWS::SageMaker::UserProfile", ResourceKind::UserProfile),
    ("AWS::SageMaker::Space", ResourceKind::Space),
    ("AWS::SageMaker::App", ResourceKind::App),
    ("AWS::SageMaker::Cluster", ResourceKind::Cluster),
    ("AWS::SageMaker::FeatureGroup", ResourceKind::FeatureGroup),
    ("AWS::SageMaker::ModelPackage", ResourceKind::ModelPackage),
    (
        "AWS::SageMaker::InferenceExperiment",
        ResourceKind::InferenceExperiment,
    ),
    (
        "AWS::SageMaker::MlflowTrackingServer",
        ResourceKind::MlflowTrackingServer,
    ),
];

/// The CloudFormation types of what a judged resource runs with.
const DEPENDENCY_TYPES: [&str; 10] = [
    "AWS::SageMaker::Model",
    "AWS::SageMaker::EndpointConfig",
    "AWS::SageMaker::Domain",
    "AWS::SageMaker::UserProfile",
    "AWS::SageMaker::Space",
    "AWS::SageMaker::NotebookInstanceLifecycleConfig",
    "AWS::SageMaker::DataQualityJobDefinition",
    "AWS::SageMaker::ModelQualityJobDefinition",
    "AWS::SageMaker::ModelBiasJobDefinition",
    "AWS::SageMaker::ModelExplainabilityJobDefinition",
];

/// The CloudFormation type declaring what a dependency names.
fn dependency_type(needed: &Needed) -> &'static str {
    match needed {
        Needed::Model(_) => "AWS::SageMaker::Model",
        Needed::EndpointConfig(_) => "AWS::SageMaker::EndpointConfig",
        Needed::Domain(_) => "AWS::SageMaker::Domain",
        Needed::UserProfile(_) => "AWS::SageMaker::UserProfile",
        Needed::Space(_) => "AWS::SageMaker::Space",
        Needed::NotebookLifecycleConfig(_) => "AWS::SageMaker::NotebookInstanceLifecycleConfig",
        Needed::MonitoringJobDefinition {
            monitoring_type, ..
        } => match monitoring_type.as_str() {
            "ModelQuality" => "AWS::SageMaker::ModelQualityJobDefinition",
            "ModelBias" => "AWS::SageMaker::ModelBiasJobDefinition",
            "ModelExplainability" => "AWS::SageMaker::ModelExplainabilityJobDefinition",
            _ => "AWS::SageMaker::DataQualityJobDefinition",
        },
    }
}

/// One resource of a template, judged under one combination of its conditions.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub file: String,
    pub logical_id: String,
    pub resource_type: String,
    pub position: Position,
    /// The conditions this variant fixes (empty without `Fn::If`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub branch: BTreeMap<String, bool>,
    pub report: Report,
}

/// A resource the template declares that could not be read as its kind.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub file: String,
    pub logical_id: String,
    pub position: Position,
    pub error: String,
}

/// What judging a template gave.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Judgement {
    pub judged: Vec<Judged>,
    pub unreadable: Vec<Unreadable>,
}

/// At most this many conditions are varied per resource (`2^6` variants); with more, no result
/// of the resource is a pass.
const MAX_CONDITIONS: usize = 6;

/// Judges every covered resource of `template` under `policy`.
pub fn judge(template: &Template, deployment: &Deployment, policy: &Policy) -> Judgement {
    let mut out = Judgement::default();
    let keys = template_keys(template, deployment);
    // (the conditions of what a resource may run with vary it too: a model's isolation may be
    // an `Fn::If`)
    let mut dependency_conditions = BTreeSet::new();
    for dependency in template.resources() {
        if DEPENDENCY_TYPES.contains(&dependency.resource_type) {
            cfn::conditions_used(dependency.properties, &mut dependency_conditions);
        }
    }
    for declared in template.resources() {
        let Some(kind) = KINDS
            .iter()
            .find(|(t, _)| *t == declared.resource_type)
            .map(|(_, k)| *k)
        else {
            continue;
        };
        let mut used = dependency_conditions.clone();
        cfn::conditions_used(declared.properties, &mut used);
        let capped = used.len() > MAX_CONDITIONS;
        for branch in assignments(&used, declared.condition) {
            match snapshot(template, deployment, &keys, &declared, kind, &branch) {
                Ok((snapshot, mut unresolved)) => {
                    if capped {
                        unresolved.insert(format!(
                            "the branches of more than {MAX_CONDITIONS} conditions (not all judged)"
                        ));
                    }
                    let trigger = trigger(template, &declared, &snapshot.id);
                    let mut report = crate::inspector::judge_offline(&trigger, &snapshot, policy);
                    settle(&mut report, &unresolved);
                    out.judged.push(Judged {
                        file: template.file.clone(),
                        logical_id: declared.logical_id.to_string(),
                        resource_type: declared.resource_type.to_string(),
                        position: declared.position.clone(),
                        branch,
                        report,
                    });
                }
                Err(error) => out.unreadable.push(Unreadable {
                    file: template.file.clone(),
                    logical_id: declared.logical_id.to_string(),
                    position: declared.position.clone(),
                    error,
                }),
            }
        }
    }
    out
}

/// Every combination of `used` (the resource's own `Condition` held true).
fn assignments(used: &BTreeSet<String>, condition: Option<&str>) -> Vec<BTreeMap<String, bool>> {
    let free: Vec<&String> = used
        .iter()
        .filter(|c| Some(c.as_str()) != condition)
        .collect();
    let count = 1usize << free.len().min(MAX_CONDITIONS);
    (0..count)
        .map(|bits| {
            let mut branch: BTreeMap<String, bool> = free
                .iter()
                .enumerate()
                .map(|(i, c)| ((*c).clone(), bits & (1 << i) != 0))
                .collect();
            if let Some(c) = condition {
                branch.insert(c.to_string(), true);
            }
            branch
        })
        .collect()
}

fn trigger(template: &Template, declared: &cfn::Declared<'_>, id: &ResourceId) -> Trigger {
    Trigger {
        event_id: format!("{}#{}", template.file, declared.logical_id),
        time: None,
        cause: Cause::Template {
            file: template.file.clone(),
            logical_id: declared.logical_id.to_string(),
            line: declared.position.line,
        },
        resource: id.clone(),
        arn: None,
        actor: None,
        carried: Carried::Nothing,
        via_component: None,
    }
}

/// The snapshot of one resource under one branch, with what the text could not settle.
fn snapshot(
    template: &Template,
    deployment: &Deployment,
    template_keys: &BTreeSet<String>,
    declared: &cfn::Declared<'_>,
    kind: ResourceKind,
    branch: &BTreeMap<String, bool>,
) -> Result<(Snapshot, BTreeSet<String>), String> {
    let mut resolver = cfn::Resolver::new(template, deployment);
    resolver.fix(branch);
    // Its own name is resolved apart: a name the deployment chooses settles no setting.
    let (named, settings) = split_name(kind, declared.properties);
    let properties = resolver.resolve(&settings).unwrap_or(Value::Null);
    let path = format!("Resources.{}.Properties", declared.logical_id);
    let shape = Shape::template(Node::new(&properties, &path));
    let mut details = kind.read(&shape).map_err(|e| e.to_string())?;
    // The resources it runs with, from the template (an endpoint's configuration names its
    // models: supplied in rounds, each dependency once).
    let mut asked = BTreeSet::new();
    loop {
        let new: Vec<Needed> = details
            .needs()
            .into_iter()
            .filter(|n| asked.insert(n.clone()))
            .collect();
        if new.is_empty() {
            break;
        }
        for needed in new {
            let Some(found) = dependency(template, &mut resolver, &needed) else {
                continue;
            };
            let path = format!("Resources.{}.Properties", found.0);
            let shape = Shape::template(Node::new(&found.1, &path));
            details
                .supply(&needed, Some(&shape))
                .map_err(|e| e.to_string())?;
        }
    }
    let mut naming = cfn::Resolver::new(template, deployment);
    naming.fix(branch);
    let mut with_name = properties.clone();
    if let (Value::Object(all), Some(Value::Object(names))) =
        (&mut with_name, naming.resolve(&named))
    {
        all.extend(names);
    }
    let name = name_of(kind, &with_name, declared.logical_id, &mut naming);
    let id = ResourceId {
        kind,
        name,
        account: deployment.account().to_string(),
        region: deployment.region().to_string(),
    };
    let mut snapshot = Snapshot {
        arn: id.arn(),
        id,
        lifecycle: Lifecycle::NotReported,
        details,
        tags: Some(shape.tags().map_err(|e| e.to_string())?),
        key_managers: None,
        key_accounts: None,
        created_ms: None,
    };
    // A key the template creates is a customer managed key.
    let keys: BTreeMap<String, KeyManager> = snapshot
        .key_references()
        .into_iter()
        .filter(|k| template_keys.contains(*k))
        .map(|k| (k.to_string(), KeyManager::Customer))
        .collect();
    if !keys.is_empty() {
        snapshot.key_managers = Some(keys);
    }
    Ok((snapshot, resolver.unresolved))
}

/// The ARNs the resolver gives the keys the template declares.
fn template_keys(template: &Template, deployment: &Deployment) -> BTreeSet<String> {
    let mut resolver = cfn::Resolver::new(template, deployment);
    template
        .resources()
        .iter()
        .filter(|r| r.resource_type == "AWS::KMS::Key")
        .filter_map(|r| {
            let reference = serde_json::json!({"Ref": r.logical_id});
            resolver.resolve(&reference)?.as_str().map(str::to_string)
        })
        .collect()
}

/// The template resource a dependency names (by its name, as `Ref` gives it), with its
/// properties resolved.
fn dependency(
    template: &Template,
    resolver: &mut cfn::Resolver<'_>,
    needed: &Needed,
) -> Option<(String, Value)> {
    let wanted = dependency_type(needed);
    template
        .resources()
        .into_iter()
        .filter(|r| r.resource_type == wanted)
        .find_map(|r| {
            if r.condition.is_some_and(|c| !resolver.holds(c)) {
                return None;
            }
            // (its name alone first: a template may declare hundreds of candidates)
            let name = match needed {
                // (named within their domain: `DOMAIN/NAME`)
                Needed::UserProfile(_) | Needed::Space(_) => {
                    let member = match wanted.ends_with("Space") {
                        true => "SpaceName",
                        false => "UserProfileName",
                    };
                    let mut text = |m: &str| {
                        let v = r.properties.get(m)?;
                        resolver.resolve(v)?.as_str().map(str::to_string)
                    };
                    let domain = text("DomainId").unwrap_or_default();
                    format!("{domain}/{}", text(member).unwrap_or_default())
                }
                _ => {
                    let attribute = match needed {
                        Needed::Model(_) => "ModelName",
                        Needed::EndpointConfig(_) => "EndpointConfigName",
                        Needed::Domain(_) => "DomainId",
                        Needed::NotebookLifecycleConfig(_) => "NotebookInstanceLifecycleConfigName",
                        _ => "JobDefinitionName",
                    };
                    let name = serde_json::json!({"Fn::GetAtt": [r.logical_id, attribute]});
                    resolver.resolve(&name)?.as_str()?.to_string()
                }
            };
            if name != needed.name() {
                return None;
            }
            let properties = resolver.resolve(r.properties).unwrap_or(Value::Null);
            Some((r.logical_id.to_string(), properties))
        })
}

/// The properties naming the resource itself (the last member its create call names it by:
/// `NotebookInstanceName`, `UserProfileName`...), and the others.
fn split_name(kind: ResourceKind, properties: &Value) -> (Value, Value) {
    let Value::Object(all) = properties else {
        return (Value::Object(Default::default()), properties.clone());
    };
    let own: Vec<String> = kind
        .create()
        .and_then(|call| call.name_key.rsplit('/').next())
        .map(|segment| {
            segment
                .split('|')
                .map(|member| {
                    let member = member.rsplit(':').next().unwrap_or(member);
                    let mut chars = member.chars();
                    chars.next().map_or(String::new(), |c| {
                        c.to_ascii_uppercase().to_string() + chars.as_str()
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let (named, settings): (serde_json::Map<_, _>, serde_json::Map<_, _>) =
        all.clone().into_iter().partition(|(k, _)| own.contains(k));
    (Value::Object(named), Value::Object(settings))
}

/// The resource's name, as its create call names it (its properties in the call's casing), or
/// a generated one.
fn name_of(
    kind: ResourceKind,
    properties: &Value,
    logical_id: &str,
    resolver: &mut cfn::Resolver<'_>,
) -> String {
    if kind == ResourceKind::Domain {
        let reference = serde_json::json!({"Ref": logical_id});
        return resolver
            .resolve(&reference)
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| cfn::generated(logical_id));
    }
    let camel = camel_keys(properties);
    kind.create()
        .filter(|_| !kind.named_by_arn())
        .and_then(|call| call.name_in(&camel).ok().flatten())
        .filter(|name| !cfn::is_unresolved(name))
        .unwrap_or_else(|| cfn::generated(logical_id))
}

/// The top-level members in CloudTrail's casing (`NotebookInstanceName` → `notebookInstanceName`).
fn camel_keys(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let mut chars = k.chars();
                    let key = match chars.next() {
                        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
                        None => String::new(),
                    };
                    (key, v.clone())
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// With anything the template could not settle, no result of the resource is a pass: which
/// controls read it cannot be told for certain (a control may compare a value without naming
/// it). A failure stands unless it names the unresolved value (it may fail on the placeholder).
fn settle(report: &mut Report, unresolved: &BTreeSet<String>) {
    if unresolved.is_empty() {
        return;
    }
    let missing = unresolved.iter().cloned().collect::<Vec<_>>().join("; ");
    for result in &mut report.results {
        let texts = [&result.observed, &result.expected, &result.reason];
        let named = texts
            .iter()
            .any(|t| t.as_deref().is_some_and(cfn::is_unresolved));
        let demote = match result.status {
            Status::Pass => true,
            Status::Fail | Status::Error => named,
            Status::NotApplicable => false,
        };
        if demote {
            result.status = Status::Error;
            result.observed = None;
            result.expected = None;
            result.reason = Some(format!(
                "the template leaves unsettled: {missing} (give parameter values with --parameters, or judge the deployed resource)"
            ));
        }
    }
    report.severity = crate::finding::worst_problem(&report.results);
}

#[cfg(test)]
mod tests;
