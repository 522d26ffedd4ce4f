//! Facts about ML instance types that decide whether a setting is valid at all: one table, with
//! its source, so that no control treats as a violation what AWS would refuse to accept.
//!
//! **Local instance storage.** Instance types with local NVMe instance store volumes encrypt them
//! with a hardware module on the instance, and SageMaker *rejects* a KMS key for them: "Certain
//! Nitro-based instances include local storage, dependent on the instance type. Local storage
//! volumes are encrypted using a hardware module on the instance. You can't request a
//! `VolumeKmsKeyId` when using an instance type with local storage." (API reference:
//! `ResourceConfig.VolumeKmsKeyId`, `ProcessingClusterConfig.VolumeKmsKeyId`,
//! `TransformResources.VolumeKmsKeyId`, `HyperParameterTuningResourceConfig.VolumeKmsKeyId`, and
//! `CreateEndpointConfig.KmsKeyId`: "If you specify a value for KmsKeyId when using any nitro-based
//! instances with local storage, the call to CreateEndpointConfig fails"). AWS points to the EC2
//! list of instance types with instance store volumes:
//! <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-store-volumes.html>, and
//! SageMaker's <https://docs.aws.amazon.com/sagemaker/latest/dg/host-instance-storage.html>.
//!
//! For endpoints AWS now words it differently: "If any of the models that you specify in the
//! `ProductionVariants` parameter use nitro-based instances with local storage, the `KmsKeyId`
//! parameter does not encrypt instance local storage" (botocore's SageMaker model, June 2026):
//! the key is accepted but means nothing for those variants.
//!
//! The tables below list SageMaker ML instance *families* (the part between `ml.` and the size)
//! of the SDK's `TrainingInstanceType`, `ProcessingInstanceType`, `TransformInstanceType` and
//! `ProductionVariantInstanceType` as EC2 documents their storage (EC2 instance type
//! specifications, "Instance store volumes"). A family in neither table (for example
//! `ml.p6e-gb200`, whose storage we could not confirm) is unknown to this version: controls that
//! depend on it report "cannot evaluate" instead of guessing either way. A test fails when the
//! SDK lists a family that is in neither table, so a new family is classified on purpose.

use serde::Serialize;

/// ML instance families with local NVMe instance store volumes (EC2 "Instance store volumes").
pub const LOCAL_STORAGE_FAMILIES: &[&str] = &[
    // General purpose, compute and memory optimised with a `d` (disk) suffix.
    "m5d", "c5d", "r5d", "m6gd", "c6gd", "r6gd", "r7gd", // Accelerated computing.
    "p3dn", "p4d", "p4de", "p5", "p5e", "p5en", "p6-b200", "p6-b300", "g4dn", "g5", "g6", "g6e",
    "g7", "g7e", "trn1", "trn1n", "trn2", "dl1",
];

/// ML instance families whose storage is EBS only: a KMS key applies to their volumes.
pub const EBS_ONLY_FAMILIES: &[&str] = &[
    "t2", "t3", "m4", "m5", "m6g", "m6i", "m7i", "m7i-flex", "m8g", "m8i", "m8i-flex", "c4", "c5",
    "c5n", "c6g", "c6gn", "c6i", "c6in", "c7g", "c7i", "c7i-flex", "c8g", "c8i", "c8i-flex", "r5",
    "r6g", "r6i", "r7i", "r8g", "r8i", "r8i-flex", "p2", "p3", "inf1", "inf2",
];

/// What the storage of an instance type is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Storage {
    /// Local NVMe instance store, encrypted in hardware: SageMaker rejects a KMS key.
    Local,
    /// EBS volumes: a KMS key applies.
    Ebs,
    /// A family this version does not know.
    Unknown,
}

/// The family of an ML instance type: `ml.p4d.24xlarge` -> `p4d`, `ml.p6-b200.48xlarge` ->
/// `p6-b200`. `None` when the value is not of the `ml.FAMILY.SIZE` form.
pub fn family(instance_type: &str) -> Option<&str> {
    let rest = instance_type.trim().strip_prefix("ml.")?;
    let (family, size) = rest.split_once('.')?;
    (!family.is_empty() && !size.is_empty()).then_some(family)
}

/// The storage of an instance type, from the tables above.
pub fn storage(instance_type: &str) -> Storage {
    match family(instance_type) {
        Some(f) if LOCAL_STORAGE_FAMILIES.contains(&f) => Storage::Local,
        Some(f) if EBS_ONLY_FAMILIES.contains(&f) => Storage::Ebs,
        _ => Storage::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_are_read_from_instance_types() {
        assert_eq!(family("ml.p4d.24xlarge"), Some("p4d"));
        assert_eq!(family("ml.p6-b200.48xlarge"), Some("p6-b200"));
        assert_eq!(family("ml.m5.xlarge"), Some("m5"));
        assert_eq!(family("p4d.24xlarge"), None);
        assert_eq!(family("ml.p4d"), None);
        assert_eq!(family(""), None);
    }

    #[test]
    fn local_storage_types_are_told_apart_from_ebs_ones() {
        for t in [
            "ml.p4d.24xlarge",
            "ml.p5.48xlarge",
            "ml.g4dn.xlarge",
            "ml.g5.2xlarge",
            "ml.g6.xlarge",
            "ml.trn1.32xlarge",
            "ml.m5d.large",
            "ml.c5d.xlarge",
            "ml.r5d.2xlarge",
            "ml.p3dn.24xlarge",
        ] {
            assert_eq!(storage(t), Storage::Local, "{t}");
        }
        for t in [
            "ml.m5.xlarge",
            "ml.c5.2xlarge",
            "ml.p3.2xlarge",
            "ml.t3.medium",
            "ml.inf2.xlarge",
        ] {
            assert_eq!(storage(t), Storage::Ebs, "{t}");
        }
        assert_eq!(storage("ml.z9.xlarge"), Storage::Unknown);
        assert_eq!(storage("local"), Storage::Unknown);
    }

    #[test]
    fn no_family_is_in_both_tables() {
        for f in LOCAL_STORAGE_FAMILIES {
            assert!(!EBS_ONLY_FAMILIES.contains(f), "{f} is in both tables");
        }
    }
}
