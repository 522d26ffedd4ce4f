//! Durable findings: one per (resource ARN, control), updated over time like a Security Hub
//! finding, plus an append-only history of observations. Pure: built from a [`Report`].
//!
//! Alerts go out exactly once per problem: each evaluated resource has a notification key (which
//! controls fail and whether the problem is contained); an alert is due only when the key differs
//! from the last one notified, decided atomically by the [`crate::ports::FindingStore`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::controls::ControlId;
use crate::finding::Status;
use crate::policy::{Mode, Severity};
use crate::remediation::Plan;
use crate::report::{ActionOutcome, ActionResult, Phase, Report};
use crate::resource::ResourceKind;

/// The current state of one control on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable: [`finding_id`] of the resource ARN and the control.
    pub id: String,
    pub resource_arn: String,
    pub resource_kind: ResourceKind,
    pub resource_name: String,
    pub account: String,
    pub region: String,
    pub control: ControlId,
    pub status: Status,
    pub severity: Severity,
    pub mode: Mode,
    /// RFC 3339, UTC.
    pub first_seen: String,
    pub last_seen: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Why the control could not be evaluated (status ERROR).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The exemption's reason, when one suppressed the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exemption: Option<String>,
    /// CloudTrail `userIdentity` ARN of whoever caused the event, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<RemediationRecord>,
    /// Version (hash) of the policy that produced the finding.
    pub policy_version: String,
    /// The event of the last evaluation.
    pub event_id: String,
}

/// What the guardrail did about a failing finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationRecord {
    /// The API call (`StopTrainingJob`...), when one was planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// `stopped`, `deleted`, `deferred`, `audit`, `failed`, ... (see `Remediation::outcome`).
    pub result: ActionOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One evaluation of one finding: the history auditors read. Never updated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub finding_id: String,
    pub time: String,
    pub status: Status,
    pub event_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<ActionOutcome>,
}

/// The stable id of the finding for `control` on `resource_arn` (32 hex digits).
pub fn finding_id(resource_arn: &str, control: &str) -> String {
    let digest = Sha256::digest(format!("{resource_arn}\n{control}").as_bytes());
    hex::encode(digest).chars().take(32).collect()
}

/// The findings and observations of one evaluation. `first_seen` is the evaluation time; the
/// store keeps the earlier one when the finding already exists.
pub fn from_report(report: &Report) -> (Vec<Finding>, Vec<Observation>) {
    let r = &report.resource;
    let remediation = &report.remediation;
    let action = match &remediation.plan {
        Plan::Act { action } | Plan::Defer { action, .. } => Some(action.as_str().to_string()),
        Plan::AuditOnly { would } | Plan::Disabled { would } => Some(would.as_str().to_string()),
        Plan::Nothing | Plan::AlreadyInactive { .. } | Plan::CannotAct { .. } => None,
    };
    let error = match &remediation.result {
        ActionResult::Failed { error } => Some(error.clone()),
        _ => None,
    };
    let mut findings = Vec::with_capacity(report.results.len());
    let mut observations = Vec::with_capacity(report.results.len());
    for c in &report.results {
        let id = finding_id(&r.arn, c.control.as_str());
        let record = c.is_violation().then(|| RemediationRecord {
            action: action.clone(),
            result: remediation.outcome(),
            at: remediation.at.clone(),
            error: error.clone(),
        });
        observations.push(Observation {
            finding_id: id.clone(),
            time: report.evaluated_at.clone(),
            status: c.status,
            event_id: report.event.id.clone(),
            action: record.as_ref().and_then(|m| m.action.clone()),
            result: record.as_ref().map(|m| m.result),
        });
        findings.push(Finding {
            id,
            resource_arn: r.arn.clone(),
            resource_kind: r.kind,
            resource_name: r.name.clone(),
            account: r.account.clone(),
            region: r.region.clone(),
            control: c.control,
            status: c.status,
            severity: c.severity,
            mode: c.mode,
            first_seen: report.evaluated_at.clone(),
            last_seen: report.evaluated_at.clone(),
            observed: c.observed.clone(),
            expected: c.expected.clone(),
            reason: c.reason.clone(),
            exemption: c.exemption.as_ref().map(|e| e.reason.clone()),
            actor: report.actor.as_ref().and_then(|a| a.arn.clone()),
            remediation: record,
            policy_version: report.policy.version.clone(),
            event_id: report.event.id.clone(),
        });
    }
    (findings, observations)
}

