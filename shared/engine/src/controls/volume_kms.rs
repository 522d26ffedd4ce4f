//! `volume-kms`: storage volumes are encrypted with a customer managed KMS key.
//!
//! **What** — the ML storage volume of a notebook (`KmsKeyId`), training job
//! (`ResourceConfig.VolumeKmsKeyId`), processing job (`ProcessingResources.ClusterConfig.VolumeKmsKeyId`),
//! transform job (`TransformResources.VolumeKmsKeyId`), every training job definition of a tuning
//! job, the endpoint configuration's `KmsKeyId` (the instance storage of every variant), and each
//! HyperPod instance group's root and secondary EBS volumes (`InstanceStorageConfigs[]
//! .EbsVolumeConfig.VolumeKmsKeyId`; without a `RootVolume = true` configuration the root volume
//! has an AWS owned key) and an AutoML job's `SecurityConfig.VolumeKmsKeyId` name a customer
//! managed key, from the allow-list when the policy has one.
//!
//! **Why** — without it SageMaker uses an AWS managed key: the account cannot restrict who decrypts
//! the training data and model artefacts on the volume, cannot revoke access by disabling the key,
//! and key use does not show up under the team's own key policy in CloudTrail.
//!
//! **Example** — `CreateTrainingJob` without `ResourceConfig.VolumeKmsKeyId` fails;
//! `VolumeKmsKeyId = "alias/aws/sagemaker"` also fails (an AWS managed key).
//!
//! **Not applicable** — on instance types with local NVMe instance storage (ml.p4d, ml.p5, ml.g5,
//! ml.trn1, the `d` families...: the table in [`crate::instances`]), whose storage is encrypted
//! in hardware and for which AWS rejects a key; on a heterogeneous cluster or an endpoint when
//! any of its instance groups or variants is such a type; on endpoints whose variants are all
//! serverless (no storage volume).
//!
//! **Fix** — pass a customer managed key: `KmsKeyId` on the notebook, `VolumeKmsKeyId` in the job's
//! resource configuration, `KmsKeyId` in the endpoint configuration.

use serde_json::json;

use super::kms::{check_key, KeyRules, KmsEntry, KmsSettings};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::facets::Volume;
use crate::instances::{self, Storage};
use crate::preventive::{actions, KeyNames, Scp};
use crate::resource::Snapshot;

pub struct VolumeKms;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("volume-kms");

/// The create calls that take `sagemaker:VolumeKmsKeyArn` (`CreateDomain`: its home EFS
/// volume's key).
const VOLUME_KEY_ACTIONS: [&str; 13] = crate::preventive::with_monitoring([
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
    actions::CREATE_NOTEBOOK,
    actions::CREATE_DOMAIN,
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TRANSFORM,
    actions::CREATE_TUNING,
    actions::CREATE_ENDPOINT_CONFIG,
]);
const CONDITION_KEY: KeyNames = KeyNames {
    current: "sagemaker:VolumeKmsKeyArn",
    former: "sagemaker:VolumeKmsKey",
};

impl Control for VolumeKms {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Set a customer managed KMS key for the storage volume (KmsKeyId / VolumeKmsKeyId) and recreate the resource.";
    type Entry = KmsEntry;
    type Settings = KmsSettings;

    fn settings(entry: KmsEntry) -> Result<KmsSettings, Invalid> {
        super::kms::settings(Self::ID, entry)
    }

    fn check(snapshot: &Snapshot, settings: &KmsSettings) -> Check {
        let rules = &KeyRules::new(snapshot, settings);
        snapshot
            .facets()
            .volume()
            .judge(snapshot.kind(), &|v| volume_key(v, rules))
    }

    fn prevent(settings: &KmsSettings, scp: &mut Scp<'_>) {
        crate::preventive::monitoring_inline_gap(scp, Self::ID);
        volume_key_missing(scp);
        let (name, actions) = ("VolumeKms", &VOLUME_KEY_ACTIONS);
        super::kms::deny_unlisted_keys(scp, Self::ID, name, actions, CONDITION_KEY, settings);
        // A labeling job's automated labeling instances (optional: without it, no volume).
        let features = [actions::CREATE_LABELING];
        super::kms::deny_unlisted_keys(scp, Self::ID, "VolumeKmsLabeling", &features, CONDITION_KEY, settings);
        scp.gap(
            Self::ID,
            actions::CREATE_LABELING,
            "automated data labeling is optional and no condition key says whether the request \
             uses it: a missing volume key is judged by the detective control (a key given is \
             checked)",
        );
        for (action, what) in [
            (actions::CREATE_INFERENCE_EXPERIMENT, "an inference experiment's KmsKey"),
            (
                actions::CREATE_RECOMMENDATION_JOB,
                "an Inference Recommender job's InputConfig.VolumeKmsKeyId",
            ),
        ] {
            scp.gap(Self::ID, action, format!("no condition key carries {what}"));
        }
        // A feature group's online store (optional; the InMemory tier is not judged).
        let online = KeyNames::single("sagemaker:FeatureGroupOnlineStoreKmsKey");
        let features = [actions::CREATE_FEATURE_GROUP];
        super::kms::deny_unlisted_keys(scp, Self::ID, "VolumeKmsOnlineStore", &features, online, settings);
        scp.gap(
            Self::ID,
            actions::CREATE_FEATURE_GROUP,
            "an online store is optional (and the InMemory tier is not judged): a missing key is \
             judged by the detective control (a key given is checked)",
        );
    }
}

