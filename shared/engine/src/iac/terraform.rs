//! Terraform plans and states (`terraform show -json`) read as a template: each
//! `aws_sagemaker_*` resource becomes the CloudFormation resource of its kind, its attributes
//! renamed to the Create request's members (the provider's snake_case names; research: issue 21,
//! section 3), so the kinds' own readers read it. Only names change here, never a value's
//! meaning; what the provider renames outright (`kms_key_arn` is the endpoint configuration's
//! `KmsKeyId`) is listed in [`RENAMED`].
//!
//! A value known only after apply (`after_unknown`) is unsettled, unless the configuration
//! shows it refers to another resource of the plan (an endpoint's configuration name, a key's
//! ARN): then it becomes that reference, resolved as in a template. The resource's address is
//! its logical location; `--repo-root` finds its `resource` block in the `.tf` files.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::cfn::{Position, Template, TemplateError, UNRESOLVED};

/// The provider's resource types read, with the CloudFormation type they become.
const TYPES: &[(&str, &str)] = &[
    (
        "aws_sagemaker_notebook_instance",
        "AWS::SageMaker::NotebookInstance",
    ),
    (
        "aws_sagemaker_notebook_instance_lifecycle_configuration",
        "AWS::SageMaker::NotebookInstanceLifecycleConfig",
    ),
    ("aws_sagemaker_model", "AWS::SageMaker::Model"),
    (
        "aws_sagemaker_endpoint_configuration",
        "AWS::SageMaker::EndpointConfig",
    ),
    ("aws_sagemaker_endpoint", "AWS::SageMaker::Endpoint"),
    ("aws_sagemaker_domain", "AWS::SageMaker::Domain"),
    ("aws_sagemaker_user_profile", "AWS::SageMaker::UserProfile"),
    ("aws_sagemaker_space", "AWS::SageMaker::Space"),
    ("aws_sagemaker_app", "AWS::SageMaker::App"),
    (
        "aws_sagemaker_monitoring_schedule",
        "AWS::SageMaker::MonitoringSchedule",
    ),
    (
        "aws_sagemaker_data_quality_job_definition",
        "AWS::SageMaker::DataQualityJobDefinition",
    ),
    (
        "aws_sagemaker_feature_group",
        "AWS::SageMaker::FeatureGroup",
    ),
    (
        "aws_sagemaker_flow_definition",
        "sagemaker:CreateFlowDefinition",
    ),
    (
        "aws_sagemaker_mlflow_tracking_server",
        "AWS::SageMaker::MlflowTrackingServer",
    ),
    ("aws_kms_key", "AWS::KMS::Key"),
    ("aws_iam_role", "AWS::IAM::Role"),
    ("aws_subnet", "AWS::EC2::Subnet"),
    ("aws_security_group", "AWS::EC2::SecurityGroup"),
    ("aws_vpc", "AWS::EC2::VPC"),
];

/// Attributes the provider names other than the API does: (resource type or `*`, attribute,
/// member). Source: the provider's documentation pages (research: issue 21, section 3).
const RENAMED: &[(&str, &str, &str)] = &[
    (
        "aws_sagemaker_notebook_instance",
        "name",
        "NotebookInstanceName",
    ),
    (
        "aws_sagemaker_notebook_instance",
        "security_groups",
        "SecurityGroupIds",
    ),
    (
        "aws_sagemaker_notebook_instance",
        "volume_size",
        "VolumeSizeInGB",
    ),
    (
        "aws_sagemaker_notebook_instance_lifecycle_configuration",
        "name",
        "NotebookInstanceLifecycleConfigName",
    ),
    ("aws_sagemaker_model", "name", "ModelName"),
    ("aws_sagemaker_model", "container", "Containers"),
    (
        "aws_sagemaker_endpoint_configuration",
        "name",
        "EndpointConfigName",
    ),
    (
        "aws_sagemaker_endpoint_configuration",
        "kms_key_arn",
        "KmsKeyId",
    ),
    ("aws_sagemaker_endpoint", "name", "EndpointName"),
    (
        "aws_sagemaker_monitoring_schedule",
        "name",
        "MonitoringScheduleName",
    ),
    (
        "aws_sagemaker_data_quality_job_definition",
        "name",
        "JobDefinitionName",
    ),
    (
        "aws_sagemaker_space",
        "custom_file_system",
        "CustomFileSystems",
    ),
    (
        "aws_sagemaker_feature_group",
        "feature_definition",
        "FeatureDefinitions",
    ),
    ("aws_iam_role", "name", "RoleName"),
    ("*", "monitoring_input", "MonitoringInputs"),
    ("*", "monitoring_output", "MonitoringOutputs"),
    ("*", "baseline", "BaselineConfig"),
    ("*", "custom_image", "CustomImages"),
    ("*", "code_repository", "CodeRepositories"),
    ("*", "custom_file_system_config", "CustomFileSystemConfigs"),
    ("*", "sagemaker_image_arn", "SageMakerImageArn"),
    (
        "*",
        "sagemaker_image_version_arn",
        "SageMakerImageVersionArn",
    ),
];

