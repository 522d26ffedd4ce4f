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

pub mod cdk;
pub mod cfn;
mod input;
pub mod sarif;
pub mod terraform;
pub mod text;
pub mod workflow;

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
pub use input::{read, Files, Format, Unit, NOT_INFRASTRUCTURE};

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

/// The kind a template type is judged as: a CloudFormation type of [`KINDS`], or a request
/// of a workflow step (`sagemaker:CreateTrainingJob`).
fn kind_of(resource_type: &str) -> Option<ResourceKind> {
    if let Some(call) = resource_type.strip_prefix("sagemaker:") {
        return ResourceKind::ALL
            .iter()
            .copied()
            .find(|k| k.create_call() == call);
    }
    KINDS
        .iter()
        .find(|(t, _)| *t == resource_type)
        .map(|(_, k)| *k)
}

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
    /// Where the logical id is not all of it: a CDK construct path, a Terraform address, a
    /// pipeline step, a state machine's state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    pub resource_type: String,
    pub position: Position,
    /// The conditions this variant fixes (empty without `Fn::If`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub branch: BTreeMap<String, bool>,
    pub report: Report,
    /// With `--show-scp`: for each violated control, what the generated SCP says of the
    /// deployment's create calls.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scp: Vec<Prevention>,
}

/// What the generated preventive SCP does to the deployment of a finding's resource.
#[derive(Debug, Clone, Serialize)]
pub struct Prevention {
    pub control: crate::controls::ControlId,
    /// The statements that deny its create calls.
    pub statements: Vec<Value>,
    /// Why the SCP cannot deny it, where it cannot.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_preventable: Vec<String>,
}

/// The create calls deploying a resource of `kind` makes (with what it runs with).
fn deployment_actions(kind: ResourceKind) -> Vec<String> {
    use crate::preventive::actions;
    let mut calls = vec![format!("sagemaker:{}", kind.create_call())];
    let extra: &[&str] = match kind {
        ResourceKind::Endpoint => &[actions::CREATE_ENDPOINT_CONFIG, actions::CREATE_MODEL],
        ResourceKind::MonitoringSchedule => &actions::CREATE_MONITORING_DEFINITIONS,
        ResourceKind::NotebookInstance => &[actions::CREATE_NOTEBOOK_LIFECYCLE_CONFIG],
        _ => &[],
    };
    calls.extend(extra.iter().map(|a| a.to_string()));
    calls
}

/// For each control `judged` violates, the statements of `preventive` that deny its
/// deployment (`--show-scp`).
pub fn prevention(judged: &mut Judged, preventive: &crate::preventive::Preventive) {
    let actions = deployment_actions(judged.report.resource.kind);
    let violated: BTreeSet<_> = judged.report.violations().map(|v| v.control).collect();
    judged.scp = violated
        .into_iter()
        .map(|control| {
            let (statements, gaps) = preventive.denying(control, &actions);
            Prevention {
                control,
                statements: statements.into_iter().cloned().collect(),
                not_preventable: gaps.into_iter().map(|g| g.reason.clone()).collect(),
            }
        })
        .collect();
}

/// A resource the template declares that could not be read as its kind.
#[derive(Debug, Clone, Serialize)]
pub struct Unreadable {
    pub file: String,
    pub logical_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
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
    prepare(template, deployment).judge(policy)
}

/// One resource of a template under one combination of its conditions, read as a snapshot,
/// before it is judged.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub file: String,
    pub logical_id: String,
    pub location: Option<String>,
    pub resource_type: String,
    pub position: Position,
    pub branch: BTreeMap<String, bool>,
    /// The snapshot (what `--live` completes), and what the text left unsettled.
    pub snapshot: Snapshot,
    pub unresolved: BTreeSet<String>,
    /// With something unsettled: the snapshot with each unsettled value empty (`None` when
    /// it cannot be read so).
    pub probe: Option<Snapshot>,
    /// Something unsettled could not be marked (a number left out, branches left unjudged): no
    /// result passes or is not applicable.
    pub blind: bool,
}

/// A template's resources read as snapshots, and those that could not be read.
#[derive(Debug, Clone, Default)]
pub struct Preparation {
    pub prepared: Vec<Prepared>,
    pub unreadable: Vec<Unreadable>,
}

