//! `inter-container-encryption`: traffic between the instances of a distributed job is encrypted.
//!
//! **What** — training job `EnableInterContainerTrafficEncryption`, processing job
//! `NetworkConfig.EnableInterContainerTrafficEncryption`, and every training job definition of a
//! tuning job. Notebooks, transform jobs and endpoints have no such setting: not applicable. Absent means `false` (the AWS default).
//!
//! **Why** — distributed training exchanges gradients and data shards between instances; without
//! this setting that traffic crosses the network in clear text.
//!
//! **Example** — a two-instance training job created without the flag fails.
//!
//! **Fix** — set `EnableInterContainerTrafficEncryption = true` (training) or
//! `NetworkConfig.EnableInterContainerTrafficEncryption = true` (processing).

use super::Check;
use crate::resource::{Details, JobConfig, Snapshot};

pub const REMEDY: &str = "Set EnableInterContainerTrafficEncryption to true on the job.";

fn flag(j: &JobConfig) -> Check {
    Check::flag(
        j.inter_container_encryption,
        format!(
            "EnableInterContainerTrafficEncryption = {}",
            j.inter_container_encryption
        ),
        "EnableInterContainerTrafficEncryption = true",
    )
}

pub fn check(snapshot: &Snapshot) -> Check {
    match &snapshot.details {
        Details::TrainingJob(j) | Details::ProcessingJob(j) => flag(j),
        Details::HyperParameterTuningJob(defs) => super::per_definition(defs, flag),
        Details::NotebookInstance(_) | Details::TransformJob(_) | Details::Endpoint(_) => {
            Check::NotApplicable
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

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
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&check(&snap)), want, "{name}");
        }
    }
}