/// Blocks that are lists in the API (every block is a JSON array in a plan; the others hold
/// one object).
const LISTS: &[&str] = &[
    "ProductionVariants",
    "ShadowProductionVariants",
    "Containers",
    "CaptureOptions",
    "FeatureDefinitions",
    "CustomFileSystems",
    "CustomFileSystemConfigs",
    "CustomImages",
    "CodeRepositories",
    "MonitoringInputs",
    "MonitoringOutputs",
    "LifecycleConfigArns",
];

/// Members that are lists of text (a reference to one resource is one item of it).
const TEXT_LISTS: &[&str] = &[
    "SecurityGroupIds",
    "SecurityGroups",
    "Subnets",
    "SubnetIds",
    "LifecycleConfigArns",
    "AcceleratorTypes",
    "AdditionalCodeRepositories",
];

/// Endings of the members that hold a structure: one known only after apply is unsettled as a
/// whole (it cannot stand in the structure's place).
const STRUCTURES: &[&str] = &[
    "Config",
    "Configuration",
    "Spec",
    "Settings",
    "Source",
    "Policy",
    "Scaling",
    "Header",
    "Container",
];

/// Whether `member` holds a structure or a list of them.
fn structure(member: &str) -> bool {
    STRUCTURES.iter().any(|e| member.ends_with(e)) || LISTS.contains(&member)
}

/// Attributes whose members are data, not attributes (an environment's variable names).
const MAPS: &[&str] = &["environment", "hyper_parameters", "tags", "tags_all"];

/// Attributes the provider computes that no Create request has.
const COMPUTED: &[&str] = &[
    "id",
    "arn",
    "url",
    "network_interface_id",
    "tags",
    "tags_all",
    "name_prefix",
];

/// Whether `value` is a plan or state of `terraform show -json`.
pub fn is_terraform(value: &Value) -> bool {
    value.get("format_version").is_some()
        && (value.get("planned_values").is_some()
            || value.get("resource_changes").is_some()
            || value.get("values").is_some())
}

/// The configuration's expressions: each resource's by its address, each module call's by
/// the module's address.
type Expressions = BTreeMap<String, Value>;

/// A plan's or state's resources as a template.
pub fn template(file: &str, value: &Value) -> Result<Template, TemplateError> {
    let mut references = BTreeMap::new();
    if let Some(root) = value.pointer("/configuration/root_module") {
        expressions(root, "", &mut references, 0);
    }
    let mut resources = Map::new();
    let mut locations = BTreeMap::new();
    let mut add = |address: &str, kind: &str, after: &Value, unknown: &Value| {
        let Some((_, cfn_type)) = TYPES.iter().find(|(t, _)| *t == kind) else {
            return;
        };
        let config = references.get(&config_address(address));
        let mut properties = convert(kind, address, after, unknown, config, &references);
        // (`tags_all` adds the provider's default tags to `tags`)
        let tags = after
            .get("tags_all")
            .filter(|t| t.is_object())
            .or_else(|| after.get("tags"));
        if let Some(Value::Object(tags)) = tags {
            let list: Vec<Value> = tags
                .iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect();
            properties.insert("Tags".into(), Value::Array(list));
        }
        resources.insert(
            address.to_string(),
            json!({"Type": cfn_type, "Properties": properties}),
        );
        locations.insert(address.to_string(), address.to_string());
    };
    if let Some(changes) = value.get("resource_changes").and_then(Value::as_array) {
        for change in changes {
            let text = |k: &str| change.get(k).and_then(Value::as_str).unwrap_or_default();
            let actions = change.pointer("/change/actions").and_then(Value::as_array);
            let deleted = actions.is_some_and(|a| a.iter().all(|a| a == "delete"));
            if text("mode") != "managed" || deleted || change.get("deposed").is_some() {
                continue;
            }
            let after = change.pointer("/change/after").unwrap_or(&Value::Null);
            let unknown = change
                .pointer("/change/after_unknown")
                .unwrap_or(&Value::Null);
            add(text("address"), text("type"), after, unknown);
        }
    } else if let Some(root) = value.pointer("/values/root_module") {
        state_resources(root, &mut add, 0);
    } else {
        return Err(TemplateError {
            file: file.to_string(),
            line: 1,
            message: "a Terraform plan without resource_changes, or a state without values".into(),
        });
    }
    let mut root = Map::new();
    root.insert("Resources".into(), Value::Object(resources));
    Ok(Template {
        file: file.to_string(),
        root,
        positions: BTreeMap::new(),
        locations,
        sources: BTreeMap::new(),
    })
}

