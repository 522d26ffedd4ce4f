//! `inter-container-encryption`: traffic between the instances of a distributed job is encrypted.
//!
//! **What** — training job `EnableInterContainerTrafficEncryption`, processing job
//! `NetworkConfig.EnableInterContainerTrafficEncryption`, every training job definition of a
//! tuning job, and an AutoML job's `SecurityConfig.EnableInterContainerTrafficEncryption` (for
//! the jobs it starts). Notebooks, transform jobs and endpoints have no such setting: not applicable. Absent means `false` (the AWS default).
//!
//! **Why** — distributed training exchanges gradients and data shards between instances; without
//! this setting that traffic crosses the network in clear text.
//!
//! **Not applicable** — on a job whose instances number one in all (AWS: the setting has no
//! effect on a single instance); `strict_single_instance = true` in the policy judges those too.
//!
//! **Example** — a two-instance training job created without the flag fails.
//!
//! **Fix** — set `EnableInterContainerTrafficEncryption = true` (training) or
//! `NetworkConfig.EnableInterContainerTrafficEncryption = true` (processing).

use serde::Deserialize;

use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::facets::Cluster;
use crate::preventive::{actions, Scp};
use crate::resource::Snapshot;

pub struct InterContainerEncryption;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("inter-container-encryption");

/// Settings of `inter-container-encryption`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InterContainerSettings {
    /// Judge single-instance jobs too (AWS: the setting has no effect on them; by default they
    /// are not applicable).
    pub strict_single_instance: bool,
}

/// `[controls.inter-container-encryption]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterContainerEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    #[serde(default)]
    strict_single_instance: bool,
}

impl super::Entry for InterContainerEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// The create calls that take `sagemaker:InterContainerTrafficEncryption`.
const ENCRYPTION_ACTIONS: [&str; 9] = crate::preventive::with_monitoring([
    actions::CREATE_AUTOML,
    actions::CREATE_AUTOML_V2,
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TUNING,
]);

impl Control for InterContainerEncryption {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::Medium);
    const REMEDY: &'static str = "Set EnableInterContainerTrafficEncryption to true on the job.";
    type Entry = InterContainerEntry;
    type Settings = InterContainerSettings;

    fn settings(entry: InterContainerEntry) -> Result<InterContainerSettings, Invalid> {
        Ok(InterContainerSettings {
            strict_single_instance: entry.strict_single_instance,
        })
    }

    fn check(snapshot: &Snapshot, settings: &InterContainerSettings) -> Check {
        snapshot
            .facets()
            .cluster()
            .judge(snapshot.kind(), &|c| flag(c, settings))
    }

    fn prevent(settings: &InterContainerSettings, scp: &mut Scp<'_>) {
        crate::preventive::monitoring_inline_gap(scp, Self::ID);
        scp.flag(
            Self::ID,
            "InterContainerEncryption",
            &ENCRYPTION_ACTIONS,
            "sagemaker:InterContainerTrafficEncryption",
        );
        if !settings.strict_single_instance {
            scp.gap(
                Self::ID,
                "*",
                "no condition key carries the instance count: the document also denies \
                 single-instance jobs without the flag, which the detective control treats as not \
                 applicable (set the flag on them, or leave this control to the detective control)",
            );
        }
    }
}

fn flag(cluster: &Cluster, settings: &InterContainerSettings) -> Check {
    if !settings.strict_single_instance && cluster.instance_count == Some(1) {
        return Check::not_applicable(
            "one instance: no traffic between instances to encrypt (AWS: the setting has no effect)",
        );
    }
    Check::flag(
        cluster.encrypted,
        format!("EnableInterContainerTrafficEncryption = {}", cluster.encrypted),
        "EnableInterContainerTrafficEncryption = true",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    fn check(snapshot: &Snapshot, settings: &InterContainerSettings) -> Check {
        InterContainerEncryption::check(snapshot, settings)
    }

    #[test]
    fn table() {
        let cases = [
            ("transform", transform(|_| {}), "N/A"),
            ("tuning all on", tuning(|_| {}), "PASS"),
            (
                "tuning one definition off",
                tuning(|j| j.inter_container_encryption = false),
                "FAIL",
            ),
            ("notebook", notebook(|_| {}), "N/A"),
            ("training on", training(|_| {}), "PASS"),
            (
                "training off or absent",
                training(|j| j.inter_container_encryption = false),
                "FAIL",
            ),
            ("processing on", processing(|_| {}), "PASS"),
            (
                "processing off or absent",
                processing(|j| j.inter_container_encryption = false),
                "FAIL",
            ),
            ("endpoint", endpoint(|_| {}), "N/A"),
            ("monitoring encrypted", monitoring(|_| {}), "PASS"),
            (
                "monitoring on two instances unencrypted",
                monitoring(|j| j.inter_container_encryption = false),
                "FAIL",
            ),
            ("studio domain", domain(|_| {}), "N/A"),
        ];
        let lenient = InterContainerSettings::default();
        for (name, snap, want) in cases {
            assert_eq!(status(&check(&snap, &lenient)), want, "{name}");
        }
    }

    #[test]
    fn one_instance_is_not_applicable_unless_the_policy_is_strict() {
        let lenient = InterContainerSettings::default();
        let strict = InterContainerSettings {
            strict_single_instance: true,
        };
        let single = || {
            training(|j| {
                j.instances = instances("ml.m5.xlarge", 1);
                j.inter_container_encryption = false;
            })
        };
        let two_groups_of_one = training(|j| {
            j.instances = instances("ml.m5.xlarge", 1);
            j.instances.extend(instances("ml.p4d.24xlarge", 1));
            j.inter_container_encryption = false;
        });
        let one_of_two_choices = tuning(|j| {
            j.instances = instances("ml.m5.xlarge", 1);
            j.instances.extend(instances("ml.g5.xlarge", 1));
            j.instance_choice = true;
            j.inter_container_encryption = false;
        });
        let unknown_count = training(|j| {
            j.instances[0].instance_count = None;
            j.inter_container_encryption = false;
        });
        let cases = [
            ("single instance", single(), &lenient, "N/A"),
            ("single instance, strict", single(), &strict, "FAIL"),
            ("heterogeneous 1 + 1", two_groups_of_one, &lenient, "FAIL"),
            // The tuning fixture's first definition is multi-instance and compliant; the second
            // runs one instance whichever config the tuner picks.
            (
                "tuning choice of single instances",
                one_of_two_choices,
                &lenient,
                "PASS",
            ),
            ("count not reported", unknown_count, &lenient, "FAIL"),
            (
                "processing single instance",
                processing(|j| {
                    j.instances = instances("ml.m5.xlarge", 1);
                    j.inter_container_encryption = false;
                }),
                &lenient,
                "N/A",
            ),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&check(&snap, settings)), want, "{name}");
        }
    }
}
