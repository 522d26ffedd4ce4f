//! CDK cloud assemblies (`cdk.out`): the stacks a `manifest.json` names
//! (`aws:cloudformation:stack` artifacts and their `templateFile`), nested stages
//! (`cdk:cloud-assembly` artifacts, each a folder with its own manifest) followed, each stack
//! with the environment it deploys to (`aws://ACCOUNT/REGION`, unless `unknown-...`). A
//! resource's construct path (its `aws:cdk:path` metadata, or the manifest's `aws:cdk:logicalId`
//! entries) is its location. Source: the cloud assembly schema (`@aws-cdk/cloud-assembly-schema`)
//! and synthesized assemblies (research: issue 21, section 6).

use serde_json::Value;

use super::cfn::{self, TemplateError};
use super::{text, Unit};

/// Nested stages deeper than this are refused.
const MAX_NESTING: usize = 16;

/// Whether `value` is a cloud assembly's manifest.
pub fn is_manifest(value: &Value) -> bool {
    value.get("artifacts").is_some_and(Value::is_object) && value.get("version").is_some()
}

/// The stacks of the assembly whose manifest is `manifest` (read from `file`); `open` reads a
/// file by its path relative to the manifest's folder.
pub fn stacks(
    file: &str,
    manifest: &Value,
    open: &mut dyn FnMut(&str) -> Result<String, String>,
) -> Result<Vec<Unit>, TemplateError> {
    let mut out = Vec::new();
    let top = file.rsplit_once('/').map_or("", |(folder, _)| folder);
    let at = Assembly { top, open };
    at.read(file, manifest, "", &mut out, 0)?;
    Ok(out)
}

/// Where the assembly is, and how its files are read.
struct Assembly<'a> {
    /// The top manifest's folder, as findings name files.
    top: &'a str,
    open: &'a mut dyn FnMut(&str) -> Result<String, String>,
}

