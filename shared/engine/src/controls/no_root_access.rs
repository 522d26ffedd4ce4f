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

use super::{ControlId, Mode, NotebookSwitch, Severity};
use crate::facets::Facet;
use crate::resource::{Snapshot, Toggle};

pub struct NoRootAccess;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-root-access");

impl NotebookSwitch for NoRootAccess {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::Medium);
    const REMEDY: &'static str = "Stop the notebook and update it with RootAccess = Disabled.";
    const SETTING: &'static str = "RootAccess";
    const SID: &'static str = "RootAccess";
    const CONDITION_KEY: &'static str = "sagemaker:RootAccess";
    const ON_UPDATE: bool = true;

    fn value(snapshot: &Snapshot) -> Facet<&Toggle> {
        snapshot.facets().root_access()
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
            |snapshot| NoRootAccess::check(snapshot, &()),
            |n, value| n.root_access = value,
        );
    }
}
