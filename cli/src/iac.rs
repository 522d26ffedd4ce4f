//! `guardrail iac`: judge infrastructure code before it deploys, with the policy that judges the
//! running account.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use guardrail_core::finding::Status;
use guardrail_core::iac::{self, Deployment, Judgement};
use guardrail_core::policy::Severity;
use serde::Serialize;

use crate::{emit, load_policy, EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_NOT_EVALUATED};

#[derive(clap::Args)]
pub struct IacArgs {
    /// Files or folders (searched recursively for *.yaml, *.yml, *.json and *.template):
    /// CloudFormation templates, CDK cloud assemblies (a folder with manifest.json), Terraform
    /// plans or states (`terraform show -json`), SageMaker Pipeline definitions and Step
    /// Functions state machines.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// What the files are (default: told from each file's content).
    #[arg(long = "type", value_enum)]
    input_type: Option<InputType>,
    /// The repository of a Terraform plan's `.tf` files: findings name the line of each
    /// resource block (`module.NAME.` addresses in the module's local folder).
    #[arg(long)]
    repo_root: Option<PathBuf>,
    /// For each finding, the statements of the generated preventive SCP (`guardrail scp`)
    /// that would deny the deployment's create calls, or why none can.
    #[arg(long)]
    show_scp: bool,
    /// Describe in the account what the code names and does not declare (an existing endpoint
    /// configuration or model, a Studio domain) and ask KMS who manages the keys it names,
    /// with the standard AWS credentials (read-only calls: the Describe* and kms:DescribeKey
    /// of the inspector's role).
    #[arg(long)]
    live: bool,
    /// A parameter's value at deployment (repeatable): NAME=VALUE.
    #[arg(long = "parameters", value_parser = parse_parameter)]
    parameters: Vec<(String, String)>,
    /// The account the template deploys to (ARNs, exemptions; default 123456789012).
    #[arg(long)]
    account: Option<String>,
    /// The region it deploys to (default us-east-1).
    #[arg(long)]
    region: Option<String>,
    /// Policy file (default: $GUARDRAIL_POLICY, else the built-in baseline).
    #[arg(long)]
    policy: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = IacFormat::Table)]
    format: IacFormat,
    /// Exit 1 when a finding at or above this severity exists.
    #[arg(long, value_parser = crate::parse_severity)]
    fail_on: Option<Severity>,
    /// Exit 3 when a resource cannot be read or a control cannot be evaluated.
    #[arg(long)]
    strict: bool,
}

/// How results are written.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum IacFormat {
    Table,
    Json,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML, for test reports.
    Junit,
}

/// The formats `guardrail iac` reads.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputType {
    Cloudformation,
    /// A CDK cloud assembly's manifest.json (or its folder).
    Cdk,
    /// `terraform show -json` of a plan or a state.
    Terraform,
    /// A SageMaker Pipeline definition.
    Pipeline,
    /// An Amazon States Language definition.
    StateMachine,
}

impl From<InputType> for iac::Format {
    fn from(t: InputType) -> iac::Format {
        match t {
            InputType::Cloudformation => iac::Format::CloudFormation,
            InputType::Cdk => iac::Format::Cdk,
            InputType::Terraform => iac::Format::Terraform,
            InputType::Pipeline => iac::Format::Pipeline,
            InputType::StateMachine => iac::Format::StateMachine,
        }
    }
}

/// The files a file of infrastructure code names, read from disk.
struct Disk<'a> {
    /// The folder of the file being read.
    folder: PathBuf,
    repo_root: Option<&'a Path>,
    sources: &'a mut BTreeMap<String, Vec<(String, String)>>,
}

impl iac::Files for Disk<'_> {
    fn open(&mut self, path: &str) -> Result<String, String> {
        let full = self.folder.join(path);
        std::fs::read_to_string(&full).map_err(|e| format!("{}: {e}", full.display()))
    }

    fn terraform_sources(&mut self, folder: &str) -> Vec<(String, String)> {
        let Some(root) = self.repo_root else {
            return Vec::new();
        };
        self.sources
            .entry(folder.to_string())
            .or_insert_with(|| {
                let dir = root.join(folder);
                let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                    .into_iter()
                    .flatten()
                    .flatten()
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "tf"))
                    .collect();
                files.sort();
                files
                    .into_iter()
                    .filter_map(|p| {
                        let text = std::fs::read_to_string(&p).ok()?;
                        let shown = p.display().to_string().replace("/./", "/");
                        Some((shown, text))
                    })
                    .collect()
            })
            .clone()
    }
}

