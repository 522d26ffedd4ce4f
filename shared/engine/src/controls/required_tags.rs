//! `required-tags`: every resource carries the tags the organisation needs to own and cost it.
//!
//! **What** — each key in the policy's `controls.required-tags.tags` is present with a non-empty
//! value and, when the policy lists allowed values for it, one of them. Applies to all kinds
//! (`ListTags` on the live resource). With no required keys the control is not applicable.
//!
//! **Why** — untagged resources have no owner to call during an incident and no cost centre to
//! bill; classification tags drive other controls (data handling, retention).
//!
//! **Example** — with `owner` required, a training job tagged only `cost-center` fails.
//!
//! **Fix** — `AddTags` on the resource (or recreate it) with the required keys and allowed values.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::json;

use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct RequiredTags;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("required-tags");

/// Required tag keys, each with its allowed values (empty: any value).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TagSettings {
    pub required: BTreeMap<String, Vec<String>>,
}

/// `[controls.required-tags]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TagsEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    /// Tag key -> allowed values (empty list: any value).
    tags: Option<BTreeMap<String, Vec<String>>>,
}

impl super::Entry for TagsEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// The create calls that take `aws:RequestTag/...` (not `CreateApp`: Studio creates apps from
/// its own interface, with no tags of the user's; an app is judged by the detective control).
const TAGGED_ACTIONS: [&str; 22] = [
    actions::CREATE_FLOW_DEFINITION,
    actions::CREATE_INFERENCE_EXPERIMENT,
    actions::CREATE_RECOMMENDATION_JOB,
    actions::CREATE_MLFLOW_TRACKING_SERVER,
    actions::CREATE_MLFLOW_APP,
    actions::CREATE_MODEL_PACKAGE,
    actions::CREATE_OPTIMIZATION,
    actions::CREATE_LABELING,
    actions::CREATE_COMPILATION,
    actions::CREATE_FEATURE_GROUP,
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
    actions::CREATE_CLUSTER,
    actions::CREATE_NOTEBOOK,
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TRANSFORM,
    actions::CREATE_TUNING,
    actions::CREATE_ENDPOINT,
    actions::CREATE_DOMAIN,
    actions::CREATE_USER_PROFILE,
    actions::CREATE_SPACE,
];

impl Control for RequiredTags {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Audit, Severity::Low);
    const REMEDY: &'static str = "Add the required tags (AddTags) with allowed values.";
    type Entry = TagsEntry;
    type Settings = TagSettings;

    /// Without a `tags` table, the baseline requires `owner` (any value).
    fn settings(entry: TagsEntry) -> Result<TagSettings, Invalid> {
        let required = entry
            .tags
            .unwrap_or_else(|| BTreeMap::from([("owner".to_string(), Vec::new())]));
        if let Some(key) = required.keys().find(|k| k.trim().is_empty()) {
            return Err((
                format!("controls.{}.tags", Self::ID),
                format!("tag key `{key}` is empty"),
            ));
        }
        Ok(TagSettings { required })
    }

    fn check(snapshot: &Snapshot, settings: &TagSettings) -> Check {
        check(snapshot, settings)
    }

    fn prevent(settings: &TagSettings, scp: &mut Scp<'_>) {
        let mut names: Vec<String> = Vec::new();
        for (i, (key, values)) in settings.required.iter().enumerate() {
            let mut name = crate::preventive::sid_words(key);
            if names.contains(&name) {
                name = format!("{name}{i}");
            }
            names.push(name.clone());
            let condition_key = format!("aws:RequestTag/{key}");
            scp.deny_missing(
                Self::ID,
                format!("RequiredTag{name}Missing"),
                &TAGGED_ACTIONS,
                &condition_key,
            );
            if !values.is_empty() {
                scp.deny(
                    Self::ID,
                    Deny {
                        sid: format!("RequiredTag{name}NotAllowed"),
                        actions: &TAGGED_ACTIONS,
                        operator: "StringNotEquals",
                        key: &condition_key,
                        values: json!(values),
                        unless: None,
                        also: None,
                    },
                );
            }
        }
        if !settings.required.is_empty() {
            scp.gap(
                Self::ID,
                "sagemaker:DeleteTags",
                "tags removed or changed after creation are caught by the detective control",
            );
        }
    }
}

