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
//!   "does not apply to unversioned models". Judged by `model-approval`, with who registered the
//!   version (`CreatedBy`) and who changed it last (`LastModifiedBy`); `SkipModelValidation:
//!   All` too.
//! - `SecurityConfig.KmsKeyId`: "The KMS Key ID used for encryption of model package
//!   information" (absent: AWS's own key). Judged by `output-kms`. It cannot be updated.
//! - The environment of its inference containers (`InferenceSpecification.Containers[]`, and
//!   each of `AdditionalInferenceSpecifications[]`): scanned for credentials; a model deployed
//!   from the package takes it.
//!
//! Containment is `UpdateModelPackage` with `ModelApprovalStatus = Rejected`: the version can no
//! longer be deployed, and nothing is destroyed (a reviewer can approve it again). The lifecycle
//! follows the approval status: a rejected version is contained.

use serde::Serialize;

use super::{ApiCall, Kind, Listing, StateChange, Stop};
use crate::facets::{Approval, Facet, Facets, Output};
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
    /// Who registered it: `CreatedBy` ([`who`]); `None` when the record does not say.
    pub registered_by: Option<String>,
    /// Who changed it last: `LastModifiedBy`; `None` when nobody has.
    pub last_changed_by: Option<String>,
    /// Read from the registering call itself (CloudTrail's request parameters).
    pub at_registration: bool,
    /// `SecurityConfig.KmsKeyId`.
    pub kms_key_id: Option<String>,
    /// Its containers' environments; never serialised.
    #[serde(skip)]
    pub plaintext: Vec<crate::secrets::Setting>,
}

/// Who a `UserContext` (`CreatedBy`, `LastModifiedBy`) names: the Studio user profile when there
/// is one (its users may share one execution role), else the IAM identity ("associated with model
/// package groups, model packages, and project entities", API reference, `IamIdentity`).
fn who(user: Option<Shape<'_>>) -> Result<Option<String>, FieldError> {
    let Some(user) = user else {
        return Ok(None);
    };
    match user.str("UserProfileArn")? {
        Some(profile) => Ok(Some(profile)),
        None => user.path_str(&["IamIdentity", "Arn"]),
    }
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
    /// `ModelApprovalStatus`, versioned and unversioned packages (`ModelPackageType = Both`).
    const LISTING: Listing = Listing {
        call: "ListModelPackages",
        statuses: &["Approved", "PendingManualApproval"],
        excluded: &[],
    };

    /// The approval status: a version that is or may be approved can be rejected; a rejected
    /// one cannot be deployed. None given: not approved (the API's requirement for deployment).
    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "Approved" | "PendingManualApproval" | "" => Lifecycle::Active(s),
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
        Ok(ModelPackageConfig {
            versioned: s.str("ModelPackageGroupName")?.is_some(),
            approval_status: s.str("ModelApprovalStatus")?,
            skip_validation: s.str("SkipModelValidation")?,
            registered_by: who(s.get("CreatedBy")?)?,
            last_changed_by: who(s.get("LastModifiedBy")?)?,
            at_registration: s.is_request(),
            kms_key_id: s.path_str(&["SecurityConfig", "KmsKeyId"])?,
            plaintext,
        })
    }
}

