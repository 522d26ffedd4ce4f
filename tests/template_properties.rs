//! Property-based tests of infrastructure code judging (`guardrail iac`): whatever a file holds
//! (a template, CDK manifest, Terraform plan or state, or pipeline definition of `tests/iac/`
//! with lines removed, repeated, cut or changed, or arbitrary text), reading it gives templates,
//! nothing (not infrastructure code), or an error naming the file and a line, and judging a
//! template gives reports, never a panic.
//!
//! Needs no emulator. The inputs are new on every run (set `PROPTEST_RNG_SEED` to repeat one;
//! `PROPTEST_CASES` sets the number of cases).

use std::path::{Path, PathBuf};

use guardrail_core::iac::{self, cfn, Deployment};
use guardrail_core::Policy;
use proptest::prelude::*;

/// The test templates and the corpus: templates, CDK manifests and their templates, Terraform
/// plans and states, pipeline definitions (the apps' sources left out).
fn templates() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("iac");
    let mut out = Vec::new();
    let mut folders = vec![root.join("templates"), root.join("corpus")];
    while let Some(folder) = folders.pop() {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&folder)
            .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for path in paths {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                if !name.ends_with("-src") {
                    folders.push(path);
                }
            } else if [".yaml", ".yml", ".json"].iter().any(|e| name.ends_with(e)) {
                let text = std::fs::read_to_string(&path)
                    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                out.push((path.display().to_string(), text));
            }
        }
    }
    assert!(out.len() >= 40, "{} files", out.len());
    out
}

/// The files a CDK manifest names, read beside it.
struct Beside(PathBuf);

impl iac::Files for Beside {
    fn open(&mut self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(self.0.join(path)).map_err(|e| e.to_string())
    }

    fn terraform_sources(&mut self, _folder: &str) -> Vec<(String, String)> {
        Vec::new()
    }
}

/// A change to a template's lines.
#[derive(Debug, Clone)]
enum Edit {
    Remove(usize),
    Repeat(usize),
    Cut(usize, usize),
    Replace(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let fragment = prop_oneof![
        Just("!Ref".to_string()),
        Just("!GetAtt X.".to_string()),
        Just("{\"Fn::If\": [\"C\", 1]}".to_string()),
        Just("!Sub '${".to_string()),
        Just("- - -".to_string()),
        Just("Type: AWS::SageMaker::Endpoint".to_string()),
        Just("  Properties: 7".to_string()),
        "[ -~]{0,40}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Repeat),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Cut(a, b)),
        (any::<usize>(), fragment).prop_map(|(a, t)| Edit::Replace(a, t)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        if lines.is_empty() {
            break;
        }
        let at = |i: &usize| i % lines.len();
        match edit {
            Edit::Remove(i) => {
                let i = at(i);
                lines.remove(i);
            }
            Edit::Repeat(i) => {
                let i = at(i);
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            Edit::Cut(i, n) => {
                let i = at(i);
                let keep = n % (lines[i].chars().count() + 1);
                lines[i] = lines[i].chars().take(keep).collect();
            }
            Edit::Replace(i, fragment) => {
                let i = at(i);
                lines[i] = fragment.clone();
            }
        }
    }
    lines.join("\n")
}

/// Reads `text` as `guardrail iac` does (any format) and judges what it holds under the
/// baseline and example policies.
fn check(file: &str, text: &str) -> Result<(), TestCaseError> {
    let folder = Path::new(file)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let read = iac::read(
        file,
        text,
        None,
        &Deployment::default(),
        &mut Beside(folder),
    );
    match read {
        Err(e) => {
            prop_assert!(
                e.file
                    .starts_with(file.rsplit_once('/').map_or("", |(f, _)| f)),
                "{e}"
            );
            prop_assert!(e.line >= 1, "{e}");
        }
        Ok(None) => {}
        Ok(Some(units)) => {
            let example = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/policy.example.toml"),
            )
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let policies = [
                Policy::baseline(),
                Policy::from_toml(&example, "example")
                    .map_err(|e| TestCaseError::fail(e.to_string()))?,
            ];
            for policy in &policies {
                for unit in &units {
                    let judged = iac::judge(&unit.template, &Deployment::default(), policy);
                    for j in &judged.judged {
                        prop_assert!(!j.report.results.is_empty());
                    }
                }
            }
        }
    }
    Ok(())
}

/// Any JSON value, with the names the readers look for among its keys.
fn json() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("Type".to_string()),
        Just("Arguments".to_string()),
        Just("Get".to_string()),
        Just("Std:Join".to_string()),
        Just("Resource".to_string()),
        Just("Parameters".to_string()),
        Just("Branches".to_string()),
        Just("States".to_string()),
        Just("after".to_string()),
        Just("after_unknown".to_string()),
        Just("references".to_string()),
        Just("module_calls".to_string()),
        Just("IfSteps".to_string()),
        "[a-z_.$]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        prop_oneof![
            Just("arn:aws:states:::sagemaker:createTrainingJob.sync".to_string()),
            Just("Training".to_string()),
            Just("Parameters.X".to_string()),
            Just("aws_sagemaker_model".to_string()),
            Just("var.x".to_string()),
            "[ -~]{0,12}",
        ]
        .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(serde_json::Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..5)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A Terraform plan or state, a pipeline, a state machine or a CDK manifest of any shape.
    #[test]
    fn any_shape_of_each_format_is_read_or_named_as_an_error(
        format in 0usize..5,
        body in json(),
        more in json(),
    ) {
        let value = match format {
            0 => serde_json::json!({"format_version": "1.2", "resource_changes": [{"mode": "managed", "type": "aws_sagemaker_endpoint_configuration", "address": "a.b", "change": {"after": body, "after_unknown": more}}], "configuration": {"root_module": {"resources": [{"address": "a.b", "expressions": more}], "module_calls": body}}}),
            1 => serde_json::json!({"format_version": "1.0", "values": {"root_module": {"resources": [{"mode": "managed", "type": "aws_sagemaker_notebook_instance", "address": "x.y", "values": body}], "child_modules": [more]}}}),
            2 => serde_json::json!({"Version": "2020-12-01", "Parameters": more, "Steps": [{"Name": "S", "Type": "Training", "Arguments": body}, more]}),
            3 => serde_json::json!({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createModel", "Parameters": body}, "B": more}}),
            _ => serde_json::json!({"version": "36.0.0", "artifacts": {"S": {"type": "aws:cloudformation:stack", "properties": body, "metadata": more}}}),
        };
        check("shape.json", &value.to_string())?;
    }

    #[test]
    fn an_edited_template_is_judged_or_named_as_an_error(
        index in any::<usize>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let all = templates();
        let (file, text) = &all[index % all.len()];
        check(file, &apply(text, &edits))?;
    }

    #[test]
    fn arbitrary_text_is_never_a_panic(text in "(\\PC|\\n|\\t){0,400}") {
        check("arbitrary.yaml", &text)?;
    }

    #[test]
    fn deep_nesting_is_an_error(depth in 129usize..5000) {
        let text = format!("Resources: {}{}", "[".repeat(depth), "]".repeat(depth));
        prop_assert!(cfn::parse("deep.yaml", &text).is_err());
    }
}
