//! `model-approval`: a model reaches production only after someone else reviewed it.
//!
//! **What** — a model package version in the Model Registry is `Approved` only by an identity
//! other than the one that registered it (`CreatedBy`): it was not registered `Approved`
//! (`CreateModelPackage`), and the `UpdateModelPackage` that approved it was not made by its
//! registrant. Identities are compared as people where both sides name one (an IAM session's
//! `SourceIdentity`, a Studio user profile), else as IAM identities: the same IAM user fails,
//! another role passes, and the same role cannot be evaluated whatever its session names (a
//! role's sessions may be anyone's: Studio's users share their execution role's `SageMaker`
//! session). Set `SourceIdentity` (Studio: `ExecutionRoleIdentityConfig = USER_PROFILE_NAME`) to
//! have such approvals judged. A version `PendingManualApproval` or
//! `Rejected` passes: "for versioned models, the value ... must be set to `Approved` to deploy
//! the model" (API reference, `CreateModelPackage`). A package with a `ValidationSpecification`
//! registered with `SkipModelValidation = All` fails: SageMaker did not run the validation it
//! names. An unversioned package (AWS Marketplace) has no approval ("does not apply to
//! unversioned models"). Other kinds: not applicable.
//!
//! **Evidence** — the registry records who registered a version and who changed it last, not
//! who approved it. The approving call (its CloudTrail record, which the inspector receives)
//! decides. Judged without it (a sweep, a state change, a later update), an approved version last
//! changed by someone other than its registrant passes; one last changed by its registrant, or
//! with no change recorded, cannot be evaluated: self-approved, or changed by its registrant after
//! someone else approved it. That is alerted, never rejected on a guess.
//!
//! **Why** — deployment pipelines deploy what the registry says is approved. A version registered
//! `Approved`, or approved by the one who registered it, reaches production without a second
//! pair of eyes: the review the registry exists for is skipped.
//!
//! **Example** — `CreateModelPackage` with `ModelApprovalStatus = Approved` fails; so does
//! `UpdateModelPackage` setting `Approved` by the IAM user, or the person (source identity), who
//! registered it.
//!
//! **Fix** — register versions `PendingManualApproval` and have a reviewer approve them; register
//! again without `SkipModelValidation`. Containment sets the version `Rejected` (reversible; it
//! destroys nothing; models already deployed from it are judged as models). **Prevented** with
//! `sagemaker:ModelApprovalStatus` (`Approved` denied on `CreateModelPackage`); no key carries
//! `SkipModelValidation` or the approver.

use serde_json::json;

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::facets::{Approval, ApprovalCall, Sameness};
use crate::resource::Snapshot;

pub struct ModelApproval;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("model-approval");

impl Control for ModelApproval {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Register model versions PendingManualApproval and have someone other than the registrant approve them; register again without SkipModelValidation.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot.facets().approval().judge(snapshot.kind(), &|a| {
            if a.skip_validation == Some("All") && a.validation_spec {
                return Check::fail(
                    "SkipModelValidation = All: SageMaker did not run its ValidationSpecification",
                    "a model package SageMaker validates",
                );
            }
            if !a.versioned {
                return Check::not_applicable(
                    "an unversioned model package: approval does not apply to it",
                );
            }
            match a.status {
                None | Some("PendingManualApproval") | Some("Rejected") => Check::pass(format!(
                    "not approved ({})",
                    a.status.unwrap_or("no approval status")
                )),
                Some("Approved") => approved(a),
                Some(other) => Check::cannot(format!(
                    "ModelApprovalStatus {other} is not one this version knows"
                )),
            }
        })
    }

    fn prevent(_: &(), scp: &mut Scp<'_>) {
        scp.deny(
            Self::ID,
            Deny {
                sid: "ModelApprovalAtRegistration".into(),
                actions: &[actions::CREATE_MODEL_PACKAGE],
                operator: "StringEquals",
                key: "sagemaker:ModelApprovalStatus",
                values: json!("Approved"),
                unless: None,
                also: None,
            },
        );
    }
}

