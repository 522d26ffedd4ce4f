//! `no-ssm-access`: nobody gets a shell in an endpoint's or a training job's containers, or a
//! Studio space.
//!
//! **What** — `EnableSSMAccess` is `false` (AWS's default) on every production and shadow variant
//! of an endpoint's configuration; a Studio space's `SpaceSettings.RemoteAccess` is `DISABLED`
//! (AWS's default: `ENABLED` lets a local IDE connect to it through Systems Manager); a training
//! job's `RemoteDebugConfig.EnableRemoteDebug` is `false` (AWS's default), also after an
//! `UpdateTrainingJob`, which can switch it on while the job runs. Other kinds (tuning jobs'
//! definitions take no remote debugging): not applicable.
//!
//! **Why** — with SSM access, anyone allowed `ssm:StartSession` on the endpoint opens a shell in
//! the serving container: they read the model artefacts and every request's payload, and change
//! the code that answers, outside the model's deployment pipeline. Remote debugging opens the
//! same shell in a training container (`sagemaker-training-job:<job>_algo-<n>`), with the
//! training data and the job's role.
//!
//! **Example** — a variant with `EnableSSMAccess = true` fails; so does a training job updated
//! with `RemoteDebugConfig = {EnableRemoteDebug: true}`.
//!
//! **Fix** — update the endpoint to a configuration whose variants leave `EnableSSMAccess` out;
//! `UpdateSpace` with `RemoteAccess = DISABLED`; start the training job again without remote
//! debugging. Prevented for spaces with `sagemaker:RemoteAccess`, for training jobs with
//! `sagemaker:EnableRemoteDebug` on `CreateTrainingJob` and `UpdateTrainingJob`; no key carries
//! `EnableSSMAccess`.

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct NoSsmAccess;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-ssm-access");

impl Control for NoSsmAccess {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::High);
    const REMEDY: &'static str = "Update the endpoint to a configuration whose variants do not set EnableSSMAccess; update a Studio space with RemoteAccess = DISABLED; run the training job again without RemoteDebugConfig.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn prevent(_: &(), scp: &mut Scp<'_>) {
        scp.deny(
            Self::ID,
            Deny {
                sid: "NoSsmAccessRemoteAccess".into(),
                actions: &[actions::CREATE_SPACE, actions::UPDATE_SPACE],
                operator: "StringEquals",
                key: "sagemaker:RemoteAccess",
                values: serde_json::json!("ENABLED"),
                unless: None,
                also: None,
            },
        );
        // A request without the member carries no key: `Bool` is then false, nothing is denied.
        scp.deny(
            Self::ID,
            Deny {
                sid: "NoSsmAccessRemoteDebug".into(),
                actions: &[actions::CREATE_TRAINING, actions::UPDATE_TRAINING],
                operator: "Bool",
                key: "sagemaker:EnableRemoteDebug",
                values: serde_json::json!("true"),
                unless: None,
                also: None,
            },
        );
        scp.gap(
            Self::ID,
            actions::CREATE_ENDPOINT_CONFIG,
            "no condition key carries a variant's EnableSSMAccess",
        );
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot.facets().ssm_access().judge(snapshot.kind(), &|remote| {
            let observed = format!("{} = {}", remote.setting, remote.value);
            match (remote.on, remote.setting) {
                (false, _) => Check::pass(observed),
                (true, "RemoteAccess") if remote.value != "ENABLED" => {
                    Check::cannot(format!("unrecognised RemoteAccess value `{}`", remote.value))
                }
                (true, "RemoteAccess") => Check::fail(observed, "RemoteAccess = DISABLED"),
                (true, setting) => Check::fail(observed, format!("{setting} = false")),
            }
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
            ("studio space without remote access", space(), "PASS"),
            (
                "studio space with remote access",
                crate::controls::fixtures::space_with(|s| s.remote_access = "ENABLED".into()),
                "FAIL",
            ),
            ("notebook", notebook(|_| {}), "N/A"),
            ("training", training(|_| {}), "PASS"),
            (
                "training with remote debugging",
                training(|j| j.remote_debug = Some(true)),
                "FAIL",
            ),
            ("processing", processing(|_| {}), "N/A"),
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&NoSsmAccess::check(&snap, &())), want, "{name}");
        }
    }
}
