//! `lifecycle-configs`: a notebook instance runs only the lifecycle configurations the policy
//! allows.
//!
//! **What** — notebook `NotebookInstanceLifecycleConfigName` (`LifecycleConfigName` in the create
//! call) is absent or in the policy's `controls.lifecycle-configs.allowed` (names, compared
//! without case: SageMaker names differ by more than case). An empty list allows none; with no
//! list in the policy the control is not applicable. Other kinds: not applicable.
//!
//! **Why** — a lifecycle configuration's scripts run as root at every start, also on a notebook
//! with `RootAccess = Disabled`: whoever may attach one owns the instance, its role's credentials
//! and its network settings.
//!
//! **Example** — with `allowed = ["idle-shutdown"]`, a notebook started with `install-tools`
//! fails.
//!
//! **Fix** — stop the notebook and update it with an allowed lifecycle configuration (or
//! `DisassociateLifecycleConfig = true`).
//!
//! **Prevented** with `sagemaker:NotebookInstanceLifecycleConfigArns` (an array of ARNs, on
//! create and update): a request naming a configuration outside the list is denied
//! (`ForAnyValue:ArnNotLike` on the listed names' ARNs, any account and region), or naming any
//! configuration when the list is empty.

use serde_json::json;

use super::allowed::{AllowEntry, Allowed};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct LifecycleConfigs;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("lifecycle-configs");

/// SageMaker's pattern for a lifecycle configuration name: `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`, at
/// most 63 characters.
fn valid_name(name: &str) -> Result<(), String> {
    let bytes = name.as_bytes();
    let valid = !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric);
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a lifecycle configuration name (letters, digits and inner hyphens, \
             at most 63)"
        ))
    }
}

impl Control for LifecycleConfigs {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Stop the notebook and update it with an allowed lifecycle configuration, or none (DisassociateLifecycleConfig = true).";
    type Entry = AllowEntry;
    type Settings = Allowed;

    fn settings(entry: AllowEntry) -> Result<Allowed, Invalid> {
        Allowed::read(Self::ID, entry, valid_name)
    }

    fn prevent(settings: &Allowed, scp: &mut Scp<'_>) {
        const ACTIONS: [&str; 2] = [actions::CREATE_NOTEBOOK, actions::UPDATE_NOTEBOOK];
        const KEY: &str = "sagemaker:NotebookInstanceLifecycleConfigArns";
        const STUDIO_ACTIONS: [&str; 7] = [
            actions::CREATE_APP,
            actions::CREATE_SPACE,
            actions::UPDATE_SPACE,
            actions::CREATE_DOMAIN,
            actions::UPDATE_DOMAIN,
            actions::CREATE_USER_PROFILE,
            actions::UPDATE_USER_PROFILE,
        ];
        let Some(allowed) = &settings.list else {
            return;
        };
        let (operator, values) = if allowed.is_empty() {
            ("Null", json!("false"))
        } else {
            let arns: Vec<String> = allowed
                .iter()
                .map(|name| {
                    format!(
                        "arn:*:sagemaker:*:*:notebook-instance-lifecycle-config/{}",
                        name.to_ascii_lowercase()
                    )
                })
                .collect();
            ("ForAnyValue:ArnNotLike", json!(arns))
        };
        scp.deny(
            Self::ID,
            Deny {
                sid: "LifecycleConfigsNotAllowed".into(),
                actions: &ACTIONS,
                operator,
                key: KEY,
                values: values.clone(),
                unless: None,
                also: None,
            },
        );
        // Studio's lifecycle configurations: the same names, their own ARNs.
        let studio = match values {
            serde_json::Value::Array(arns) => json!(arns
                .iter()
                .filter_map(|a| a.as_str())
                .map(|a| a.replace(
                    "notebook-instance-lifecycle-config/",
                    "studio-lifecycle-config/"
                ))
                .collect::<Vec<_>>()),
            other => other,
        };
        scp.deny(
            Self::ID,
            Deny {
                sid: "LifecycleConfigsStudioNotAllowed".into(),
                actions: &STUDIO_ACTIONS,
                operator,
                key: "sagemaker:StudioLifecycleConfigArns",
                values: studio,
                unless: None,
                also: None,
            },
        );
    }

    fn check(snapshot: &Snapshot, settings: &Allowed) -> Check {
        let what = "lifecycle configuration";
        let list = match settings.or_not_applicable(Self::ID, "lifecycle configurations") {
            Ok(list) => list,
            Err(not_applicable) => return not_applicable,
        };
        snapshot
            .facets()
            .lifecycle_config()
            .judge(snapshot.kind(), &|config| Allowed::judge(list, *config, what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    fn with(name: Option<&str>) -> Snapshot {
        notebook(|n| n.lifecycle_config = name.map(str::to_string))
    }

    #[test]
    fn table() {
        let listed = Allowed {
            list: Some(vec!["idle-shutdown".into()]),
        };
        let none_allowed = Allowed {
            list: Some(Vec::new()),
        };
        let unset = Allowed::default();
        let cases = [
            ("notebook without one", with(None), &listed, "PASS"),
            ("notebook listed", with(Some("idle-shutdown")), &listed, "PASS"),
            ("notebook listed, other case", with(Some("Idle-Shutdown")), &listed, "PASS"),
            ("notebook not listed", with(Some("install-tools")), &listed, "FAIL"),
            ("notebook, none allowed", with(Some("idle-shutdown")), &none_allowed, "FAIL"),
            ("notebook, no list", with(Some("install-tools")), &unset, "N/A"),
            ("training", training(|_| {}), &listed, "N/A"),
            ("processing", processing(|_| {}), &listed, "N/A"),
            ("transform", transform(|_| {}), &listed, "N/A"),
            ("tuning", tuning(|_| {}), &listed, "N/A"),
            ("endpoint", endpoint(|_| {}), &listed, "N/A"),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&LifecycleConfigs::check(&snap, settings)), want, "{name}");
        }
    }

    #[test]
    fn names_that_sagemaker_refuses_are_refused_with_their_field() {
        let entry = |names: &[&str]| -> AllowEntry {
            let names: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
            let text = format!("allowed = [{}]", names.join(", "));
            toml::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
        };
        assert!(LifecycleConfigs::settings(entry(&["idle-shutdown", "a1"])).is_ok());
        for bad in ["-lead", "trail-", "has space", "", &"x".repeat(64)] {
            let err = LifecycleConfigs::settings(entry(&["ok", bad])).err();
            assert_eq!(
                err.map(|e| e.0),
                Some("controls.lifecycle-configs.allowed[1]".to_string()),
                "{bad:?}"
            );
        }
    }
}