impl Assembly<'_> {
    /// A file of the assembly as findings name it.
    fn shown(&self, path: &str) -> String {
        match self.top {
            "" => path.to_string(),
            top => format!("{top}/{path}"),
        }
    }

    fn read(
        mut self,
        file: &str,
        manifest: &Value,
        folder: &str,
        out: &mut Vec<Unit>,
        depth: usize,
    ) -> Result<(), TemplateError> {
        let error = |message: String| TemplateError {
            file: file.to_string(),
            line: 1,
            message,
        };
        if depth > MAX_NESTING {
            return Err(error(format!("stages nested more than {MAX_NESTING} deep")));
        }
        let Some(Value::Object(artifacts)) = manifest.get("artifacts") else {
            return Err(error("a manifest without artifacts".into()));
        };
        for (id, artifact) in artifacts {
            let text_of = |path: &str| artifact.pointer(path).and_then(Value::as_str);
            match text_of("/type").unwrap_or_default() {
                "aws:cloudformation:stack" => {
                    let Some(template_file) = text_of("/properties/templateFile") else {
                        return Err(error(format!("stack {id} names no templateFile")));
                    };
                    let path = relative(folder, template_file).ok_or_else(|| {
                        error(format!("stack {id}: {template_file} leaves the assembly"))
                    })?;
                    let shown = self.shown(&path);
                    let body = (self.open)(&path).map_err(|e| error(format!("stack {id}: {e}")))?;
                    let (value, places) = text::load(&shown, &body)?;
                    let mut template = cfn::from_value(&shown, value, places)?;
                    // (a resource without `aws:cdk:path` metadata: the manifest's entries, inline
                    // or, since manifest version 55, in the stack's `additionalMetadataFile`)
                    let mut metadata = artifact.get("metadata").cloned();
                    if let Some(extra) = text_of("/additionalMetadataFile") {
                        let path = relative(folder, extra).ok_or_else(|| {
                            error(format!("stack {id}: {extra} leaves the assembly"))
                        })?;
                        let body =
                            (self.open)(&path).map_err(|e| error(format!("stack {id}: {e}")))?;
                        metadata = Some(text::load(&self.shown(&path), &body)?.0);
                    }
                    for (path, entries) in metadata
                        .as_ref()
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        for entry in entries.as_array().into_iter().flatten() {
                            if entry.get("type").and_then(Value::as_str)
                                == Some("aws:cdk:logicalId")
                            {
                                if let Some(logical) = entry.get("data").and_then(Value::as_str) {
                                    template
                                        .locations
                                        .entry(logical.to_string())
                                        .or_insert_with(|| path.clone());
                                }
                            }
                        }
                    }
                    let (account, region) =
                        environment(text_of("/environment").unwrap_or_default());
                    out.push(Unit {
                        template,
                        account,
                        region,
                    });
                }
                "cdk:cloud-assembly" => {
                    let Some(directory) = text_of("/properties/directoryName") else {
                        return Err(error(format!("stage {id} names no directoryName")));
                    };
                    let inner = relative(folder, directory).ok_or_else(|| {
                        error(format!("stage {id}: {directory} leaves the assembly"))
                    })?;
                    let path = format!("{inner}/manifest.json");
                    let body = (self.open)(&path).map_err(|e| error(format!("stage {id}: {e}")))?;
                    let shown = self.shown(&path);
                    let (nested, _) = text::load(&shown, &body)?;
                    self.reborrow()
                        .read(&shown, &nested, &inner, out, depth + 1)?;
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn reborrow(&mut self) -> Assembly<'_> {
        Assembly {
            top: self.top,
            open: &mut *self.open,
        }
    }
}

/// `name` within `folder`; `None` for a path that leaves the assembly.
fn relative(folder: &str, name: &str) -> Option<String> {
    if name.starts_with('/') || name.split(['/', '\\']).any(|part| part == "..") {
        return None;
    }
    Some(match folder {
        "" => name.to_string(),
        f => format!("{f}/{name}"),
    })
}

/// The account and region of `aws://ACCOUNT/REGION`, each unless unknown.
fn environment(text: &str) -> (Option<String>, Option<String>) {
    let Some((account, region)) = text.strip_prefix("aws://").and_then(|t| t.split_once('/'))
    else {
        return (None, None);
    };
    let known = |v: &str| (!v.starts_with("unknown-") && !v.is_empty()).then(|| v.to_string());
    (known(account), known(region))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn a_manifests_stacks_and_nested_stages_are_read_with_their_environment() {
        let files = BTreeMap::from([
            (
                "Top.template.json",
                r#"{"Resources": {"Nb": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {}}}}"#,
            ),
            (
                "assembly-Prod/manifest.json",
                r#"{"version": "36.0.0", "artifacts": {"ProdStack": {"type": "aws:cloudformation:stack",
                    "environment": "aws://111122223333/eu-west-1",
                    "properties": {"templateFile": "ProdStack.template.json"},
                    "metadata": {"/Prod/Stack/Model/Resource": [{"type": "aws:cdk:logicalId", "data": "Model"}]}}}}"#,
            ),
            (
                "assembly-Prod/ProdStack.template.json",
                r#"{"Resources": {"Model": {"Type": "AWS::SageMaker::Model", "Properties": {}}}}"#,
            ),
        ]);
        let manifest = json!({"version": "36.0.0", "artifacts": {
            "Top": {"type": "aws:cloudformation:stack", "environment": "aws://unknown-account/unknown-region",
                    "properties": {"templateFile": "Top.template.json"}},
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
            "Prod": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
        }});
        let mut open = |path: &str| {
            files
                .get(path)
                .map(|s| s.to_string())
                .ok_or_else(|| format!("{path}: not found"))
        };
        let units = stacks("cdk.out/manifest.json", &manifest, &mut open).unwrap();
        let read: Vec<(&str, Option<&str>, Option<&str>)> = units
            .iter()
            .map(|u| {
                (
                    u.template.file.as_str(),
                    u.account.as_deref(),
                    u.region.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            read,
            [
                (
                    "cdk.out/assembly-Prod/ProdStack.template.json",
                    Some("111122223333"),
                    Some("eu-west-1")
                ),
                ("cdk.out/Top.template.json", None, None)
            ]
        );
        assert_eq!(
            units[0].template.locations["Model"],
            "/Prod/Stack/Model/Resource"
        );
        let escape = json!({"version": "1", "artifacts": {"S": {"type": "aws:cloudformation:stack",
            "properties": {"templateFile": "../../etc/passwd"}}}});
        let e = stacks("cdk.out/manifest.json", &escape, &mut open).unwrap_err();
        assert!(e.message.contains("leaves the assembly"), "{e}");
    }
}
