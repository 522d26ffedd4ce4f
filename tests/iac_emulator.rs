//! `guardrail iac` judges a template as `guardrail scan` judges what it deploys.
//!
//! `tests/iac/templates/deployable.yaml` is deployed with CloudFormation in an empty account of
//! the emulator (its CloudFormation creates the notebooks, lifecycle configuration, models,
//! endpoint configurations and endpoints through their create calls: tests/emulator/README.md,
//! patch 32); then the `guardrail` binary scans that account and judges the template, under the
//! same policy, and each SageMaker resource must have the same result, control by control. Run
//! with tests/run.sh.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use aws_sdk_cloudformation::types::StackStatus;
use guardrail_tests::*;
use serde_json::Value;

const TEMPLATE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/iac/templates/deployable.yaml");
const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The template's SageMaker resources judged, by kind and name, and whether each is meant to
/// comply.
const RESOURCES: [(&str, &str, bool); 4] = [
    ("notebook-instance", "iac-parity-secure-notebook", true),
    ("notebook-instance", "iac-parity-open-notebook", false),
    ("endpoint", "iac-parity-secure-endpoint", true),
    ("endpoint", "iac-parity-open-endpoint", false),
];

/// The policy both commands judge with: the baseline, and no lifecycle configuration allowed
/// (so that the control applies to notebooks).
const POLICY: &str = "version = 1\n\n[controls.lifecycle-configs]\nallowed = []\n";

/// (kind, name) -> (control, status) of every control.
type Judgements = BTreeMap<(String, String), BTreeSet<(String, String)>>;

