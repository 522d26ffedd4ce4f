//! The `guardrail` binary as a user runs it: offline replay of the sample events, exit codes,
//! JSON output, policy checks.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU32, Ordering};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A store file of the caller's own: tests run in parallel, so no two calls share one.
fn temp_store(name: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("guardrail-cli-{}-{name}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    format!("sqlite:{}", dir.join("findings.db").display())
}

fn guardrail(args: &[&str]) -> Output {
    guardrail_with(args, &temp_store("scratch"))
}

fn guardrail_with(args: &[&str], store: &str) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_guardrail"))
        .args(args)
        .current_dir(repo())
        .env_remove("GUARDRAIL_POLICY")
        .env_remove("GUARDRAIL_MODE")
        .env("GUARDRAIL_STORE", store)
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
            "65 events: 44 evaluated (30 non-compliant), 6 ignored, 10 need --live, 5 rejected"
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

/// B9: `policy check` lists the exemptions in force with their expiry, and the expired apart.
#[test]
fn policy_check_lists_the_exemptions_in_force_with_their_expiry() -> TestResult {
    let today = time::OffsetDateTime::now_utc().date();
    let (soon, past) = (
        today + time::Duration::days(10),
        today - time::Duration::days(1),
    );
    let dir = std::env::temp_dir().join(format!("guardrail-cli-ex-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("exemptions.toml");
    std::fs::write(
        &file,
        format!(
            r#"[[exemptions]]
resource = "arn:aws:sagemaker:*:*:notebook-instance/sandbox-*"
accounts = ["111122223333"]
controls = ["no-root-access", "vpc-attached"]
reason = "SEC-1: sandbox"
expires = {soon}

[[exemptions]]
resource = "arn:aws:sagemaker:us-east-1:111122223333:training-job/old-*"
controls = ["volume-kms"]
reason = "SEC-0: gone"
expires = {past}
"#
        ),
    )?;
    let o = guardrail(&["policy", "check", file.to_str().ok_or("path")?]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let out = stdout(&o);
    assert!(out.contains("exemptions in force: 1"), "{out}");
    assert!(
        out.contains(&format!(
            "arn:aws:sagemaker:*:*:notebook-instance/sandbox-* in 111122223333: no-root-access, vpc-attached until {soon} (10 days left): SEC-1: sandbox"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!("expired on {past}, no longer applied: arn:aws:sagemaker:us-east-1:111122223333:training-job/old-*")),
        "{out}"
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn replay_stores_findings_that_findings_commands_answer_from() -> TestResult {
    let store = temp_store("replay");
    assert_eq!(
        guardrail_with(
            &["replay", "--policy", "infra/policy.example.toml", "events/"],
            &store
        )
        .status
        .code(),
        Some(0)
    );
    let o = guardrail_with(
        &[
            "findings",
            "list",
            "--status",
            "FAIL",
            "--control",
            "vpc-attached",
            "--format",
            "json",
            "--limit",
            "100",
        ],
        &store,
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let page: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let names: Vec<&str> = page["findings"]
        .as_array()
        .ok_or("no findings")?
        .iter()
        .filter_map(|f| f["resource_name"].as_str())
        .collect();
    assert_eq!(names.len(), 12, "{names:?}");
    for expected in [
        "churn-instance-sizing",
        "llama-int8",
        "fraud-model-neo",
        "churn-autopilot",
        "llm-pretrain",
        "open-nb",
        "churn-xgb",
        "feature-prep",
        "churn-hpo-mixed",
        "d-openstudio01",
        "d-mlplatform01/alice",
        "fraud-api-quality",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} missing from {names:?}"
        );
    }
    let o = guardrail_with(&["findings", "summary", "--format", "json"], &store);
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(summary["by_control"]["vpc-attached"]["FAIL"], 12);
    let id = page["findings"][0]["id"]
        .as_str()
        .ok_or("no id")?
        .to_string();
    let history = |store: &str| -> Result<usize, Box<dyn std::error::Error>> {
        let o = guardrail_with(&["findings", "show", &id, "--format", "json"], store);
        let shown: serde_json::Value = serde_json::from_slice(&o.stdout)?;
        Ok(shown["history"].as_array().map_or(0, Vec::len))
    };
    let before = history(&store)?;
    assert!(before >= 1);
    // A second replay adds history, not findings.
    guardrail_with(
        &["replay", "--policy", "infra/policy.example.toml", "events/"],
        &store,
    );
    let again: serde_json::Value = serde_json::from_slice(
        &guardrail_with(&["findings", "summary", "--format", "json"], &store).stdout,
    )?;
    assert_eq!(again["total"], summary["total"]);
    assert_eq!(history(&store)?, 2 * before);
    Ok(())
}

/// A store seeded with fixed findings: three training jobs in two accounts on three days.
fn seeded(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    use guardrail_core::store::{contract::sample, Evaluation, FindingStore};
    use guardrail_sqlite::SqliteStore;
    let spec = temp_store(name);
    let path = spec.trim_start_matches("sqlite:").to_string();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let store = SqliteStore::open(std::path::Path::new(&path))?;
        for (job, account, day) in [
            ("alpha", "111111111111", "01"),
            ("beta", "222222222222", "02"),
            ("gamma", "111111111111", "03"),
        ] {
            let arn = format!("arn:aws:sagemaker:us-east-1:{account}:training-job/{job}");
            let (findings, observations) = sample(&arn, &format!("2026-11-{day}T08:00:00Z"));
            store
                .record(&Evaluation::of(&findings, &observations))
                .await?;
        }
        Ok::<_, guardrail_core::store::StoreError>(())
    })?;
    Ok(spec)
}

/// Compares with `cli/tests/golden/NAME`; `UPDATE_GOLDEN=1` rewrites the file instead.
fn golden(name: &str, actual: &str) -> TestResult {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
        std::fs::write(&path, actual)?;
    }
    let expected = std::fs::read_to_string(&path)?;
    assert_eq!(
        actual, expected,
        "golden {name} differs (UPDATE_GOLDEN=1 to accept)"
    );
    Ok(())
}

/// The offline replay of every sample, as the README's main command runs it and with the
/// baseline policy, is kept as golden files: a restructuring must not change a line of it.
#[test]
fn offline_replay_matches_the_golden_files() -> TestResult {
    for (name, args) in [
        ("replay-baseline.txt", vec!["replay", "events/"]),
        (
            "replay-example-policy.txt",
            vec!["replay", "--policy", "infra/policy.example.toml", "events/"],
        ),
        (
            "replay-example-policy.json",
            vec![
                "replay",
                "--policy",
                "infra/policy.example.toml",
                "--format",
                "json",
                "events/",
            ],
        ),
    ] {
        let o = guardrail(&args);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        // The evaluation time is the run's own: the one line that may differ.
        let text: Vec<String> = stdout(&o)
            .lines()
            .map(|line| match line.split_once("\"evaluated_at\": ") {
                Some((indent, _)) => format!("{indent}\"evaluated_at\": \"(time of the run)\""),
                None => line.to_string(),
            })
            .collect();
        golden(name, &(text.join("\n") + "\n"))?;
    }
    Ok(())
}

#[test]
fn findings_outputs_match_the_golden_files() -> TestResult {
    let store = seeded("golden")?;
    for (name, args) in [
        ("list.txt", vec!["findings", "list"]),
        ("list.csv", vec!["findings", "list", "--format", "csv"]),
        (
            "list.json",
            vec!["findings", "list", "--format", "json", "--status", "FAIL"],
        ),
        (
            "summary.txt",
            vec!["findings", "summary", "--since", "2026-11-02T00:00:00Z"],
        ),
        (
            "summary.csv",
            vec!["findings", "summary", "--format", "csv"],
        ),
        (
            "show.txt",
            vec!["findings", "show", "3617491b28456e69e6956fce14f8268c"],
        ),
    ] {
        let o = guardrail_with(&args, &store);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{name}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        golden(name, &stdout(&o))?;
    }
    Ok(())
}

#[test]
fn every_filter_narrows_the_listing() -> TestResult {
    let store = seeded("filters")?;
    let count = |extra: &[&str]| -> Result<usize, Box<dyn std::error::Error>> {
        let mut args = vec!["findings", "list", "--format", "json", "--limit", "100"];
        args.extend_from_slice(extra);
        let o = guardrail_with(&args, &store);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{extra:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let page: serde_json::Value = serde_json::from_slice(&o.stdout)?;
        Ok(page["findings"].as_array().map_or(0, Vec::len))
    };
    assert_eq!(count(&[])?, 6);
    assert_eq!(count(&["--status", "FAIL"])?, 3);
    assert_eq!(count(&["--status", "pass"])?, 3);
    assert_eq!(count(&["--control", "volume-kms"])?, 3);
    assert_eq!(count(&["--kind", "training-job"])?, 6);
    assert_eq!(count(&["--kind", "endpoint"])?, 0);
    assert_eq!(count(&["--severity", "high"])?, 6);
    assert_eq!(count(&["--severity", "critical"])?, 0);
    assert_eq!(count(&["--account", "111111111111"])?, 4);
    assert_eq!(count(&["--region", "eu-west-1"])?, 0);
    assert_eq!(count(&["--resource", "beta"])?, 2);
    assert_eq!(
        count(&[
            "--resource",
            "arn:aws:sagemaker:us-east-1:111111111111:training-job/gamma"
        ])?,
        2
    );
    assert_eq!(count(&["--since", "2026-11-02T00:00:00Z"])?, 4);
    assert_eq!(count(&["--until", "2026-11-02T00:00:00Z"])?, 2);
    assert_eq!(count(&["--since", "3650d"])?, 6);
    assert_eq!(count(&["--until", "3650d"])?, 0);
    // Pagination: two pages of 4 and 2, with a token between.
    let o = guardrail_with(
        &["findings", "list", "--format", "json", "--limit", "4"],
        &store,
    );
    let first: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let token = first["next"].as_str().ok_or("no next page")?;
    let o = guardrail_with(
        &[
            "findings",
            "list",
            "--format",
            "json",
            "--limit",
            "4",
            "--page-token",
            token,
        ],
        &store,
    );
    let second: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    assert_eq!(second["findings"].as_array().map(Vec::len), Some(2));
    assert!(second["next"].is_null());
    // Bad input: clear errors, exit 2.
    let o = guardrail_with(&["findings", "list", "--since", "last week"], &store);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("neither RFC 3339 nor relative"));
    assert_eq!(
        guardrail_with(&["findings", "show", "nope"], &store)
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        guardrail_with(&["findings", "list", "--store", "postgres:x"], &store)
            .status
            .code(),
        Some(2)
    );
    Ok(())
}

#[test]
fn preventive_writes_the_example_policy_as_an_scp_and_lists_what_it_leaves() -> TestResult {
    let o = guardrail(&[
        "preventive",
        "--policy",
        "infra/policy.example.toml",
        "--on",
        "2026-11-24",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Compact JSON (what an SCP upload counts), one SCP per line, compared pretty-printed: the
    // example's statements need three SCPs.
    let scps: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    assert_eq!(scps.len(), 3);
    assert!(scps.iter().all(|d| d.to_string().len() <= 5120));
    golden(
        "preventive.json",
        &(serde_json::to_string_pretty(&scps)? + "\n"),
    )?;
    let sids: Vec<&str> = scps
        .iter()
        .flat_map(|d| d["Statement"].as_array().into_iter().flatten())
        .filter_map(|s| s["Sid"].as_str())
        .collect();
    for sid in [
        "VpcAttachedSubnetMissing",
        "VpcAttachedSubnetNotAllowed",
        "VpcAttachedSecurityGroupNotAllowed",
        "VolumeKmsMissing",
        "VolumeKmsNotAllowed",
        "OutputKmsNotAllowed",
        "InterContainerEncryptionOff",
        "InterContainerEncryptionMissing",
        "DirectInternetMissing",
        "RootAccessEnabled",
        "RootAccessMissing",
        "ImdsVersion1",
        "ImdsVersionMissing",
        "LifecycleConfigsNotAllowed",
    ] {
        assert!(sids.contains(&sid), "{sid} missing from {sids:?}");
    }
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("3 SCPs (at most 5120 characters each): attach all of them"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not preventable: vpc-attached on sagemaker:CreateTransformJob"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not preventable: network-isolation on *: mode audit"),
        "{stderr}"
    );
    assert!(
        stderr.contains("not preventable: volume-kms on *: allowed_keys `alias/ml-data`"),
        "{stderr}"
    );
    // --output: the same SCPs in the file and FILE-2, nothing on standard output.
    let file = std::env::temp_dir().join(format!("guardrail-scp-{}.json", std::process::id()));
    let file_arg = file.to_str().ok_or("temp path is not UTF-8")?;
    let written = guardrail(&[
        "preventive",
        "--policy",
        "infra/policy.example.toml",
        "--on",
        "2026-11-24",
        "--output",
        file_arg,
    ]);
    assert_eq!(written.status.code(), Some(0));
    assert!(written.stdout.is_empty());
    let second = file.with_file_name(format!("guardrail-scp-{}-2.json", std::process::id()));
    let third = file.with_file_name(format!("guardrail-scp-{}-3.json", std::process::id()));
    let mut from_files = Vec::new();
    for path in [&file, &second, &third] {
        let text = std::fs::read_to_string(path)?;
        std::fs::remove_file(path)?;
        from_files.push(serde_json::from_str::<serde_json::Value>(&text)?);
    }
    assert_eq!(from_files, scps);
    // After the example's exemption expires, its resources are denied too.
    let later = guardrail(&[
        "preventive",
        "--policy",
        "infra/policy.example.toml",
        "--on",
        "2027-04-01",
    ]);
    assert!(!stdout(&later).contains("NotResource"));
    assert!(stdout(&o).contains("NotResource"));

    let o = guardrail(&["preventive", "--policy", "no/such/policy.toml"]);
    assert_eq!(o.status.code(), Some(2));
    Ok(())
}

#[test]
fn scan_without_a_topic_cannot_run_and_says_why() {
    let o = Command::new(env!("CARGO_BIN_EXE_guardrail"))
        .args(["scan", "--audit"])
        .current_dir(repo())
        .env_remove("ALERT_TOPIC_ARN")
        .env_remove("GUARDRAIL_POLICY")
        .output();
    let o = match o {
        Ok(o) => o,
        Err(e) => panic!("cannot run guardrail: {e}"),
    };
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--topic-arn"));
}

/// The environment means the same to the CLI as to the functions: `SECURITY_HUB=yes` is an
/// error naming the allowed values, not silently off.
#[test]
fn an_unknown_environment_value_is_an_error_naming_the_allowed_ones() {
    let output = Command::new(env!("CARGO_BIN_EXE_guardrail"))
        .args([
            "scan",
            "--topic-arn",
            "arn:aws:sns:us-east-1:123456789012:alerts",
        ])
        .current_dir(repo())
        .env("GUARDRAIL_STORE", temp_store("env"))
        .env("SECURITY_HUB", "yes")
        .output();
    let o = match output {
        Ok(o) => o,
        Err(e) => panic!("cannot run guardrail: {e}"),
    };
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("SECURITY_HUB must be `on` or `off`, not `yes`"),
        "{err}"
    );
}

/// A filter naming no kind or control is an error that lists the valid ones, not an empty list.
#[test]
fn an_unknown_kind_or_control_filter_is_an_error_naming_the_valid_ones() {
    for (flag, value, valid) in [
        ("--kind", "training-jobs", "training-job"),
        ("--control", "vpc", "vpc-attached"),
    ] {
        let o = guardrail(&["findings", "list", flag, value]);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            err.contains(&format!("`{value}` is not")) && err.contains(valid),
            "{err}"
        );
    }
}

/// The counts of one table of the report (`<table id="ID">`): row name -> status -> count.
fn report_table(html: &str, id: &str) -> BTreeMap<String, BTreeMap<String, u64>> {
    let start = html
        .find(&format!("<table id=\"{id}\">"))
        .unwrap_or(html.len());
    let table = &html[start..];
    let table = &table[..table.find("</table>").unwrap_or(table.len())];
    let mut rows = BTreeMap::new();
    for row in table.split("<tr><th>").skip(2) {
        let name = row.split("</th>").next().unwrap_or_default().to_string();
        let mut counts = BTreeMap::new();
        for cell in row.split("data-status=\"").skip(1) {
            let (status, rest) = cell.split_once("\">").unwrap_or_default();
            let value = rest.split('<').next().unwrap_or_default();
            counts.insert(status.to_string(), value.parse().unwrap_or(u64::MAX));
        }
        rows.insert(name, counts);
    }
    rows
}

#[test]
fn the_report_is_one_html_file_whose_numbers_are_the_summary_s() -> TestResult {
    // Given a store with findings of three jobs
    let store = seeded("report")?;
    let file = std::env::temp_dir().join(format!("guardrail-report-{}.html", std::process::id()));
    let file_arg = file.to_str().ok_or("temp path is not UTF-8")?;
    // When the report is written
    let o = guardrail_with(&["findings", "report", "--output", file_arg], &store);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout(&o).contains("6 findings on 3 resources, 3 open failures"),
        "{}",
        stdout(&o)
    );
    let html = std::fs::read_to_string(&file)?;
    std::fs::remove_file(&file)?;
    // Then its tables hold exactly the counts `findings summary` gives
    let summary: serde_json::Value = serde_json::from_slice(
        &guardrail_with(&["findings", "summary", "--format", "json"], &store).stdout,
    )?;
    for (id, member) in [("by-control", "by_control"), ("by-kind", "by_kind")] {
        let table = report_table(&html, id);
        let expected = summary[member].as_object().ok_or("no summary table")?;
        assert_eq!(table.len(), expected.len(), "{id}: {table:?}");
        for (name, counts) in expected {
            for status in ["PASS", "FAIL", "NOT_APPLICABLE", "ERROR"] {
                let want = counts[status].as_u64().unwrap_or(0);
                assert_eq!(table[name][status], want, "{id} {name} {status}");
            }
        }
    }
    assert!(
        html.contains("<dd id=\"total\">6</dd>") && html.contains("<dd id=\"resources\">3</dd>")
    );
    // And the account narrows it; the period, from its start, draws the trend (CloudTrail looked
    // up: the emulator has no record of these stops)
    let o = guardrail_with(
        &[
            "findings",
            "report",
            "--output",
            file_arg,
            "--since",
            "2026-11-02T00:00:00Z",
            "--account",
            "111111111111",
            "--cloudtrail",
        ],
        &store,
    );
    assert!(
        stdout(&o).contains("4 findings on 2 resources, 2 open failures"),
        "{}",
        stdout(&o)
    );
    std::fs::remove_file(&file)?;
    Ok(())
}

/// Issue 21 (first part): `guardrail iac` judges CloudFormation templates with the exit codes
/// of `replay`, names the file, line and logical id, and takes parameter values.
#[test]
fn iac_judges_templates_with_replay_s_exit_codes() -> Result<(), Box<dyn std::error::Error>> {
    let [endpoint, notebook] = [
        "tests/iac/templates/endpoint.json",
        "tests/iac/templates/notebook-branches.yaml",
    ];
    let o = guardrail(&["iac", endpoint, notebook]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8(o.stdout)?;
    assert!(
        text.contains(
            "tests/iac/templates/endpoint.json:36 FraudEndpoint (AWS::SageMaker::Endpoint)"
        ),
        "{text}"
    );
    assert!(
        text.contains("ResearchNotebook (AWS::SageMaker::NotebookInstance) (when IsProd=false)"),
        "{text}"
    );
    assert!(
        text.contains("2 files: 3 resources judged (2 non-compliant)"),
        "{text}"
    );
    assert_eq!(
        guardrail(&["iac", "--fail-on", "high", endpoint, notebook])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        guardrail(&["iac", "--strict", endpoint, notebook])
            .status
            .code(),
        Some(3)
    );
    // Production, with the imported network given as a parameter would be: the branch that
    // opens the internet is still judged.
    let o = guardrail(&[
        "iac",
        "--format",
        "json",
        "--parameters",
        "Environment=prod",
        "tests/iac/templates/notebook-branches.yaml",
    ]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let judged = &rows[0]["judged"];
    assert_eq!(judged.as_array().map(Vec::len), Some(2));
    assert_eq!(judged[0]["report"]["resource"]["name"], "research-prod");
    assert_eq!(judged[0]["report"]["event"]["cause"]["type"], "template");
    // A file that is not a template cannot run, and says where.
    let dir = std::env::temp_dir().join(format!("iac-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let bad = dir.join("broken.yaml");
    std::fs::write(&bad, "Resources:\n  A:\n    Type: [unclosed\n")?;
    let o = guardrail(&["iac", bad.to_str().unwrap_or_default()]);
    assert_eq!(o.status.code(), Some(2));
    let text = String::from_utf8(o.stdout)?;
    assert!(
        text.contains("broken.yaml:") && text.contains("REJECTED"),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

/// Issue 21: every input `guardrail iac` reads, told from its content: a CDK assembly through
/// its manifest (its other files and the app's sources not read on their own), a Terraform
/// plan with its resources found in the `.tf` files (`--repo-root`), a pipeline definition; a
/// named file of another kind refused; `--show-scp` names the statements that would deny the
/// deployment.
#[test]
fn iac_reads_cdk_terraform_and_pipelines() -> Result<(), Box<dyn std::error::Error>> {
    let o = guardrail(&["iac", "tests/iac/corpus/cdk"]);
    let text = String::from_utf8(o.stdout)?;
    assert!(
        text.contains("tests/iac/corpus/cdk/drift-deploy/assembly-Prod/ProddriftdeployprodFA3F523A.template.json:52 Endpoint [/Prod/drift-deploy-prod/Endpoint] (AWS::SageMaker::Endpoint)"),
        "{text}"
    );
    assert!(
        !text.contains("tree.json") && !text.contains("REJECTED"),
        "{text}"
    );
    assert!(
        text.contains("0 rejected, 6 not infrastructure code"),
        "{text}"
    );
    let plan = "tests/iac/corpus/terraform/aws-ia-sagemaker-endpoint";
    let o = guardrail(&[
        "iac",
        "--repo-root",
        plan,
        "--format",
        "json",
        &format!("{plan}/plan.json"),
    ]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let endpoint = &rows[0]["judged"][0];
    assert_eq!(
        endpoint["file"],
        format!("{plan}/terraform-aws-sagemaker-endpoint/main.tf")
    );
    assert_eq!(endpoint["position"]["line"], 142);
    assert_eq!(
        endpoint["location"],
        "module.sagemaker-endpoint.aws_sagemaker_endpoint.sagemaker_endpoint"
    );
    let o = guardrail(&[
        "iac",
        "--type",
        "pipeline",
        "--fail-on",
        "high",
        "tests/iac/corpus/pipelines/nlp-multi-model.pipeline.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = guardrail(&["iac", "tests/iac/corpus/cdk/drift-deploy-src/cdk.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8(o.stdout)?.contains("cdk.json:1: not infrastructure code"));
    let o = guardrail(&[
        "iac",
        "--show-scp",
        "--format",
        "json",
        "tests/iac/corpus/cloudformation/basic-endpoint.yml",
    ]);
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout)?;
    let scp = &rows[0]["judged"][0]["scp"];
    let vpc = scp
        .as_array()
        .and_then(|s| s.iter().find(|p| p["control"] == "vpc-attached"))
        .ok_or("no vpc-attached prevention")?;
    let actions = vpc["statements"][0]["Action"].to_string();
    assert!(actions.contains("sagemaker:CreateModel"), "{actions}");
    Ok(())
}
