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
//! **Not applicable** — on instance types with local NVMe instance storage (ml.p4d, ml.p5, ml.g5,
//! ml.trn1, the `d` families...: the table in [`crate::instances`]), whose storage is encrypted
//! in hardware and for which AWS rejects a key; on a heterogeneous cluster or an endpoint when
//! any of its instance groups or variants is such a type; on endpoints whose variants are all
//! serverless (no storage volume).
//!
//! **Fix** — pass a customer managed key: `KmsKeyId` on the notebook, `VolumeKmsKeyId` in the job's
//! resource configuration, `KmsKeyId` in the endpoint configuration.

use super::kms::{check_key, KeyRules};
use super::{on_dependency, Check};
use crate::instances::{self, Storage};
use crate::policy::KmsSettings;
use crate::resource::{Details, InstanceGroup, Snapshot};

pub const REMEDY: &str = "Set a customer managed KMS key for the storage volume (KmsKeyId / VolumeKmsKeyId) and recreate the resource.";

/// A volume key on a workload running on `instances`. Where any instance has local NVMe instance
/// storage, AWS rejects a key (that storage is encrypted in hardware): not applicable. Where an
/// instance type is not in [`instances`]'s table and no key is set, whether a key was even
/// possible is unknown: cannot evaluate, never a stop on a guess.
fn volume_key<'a>(
    instances: impl IntoIterator<Item = &'a InstanceGroup>,
    key: Option<&str>,
    rules: &KeyRules<'_>,
    what: &str,
) -> Check {
    let mut local = Vec::new();
    let mut unknown = Vec::new();
    for group in instances {
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
    let verdict = check_key(key, rules, what);
    if key.is_none() && !unknown.is_empty() && matches!(verdict, Check::Fail { .. }) {
        return Check::cannot(format!(
            "no KMS key, and whether AWS accepts one is unknown for {} (instance family not in the instance storage table)",
            unknown.join(", ")
        ));
    }
    verdict
}

pub fn check(snapshot: &Snapshot, settings: &KmsSettings) -> Check {
    const VOLUME: &str = "storage volume";
    let rules = &KeyRules::new(snapshot, settings);
    match &snapshot.details {
        Details::NotebookInstance(n) => check_key(n.kms_key_id.as_deref(), rules, VOLUME),
        Details::TrainingJob(j) | Details::ProcessingJob(j) => {
            volume_key(&j.instances, j.volume_kms_key_id.as_deref(), rules, VOLUME)
        }
        Details::TransformJob(t) => {
            volume_key(&t.instances, t.volume_kms_key_id.as_deref(), rules, VOLUME)
        }
        Details::HyperParameterTuningJob(defs) => super::per_definition(defs, |j| {
            volume_key(&j.instances, j.volume_kms_key_id.as_deref(), rules, VOLUME)
        }),
        Details::Endpoint(e) => on_dependency(&e.config, "endpoint configuration", |config| {
            let instances: Vec<&InstanceGroup> = config
                .variants
                .iter()
                .filter_map(|v| v.instances.as_ref())
                .collect();
            if instances.is_empty() && !config.variants.is_empty() {
                return Check::not_applicable(
                    "serverless variants only: no instance storage volume",
                );
            }
            // The endpoint key is accepted with local-storage variants but does not encrypt their
            // storage: it matters only while some variant has an EBS volume.
            let (local, other): (Vec<&InstanceGroup>, Vec<&InstanceGroup>) =
                instances.into_iter().partition(|g| {
                    g.instance_type
                        .as_deref()
                        .is_some_and(|t| instances::storage(t) == Storage::Local)
                });
            if other.is_empty() && !local.is_empty() {
                return volume_key(local, None, rules, "instance storage");
            }
            volume_key(
                other,
                config.kms_key_id.as_deref(),
                rules,
                "instance storage",
            )
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::VariantModel;

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
