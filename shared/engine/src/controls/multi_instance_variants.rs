//! `multi-instance-variants`: every production variant of an endpoint runs on more than one
//! instance.
//!
//! **What** — `InitialInstanceCount` of each instance-based production variant is at least 2
//! (Security Hub SageMaker.4), and so is `ManagedInstanceScaling.MinInstanceCount` when managed
//! scaling is on (it may scale a variant in below its initial count). Serverless variants (no instances) and shadow variants (they answer
//! no request) are not applicable; a variant whose count is not reported cannot be evaluated.
//! Other kinds: not applicable.
//!
//! **Why** — SageMaker spreads a variant's instances across Availability Zones: with one
//! instance, an instance failure or a zone outage takes the endpoint down. This is availability,
//! not confidentiality: the baseline is `audit`, so a single-instance endpoint is reported, never
//! deleted, unless the policy says `enforce`.
//!
//! **Example** — a variant with `InitialInstanceCount = 1` fails.
//!
//! **Fix** — update the endpoint to a configuration with `InitialInstanceCount` of 2 or more (or
//! an auto scaling minimum of 2).

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::facets::Serving;
use crate::resource::Snapshot;

pub struct MultiInstanceVariants;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("multi-instance-variants");

/// The fewest instances a production variant runs on.
const MINIMUM: i32 = 2;

impl Control for MultiInstanceVariants {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Audit, Severity::Medium);
    const REMEDY: &'static str = "Update the endpoint to a configuration whose production variants have InitialInstanceCount of 2 or more.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot
            .facets()
            .serving_instances()
            .judge(snapshot.kind(), &|serving| match serving {
                Serving { initial: None, .. } => Check::cannot("InitialInstanceCount not reported"),
                Serving {
                    scaling_minimum: Some(minimum),
                    ..
                } if *minimum < MINIMUM => Check::fail(
                    format!("ManagedInstanceScaling.MinInstanceCount = {minimum}"),
                    "at least 2 instances, also when scaled in",
                ),
                Serving {
                    initial: Some(count),
                    ..
                } => Check::flag(
                    *count >= MINIMUM,
                    format!("InitialInstanceCount = {count}"),
                    "InitialInstanceCount >= 2",
                ),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    #[test]
    fn table() {
        let count = |n: Option<i32>| {
            endpoint(move |e| {
                if let Some(group) = e.variants[0].instances.as_mut() {
                    group.instance_count = n;
                }
            })
        };
        let cases = [
            ("endpoint two instances", count(Some(2)), "PASS"),
            ("endpoint one instance", count(Some(1)), "FAIL"),
            ("endpoint count not reported", count(None), "CANNOT"),
            (
                "endpoint of two that scales in to one",
                endpoint(|e| e.variants[0].scaling_minimum = Some(1)),
                "FAIL",
            ),
            (
                "endpoint of two that scales in to two",
                endpoint(|e| e.variants[0].scaling_minimum = Some(2)),
                "PASS",
            ),
            (
                "endpoint serverless",
                endpoint(|e| e.variants[0].instances = None),
                "N/A",
            ),
            (
                "endpoint one-instance shadow beside two-instance production",
                endpoint(|e| {
                    let mut shadow = e.variants[0].clone();
                    shadow.shadow = true;
                    if let Some(group) = shadow.instances.as_mut() {
                        group.instance_count = Some(1);
                    }
                    e.variants.push(shadow);
                }),
                "PASS",
            ),
            ("endpoint config unknown", endpoint_without_config(), "CANNOT"),
            ("notebook", notebook(|_| {}), "N/A"),
            ("training", training(|_| {}), "N/A"),
            ("processing", processing(|_| {}), "N/A"),
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(
                status(&MultiInstanceVariants::check(&snap, &())),
                want,
                "{name}"
            );
        }
    }
}