fn parse_parameter(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

/// What one file gave.
#[derive(Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
enum FileResult {
    Judged(Judgement),
    /// Not a template this version reads (malformed, or no `Resources`).
    Rejected {
        error: String,
    },
    /// Found in a folder, and not infrastructure code.
    Skipped,
}

#[derive(Serialize)]
struct Row {
    file: String,
    #[serde(flatten)]
    result: FileResult,
}

pub async fn run(args: IacArgs) -> ExitCode {
    let policy = match load_policy(args.policy.as_ref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let files = match collect(&args.paths) {
        Ok(files) => files,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let deployment = Deployment {
        parameters: args.parameters.iter().cloned().collect::<BTreeMap<_, _>>(),
        account: args.account.clone(),
        region: args.region.clone(),
    };
    let live = match args.live {
        true => match guardrail_aws::Deployment::connect(
            guardrail_core::env::Environment::from_process(),
            policy.clone(),
        )
        .await
        {
            Ok(deployment) => Some(deployment.readers()),
            Err(e) => {
                eprintln!("error: --live: {e}");
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        },
        false => None,
    };
    let preventive = args.show_scp.then(|| {
        guardrail_core::preventive::generate(&policy, time::OffsetDateTime::now_utc().date())
    });
    let mut sources = BTreeMap::new();
    let mut rows: Vec<Row> = Vec::new();
    for file in &files {
        let row = {
            let name = file.display().to_string();
            let mut disk = Disk {
                folder: file.parent().map(Path::to_path_buf).unwrap_or_default(),
                repo_root: args.repo_root.as_deref(),
                sources: &mut sources,
            };
            let format = args.input_type.map(iac::Format::from);
            let result = match std::fs::read_to_string(file) {
                Err(e) => FileResult::Rejected {
                    error: format!("{name}: cannot read: {e}"),
                },
                Ok(text) => match iac::read(&name, &text, format, &deployment, &mut disk) {
                    Err(e) => FileResult::Rejected {
                        error: e.to_string(),
                    },
                    // (named: refused; found in a folder: not infrastructure code, passed over)
                    Ok(None) if args.paths.contains(file) => FileResult::Rejected {
                        error: format!("{name}:1: {}", iac::NOT_INFRASTRUCTURE),
                    },
                    Ok(None) => FileResult::Skipped,
                    Ok(Some(units)) => {
                        let mut all = Judgement::default();
                        for unit in units {
                            let deployment = Deployment {
                                account: unit.account.or_else(|| deployment.account.clone()),
                                region: unit.region.or_else(|| deployment.region.clone()),
                                ..deployment.clone()
                            };
                            let mut prepared = iac::prepare(&unit.template, &deployment);
                            if let Some(readers) = &live {
                                for p in &mut prepared.prepared {
                                    let id = &p.snapshot.id;
                                    let completed = match readers.get(&id.account, &id.region).await
                                    {
                                        Ok(reader) => reader.complete(&mut p.snapshot).await,
                                        Err(e) => Err(e),
                                    };
                                    if let Err(e) = completed {
                                        eprintln!("error: --live: {}: {e}", p.logical_id);
                                        return ExitCode::from(EXIT_CANNOT_RUN);
                                    }
                                }
                            }
                            let judged = prepared.judge(&policy);
                            all.judged.extend(judged.judged);
                            all.unreadable.extend(judged.unreadable);
                        }
                        if let Some(preventive) = &preventive {
                            for judged in &mut all.judged {
                                iac::prevention(judged, preventive);
                            }
                        }
                        FileResult::Judged(all)
                    }
                },
            };
            Row { file: name, result }
        };
        rows.push(row);
    }
    let judged: Vec<&iac::Judged> = rows
        .iter()
        .flat_map(|r| match &r.result {
            FileResult::Judged(j) => j.judged.iter().collect(),
            FileResult::Rejected { .. } | FileResult::Skipped => Vec::new(),
        })
        .collect();
    let unreadable: Vec<&iac::Unreadable> = rows
        .iter()
        .flat_map(|r| match &r.result {
            FileResult::Judged(j) => j.unreadable.iter().collect(),
            FileResult::Rejected { .. } | FileResult::Skipped => Vec::new(),
        })
        .collect();
    let rejected: Vec<(String, String)> = rows
        .iter()
        .filter_map(|r| match &r.result {
            FileResult::Rejected { error } => Some((r.file.clone(), error.clone())),
            FileResult::Judged(_) | FileResult::Skipped => None,
        })
        .collect();
    let encoded = match args.format {
        IacFormat::Table => {
            print_table(&rows);
            Ok(String::new())
        }
        IacFormat::Json => serde_json::to_string_pretty(&rows),
        IacFormat::Sarif => serde_json::to_string_pretty(&iac::sarif::sarif(
            &judged,
            &unreadable,
            &rejected,
            &policy,
        )),
        IacFormat::Junit => Ok(iac::sarif::junit(&judged, &unreadable, &rejected)),
    };
    match encoded {
        Ok(text) if !text.is_empty() => emit(&(text + "\n")),
        Ok(_) => {}
        Err(e) => {
            eprintln!("error: cannot encode results: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    }
    exit_code(&rows, &args)
}

fn exit_code(rows: &[Row], args: &IacArgs) -> ExitCode {
    let judgements = || {
        rows.iter().filter_map(|r| match &r.result {
            FileResult::Judged(j) => Some(j),
            FileResult::Rejected { .. } | FileResult::Skipped => None,
        })
    };
    if rows
        .iter()
        .any(|r| matches!(r.result, FileResult::Rejected { .. }))
    {
        return ExitCode::from(EXIT_CANNOT_RUN);
    }
    if let Some(threshold) = args.fail_on {
        let hit = judgements()
            .flat_map(|j| &j.judged)
            .any(|j| j.report.violations().any(|v| v.severity >= threshold));
        if hit {
            return ExitCode::from(EXIT_FINDINGS);
        }
    }
    let not_evaluated = judgements().any(|j| {
        !j.unreadable.is_empty()
            || j.judged
                .iter()
                .any(|r| r.report.results.iter().any(|c| c.status == Status::Error))
    });
    if args.strict && not_evaluated {
        return ExitCode::from(EXIT_NOT_EVALUATED);
    }
    ExitCode::SUCCESS
}

/// Every file of infrastructure code under the given paths, in a stable order. A CDK cloud
/// assembly is read through its top manifest: the other files of its folder (templates,
/// nested stages, `tree.json`, asset manifests) are not read on their own.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let files = crate::replay::files_under(paths, |path| {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["yaml", "yml", "json", "template"].contains(&e))
    })?;
    let mut assemblies: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.file_name().is_some_and(|n| n == "manifest.json"))
        .filter(|f| {
            std::fs::read_to_string(f)
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
                .is_some_and(|v| iac::cdk::is_manifest(&v))
        })
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .collect();
    assemblies.sort_by_key(|a| a.components().count());
    let mut tops: Vec<PathBuf> = Vec::new();
    for assembly in assemblies {
        if !tops.iter().any(|t| assembly.starts_with(t)) {
            tops.push(assembly);
        }
    }
    Ok(files
        .into_iter()
        .filter(|f| match tops.iter().find(|t| f.starts_with(t)) {
            Some(top) => *f == top.join("manifest.json"),
            None => true,
        })
        .collect())
}

fn print_table(rows: &[Row]) {
    let mut out = String::new();
    let (mut resources, mut noncompliant, mut unreadable, mut rejected) = (0, 0, 0, 0);
    let mut skipped = 0;
    for row in rows {
        match &row.result {
            FileResult::Skipped => skipped += 1,
            FileResult::Rejected { error } => {
                rejected += 1;
                let _ = writeln!(out, "{}\n  REJECTED: {error}\n", row.file);
            }
            FileResult::Judged(judgement) => {
                for judged in &judgement.judged {
                    resources += 1;
                    if judged.report.violations().next().is_some() {
                        noncompliant += 1;
                    }
                    let branch = if judged.branch.is_empty() {
                        String::new()
                    } else {
                        let fixed: Vec<String> = judged
                            .branch
                            .iter()
                            .map(|(c, v)| format!("{c}={v}"))
                            .collect();
                        format!(" (when {})", fixed.join(", "))
                    };
                    let location = match &judged.location {
                        Some(l) if *l != judged.logical_id => format!(" [{l}]"),
                        _ => String::new(),
                    };
                    let place = format!(
                        "{}:{} {}{location} ({}){branch}",
                        judged.file, judged.position.line, judged.logical_id, judged.resource_type
                    );
                    crate::replay::write_report(&mut out, &place, &judged.report, None);
                    for prevention in &judged.scp {
                        let sids: Vec<&str> = prevention
                            .statements
                            .iter()
                            .filter_map(|s| s.get("Sid").and_then(serde_json::Value::as_str))
                            .collect();
                        let said = match (sids.is_empty(), prevention.not_preventable.first()) {
                            (false, _) => format!("denied by {}", sids.join(", ")),
                            (true, Some(reason)) => format!("not preventable: {reason}"),
                            (true, None) => "no statement denies it".to_string(),
                        };
                        let _ = writeln!(out, "  SCP {}: {said}", prevention.control);
                    }
                    if !judged.scp.is_empty() {
                        out.push('\n');
                    }
                }
                for bad in &judgement.unreadable {
                    unreadable += 1;
                    let _ = writeln!(
                        out,
                        "{}:{} {}\n  CANNOT READ: {}\n",
                        bad.file, bad.position.line, bad.logical_id, bad.error
                    );
                }
            }
        }
    }
    let _ = writeln!(
        out,
        "{} files: {resources} resources judged ({noncompliant} non-compliant), {unreadable} unreadable, {rejected} rejected, {skipped} not infrastructure code",
        rows.len()
    );
    emit(&out);
}
