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

use super::Check;
use crate::resource::{Details, Snapshot};

pub const REMEDY: &str = "Recreate the notebook with DirectInternetAccess = Disabled in a private subnet (it cannot be changed in place).";

pub fn check(snapshot: &Snapshot) -> Check {
    match &snapshot.details {
        Details::NotebookInstance(n) => {
            super::check_disabled("DirectInternetAccess", &n.direct_internet_access)
        }
        Details::TrainingJob(_)
        | Details::ProcessingJob(_)
        | Details::TransformJob(_)
        | Details::HyperParameterTuningJob(_)
        | Details::Endpoint(_) => Check::no_such_setting(snapshot),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;
    use crate::resource::Toggle;

    #[test]
    fn table() {
        let cases = [
            ("transform", transform(|_| {}), "N/A"),
            ("tuning", tuning(|_| {}), "N/A"),
            ("notebook disabled", notebook(|_| {}), "PASS"),
            (
                "notebook enabled or absent (AWS default)",
                notebook(|n| n.direct_internet_access = Toggle::Enabled),
                "FAIL",
            ),
            (
                "notebook unknown value",
                notebook(|n| n.direct_internet_access = Toggle::parse("Sometimes")),
                "CANNOT",
            ),
            ("training", training(|_| {}), "N/A"),
            ("processing", processing(|_| {}), "N/A"),
            ("endpoint", endpoint(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&check(&snap)), want, "{name}");
        }
    }
}
