//! The `guardrail` binary as a user runs it: offline replay of the sample events, exit codes,
//! JSON output, policy checks.

use std::path::PathBuf;
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn guardrail(args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_guardrail"))
        .args(args)
        .current_dir(repo())
        .env_remove("GUARDRAIL_POLICY")
        .env_remove("GUARDRAIL_MODE")
        .output();
    match output {
        Ok(o) => o,
        Err(e) => panic!("cannot run guardrail: {e}"),
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn offline_replay_of_the_samples_succeeds_and_summarises() {
    let o = guardrail(&["replay", "events/"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = stdout(&o);
    assert!(
        text.contains(
            "26 events: 12 evaluated (8 non-compliant), 6 ignored, 3 need --live, 5 rejected"
        ),
        "{text}"
    );
    assert!(
        text.contains("would be stopped [StopTrainingJob]"),
        "{text}"
    );
    assert!(text.contains("REJECTED: event f5cc1296-b364-4725-b419-13ccb7d36fd5: detail.requestParameters.trainingJobName should be a string"), "{text}");
}

#[test]
fn fail_on_and_strict_give_distinct_exit_codes() {
    let compliant = "events/training/create-compliant.json";
    let bad = "events/training/create-noncompliant.json";
    assert_eq!(
        guardrail(&["replay", "--fail-on", "high", compliant])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        guardrail(&["replay", "--fail-on", "high", bad])
            .status
            .code(),
        Some(1)
    );
    // Only a low-severity audit failure (required-tags) on the noncompliant endpoint.
    assert_eq!(
        guardrail(&[
            "replay",
            "--fail-on",
            "medium",
            "events/endpoint/create-noncompliant.json"
        ])
        .status
        .code(),
        Some(0)
    );
    assert_eq!(
        guardrail(&[
            "replay",
            "--fail-on",
            "low",
            "events/endpoint/create-noncompliant.json"
        ])
        .status
        .code(),
        Some(1)
    );
    assert_eq!(
        guardrail(&["replay", "--strict", "events/malformed/"])
            .status
            .code(),
        Some(3)
    );
    assert_eq!(
        guardrail(&["replay", "events/malformed/"]).status.code(),
        Some(0)
    );
    assert_eq!(
        guardrail(&["replay", "--fail-on", "urgent", bad])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        guardrail(&["replay", "events/no-such-folder"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn json_output_carries_the_finding_documents() -> TestResult {
    let o = guardrail(&[
        "replay",
        "--format",
        "json",
        "--policy",
        "infra/policy.example.toml",
        "events/processing/",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let rows = rows.as_array().ok_or("not an array")?;
    assert_eq!(rows.len(), 4);
    let bad = rows
        .iter()
        .find(|r| {
            r["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("processing/create-noncompliant.json"))
        })
        .ok_or("noncompliant processing job missing")?;
    assert_eq!(bad["outcome"], "evaluated");
    let report = &bad["report"];
    assert_eq!(report["resource"]["name"], "feature-prep");
    assert_eq!(report["source"], "event");
    assert_eq!(report["severity"], "high");
    assert_eq!(report["remediation"]["decision"], "act");
    assert_eq!(report["remediation"]["action"], "StopProcessingJob");
    assert_eq!(report["remediation"]["result"], "not-executed");
    let vpc = report["results"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["control"] == "vpc-attached"))
        .ok_or("vpc-attached result missing")?;
    assert_eq!(vpc["status"], "FAIL");
    assert!(vpc["expected"]
        .as_str()
        .is_some_and(|e| e.contains("subnet-0ffffffffffff0099 not allowed")));
    assert_eq!(
        report["actor"]["arn"],
        "arn:aws:sts::123456789012:assumed-role/DataScientist/alice"
    );
    Ok(())
}

#[test]
fn audit_mode_from_the_environment_stops_nothing() -> TestResult {
    let o = Command::new(env!("CARGO_BIN_EXE_guardrail"))
        .args([
            "replay",
            "--format",
            "json",
            "events/notebook/create-noncompliant.json",
        ])
        .current_dir(repo())
        .env_remove("GUARDRAIL_POLICY")
        .env("GUARDRAIL_MODE", "audit")
        .output()?;
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(rows[0]["report"]["remediation"]["decision"], "audit-only");
    assert_eq!(
        rows[0]["report"]["remediation"]["would"],
        "StopNotebookInstance"
    );
    Ok(())
}

#[test]
fn policy_check_accepts_the_example_and_names_errors() -> TestResult {
    let o = guardrail(&["policy", "check", "infra/policy.example.toml"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("vpc-attached"));
    let dir = std::env::temp_dir().join(format!("guardrail-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "[controls.vpc-attached]\nmode = \"enforce\"\nsubnets = []\n",
    )?;
    let o = guardrail(&["policy", "check", bad.to_str().ok_or("path")?]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 3") && err.contains("subnets"), "{err}");
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
