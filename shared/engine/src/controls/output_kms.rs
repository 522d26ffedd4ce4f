//! `output-kms`: what a job writes to S3, and what an endpoint captures or answers
//! asynchronously, is encrypted with a customer managed KMS key.
//!
//! **What** — training job `OutputDataConfig.KmsKeyId`, processing job
//! `ProcessingOutputConfig.KmsKeyId`, transform job `TransformOutput.KmsKeyId`, every training job
//! definition of a tuning job (`OutputDataConfig.KmsKeyId`), and an endpoint's
//! `DataCaptureConfig.KmsKeyId` when data capture is on and
//! `AsyncInferenceConfig.OutputConfig.KmsKeyId` when it serves asynchronous inference (its
//! results, and its failures, land in S3), and each variant's `CoreDumpConfig.KmsKeyId` when it
//! writes its containers' core dumps to S3 (AWS: without one, "SageMaker uses the default KMS
//! key for Amazon S3"), and an AutoML job's `OutputDataConfig.KmsKeyId`. Notebooks and HyperPod
//! clusters have no output location: not applicable.
//!
//! **Why** — model artefacts and captured requests/responses often hold personal data. Without a
//! customer key, S3 encrypts them with the bucket default (often SSE-S3), outside the team's key
//! policy and revocation control.
//!
//! **Example** — `OutputDataConfig = {S3OutputPath = "s3://models/"}` with no `KmsKeyId` fails.
//!
//! **Fix** — set `KmsKeyId` in the job's output configuration, or in the endpoint configuration's
//! `DataCaptureConfig`, `AsyncInferenceConfig.OutputConfig` and variants' `CoreDumpConfig`.

use super::kms::{check_key, KeyRules, KmsEntry, KmsSettings};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, KeyNames, Scp};
use crate::resource::Snapshot;

pub struct OutputKms;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("output-kms");

/// The create calls that take `sagemaker:OutputKmsKeyArn`.
const OUTPUT_KEY_ACTIONS: [&str; 11] = crate::preventive::with_monitoring([
    actions::CREATE_LABELING,
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TRANSFORM,
    actions::CREATE_TUNING,
]);
const CONDITION_KEY: KeyNames = KeyNames {
    current: "sagemaker:OutputKmsKeyArn",
    former: "sagemaker:OutputKmsKey",
};
/// The calls that set Studio notebook sharing, with the key of its output.
const SHARING_ACTIONS: [&str; 4] = [
    actions::CREATE_DOMAIN,
    actions::UPDATE_DOMAIN,
    actions::CREATE_USER_PROFILE,
    actions::UPDATE_USER_PROFILE,
];
/// Renamed like the other key condition keys: the Service Authorization Reference lists
/// `...KmsKeyArn` on the Studio calls and marks the former name deprecated.
const SHARING_KEY: KeyNames = KeyNames {
    current: "sagemaker:DomainSharingOutputKmsKeyArn",
    former: "sagemaker:DomainSharingOutputKmsKey",
};

impl Control for OutputKms {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Set a customer managed KMS key on the job output (OutputDataConfig/ProcessingOutputConfig KmsKeyId) or the endpoint configuration's DataCaptureConfig and AsyncInferenceConfig.OutputConfig.";
    type Entry = KmsEntry;
    type Settings = KmsSettings;

    fn settings(entry: KmsEntry) -> Result<KmsSettings, Invalid> {
        super::kms::settings(Self::ID, entry)
    }

    fn check(snapshot: &Snapshot, settings: &KmsSettings) -> Check {
        let rules = &KeyRules::new(snapshot, settings);
        snapshot
            .facets()
            .output()
            .judge(snapshot.kind(), &|o| check_key(o.key, rules, o.what))
    }