/// The notification key of a resource: `PASS`, or its problem: the failing controls, the
/// controls that could not be evaluated, the [`Phase`] of the problem and the incarnation of the
/// resource it is about (its creation time: a resource deleted and created again under the same
/// name is a new problem). A change of key is a change worth an alert; the same key again (a
/// duplicate event, a second state-change event) is not. A control that could not be evaluated
/// never gives `PASS`, so it can never announce a resolution. Stored as text (`PASS`,
/// `FAIL a,b ERROR c contained @1764547200000`, a tuning job's training job's
/// `FAIL a contained child`), read back with [`NotificationKey::parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotificationKey {
    Pass,
    Problem {
        failing: Vec<ControlId>,
        unverified: Vec<ControlId>,
        phase: Phase,
        /// The resource's creation time (milliseconds since the epoch); `None` when unknown,
        /// or when the alert is counted on another resource (a tuning job's training job).
        incarnation: Option<i64>,
        /// The problem of a tuning job's training job, counted on the tuning job: it stands
        /// until a child says otherwise, whatever the tuning job's own settings.
        child: bool,
        /// Found already out of service (stopped, deleted, rejected): nothing was done. Known
        /// from the evaluation only: not stored, and not part of the problem's identity (the
        /// store's claims compare keys as text, so concurrent duplicates meet on the same key).
        inactive: bool,
    },
}

impl NotificationKey {
    pub fn of(report: &Report) -> NotificationKey {
        let failing: Vec<ControlId> = report.violations().map(|v| v.control).collect();
        let unverified: Vec<ControlId> = report.unverified().map(|v| v.control).collect();
        if failing.is_empty() && unverified.is_empty() {
            return NotificationKey::Pass;
        }
        NotificationKey::Problem {
            failing,
            unverified,
            phase: report.remediation.outcome().phase(),
            incarnation: report
                .resource
                .created_ms
                .filter(|_| report.resource.part_of.is_none()),
            child: report.resource.part_of.is_some(),
            inactive: report.remediation.outcome() == crate::report::ActionOutcome::AlreadyInactive,
        }
    }

    /// A stored key; `None` for text this version does not write.
    pub fn parse(text: &str) -> Option<NotificationKey> {
        if text == "PASS" {
            return Some(NotificationKey::Pass);
        }
        let (text, incarnation) = match text.rsplit_once(" @") {
            Some((rest, ms)) => (rest, Some(ms.parse::<i64>().ok()?)),
            None => (text, None),
        };
        let (text, child) = match text.strip_suffix(" child") {
            Some(rest) => (rest, true),
            None => (text, false),
        };
        let (problem, phase) = text.rsplit_once(' ')?;
        let phase = Phase::parse(phase)?;
        let (mut failing, mut unverified) = (Vec::new(), Vec::new());
        let words: Vec<&str> = problem.split(' ').collect();
        for pair in words.chunks(2) {
            let [label, ids] = pair else { return None };
            let ids: Option<Vec<ControlId>> = ids.split(',').map(ControlId::parse).collect();
            match *label {
                "FAIL" if failing.is_empty() => failing = ids?,
                "ERROR" if unverified.is_empty() => unverified = ids?,
                _ => return None,
            }
        }
        (!failing.is_empty() || !unverified.is_empty()).then_some(NotificationKey::Problem {
            failing,
            unverified,
            phase,
            incarnation,
            child,
            inactive: false,
        })
    }

    /// Whether this key's alert already told the problem `now` names (a training job's, after
    /// its tuning job's alert): every control `now` fails, this one failed; every control `now`
    /// cannot evaluate, this one named; and `now`'s containment did not fail (`pending` is
    /// always news).
    pub fn covers(&self, now: &NotificationKey) -> bool {
        let (
            NotificationKey::Problem {
                failing: told_failing,
                ..
            },
            NotificationKey::Problem {
                failing,
                unverified,
                phase,
                ..
            },
        ) = (self, now)
        else {
            return false;
        };
        let named = self.controls();
        *phase != Phase::Pending
            && failing.iter().all(|c| told_failing.contains(c))
            && unverified.iter().all(|c| named.contains(c))
    }

