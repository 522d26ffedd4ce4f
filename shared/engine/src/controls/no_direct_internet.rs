//! `no-direct-internet`: a notebook instance reaches the internet only through the VPC.
//!
//! **What** — notebook `DirectInternetAccess = Disabled` (the AWS default is `Enabled`). Other
//! kinds: not applicable (their equivalent is `vpc-attached` and `network-isolation`).
//!
//! **Why** — with direct access SageMaker gives the notebook a network interface with a route to
//! the internet that bypasses the VPC's egress controls, even when the notebook is in a subnet.
//!
//! **Example** — `CreateNotebookInstance` without `DirectInternetAccess` fails.
//!
//! **Fix** — create the notebook with `DirectInternetAccess = Disabled` in a subnet with a NAT
//! gateway or VPC endpoints (the setting cannot be changed on an existing notebook).

use super::{check_disabled, Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::preventive::Scp;
use crate::resource::Snapshot;

pub struct NoDirectInternet;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-direct-internet");

impl Control for NoDirectInternet {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Recreate the notebook with DirectInternetAccess = Disabled in a private subnet (it cannot be changed in place).";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot
            .facets()
            .direct_internet_access()
            .judge(snapshot.kind(), &|value| check_disabled("DirectInternetAccess", value))
    }

    fn prevent(_: &(), scp: &mut Scp<'_>) {
        scp.disabled(Self::ID, "DirectInternet", "sagemaker:DirectInternetAccess", false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::Toggle;

    fn check(snapshot: &Snapshot) -> Check {
        NoDirectInternet::check(snapshot, &())
    }

    #[test]
    fn table() {
        let cases = [
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
            ("notebook disabled", notebook(|_| {}), "PASS"),
            (
                "notebook enabled or absent (AWS default)",
                notebook(|n| n.direct_internet_access = Toggle::Enabled),
                "FAIL",
            ),
            (
                "notebook unknown value",
                notebook(|n| n.direct_internet_access = Toggle::parse("Sometimes")),
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