fn state_resources(module: &Value, add: &mut dyn FnMut(&str, &str, &Value, &Value), depth: usize) {
    if depth > super::text::MAX_DEPTH {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let text = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or_default();
        if text("mode") == "managed" {
            let values = r.get("values").unwrap_or(&Value::Null);
            add(text("address"), text("type"), values, &Value::Null);
        }
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        state_resources(child, add, depth + 1);
    }
}

/// The configuration's expressions of every resource, by address without instance keys
/// (`module.a.aws_x.y`), module calls followed.
fn expressions(module: &Value, prefix: &str, into: &mut BTreeMap<String, Value>, depth: usize) {
    if depth > super::text::MAX_DEPTH {
        return;
    }
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(address), Some(e)) = (
            r.get("address").and_then(Value::as_str),
            r.get("expressions"),
        ) {
            let mut e = e.clone();
            qualify(&mut e, prefix);
            into.insert(format!("{prefix}{address}"), e);
        }
    }
    if let Some(Value::Object(calls)) = module.get("module_calls") {
        for (name, call) in calls {
            // (a module's variables: what its call passes, by the module's address)
            if let Some(e) = call.get("expressions") {
                let mut e = e.clone();
                qualify(&mut e, prefix);
                into.insert(format!("{prefix}module.{name}"), e);
            }
            if let Some(inner) = call.get("module") {
                expressions(inner, &format!("{prefix}module.{name}."), into, depth + 1);
            }
        }
    }
}

/// References made module-relative by the configuration, prefixed with the module's address.
fn qualify(value: &mut Value, prefix: &str) {
    match value {
        Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                if k == "references" {
                    if let Value::Array(refs) = v {
                        for r in refs.iter_mut() {
                            if let Value::String(s) = r {
                                *s = format!("{prefix}{s}");
                            }
                        }
                    }
                } else {
                    qualify(v, prefix);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| qualify(i, prefix)),
        _ => {}
    }
}

/// An instance's address as the configuration names it: instance keys removed.
fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A resource's attributes as its Create request's members.
fn convert(
    kind: &str,
    address: &str,
    after: &Value,
    unknown: &Value,
    config: Option<&Value>,
    all: &Expressions,
) -> Map<String, Value> {
    let mut out = Map::new();
    let Value::Object(attributes) = after else {
        return out;
    };
    let mut names: Vec<&String> = attributes.keys().collect();
    if let Value::Object(u) = unknown {
        names.extend(u.keys().filter(|k| !attributes.contains_key(*k)));
    }
    for name in names {
        if COMPUTED.contains(&name.as_str()) {
            continue;
        }
        let value = attributes.get(name).unwrap_or(&Value::Null);
        let unknown = unknown.get(name).unwrap_or(&Value::Null);
        let config = config.and_then(|c| c.get(name));
        let member = member(kind, name);
        let where_ = format!("{address}.{name}");
        match attribute(kind, &member, name, (value, unknown, config), &where_, all) {
            // (a structure known only after apply: kept apart, still unsettled)
            Some(Value::String(s)) if s.starts_with(UNRESOLVED) && structure(&member) => {
                let apart = out
                    .entry(UNSETTLED)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(members) = apart {
                    members.insert(member, Value::String(s));
                }
            }
            Some(v) => {
                out.insert(member, v);
            }
            None => {}
        }
    }
    out
}

/// Where structures known only after apply are kept, by member: no reader reads it, and the
/// template's resolver finds them unsettled. The reader sees each as absent; the probe that
/// tells which results depend on them ([`super::settle`]) sees each as present and empty.
pub const UNSETTLED: &str = "\u{2047}KnownAfterApply";

/// What the probe puts in place of a structure known only after apply: a structure, or a list
/// of one, with nothing set.
pub fn present(member: &str) -> Value {
    match LISTS.contains(&member) {
        true => json!([{}]),
        false => json!({}),
    }
}

