//! `inter-container-encryption`: traffic between the instances of a distributed job is encrypted.
//!
//! **What** — training job `EnableInterContainerTrafficEncryption`, processing job
//! `NetworkConfig.EnableInterContainerTrafficEncryption`. Notebooks and endpoints have no such
//! setting: not applicable. Absent means `false` (the AWS default).
//!
//! **Why** — distributed training exchanges gradients and data shards between instances; without
//! this setting that traffic crosses the network in clear text.
//!
//! **Example** — a two-instance training job created without the flag fails.
//!
//! **Fix** — set `EnableInterContainerTrafficEncryption = true` (training) or
//! `NetworkConfig.EnableInterContainerTrafficEncryption = true` (processing).

use super::Check;
use crate::resource::{Details, Snapshot};

pub const REMEDY: &str = "Set EnableInterContainerTrafficEncryption to true on the job.";

pub fn check(snapshot: &Snapshot) -> Check {
    match &snapshot.details {
        Details::TrainingJob(j) | Details::ProcessingJob(j) => Check::flag(
            j.inter_container_encryption,
            format!(
                "EnableInterContainerTrafficEncryption = {}",
                j.inter_container_encryption
            ),
            "EnableInterContainerTrafficEncryption = true",
        ),
        Details::NotebookInstance(_) | Details::Endpoint(_) => Check::NotApplicable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let cases = [
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
