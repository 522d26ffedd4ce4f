//! `lifecycle-configs`: a notebook instance runs only the lifecycle configurations the policy
//! allows.
//!
//! **What** — notebook `NotebookInstanceLifecycleConfigName` (`LifecycleConfigName` in the create
//! call) is absent or in the policy's `controls.lifecycle-configs.allowed` (names, compared
//! without case: SageMaker names differ by more than case); each HyperPod instance group's
//! `LifeCycleConfig.SourceS3Uri` is under an `s3://BUCKET/PREFIX` entry of the same list (S3 keys
//! compared with case, a prefix matching only whole path segments). An empty list allows none;
//! with no list in the policy the control is not applicable. Other kinds (jobs, endpoints):
//! not applicable.
//!
//! An entry may pin the configuration's scripts: `idle-shutdown@sha256:<64 hex>` (the digest of
//! [`crate::kinds::notebook_instance::script_digest`], which a failing finding shows). A name
//! alone is satisfied by whatever the configuration of that name holds, in any account, and
//! `UpdateNotebookInstanceLifecycleConfig` rewrites it in place; a pinned entry is satisfied only
//! by those scripts: a configuration rewritten, or deleted while the notebook uses it, fails.
//!
//! **Why** — a lifecycle configuration's scripts run as root at every start, also on a notebook
//! with `RootAccess = Disabled` (and on every HyperPod node it creates): whoever may attach one
//! owns the instance, its role's credentials and its network settings. An S3 location is only as
//! trustworthy as who may write to it: allow prefixes in buckets the platform team controls.
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
//! configuration when the list is empty. A pinned configuration cannot be rewritten:
//! `UpdateNotebookInstanceLifecycleConfig` on its ARN is denied (no condition key carries the
//! scripts, so a configuration created under the name with other scripts is left to the
//! detective control).

use serde_json::json;

use super::allowed::{AllowEntry, Allowed};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::{Dependency, Snapshot};

pub struct LifecycleConfigs;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("lifecycle-configs");

/// An allow-list entry: a name, and the digest of its scripts when pinned.
fn entry(value: &str) -> (&str, Option<&str>) {
    match value.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (value, None),
    }
}

/// An entry allowing HyperPod lifecycle scripts from an S3 location: `s3://BUCKET/PREFIX/`.
fn s3_prefix(value: &str) -> Option<&str> {
    value.starts_with("s3://").then_some(value)
}

/// Whether scripts at `uri` come from under the allowed `prefix`, segment by segment:
/// `s3://lcc/base` allows `s3://lcc/base/` and `s3://lcc/base/x/`, not `s3://lcc/base-evil/`
/// (a trailing `/` on either makes no difference). S3 keys are case-sensitive. A location with an
/// empty, `.` or `..` segment, or with `%` or `?`, is under nothing: how the nodes' downloader
/// resolves it is not documented.
fn under(prefix: &str, uri: &str) -> bool {
    let segments = |text: &str| -> Option<Vec<String>> {
        let path = text.strip_prefix("s3://")?.trim_end_matches('/');
        let parts: Vec<String> = path.split('/').map(str::to_string).collect();
        let odd = |p: &String| p.is_empty() || p == "." || p == ".." || p.contains(['%', '?']);
        (!parts.iter().any(odd)).then_some(parts)
    };
    match (segments(prefix), segments(uri)) {
        (Some(prefix), Some(uri)) => uri.starts_with(&prefix),
        _ => false,
    }
}

