//! The finding document for one evaluated resource: what was observed, which controls failed,
//! what was done about it. It is the inspector's result, the `default` body of the SNS alert,
//! and what `guardrail replay --format json` prints.

use serde::{Deserialize, Serialize};

use crate::event::{Actor, Cause, Trigger};
use crate::finding::{worst_problem, ControlResult};
use crate::policy::{Policy, Severity};
use crate::remediation::{Action, Plan};
use crate::resource::{ResourceKind, Snapshot};

/// Where the evaluated configuration came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Described from the live resource (the Lambda, `replay --live`).
    Live,
    /// Read from the event itself (offline `replay`): nothing was executed.
    Event,
}

/// What happened when the plan was carried out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "kebab-case")]
pub enum ActionResult {
    /// The plan called for no API call.
    NoCall,
    /// Offline replay: the Lambda would make this call.
    NotExecuted,
    Done,
    /// AWS reported the resource already stopped or gone: the goal is met.
    AlreadyDone {
        detail: String,
    },
    Failed {
        error: String,
    },
    /// The action was not needed after all: a Studio domain, profile or space whose running apps
    /// all pass on their own settings keeps them.
    Spared {
        detail: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remediation {
    #[serde(flatten)]
    pub plan: Plan,
    #[serde(flatten)]
    pub result: ActionResult,
    /// When the call completed (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// What the guardrail did about a resource. Its word ([`ActionOutcome::as_str`]) is what message
/// attributes, tables and stored records carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum ActionOutcome {
    None,
    Audit,
    Stopped,
    Deleted,
    /// A Studio domain, user profile or space cannot be stopped: its running apps were deleted.
    AppsDeleted,
    /// A model package set `Rejected`: it can no longer be deployed.
    Rejected,
    RolledBack,
    Failed,
    Planned,
    Deferred,
    AlreadyInactive,
    Disabled,
    CannotAct,
}

/// Where a problem stands, for the notification key: a change of phase is worth an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Stopped, deleted, rolled back, or already inactive.
    Contained,
    /// To be acted on once the resource can be.
    Deferred,
    /// The action failed or cannot be taken.
    Pending,
    /// Audit mode, remediation off, nothing done.
    Open,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Contained => "contained",
            Phase::Deferred => "deferred",
            Phase::Pending => "pending",
            Phase::Open => "open",
        }
    }

    pub fn parse(value: &str) -> Option<Phase> {
        [
            Phase::Contained,
            Phase::Deferred,
            Phase::Pending,
            Phase::Open,
        ]
        .into_iter()
        .find(|p| p.as_str() == value)
    }
}

impl ActionOutcome {
    pub const ALL: [ActionOutcome; 13] = [
        ActionOutcome::None,
        ActionOutcome::Audit,
        ActionOutcome::Stopped,
        ActionOutcome::Deleted,
        ActionOutcome::AppsDeleted,
        ActionOutcome::Rejected,
        ActionOutcome::RolledBack,
        ActionOutcome::Failed,
        ActionOutcome::Planned,
        ActionOutcome::Deferred,
        ActionOutcome::AlreadyInactive,
        ActionOutcome::Disabled,
        ActionOutcome::CannotAct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActionOutcome::None => "none",
            ActionOutcome::Audit => "audit",
            ActionOutcome::Stopped => "stopped",
            ActionOutcome::Deleted => "deleted",
            ActionOutcome::AppsDeleted => "apps deleted",
            ActionOutcome::Rejected => "rejected",
            ActionOutcome::RolledBack => "rolled back",
            ActionOutcome::Failed => "failed",
            ActionOutcome::Planned => "planned",
            ActionOutcome::Deferred => "deferred",
            ActionOutcome::AlreadyInactive => "already-inactive",
            ActionOutcome::Disabled => "disabled",
            ActionOutcome::CannotAct => "cannot-act",
        }
    }

    /// The outcome a stored record names, if any.
    pub fn parse(value: &str) -> Option<ActionOutcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == value)
    }

    /// All words, for error messages.
    fn words() -> String {
        Self::ALL.map(ActionOutcome::as_str).join(", ")
    }

    /// The guardrail made the remediation call itself (so CloudTrail holds its record).
    pub fn called(self) -> bool {
        matches!(
            self,
            ActionOutcome::Stopped
                | ActionOutcome::Deleted
                | ActionOutcome::AppsDeleted
                | ActionOutcome::Rejected
                | ActionOutcome::RolledBack
                | ActionOutcome::Failed
        )
    }

    pub fn phase(self) -> Phase {
        match self {
            ActionOutcome::Stopped
            | ActionOutcome::Deleted
            | ActionOutcome::AppsDeleted
            | ActionOutcome::Rejected
            | ActionOutcome::RolledBack
            | ActionOutcome::AlreadyInactive => Phase::Contained,
            ActionOutcome::Audit | ActionOutcome::Disabled | ActionOutcome::None => Phase::Open,
            ActionOutcome::Deferred => Phase::Deferred,
            ActionOutcome::Failed | ActionOutcome::Planned | ActionOutcome::CannotAct => {
                Phase::Pending
            }
        }
    }
}

