//! What `guardrail iac` reads: each file's format (told from its content), the templates a file
//! gives (a CDK assembly's stacks, a Terraform plan's resources, a workflow's steps), and the
//! workflows a template declares (state machines, pipelines) read as resources of it.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{cdk, cfn, terraform, text, workflow, Deployment, Template, TemplateError, Unreadable};

/// What `guardrail iac` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    CloudFormation,
    /// A CDK cloud assembly's `manifest.json`.
    Cdk,
    /// `terraform show -json` of a plan or a state.
    Terraform,
    /// A SageMaker Pipeline definition.
    Pipeline,
    /// An Amazon States Language definition.
    StateMachine,
}

impl Format {
    /// The format of a parsed file, from its content.
    pub fn detect(value: &Value) -> Option<Format> {
        if value.get("Resources").is_some() || value.get("AWSTemplateFormatVersion").is_some() {
            Some(Format::CloudFormation)
        } else if cdk::is_manifest(value) {
            Some(Format::Cdk)
        } else if terraform::is_terraform(value) {
            Some(Format::Terraform)
        } else if workflow::is_pipeline(value) {
            Some(Format::Pipeline)
        } else if workflow::is_state_machine(value) {
            Some(Format::StateMachine)
        } else {
            None
        }
    }
}

/// A template to judge, with the environment it names (a CDK stack's).
#[derive(Debug, Clone)]
pub struct Unit {
    pub template: Template,
    pub account: Option<String>,
    pub region: Option<String>,
}

/// What reading infrastructure code may need besides the file itself.
pub trait Files {
    /// A file by its path relative to the folder of the file being read (the templates a CDK
    /// manifest names).
    fn open(&mut self, path: &str) -> Result<String, String>;
    /// The `.tf` files of a folder relative to the repository root (`--repo-root`), each with
    /// its path as findings name it and its text; none without a root.
    fn terraform_sources(&mut self, folder: &str) -> Vec<(String, String)>;
}

/// Reads one file of infrastructure code as templates; `None` for a file whose content is
/// none of the formats (a `package.json` beside the templates).
pub fn read(
    file: &str,
    text: &str,
    format: Option<Format>,
    deployment: &Deployment,
    files: &mut dyn Files,
) -> Result<Option<Vec<Unit>>, TemplateError> {
    let (value, places) = text::load(file, text)?;
    let Some(format) = format.or_else(|| Format::detect(&value)) else {
        return Ok(None);
    };
    let unit = |template| Unit {
        template,
        account: None,
        region: None,
    };
    Ok(Some(match format {
        Format::CloudFormation => vec![unit(cfn::from_value(file, value, places)?)],
        Format::Cdk => cdk::stacks(file, &value, &mut |path| files.open(path))?,
        Format::Terraform => {
            let mut template = terraform::template(file, &value)?;
            let addresses: Vec<String> = template.locations.keys().cloned().collect();
            for address in addresses {
                let mut sources = |folder: &str| files.terraform_sources(folder);
                if let Some((source, position)) = terraform::locate(&value, &address, &mut sources)
                {
                    template.positions.insert(address.clone(), position);
                    template.sources.insert(address, source);
                }
            }
            vec![unit(template)]
        }
        Format::Pipeline => {
            let steps = workflow::pipeline_steps(&value, &deployment.parameters);
            vec![unit(steps_template(file, steps, &places, "Steps"))]
        }
        Format::StateMachine => {
            let steps = workflow::state_machine_tasks(&value);
            vec![unit(steps_template(file, steps, &places, "States"))]
        }
    }))
}

/// Why a file given by name is not read.
pub const NOT_INFRASTRUCTURE: &str = "not infrastructure code this version reads: no CloudFormation Resources, CDK manifest artifacts, Terraform format_version, pipeline Steps or state machine States";

/// A workflow's steps as the resources of a template, each at its top-level step's position.
fn steps_template(
    file: &str,
    steps: Vec<workflow::Step>,
    places: &text::Places,
    section: &str,
) -> Template {
    let mut template = Template {
        file: file.to_string(),
        root: Default::default(),
        positions: BTreeMap::new(),
        locations: BTreeMap::new(),
        sources: BTreeMap::new(),
    };
    let mut resources = serde_json::Map::new();
    for step in steps {
        if let Some(p) = places.get(&format!("{section}/{}", step.top)) {
            template.positions.insert(step.id.clone(), p.clone());
        }
        resources.insert(
            step.id,
            serde_json::json!({"Type": step.resource_type, "Properties": step.properties}),
        );
    }
    template
        .root
        .insert("Resources".into(), Value::Object(resources));
    template
}

