//! Model packages: `CreateModelPackage` and `UpdateModelPackage`; state changes as "SageMaker
//! Model Package State Change". A model package is a model registered for deployment: a
//! version in a model group of the Model Registry (`model-package/GROUP/VERSION`), or an
//! unversioned package, as AWS Marketplace lists them (`model-package/NAME`). It is named by its
//! ARN's resource part (`GROUP/VERSION`), and the calls take its ARN: a version has no name of its
//! own.
//!
//! What it holds and how it reaches production (API reference, `CreateModelPackage`,
//! `DescribeModelPackage`):
//! - `ModelApprovalStatus`: `Approved`, `Rejected` or `PendingManualApproval`. "For versioned
//!   models, the value of this parameter must be set to `Approved` to deploy the model"; it
//!   "does not apply to unversioned models". Judged by `model-approval`: who approved it is
//!   known from the call that did (`CreateModelPackage` registering it `Approved`, or the
//!   `UpdateModelPackage` setting `Approved`, folded in by [`Kind::observe_call`]); otherwise
//!   only who registered it (`CreatedBy`) and who changed it last (`LastModifiedBy`) are
//!   recorded. `SkipModelValidation = All` with a `ValidationSpecification` too.
//! - `SecurityConfig.KmsKeyId`: "The KMS Key ID used for encryption of model package
//!   information" (absent: AWS's own key). Judged by `output-kms`. It cannot be updated.
//! - The environment of its inference containers (`InferenceSpecification.Containers[]`, and
//!   each of `AdditionalInferenceSpecifications[]`): scanned for credentials; a model deployed
//!   from the package takes it.
//!
//! Containment is `UpdateModelPackage` with `ModelApprovalStatus = Rejected`: the version can no
//! longer be deployed, and nothing is destroyed (a reviewer can approve it again). The lifecycle
//! follows the approval status: a rejected version is contained; a package with none (an
//! unversioned one: `UpdateModelPackage` "updates a versioned model") is never acted on. Models
//! and endpoints already created from a version are judged as such; rejecting the version does
//! not undeploy them.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Approval, ApprovalCall, Facet, Facets, Output, Principal};
use crate::json::FieldError;
use crate::resource::{Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct ModelPackage;

/// What a model package holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelPackageConfig {
    /// A version in a model group (`ModelPackageGroupName`), not an unversioned package.
    pub versioned: bool,
    /// `ModelApprovalStatus`, as given.
    pub approval_status: Option<String>,
    /// `SkipModelValidation`: `All` or `None`.
    pub skip_validation: Option<String>,
    /// It has a `ValidationSpecification` (what `SkipModelValidation` skips).
    pub validation_spec: bool,
    /// Who registered it: `CreatedBy` ([`who`]); `None` when the record does not say.
    pub registered_by: Option<Principal>,
    /// Who changed it last: `LastModifiedBy`; `None` when the record does not say.
    pub last_changed_by: Option<Principal>,
    /// The call that approved it, when the evaluation has it.
    pub approval_call: Option<ApprovalCall>,
    /// `SecurityConfig.KmsKeyId`.
    pub kms_key_id: Option<String>,
    /// Its containers' environments; never serialised.
    #[serde(skip)]
    pub plaintext: Vec<crate::secrets::Setting>,
}

/// Who a `UserContext` (`CreatedBy`, `LastModifiedBy`) names: the person (the IAM session's
/// `SourceIdentity`, "the person or application which assumes the IAM identity", else the Studio
/// user profile: its users may share one execution role) and the IAM identity ("associated with
/// model package groups, model packages, and project entities", API reference, `IamIdentity`).
fn who(user: Option<Shape<'_>>) -> Result<Option<Principal>, FieldError> {
    let Some(user) = user else {
        return Ok(None);
    };
    let source = user.path_str(&["IamIdentity", "SourceIdentity"])?;
    let profile = user.str("UserProfileName")?;
    Ok(Some(Principal {
        person: source.or(profile),
        iam: user.path_str(&["IamIdentity", "Arn"])?,
    }))
}