/// The create calls whose missing volume key is denied whatever the instance types: a notebook
/// always has an EBS volume, a Studio domain's home volume is EFS, and an AutoML job takes its key
/// for the jobs it starts on instances it picks (its request names none).
const NO_LOCAL_STORAGE_CARVE_OUT: [&str; 4] = [
    actions::CREATE_NOTEBOOK,
    actions::CREATE_DOMAIN,
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
];

/// A missing volume key is denied, except where an instance type has local NVMe storage:
/// AWS rejects a key there (jobs) or it encrypts nothing (endpoint configurations), so those
/// requests are carved out with `sagemaker:InstanceTypes` (table in [`crate::instances`]),
/// except on [`NO_LOCAL_STORAGE_CARVE_OUT`].
fn volume_key_missing(scp: &mut Scp<'_>) {
    let control = VolumeKms::ID;
    let (notebook, workloads): (Vec<&'static str>, Vec<&'static str>) = VOLUME_KEY_ACTIONS
        .iter()
        .partition(|a| NO_LOCAL_STORAGE_CARVE_OUT.contains(*a));
    let missing = super::kms::deny_missing_key;
    missing(scp, control, "VolumeKmsMissing".into(), &notebook, CONDITION_KEY, None);
    let local: Vec<String> = instances::LOCAL_STORAGE_FAMILIES
        .iter()
        .map(|f| format!("ml.{f}.*"))
        .collect();
    let carve_out = ("ForAllValues:StringNotLike", "sagemaker:InstanceTypes", json!(local));
    let sid = "VolumeKmsMissingEbs".into();
    missing(scp, control, sid, &workloads, CONDITION_KEY, Some(carve_out));
    scp.gap(
        control,
        actions::CREATE_CLUSTER,
        "no condition key carries a HyperPod instance group's EBS volume key (on CreateCluster \
         or UpdateCluster): the detective control judges it",
    );
    scp.gap(
        control,
        actions::CREATE_ENDPOINT_CONFIG,
        "an endpoint configuration mixing local-storage and EBS instance types without a \
         key is allowed by the document (the carve-out sees any local type); the detective \
         control judges its EBS variants",
    );
}

