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

use super::{ControlId, Mode, NotebookSwitch, Severity};
use crate::facets::Facet;
use crate::resource::{Snapshot, Toggle};

pub struct NoDirectInternet;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-direct-internet");

impl NotebookSwitch for NoDirectInternet {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Recreate the notebook with DirectInternetAccess = Disabled in a private subnet (it cannot be changed in place).";
    const SETTING: &'static str = "DirectInternetAccess";
    const SID: &'static str = "DirectInternet";
    const CONDITION_KEY: &'static str = "sagemaker:DirectInternetAccess";
    const ON_UPDATE: bool = false;

    fn value(snapshot: &Snapshot) -> Facet<&Toggle> {
        snapshot.facets().direct_internet_access()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::disabled_switch_table;
    use crate::controls::Control;

    #[test]
    fn table() {
        disabled_switch_table(
            |snapshot| NoDirectInternet::check(snapshot, &()),
            |n, value| n.direct_internet_access = value,
        );
    }
}
