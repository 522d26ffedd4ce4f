//! `no-ssm-access`: nobody gets a shell in an endpoint's containers.
//!
//! **What** — `EnableSSMAccess` is `false` (AWS's default) on every production and shadow variant
//! of an endpoint's configuration. Other kinds: not applicable.
//!
//! **Why** — with SSM access, anyone allowed `ssm:StartSession` on the endpoint opens a shell in
//! the serving container: they read the model artefacts and every request's payload, and change
//! the code that answers, outside the model's deployment pipeline.
//!
//! **Example** — a variant with `EnableSSMAccess = true` fails.
//!
//! **Fix** — update the endpoint to a configuration whose variants leave `EnableSSMAccess` out.

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::resource::Snapshot;

pub struct NoSsmAccess;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-ssm-access");

impl Control for NoSsmAccess {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Update the endpoint to a configuration whose variants do not set EnableSSMAccess.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot.facets().ssm_access().judge(snapshot.kind(), &|on| {
            Check::flag(
                !*on,
                format!("EnableSSMAccess = {on}"),
                "EnableSSMAccess = false",
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let cases = [
            ("endpoint without ssm", endpoint(|_| {}), "PASS"),
            (
                "endpoint variant with ssm",
                endpoint(|e| e.variants[0].ssm_access = true),
                "FAIL",
            ),
            (
                "endpoint shadow variant with ssm",
                endpoint(|e| {
                    let mut shadow = e.variants[0].clone();
                    shadow.shadow = true;
                    shadow.ssm_access = true;
                    e.variants.push(shadow);
                }),
                "FAIL",
            ),
            ("endpoint config unknown", endpoint_without_config(), "CANNOT"),
            (
                "endpoint config deleted",
                endpoint_with(crate::resource::Dependency::Deleted { name: "cfg".into() }),
                "FAIL",
            ),
            ("notebook", notebook(|_| {}), "N/A"),
            ("training", training(|_| {}), "N/A"),
            ("processing", processing(|_| {}), "N/A"),
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&NoSsmAccess::check(&snap, &())), want, "{name}");
        }
    }
}
