//! Remediation planning: what to do about a non-compliant resource. Pure; the inspector executes
//! the plan through the [`crate::ports::Remediator`] port.

use serde::Serialize;

use crate::finding::ControlResult;
use crate::policy::{EndpointRemediation, EndpointUpdate, Mode, OnError, Policy};
use crate::resource::{Details, Lifecycle, ResourceKind, Snapshot};

/// The API call that takes a resource out of service, or back to a compliant configuration.
/// Written as the call's name (`"StopTrainingJob"`), or `{"RollBackEndpoint": {"config": ...}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The kind's own call ([`crate::kinds::Kind::STOP`]): `StopTrainingJob`, `DeleteEndpoint`
    /// (an endpoint's configuration and models are kept so the team can fix and redeploy)...
    Stop(ResourceKind),
    /// `UpdateEndpoint` back to the last configuration the endpoint was compliant with.
    RollBackEndpoint { config: String },
}

impl Action {
    pub fn for_kind(kind: ResourceKind) -> Action {
        Action::Stop(kind)
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Action::Stop(kind) => kind.stop().call,
            Action::RollBackEndpoint { .. } => "UpdateEndpoint",
        }
    }

    /// The outcome once done: stopped, deleted, rolled back.
    pub fn done(&self) -> crate::report::ActionOutcome {
        match self {
            Action::Stop(kind) => kind.stop().outcome,
            Action::RollBackEndpoint { .. } => crate::report::ActionOutcome::RolledBack,
        }
    }

    /// Whether the resource may be gone once the action is done: a deletion, or a rollback
    /// (refused, it falls back to deleting the endpoint). Its alert is kept before acting.
    pub fn may_remove(&self) -> bool {
        match self {
            Action::Stop(kind) => kind.stop().outcome == crate::report::ActionOutcome::Deleted,
            Action::RollBackEndpoint { .. } => true,
        }
    }

    /// Past participle for alert subjects: "stopped", "deleted", "rolled back".
    pub fn done_word(&self) -> &'static str {
        self.done().as_str()
    }

    /// What the action would do, for people: "would be stopped", "would have its apps deleted".
    pub fn would(&self) -> String {
        match self.done() {
            crate::report::ActionOutcome::AppsDeleted => "would have its apps deleted".into(),
            done => format!("would be {done}"),
        }
    }
}

impl Serialize for Action {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStructVariant;
        match self {
            Action::Stop(kind) => serializer.serialize_str(kind.stop().call),
            Action::RollBackEndpoint { config } => {
                let mut variant =
                    serializer.serialize_struct_variant("Action", 1, "RollBackEndpoint", 1)?;
                variant.serialize_field("config", config)?;
                variant.end()
            }
        }
    }
}

/// What the guardrail decided to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "decision", rename_all = "kebab-case")]
pub enum Plan {
    /// No violation (exempted failures do not count).
    Nothing,
    /// Violations only in audit mode: report what enforce mode would do.
    AuditOnly { would: Action },
    /// Enforced violation on an active resource: act now.
    Act { action: Action },
    /// Enforced violation, but the resource is changing state and cannot be acted on yet; its
    /// state-change event (e.g. notebook `InService`) triggers the guardrail again.
    Defer { action: Action, status: String },
    /// Enforced violation on a resource already stopped, finished or being deleted.
    AlreadyInactive { status: String },
    /// Enforced violation, not acted on by the policy: an endpoint under
    /// `remediation.endpoint = "none"` (or an update under `endpoint_update = "none"`), a kind
    /// whose containment destroys work or data and is not in `remediation.opt_in`.
    Disabled { would: Action },
    /// Enforced violation, but the resource's status is one this version does not know.
    CannotAct { status: String },
}

