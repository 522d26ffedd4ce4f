//! `public-crowd`: labeling and review data goes only to workteams the organisation trusts.
//!
//! **What** — a Ground Truth labeling job's `HumanTaskConfig.WorkteamArn`, and an A2I flow
//! definition's `HumanLoopConfig.WorkteamArn` (not applicable without a human loop), is not the public
//! Amazon Mechanical Turk workforce (`workteam/public-crowd/...`, AWS: "the public workforce
//! ... cannot be used with data containing personally identifiable information"), and, when the
//! policy lists `allowed_workteams` (ARNs), is one of them: a private workforce or a vendor the
//! organisation approved. Other kinds: not applicable.
//!
//! **Why** — whoever labels the data sees it: the public crowd is anyone on Mechanical Turk,
//! outside any agreement, and a vendor or private team not on the list is outside the review
//! that approved who may see which data.
//!
//! **Example** — `CreateLabelingJob` with `WorkteamArn =
//! arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default` fails.
//!
//! **Fix** — stop the job and create it again with a private workteam (or an approved vendor);
//! create the flow definition again with one (the flow definition is alerted, and deleted only
//! on opt-in).
//! **Prevented** with `sagemaker:WorkteamType` (`public-crowd` denied on `CreateLabelingJob` and
//! `CreateFlowDefinition`) and, with an allow-list, `sagemaker:WorkteamArn`.

use serde::Deserialize;
use serde_json::json;

use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct PublicCrowd;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("public-crowd");

/// `[controls.public-crowd]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrowdEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    allowed_workteams: Option<Vec<String>>,
}

impl super::Entry for CrowdEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// The workteams allowed (empty: any but the public crowd).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrowdSettings {
    pub allowed_workteams: Vec<String>,
}

/// Whether `arn` is a workteam of the public workforce.
fn public(arn: &str) -> bool {
    arn.split_once(":workteam/")
        .is_some_and(|(_, team)| team.starts_with("public-crowd/"))
}

impl Control for PublicCrowd {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Stop the labeling job (or delete the flow definition) and create it again with a private workteam or an approved vendor.";
    type Entry = CrowdEntry;
    type Settings = CrowdSettings;

    fn settings(entry: CrowdEntry) -> Result<CrowdSettings, Invalid> {
        let allowed = entry.allowed_workteams.unwrap_or_default();
        for (i, arn) in allowed.iter().enumerate() {
            let field = || format!("controls.{ID}.allowed_workteams[{i}]");
            if !arn.starts_with("arn:") || !arn.contains(":workteam/") || arn.contains(['*', '?']) {
                return Err((
                    field(),
                    format!("`{arn}` is not a workteam ARN (written out, without wildcards)"),
                ));
            }
            if public(arn) {
                return Err((field(), format!("`{arn}` is the public workforce, which this control refuses")));
            }
        }
        Ok(CrowdSettings {
            allowed_workteams: allowed,
        })
    }

    fn check(snapshot: &Snapshot, settings: &CrowdSettings) -> Check {
        snapshot.facets().workteam().judge(snapshot.kind(), &|team| {
            let Some(team) = *team else {
                return Check::cannot("the job names no workteam");
            };
            let allowed = &settings.allowed_workteams;
            if public(team) {
                Check::fail(
                    format!("workteam {team}: the public Mechanical Turk workforce"),
                    "a private workteam or an approved vendor",
                )
            } else if !allowed.is_empty() {
                Check::flag(
                    allowed.iter().any(|a| a == team),
                    format!("workteam {team}"),
                    &format!("one of the allowed workteams: {}", allowed.join(", ")),
                )
            } else {
                Check::pass(format!("workteam {team}"))
            }
        })
    }

    fn prevent(settings: &CrowdSettings, scp: &mut Scp<'_>) {
        const ACTIONS: [&str; 2] = [actions::CREATE_LABELING, actions::CREATE_FLOW_DEFINITION];
        scp.deny(
            Self::ID,
            Deny {
                sid: "PublicCrowd".into(),
                actions: &ACTIONS,
                operator: "StringEquals",
                key: "sagemaker:WorkteamType",
                values: json!("public-crowd"),
                unless: None,
                also: None,
            },
        );
        if !settings.allowed_workteams.is_empty() {
            scp.deny(
                Self::ID,
                Deny {
                    sid: "PublicCrowdWorkteamNotAllowed".into(),
                    actions: &ACTIONS,
                    operator: "ArnNotEquals",
                    key: "sagemaker:WorkteamArn",
                    values: json!(settings.allowed_workteams),
                    // (a flow definition may name no workteam: only one named is judged)
                    unless: Some(("Null", "sagemaker:WorkteamArn", json!("false"))),
                    also: None,
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    const PUBLIC: &str = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default";
    const TEAM: &str = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/annotators";

    #[test]
    fn table() {
        let any = CrowdSettings::default();
        let listed = CrowdSettings {
            allowed_workteams: vec![TEAM.into()],
        };
        let other = "arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/interns";
        let cases = [
            ("private team", labeling(|l| l.workteam = Some(TEAM.into())), &any, "PASS"),
            ("public crowd", labeling(|l| l.workteam = Some(PUBLIC.into())), &any, "FAIL"),
            ("public crowd, even when listed teams exist", labeling(|l| l.workteam = Some(PUBLIC.into())), &listed, "FAIL"),
            ("a team not listed", labeling(|l| l.workteam = Some(other.into())), &listed, "FAIL"),
            ("a listed team", labeling(|l| l.workteam = Some(TEAM.into())), &listed, "PASS"),
            ("no workteam reported", labeling(|l| l.workteam = None), &any, "CANNOT"),
            ("training", training(|_| {}), &any, "N/A"),
            ("notebook", notebook(|_| {}), &any, "N/A"),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&PublicCrowd::check(&snap, settings)), want, "{name}");
        }
        let entry = |text: &str| -> CrowdEntry { toml::from_str(text).unwrap_or_else(|e| panic!("{e}")) };
        let refused = PublicCrowd::settings(entry(&format!("allowed_workteams = [{PUBLIC:?}]")));
        assert_eq!(refused.err().map(|e| e.0), Some("controls.public-crowd.allowed_workteams[0]".into()));
    }
}
