//! `supported-platform`: a notebook instance runs on a platform AWS still supports.
//!
//! **What** — notebook `PlatformIdentifier` is one AWS supports (see [`crate::platforms`]:
//! `notebook-al2023-v1`); Amazon Linux 1 (`notebook-al1-v1`, end of life 2024-03-31) and
//! Amazon Linux 2 (`notebook-al2-v1` and `-v2` ended 2025-06-30, `-v3` 2026-06-30) fail. A platform
//! this version does not know, or a response that does not report one, cannot be evaluated. Other
//! kinds: not applicable.
//!
//! **Why** — an end-of-life platform gets no security patches: its kernel, OpenSSL and Jupyter
//! stay with their known vulnerabilities (Security Hub SageMaker.8).
//!
//! **Example** — a notebook created with `PlatformIdentifier = notebook-al2-v3` fails.
//!
//! **Fix** — create a notebook on `notebook-al2023-v1` and move the work there (the platform of a
//! notebook cannot be changed). The baseline is `audit`: AWS no longer starts Amazon Linux 2
//! notebooks, so a stopped one cannot be started again to move its data; enforce only after the
//! move. No condition key names the platform: it cannot be prevented.

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::platforms::{self, Support};
use crate::resource::Snapshot;

pub struct SupportedPlatform;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("supported-platform");

impl Control for SupportedPlatform {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Audit, Severity::Medium);
    const REMEDY: &'static str = "Create a notebook on a supported platform (PlatformIdentifier = notebook-al2023-v1) and move the work to it.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        let expected = format!("a supported platform ({})", platforms::SUPPORTED.join(", "));
        snapshot
            .facets()
            .platform()
            .judge(snapshot.kind(), &|platform| match platform {
                None => Check::cannot("PlatformIdentifier not reported"),
                Some(p) => match platforms::support(p) {
                    Support::Supported => Check::pass(format!("PlatformIdentifier = {p}")),
                    Support::Ended(date) => Check::fail(
                        format!("PlatformIdentifier = {p} (end of support {date})"),
                        expected.as_str(),
                    ),
                    Support::Unknown => {
                        Check::cannot(format!("unknown PlatformIdentifier `{p}`"))
                    }
                },
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let on = |p: Option<&str>| notebook(|n| n.platform = p.map(str::to_string));
        let cases = [
            ("notebook al2023", on(Some("notebook-al2023-v1")), "PASS"),
            ("notebook al1", on(Some("notebook-al1-v1")), "FAIL"),
            ("notebook al2 v3", on(Some("notebook-al2-v3")), "FAIL"),
            ("notebook unknown platform", on(Some("notebook-al9-v1")), "CANNOT"),
            ("notebook platform not reported", on(None), "CANNOT"),
            ("training", training(|_| {}), "N/A"),
            ("processing", processing(|_| {}), "N/A"),
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
            ("endpoint", endpoint(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&SupportedPlatform::check(&snap, &())), want, "{name}");
        }
    }
}