/// The template with the steps of the workflows it declares (a state machine's SageMaker
/// tasks, a pipeline's steps) added as resources `WORKFLOW/STEP`.
pub(super) fn with_workflows<'t>(
    template: &'t Template,
    deployment: &Deployment,
) -> (std::borrow::Cow<'t, Template>, Vec<Unreadable>) {
    let mut added = Vec::new();
    let mut unreadable = Vec::new();
    let mut resolver = cfn::Resolver::new(template, deployment);
    for declared in template.resources() {
        let definition = match declared.resource_type {
            "AWS::StepFunctions::StateMachine" => {
                let substitutions = declared
                    .properties
                    .get("DefinitionSubstitutions")
                    .and_then(|s| resolver.resolve(s));
                match declared.properties.get("Definition") {
                    Some(d) => resolver
                        .resolve(d)
                        .map(|d| (substitute_all(d, substitutions.as_ref()), false)),
                    None => declared
                        .properties
                        .get("DefinitionString")
                        .and_then(|d| resolver.resolve(d))
                        .map(|d| (substitute(d, substitutions.as_ref()), true)),
                }
            }
            "AWS::SageMaker::Pipeline" => declared
                .properties
                .pointer("/PipelineDefinition/PipelineDefinitionBody")
                .and_then(|d| resolver.resolve(d))
                .map(|d| (d, true)),
            _ => continue,
        };
        let Some((definition, is_text)) = definition else {
            // (a definition kept in S3 is not read: said, never passed over in silence)
            let in_s3 = ["DefinitionS3Location", "PipelineDefinition"]
                .iter()
                .filter_map(|k| declared.properties.get(*k))
                .any(|v| {
                    v.get("Bucket").is_some() || v.get("PipelineDefinitionS3Location").is_some()
                });
            if in_s3 {
                unreadable.push(Unreadable {
                    file: template.file.clone(),
                    logical_id: declared.logical_id.to_string(),
                    location: template.locations.get(declared.logical_id).cloned(),
                    position: declared.position.clone(),
                    error: "its definition is kept in S3, which this version does not read: judge the definition file itself".into(),
                });
            }
            continue;
        };
        let definition = match (is_text, definition) {
            (true, Value::String(text))
                if text.starts_with(cfn::UNRESOLVED)
                    && serde_json::from_str::<Value>(&text).is_err() =>
            {
                unreadable.push(Unreadable {
                    file: template.file.clone(),
                    logical_id: declared.logical_id.to_string(),
                    location: None,
                    position: declared.position.clone(),
                    error: format!(
                        "its definition is not settled by the template ({}): give it with --parameters, or judge the definition file itself",
                        text.replace(cfn::UNRESOLVED, "")
                    ),
                });
                continue;
            }
            (true, Value::String(text)) => match serde_json::from_str::<Value>(&text) {
                Ok(v) => v,
                Err(e) => {
                    unreadable.push(Unreadable {
                        file: template.file.clone(),
                        logical_id: declared.logical_id.to_string(),
                        location: None,
                        position: declared.position.clone(),
                        error: format!("its definition is not JSON once resolved: {e}"),
                    });
                    continue;
                }
            },
            (_, v) => v,
        };
        let steps = match declared.resource_type {
            "AWS::SageMaker::Pipeline" => {
                workflow::pipeline_steps(&definition, &deployment.parameters)
            }
            _ => workflow::state_machine_tasks(&definition),
        };
        for step in steps {
            added.push((
                declared.logical_id.to_string(),
                declared.position.clone(),
                step,
            ));
        }
    }
    if added.is_empty() {
        return (std::borrow::Cow::Borrowed(template), unreadable);
    }
    let mut expanded = template.clone();
    let resources = expanded
        .root
        .get_mut("Resources")
        .and_then(Value::as_object_mut)
        .expect("a template has Resources");
    for (owner, position, step) in added {
        let id = format!("{owner}/{}", step.id);
        resources.insert(
            id.clone(),
            serde_json::json!({"Type": step.resource_type, "Properties": step.properties}),
        );
        expanded.positions.insert(id.clone(), position);
        if let Some(path) = template.locations.get(&owner) {
            expanded
                .locations
                .insert(id, format!("{path} > {}", step.id));
        }
    }
    (std::borrow::Cow::Owned(expanded), unreadable)
}

/// A state machine's definition object with `${name}` replaced in each of its texts.
fn substitute_all(definition: Value, substitutions: Option<&Value>) -> Value {
    match definition {
        Value::String(_) => substitute(definition, substitutions),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| substitute_all(v, substitutions))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, substitute_all(v, substitutions)))
                .collect(),
        ),
        other => other,
    }
}

/// A state machine's definition with `${name}` replaced by its `DefinitionSubstitutions`.
fn substitute(definition: Value, substitutions: Option<&Value>) -> Value {
    let (Value::String(mut text), Some(Value::Object(map))) = (definition.clone(), substitutions)
    else {
        return definition;
    };
    for (name, value) in map {
        let value = match value {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        text = text.replace(&format!("${{{name}}}"), &value);
    }
    Value::String(text)
}