impl Facets for ModelPackageConfig {
    fn approval(&self) -> Facet<Approval<'_>> {
        Facet::One(Approval {
            versioned: self.versioned,
            status: self.approval_status.as_deref(),
            skip_validation: self.skip_validation.as_deref(),
            registered_by: self.registered_by.as_deref(),
            last_changed_by: self.last_changed_by.as_deref(),
            at_registration: self.at_registration,
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
    use crate::controls::fixtures::{status, KEY};
    use crate::controls::{model_approval, no_plaintext_secrets, output_kms};
    use crate::resource::ResourceKind;

    /// What a registry record gives each control, from a Describe response and from the
    /// registering call's request.
    #[test]
    fn table() -> Result<(), FieldError> {
        let policy = crate::Policy::baseline();
        let judge = |response: &serde_json::Value| -> Result<Vec<&'static str>, FieldError> {
            let mut snapshot = crate::controls::fixtures::training(|_| {});
            snapshot.id.kind = ResourceKind::ModelPackage;
            snapshot.details = ResourceKind::ModelPackage.read_described(response)?.details;
            Ok([model_approval::ID, output_kms::ID, no_plaintext_secrets::ID]
                .iter()
                .map(|id| status(&policy.check(*id, &snapshot)))
                .collect())
        };
        let registrar = serde_json::json!({"IamIdentity": {"Arn": "arn:aws:sts::123456789012:assumed-role/Pipeline/run-7"}});
        let reviewer = serde_json::json!({"UserProfileArn": "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-1/alice"});
        let reviewed = serde_json::json!({
            "ModelPackageGroupName": "churn",
            "ModelApprovalStatus": "Approved",
            "CreatedBy": registrar,
            "LastModifiedBy": reviewer,
            "SecurityConfig": {"KmsKeyId": KEY},
            "InferenceSpecification": {"Containers": [{"Image": "i", "Environment": {"MODEL_SERVER_WORKERS": "2"}}]},
        });
        assert_eq!(judge(&reviewed)?, ["PASS", "PASS", "PASS"]);
        let mut self_approved = reviewed.clone();
        self_approved["LastModifiedBy"] = registrar.clone();
        assert_eq!(judge(&self_approved)?, ["FAIL", "PASS", "PASS"]);
        let mut never_changed = reviewed.clone();
        never_changed.as_object_mut().map(|o| o.remove("LastModifiedBy"));
        assert_eq!(judge(&never_changed)?, ["FAIL", "PASS", "PASS"]);
        let mut pending = never_changed.clone();
        pending["ModelApprovalStatus"] = "PendingManualApproval".into();
        assert_eq!(judge(&pending)?, ["PASS", "PASS", "PASS"]);
        let mut unvalidated = pending.clone();
        unvalidated["SkipModelValidation"] = "All".into();
        assert_eq!(judge(&unvalidated)?, ["FAIL", "PASS", "PASS"]);
        // A record that does not say who registered it cannot clear an approval.
        let mut anonymous = reviewed.clone();
        anonymous.as_object_mut().map(|o| o.remove("CreatedBy"));
        assert_eq!(judge(&anonymous)?, ["CANNOT", "PASS", "PASS"]);
        let mut unknown = pending.clone();
        unknown["ModelApprovalStatus"] = "Archived".into();
        assert_eq!(judge(&unknown)?, ["CANNOT", "PASS", "PASS"]);
        // An unversioned package (AWS Marketplace) has no approval; its key and environment are
        // judged all the same.
        let token = format!("hf_{}", "z".repeat(34));
        let marketplace = serde_json::json!({
            "ModelPackageName": "vendor-model",
            "AdditionalInferenceSpecifications": [{"Name": "gpu", "Containers": [{"Image": "i", "Environment": {"HF_TOKEN": token}}]}],
        });
        assert_eq!(judge(&marketplace)?, ["N/A", "FAIL", "FAIL"]);
        // The registering call: a version registered Approved was not reviewed.
        let request = serde_json::json!({
            "modelPackageGroupName": "churn",
            "modelApprovalStatus": "Approved",
            "securityConfig": {"kmsKeyId": KEY},
        });
        let read = ResourceKind::ModelPackage.read(&Shape::camel(crate::json::Node::new(&request, "requestParameters")))?;
        let mut snapshot = crate::controls::fixtures::training(|_| {});
        snapshot.id.kind = ResourceKind::ModelPackage;
        snapshot.details = read;
        assert_eq!(status(&policy.check(model_approval::ID, &snapshot)), "FAIL");
        Ok(())
    }
}
