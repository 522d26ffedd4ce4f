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

use super::{check_disabled, Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::preventive::Scp;
use crate::resource::Snapshot;

pub struct NoRootAccess;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-root-access");

impl Control for NoRootAccess {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::Medium);
    const REMEDY: &'static str = "Stop the notebook and update it with RootAccess = Disabled.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot
            .facets()
            .root_access()
            .judge(snapshot.kind(), &|value| check_disabled("RootAccess", value))
    }

    fn prevent(_: &(), scp: &mut Scp<'_>) {
        scp.disabled(Self::ID, "RootAccess", "sagemaker:RootAccess", true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::Toggle;

    fn check(snapshot: &Snapshot) -> Check {
        NoRootAccess::check(snapshot, &())
    }

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