/// A volume key on a workload running on `instances`. Where any instance has local NVMe instance
/// storage, AWS rejects a key (that storage is encrypted in hardware): not applicable. Where an
/// instance type is not in [`instances`]'s table and no key is set, whether a key was even
/// possible is unknown: cannot evaluate, never a stop on a guess.
fn volume_key(volume: &Volume<'_>, rules: &KeyRules<'_>) -> Check {
    let Volume {
        instances,
        key,
        what,
    } = volume;
    let mut local = Vec::new();
    let mut unknown = Vec::new();
    for group in instances.iter().copied() {
        let Some(instance_type) = group.instance_type.as_deref() else {
            continue;
        };
        match instances::storage(instance_type) {
            Storage::Local => local.push(format!("{} ({instance_type})", group.label)),
            Storage::Unknown => unknown.push(format!("{} ({instance_type})", group.label)),
            Storage::Ebs => {}
        }
    }
    if !local.is_empty() {
        return Check::not_applicable(format!(
            "{} on local NVMe instance storage, encrypted in hardware: AWS rejects a KMS key for it",
            local.join(", ")
        ));
    }
    let verdict = check_key(*key, rules, what);
    if key.is_none() && !unknown.is_empty() && matches!(verdict, Check::Fail { .. }) {
        return Check::cannot(format!(
            "no KMS key, and whether AWS accepts one is unknown for {} (instance family not in the instance storage table)",
            unknown.join(", ")
        ));
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resource::InstanceGroup;
    use crate::controls::fixtures::*;
    use crate::resource::VariantModel;

    fn check(snapshot: &Snapshot, settings: &KmsSettings) -> Check {
        VolumeKms::check(snapshot, settings)
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
            ("monitoring with a key", monitoring(|_| {}), &any, "PASS"),
            ("monitoring without a key", monitoring(|j| j.volume_kms_key_id = None), &any, "FAIL"),
            ("monitoring definition deleted", monitoring_without_definition(), &any, "FAIL"),
            ("studio domain home volume with a key", domain(|_| {}), &any, "PASS"),
            ("studio domain home volume without", domain(|d| d.kms_key_id = None), &any, "FAIL"),
            ("studio app of a domain without", app(|d| d.kms_key_id = None), &any, "FAIL"),
            ("studio profile", user_profile(|_| {}), &any, "N/A"),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&check(&snap, settings)), want, "{name}");
        }
    }

    /// A1: no false stop of GPU jobs and endpoints whose local NVMe storage cannot take a key.
    #[test]
    fn local_instance_storage_and_serverless_variants_are_not_applicable() {
        let any = KmsSettings::default();
        let no_key_on = |instance_type: &str| {
            training(|j| {
                j.instances = instances(instance_type, 4);
                j.volume_kms_key_id = None;
            })
        };
        let variant = |name: &str, instance_type: Option<&str>| VariantModel {
            variant_name: name.into(),
            shadow: false,
            instances: instance_type.map(|t| InstanceGroup {
                label: format!("variant {name}"),
                instance_type: Some(t.into()),
                instance_count: Some(1),
            }),
            model: Some(model(vpc(), true)),
            ssm_access: false,
            scaling_minimum: None,
            core_dump: None,
        };
        let cases = [
            ("training ml.p4d", no_key_on("ml.p4d.24xlarge"), "N/A"),
            ("training ml.p5", no_key_on("ml.p5.48xlarge"), "N/A"),
            ("training ml.g5", no_key_on("ml.g5.2xlarge"), "N/A"),
            ("training ml.trn1", no_key_on("ml.trn1.32xlarge"), "N/A"),
            ("training ml.m5d", no_key_on("ml.m5d.large"), "N/A"),
            (
                "training ml.m5 still fails",
                no_key_on("ml.m5.xlarge"),
                "FAIL",
            ),
            (
                "training of an unknown family without a key",
                no_key_on("ml.z9.xlarge"),
                "CANNOT",
            ),
            (
                "training of an unknown family with a key",
                training(|j| j.instances = instances("ml.z9.xlarge", 1)),
                "PASS",
            ),
            (
                "heterogeneous cluster with one local-storage group",
                training(|j| {
                    j.instances.extend(instances("ml.p4d.24xlarge", 2));
                    j.volume_kms_key_id = None;
                }),
                "N/A",
            ),
            (
                "processing ml.g4dn",
                processing(|j| {
                    j.instances = instances("ml.g4dn.xlarge", 1);
                    j.volume_kms_key_id = None;
                }),
                "N/A",
            ),
            (
                "transform ml.g5",
                transform(|t| {
                    t.instances = instances("ml.g5.xlarge", 1);
                    t.volume_kms_key_id = None;
                }),
                "N/A",
            ),
            (
                "tuning definition on ml.p4d",
                tuning(|j| {
                    j.instances = instances("ml.p4d.24xlarge", 1);
                    j.volume_kms_key_id = None;
                }),
                "PASS",
            ),
            (
                "endpoint on ml.g5 without a key",
                endpoint(|e| {
                    e.variants = vec![variant("gpu", Some("ml.g5.xlarge"))];
                    e.kms_key_id = None;
                }),
                "N/A",
            ),
            (
                "endpoint of serverless variants without a key",
                endpoint(|e| {
                    e.variants = vec![variant("a", None), variant("b", None)];
                    e.kms_key_id = None;
                }),
                "N/A",
            ),
            (
                "endpoint of ml.g5 and ml.m5 variants without a key",
                endpoint(|e| {
                    e.variants = vec![
                        variant("gpu", Some("ml.g5.xlarge")),
                        variant("cpu", Some("ml.m5.xlarge")),
                    ];
                    e.kms_key_id = None;
                }),
                "FAIL",
            ),
        ];
        for (name, snap, want) in cases {
            let result = check(&snap, &any);
            assert_eq!(status(&result), want, "{name}: {result:?}");
            if want == "N/A" {
                let Check::NotApplicable { reason } = &result else {
                    unreachable!()
                };
                assert!(
                    reason.contains("local NVMe") || reason.contains("serverless"),
                    "{name}: {reason}"
                );
            }
        }
    }
}
