//! CloudFormation templates (YAML and JSON): parsed with the position of each resource, their
//! intrinsic functions resolved, and their `AWS::SageMaker::*` resources read by the kinds' own
//! readers. A template's properties are the Create request's members (CloudFormation uses the
//! API's PascalCase names, `research: issue 21`), so they are read as a request is.
//!
//! Intrinsic functions (long and short form): `Ref` (parameters with their defaults or the values
//! given, pseudo parameters, resources of the template), `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`,
//! `Fn::Select`, `Fn::Split`, `Fn::If`, `Fn::FindInMap`, `Fn::Base64`, `Fn::ImportValue`,
//! `Fn::Equals`/`Not`/`And`/`Or` in conditions, and `AWS::NoValue`. `Fn::If` is judged on every
//! branch: each combination of the conditions a resource uses is a variant of it. What the text
//! cannot settle (an import, a parameter without a default or value, an attribute known only
//! after deployment) is kept as an unresolved value: the resource's results that could depend
//! on it are "cannot evaluate", never a pass.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::text::{self, MAX_DEPTH};

/// Where in a file something is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

/// A malformed or unsupported file: what was wrong, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct TemplateError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// A parsed template: its sections as JSON (intrinsics in long form), and where each resource
/// is declared.
#[derive(Debug, Clone)]
pub struct Template {
    pub file: String,
    pub root: Map<String, Value>,
    pub positions: BTreeMap<String, Position>,
    /// A resource's logical location where the logical id is not all of it: a CDK construct
    /// path, a Terraform address, a pipeline step or a Step Functions state.
    pub locations: BTreeMap<String, String>,
    /// The file a resource's position is in, where it is not the template's own (a Terraform
    /// plan's resource in its `.tf` file).
    pub sources: BTreeMap<String, String>,
}

/// The marker of a value the text cannot settle; never a valid AWS value.
pub const UNRESOLVED: &str = "\u{2047}unresolved:";

/// The marker of a data location a workflow settles when it runs (a step's output): no control
/// judges one, so it leaves the other results standing.
pub const RUNTIME_DATA: &str = "\u{2047}known at run time:";

/// Whether `text` holds a value the template could not settle.
pub fn is_unresolved(text: &str) -> bool {
    text.contains(UNRESOLVED) || text.contains(RUNTIME_DATA)
}

/// Parses a template from YAML or JSON text (JSON is YAML).
pub fn parse(file: &str, text: &str) -> Result<Template, TemplateError> {
    let (value, places) = text::load(file, text)?;
    from_value(file, value, places)
}

/// A template from its parsed text. A resource's `aws:cdk:path` metadata is its location.
pub fn from_value(
    file: &str,
    value: Value,
    places: text::Places,
) -> Result<Template, TemplateError> {
    let error = |line: usize, message: String| TemplateError {
        file: file.to_string(),
        line,
        message,
    };
    let Value::Object(root) = value else {
        return Err(error(1, "a template is a mapping at its top level".into()));
    };
    let positions: BTreeMap<String, Position> = places
        .into_iter()
        .filter_map(|(path, p)| Some((path.strip_prefix("Resources/")?.to_string(), p)))
        .collect();
    match root.get("Resources") {
        Some(Value::Object(resources)) => {
            // (`Fn::ForEach` makes resources at deployment: judge the processed template)
            if let Some(each) = resources.keys().find(|k| k.starts_with("Fn::ForEach")) {
                let message = format!(
                    "{each}: resources made by AWS::LanguageExtensions at deployment; judge the processed template (aws cloudformation get-template --template-stage Processed)"
                );
                return Err(error(line_of(&positions, each), message));
            }
        }
        Some(_) => return Err(error(1, "Resources is not a mapping".into())),
        None => {
            return Err(error(
                1,
                "no Resources section: not a CloudFormation template".into(),
            ))
        }
    }
    let locations = root
        .get("Resources")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(id, r)| {
            let path = r.pointer("/Metadata/aws:cdk:path")?.as_str()?;
            Some((id.clone(), path.to_string()))
        })
        .collect();
    Ok(Template {
        file: file.to_string(),
        root,
        positions,
        locations,
        sources: BTreeMap::new(),
    })
}