/// Whether a request sets the version `Approved`.
fn approves(request: &Shape<'_>) -> Result<bool, FieldError> {
    Ok(request.str("ModelApprovalStatus")?.as_deref() == Some("Approved"))
}

/// The environments of an inference specification's containers, placed under `at`.
fn containers(
    spec: &Shape<'_>,
    at: &str,
    into: &mut Vec<crate::secrets::Setting>,
) -> Result<(), FieldError> {
    for (i, container) in spec.items("Containers")?.iter().enumerate() {
        let settings = container.plaintext("Environment")?;
        into.extend(settings.into_iter().map(|mut setting| {
            setting.place = format!("{at}Containers[{i}].{}", setting.place);
            setting
        }));
    }
    Ok(())
}

impl Kind for ModelPackage {
    const NAME: &'static str = "model-package";
    const LABEL: &'static str = "model package";
    type Config = ModelPackageConfig;
    const CALLS: &'static [ApiCall] = &[
        ApiCall {
            event_name: "CreateModelPackage",
            name_key: "",
            arn_key: "modelPackageArn",
        },
        // (approving a version is an update; so is rejecting one)
        ApiCall {
            event_name: "UpdateModelPackage",
            name_key: "",
            arn_key: "modelPackageArn",
        },
    ];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: Some("SageMaker Model Package State Change"),
        name_key: "",
        arn_key: "ModelPackageArn",
        status_key: "ModelApprovalStatus",
    };
    const NAMED_BY_ARN: bool = true;
    const CREATE_CALL: &'static str = "CreateModelPackage";
    const DESCRIBE_CALL: &'static str = "DescribeModelPackage";
    const STOP: Stop = Stop::rejecting("UpdateModelPackage");
    /// Versions by `ModelApprovalStatus`; the inventory adds the unversioned packages (which
    /// have none).
    const LISTING: Listing = Listing {
        call: "ListModelPackages",
        statuses: &["Approved", "PendingManualApproval"],
        excluded: &[],
    };

    /// The approval status: a version that is or may be approved can be rejected; a rejected
    /// one cannot be deployed; a package without one is not acted on (unversioned packages
    /// cannot be rejected).
    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Approved" | "PendingManualApproval" => Lifecycle::Active(s),
            "Rejected" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    fn read(s: &Shape<'_>) -> Result<ModelPackageConfig, FieldError> {
        let mut plaintext = Vec::new();
        if let Some(spec) = s.get("InferenceSpecification")? {
            containers(&spec, "InferenceSpecification.", &mut plaintext)?;
        }
        for (i, spec) in s.items("AdditionalInferenceSpecifications")?.iter().enumerate() {
            containers(spec, &format!("AdditionalInferenceSpecifications[{i}]."), &mut plaintext)?;
        }
        // (a registering request that sets `Approved` is the approving call itself)
        let registered = s.is_request() && approves(s)?;
        Ok(ModelPackageConfig {
            versioned: s.str("ModelPackageGroupName")?.is_some(),
            approval_status: s.str("ModelApprovalStatus")?,
            skip_validation: s.str("SkipModelValidation")?,
            validation_spec: s.get("ValidationSpecification")?.is_some(),
            registered_by: who(s.get("CreatedBy")?)?,
            last_changed_by: who(s.get("LastModifiedBy")?)?,
            approval_call: registered.then_some(ApprovalCall::Registered),
            kms_key_id: s.path_str(&["SecurityConfig", "KmsKeyId"])?,
            plaintext,
        })
    }

    /// The call that approved the version, when the triggering call did.
    fn observe_call(
        config: &mut ModelPackageConfig,
        event_name: &str,
        request: &Shape<'_>,
        caller: Option<&crate::event::Actor>,
    ) -> Result<(), FieldError> {
        if !approves(request)? {
            return Ok(());
        }
        config.approval_call = match event_name {
            "CreateModelPackage" => Some(ApprovalCall::Registered),
            "UpdateModelPackage" => Some(ApprovalCall::By(Principal {
                person: caller.and_then(|c| c.source_identity.clone()),
                iam: caller.and_then(|c| c.arn.clone()),
            })),
            _ => return Ok(()),
        };
        Ok(())
    }
}

