//! `no-docker-access`: Studio apps cannot run Docker.
//!
//! **What** — a Studio domain's `DomainSettings.DockerSettings.EnableDockerAccess` is `DISABLED`
//! (AWS's default), and every app is judged on its domain's. Other kinds: not applicable.
//!
//! **Why** — with Docker access, code in a Studio app builds and runs containers with the app's
//! role and network: images pulled from anywhere, processes the app's controls do not see.
//!
//! **Example** — `UpdateDomain` with `DockerSettings.EnableDockerAccess = ENABLED` fails.
//!
//! **Fix** — `UpdateDomain` with `DomainSettingsForUpdate.DockerSettings.EnableDockerAccess =
//! DISABLED`. No condition key carries it: it cannot be prevented.

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::resource::Snapshot;

pub struct NoDockerAccess;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-docker-access");

impl Control for NoDockerAccess {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::Medium);
    const REMEDY: &'static str = "Update the domain with DockerSettings.EnableDockerAccess = DISABLED.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot
            .facets()
            .docker_access()
            .judge(snapshot.kind(), &|access| match *access {
                "DISABLED" => Check::pass("EnableDockerAccess = DISABLED"),
                "ENABLED" => Check::fail("EnableDockerAccess = ENABLED", "EnableDockerAccess = DISABLED"),
                other => Check::cannot(format!("unrecognised EnableDockerAccess value `{other}`")),
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
            ("domain disabled (or absent: AWS's default)", domain(|_| {}), "PASS"),
            ("domain enabled", domain(|d| d.docker_access = "ENABLED".into()), "FAIL"),
            ("domain unknown value", domain(|d| d.docker_access = "ROOTLESS".into()), "CANNOT"),
            ("app of a domain with docker", app(|d| d.docker_access = "ENABLED".into()), "FAIL"),
            ("app of a domain without", app(|_| {}), "PASS"),
            ("app whose domain was deleted", app_without_domain(), "FAIL"),
            ("user profile", user_profile(|_| {}), "N/A"),
            ("space", space(), "N/A"),
            ("notebook", notebook(|_| {}), "N/A"),
            ("training", training(|_| {}), "N/A"),
            ("endpoint", endpoint(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&NoDockerAccess::check(&snap, &())), want, "{name}");
        }
    }
}