fn check(snapshot: &Snapshot, settings: &TagSettings) -> Check {
    if settings.required.is_empty() {
        return Check::not_applicable("the policy requires no tags");
    }
    if let Some(reason) = snapshot.facets().tags_not_owned() {
        return Check::not_applicable(reason);
    }
    let Some(tags) = &snapshot.tags else {
        return Check::cannot("tags not available");
    };
    let mut problems = Vec::new();
    for (key, allowed) in &settings.required {
        match tags.get(key).map(|v| v.trim()) {
            None | Some("") => problems.push(format!("{key} missing")),
            Some(value) if !allowed.is_empty() && !allowed.iter().any(|a| a == value) => {
                problems.push(format!("{key}={value} not allowed"))
            }
            Some(_) => {}
        }
    }
    let expected = settings
        .required
        .iter()
        .map(|(k, allowed)| {
            if allowed.is_empty() {
                k.clone()
            } else {
                format!("{k} in [{}]", allowed.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    if problems.is_empty() {
        let present = settings
            .required
            .keys()
            .filter_map(|k| tags.get(k).map(|v| format!("{k}={v}")))
            .collect::<Vec<_>>()
            .join(", ");
        Check::pass(present)
    } else {
        Check::fail(problems.join(", "), format!("tags {expected}"))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::controls::fixtures::*;

    fn with_tags(mut snap: Snapshot, tags: &[(&str, &str)]) -> Snapshot {
        snap.tags = Some(
            tags.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        snap
    }

    #[test]
    fn table() {
        let settings = TagSettings {
            required: BTreeMap::from([
                ("owner".to_string(), vec![]),
                (
                    "data-classification".to_string(),
                    vec!["internal".to_string(), "confidential".to_string()],
                ),
            ]),
        };
        let none = TagSettings::default();
        let good = [("owner", "alice"), ("data-classification", "internal")];
        type Maker = fn() -> Snapshot;
        let makers: [(&str, Maker); 6] = [
            ("notebook", || notebook(|_| {})),
            ("training", || training(|_| {})),
            ("processing", || processing(|_| {})),
            ("transform", || transform(|_| {})),
            ("tuning", || tuning(|_| {})),
            ("endpoint", || endpoint(|_| {})),
        ];
        for (kind, make) in makers {
            let cases = [
                ("compliant", with_tags(make(), &good), &settings, "PASS"),
                (
                    "key missing",
                    with_tags(make(), &[("data-classification", "internal")]),
                    &settings,
                    "FAIL",
                ),
                (
                    "empty value",
                    with_tags(
                        make(),
                        &[("owner", " "), ("data-classification", "internal")],
                    ),
                    &settings,
                    "FAIL",
                ),
                (
                    "value outside allow-list",
                    with_tags(
                        make(),
                        &[("owner", "bob"), ("data-classification", "public")],
                    ),
                    &settings,
                    "FAIL",
                ),
                (
                    "tags unknown",
                    {
                        let mut s = make();
                        s.tags = None;
                        s
                    },
                    &settings,
                    "CANNOT",
                ),
                ("nothing required", make(), &none, "N/A"),
            ];
            for (name, snap, settings, want) in cases {
                assert_eq!(status(&check(&snap, settings)), want, "{kind} {name}");
            }
        }
    }

    #[test]
    fn failure_lists_every_problem() {
        let settings = TagSettings {
            required: BTreeMap::from([
                ("owner".to_string(), vec![]),
                ("env".to_string(), vec!["prod".to_string()]),
            ]),
        };
        match check(&with_tags(training(|_| {}), &[("env", "dev")]), &settings) {
            Check::Fail { observed, expected } => {
                assert_eq!(observed, "env=dev not allowed, owner missing");
                assert_eq!(expected, "tags env in [prod], owner");
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }
}