fn line_of(positions: &BTreeMap<String, Position>, id: &str) -> usize {
    positions.get(id).map_or(1, |p| p.line)
}

/// Resolution steps per resource and branch: far beyond what a real template needs.
const MAX_STEPS: usize = 200_000;

/// The longest text a resolved value may be (CloudFormation's template body limit is 1 MB).
const MAX_TEXT: usize = 1 << 20;

/// What the template is deployed with: parameter values, and the account and region.
#[derive(Debug, Clone, Default)]
pub struct Deployment {
    pub parameters: BTreeMap<String, String>,
    pub account: Option<String>,
    pub region: Option<String>,
}

impl Deployment {
    pub fn account(&self) -> &str {
        self.account.as_deref().unwrap_or("123456789012")
    }

    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
    }

    pub fn partition(&self) -> &str {
        crate::resource::partition(self.region())
    }
}

/// One resource of the template: its logical id, type, position and raw properties.
#[derive(Debug, Clone)]
pub struct Declared<'a> {
    pub logical_id: &'a str,
    pub resource_type: &'a str,
    pub properties: &'a Value,
    pub condition: Option<&'a str>,
    pub position: Position,
}

impl Template {
    pub fn resources(&self) -> Vec<Declared<'_>> {
        let Some(Value::Object(resources)) = self.root.get("Resources") else {
            return Vec::new();
        };
        resources
            .iter()
            .map(|(id, r)| self.declared(id, r))
            .collect()
    }

    fn declared<'t>(&'t self, id: &'t str, r: &'t Value) -> Declared<'t> {
        Declared {
            logical_id: id,
            resource_type: r.get("Type").and_then(Value::as_str).unwrap_or_default(),
            properties: r.get("Properties").unwrap_or(&Value::Null),
            condition: r.get("Condition").and_then(Value::as_str),
            position: self
                .positions
                .get(id)
                .cloned()
                .unwrap_or(Position { line: 1, column: 1 }),
        }
    }

    fn resource(&self, id: &str) -> Option<Declared<'_>> {
        let (id, r) = self.section("Resources")?.get_key_value(id)?;
        Some(self.declared(id, r))
    }

    fn section(&self, name: &str) -> Option<&Map<String, Value>> {
        self.root.get(name).and_then(Value::as_object)
    }
}

/// Resolves intrinsic functions under one assignment of the template's conditions.
pub struct Resolver<'a> {
    template: &'a Template,
    deployment: &'a Deployment,
    /// The conditions a variant fixes (the others are evaluated, or unresolved).
    pub assignment: BTreeMap<String, bool>,
    /// What the text could not settle, for people.
    pub unresolved: BTreeSet<String>,
    /// Parameters whose value the variant cannot take from the template: those of a condition
    /// it fixes against what their defaults give (the deployer chooses other values).
    pub chosen: BTreeMap<String, String>,
    /// How deep the resolution is: references that lead back to themselves end here.
    depth: usize,
    /// Conditions already evaluated under the assignment.
    truths: BTreeMap<String, bool>,
    /// Resolution steps left: a template built to explode ends as unresolved.
    budget: usize,
    /// Something unsettled was left out rather than marked (a `Number` parameter without a
    /// value): no result may pass or be not applicable on what is left.
    pub blind: bool,
}