/// Decides the remediation for a snapshot and its evaluation. A control that could not be
/// evaluated counts as a violation when the policy says `[remediation] on_error = "act"`.
pub fn plan(snapshot: &Snapshot, results: &[ControlResult], policy: &Policy) -> Plan {
    let act_on_errors = policy.on_error == OnError::Act;
    let violations = results
        .iter()
        .filter(|r| r.is_violation() || (act_on_errors && r.is_unverified()));
    let (enforced, audited) = violations.fold((false, false), |(e, a), r| {
        (e || r.mode == Mode::Enforce, a || r.mode == Mode::Audit)
    });
    let mut action = Action::for_kind(snapshot.kind());
    // An endpoint that was compliant and became non-compliant by an update: `endpoint_update`
    // decides (roll back by default), any other endpoint `endpoint`.
    let rollback = match &snapshot.details {
        Details::Endpoint(e) => e.rollback_target(),
        _ => None,
    };
    let mut disabled = match rollback {
        Some(_) if policy.endpoint_update == EndpointUpdate::Delete => false,
        Some(config) => {
            action = Action::RollBackEndpoint {
                config: config.to_string(),
            };
            policy.endpoint_update == EndpointUpdate::None
        }
        None => {
            action == Action::Stop(ResourceKind::Endpoint)
                && policy.endpoint_remediation == EndpointRemediation::None
        }
    };
    // A containment that destroys work or data is alerted, unless the policy opts the kind in.
    if let Action::Stop(kind) = action {
        disabled |= !kind.stop().by_default && !policy.opt_in.contains(&kind);
    }
    if !enforced {
        return if audited {
            Plan::AuditOnly { would: action }
        } else {
            Plan::Nothing
        };
    }
    if disabled {
        return Plan::Disabled { would: action };
    }
    match &snapshot.lifecycle {
        Lifecycle::Active(_) | Lifecycle::NotReported => Plan::Act { action },
        Lifecycle::Transitional(status) => Plan::Defer {
            action,
            status: status.clone(),
        },
        Lifecycle::Ended(status) => Plan::AlreadyInactive {
            status: status.clone(),
        },
        Lifecycle::Unknown(status) => Plan::CannotAct {
            status: status.clone(),
        },
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::controls::fixtures::*;
    use crate::finding::evaluate;
    use crate::policy::PolicyError;

    fn plan_for(mut snap: Snapshot, lifecycle: Lifecycle, policy: &Policy) -> Plan {
        snap.lifecycle = lifecycle;
        let results = evaluate(&snap, policy, date!(2026 - 11 - 23));
        plan(&snap, &results, policy)
    }

    #[test]
    fn enforced_violation_acts_defers_or_notes_by_lifecycle() {
        let p = Policy::baseline();
        let open = || notebook(|n| n.vpc = None);
        assert_eq!(
            plan_for(open(), Lifecycle::Active("InService".into()), &p),
            Plan::Act {
                action: Action::Stop(ResourceKind::NotebookInstance)
            }
        );
        assert_eq!(
            plan_for(open(), Lifecycle::Transitional("Pending".into()), &p),
            Plan::Defer {
                action: Action::Stop(ResourceKind::NotebookInstance),
                status: "Pending".into()
            }
        );
        assert_eq!(
            plan_for(open(), Lifecycle::Ended("Stopped".into()), &p),
            Plan::AlreadyInactive {
                status: "Stopped".into()
            }
        );
        assert_eq!(
            plan_for(open(), Lifecycle::Unknown("Hibernating".into()), &p),
            Plan::CannotAct {
                status: "Hibernating".into()
            }
        );
        let job = training(|j| j.volume_kms_key_id = None);
        assert_eq!(
            plan_for(job, Lifecycle::Active("InProgress".into()), &p),
            Plan::Act {
                action: Action::Stop(ResourceKind::TrainingJob)
            }
        );
        let job = processing(|j| j.vpc = None);
        assert_eq!(
            plan_for(job, Lifecycle::Active("InProgress".into()), &p),
            Plan::Act {
                action: Action::Stop(ResourceKind::ProcessingJob)
            }
        );
    }

    #[test]
    fn compliant_and_audit_only_resources_are_left_running() -> Result<(), PolicyError> {
        let p = Policy::baseline();
        assert_eq!(
            plan_for(notebook(|_| {}), Lifecycle::Active("InService".into()), &p),
            Plan::Nothing
        );
        // Baseline audits network isolation: a failure there alone is reported, not enforced.
        let job = training(|j| j.network_isolation = false);
        assert_eq!(
            plan_for(job, Lifecycle::Active("InProgress".into()), &p),
            Plan::AuditOnly {
                would: Action::Stop(ResourceKind::TrainingJob)
            }
        );
        let mut audit = Policy::baseline();
        audit.force_audit();
        let open = notebook(|n| n.vpc = None);
        assert_eq!(
            plan_for(open, Lifecycle::Active("InService".into()), &audit),
            Plan::AuditOnly {
                would: Action::Stop(ResourceKind::NotebookInstance)
            }
        );
        Ok(())
    }

    #[test]
    fn endpoints_are_deleted_unless_the_policy_says_none() -> Result<(), PolicyError> {
        let bad = || endpoint(|e| e.kms_key_id = None);
        let p = Policy::baseline();
        assert_eq!(
            plan_for(bad(), Lifecycle::Active("InService".into()), &p),
            Plan::Act {
                action: Action::Stop(ResourceKind::Endpoint)
            }
        );
        assert_eq!(
            plan_for(bad(), Lifecycle::Transitional("Creating".into()), &p),
            Plan::Defer {
                action: Action::Stop(ResourceKind::Endpoint),
                status: "Creating".into()
            }
        );
        let none = Policy::from_toml("[remediation]\nendpoint = \"none\"\n", "t")?;
        assert_eq!(
            plan_for(bad(), Lifecycle::Active("InService".into()), &none),
            Plan::Disabled {
                would: Action::Stop(ResourceKind::Endpoint)
            }
        );
        Ok(())
    }

    /// B7: an endpoint that was compliant (with `cfg-v1`) and is updated to a failing `cfg` is
    /// rolled back by default once the update has finished, deleted or left as the policy says;
    /// UpdateRollbackFailed serves traffic and is acted on, never waited for.
    #[test]
    fn a_non_compliant_update_is_rolled_back_once_the_endpoint_can_be_updated(
    ) -> Result<(), PolicyError> {
        let updated = || {
            let mut snap = endpoint(|e| e.kms_key_id = None);
            if let Details::Endpoint(e) = &mut snap.details {
                e.last_compliant_config = Some("cfg-v1".into());
            }
            snap
        };
        let back = Action::RollBackEndpoint {
            config: "cfg-v1".into(),
        };
        let p = Policy::baseline();
        assert_eq!(
            plan_for(
                updated(),
                Lifecycle::classify(ResourceKind::Endpoint, "Updating"),
                &p
            ),
            Plan::Defer {
                action: back.clone(),
                status: "Updating".into()
            }
        );
        for status in ["InService", "UpdateRollbackFailed"] {
            assert_eq!(
                plan_for(
                    updated(),
                    Lifecycle::classify(ResourceKind::Endpoint, status),
                    &p
                ),
                Plan::Act {
                    action: back.clone()
                },
                "{status}"
            );
        }
        let delete = Policy::from_toml("[remediation]\nendpoint_update = \"delete\"\n", "t")?;
        assert_eq!(
            plan_for(updated(), Lifecycle::Active("InService".into()), &delete),
            Plan::Act {
                action: Action::Stop(ResourceKind::Endpoint)
            }
        );
        let none = Policy::from_toml("[remediation]\nendpoint_update = \"none\"\n", "t")?;
        assert_eq!(
            plan_for(updated(), Lifecycle::Active("InService".into()), &none),
            Plan::Disabled { would: back }
        );
        // A configuration that was itself compliant before (the policy changed) is no update:
        // the endpoint is deleted as any other.
        let mut same = updated();
        if let Details::Endpoint(e) = &mut same.details {
            e.last_compliant_config = Some("cfg".into());
        }
        assert_eq!(
            plan_for(same, Lifecycle::Active("InService".into()), &p),
            Plan::Act {
                action: Action::Stop(ResourceKind::Endpoint)
            }
        );
        Ok(())
    }

    /// A containment that destroys work or data (deleting a HyperPod cluster terminates its
    /// nodes) is alerted in enforce mode unless the policy opts the kind in; only such kinds may
    /// be listed, and an unknown kind is refused with its field.
    #[test]
    fn a_destructive_containment_is_alerted_unless_the_policy_opts_in() -> Result<(), PolicyError> {
        let open = || cluster(|c| c.vpc = None);
        let active = || Lifecycle::classify(ResourceKind::Cluster, "InService");
        let delete = Action::Stop(ResourceKind::Cluster);
        let plan = plan_for(open(), active(), &Policy::baseline());
        assert_eq!(
            plan,
            Plan::Disabled {
                would: delete.clone()
            }
        );
        let phrase = crate::report::Remediation {
            plan,
            result: crate::report::ActionResult::NotExecuted,
            at: None,
        }
        .phrase();
        assert!(phrase.contains("opt_in"), "{phrase}");
        let opted = Policy::from_toml("[remediation]\nopt_in = [\"cluster\"]\n", "t")?;
        assert_eq!(opted.opt_in, [ResourceKind::Cluster]);
        assert_eq!(
            plan_for(open(), active(), &opted),
            Plan::Act { action: delete }
        );
        for (listed, why) in [
            ("training-job", "already calls StopTrainingJob"),
            ("hyperpod", "unknown resource kind"),
        ] {
            let text = format!("[remediation]\nopt_in = [\"cluster\", \"{listed}\"]\n");
            let error = Policy::from_toml(&text, "t").err().map(|e| e.to_string());
            let error = error.unwrap_or_default();
            assert!(
                error.contains("remediation.opt_in[1]") && error.contains(why),
                "{listed}: {error}"
            );
        }
        Ok(())
    }
}
