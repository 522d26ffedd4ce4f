//! Workflows that create SageMaker resources when they run: SageMaker Pipeline definitions
//! (a step's `Arguments` are its Create request) and Step Functions state machines (a task
//! `arn:aws:states:::sagemaker:createTrainingJob` passes its `Parameters` or `Arguments` as the
//! request). Each such step becomes a resource of the template, judged as its kind; what the
//! workflow settles only when it runs (a step's output, a state's input path, a pipeline
//! parameter without a default) is unsettled.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::cfn::{RUNTIME_DATA, UNRESOLVED};

/// Members that hold where a step's data is (its inputs, outputs, model artifacts): a step
/// passes them to the next when the workflow runs. No control judges them, so an unsettled
/// one leaves the other results standing (a result that names it is still "cannot evaluate").
const DATA_LOCATIONS: &[&str] = &[
    "S3Uri",
    "S3OutputPath",
    "ModelDataUrl",
    "S3ModelArtifacts",
    "ManifestS3Uri",
    "LocalPath",
];

/// A member's value, a data location's unsettled value marked as such.
fn member(key: &str, value: Value) -> (String, Value) {
    let value = match value {
        Value::String(s) if DATA_LOCATIONS.contains(&key) && s.contains(UNRESOLVED) => {
            Value::String(s.replace(UNRESOLVED, RUNTIME_DATA))
        }
        other => other,
    };
    (key.to_string(), value)
}

/// The type of a step that creates what this version cannot read: listed as unreadable.
pub const UNREAD: &str = "guardrail:Unread";

/// A workflow step that creates a resource: its id, the template type of its request, and
/// the request.
#[derive(Debug, Clone)]
pub struct Step {
    pub id: String,
    pub resource_type: String,
    pub properties: Value,
    /// The index of its top-level step or state, for its position.
    pub top: String,
}

/// Whether `value` is a SageMaker Pipeline definition.
pub fn is_pipeline(value: &Value) -> bool {
    value.get("Steps").is_some_and(Value::is_array) && value.get("Resources").is_none()
}

/// Whether `value` is an Amazon States Language definition.
pub fn is_state_machine(value: &Value) -> bool {
    value.get("States").is_some_and(Value::is_object) && value.get("StartAt").is_some()
}

/// The template type a request of `call` is read as: CloudFormation's where the types match
/// (a model, an endpoint configuration), else the call itself.
fn request_type(call: &str) -> String {
    match call {
        "CreateModel" => "AWS::SageMaker::Model".into(),
        "CreateEndpointConfig" => "AWS::SageMaker::EndpointConfig".into(),
        "CreateEndpoint" | "UpdateEndpoint" => "AWS::SageMaker::Endpoint".into(),
        "CreateModelPackage" => "AWS::SageMaker::ModelPackage".into(),
        other => format!("sagemaker:{other}"),
    }
}

/// The steps of a pipeline definition that create resources, with `parameters` overriding the
/// definition's defaults.
pub fn pipeline_steps(definition: &Value, parameters: &BTreeMap<String, String>) -> Vec<Step> {
    let mut values = BTreeMap::new();
    for p in definition
        .get("Parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = p.get("Name").and_then(Value::as_str) else {
            continue;
        };
        let value = match (parameters.get(name), p.get("DefaultValue")) {
            (Some(given), _) => Value::String(given.clone()),
            (None, Some(default)) => default.clone(),
            (None, None) => Value::String(format!(
                "{UNRESOLVED}pipeline parameter {name} (given when the pipeline starts)"
            )),
        };
        values.insert(name.to_string(), value);
    }
    let mut out = Vec::new();
    if let Some(steps) = definition.get("Steps").and_then(Value::as_array) {
        for (i, step) in steps.iter().enumerate() {
            pipeline_step(step, &i.to_string(), &values, &mut out, 0);
        }
    }
    out
}

fn pipeline_step(
    step: &Value,
    top: &str,
    values: &BTreeMap<String, Value>,
    out: &mut Vec<Step>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    let name = step.get("Name").and_then(Value::as_str).unwrap_or("?");
    let arguments = step.get("Arguments").unwrap_or(&Value::Null);
    let call = match step.get("Type").and_then(Value::as_str).unwrap_or_default() {
        "Training" => "CreateTrainingJob",
        "Processing" => "CreateProcessingJob",
        "Transform" => "CreateTransformJob",
        "Tuning" => "CreateHyperParameterTuningJob",
        "Model" => "CreateModel",
        "RegisterModel" => "CreateModelPackage",
        "EndpointConfig" => "CreateEndpointConfig",
        "Endpoint" => "CreateEndpoint",
        // (steps that run jobs from arguments that are not a create request)
        kind @ ("QualityCheck" | "ClarifyCheck" | "AutoML" | "EMR") => {
            out.push(Step {
                id: name.to_string(),
                resource_type: UNREAD.to_string(),
                properties: json!({"Reason": format!(
                    "a {kind} step runs a job from arguments this version does not read as a create request"
                )}),
                top: top.to_string(),
            });
            return;
        }
        "Condition" => {
            for branch in ["IfSteps", "ElseSteps"] {
                for inner in arguments
                    .get(branch)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    pipeline_step(inner, top, values, out, depth + 1);
                }
            }
            return;
        }
        _ => return,
    };
    out.push(Step {
        id: name.to_string(),
        resource_type: request_type(call),
        properties: pipeline_value(arguments, values, 0),
        top: top.to_string(),
    });
}

