//! `volume-kms`: storage volumes are encrypted with a customer managed KMS key.
//!
//! **What** — the ML storage volume of a notebook (`KmsKeyId`), training job
//! (`ResourceConfig.VolumeKmsKeyId`), processing job (`ProcessingResources.ClusterConfig.VolumeKmsKeyId`),
//! transform job (`TransformResources.VolumeKmsKeyId`), every training job definition of a tuning
//! job, and the endpoint configuration's `KmsKeyId` (the instance storage of every variant), name a
//! customer managed key, from the allow-list when the policy has one.
//!
//! **Why** — without it SageMaker uses an AWS managed key: the account cannot restrict who decrypts
//! the training data and model artefacts on the volume, cannot revoke access by disabling the key,
//! and key use does not show up under the team's own key policy in CloudTrail.
//!
//! **Example** — `CreateTrainingJob` without `ResourceConfig.VolumeKmsKeyId` fails;
//! `VolumeKmsKeyId = "alias/aws/sagemaker"` also fails (an AWS managed key).
//!
//! **Fix** — pass a customer managed key: `KmsKeyId` on the notebook, `VolumeKmsKeyId` in the job's
//! resource configuration, `KmsKeyId` in the endpoint configuration.

use super::{kms::check_key, Check};
use crate::policy::KmsSettings;
use crate::resource::{Details, Snapshot};

pub const REMEDY: &str = "Set a customer managed KMS key for the storage volume (KmsKeyId / VolumeKmsKeyId) and recreate the resource.";

pub fn check(snapshot: &Snapshot, settings: &KmsSettings) -> Check {
    match &snapshot.details {
        Details::NotebookInstance(n) => {
            check_key(n.kms_key_id.as_deref(), settings, "storage volume")
        }
        Details::TrainingJob(j) | Details::ProcessingJob(j) => {
            check_key(j.volume_kms_key_id.as_deref(), settings, "storage volume")
        }
        Details::TransformJob(t) => {
            check_key(t.volume_kms_key_id.as_deref(), settings, "storage volume")
        }
        Details::HyperParameterTuningJob(defs) => super::per_definition(defs, |j| {
            check_key(j.volume_kms_key_id.as_deref(), settings, "storage volume")
        }),
        Details::Endpoint(Some(e)) => {
            check_key(e.kms_key_id.as_deref(), settings, "instance storage")
        }
        Details::Endpoint(None) => Check::cannot(super::NO_ENDPOINT_CONFIG),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let any = KmsSettings::default();
        let only_alias = KmsSettings {
            allowed_keys: vec!["alias/ml-data".into()],
        };
        let cases = [
            ("transform compliant", transform(|_| {}), &any, "PASS"),
            (
                "transform missing",
                transform(|t| t.volume_kms_key_id = None),
                &any,
                "FAIL",
            ),
            ("tuning compliant", tuning(|_| {}), &any, "PASS"),
            (
                "tuning one definition missing",
                tuning(|j| j.volume_kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "tuning outside allow-list",
                tuning(|_| {}),
                &only_alias,
                "FAIL",
            ),
            ("notebook compliant", notebook(|_| {}), &any, "PASS"),
            (
                "notebook missing",
                notebook(|n| n.kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "notebook aws managed",
                notebook(|n| n.kms_key_id = Some("alias/aws/sagemaker".into())),
                &any,
                "FAIL",
            ),
            (
                "notebook outside allow-list",
                notebook(|_| {}),
                &only_alias,
                "FAIL",
            ),
            ("training compliant", training(|_| {}), &any, "PASS"),
            (
                "training missing",
                training(|j| j.volume_kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "training outside allow-list",
                training(|_| {}),
                &only_alias,
                "FAIL",
            ),
            (
                "training in allow-list",
                training(|j| j.volume_kms_key_id = Some("alias/ml-data".into())),
                &only_alias,
                "PASS",
            ),
            ("processing compliant", processing(|_| {}), &any, "PASS"),
            (
                "processing missing",
                processing(|j| j.volume_kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "processing outside allow-list",
                processing(|_| {}),
                &only_alias,
                "FAIL",
            ),
            ("endpoint compliant", endpoint(|_| {}), &any, "PASS"),
            (
                "endpoint missing",
                endpoint(|e| e.kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "endpoint outside allow-list",
                endpoint(|_| {}),
                &only_alias,
                "FAIL",
            ),
            (
                "endpoint config unknown",
                endpoint_without_config(),
                &any,
                "CANNOT",
            ),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&check(&snap, settings)), want, "{name}");
        }
    }
}
