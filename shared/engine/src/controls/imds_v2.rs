//! `imds-v2`: a notebook instance answers instance metadata requests only with IMDSv2.
//!
//! **What** — notebook `InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion
//! = 2`. AWS's default at create is `1`, which keeps IMDSv1 answering too. Other kinds: not
//! applicable (SageMaker runs their instances itself).
//!
//! **Why** — IMDSv1 hands the notebook role's credentials to any request a process on the
//! instance can be tricked into making (server-side request forgery from a notebook server, a
//! proxied URL); IMDSv2 needs a session token obtained with a `PUT`, which such requests cannot
//! send.
//!
//! **Example** — `CreateNotebookInstance` without `InstanceMetadataServiceConfiguration` fails.
//!
//! **Fix** — `UpdateNotebookInstance` with `InstanceMetadataServiceConfiguration =
//! {MinimumInstanceMetadataServiceVersion = "2"}` (applied without a restart).

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::preventive::Scp;
use crate::resource::Snapshot;

pub struct ImdsV2;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("imds-v2");

const SETTING: &str = "MinimumInstanceMetadataServiceVersion";

impl Control for ImdsV2 {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::Medium);
    const REMEDY: &'static str = "Update the notebook with InstanceMetadataServiceConfiguration.MinimumInstanceMetadataServiceVersion = 2.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot
            .facets()
            .minimum_imds_version()
            .judge(snapshot.kind(), &|version| match *version {
                "2" => Check::pass(format!("{SETTING} = 2")),
                "1" => Check::fail(
                    format!("{SETTING} = 1 (IMDSv1 answers)"),
                    format!("{SETTING} = 2"),
                ),
                other => Check::cannot(format!("unrecognised {SETTING} value `{other}`")),
            })
    }

    /// `sagemaker:MinimumInstanceMetadataServiceVersion` on create and update: version `1`
    /// denied on both, and an absent key on create (where it means `1`).
    fn prevent(_: &(), scp: &mut Scp<'_>) {
        scp.forbidden(
            Self::ID,
            "ImdsVersion",
            "sagemaker:MinimumInstanceMetadataServiceVersion",
            "1",
            true,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let cases = [
            ("notebook v2", notebook(|_| {}), "PASS"),
            (
                "notebook v1 (or absent: AWS's default)",
                notebook(|n| n.minimum_imds_version = "1".into()),
                "FAIL",
            ),
            (
                "notebook unknown version",
                notebook(|n| n.minimum_imds_version = "3".into()),
                "CANNOT",
            ),
            ("training", training(|_| {}), "N/A"),
            ("processing", processing(|_| {}), "N/A"),
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
            ("endpoint", endpoint(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&ImdsV2::check(&snap, &())), want, "{name}");
        }
    }
}