    /// A problem of a tuning job's training job.
    pub fn is_child(&self) -> bool {
        matches!(self, NotificationKey::Problem { child: true, .. })
    }

    /// The controls the key names (failing, then unverified).
    pub fn controls(&self) -> Vec<ControlId> {
        match self {
            NotificationKey::Pass => Vec::new(),
            NotificationKey::Problem {
                failing,
                unverified,
                ..
            } => failing.iter().chain(unverified).copied().collect(),
        }
    }

    /// Whether moving from the last notified key to this one deserves an alert: any change,
    /// except a resource that was compliant from the start (nothing to resolve) and the
    /// announced progress of the same problem (a deferred stop that then happened). A
    /// containment that fails, or a problem that comes back, is a change. A stored key this
    /// version cannot read counts as a change.
    pub fn alert_due(&self, last_notified: Option<&str>) -> bool {
        let Some(previous) = last_notified else {
            return *self != NotificationKey::Pass;
        };
        match NotificationKey::parse(previous) {
            Some(previous) => !previous.same_as(self) && !previous.progressed_to(self),
            None => true,
        }
    }

    /// The same key, the incarnation compared only when both know it (a key stored before
    /// incarnations were, or counted on another resource, is not a new problem for lack of one).
    fn same_as(&self, now: &NotificationKey) -> bool {
        match (self, now) {
            (NotificationKey::Pass, NotificationKey::Pass) => true,
            (
                NotificationKey::Problem {
                    failing: f1,
                    unverified: u1,
                    phase: p1,
                    incarnation: i1,
                    ..
                },
                NotificationKey::Problem {
                    failing: f2,
                    unverified: u2,
                    phase: p2,
                    incarnation: i2,
                    ..
                },
            ) => f1 == f2 && u1 == u2 && p1 == p2 && same_incarnation(*i1, *i2),
            _ => false,
        }
    }

    /// The same controls, first deferred, now contained; or, contained before and found already
    /// inactive now, fewer of them: the containment's own echo (a rejected model version is no
    /// longer approved), not a new attempt (an endpoint updated again is acted on, and news).
    fn progressed_to(&self, now: &NotificationKey) -> bool {
        match (self, now) {
            (
                NotificationKey::Problem {
                    failing: f1,
                    unverified: u1,
                    phase: Phase::Contained,
                    incarnation: i1,
                    ..
                },
                NotificationKey::Problem {
                    failing: f2,
                    unverified: u2,
                    phase: Phase::Contained,
                    incarnation: i2,
                    inactive: true,
                    ..
                },
            ) => {
                f2.iter().all(|c| f1.contains(c))
                    && u2.iter().all(|c| u1.contains(c))
                    && same_incarnation(*i1, *i2)
            }
            (
                NotificationKey::Problem {
                    failing: f1,
                    unverified: u1,
                    phase: Phase::Deferred,
                    incarnation: i1,
                    ..
                },
                NotificationKey::Problem {
                    failing: f2,
                    unverified: u2,
                    phase: Phase::Contained,
                    incarnation: i2,
                    ..
                },
            ) => f1 == f2 && u1 == u2 && same_incarnation(*i1, *i2),
            _ => false,
        }
    }
}

impl std::fmt::Display for NotificationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let NotificationKey::Problem {
            failing,
            unverified,
            phase,
            incarnation,
            child,
            ..
        } = self
        else {
            return f.write_str("PASS");
        };
        let ids = |c: &[ControlId]| c.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
        if !failing.is_empty() {
            write!(f, "FAIL {} ", ids(failing))?;
        }
        if !unverified.is_empty() {
            write!(f, "ERROR {} ", ids(unverified))?;
        }
        f.write_str(phase.as_str())?;
        if *child {
            f.write_str(" child")?;
        }
        match incarnation {
            Some(ms) => write!(f, " @{ms}"),
            None => Ok(()),
        }
    }
}

