//! `network-isolation`: containers run with no network access of their own.
//!
//! **What** — training job `EnableNetworkIsolation`, processing job
//! `NetworkConfig.EnableNetworkIsolation`, every training job definition of a tuning job, the
//! model of a transform job, and for an endpoint `EnableNetworkIsolation` on every
//! production variant's model. Notebooks: not applicable. Absent means `false`.
//!
//! **Why** — isolation stops code in a (possibly third-party) container from calling out, even to
//! AWS services; SageMaker still moves the input and output data for it. It is the strongest
//! protection against exfiltration by a compromised algorithm or model image.
//!
//! **Example** — an endpoint whose model was created without `EnableNetworkIsolation` fails.
//!
//! **Fix** — set `EnableNetworkIsolation = true` on the job, or on the model behind the endpoint.

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::preventive::{actions, Scp};
use crate::resource::Snapshot;

pub struct NetworkIsolation;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("network-isolation");

/// The create calls that take `sagemaker:NetworkIsolation`.
const ISOLATION_ACTIONS: [&str; 8] = crate::preventive::with_monitoring([
    actions::CREATE_TRAINING,
    actions::CREATE_PROCESSING,
    actions::CREATE_TUNING,
    actions::CREATE_MODEL,
]);

impl Control for NetworkIsolation {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Audit, Severity::Medium);
    const REMEDY: &'static str =
        "Set EnableNetworkIsolation to true on the job, or on every model behind the endpoint.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot.facets().network_isolation().judge(snapshot.kind(), &|on| {
            Check::flag(
                *on,
                format!("EnableNetworkIsolation = {on}"),
                "EnableNetworkIsolation = true",
            )
        })
    }

    fn prevent(_: &(), scp: &mut Scp<'_>) {
        crate::preventive::monitoring_inline_gap(scp, Self::ID);
        scp.flag(
            Self::ID,
            "NetworkIsolation",
            &ISOLATION_ACTIONS,
            "sagemaker:NetworkIsolation",
        );
        for action in [actions::CREATE_TRANSFORM, actions::CREATE_ENDPOINT] {
            scp.gap(
                Self::ID,
                action,
                "no isolation condition key: the setting is the model's, denied at \
                 CreateModel; models created before the document applied are caught by the \
                 detective control",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::Dependency;

    fn check(snapshot: &Snapshot) -> Check {
        NetworkIsolation::check(snapshot, &())
    }

    #[test]
    fn table() {
        let cases = [
            ("transform model on", transform(|_| {}), "PASS"),
            (
                "transform model off",
                transform(|t| t.model = model(vpc(), false)),
                "FAIL",
            ),
            (
                "transform model unknown",
                transform(|t| t.model = Dependency::NotDescribed { name: "m".into() }),
                "CANNOT",
            ),
            ("tuning all on", tuning(|_| {}), "PASS"),
            (
                "tuning one definition off",
                tuning(|j| j.network_isolation = false),
                "FAIL",
            ),
            ("notebook", notebook(|_| {}), "N/A"),
            ("training on", training(|_| {}), "PASS"),
            (
                "training off or absent",
                training(|j| j.network_isolation = false),
                "FAIL",
            ),
            ("processing on", processing(|_| {}), "PASS"),
            (
                "processing off or absent",
                processing(|j| j.network_isolation = false),
                "FAIL",
            ),
            ("endpoint on", endpoint(|_| {}), "PASS"),
            (
                "endpoint model off",
                endpoint(|e| {
                    if let Some(m) = e
                        .variants
                        .first_mut()
                        .and_then(|v| v.model.as_mut())
                        .and_then(|m| m.found_mut())
                    {
                        m.network_isolation = false
                    }
                }),
                "FAIL",
            ),
            (
                "endpoint model deleted",
                endpoint(|e| {
                    if let Some(v) = e.variants.first_mut() {
                        v.model = Some(Dependency::Deleted { name: "m".into() })
                    }
                }),
                "FAIL",
            ),
            (
                "endpoint shadow variant model off",
                endpoint(|e| {
                    let mut shadow = e.variants[0].clone();
                    shadow.shadow = true;
                    shadow.model = Some(model(vpc(), false));
                    e.variants.push(shadow);
                }),
                "FAIL",
            ),
            (
                "endpoint of inference components, config isolated",
                endpoint(|e| {
                    e.variants[0].model = None;
                    e.network_isolation = true;
                }),
                "PASS",
            ),
            (
                "endpoint of inference components, config not isolated",
                endpoint(|e| e.variants[0].model = None),
                "FAIL",
            ),
            (
                "endpoint config deleted",
                endpoint_with(Dependency::Deleted { name: "cfg".into() }),
                "FAIL",
            ),
            (
                "transform model deleted",
                transform(|t| t.model = Dependency::Deleted { name: "m".into() }),
                "FAIL",
            ),
            (
                "endpoint config unknown",
                endpoint_without_config(),
                "CANNOT",
            ),
            ("monitoring isolated", monitoring(|_| {}), "PASS"),
            ("monitoring not isolated", monitoring(|j| j.network_isolation = false), "FAIL"),
            ("monitoring definition not described", monitoring_not_described(), "CANNOT"),
            ("studio app", app(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&check(&snap)), want, "{name}");
        }
    }
}