/// Reads every covered resource of `template` (each combination of its conditions) as a
/// snapshot, with what the template declares it runs with.
pub fn prepare(template: &Template, deployment: &Deployment) -> Preparation {
    let (template, unreadable) = input::with_workflows(template, deployment);
    let template = template.as_ref();
    let mut out = Preparation {
        prepared: Vec::new(),
        unreadable,
    };
    let keys = template_keys(template, deployment);
    // (the conditions of what a resource may run with vary it too: a model's isolation may be
    // an `Fn::If`)
    let mut dependency_conditions = BTreeSet::new();
    for dependency in template.resources() {
        if DEPENDENCY_TYPES.contains(&dependency.resource_type) {
            cfn::conditions_used(dependency.properties, &mut dependency_conditions);
            // (which of two dependencies of the same name exists is a condition too)
            if let Some(condition) = dependency.condition {
                dependency_conditions.insert(condition.to_string());
            }
        }
    }
    for declared in template.resources() {
        let file = template
            .sources
            .get(declared.logical_id)
            .unwrap_or(&template.file);
        let location = template.locations.get(declared.logical_id).cloned();
        if declared.resource_type == workflow::UNREAD {
            let reason = declared.properties.get("Reason").and_then(Value::as_str);
            out.unreadable.push(Unreadable {
                file: file.clone(),
                logical_id: declared.logical_id.to_string(),
                location,
                position: declared.position.clone(),
                error: reason.unwrap_or("not read").to_string(),
            });
            continue;
        }
        let Some(kind) = kind_of(declared.resource_type) else {
            continue;
        };
        let mut used = dependency_conditions.clone();
        cfn::conditions_used(declared.properties, &mut used);
        let capped = used.len() > MAX_CONDITIONS;
        for branch in assignments(&used, declared.condition) {
            match snapshot(template, deployment, &keys, &declared, kind, &branch, None) {
                Ok(Read {
                    snapshot: read,
                    mut unresolved,
                    names,
                    blind,
                }) => {
                    // (branches left unjudged: nothing may pass on those judged)
                    let blind = blind || capped;
                    if capped {
                        unresolved.insert(format!(
                            "the branches of more than {MAX_CONDITIONS} conditions (not all judged)"
                        ));
                    }
                    // (the same resource with every unsettled value empty: a result that
                    // changes with it depends on what the text leaves unsettled)
                    let probe = match unresolved.is_empty() || blind {
                        true => None,
                        false => snapshot(
                            template,
                            deployment,
                            &keys,
                            &declared,
                            kind,
                            &branch,
                            Some(&names),
                        )
                        .ok()
                        .map(|probe| probe.snapshot),
                    };
                    out.prepared.push(Prepared {
                        file: file.clone(),
                        logical_id: declared.logical_id.to_string(),
                        location: location.clone(),
                        resource_type: declared.resource_type.to_string(),
                        position: declared.position.clone(),
                        branch,
                        snapshot: read,
                        probe,
                        blind,
                        unresolved,
                    });
                }
                Err(error) => out.unreadable.push(Unreadable {
                    file: file.clone(),
                    logical_id: declared.logical_id.to_string(),
                    location: location.clone(),
                    position: declared.position.clone(),
                    error,
                }),
            }
        }
    }
    out
}

impl Preparation {
    /// Judges each snapshot under `policy`: what the text left unsettled is "cannot evaluate",
    /// never a pass.
    pub fn judge(self, policy: &Policy) -> Judgement {
        let judged = self
            .prepared
            .into_iter()
            .map(|p| {
                let trigger = Trigger {
                    event_id: format!("{}#{}", p.file, p.logical_id),
                    time: None,
                    cause: Cause::Template {
                        file: p.file.clone(),
                        logical_id: p.logical_id.clone(),
                        line: p.position.line,
                    },
                    resource: p.snapshot.id.clone(),
                    arn: None,
                    actor: None,
                    carried: Carried::Nothing,
                    via_component: None,
                };
                let mut report = crate::inspector::judge_offline(&trigger, &p.snapshot, policy);
                let probe = p
                    .probe
                    .as_ref()
                    .map(|probe| crate::inspector::judge_offline(&trigger, probe, policy));
                settle(&mut report, &p.unresolved, probe.as_ref(), p.blind);
                for result in &mut report.results {
                    if let Some(reason) = &mut result.reason {
                        *reason = reason.replace(
                            "is not in the event (offline replay): replay with --live",
                            "is not declared here: judge with --live, or the deployed resource (guardrail scan)",
                        );
                    }
                }
                Judged {
                    file: p.file,
                    logical_id: p.logical_id,
                    location: p.location,
                    resource_type: p.resource_type,
                    position: p.position,
                    branch: p.branch,
                    report,
                    scp: Vec::new(),
                }
            })
            .collect();
        Judgement {
            judged,
            unreadable: self.unreadable,
        }
    }
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

/// The snapshot of one resource under one branch, with what the text could not settle.
fn snapshot(
    template: &Template,
    deployment: &Deployment,
    template_keys: &BTreeSet<String>,
    declared: &cfn::Declared<'_>,
    kind: ResourceKind,
    branch: &BTreeMap<String, bool>,
    probe: Option<&BTreeSet<String>>,
) -> Result<Read, String> {
    let mut resolver = cfn::Resolver::new(template, deployment);
    resolver.fix(branch);
    // Its own name is resolved apart: a name the deployment chooses settles no setting.
    let (named, settings) = split_name(kind, declared.properties);
    let mut properties = resolver.resolve(&settings).unwrap_or(Value::Null);
    if let Some(names) = probe {
        blank(&mut properties, names);
    }
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
            let Some(mut found) = dependency(template, &mut resolver, &needed) else {
                continue;
            };
            if let Some(names) = probe {
                blank(&mut found.1, names);
            }
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
    // (a number left out: nothing may pass on the rest)
    let blind = resolver.blind;
    // (a profile or space is named within its domain: `DOMAIN/NAME`)
    let names = asked
        .iter()
        .flat_map(|n| {
            let name = n.name();
            std::iter::once(name).chain(name.split('/'))
        })
        .map(str::to_string)
        .collect();
    Ok(Read {
        snapshot,
        unresolved: resolver.unresolved,
        names,
        blind,
    })
}

/// A resource read from the code under one branch.
struct Read {
    snapshot: Snapshot,
    /// What the text left unsettled, for people.
    unresolved: BTreeSet<String>,
    /// The names of what it runs with (kept by the probe).
    names: BTreeSet<String>,
    /// Something unsettled was left out rather than marked (a number): no pass, no "not
    /// applicable".
    blind: bool,
}

/// Each value the template leaves unsettled made empty: the probe that tells which results
/// depend on one ([`settle`]). The names of what the resource runs with (`names`) are kept:
/// they find the same dependencies.
fn blank(value: &mut Value, names: &BTreeSet<String>) {
    match value {
        Value::String(s) if s.contains(cfn::UNRESOLVED) && !names.contains(s.as_str()) => s.clear(),
        Value::Array(items) => items.iter_mut().for_each(|v| blank(v, names)),
        Value::Object(map) => {
            // (a structure known only after apply: present and empty, where the reader of the
            // resource found it absent)
            if let Some(Value::Object(unknown)) = map.remove(terraform::UNSETTLED) {
                for member in unknown.keys() {
                    map.insert(member.clone(), terraform::present(member));
                }
            }
            map.values_mut().for_each(|v| blank(v, names))
        }
        _ => {}
    }
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
                        Needed::Domain(_) => "DomainId",
                        other => name_member(other),
                    };
                    let name = serde_json::json!({"Fn::GetAtt": [r.logical_id, attribute]});
                    resolver.resolve(&name)?.as_str()?.to_string()
                }
            };
            if name != needed.name() {
                return None;
            }
            // (its name settles none of its settings)
            let settings = match r.properties {
                Value::Object(all) => {
                    let mut settings = all.clone();
                    settings.remove(name_member(needed));
                    Value::Object(settings)
                }
                other => other.clone(),
            };
            let properties = resolver.resolve(&settings).unwrap_or(Value::Null);
            Some((r.logical_id.to_string(), properties))
        })
}