/// Two incarnations are the same unless both are known and differ.
fn same_incarnation(a: Option<i64>, b: Option<i64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 19, case 10: a resource deleted and created again under the same name (a new
    /// creation time) is a new problem, even with the same failing controls and phase; the same
    /// incarnation, or a key that does not know its incarnation, is not.
    #[test]
    fn a_new_incarnation_of_a_resource_is_a_new_problem() {
        let key = |incarnation: Option<i64>| NotificationKey::Problem {
            failing: vec![crate::controls::vpc_attached::ID],
            unverified: Vec::new(),
            phase: Phase::Contained,
            incarnation,
            child: false,
            inactive: false,
        };
        let stored = key(Some(1_764_547_200_000)).to_string();
        assert_eq!(stored, "FAIL vpc-attached contained @1764547200000");
        assert_eq!(
            NotificationKey::parse(&stored),
            Some(key(Some(1_764_547_200_000)))
        );
        assert!(!key(Some(1_764_547_200_000)).alert_due(Some(&stored)));
        assert!(key(Some(1_764_550_000_000)).alert_due(Some(&stored)));
        // Stored before incarnations were, or counted on another resource: not a new problem.
        assert!(!key(Some(1_764_550_000_000)).alert_due(Some("FAIL vpc-attached contained")));
        assert!(!key(None).alert_due(Some(&stored)));
        assert_eq!(
            NotificationKey::parse("FAIL vpc-attached contained @soon"),
            None
        );
    }

    #[test]
    fn ids_are_stable_and_distinct_per_resource_and_control() {
        let a = finding_id(
            "arn:aws:sagemaker:us-east-1:1:training-job/a",
            "vpc-attached",
        );
        assert_eq!(
            a,
            finding_id(
                "arn:aws:sagemaker:us-east-1:1:training-job/a",
                "vpc-attached"
            )
        );
        assert_eq!(a.len(), 32);
        assert_ne!(
            a,
            finding_id("arn:aws:sagemaker:us-east-1:1:training-job/a", "volume-kms")
        );
        assert_ne!(
            a,
            finding_id(
                "arn:aws:sagemaker:us-east-1:1:training-job/b",
                "vpc-attached"
            )
        );
    }

    use crate::controls::fixtures::notebook;
    use crate::event::Trigger;
    use crate::finding::evaluate;
    use crate::policy::Policy;
    use crate::remediation::plan;
    use crate::report::{Remediation, Source};
    use crate::resource::{Lifecycle, Snapshot, Toggle};

    fn report(mut snapshot: Snapshot, policy: &Policy) -> Report {
        snapshot.lifecycle = Lifecycle::Active("InService".into());
        let results = evaluate(&snapshot, policy, time::macros::date!(2026 - 12 - 01));
        let decision = plan(&snapshot, &results, policy);
        Report::new(
            &Trigger::sweep("sweep", snapshot.id.clone(), None),
            &snapshot,
            Source::Live,
            results,
            Remediation {
                plan: decision,
                result: ActionResult::NoCall,
                at: None,
            },
            policy,
            "2026-12-01T00:00:00Z".into(),
        )
    }

    /// B5: "cannot evaluate" is alerted with its own key, never PASS and never a resolution.
    #[test]
    fn an_unverifiable_control_is_alerted_and_never_resolves(
    ) -> Result<(), Box<dyn std::error::Error>> {
        // Given a notebook whose RootAccess value this version does not know
        let unknown = || notebook(|n| n.root_access = Toggle::parse("Sometimes"));
        let baseline = Policy::baseline();
        let r = report(unknown(), &baseline);
        // Then its key names the control as unverified, and an alert goes out
        let key = NotificationKey::of(&r);
        assert_eq!(key.to_string(), "ERROR no-root-access open");
        assert_ne!(key, NotificationKey::Pass);
        assert!(key.alert_due(None));
        assert!(key.alert_due(Some("FAIL no-root-access contained")));
        assert_eq!(key.controls(), [crate::controls::no_root_access::ID]);
        assert_eq!(NotificationKey::parse(&key.to_string()), Some(key));
        let alert = crate::alert::build(&r)?.ok_or("no alert for an unverified control")?;
        assert!(
            alert.subject.contains("cannot verify no-root-access"),
            "{}",
            alert.subject
        );
        // And by default nothing is stopped on a value that could not be read...
        assert_eq!(r.remediation.plan, Plan::Nothing);
        // ...unless the policy says to act on what cannot be verified.
        let act = Policy::from_toml("[remediation]\non_error = \"act\"\n", "t")?;
        let r = report(unknown(), &act);
        assert!(matches!(r.remediation.plan, Plan::Act { .. }));
        // A failure and an unverified control together keep both in the key.
        let both = report(
            notebook(|n| {
                n.root_access = Toggle::parse("Sometimes");
                n.vpc = None;
            }),
            &baseline,
        );
        let key = NotificationKey::of(&both);
        assert_eq!(
            key.controls(),
            [
                crate::controls::vpc_attached::ID,
                crate::controls::no_root_access::ID
            ]
        );
        assert_eq!(
            key.to_string(),
            "FAIL vpc-attached ERROR no-root-access pending"
        );
        assert_eq!(NotificationKey::parse(&key.to_string()), Some(key));
        Ok(())
    }

    /// Whether moving to `key` (stored text) from `previous` deserves an alert.
    fn alert_due(key: &str, previous: Option<&str>) -> bool {
        match NotificationKey::parse(key) {
            Some(key) => key.alert_due(previous),
            None => panic!("`{key}` is not a notification key"),
        }
    }

    #[test]
    fn a_child_s_problem_is_told_only_by_an_alert_that_named_it_as_such() {
        let key = |text: &str| NotificationKey::parse(text).unwrap_or(NotificationKey::Pass);
        let parent = key("FAIL vpc-attached contained");
        assert!(parent.covers(&key("FAIL vpc-attached contained child")));
        assert!(parent.covers(&key("ERROR vpc-attached contained child")));
        assert!(
            !parent.covers(&key("FAIL vpc-attached pending child")),
            "a failed stop is news"
        );
        assert!(!parent.covers(&key("FAIL volume-kms contained child")));
        let unverified = key("ERROR vpc-attached contained");
        assert!(!unverified.covers(&key("FAIL vpc-attached contained child")));
        assert!(!NotificationKey::Pass.covers(&key("FAIL vpc-attached contained child")));
    }

    #[test]
    fn alerts_are_due_on_changes_only() {
        let fail = "FAIL vpc-attached contained";
        assert!(alert_due(fail, None));
        assert!(!alert_due(fail, Some(fail)));
        assert!(alert_due(
            "FAIL vpc-attached pending",
            Some("FAIL vpc-attached contained")
        ));
        assert!(alert_due("PASS", Some(fail)), "a resolution is announced");
        // A4: a deferred stop that then happens is the same problem, not a new alert...
        let deferred = "FAIL vpc-attached deferred";
        assert!(!alert_due(fail, Some(deferred)));
        // ...but a containment that fails, another problem, or a restart after it is.
        assert!(alert_due("FAIL vpc-attached pending", Some(deferred)));
        assert!(alert_due(
            "FAIL vpc-attached,volume-kms contained",
            Some(deferred)
        ));
        assert!(alert_due(deferred, Some(fail)));
        // Contained still, with part of the problem resolved by the containment: no news; with
        // another control failing, news.
        // Contained before and found already inactive now, fewer controls failing: the
        // containment's echo, no news; acted on again with fewer (an endpoint updated again), or
        // with another control failing, news. (The flag is the evaluation's, never stored.)
        let both = Some("FAIL output-kms,model-approval contained");
        let now = |failing: Vec<ControlId>, inactive: bool| NotificationKey::Problem {
            failing,
            unverified: Vec::new(),
            phase: Phase::Contained,
            incarnation: None,
            child: false,
            inactive,
        };
        let (kms, approval) = (
            crate::controls::output_kms::ID,
            crate::controls::model_approval::ID,
        );
        let vpc = crate::controls::vpc_attached::ID;
        assert!(!now(vec![kms], true).alert_due(both));
        assert!(!now(vec![kms, approval], true).alert_due(both));
        assert!(now(vec![kms], false).alert_due(both));
        assert!(now(vec![kms, vpc], true).alert_due(both));
        assert_eq!(
            now(vec![kms], true).to_string(),
            "FAIL output-kms contained"
        );
        assert!(!alert_due("PASS", None), "a compliant new resource is not");
        assert!(!alert_due("PASS", Some("PASS")));
        // A stored key this version cannot read is a change, never silence.
        assert!(alert_due(fail, Some("FAIL retired-control contained")));
        for bad in [
            "",
            "FAIL",
            "FAIL vpc-attached",
            "open",
            "FAIL vpc open",
            "ERROR contained",
        ] {
            assert_eq!(NotificationKey::parse(bad), None, "{bad}");
        }
    }
}