#[tokio::test]
async fn iac_and_scan_agree_on_a_deployed_template() -> TestResult {
    let start = Instant::now();
    let emulator = Emulator::connect().await?;
    let binary = guardrail_binary()?;
    eprintln!("built guardrail in {:?}", start.elapsed());

    // Given the template deployed by CloudFormation in an account of its own
    let account = unique_account();
    let config = member_fleet(true).await.config(&account, REGION).await?;
    let deployed = Instant::now();
    deploy(&aws_sdk_cloudformation::Client::new(&config), "iac-parity").await?;
    eprintln!("deployed in account {account} in {:?}", deployed.elapsed());

    let work = std::env::temp_dir().join(unique("iac-parity"));
    std::fs::create_dir_all(&work)?;
    let policy = work.join("policy.toml");
    std::fs::write(&policy, POLICY)?;
    let store = format!("sqlite:{}", work.join("findings.db").display());
    let topic = emulator
        .sns
        .create_topic()
        .name(unique("iac-parity"))
        .send()
        .await?
        .topic_arn()
        .ok_or("CreateTopic returned no ARN")?
        .to_string();

    // When the account is scanned (report only) and the template judged
    let scanned = Instant::now();
    let scan = run(
        &binary,
        &[
            "scan",
            "--audit",
            "--format",
            "json",
            "--accounts",
            &account,
            "--regions",
            REGION,
            "--policy",
            path(&policy)?,
            "--topic-arn",
            &topic,
            "--store",
            &store,
        ],
    )?;
    assert_eq!(
        scan.status.code(),
        Some(1),
        "scan: exit 1 (non-compliant resources found) expected\n{}",
        text(&scan)
    );
    let summary: Value = serde_json::from_slice(&scan.stdout)?;
    assert_eq!(summary["failures"], Value::Array(vec![]), "{summary:#}");
    let live = scan_findings(&binary, &store, &account)?;
    eprintln!("scanned in {:?}", scanned.elapsed());

    let judged = Instant::now();
    let iac = run(
        &binary,
        &[
            "iac",
            "--format",
            "json",
            "--account",
            &account,
            "--region",
            REGION,
            "--policy",
            path(&policy)?,
            TEMPLATE,
        ],
    )?;
    assert!(
        matches!(iac.status.code(), Some(0 | 1)),
        "iac: {}",
        text(&iac)
    );
    let template = iac_judgements(&serde_json::from_slice(&iac.stdout)?, &account)?;
    eprintln!("judged the template in {:?}", judged.elapsed());

    // Then both judged the template's SageMaker resources, and only them (the account is new)
    let names = |j: &Judgements| j.keys().cloned().collect::<BTreeSet<_>>();
    let expected: BTreeSet<(String, String)> = RESOURCES
        .iter()
        .map(|(kind, name, _)| (kind.to_string(), name.to_string()))
        .collect();
    assert_eq!(names(&template), expected, "judged by guardrail iac");
    assert_eq!(names(&live), expected, "judged by guardrail scan");

    // And each has the same result for every control
    let mut differences = Vec::new();
    for (key, results) in &template {
        let scanned = &live[key];
        for (control, status) in results.symmetric_difference(scanned) {
            let side = if results.contains(&(control.clone(), status.clone())) {
                "iac"
            } else {
                "scan"
            };
            differences.push(format!(
                "{} {}: {side} says {control} {status}",
                key.0, key.1
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "guardrail iac and guardrail scan differ:\n  {}",
        differences.join("\n  ")
    );

    for ((kind, name), results) in &template {
        let count = |s: &str| results.iter().filter(|(_, status)| status == s).count();
        eprintln!(
            "{kind} {name}: {} PASS, {} FAIL, {} NOT_APPLICABLE, {} ERROR in both",
            count("PASS"),
            count("FAIL"),
            count("NOT_APPLICABLE"),
            count("ERROR")
        );
    }

    // And the verdicts are the ones the template was written for (so the comparison can fail)
    for (kind, name, compliant) in RESOURCES {
        let failed: Vec<&String> = template[&(kind.to_string(), name.to_string())]
            .iter()
            .filter(|(_, status)| status == "FAIL" || status == "ERROR")
            .map(|(control, _)| control)
            .collect();
        if compliant {
            assert!(failed.is_empty(), "{name} fails {failed:?}");
        } else {
            assert!(failed.len() >= 5, "{name} fails only {failed:?}");
        }
    }
    let controls = |name: &str| -> BTreeSet<String> {
        template
            .iter()
            .filter(|((_, n), _)| n == name)
            .flat_map(|(_, results)| results.iter())
            .filter(|(_, status)| status == "FAIL")
            .map(|(control, _)| control.clone())
            .collect()
    };
    for control in [
        "volume-kms",
        "vpc-attached",
        "no-direct-internet",
        "no-root-access",
        "imds-v2",
        "supported-platform",
        "lifecycle-configs",
        "no-plaintext-secrets",
    ] {
        assert!(
            controls("iac-parity-open-notebook").contains(control),
            "the open notebook passes {control}"
        );
    }
    for control in [
        "volume-kms",
        "vpc-attached",
        "network-isolation",
        "no-ssm-access",
        "multi-instance-variants",
        "no-plaintext-secrets",
    ] {
        assert!(
            controls("iac-parity-open-endpoint").contains(control),
            "the open endpoint passes {control}"
        );
    }
    eprintln!("done in {:?}", start.elapsed());
    Ok(())
}

/// Creates the stack and waits until it is complete.
async fn deploy(cloudformation: &aws_sdk_cloudformation::Client, name: &str) -> TestResult {
    cloudformation
        .create_stack()
        .stack_name(name)
        .template_body(std::fs::read_to_string(TEMPLATE)?)
        .send()
        .await?;
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stacks = cloudformation
            .describe_stacks()
            .stack_name(name)
            .send()
            .await?;
        let stack = stacks.stacks().first().ok_or("DescribeStacks: no stack")?;
        match stack.stack_status() {
            Some(StackStatus::CreateComplete) => return Ok(()),
            Some(StackStatus::CreateInProgress) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            status => {
                let events = cloudformation
                    .describe_stack_events()
                    .stack_name(name)
                    .send()
                    .await?;
                return Err(format!(
                    "stack {name}: {status:?} ({:?})\n{events:#?}",
                    stack.stack_status_reason()
                )
                .into());
            }
        }
    }
}

/// The `guardrail` binary of this workspace, built now in this test's target directory and
/// profile (`tests/run.sh` builds the binaries after the tests: this build is the one it then
/// finds done).
fn guardrail_binary() -> TestResult<PathBuf> {
    // This test runs from <target>/<profile>/deps; the binaries are in <target>/<profile>.
    let exe = std::env::current_exe()?;
    let profile = exe
        .parent()
        .and_then(Path::parent)
        .ok_or("no target directory")?;
    let target = profile.parent().ok_or("no target directory")?;
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "--workspace", "--bins", "--locked", "--target-dir"])
        .arg(target)
        .current_dir(WORKSPACE);
    if profile.ends_with("release") {
        build.arg("--release");
    }
    let build = build.output()?;
    if !build.status.success() {
        return Err(format!("cargo build: {}", text(&build)).into());
    }
    let binary = profile.join(format!("guardrail{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        return Err(format!("{} was not built", binary.display()).into());
    }
    Ok(binary)
}

/// Runs the CLI with the member role the scan reaches the test's account through.
fn run(binary: &Path, args: &[&str]) -> TestResult<Output> {
    Ok(Command::new(binary)
        .args(args)
        .env("MEMBER_ROLE_NAME", MEMBER_ROLE)
        .env("MEMBER_EXTERNAL_ID", EXTERNAL_ID)
        .env_remove("GUARDRAIL_STORE")
        .output()?)
}

fn path(p: &Path) -> TestResult<&str> {
    Ok(p.to_str().ok_or("a path that is not UTF-8")?)
}

fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every finding the scan recorded in `account`, read back with `guardrail findings list`.
fn scan_findings(binary: &Path, store: &str, account: &str) -> TestResult<Judgements> {
    let mut judgements = Judgements::new();
    let mut token: Option<String> = None;
    loop {
        let mut args = vec![
            "findings",
            "list",
            "--store",
            store,
            "--account",
            account,
            "--limit",
            "500",
            "--format",
            "json",
        ];
        if let Some(token) = &token {
            args.extend(["--page-token", token]);
        }
        let output = run(binary, &args)?;
        if !output.status.success() {
            return Err(format!("findings list: {}", text(&output)).into());
        }
        let page: Value = serde_json::from_slice(&output.stdout)?;
        for f in page["findings"].as_array().ok_or("no findings")? {
            let field = |name: &str| f[name].as_str().unwrap_or_default().to_string();
            assert_eq!(
                field("resource_arn"),
                format!(
                    "arn:aws:sagemaker:{REGION}:{account}:{}/{}",
                    field("resource_kind"),
                    field("resource_name")
                )
            );
            judgements
                .entry((field("resource_kind"), field("resource_name")))
                .or_default()
                .insert((field("control"), field("status")));
        }
        match page["next"].as_str() {
            Some(next) => token = Some(next.to_string()),
            None => return Ok(judgements),
        }
    }
}

/// The judgements of `guardrail iac --format json`, each resource's ARN checked to be the one it
/// has once deployed in `account`.
fn iac_judgements(rows: &Value, account: &str) -> TestResult<Judgements> {
    let mut judgements = Judgements::new();
    for row in rows.as_array().ok_or("iac: not a list")? {
        assert_eq!(row["unreadable"], Value::Array(vec![]), "{row:#}");
        for judged in row["judged"].as_array().ok_or("iac: no judged")? {
            assert!(judged["branch"].is_null(), "no conditions: {judged:#}");
            let resource = &judged["report"]["resource"];
            let kind = resource["kind"].as_str().unwrap_or_default().to_string();
            let name = resource["name"].as_str().unwrap_or_default().to_string();
            assert_eq!(
                resource["arn"].as_str(),
                Some(format!("arn:aws:sagemaker:{REGION}:{account}:{kind}/{name}").as_str()),
                "{judged:#}"
            );
            let results = judged["report"]["results"]
                .as_array()
                .ok_or("iac: no results")?
                .iter()
                .map(|r| {
                    let field = |name: &str| r[name].as_str().unwrap_or_default().to_string();
                    (field("control"), field("status"))
                })
                .collect();
            let previous = judgements.insert((kind, name), results);
            assert!(previous.is_none(), "judged twice: {judged:#}");
        }
    }
    Ok(judgements)
}

/// `guardrail iac --live`: the models a template's endpoints use and it does not declare are
/// described in the account (offline they cannot be evaluated).
#[tokio::test]
async fn iac_live_describes_what_the_template_does_not_declare() -> TestResult {
    let emulator = Emulator::connect().await?;
    let binary = guardrail_binary()?;
    let (open, isolated) = (unique("iac-live-open"), unique("iac-live-isolated"));
    create_model(&emulator, &open, Posture::NonCompliant).await?;
    create_model(&emulator, &isolated, Posture::Compliant).await?;
    let endpoint = |id: &str, model: &str| {
        format!(
            "  {id}Config:\n    Type: AWS::SageMaker::EndpointConfig\n    Properties:\n      EndpointConfigName: {model}-config\n      ProductionVariants:\n        - VariantName: main\n          ModelName: {model}\n          InitialInstanceCount: 2\n          InstanceType: ml.m5.large\n  {id}:\n    Type: AWS::SageMaker::Endpoint\n    Properties:\n      EndpointName: {model}\n      EndpointConfigName: !GetAtt {id}Config.EndpointConfigName\n"
        )
    };
    let work = std::env::temp_dir().join(unique("iac-live"));
    std::fs::create_dir_all(&work)?;
    let template = work.join("endpoints.yaml");
    let body = format!(
        "Resources:\n{}{}",
        endpoint("Open", &open),
        endpoint("Isolated", &isolated)
    );
    std::fs::write(&template, body)?;
    let isolation = |live: bool| -> TestResult<BTreeMap<String, String>> {
        let mut args = vec!["iac", "--format", "json", path(&template)?];
        if live {
            args.insert(1, "--live");
        }
        let out = run(&binary, &args)?;
        assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
        let rows: Value = serde_json::from_slice(&out.stdout)?;
        let mut statuses = BTreeMap::new();
        for judged in rows[0]["judged"].as_array().ok_or("no judged")? {
            let name = judged["report"]["resource"]["name"]
                .as_str()
                .unwrap_or_default();
            let results = judged["report"]["results"].as_array().ok_or("no results")?;
            let status = results
                .iter()
                .find(|r| r["control"] == "network-isolation")
                .and_then(|r| r["status"].as_str())
                .unwrap_or_default();
            statuses.insert(name.to_string(), status.to_string());
        }
        Ok(statuses)
    };
    let offline = isolation(false)?;
    assert_eq!(
        offline.get(&open).map(String::as_str),
        Some("ERROR"),
        "{offline:?}"
    );
    assert_eq!(
        offline.get(&isolated).map(String::as_str),
        Some("ERROR"),
        "{offline:?}"
    );
    let live = isolation(true)?;
    assert_eq!(
        live.get(&open).map(String::as_str),
        Some("FAIL"),
        "{live:?}"
    );
    assert_eq!(
        live.get(&isolated).map(String::as_str),
        Some("PASS"),
        "{live:?}"
    );
    let _ = std::fs::remove_dir_all(&work);
    Ok(())
}