impl<'a> Resolver<'a> {
    pub fn new(template: &'a Template, deployment: &'a Deployment) -> Resolver<'a> {
        Resolver {
            template,
            deployment,
            assignment: BTreeMap::new(),
            unresolved: BTreeSet::new(),
            chosen: BTreeMap::new(),
            depth: 0,
            truths: BTreeMap::new(),
            budget: MAX_STEPS,
            blind: false,
        }
    }

    /// Fixes the conditions of a variant. A condition fixed against what the parameters'
    /// defaults (or given values) make it leaves those parameters to the deployer.
    pub fn fix(&mut self, branch: &BTreeMap<String, bool>) {
        for (condition, truth) in branch {
            if self.condition(condition) == *truth {
                continue;
            }
            let mut parameters = BTreeSet::new();
            self.parameters_of(condition, &mut parameters, 0);
            for parameter in parameters {
                if !self.deployment.parameters.contains_key(&parameter) {
                    self.chosen.insert(parameter, condition.clone());
                }
            }
        }
        self.assignment = branch.clone();
        self.truths.clear();
    }

    /// The parameters a condition's definition refers to (through other conditions too).
    fn parameters_of(&self, condition: &str, into: &mut BTreeSet<String>, depth: usize) {
        fn walk(r: &Resolver<'_>, v: &Value, into: &mut BTreeSet<String>, depth: usize) {
            match v {
                Value::Array(items) => items.iter().for_each(|i| walk(r, i, into, depth)),
                Value::Object(map) => {
                    for (k, v) in map {
                        match (k.as_str(), v.as_str()) {
                            ("Ref", Some(name)) => {
                                into.insert(name.to_string());
                            }
                            ("Condition", Some(name)) if depth < 8 => {
                                r.parameters_of(name, into, depth + 1)
                            }
                            _ => walk(r, v, into, depth),
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(definition) = self
            .template
            .section("Conditions")
            .and_then(|c| c.get(condition))
        {
            walk(self, definition, into, depth);
        }
    }

    fn unresolved(&mut self, what: String) -> Value {
        // (a name built from another unresolved value names it once)
        let what = what.replace(UNRESOLVED, "");
        let value = Value::String(format!("{UNRESOLVED}{what}"));
        self.unresolved.insert(what);
        value
    }

    /// A parameter's type: `List<...>` and `CommaDelimitedList` (also through SSM) are lists,
    /// `Number` a number.
    fn parameter_type(&self, name: &str) -> &str {
        self.template
            .section("Parameters")
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("Type"))
            .and_then(Value::as_str)
            .unwrap_or("String")
    }

    /// `value` with its intrinsic functions resolved; `None` for `AWS::NoValue` (the member
    /// is removed).
    pub fn resolve(&mut self, value: &Value) -> Option<Value> {
        if self.depth > MAX_DEPTH {
            return Some(self.unresolved("a reference that leads back to itself".into()));
        }
        if self.budget == 0 {
            return Some(self.unresolved("a template too complex to resolve".into()));
        }
        self.budget -= 1;
        if let Value::String(s) = value {
            // (a value a reader already found unsettled: a Terraform value known after apply,
            // a state's path evaluated at run time)
            if let Some((_, what)) = s.split_once(UNRESOLVED) {
                self.unresolved.insert(what.to_string());
                return Some(value.clone());
            }
            // (a dynamic reference is read from SSM or Secrets Manager at deployment)
            if s.contains("{{resolve:") {
                return Some(self.unresolved(format!("dynamic reference {s}")));
            }
            if s.len() > MAX_TEXT {
                return Some(self.unresolved("a value longer than any AWS takes".into()));
            }
        }
        self.depth += 1;
        let resolved = self.resolve_at_depth(value);
        self.depth -= 1;
        resolved
    }

    fn resolve_at_depth(&mut self, value: &Value) -> Option<Value> {
        match value {
            Value::Array(items) => Some(Value::Array(
                items.iter().filter_map(|i| self.resolve(i)).collect(),
            )),
            Value::Object(map) if map.len() == 1 => {
                let (name, argument) = map.iter().next()?;
                match name.as_str() {
                    "Ref" => self.reference(argument),
                    n if n.starts_with("Fn::") => self.function(n, argument),
                    _ => Some(Value::Object(self.members(map))),
                }
            }
            Value::Object(map) => Some(Value::Object(self.members(map))),
            other => Some(other.clone()),
        }
    }

    fn members(&mut self, map: &Map<String, Value>) -> Map<String, Value> {
        map.iter()
            .filter_map(|(k, v)| self.resolve(v).map(|v| (k.clone(), v)))
            .collect()
    }

    fn text(&mut self, value: &Value) -> Option<String> {
        match self.resolve(value)? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => Some(format!("{UNRESOLVED}{other}")),
        }
    }

    fn reference(&mut self, argument: &Value) -> Option<Value> {
        let Some(name) = argument.as_str() else {
            return Some(self.unresolved(format!("Ref {argument}")));
        };
        let d = self.deployment;
        Some(match name {
            "AWS::NoValue" => return None,
            "AWS::Region" => d.region().into(),
            "AWS::AccountId" => d.account().into(),
            "AWS::Partition" => d.partition().into(),
            "AWS::URLSuffix" => "amazonaws.com".into(),
            // (names only: not a setting any control reads)
            "AWS::StackName" => "{stack}".into(),
            "AWS::StackId" | "AWS::NotificationARNs" => self.unresolved(format!("Ref {name}")),
            _ => {
                if let Some(condition) = self.chosen.get(name).cloned() {
                    return Some(self.unresolved(format!(
                        "parameter {name} (chosen at deployment for {condition})"
                    )));
                }
                if let Some(given) = d.parameters.get(name) {
                    return Some(self.parameter_value(name, given));
                }
                // (an SSM parameter's default is the parameter's path; its value is read at
                // deployment)
                if self
                    .parameter_type(name)
                    .starts_with("AWS::SSM::Parameter::Value")
                {
                    let what = format!("parameter {name} (read from SSM at deployment)");
                    let placeholder = self.unresolved(what);
                    return Some(match self.parameter_type(name).contains("List<") {
                        true => Value::Array(vec![placeholder]),
                        false => placeholder,
                    });
                }
                if let Some(parameter) = self
                    .template
                    .section("Parameters")
                    .and_then(|p| p.get(name))
                {
                    return Some(match parameter.get("Default") {
                        Some(default) => {
                            let text = match default {
                                Value::String(s) => s.clone(),
                                other => other.to_string(),
                            };
                            self.parameter_value(name, &text)
                        }
                        None => {
                            let what = format!("parameter {name} (no default, no value given)");
                            let placeholder = self.unresolved(what);
                            let kind = self.parameter_type(name);
                            if kind.contains("List<") || kind.contains("CommaDelimitedList") {
                                Value::Array(vec![placeholder])
                            } else if kind == "Number" {
                                // (no number stands for an unknown one: the member is left out,
                                // and what reads it finds it not reported; the resource is
                                // judged blind, since no probe can vary what is left out)
                                self.blind = true;
                                return None;
                            } else {
                                placeholder
                            }
                        }
                    });
                }
                match self.template.resource(name) {
                    Some(r) => self.resource_value(&r, None),
                    None => self.unresolved(format!("Ref {name}: not in the template")),
                }
            }
        })
    }

    /// A parameter's text as its type reads it (lists split at commas).
    fn parameter_value(&self, name: &str, text: &str) -> Value {
        let kind = self.parameter_type(name);
        let list = kind.contains("List<") || kind.contains("CommaDelimitedList");
        match list {
            true => Value::Array(
                text.split(',')
                    .map(|s| Value::String(s.trim().to_string()))
                    .collect(),
            ),
            false => Value::String(text.to_string()),
        }
    }

    /// What `Ref` (`attribute` `None`) or `Fn::GetAtt` gives for a resource of the template, as
    /// far as the text can tell: a resource's own name property, identifiers shaped as AWS
    /// shapes them (a key defined here is a customer managed key of this account), else
    /// unresolved.
    fn resource_value(&mut self, r: &Declared<'_>, attribute: Option<&str>) -> Value {
        let (partition, region, account) = (
            self.deployment.partition().to_string(),
            self.deployment.region().to_string(),
            self.deployment.account().to_string(),
        );
        let id = r.logical_id;
        let property = |name: &str| r.properties.get(name).cloned();
        let sagemaker_name = |this: &mut Self, member: &str| -> Value {
            match property(member) {
                Some(v) => this.resolve(&v).unwrap_or(Value::String(id.to_string())),
                None => Value::String(generated(id)),
            }
        };
        match (r.resource_type, attribute) {
            ("AWS::KMS::Key", None | Some("Arn" | "KeyId")) => Value::String(format!(
                "arn:{partition}:kms:{region}:{account}:key/{}",
                template_key_id(id)
            )),
            ("AWS::KMS::Alias", None) => match property("AliasName") {
                Some(v) => self.resolve(&v).unwrap_or(Value::Null),
                None => self.unresolved(format!("{id}.AliasName")),
            },
            ("AWS::IAM::Role", Some("Arn")) => {
                let name = match property("RoleName") {
                    Some(v) => self.text(&v).unwrap_or_default(),
                    None => generated(id),
                };
                Value::String(format!("arn:{partition}:iam::{account}:role/{name}"))
            }
            ("AWS::EC2::Subnet", None | Some("SubnetId")) => {
                Value::String(format!("subnet-{}", template_id(id)))
            }
            ("AWS::EC2::SecurityGroup", None | Some("GroupId")) => {
                Value::String(format!("sg-{}", template_id(id)))
            }
            ("AWS::EC2::VPC", None | Some("VpcId")) => {
                Value::String(format!("vpc-{}", template_id(id)))
            }
            // (`Ref` of these gives the ARN, `Fn::GetAtt` the name: CloudFormation reference)
            (
                "AWS::SageMaker::NotebookInstanceLifecycleConfig",
                Some("NotebookInstanceLifecycleConfigName"),
            ) => sagemaker_name(self, "NotebookInstanceLifecycleConfigName"),
            ("AWS::SageMaker::Model", Some("ModelName")) => sagemaker_name(self, "ModelName"),
            ("AWS::SageMaker::EndpointConfig", Some("EndpointConfigName")) => {
                sagemaker_name(self, "EndpointConfigName")
            }
            (
                t @ ("AWS::SageMaker::NotebookInstanceLifecycleConfig"
                | "AWS::SageMaker::Model"
                | "AWS::SageMaker::EndpointConfig"),
                None,
            ) => {
                let (member, arn_type) = match t {
                    "AWS::SageMaker::Model" => ("ModelName", "model"),
                    "AWS::SageMaker::EndpointConfig" => ("EndpointConfigName", "endpoint-config"),
                    _ => (
                        "NotebookInstanceLifecycleConfigName",
                        "notebook-instance-lifecycle-config",
                    ),
                };
                let name = sagemaker_name(self, member);
                let name = name.as_str().unwrap_or_default().to_ascii_lowercase();
                Value::String(format!(
                    "arn:{partition}:sagemaker:{region}:{account}:{arn_type}/{name}"
                ))
            }
            ("AWS::IAM::Role", None) => match property("RoleName") {
                Some(v) => self.resolve(&v).unwrap_or(Value::Null),
                None => Value::String(generated(id)),
            },
            ("AWS::SageMaker::Domain", None | Some("DomainId")) => {
                Value::String(format!("d-{}", template_id(id)))
            }
            (t, Some(a))
                if t.starts_with("AWS::SageMaker::") && a.ends_with("JobDefinitionName") =>
            {
                sagemaker_name(self, "JobDefinitionName")
            }
            (t, Some("JobDefinitionName")) if t.starts_with("AWS::SageMaker::") => {
                sagemaker_name(self, "JobDefinitionName")
            }
            (_, Some(attribute)) => {
                self.unresolved(format!("{id}.{attribute} (known after deployment)"))
            }
            (t, None) => self.unresolved(format!("Ref {id} (a {t}, known after deployment)")),
        }
    }

    fn function(&mut self, name: &str, argument: &Value) -> Option<Value> {
        let items = argument.as_array().map(Vec::as_slice).unwrap_or_default();
        Some(match (name, items) {
            ("Fn::GetAtt", [resource, attribute, ..]) => {
                let (Some(resource), Some(attribute)) = (resource.as_str(), attribute.as_str())
                else {
                    return Some(self.unresolved(format!("Fn::GetAtt {argument}")));
                };
                match self.template.resource(resource) {
                    Some(r) => self.resource_value(&r, Some(attribute)),
                    None => self.unresolved(format!(
                        "Fn::GetAtt {resource}.{attribute}: not in the template"
                    )),
                }
            }
            ("Fn::Join", [separator, list]) => {
                let separator = self.text(separator).unwrap_or_default();
                let parts = match self.resolve(list) {
                    Some(Value::Array(parts)) => parts,
                    _ => {
                        return Some(self.unresolved("Fn::Join of a list it cannot settle".into()))
                    }
                };
                Value::String(parts.iter().map(plain).collect::<Vec<_>>().join(&separator))
            }
            ("Fn::Select", [index, list]) => {
                let index = self.text(index).and_then(|i| i.parse::<usize>().ok());
                match (index, self.resolve(list)) {
                    (Some(i), Some(Value::Array(items))) if i < items.len() => items[i].clone(),
                    _ => self.unresolved(format!("Fn::Select {argument}")),
                }
            }
            ("Fn::Split", [separator, text]) => {
                let separator = self.text(separator).unwrap_or_default();
                let text = self.text(text).unwrap_or_default();
                // (the pieces of an unsettled text are unsettled, not its marker's words)
                if is_unresolved(&text) || is_unresolved(&separator) {
                    return Some(Value::Array(vec![
                        self.unresolved(format!("Fn::Split of {text}"))
                    ]));
                }
                Value::Array(
                    text.split(separator.as_str())
                        .map(|s| Value::String(s.to_string()))
                        .collect(),
                )
            }
            ("Fn::If", [condition, then, otherwise]) => {
                let condition = condition.as_str().unwrap_or_default();
                let branch = if self.condition(condition) {
                    then
                } else {
                    otherwise
                };
                return self.resolve(branch);
            }
            ("Fn::FindInMap", [map, top, second, ..]) => {
                let (map, top, second) = (self.text(map), self.text(top), self.text(second));
                let found = self
                    .template
                    .section("Mappings")
                    .and_then(|m| m.get(map.as_deref()?))
                    .and_then(|m| m.get(top.as_deref()?))
                    .and_then(|m| m.get(second.as_deref()?))
                    .cloned();
                match found {
                    Some(v) => return self.resolve(&v),
                    None => self.unresolved(format!("Fn::FindInMap {argument}")),
                }
            }
            ("Fn::Sub", _) => self.substitute(argument),
            ("Fn::Base64", _) => {
                use base64::Engine;
                let text = self.text(argument).unwrap_or_default();
                Value::String(base64::engine::general_purpose::STANDARD.encode(text))
            }
            ("Fn::ImportValue", _) => {
                let export = self.text(argument).unwrap_or_default();
                self.unresolved(format!("Fn::ImportValue {export}"))
            }
            _ => self.unresolved(format!("{name} {argument}")),
        })
    }

    /// `Fn::Sub`: `${Name}` (a parameter, pseudo parameter or resource), `${Res.Attr}`, the
    /// variables given, `${!Literal}`.
    fn substitute(&mut self, argument: &Value) -> Value {
        let (text, variables) = match argument {
            Value::String(s) => (s.clone(), Map::new()),
            Value::Array(items) => match items.as_slice() {
                [Value::String(s), Value::Object(vars)] => (s.clone(), vars.clone()),
                _ => return self.unresolved(format!("Fn::Sub {argument}")),
            },
            _ => return self.unresolved(format!("Fn::Sub {argument}")),
        };
        let mut out = String::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let value = match variables.get(name) {
                    Some(v) => self.resolve(v),
                    None => match name.split_once('.') {
                        Some((resource, attribute)) => {
                            let call = serde_json::json!({"Fn::GetAtt": [resource, attribute]});
                            self.resolve(&call)
                        }
                        None => self.reference(&Value::String(name.to_string())),
                    },
                };
                out.push_str(&value.as_ref().map(plain).unwrap_or_default());
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Value::String(out)
    }

    /// Whether a resource's `Condition` holds in this variant.
    pub fn holds(&mut self, condition: &str) -> bool {
        self.condition(condition)
    }

    /// A condition's truth: fixed by the variant, else evaluated from its definition.
    fn condition(&mut self, name: &str) -> bool {
        if let Some(fixed) = self.assignment.get(name) {
            return *fixed;
        }
        if let Some(known) = self.truths.get(name) {
            return *known;
        }
        if self.depth > MAX_DEPTH {
            return false;
        }
        let definition = self
            .template
            .section("Conditions")
            .and_then(|c| c.get(name))
            .cloned();
        let truth = match definition {
            Some(definition) => self.truth(&definition),
            None => false,
        };
        self.truths.insert(name.to_string(), truth);
        truth
    }

    fn truth(&mut self, expression: &Value) -> bool {
        let Some((name, argument)) = expression.as_object().and_then(|m| m.iter().next()) else {
            return false;
        };
        self.depth += 1;
        let truth = self.truth_at_depth(name, argument);
        self.depth -= 1;
        truth
    }

    fn truth_at_depth(&mut self, name: &str, argument: &Value) -> bool {
        let items = argument.as_array().map(Vec::as_slice).unwrap_or_default();
        match name {
            "Condition" => {
                let name = argument.as_str().unwrap_or_default().to_string();
                self.condition(&name)
            }
            // (compared as text, as CloudFormation compares them: `true` equals "true")
            "Fn::Equals" => match items {
                [a, b] => self.text(a) == self.text(b),
                _ => false,
            },
            "Fn::Not" => items.first().is_some_and(|e| !self.truth(e)),
            "Fn::And" => items.iter().all(|e| self.truth(e)),
            "Fn::Or" => items.iter().any(|e| self.truth(e)),
            _ => false,
        }
    }
}

/// A value as text in a joined string.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// The name CloudFormation generates when none is given: unknown before deployment, so it never
/// matches an exemption (it is not a valid SageMaker name).
pub fn generated(logical_id: &str) -> String {
    format!("{{{logical_id}: generated at deployment}}")
}

/// An identifier for a resource the template creates (`subnet-...`): lower-case hexadecimal
/// derived from its logical id, as AWS shapes ids, so it matches no real one.
fn template_id(logical_id: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(logical_id.as_bytes());
    hex::encode(&digest[..9])
}

/// A key id for a key the template creates (a UUID shape).
fn template_key_id(logical_id: &str) -> String {
    let h = template_id(logical_id);
    let h = format!("{h}{h}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The conditions `value` uses in `Fn::If`.
pub fn conditions_used(value: &Value, into: &mut BTreeSet<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|i| conditions_used(i, into)),
        Value::Object(map) => {
            if let Some(Value::Array(args)) = map.get("Fn::If") {
                if let Some(Value::String(name)) = args.first() {
                    into.insert(name.clone());
                }
            }
            map.values().for_each(|v| conditions_used(v, into));
        }
        _ => {}
    }
}
