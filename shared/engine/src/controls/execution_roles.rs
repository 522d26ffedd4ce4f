//! `execution-roles`: Studio code runs only as the execution roles the policy allows.
//!
//! **What** — with `controls.execution-roles.allowed` (role ARNs), the `ExecutionRole` of a Studio
//! domain's `DefaultUserSettings` and `DefaultSpaceSettings`, of a user profile that sets its own,
//! of every app (its profile's, else its domain's default), and of each HyperPod instance group is
//! in the list. Without a list
//! the control is not applicable. Other kinds: not applicable.
//!
//! **Why** — the execution role is what every notebook cell can do in the account: a profile
//! given a broader role than its team's escapes the per-team boundaries the domain was designed
//! around.
//!
//! **Example** — with `allowed = ["arn:aws:iam::123456789012:role/team-a"]`, a profile created
//! with `role/admin` fails.
//!
//! **Fix** — `UpdateUserProfile` (or `UpdateDomain`) with an allowed `ExecutionRole`. No SageMaker
//! condition key carries it (grant `iam:PassRole` only on the allowed roles to prevent it).

use super::allowed::{AllowEntry, Allowed};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::resource::Snapshot;

pub struct ExecutionRoles;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("execution-roles");

fn role_arn(value: &str) -> Result<(), String> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "iam", "", account, resource]
            if account.len() == 12 && resource.starts_with("role/") =>
        {
            Ok(())
        }
        _ => Err(format!(
            "`{value}` is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)"
        )),
    }
}

impl Control for ExecutionRoles {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Update the user profile (or the domain's defaults) with an allowed ExecutionRole.";
    type Entry = AllowEntry;
    type Settings = Allowed;

    fn settings(entry: AllowEntry) -> Result<Allowed, Invalid> {
        Allowed::read(Self::ID, entry, role_arn)
    }

    fn check(snapshot: &Snapshot, settings: &Allowed) -> Check {
        let list = match settings.or_not_applicable(Self::ID, "execution roles") {
            Ok(list) => list,
            Err(not_applicable) => return not_applicable,
        };
        snapshot
            .facets()
            .execution_role()
            .judge(snapshot.kind(), &|role| Allowed::judge(list, *role, "execution role"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::controls::Control;

    #[test]
    fn table() {
        let listed = Allowed {
            list: Some(vec![ROLE.into()]),
        };
        let admin = "arn:aws:iam::123456789012:role/admin";
        let cases = [
            ("domain defaults listed", domain(|_| {}), &listed, "PASS"),
            (
                "domain space default not listed",
                domain(|d| d.space_defaults.execution_role = Some(admin.into())),
                &listed,
                "FAIL",
            ),
            (
                "profile with its own listed role",
                user_profile(|p| p.execution_role = Some(ROLE.into())),
                &listed,
                "PASS",
            ),
            (
                "profile with another role",
                user_profile(|p| p.execution_role = Some(admin.into())),
                &listed,
                "FAIL",
            ),
            ("profile inheriting", user_profile(|_| {}), &listed, "N/A"),
            ("app on the domain's default", app(|_| {}), &listed, "PASS"),
            (
                "app of a profile with another role",
                app_with(
                    crate::resource::Dependency::Found {
                        name: "d-abc".into(),
                        value: Box::new(secure_domain()),
                    },
                    crate::kinds::domain::StudioSettings {
                        execution_role: Some(admin.into()),
                        ..Default::default()
                    },
                ),
                &listed,
                "FAIL",
            ),
            ("no list", user_profile(|p| p.execution_role = Some(admin.into())), &Allowed::default(), "N/A"),
            ("space", space(), &listed, "N/A"),
            ("training", training(|_| {}), &listed, "N/A"),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&ExecutionRoles::check(&snap, settings)), want, "{name}");
        }
        assert!(ExecutionRoles::settings(AllowEntry::default()).is_ok());
    }

    #[test]
    fn only_role_arns_are_allowed_entries() {
        assert!(role_arn(ROLE).is_ok());
        for bad in ["team-a", "arn:aws:iam::123456789012:user/bob", "arn:aws:iam::1234:role/x"] {
            assert!(role_arn(bad).is_err(), "{bad}");
        }
    }
}
