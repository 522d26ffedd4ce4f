//! `no-plaintext-secrets`: no credential is written in plain text into a job's or a model's
//! settings.
//!
//! **What** — the `HyperParameters` and `Environment` of a training job (a tuning job's
//! definitions: `StaticHyperParameters` and `Environment`), the `Environment` of a processing or
//! transform job and of an inline monitoring job, and the containers' `Environment` of the models
//! an endpoint or a transform job runs, hold no credential: a value in a known credential format
//! (AWS access key ids, private keys, GitHub, Slack, Hugging Face, Google, Stripe and OpenAI
//! tokens: the table in [`crate::secrets`], each format with its source), or a plausible value
//! of a setting named as one (`DB_PASSWORD`, `HF_TOKEN`, `api_key`); nor do a notebook's
//! lifecycle scripts (`OnCreate`, `OnStart`, decoded; a shell variable named as a credential
//! counts too). A finding names the setting and the format, never the value. Other kinds: not
//! applicable.
//!
//! **Why** — these settings and scripts are returned to anyone who may describe them, recorded by
//! CloudTrail, copied by every tool that inventories SageMaker, and outlive the credential's
//! rotation: a token there is a token shared with the account.
//!
//! **Example** — a training job created with `Environment = {"HF_TOKEN": "hf_..."}` fails,
//! naming `Environment.HF_TOKEN` and "Hugging Face token".
//!
//! **Fix** — keep the credential in AWS Secrets Manager and read it at run time with the
//! execution role (or pass its ARN); rotate the exposed one, which the resource's description
//! will keep showing. No condition key carries these settings: it cannot be prevented.

use super::{Check, Control, ControlId, Invalid, Levels, Mode, Severity};
use crate::resource::Snapshot;
use crate::secrets::{credentials_in, Setting};

pub struct NoPlaintextSecrets;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("no-plaintext-secrets");

impl Control for NoPlaintextSecrets {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Audit, Severity::High);
    const REMEDY: &'static str = "Move the credential to AWS Secrets Manager, read it at run time with the execution role, and rotate the exposed one.";
    type Entry = Levels;
    type Settings = ();

    fn settings(_: Levels) -> Result<(), Invalid> {
        Ok(())
    }

    fn check(snapshot: &Snapshot, _: &()) -> Check {
        snapshot
            .facets()
            .plaintext()
            .judge(snapshot.kind(), &|settings| scan(settings))
    }
}

/// The credentials in `settings`, each named by its place and format, never by its value.
fn scan(settings: &[Setting]) -> Check {
    let found: Vec<String> = settings
        .iter()
        .flat_map(|s| {
            credentials_in(s)
                .into_iter()
                .map(move |format| format!("{format} in {} (value withheld)", s.place))
        })
        .collect();
    if found.is_empty() {
        Check::pass(format!("{} settings, no credential", settings.len()))
    } else {
        Check::fail(
            found.join("; "),
            "no credential in plain text (read it from AWS Secrets Manager at run time)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    fn token() -> String {
        format!("hf_{}", "x".repeat(34))
    }

    #[test]
    fn table() {
        let with = |place: &str, value: &str| vec![Setting::new(place, value)];
        let cases = [
            ("training without settings", training(|_| {}), "PASS"),
            (
                "training with a Hugging Face token",
                training(|j| j.plaintext = with("Environment.HF_TOKEN", &token())),
                "FAIL",
            ),
            (
                "training with a secret read from Secrets Manager",
                training(|j| {
                    j.plaintext = with(
                        "Environment.HF_TOKEN",
                        "arn:aws:secretsmanager:us-east-1:123456789012:secret:hf",
                    )
                }),
                "PASS",
            ),
            (
                "processing with a password",
                processing(|j| j.plaintext = with("Environment.DB_PASSWORD", "hunter2hunter2")),
                "FAIL",
            ),
            (
                "tuning definition with a key",
                tuning(|j| j.plaintext = with("StaticHyperParameters.api_key", "0123456789abcdef")),
                "FAIL",
            ),
            (
                "a Debugger rule job: SageMaker's settings",
                training(|j| {
                    j.rule_of = Some("arn:aws:sagemaker:us-east-1:123456789012:training-job/t".into());
                    j.plaintext = with("Environment.DB_PASSWORD", "hunter2hunter2");
                }),
                "N/A",
            ),
            ("endpoint's model without settings", endpoint(|_| {}), "PASS"),
            ("endpoint whose configuration is not described", endpoint_without_config(), "CANNOT"),
            ("notebook without a lifecycle configuration", notebook(|_| {}), "PASS"),
            (
                "notebook whose lifecycle script exports a token",
                notebook(|n| {
                    n.lifecycle_config = Some("setup".into());
                    n.lifecycle_scripts = Some(crate::resource::Dependency::Found {
                        name: "setup".into(),
                        value: with("lifecycle configuration setup OnStart script", &format!("export HF_TOKEN={}", token())),
                    });
                }),
                "FAIL",
            ),
            (
                "notebook whose lifecycle configuration an offline event does not carry",
                notebook(|n| {
                    n.lifecycle_config = Some("setup".into());
                    n.lifecycle_scripts =
                        Some(crate::resource::Dependency::NotDescribed { name: "setup".into() });
                }),
                "CANNOT",
            ),
            ("domain", domain(|_| {}), "N/A"),
        ];
        for (name, snap, want) in cases {
            assert_eq!(status(&NoPlaintextSecrets::check(&snap, &())), want, "{name}");
        }
    }

    /// The finding names the place and the format; the value appears nowhere in it.
    #[test]
    fn the_value_is_never_in_the_finding() {
        let snap = training(|j| j.plaintext = vec![Setting::new("Environment.HF_TOKEN", token())]);
        let check = NoPlaintextSecrets::check(&snap, &());
        let text = format!("{check:?}");
        assert!(text.contains("Hugging Face token in Environment.HF_TOKEN"), "{text}");
        assert!(!text.contains(&token()), "{text}");
        assert!(!format!("{snap:?}").contains(&token()), "the snapshot's Debug withholds it");
    }
}
