//! Evaluation: every enabled control on one snapshot, with the policy's mode, severity and
//! exemptions applied. Pure: a snapshot and a policy in, results out.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::controls::{Check, ControlId};
use crate::policy::{Mode, Policy, Severity};
use crate::resource::Snapshot;

/// The status of one control on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Pass,
    Fail,
    NotApplicable,
    /// The control could not be evaluated: never counted as compliant.
    Error,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Pass,
        Status::Fail,
        Status::NotApplicable,
        Status::Error,
    ];

    pub fn parse(value: &str) -> Option<Status> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str().eq_ignore_ascii_case(value))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Fail => "FAIL",
            Status::NotApplicable => "NOT_APPLICABLE",
            Status::Error => "ERROR",
        }
    }
}

/// An exemption that suppressed a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemptionNote {
    pub resource: String,
    pub reason: String,
    pub expires: String,
}

/// One control's result on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlResult {
    pub control: ControlId,
    pub status: Status,
    pub severity: Severity,
    pub mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observed: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Why the control could not be evaluated (status ERROR) or does not apply (NOT_APPLICABLE).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exemption: Option<ExemptionNote>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<&'static str>,
}

impl ControlResult {
    /// A failure that counts: not exempted.
    pub fn is_violation(&self) -> bool {
        self.status == Status::Fail && self.exemption.is_none()
    }

    /// A control that could not be evaluated: never compliant, alerted on its own (fail closed).
    pub fn is_unverified(&self) -> bool {
        self.status == Status::Error
    }

    /// A result that needs an alert: a violation or a control that could not be evaluated.
    pub fn is_problem(&self) -> bool {
        self.is_violation() || self.is_unverified()
    }
}

/// Runs every control the policy enables. Controls in `off` mode are left out.
pub fn evaluate(snapshot: &Snapshot, policy: &Policy, today: Date) -> Vec<ControlResult> {
    ControlId::all()
        .filter_map(|control| {
            let (mode, severity) = policy.setting(control);
            if mode == Mode::Off {
                return None;
            }
            let mut result = ControlResult {
                control,
                status: Status::Pass,
                severity,
                mode,
                observed: None,
                expected: None,
                reason: None,
                exemption: None,
                remedy: None,
            };
            match policy.check(control, snapshot) {
                Check::Pass { observed } => result.observed = Some(observed),
                Check::Fail { observed, expected } => {
                    result.status = Status::Fail;
                    result.observed = Some(observed);
                    result.expected = Some(expected);
                    result.remedy = Some(control.remedy());
                    result.exemption =
                        policy
                            .exemption_for(snapshot, control, today)
                            .map(|e| ExemptionNote {
                                resource: e.resource.clone(),
                                reason: e.reason.clone(),
                                expires: e.expires.to_string(),
                            });
                }
                Check::NotApplicable { reason } => {
                    result.status = Status::NotApplicable;
                    result.reason = Some(reason);
                }
                Check::CannotEvaluate { reason } => {
                    result.status = Status::Error;
                    result.reason = Some(reason);
                }
            }
            Some(result)
        })
        .collect()
}

/// The highest severity among violations and controls that could not be evaluated.
pub fn worst_problem(results: &[ControlResult]) -> Option<Severity> {
    results
        .iter()
        .filter(|r| r.is_problem())
        .map(|r| r.severity)
        .max()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::controls::fixtures::*;
    use crate::policy::PolicyError;

    #[test]
    fn off_controls_are_skipped_and_failures_carry_evidence() -> Result<(), PolicyError> {
        let policy = Policy::from_toml("[controls.no-root-access]\nmode = \"off\"\n", "t")?;
        let snap = notebook(|n| n.vpc = None);
        let results = evaluate(&snap, &policy, date!(2026 - 11 - 23));
        assert!(results
            .iter()
            .all(|r| r.control != crate::controls::no_root_access::ID));
        let vpc = results
            .iter()
            .find(|r| r.control == crate::controls::vpc_attached::ID);
        let Some(vpc) = vpc else {
            panic!("vpc-attached missing: {results:?}")
        };
        assert_eq!(vpc.status, Status::Fail);
        assert_eq!(vpc.observed.as_deref(), Some("no VPC configuration"));
        assert!(vpc.expected.is_some() && vpc.remedy.is_some());
        assert_eq!(worst_problem(&results), Some(Severity::High));
        let output = results
            .iter()
            .find(|r| r.control == crate::controls::output_kms::ID)
            .map(|r| r.status);
        assert_eq!(output, Some(Status::NotApplicable));
        Ok(())
    }

    #[test]
    fn exemption_applies_until_it_expires() -> Result<(), PolicyError> {
        let policy = Policy::from_toml(
            "[[exemptions]]\nresource = \"arn:aws:sagemaker:*:123456789012:notebook-instance/res\"\ncontrols = [\"vpc-attached\"]\nreason = \"migration\"\nexpires = 2026-12-31\n",
            "t",
        )?;
        let snap = notebook(|n| n.vpc = None);
        let before = evaluate(&snap, &policy, date!(2026 - 12 - 31));
        let vpc = before
            .iter()
            .find(|r| r.control == crate::controls::vpc_attached::ID);
        assert!(vpc.is_some_and(|r| r.status == Status::Fail && !r.is_violation()));
        assert_eq!(worst_problem(&before), None);
        let after = evaluate(&snap, &policy, date!(2027 - 01 - 01));
        assert_eq!(worst_problem(&after), Some(Severity::High));
        Ok(())
    }

    #[test]
    fn unknown_values_are_errors_not_passes() {
        let snap = notebook(|n| n.root_access = crate::resource::Toggle::parse("Sometimes"));
        let results = evaluate(&snap, &Policy::baseline(), date!(2026 - 11 - 23));
        let root = results
            .iter()
            .find(|r| r.control == crate::controls::no_root_access::ID);
        assert!(root.is_some_and(|r| r.status == Status::Error && r.reason.is_some()));
    }
}