/// The property naming a dependency.
fn name_member(needed: &Needed) -> &'static str {
    match needed {
        Needed::Model(_) => "ModelName",
        Needed::EndpointConfig(_) => "EndpointConfigName",
        Needed::Domain(_) => "DomainName",
        Needed::UserProfile(_) => "UserProfileName",
        Needed::Space(_) => "SpaceName",
        Needed::NotebookLifecycleConfig(_) => "NotebookInstanceLifecycleConfigName",
        Needed::MonitoringJobDefinition { .. } => "JobDefinitionName",
    }
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

/// Controls that fail only on particular values (Docker enabled, the public workforce, an
/// `Approved` status, a retired platform, a secret's shape, a bucket's owner, SSM access): they
/// pass an unknown value and an empty one alike, so a pass of theirs on a resource with
/// anything unsettled proves nothing.
const FAIL_ON_PARTICULAR_VALUES: &[&str] = &[
    // (and one whose scaling floor counts only when scaling is `ENABLED`)
    "multi-instance-variants",
    "no-docker-access",
    "public-crowd",
    "model-approval",
    "supported-platform",
    "no-plaintext-secrets",
    "artifact-bucket-owner",
    "no-ssm-access",
];

/// With anything the template could not settle, a result stands only when it does not depend
/// on it: it names no unsettled value, and the same resource with every unsettled value empty
/// (`probe`) gives it too. A pass of a control that fails only on particular values never
/// stands; nor does any pass when the probe cannot be read.
fn settle(report: &mut Report, unresolved: &BTreeSet<String>, probe: Option<&Report>, blind: bool) {
    if unresolved.is_empty() {
        return;
    }
    let missing = unresolved.iter().cloned().collect::<Vec<_>>().join("; ");
    // (a control the kind has no setting for is not applicable whatever the values)
    let kind_level = crate::facets::no_such_setting(report.resource.kind);
    for result in &mut report.results {
        if result.status == Status::NotApplicable
            && result.reason.as_deref() == Some(kind_level.as_str())
        {
            continue;
        }
        let texts = [&result.observed, &result.expected, &result.reason];
        let named = texts
            .iter()
            .any(|t| t.as_deref().is_some_and(cfn::is_unresolved));
        let probed = probe.and_then(|p| p.results.iter().find(|r| r.control == result.control));
        let depends = match (result.status, probed) {
            (Status::Error, _) => named,
            (Status::Pass | Status::NotApplicable, _) if blind => true,
            (Status::Pass, _) if FAIL_ON_PARTICULAR_VALUES.contains(&result.control.as_str()) => {
                true
            }
            (Status::Pass, None) => true,
            (_, None) => named,
            (status, Some(other)) => named || other.status != status,
        };
        if depends {
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