impl Facets for ModelPackageConfig {
    fn approval(&self) -> Facet<Approval<'_>> {
        Facet::One(Approval {
            versioned: self.versioned,
            status: self.approval_status.as_deref(),
            skip_validation: self.skip_validation.as_deref(),
            validation_spec: self.validation_spec,
            registered_by: self.registered_by.as_ref(),
            last_changed_by: self.last_changed_by.as_ref(),
            approval_call: self.approval_call.as_ref(),
        })
    }

    /// What the registry keeps of it.
    fn output(&self) -> Facet<Output<'_>> {
        Facet::One(Output {
            key: self.kms_key_id.as_deref(),
            what: "model package information",
        })
    }

    fn plaintext(&self) -> Facet<&[crate::secrets::Setting]> {
        Facet::One(&self.plaintext[..])
    }

    fn key_references(&self) -> Vec<&str> {
        self.kms_key_id.as_deref().into_iter().collect()
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::{statuses, KEY};
    use crate::controls::{model_approval, no_plaintext_secrets, output_kms};
    use crate::event::Actor;
    use crate::resource::{Details, ResourceKind};

    fn judge(details: Details) -> Vec<&'static str> {
        let controls = [model_approval::ID, output_kms::ID, no_plaintext_secrets::ID];
        statuses(ResourceKind::ModelPackage, details, &crate::Policy::baseline(), &controls)
    }

    fn described(response: &serde_json::Value) -> Result<Details, FieldError> {
        Ok(ResourceKind::ModelPackage.read_described(response)?.details)
    }

    /// What a registry record gives each control: from a Describe response alone, from the
    /// registering call's request, and with the approving call folded in.
    #[test]
    fn table() -> Result<(), FieldError> {
        let pipeline = "arn:aws:sts::123456789012:assumed-role/Pipeline/run-7";
        let registrar = serde_json::json!({"IamIdentity": {"Arn": pipeline}});
        let reviewer = serde_json::json!({"UserProfileArn": "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-1/alice",
            "UserProfileName": "alice", "IamIdentity": {"Arn": "arn:aws:sts::123456789012:assumed-role/StudioRole/SageMaker"}});
        let reviewed = serde_json::json!({
            "ModelPackageGroupName": "churn",
            "ModelApprovalStatus": "Approved",
            "CreatedBy": registrar,
            "LastModifiedBy": reviewer,
            "SecurityConfig": {"KmsKeyId": KEY},
            "InferenceSpecification": {"Containers": [{"Image": "i", "Environment": {"MODEL_SERVER_WORKERS": "2"}}]},
        });
        assert_eq!(judge(described(&reviewed)?), ["PASS", "PASS", "PASS"]);
        // From the record alone, a last change by the registrant, or none recorded, cannot tell
        // a self-approval from a later change: cannot evaluate, never a rejection on a guess.
        let mut last_by_registrant = reviewed.clone();
        last_by_registrant["LastModifiedBy"] = registrar.clone();
        assert_eq!(judge(described(&last_by_registrant)?), ["CANNOT", "PASS", "PASS"]);
        let mut unrecorded = reviewed.clone();
        unrecorded.as_object_mut().map(|o| o.remove("LastModifiedBy"));
        assert_eq!(judge(described(&unrecorded)?), ["CANNOT", "PASS", "PASS"]);
        // The approving call decides: by the registrant's role, in any session, cannot tell (a
        // role's sessions may be anyone's); by the same IAM user, or the same person (an IAM
        // session's source identity), a failure; by another role, a pass.
        let approved_by = |arn: &str, source: Option<&str>| -> Result<Details, FieldError> {
            let mut details = described(&unrecorded)?;
            let caller = Actor {
                arn: Some(arn.into()),
                source_identity: source.map(str::to_string),
                ..Actor::default()
            };
            let request = serde_json::json!({"modelPackageArn": "arn", "modelApprovalStatus": "Approved"});
            let shape = Shape::camel(crate::json::Node::new(&request, "requestParameters"));
            details.observe_call("UpdateModelPackage", &shape, Some(&caller))?;
            Ok(details)
        };
        assert_eq!(judge(approved_by(pipeline, None)?)[0], "CANNOT");
        let user = "arn:aws:iam::123456789012:user/carol";
        let mut by_user = unrecorded.clone();
        by_user["CreatedBy"] = serde_json::json!({"IamIdentity": {"Arn": user}});
        let mut details = described(&by_user)?;
        let caller = Actor { arn: Some(user.into()), ..Actor::default() };
        let request = serde_json::json!({"modelPackageArn": "arn", "modelApprovalStatus": "Approved"});
        let shape = Shape::camel(crate::json::Node::new(&request, "requestParameters"));
        details.observe_call("UpdateModelPackage", &shape, Some(&caller))?;
        assert_eq!(judge(details)[0], "FAIL");
        let mut by_alice = unrecorded.clone();
        by_alice["CreatedBy"] = serde_json::json!({"IamIdentity": {"Arn": pipeline, "SourceIdentity": "alice"}});
        let mut details = described(&by_alice)?;
        let caller = Actor { arn: Some(pipeline.into()), source_identity: Some("alice".into()), ..Actor::default() };
        details.observe_call("UpdateModelPackage", &shape, Some(&caller))?;
        assert_eq!(judge(details)[0], "FAIL");
        let other_session = "arn:aws:sts::123456789012:assumed-role/Pipeline/review";
        assert_eq!(judge(approved_by(other_session, None)?)[0], "CANNOT");
        let bob = "arn:aws:sts::123456789012:assumed-role/Reviewer/bob";
        assert_eq!(judge(approved_by(bob, None)?)[0], "PASS");
        // A call that does not approve leaves the record to speak.
        let mut details = described(&last_by_registrant)?;
        let metadata = serde_json::json!({"modelPackageArn": "arn", "customerMetadataProperties": {"ticket": "ML-1"}});
        let shape = Shape::camel(crate::json::Node::new(&metadata, "requestParameters"));
        details.observe_call("UpdateModelPackage", &shape, None)?;
        assert_eq!(judge(details)[0], "CANNOT");
        let mut pending = unrecorded.clone();
        pending["ModelApprovalStatus"] = "PendingManualApproval".into();
        assert_eq!(judge(described(&pending)?), ["PASS", "PASS", "PASS"]);
        // Validation skipped where there is a validation to skip.
        let mut unvalidated = pending.clone();
        unvalidated["SkipModelValidation"] = "All".into();
        assert_eq!(judge(described(&unvalidated)?), ["PASS", "PASS", "PASS"]);
        unvalidated["ValidationSpecification"] = serde_json::json!({"ValidationRole": "r", "ValidationProfiles": []});
        assert_eq!(judge(described(&unvalidated)?), ["FAIL", "PASS", "PASS"]);
        let mut anonymous = reviewed.clone();
        anonymous.as_object_mut().map(|o| o.remove("CreatedBy"));
        assert_eq!(judge(described(&anonymous)?), ["CANNOT", "PASS", "PASS"]);
        let mut unknown = pending.clone();
        unknown["ModelApprovalStatus"] = "Archived".into();
        assert_eq!(judge(described(&unknown)?), ["CANNOT", "PASS", "PASS"]);
        // An unversioned package (AWS Marketplace) has no approval; its key and environment are
        // judged all the same.
        let token = format!("hf_{}", "z".repeat(34));
        let marketplace = serde_json::json!({
            "ModelPackageName": "vendor-model",
            "AdditionalInferenceSpecifications": [{"Name": "gpu", "Containers": [{"Image": "i", "Environment": {"HF_TOKEN": token}}]}],
        });
        assert_eq!(judge(described(&marketplace)?), ["N/A", "FAIL", "FAIL"]);
        assert!(matches!(ModelPackage::lifecycle(""), Lifecycle::Unknown(_)));
        // The registering call: a version registered Approved was not reviewed.
        let request = serde_json::json!({
            "modelPackageGroupName": "churn",
            "modelApprovalStatus": "Approved",
            "securityConfig": {"kmsKeyId": KEY},
        });
        let read = ResourceKind::ModelPackage.read(&Shape::camel(crate::json::Node::new(&request, "requestParameters")))?;
        assert_eq!(judge(read), ["FAIL", "PASS", "PASS"]);
        Ok(())
    }
}
