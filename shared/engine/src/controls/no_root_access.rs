//! `no-root-access`: notebook users do not get root.
//!
//! **What** — notebook `RootAccess = Disabled` (the AWS default is `Enabled`). Other kinds: not
//! applicable.
//!
//! **Why** — root on the notebook lets a user change its network settings, install software that
//! bypasses controls, and read credentials of other processes on the instance.
//!
//! **Example** — `UpdateNotebookInstance` with `RootAccess = Enabled` fails.
//!
//! **Fix** — `UpdateNotebookInstance` with `RootAccess = Disabled` (while stopped); lifecycle
//! configurations still run as root.

use super::Check;
use crate::resource::{Details, Snapshot};

pub const REMEDY: &str = "Stop the notebook and update it with RootAccess = Disabled.";

pub fn check(snapshot: &Snapshot) -> Check {
    match &snapshot.details {
        Details::NotebookInstance(n) => super::check_disabled("RootAccess", &n.root_access),
        Details::TrainingJob(_)
        | Details::ProcessingJob(_)
        | Details::TransformJob(_)
        | Details::HyperParameterTuningJob(_)
        | Details::Endpoint(_) => Check::no_such_setting(snapshot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::Toggle;

    #[test]
    fn table() {
        let cases = [
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
            ("notebook disabled", notebook(|_| {}), "PASS"),
            (
                "notebook enabled or absent (AWS default)",
                notebook(|n| n.root_access = Toggle::Enabled),
                "FAIL",
            ),
            (
                "notebook unknown value",
                notebook(|n| n.root_access = Toggle::parse("Partial")),
                "CANNOT",
            ),
            ("training", training(|_| {}), "N/A"),
            ("processing", processing(|_| {}), "N/A"),
            ("endpoint", endpoint(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&check(&snap)), want, "{name}");
        }
    }
}