/// An attribute's planned value, what of it is known only after apply, and its expression.
type Planned<'a> = (&'a Value, &'a Value, Option<&'a Value>);

fn attribute(
    kind: &str,
    member: &str,
    name: &str,
    (value, unknown, config): Planned<'_>,
    address: &str,
    all: &Expressions,
) -> Option<Value> {
    if unknown == &Value::Bool(true) {
        // (a name generated at apply settles no setting: the resource is named as a
        // template's generated one, which no exemption matches)
        if name == "name" {
            return None;
        }
        // (a value the configuration does not set is the provider's or AWS's default, left out
        // as a template leaves it out; not so a structure, which a `dynamic` block may make,
        // and `terraform show -json` leaves dynamic blocks out of the configuration)
        if config.is_none() && !all.is_empty() && !structure(member) {
            return None;
        }
        let unsettled = || Value::String(format!("{UNRESOLVED}{address} (known after apply)"));
        return Some(
            match (
                TEXT_LISTS.contains(&member),
                references(member, config, all),
            ) {
                (true, Some(references)) => Value::Array(references),
                (true, None) => Value::Array(vec![unsettled()]),
                (false, Some(references)) => {
                    references.into_iter().next().unwrap_or_else(unsettled)
                }
                (false, None) => unsettled(),
            },
        );
    }
    if MAPS.contains(&name) {
        return value.is_object().then(|| value.clone());
    }
    // (a lifecycle configuration's scripts: base64 text in both, a list of `{Content}` in the API)
    if kind == "aws_sagemaker_notebook_instance_lifecycle_configuration"
        && matches!(name, "on_create" | "on_start")
    {
        return value.as_str().map(|s| json!([{"Content": s}]));
    }
    match value {
        Value::Null => None,
        Value::Array(items) if items.iter().all(Value::is_object) && !items.is_empty() => {
            let blocks: Vec<Value> = items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let u = unknown.get(i).unwrap_or(&Value::Null);
                    let c = config.and_then(|c| c.get(i));
                    Value::Object(convert(kind, &format!("{address}[{i}]"), item, u, c, all))
                })
                .collect();
            if LISTS.contains(&member) || blocks.len() > 1 {
                Some(Value::Array(blocks))
            } else {
                blocks.into_iter().next()
            }
        }
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) => Some(Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| match unknown.get(i) {
                    Some(Value::Bool(true)) => {
                        Value::String(format!("{UNRESOLVED}{address}[{i}] (known after apply)"))
                    }
                    _ => item.clone(),
                })
                .collect(),
        )),
        other => Some(other.clone()),
    }
}

/// The other resources of the plan a value the configuration refers to (`aws_kms_key.k.arn`),
/// as a template's references to them; `None` unless every reference is one (through module
/// variables too) of the type the member holds, so that a condition's operand (`var.subnet ==
/// null ? null : [aws_security_group.sg.id]`) is never taken for the value.
fn references(member: &str, config: Option<&Value>, all: &Expressions) -> Option<Vec<Value>> {
    let mut named = Vec::new();
    collect(config, all, &mut named, 0)?;
    let expected = [
        ("SecurityGroup", "aws_security_group"),
        ("Subnet", "aws_subnet"),
        ("Kms", "aws_kms_key"),
        ("Role", "aws_iam_role"),
        ("Vpc", "aws_vpc"),
    ]
    .iter()
    .find(|(part, _)| member.contains(part))
    .map(|(_, t)| *t);
    let mut out: Vec<Value> = Vec::new();
    for r in &named {
        // (`aws_kms_key.k` beside `aws_kms_key.k.arn`: the resource itself, no value)
        let (resource, attribute) = match r.rsplit_once('.') {
            Some((resource, attribute)) if resource.rsplit('.').nth(1).is_some_and(is_type) => {
                (resource, Some(attribute))
            }
            _ if r.rsplit('.').nth(1).is_some_and(is_type) => (r.as_str(), None),
            _ => return None,
        };
        let kind = resource.rsplit('.').nth(1)?;
        if expected.is_some_and(|e| e != kind) {
            return None;
        }
        let Some(attribute) = attribute else {
            continue;
        };
        let cfn_attribute = match (kind, attribute) {
            (_, "arn") => "Arn",
            ("aws_sagemaker_domain", "id") => "DomainId",
            ("aws_subnet", "id") => "SubnetId",
            ("aws_security_group", "id") => "GroupId",
            ("aws_vpc", "id") => "VpcId",
            ("aws_kms_key", "key_id" | "id") => "KeyId",
            (k, "name" | "id") => RENAMED
                .iter()
                .find(|(t, a, _)| *t == k && *a == "name")
                .map(|(_, _, member)| *member)?,
            _ => return None,
        };
        let reference = json!({"Fn::GetAtt": [resource, cfn_attribute]});
        if !out.contains(&reference) {
            out.push(reference);
        }
    }
    let scalar = !TEXT_LISTS.contains(&member);
    match out.len() {
        0 => None,
        n if scalar && n > 1 => None,
        _ => Some(out),
    }
}