/// `NAME`, `NAME@sha256:<64 lower-case hex>`, or `s3://BUCKET/PREFIX`.
fn valid_entry(value: &str) -> Result<(), String> {
    if let Some(uri) = s3_prefix(value) {
        let bucket = uri["s3://".len()..].split('/').next().unwrap_or_default();
        return if bucket.len() >= 3 && under(uri, uri) {
            Ok(())
        } else {
            Err(format!(
                "`{value}`: an S3 location is s3://BUCKET/PREFIX, without empty, `.` or `..` \
                 segments, `%` or `?`"
            ))
        };
    }
    let (name, digest) = entry(value);
    valid_name(name)?;
    let Some(digest) = digest else {
        return Ok(());
    };
    let hex = digest.strip_prefix("sha256:").unwrap_or_default();
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(())
    } else {
        Err(format!(
            "`{value}`: a pinned configuration is NAME@sha256:<64 lower-case hex digits>"
        ))
    }
}

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
        Allowed::read(Self::ID, entry, valid_entry)
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
        scp.gap(
            Self::ID,
            actions::CREATE_CLUSTER,
            "no condition key carries a HyperPod instance group's LifeCycleConfig.SourceS3Uri \
             (on CreateCluster or UpdateCluster): the detective control judges it",
        );
        let allowed: Vec<&String> = allowed.iter().filter(|v| s3_prefix(v).is_none()).collect();
        let (operator, values) = if allowed.is_empty() {
            ("Null", json!("false"))
        } else {
            let arns: Vec<String> = allowed
                .iter()
                .map(|value| {
                    let name = entry(value).0;
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
        // A pinned configuration is never rewritten in place; one created again under its name
        // with other scripts is the detective control's.
        let pinned: Vec<String> = allowed
            .iter()
            .map(|v| entry(v))
            .filter(|(_, pin)| pin.is_some())
            .map(|(name, _)| {
                format!(
                    "arn:*:sagemaker:*:*:notebook-instance-lifecycle-config/{}",
                    name.to_ascii_lowercase()
                )
            })
            .collect();
        if !pinned.is_empty() {
            scp.deny_on(
                Self::ID,
                "LifecycleConfigsPinnedUpdate",
                &[actions::UPDATE_NOTEBOOK_LIFECYCLE_CONFIG],
                pinned,
            );
            scp.gap(
                Self::ID,
                actions::CREATE_NOTEBOOK_LIFECYCLE_CONFIG,
                "no condition key carries a lifecycle configuration's scripts: one deleted and \
                 created again under a pinned name with other scripts is judged by the \
                 detective control",
            );
        }
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
        let (prefixes, names): (Vec<&String>, Vec<&String>) =
            list.iter().partition(|v| s3_prefix(v).is_some());
        let names: Vec<String> = names.iter().map(|v| entry(v).0.to_string()).collect();
        let facets = snapshot.facets();
        facets.lifecycle_config().judge(snapshot.kind(), &|config| {
            if let Some(uri) = config.and_then(s3_prefix) {
                return Check::flag(
                    prefixes.iter().any(|p| under(p, uri)),
                    format!("lifecycle scripts from {uri}"),
                    &if prefixes.is_empty() {
                        "no lifecycle scripts from S3 (the policy allows no S3 location)".into()
                    } else {
                        let listed: Vec<&str> = prefixes.iter().map(|p| p.as_str()).collect();
                        format!("lifecycle scripts from under {}", listed.join(", "))
                    },
                );
            }
            let by_name = Allowed::judge(&names, *config, what);
            match (config, &by_name) {
                (Some(name), Check::Pass { .. }) => pinned(list, name, facets.lifecycle_digest()),
                _ => by_name,
            }
        })
    }
}

/// A configuration allowed by name, against the pins of its entries: any entry without a pin
/// allows it as it is; otherwise its scripts now must be those of a pin.
fn pinned(list: &[String], name: &str, digest: Option<&Dependency<String>>) -> Check {
    let pins: Vec<&str> = list
        .iter()
        .map(|v| entry(v))
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, pin)| pin)
        .collect::<Option<_>>()
        .unwrap_or_default();
    if pins.is_empty() {
        return Check::pass(format!("lifecycle configuration {name}"));
    }
    let expected = format!("lifecycle configuration {name} with the scripts pinned ({})", pins.join(", "));
    match digest {
        Some(Dependency::Found { value, .. }) => Check::flag(
            pins.contains(&value.as_str()),
            format!("lifecycle configuration {name}, scripts {value}"),
            &expected,
        ),
        Some(Dependency::Deleted { .. }) => Check::fail(
            format!("lifecycle configuration {name} deleted while the notebook uses it: its scripts cannot be verified"),
            expected,
        ),
        Some(Dependency::Replaced { .. }) | Some(Dependency::NotDescribed { .. }) => {
            Check::cannot(format!("the scripts of lifecycle configuration {name} were not read"))
        }
        // A Studio lifecycle configuration: immutable (AWS: "a Lifecycle Configuration script
        // cannot be changed after it has been created"), judged by name.
        None => Check::pass(format!("lifecycle configuration {name}")),
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

    /// Issue 19, case 2: a pinned configuration passes only with the scripts pinned; rewritten
    /// in place (or created again elsewhere under its name), or deleted while in use, it fails;
    /// unread, it cannot be evaluated. A name alone takes whatever the configuration holds. The
    /// SCP denies rewriting a pinned configuration.
    #[test]
    fn a_pinned_configuration_passes_only_with_its_scripts() -> Result<(), String> {
        use crate::kinds::notebook_instance::script_digest;
        let digest = script_digest("aWRsZQ==", "c2h1dGRvd24=");
        let rewritten = script_digest("aWRsZQ==", "Y3VybCBldmls");
        let pinned = Allowed {
            list: Some(vec![format!("idle-shutdown@{digest}")]),
        };
        let by_name = Allowed {
            list: Some(vec!["idle-shutdown".into()]),
        };
        let running = |d: Dependency<String>| {
            notebook(|n| {
                n.lifecycle_config = Some("Idle-Shutdown".into());
                n.lifecycle_digest = Some(d);
            })
        };
        let name = || "idle-shutdown".to_string();
        let found = |value: &str| Dependency::Found {
            name: name(),
            value: value.to_string(),
        };
        let cases = [
            ("the pinned scripts", found(&digest), &pinned, "PASS"),
            ("rewritten in place", found(&rewritten), &pinned, "FAIL"),
            ("deleted while in use", Dependency::Deleted { name: name() }, &pinned, "FAIL"),
            ("not read (offline)", Dependency::NotDescribed { name: name() }, &pinned, "CANNOT"),
            ("by name, rewritten", found(&rewritten), &by_name, "PASS"),
        ];
        let mut studio_app = app(|_| {});
        if let crate::resource::Details::App(a) = &mut studio_app.details {
            a.lifecycle_config = Some(
                "arn:aws:sagemaker:us-east-1:123456789012:studio-lifecycle-config/idle-shutdown"
                    .into(),
            );
        }
        let check = LifecycleConfigs::check(&studio_app, &pinned);
        assert_eq!(status(&check), "PASS", "a Studio app's, by name: {check:?}");
        for (case, digest, settings, want) in cases {
            let check = LifecycleConfigs::check(&running(digest), settings);
            assert_eq!(status(&check), want, "{case}: {check:?}");
        }
        let entry = |value: &str| -> AllowEntry {
            toml::from_str(&format!("allowed = [{value:?}]")).unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(LifecycleConfigs::settings(entry(&format!("idle-shutdown@{digest}"))).is_ok());
        for bad in ["idle-shutdown@sha256:abc", "idle-shutdown@md5:00", "-x@sha256:00"] {
            assert!(LifecycleConfigs::settings(entry(bad)).is_err(), "{bad}");
        }
        let text = format!(
            "[controls.lifecycle-configs]\nallowed = [\"idle-shutdown@{digest}\", \"install-tools\"]\n"
        );
        let policy = crate::Policy::from_toml(&text, "test").map_err(|e| e.to_string())?;
        let today = time::OffsetDateTime::now_utc().date();
        let scp = crate::preventive::generate(&policy, today);
        let statements = scp.document["Statement"].as_array().cloned().unwrap_or_default();
        let update = statements
            .iter()
            .find(|s| s["Sid"] == "LifecycleConfigsPinnedUpdate")
            .ok_or("no statement on pinned configurations")?;
        assert_eq!(
            update["Resource"],
            serde_json::json!(["arn:*:sagemaker:*:*:notebook-instance-lifecycle-config/idle-shutdown"])
        );
        Ok(())
    }

    /// HyperPod scripts' locations are judged segment by segment, with case, and a location
    /// whose resolution is not documented is under no prefix.
    #[test]
    fn s3_locations_are_under_a_prefix_segment_by_segment() {
        for (prefix, uri, want) in [
            ("s3://lcc/base", "s3://lcc/base/", true),
            ("s3://lcc/base/", "s3://lcc/base", true),
            ("s3://lcc/base", "s3://lcc/base/team/x/", true),
            ("s3://lcc/base", "s3://lcc/base-evil/", false),
            ("s3://lcc/base", "s3://lcc/Base/", false),
            ("s3://lcc/base", "s3://lcc/base/../evil/", false),
            ("s3://lcc/base", "s3://lcc/base//x/", false),
            ("s3://lcc/base", "s3://lcc/base%2F..%2Fevil/", false),
            ("s3://lcc/base", "s3a://lcc/base/", false),
            ("s3://lcc", "s3://lcc-other/base/", false),
        ] {
            assert_eq!(under(prefix, uri), want, "{prefix} / {uri}");
        }
        let entry = |value: &str| -> AllowEntry {
            toml::from_str(&format!("allowed = [{value:?}]")).unwrap_or_else(|e| panic!("{e}"))
        };
        assert!(LifecycleConfigs::settings(entry("s3://lcc/base/")).is_ok());
        for bad in ["s3://x", "s3://lcc/../base", "s3://lcc/a%20b"] {
            assert!(LifecycleConfigs::settings(entry(bad)).is_err(), "{bad}");
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