impl From<ActionOutcome> for &'static str {
    fn from(outcome: ActionOutcome) -> &'static str {
        outcome.as_str()
    }
}

impl TryFrom<String> for ActionOutcome {
    type Error = String;

    /// A stored record's word: only a known outcome.
    fn try_from(value: String) -> Result<ActionOutcome, String> {
        ActionOutcome::parse(&value).ok_or_else(|| {
            format!(
                "unknown outcome `{value}`; known: {}",
                ActionOutcome::words()
            )
        })
    }
}

impl std::fmt::Display for ActionOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Remediation {
    /// What the guardrail did.
    pub fn outcome(&self) -> ActionOutcome {
        match (&self.plan, &self.result) {
            (Plan::Nothing, _) => ActionOutcome::None,
            (Plan::AuditOnly { .. }, _) => ActionOutcome::Audit,
            (Plan::Act { action }, ActionResult::Done | ActionResult::AlreadyDone { .. }) => {
                action.done()
            }
            (Plan::Act { .. }, ActionResult::Failed { .. }) => ActionOutcome::Failed,
            (Plan::Act { .. }, ActionResult::Spared { .. }) => ActionOutcome::None,
            (Plan::Act { .. }, ActionResult::NotExecuted | ActionResult::NoCall) => {
                ActionOutcome::Planned
            }
            (Plan::Defer { .. }, _) => ActionOutcome::Deferred,
            (Plan::AlreadyInactive { .. }, _) => ActionOutcome::AlreadyInactive,
            (Plan::Disabled { .. }, _) => ActionOutcome::Disabled,
            (Plan::CannotAct { .. }, _) => ActionOutcome::CannotAct,
        }
    }