/// An approved version: judged on the approving call when the evaluation has it, else on the
/// registry's record of who changed it last.
fn approved(a: &Approval<'_>) -> Check {
    let expected = "approved by someone other than who registered it";
    let Some(registrant) = a.registered_by else {
        return match a.approval_call {
            Some(ApprovalCall::Registered) => {
                Check::fail("registered Approved, without review", expected)
            }
            _ => Check::cannot("Approved, and the record does not say who registered it"),
        };
    };
    match a.approval_call {
        Some(ApprovalCall::Registered) => {
            Check::fail("registered Approved, without review", expected)
        }
        Some(ApprovalCall::By(approver)) => match registrant.compare(approver) {
            Sameness::Same => Check::fail(
                format!("approved by {}, who registered it", approver.label()),
                expected,
            ),
            Sameness::Unknowable => Check::cannot(format!(
                "approved by {}, registered by {}: the same role in another session, so whether another person approved it cannot be told",
                approver.label(),
                registrant.label()
            )),
            Sameness::Different => Check::pass(format!(
                "approved by {}; registered by {}",
                approver.label(),
                registrant.label()
            )),
        },
        None => match a.last_changed_by.map(|last| (last, registrant.compare(last))) {
            Some((last, Sameness::Different)) => Check::pass(format!(
                "Approved, last changed by {}; registered by {}",
                last.label(),
                registrant.label()
            )),
            Some((last, _)) => Check::cannot(format!(
                "Approved and last changed by its registrant ({}) or the same role: self-approved, or changed after someone else approved it; the registry does not record the approver",
                last.label()
            )),
            None => Check::cannot(
                "Approved, and the record names no change since it was registered: who approved it is not recorded",
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::facets::Principal;

    #[test]
    fn table() {
        let pipeline = || Principal {
            person: None,
            iam: Some("arn:aws:sts::123456789012:assumed-role/Pipeline/run-7".into()),
        };
        let cases = [
            ("last changed by a reviewer", model_package(|_| {}), "PASS"),
            ("pending review", model_package(|m| m.approval_status = Some("PendingManualApproval".into())), "PASS"),
            ("rejected", model_package(|m| m.approval_status = Some("Rejected".into())), "PASS"),
            ("no approval status", model_package(|m| m.approval_status = None), "PASS"),
            ("registered Approved", model_package(|m| m.approval_call = Some(ApprovalCall::Registered)), "FAIL"),
            ("approved by its registrant's role, the same session", model_package(|m| m.approval_call = Some(ApprovalCall::By(pipeline()))), "CANNOT"),
            ("approved by the IAM user who registered it", model_package(|m| {
                let carol = Principal { person: None, iam: Some("arn:aws:iam::123456789012:user/carol".into()) };
                m.registered_by = Some(carol.clone());
                m.approval_call = Some(ApprovalCall::By(carol));
            }), "FAIL"),
            ("approved by the same person in another role", model_package(|m| {
                m.registered_by = Some(Principal { person: Some("alice".into()), iam: None });
                m.approval_call = Some(ApprovalCall::By(Principal { person: Some("alice".into()), iam: Some("arn:aws:sts::123456789012:assumed-role/Admin/x".into()) }));
            }), "FAIL"),
            ("approved by someone else", model_package(|m| m.approval_call = Some(ApprovalCall::By(Principal { person: Some("bob".into()), iam: None }))), "CANNOT"),
            ("approved by another role", model_package(|m| m.approval_call = Some(ApprovalCall::By(Principal { person: None, iam: Some("arn:aws:sts::123456789012:assumed-role/Reviewer/bob".into()) }))), "PASS"),
            ("the registrant's role in another session", model_package(|m| m.approval_call = Some(ApprovalCall::By(Principal { person: None, iam: Some("arn:aws:sts::123456789012:assumed-role/Pipeline/other".into()) }))), "CANNOT"),
            ("last changed by its registrant, no approving call", model_package(|m| m.last_changed_by = Some(pipeline())), "CANNOT"),
            ("no change recorded, no approving call", model_package(|m| m.last_changed_by = None), "CANNOT"),
            ("validation skipped", model_package(|m| {
                m.approval_status = Some("PendingManualApproval".into());
                m.skip_validation = Some("All".into());
                m.validation_spec = true;
            }), "FAIL"),
            ("nothing to validate", model_package(|m| m.skip_validation = Some("All".into())), "PASS"),
            ("registrant unknown", model_package(|m| m.registered_by = None), "CANNOT"),
            ("unknown status", model_package(|m| m.approval_status = Some("Archived".into())), "CANNOT"),
            ("unversioned", model_package(|m| m.versioned = false), "N/A"),
            ("training", training(|_| {}), "N/A"),
            ("endpoint", endpoint(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&ModelApproval::check(&snap, &())), want, "{name}");
        }
    }
}
