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

use super::Check;
use crate::policy::TagSettings;
use crate::resource::Snapshot;

pub const REMEDY: &str = "Add the required tags (AddTags) with allowed values.";

pub fn check(snapshot: &Snapshot, settings: &TagSettings) -> Check {
    if settings.required.is_empty() {
        return Check::not_applicable("the policy requires no tags");
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