    fn prevent(settings: &KmsSettings, scp: &mut Scp<'_>) {
        crate::preventive::monitoring_inline_gap(scp, Self::ID);
        let (name, actions) = ("OutputKms", &OUTPUT_KEY_ACTIONS);
        let missing = format!("{name}Missing");
        super::kms::deny_missing_key(scp, Self::ID, missing, actions, CONDITION_KEY, None);
        super::kms::deny_unlisted_keys(scp, Self::ID, name, actions, CONDITION_KEY, settings);
        // A feature group may have no offline store: a missing key is the detective control's.
        let offline = KeyNames::single("sagemaker:FeatureGroupOfflineStoreKmsKey");
        let features = [actions::CREATE_FEATURE_GROUP];
        super::kms::deny_unlisted_keys(scp, Self::ID, "OutputKmsOfflineStore", &features, offline, settings);
        scp.gap(
            Self::ID,
            actions::CREATE_FEATURE_GROUP,
            "an offline store is optional and no condition key says whether the request has one: \
             a missing key is judged by the detective control (a key given is checked)",
        );
        for action in [actions::CREATE_COMPILATION, actions::CREATE_OPTIMIZATION] {
            scp.gap(
                Self::ID,
                action,
                "no condition key carries a compilation or optimization job's \
                 OutputConfig.KmsKeyId",
            );
        }
        scp.gap(
            Self::ID,
            actions::CREATE_MODEL_PACKAGE,
            "no condition key carries a model package's SecurityConfig.KmsKeyId",
        );
        scp.gap(
            Self::ID,
            actions::CREATE_MLFLOW_APP,
            "no condition key carries an MLflow app's KmsKeyId",
        );
        scp.gap(
            Self::ID,
            actions::CREATE_FLOW_DEFINITION,
            "no condition key carries an A2I flow definition's OutputConfig.KmsKeyId",
        );
        scp.gap(
            Self::ID,
            actions::CREATE_INFERENCE_EXPERIMENT,
            "no condition key carries an inference experiment's DataStorageConfig.KmsKey",
        );
        scp.gap(
            Self::ID,
            actions::CREATE_RECOMMENDATION_JOB,
            "an Inference Recommender job's OutputConfig.KmsKeyId: no condition key carries it, \
             and DescribeInferenceRecommendationsJob does not report it (not judged)",
        );
        let sharing = "OutputKmsSharing";
        super::kms::deny_unlisted_keys(scp, Self::ID, sharing, &SHARING_ACTIONS, SHARING_KEY, settings);
        scp.gap(
            Self::ID,
            actions::CREATE_DOMAIN,
            "notebook sharing allowed without SharingSettings.S3KmsKeyId: no condition key \
             carries NotebookOutputOption, so a missing key cannot be denied (a key given is \
             checked)",
        );
        scp.gap(
            Self::ID,
            actions::CREATE_ENDPOINT_CONFIG,
            "no condition key for DataCaptureConfig.KmsKeyId, \
             AsyncInferenceConfig.OutputConfig.KmsKeyId or a variant's CoreDumpConfig.KmsKeyId \
             (sagemaker:OutputKmsKeyArn is not defined for CreateEndpointConfig)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::{AsyncOutput, DataCapture};

    fn check(snapshot: &Snapshot, settings: &KmsSettings) -> Check {
        OutputKms::check(snapshot, settings)
    }

    #[test]
    fn table() {
        let any = KmsSettings::default();
        let only_alias = KmsSettings {
            allowed_keys: vec!["alias/ml-data".into()],
            ..KmsSettings::default()
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
                "endpoint core dumps with a customer key",
                endpoint(|e| e.variants[0].core_dump = Some(Some(KEY.into()))),
                &any,
                "PASS",
            ),
            (
                "endpoint core dumps without a key (AWS's S3 key)",
                endpoint(|e| e.variants[0].core_dump = Some(None)),
                &any,
                "FAIL",
            ),
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
                "endpoint async output with a key",
                endpoint(|e| {
                    e.async_output = Some(AsyncOutput {
                        kms_key_id: Some(KEY.into()),
                    })
                }),
                &any,
                "PASS",
            ),
            (
                "endpoint async output without a key",
                endpoint(|e| e.async_output = Some(AsyncOutput { kms_key_id: None })),
                &any,
                "FAIL",
            ),
            (
                "endpoint async output without a key, no capture",
                endpoint(|e| {
                    e.data_capture = None;
                    e.async_output = Some(AsyncOutput { kms_key_id: None });
                }),
                &any,
                "FAIL",
            ),
            (
                "endpoint async output with an aws managed key",
                endpoint(|e| {
                    e.async_output = Some(AsyncOutput {
                        kms_key_id: Some("alias/aws/s3".into()),
                    })
                }),
                &any,
                "FAIL",
            ),
            (
                "endpoint config unknown",
                endpoint_without_config(),
                &any,
                "CANNOT",
            ),
            ("monitoring with a key", monitoring(|_| {}), &any, "PASS"),
            ("monitoring without a key", monitoring(|j| j.output_kms_key_id = None), &any, "FAIL"),
            ("studio domain without sharing", domain(|_| {}), &any, "N/A"),
            (
                "studio domain sharing without a key",
                domain(|d| {
                    d.user_defaults.sharing = Some(crate::kinds::domain::Sharing {
                        output: "Allowed".into(),
                        kms_key_id: None,
                    })
                }),
                &any,
                "FAIL",
            ),
            (
                "studio profile sharing with a key",
                user_profile(|p| {
                    p.sharing = Some(crate::kinds::domain::Sharing {
                        output: "Allowed".into(),
                        kms_key_id: Some(KEY.into()),
                    })
                }),
                &any,
                "PASS",
            ),
            (
                "studio profile sharing off",
                user_profile(|p| {
                    p.sharing = Some(crate::kinds::domain::Sharing {
                        output: "Disabled".into(),
                        kms_key_id: None,
                    })
                }),
                &any,
                "N/A",
            ),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&check(&snap, settings)), want, "{name}");
        }
    }
}
