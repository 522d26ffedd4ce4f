//! `no-direct-internet`: notebooks and Studio reach the internet only through the VPC.
//!
//! **What** — notebook `DirectInternetAccess = Disabled` (the AWS default is `Enabled`); Studio
//! domain `AppNetworkAccessType = VpcOnly` (the AWS default is `PublicInternetOnly`), and every
//! app judged on its domain's. Other kinds: not applicable (their equivalent is `vpc-attached`
//! and `network-isolation`).
//!
//! **Why** — with direct access SageMaker gives the notebook (or every Studio app of a
//! `PublicInternetOnly` domain) a network interface with a route to the internet that bypasses
//! the VPC's egress controls, even when it is in a subnet.
//!
//! **Example** — `CreateNotebookInstance` without `DirectInternetAccess` fails; so does
//! `CreateDomain` without `AppNetworkAccessType`.
//!
//! **Fix** — create the notebook with `DirectInternetAccess = Disabled` in a subnet with a NAT
//! gateway or VPC endpoints (the setting cannot be changed on an existing notebook);
//! `UpdateDomain` with `AppNetworkAccessType = VpcOnly` (once its apps are deleted).

use super::{check_disabled, Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::facets::Facet;
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct NoDirectInternet;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-direct-internet");

const STUDIO_KEY: &str = "sagemaker:AppNetworkAccessType";

impl Control for NoDirectInternet {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Recreate the notebook with DirectInternetAccess = Disabled in a private subnet (it cannot be changed in place); update a Studio domain to AppNetworkAccessType = VpcOnly.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        let facets = snapshot.facets();
        match facets.direct_internet_access() {
            Facet::NoSuchSetting => {
                facets
                    .app_network_access()
                    .judge(snapshot.kind(), &|access| match *access {
                        "VpcOnly" => Check::pass("AppNetworkAccessType = VpcOnly"),
                        "PublicInternetOnly" => Check::fail(
                            "AppNetworkAccessType = PublicInternetOnly",
                            "AppNetworkAccessType = VpcOnly",
                        ),
                        other => {
                            Check::cannot(format!("unrecognised AppNetworkAccessType value `{other}`"))
                        }
                    })
            }
            notebook => notebook.judge(snapshot.kind(), &|value| {
                check_disabled("DirectInternetAccess", value)
            }),
        }
    }

    /// `sagemaker:DirectInternetAccess` on `CreateNotebookInstance` (it cannot be updated), and
    /// `sagemaker:AppNetworkAccessType` on `CreateDomain` and `UpdateDomain` (absent at create:
    /// `PublicInternetOnly`).
    fn prevent(_: &(), scp: &mut Scp<'_>) {
        scp.disabled(Self::ID, "DirectInternet", "sagemaker:DirectInternetAccess", false);
        scp.deny(
            Self::ID,
            Deny {
                sid: "DirectInternetStudio".into(),
                actions: &[actions::CREATE_DOMAIN, actions::UPDATE_DOMAIN],
                operator: "StringEquals",
                key: STUDIO_KEY,
                values: serde_json::json!("PublicInternetOnly"),
                unless: None,
                also: None,
            },
        );
        scp.deny_missing(
            Self::ID,
            "DirectInternetStudioMissing".into(),
            &[actions::CREATE_DOMAIN],
            STUDIO_KEY,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        disabled_switch_table(
            |snapshot| NoDirectInternet::check(snapshot, &()),
            |n, value| n.direct_internet_access = value,
        );
        let cases = [
            ("domain vpc only", domain(|_| {}), "PASS"),
            (
                "domain public (or absent: AWS's default)",
                domain(|d| d.app_network_access = "PublicInternetOnly".into()),
                "FAIL",
            ),
            (
                "domain unknown value",
                domain(|d| d.app_network_access = "Hybrid".into()),
                "CANNOT",
            ),
            ("app in a vpc-only domain", app(|_| {}), "PASS"),
            (
                "app in a public domain",
                app(|d| d.app_network_access = "PublicInternetOnly".into()),
                "FAIL",
            ),
            ("app whose domain was deleted", app_without_domain(), "FAIL"),
            ("user profile", user_profile(|_| {}), "N/A"),
            ("space", space(), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&NoDirectInternet::check(&snap, &())), want, "{name}");
        }
    }
}
