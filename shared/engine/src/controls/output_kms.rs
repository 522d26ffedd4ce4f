//! `output-kms`: what a job writes to S3, and what an endpoint captures, is encrypted with a
//! customer managed KMS key.
//!
//! **What** — training job `OutputDataConfig.KmsKeyId`, processing job
//! `ProcessingOutputConfig.KmsKeyId`, transform job `TransformOutput.KmsKeyId`, every training job
//! definition of a tuning job (`OutputDataConfig.KmsKeyId`), and an endpoint's `DataCaptureConfig.KmsKeyId` when data
//! capture is on. Notebooks have no output location: not applicable.
//!
//! **Why** — model artefacts and captured requests/responses often hold personal data. Without a
//! customer key, S3 encrypts them with the bucket default (often SSE-S3), outside the team's key
//! policy and revocation control.
//!
//! **Example** — `OutputDataConfig = {S3OutputPath = "s3://models/"}` with no `KmsKeyId` fails.
//!
//! **Fix** — set `KmsKeyId` in the job's output configuration or in the endpoint configuration's
//! `DataCaptureConfig`.

use super::kms::{check_key, KeyRules};
use super::Check;
use crate::policy::KmsSettings;
use crate::resource::{Details, Snapshot};

pub const REMEDY: &str = "Set a customer managed KMS key on the job output (OutputDataConfig/ProcessingOutputConfig KmsKeyId) or the endpoint's DataCaptureConfig.";

pub fn check(snapshot: &Snapshot, settings: &KmsSettings) -> Check {
    let rules = &KeyRules::new(snapshot, settings);
    match &snapshot.details {
        Details::NotebookInstance(_) => Check::no_such_setting(snapshot),
        Details::TrainingJob(j) | Details::ProcessingJob(j) => {
            check_key(j.output_kms_key_id.as_deref(), rules, "job output")
        }
        Details::TransformJob(t) => check_key(t.output_kms_key_id.as_deref(), rules, "job output"),
        Details::HyperParameterTuningJob(defs) => super::per_definition(defs, |j| {
            check_key(j.output_kms_key_id.as_deref(), rules, "job output")
        }),
        Details::Endpoint(e) => super::on_dependency(&e.config, "endpoint configuration", |c| {
            match &c.data_capture {
                Some(capture) if capture.enabled => {
                    check_key(capture.kms_key_id.as_deref(), rules, "captured data")
                }
                _ => Check::not_applicable("data capture is off"),
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::DataCapture;

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
                transform(|t| t.output_kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "transform aws managed",
                transform(|t| t.output_kms_key_id = Some("alias/aws/sagemaker".into())),
                &any,
                "FAIL",
            ),
            ("tuning compliant", tuning(|_| {}), &any, "PASS"),
            (
                "tuning one definition missing",
                tuning(|j| j.output_kms_key_id = None),
                &any,
                "FAIL",
            ),
            ("notebook", notebook(|_| {}), &any, "N/A"),
            ("training compliant", training(|_| {}), &any, "PASS"),
            (
                "training missing",
                training(|j| j.output_kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "training aws managed",
                training(|j| j.output_kms_key_id = Some("alias/aws/sagemaker".into())),
                &any,
                "FAIL",
            ),
            (
                "training outside allow-list",
                training(|_| {}),
                &only_alias,
                "FAIL",
            ),
            ("processing compliant", processing(|_| {}), &any, "PASS"),
            (
                "processing missing",
                processing(|j| j.output_kms_key_id = None),
                &any,
                "FAIL",
            ),
            (
                "processing outside allow-list",
                processing(|_| {}),
                &only_alias,
                "FAIL",
            ),
            ("endpoint capture compliant", endpoint(|_| {}), &any, "PASS"),
            (
                "endpoint capture missing key",
                endpoint(|e| {
                    e.data_capture = Some(DataCapture {
                        enabled: true,
                        kms_key_id: None,
                    })
                }),
                &any,
                "FAIL",
            ),
            (
                "endpoint capture outside allow-list",
                endpoint(|_| {}),
                &only_alias,
                "FAIL",
            ),
            (
                "endpoint capture off",
                endpoint(|e| {
                    e.data_capture = Some(DataCapture {
                        enabled: false,
                        kms_key_id: None,
                    })
                }),
                &any,
                "N/A",
            ),
            (
                "endpoint no capture",
                endpoint(|e| e.data_capture = None),
                &any,
                "N/A",
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