    /// A phrase for people: "stopped", "stop deferred until InService", ...
    pub fn phrase(&self) -> String {
        let verb = |a: &Action| match a.done() {
            ActionOutcome::Deleted => "deletion",
            ActionOutcome::AppsDeleted => "deletion of its apps",
            ActionOutcome::RolledBack => "rollback",
            _ => "stop",
        };
        match (&self.plan, &self.result) {
            (Plan::Nothing, _) => "not acted on".into(),
            (Plan::AuditOnly { would }, _) => format!("{} (audit)", would.would()),
            (Plan::Act { action }, ActionResult::Done | ActionResult::AlreadyDone { .. }) => {
                action.done_word().into()
            }
            (Plan::Act { action }, ActionResult::Failed { .. }) => {
                format!("{} FAILED", verb(action))
            }
            (Plan::Act { .. }, ActionResult::Spared { detail }) => {
                format!("not acted on: {detail}")
            }
            (Plan::Act { action }, _) => action.would(),
            (Plan::Defer { action, status }, _) => format!("{} deferred ({status})", verb(action)),
            (Plan::AlreadyInactive { status }, _) => format!("non-compliant, already {status}"),
            (Plan::Disabled { would }, _) => match would {
                Action::Stop(kind) if !kind.stop().by_default => format!(
                    "non-compliant, alerted only ({} is opt-in: [remediation] opt_in)",
                    verb(would)
                ),
                _ => "non-compliant (endpoint remediation off)".into(),
            },
            (Plan::CannotAct { status }, _) => {
                format!("non-compliant, cannot act in status {status}")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceSummary {
    pub kind: ResourceKind,
    pub name: String,
    pub arn: String,
    pub account: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The resource whose problem this one's is part of (a training job's tuning job): alerts
    /// are counted on it, so a tuning job and its training jobs alert once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part_of: Option<String>,
    /// Which incarnation of the name this is ([`Snapshot::created_ms`]).
    #[serde(skip)]
    pub created_ms: Option<i64>,
}

impl ResourceSummary {
    /// Which resource this is. Its [`ResourceId::arn`] is built from the name, the key the sweep
    /// keeps per resource; `arn` is the one AWS gave (a HyperPod cluster's ends in its id).
    pub fn id(&self) -> crate::resource::ResourceId {
        crate::resource::ResourceId {
            kind: self.kind,
            name: self.name.clone(),
            account: self.account.clone(),
            region: self.region.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventSummary {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
    pub cause: Cause,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicySummary {
    pub source: String,
    pub version: String,
}

/// The finding document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub resource: ResourceSummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actor: Option<Actor>,
    pub event: EventSummary,
    pub source: Source,
    /// The highest severity among violations and unverified controls, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    pub results: Vec<ControlResult>,
    pub remediation: Remediation,
    pub policy: PolicySummary,
    pub evaluated_at: String,
}

impl Report {
    pub fn new(
        trigger: &Trigger,
        snapshot: &Snapshot,
        source: Source,
        results: Vec<ControlResult>,
        remediation: Remediation,
        policy: &Policy,
        evaluated_at: String,
    ) -> Report {
        Report {
            resource: ResourceSummary {
                kind: snapshot.kind(),
                name: snapshot.id.name.clone(),
                arn: snapshot.arn.clone(),
                account: snapshot.id.account.clone(),
                region: snapshot.id.region.clone(),
                status: snapshot.lifecycle.status().map(str::to_string),
                part_of: snapshot.part_of().map(str::to_string),
                created_ms: snapshot.created_ms,
            },
            actor: trigger.actor.clone(),
            event: EventSummary {
                id: trigger.event_id.clone(),
                time: trigger.time.clone(),
                cause: trigger.cause.clone(),
            },
            source,
            severity: worst_problem(&results),
            results,
            remediation,
            policy: PolicySummary {
                source: policy.source.clone(),
                version: policy.version.clone(),
            },
            evaluated_at,
        }
    }

    pub fn violations(&self) -> impl Iterator<Item = &ControlResult> {
        self.results.iter().filter(|r| r.is_violation())
    }

    /// Controls that could not be evaluated on the resource.
    pub fn unverified(&self) -> impl Iterator<Item = &ControlResult> {
        self.results.iter().filter(|r| r.is_unverified())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every outcome's word reads back as that outcome (stored records are parsed at the edge),
    /// and every outcome of a call the guardrail made, a rollback included, has evidence.
    #[test]
    fn outcomes_read_back_and_the_called_ones_include_rollbacks() {
        for outcome in ActionOutcome::ALL {
            assert_eq!(ActionOutcome::parse(outcome.as_str()), Some(outcome));
        }
        assert_eq!(ActionOutcome::parse("stoped"), None);
        let called: Vec<&str> = ActionOutcome::ALL
            .into_iter()
            .filter(|o| o.called())
            .map(ActionOutcome::as_str)
            .collect();
        assert_eq!(
            called,
            [
                "stopped",
                "deleted",
                "apps deleted",
                "rejected",
                "rolled back",
                "failed"
            ]
        );
        assert_eq!(ActionOutcome::RolledBack.phase(), Phase::Contained);
        assert_eq!(Phase::parse("deferred"), Some(Phase::Deferred));
    }
}