/// A pipeline value with its functions settled: `{"Get": "Parameters.X"}` is the parameter's
/// value, `{"Std:Join": ...}` joins; anything else the pipeline computes when it runs.
fn pipeline_value(value: &Value, parameters: &BTreeMap<String, Value>, depth: usize) -> Value {
    if depth > super::text::MAX_DEPTH {
        return Value::String(format!("{UNRESOLVED}a value nested too deep"));
    }
    match value {
        Value::Object(map) if map.len() == 1 => {
            let (key, argument) = map.iter().next().expect("one member");
            match key.as_str() {
                "Get" => {
                    let path = argument.as_str().unwrap_or_default();
                    match path
                        .strip_prefix("Parameters.")
                        .and_then(|p| parameters.get(p))
                    {
                        Some(v) => v.clone(),
                        None => Value::String(format!(
                            "{UNRESOLVED}{path} (known when the pipeline runs)"
                        )),
                    }
                }
                "Std:Join" => {
                    let on = argument
                        .get("On")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    let parts: Vec<String> = argument
                        .get("Values")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|v| match pipeline_value(v, parameters, depth + 1) {
                            Value::String(s) => s,
                            other => other.to_string(),
                        })
                        .collect();
                    Value::String(parts.join(on))
                }
                k if k.starts_with("Std:") => {
                    Value::String(format!("{UNRESOLVED}{k} (known when the pipeline runs)"))
                }
                _ => Value::Object(
                    map.iter()
                        .map(|(k, v)| member(k, pipeline_value(v, parameters, depth + 1)))
                        .collect(),
                ),
            }
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| member(k, pipeline_value(v, parameters, depth + 1)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| pipeline_value(v, parameters, depth + 1))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The SageMaker tasks of a state machine's definition, branches and maps included.
pub fn state_machine_tasks(definition: &Value) -> Vec<Step> {
    let mut out = Vec::new();
    states(definition, "", None, &mut out, 0);
    out
}

fn states(definition: &Value, prefix: &str, top: Option<&str>, out: &mut Vec<Step>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Some(Value::Object(all)) = definition.get("States") else {
        return;
    };
    for (name, state) in all {
        let id = format!("{prefix}{name}");
        let top = top.unwrap_or(name);
        for branch in state
            .get("Branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            states(branch, &format!("{id}/"), Some(top), out, depth + 1);
        }
        for inner in ["ItemProcessor", "Iterator"] {
            if let Some(processor) = state.get(inner) {
                states(processor, &format!("{id}/"), Some(top), out, depth + 1);
            }
        }
        let resource = state.get("Resource").and_then(Value::as_str).unwrap_or("");
        let Some(call) = sagemaker_call(resource) else {
            continue;
        };
        let request = state
            .get("Parameters")
            .or_else(|| state.get("Arguments"))
            .unwrap_or(&Value::Null);
        out.push(Step {
            id,
            resource_type: request_type(&call),
            properties: task_value(request, 0),
            top: top.to_string(),
        });
    }
}

/// The SageMaker call of a task's resource (`arn:aws:states:::sagemaker:createModel` →
/// `CreateModel`; `.sync` and `.waitForTaskToken` ignored), only for calls that create.
fn sagemaker_call(resource: &str) -> Option<String> {
    let (_, call) = resource
        .split_once(":states:::sagemaker:")
        .or_else(|| resource.split_once(":states:::aws-sdk:sagemaker:"))?;
    let call = call.split('.').next()?;
    if !(call.starts_with("create") || call == "updateEndpoint") {
        return None;
    }
    let mut chars = call.chars();
    Some(chars.next()?.to_ascii_uppercase().to_string() + chars.as_str())
}

/// A task's request with what the state settles when it runs unsettled: a `Key.$` path, a
/// JSONata `{% ... %}` expression.
fn task_value(value: &Value, depth: usize) -> Value {
    if depth > super::text::MAX_DEPTH {
        return Value::String(format!("{UNRESOLVED}a value nested too deep"));
    }
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                match k.strip_suffix(".$") {
                    Some(key) => {
                        let path = v.as_str().unwrap_or_default();
                        let (key, value) = member(
                            key,
                            json!(format!(
                                "{UNRESOLVED}{path} (the state's input when it runs)"
                            )),
                        );
                        out.insert(key, value);
                    }
                    None => {
                        let (key, value) = member(k, task_value(v, depth + 1));
                        out.insert(key, value);
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|v| task_value(v, depth + 1)).collect())
        }
        Value::String(s) if s.trim_start().starts_with("{%") => Value::String(format!(
            "{UNRESOLVED}{} (evaluated when the state runs)",
            s.trim()
        )),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pipelines_parameters_and_joins_are_settled_and_step_outputs_are_not() {
        let definition = json!({
            "Version": "2020-12-01",
            "Parameters": [
                {"Name": "InstanceType", "Type": "String", "DefaultValue": "ml.m5.xlarge"},
                {"Name": "Key", "Type": "String"}
            ],
            "Steps": [
                {"Name": "Train", "Type": "Training", "Arguments": {
                    "ResourceConfig": {"InstanceType": {"Get": "Parameters.InstanceType"},
                                       "VolumeKmsKeyId": {"Get": "Parameters.Key"}},
                    "OutputDataConfig": {"S3OutputPath": {"Std:Join": {"On": "/", "Values": ["s3://b", {"Get": "Execution.PipelineExecutionId"}]}}}
                }},
                {"Name": "Check", "Type": "Condition", "Arguments": {"IfSteps": [
                    {"Name": "Register", "Type": "RegisterModel", "Arguments": {"ModelApprovalStatus": "Approved"}}
                ]}},
                {"Name": "Notify", "Type": "Lambda", "Arguments": {}},
                {"Name": "Drift", "Type": "QualityCheck", "Arguments": {}}
            ]
        });
        let steps = pipeline_steps(&definition, &BTreeMap::new());
        let ids: Vec<(&str, &str, &str)> = steps
            .iter()
            .map(|s| (s.id.as_str(), s.resource_type.as_str(), s.top.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("Train", "sagemaker:CreateTrainingJob", "0"),
                ("Register", "AWS::SageMaker::ModelPackage", "1"),
                // (a step whose job this version cannot read is listed, not passed over)
                ("Drift", UNREAD, "3")
            ]
        );
        let train = &steps[0].properties;
        assert_eq!(train["ResourceConfig"]["InstanceType"], "ml.m5.xlarge");
        let key = train["ResourceConfig"]["VolumeKmsKeyId"].as_str().unwrap();
        assert!(key.starts_with(UNRESOLVED) && key.contains("Key"), "{key}");
        // (a data location a step settles when it runs is marked apart: no control judges it)
        let output = train["OutputDataConfig"]["S3OutputPath"].as_str().unwrap();
        assert!(output.starts_with("s3://b/") && output.contains(RUNTIME_DATA));
        assert!(!output.contains(UNRESOLVED));
        let given = BTreeMap::from([("Key".to_string(), "arn:aws:kms:k".to_string())]);
        let steps = pipeline_steps(&definition, &given);
        assert_eq!(
            steps[0].properties["ResourceConfig"]["VolumeKmsKeyId"],
            "arn:aws:kms:k"
        );
    }

    #[test]
    fn a_state_machines_sagemaker_tasks_are_requests_and_paths_are_unsettled() {
        let definition = json!({
            "StartAt": "Train",
            "States": {
                "Train": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
                          "Parameters": {"TrainingJobName.$": "$.name", "RoleArn": "arn:aws:iam::1:role/r"}},
                "Fan": {"Type": "Parallel", "Branches": [{"StartAt": "Model", "States": {
                    "Model": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createModel",
                              "Arguments": {"ModelName": "{% $states.input.name %}"}}}}]},
                "Describe": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sagemaker:describeModel"},
                "Stop": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:stopTrainingJob"}
            }
        });
        let tasks = state_machine_tasks(&definition);
        let ids: Vec<(&str, &str, &str)> = tasks
            .iter()
            .map(|s| (s.id.as_str(), s.resource_type.as_str(), s.top.as_str()))
            .collect();
        assert_eq!(
            ids,
            [
                ("Fan/Model", "AWS::SageMaker::Model", "Fan"),
                ("Train", "sagemaker:CreateTrainingJob", "Train")
            ]
        );
        assert!(tasks[1].properties["TrainingJobName"]
            .as_str()
            .unwrap()
            .starts_with(UNRESOLVED));
        assert_eq!(tasks[1].properties["RoleArn"], "arn:aws:iam::1:role/r");
        assert!(tasks[0].properties["ModelName"]
            .as_str()
            .unwrap()
            .starts_with(UNRESOLVED));
    }
}
