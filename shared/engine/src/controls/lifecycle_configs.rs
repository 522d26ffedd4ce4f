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

use serde::Deserialize;
use serde_json::json;

use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct LifecycleConfigs;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("lifecycle-configs");

/// `[controls.lifecycle-configs]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    /// The lifecycle configuration names allowed (empty: none).
    allowed: Option<Vec<String>>,
}

impl super::Entry for LifecycleEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// The allowed names; `None`: the policy lists none and the control does not apply.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LifecycleSettings {
    pub allowed: Option<Vec<String>>,
}

/// SageMaker's pattern for a lifecycle configuration name: `^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`, at
/// most 63 characters.
fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
}

impl Control for LifecycleConfigs {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Stop the notebook and update it with an allowed lifecycle configuration, or none (DisassociateLifecycleConfig = true).";
    type Entry = LifecycleEntry;
    type Settings = LifecycleSettings;

    fn settings(entry: LifecycleEntry) -> Result<LifecycleSettings, Invalid> {
        for (i, name) in entry.allowed.iter().flatten().enumerate() {
            if !valid_name(name) {
                return Err((
                    format!("controls.{}.allowed[{i}]", Self::ID),
                    format!("`{name}` is not a lifecycle configuration name (letters, digits and inner hyphens, at most 63)"),
                ));
            }
        }
        Ok(LifecycleSettings {
            allowed: entry.allowed,
        })
    }

    fn prevent(settings: &LifecycleSettings, scp: &mut Scp<'_>) {
        const ACTIONS: [&str; 2] = [actions::CREATE_NOTEBOOK, actions::UPDATE_NOTEBOOK];
        const KEY: &str = "sagemaker:NotebookInstanceLifecycleConfigArns";
        let Some(allowed) = &settings.allowed else {
            return;
        };
        let (operator, values) = if allowed.is_empty() {
            ("Null", json!("false"))
        } else {
            let arns: Vec<String> = allowed
                .iter()
                .map(|name| {
                    format!(
                        "arn:aws:sagemaker:*:*:notebook-instance-lifecycle-config/{}",
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
                values,
                unless: None,
                also: None,
            },
        );
    }

    fn check(snapshot: &Snapshot, settings: &LifecycleSettings) -> Check {
        let Some(allowed) = &settings.allowed else {
            return Check::not_applicable(format!(
                "the policy lists no allowed lifecycle configurations (controls.{}.allowed)",
                Self::ID
            ));
        };
        let expected = if allowed.is_empty() {
            "no lifecycle configuration".to_string()
        } else {
            format!("no lifecycle configuration, or one of: {}", allowed.join(", "))
        };
        snapshot
            .facets()
            .lifecycle_config()
            .judge(snapshot.kind(), &|config| match config {
                None => Check::pass("no lifecycle configuration"),
                Some(name) => Check::flag(
                    allowed.iter().any(|a| a.eq_ignore_ascii_case(name)),
                    format!("lifecycle configuration {name}"),
                    &expected,
                ),
            })
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
        let listed = LifecycleSettings {
            allowed: Some(vec!["idle-shutdown".into()]),
        };
        let none_allowed = LifecycleSettings {
            allowed: Some(Vec::new()),
        };
        let unset = LifecycleSettings::default();
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
        let entry = |names: &[&str]| LifecycleEntry {
            allowed: Some(names.iter().map(|n| n.to_string()).collect()),
            ..LifecycleEntry::default()
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
