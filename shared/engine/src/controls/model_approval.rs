//! `model-approval`: a model reaches production only after someone reviewed it.
//!
//! **What** — a model package version in the Model Registry is `Approved` only by an identity
//! other than the one that registered it: it was not registered `Approved`, and its last change
//! (`LastModifiedBy`) was not made by whoever registered it (`CreatedBy`; a Studio user profile
//! where there is one, else the IAM identity). A version `PendingManualApproval` or `Rejected`
//! passes: "for versioned models, the value ... must be set to `Approved` to deploy the model"
//! (API reference, `CreateModelPackage`). Any package registered with `SkipModelValidation =
//! All` fails: SageMaker did not validate that it runs. An unversioned package (AWS
//! Marketplace) has no approval ("does not apply to unversioned models"). A record that does not
//! say who registered an approved version, or an approval status this version does not know,
//! cannot be evaluated. Other kinds: not applicable.
//!
//! **Why** — deployment pipelines deploy what the registry says is approved. A version registered
//! `Approved`, or approved by the one who registered it, reaches production without a second
//! pair of eyes: the review the registry exists for is skipped.
//!
//! **Example** — `CreateModelPackage` with `ModelApprovalStatus = Approved` fails; so does
//! `UpdateModelPackage` setting `Approved` by the pipeline role that registered the version.
//!
//! **Limits** — the registry keeps the last modifier, not the approver: an approved version whose
//! registrant changes it afterwards (its metadata, say) reads as approved by its registrant.
//! Approve after the last change, or exempt the group.
//!
//! **Fix** — register versions `PendingManualApproval` and have a reviewer approve them; register
//! again without `SkipModelValidation`. Containment sets the version `Rejected` (reversible; it
//! destroys nothing). **Prevented** with `sagemaker:ModelApprovalStatus` (`Approved` denied on
//! `CreateModelPackage`); no key carries `SkipModelValidation` or the approver.

use serde_json::json;

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
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
            if a.skip_validation == Some("All") {
                return Check::fail(
                    "SkipModelValidation = All: SageMaker did not validate it",
                    "a model package SageMaker validates",
                );
            }
            if !a.versioned {
                return Check::not_applicable(
                    "an unversioned model package: approval does not apply to it",
                );
            }
            let expected = "approved by someone other than who registered it";
            match a.status {
                None | Some("PendingManualApproval") | Some("Rejected") => {
                    Check::pass(format!("not approved ({})", a.status.unwrap_or("no approval status")))
                }
                Some("Approved") if a.at_registration => {
                    Check::fail("registered Approved, without review", expected)
                }
                Some("Approved") => match (a.registered_by, a.last_changed_by) {
                    (None, _) => Check::cannot("Approved, and the record does not say who registered it"),
                    (Some(_), None) => Check::fail(
                        "Approved and never changed since it was registered: registered Approved, without review",
                        expected,
                    ),
                    (Some(registrant), Some(last)) if registrant == last => Check::fail(
                        format!("Approved, last changed by {last}, who registered it"),
                        expected,
                    ),
                    (Some(registrant), Some(last)) => Check::pass(format!(
                        "Approved, last changed by {last}; registered by {registrant}"
                    )),
                },
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let pipeline = "arn:aws:sts::123456789012:assumed-role/Pipeline/run-7";
        let cases = [
            ("approved by a reviewer", model_package(|_| {}), "PASS"),
            ("pending review", model_package(|m| m.approval_status = Some("PendingManualApproval".into())), "PASS"),
            ("rejected", model_package(|m| m.approval_status = Some("Rejected".into())), "PASS"),
            ("no approval status", model_package(|m| m.approval_status = None), "PASS"),
            ("registered Approved", model_package(|m| m.at_registration = true), "FAIL"),
            ("approved, never changed", model_package(|m| m.last_changed_by = None), "FAIL"),
            ("approved by its registrant", model_package(|m| m.last_changed_by = Some(pipeline.into())), "FAIL"),
            ("validation skipped", model_package(|m| {
                m.approval_status = Some("PendingManualApproval".into());
                m.skip_validation = Some("All".into());
            }), "FAIL"),
            ("validation not skipped", model_package(|m| m.skip_validation = Some("None".into())), "PASS"),
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