/// Whether `kind` is a resource type read from plans.
fn is_type(kind: &str) -> bool {
    TYPES.iter().any(|(t, _)| *t == kind)
}

/// The references of an expression, a module variable's replaced by what the module's call
/// passes it; `None` for a variable no call sets.
fn collect(
    config: Option<&Value>,
    all: &Expressions,
    into: &mut Vec<String>,
    depth: usize,
) -> Option<()> {
    let named = config?.get("references")?.as_array()?;
    if depth > 16 {
        return None;
    }
    for r in named.iter().filter_map(Value::as_str) {
        let variable = match r.split_once("var.") {
            Some(("", v)) => Some(("", v)),
            Some((m, v)) => m.strip_suffix('.').map(|m| (m, v)),
            None => None,
        };
        match variable {
            Some((module, variable)) => {
                let call = all.get(module)?.get(variable.split('.').next()?);
                collect(call, all, into, depth + 1)?;
            }
            None => into.push(r.to_string()),
        }
    }
    Some(())
}

/// An attribute's member name: renamed, or its words capitalised (`kms_key_id` → `KmsKeyId`,
/// `volume_size_in_gb` → `VolumeSizeInGB`).
fn member(kind: &str, name: &str) -> String {
    if let Some((_, _, m)) = RENAMED
        .iter()
        .find(|(t, a, _)| (*t == kind || *t == "*") && *a == name)
    {
        return m.to_string();
    }
    name.split('_')
        .map(|word| match word {
            "gb" => "GB".to_string(),
            "mb" => "MB".to_string(),
            "r" => "R".to_string(),
            w => {
                let mut chars = w.chars();
                chars.next().map_or(String::new(), |c| {
                    c.to_ascii_uppercase().to_string() + chars.as_str()
                })
            }
        })
        .collect()
}

/// Where each resource block of `.tf` files is, by address, for a plan's findings
/// (`--repo-root`): `resource "TYPE" "NAME"` in the root module's files, and in a local module's
/// folder for `module.NAME.` addresses (`configuration.root_module.module_calls.NAME.source`).
pub fn locate(
    plan: &Value,
    address: &str,
    files: &mut dyn FnMut(&str) -> Vec<(String, String)>,
) -> Option<(String, Position)> {
    let mut folder = String::new();
    let mut module = plan.pointer("/configuration/root_module");
    let mut rest = config_address(address);
    while let Some(after) = rest.strip_prefix("module.") {
        let (name, tail) = after.split_once('.')?;
        let call = module?.get("module_calls")?.get(name)?;
        let source = call.get("source")?.as_str()?;
        if !source.starts_with('.') {
            return None;
        }
        folder = format!("{folder}{source}/");
        module = call.get("module");
        rest = tail.to_string();
    }
    let (kind, name) = rest.split_once('.')?;
    let wanted = format!("resource \"{kind}\" \"{name}\"");
    files(&folder).into_iter().find_map(|(file, text)| {
        let (i, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.trim_start().starts_with(&wanted))?;
        let column = line.len() - line.trim_start().len() + 1;
        Some((
            file,
            Position {
                line: i + 1,
                column,
            },
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_become_the_create_requests_members() {
        assert_eq!(
            member("aws_sagemaker_notebook_instance", "kms_key_id"),
            "KmsKeyId"
        );
        assert_eq!(
            member("aws_sagemaker_endpoint_configuration", "kms_key_arn"),
            "KmsKeyId"
        );
        assert_eq!(member("*", "volume_size_in_gb"), "VolumeSizeInGB");
        assert_eq!(
            member("aws_sagemaker_domain", "r_studio_server_pro_app_settings"),
            "RStudioServerProAppSettings"
        );
        assert_eq!(
            config_address("module.a[\"x\"].aws_b.c[0]"),
            "module.a.aws_b.c"
        );
    }
}
