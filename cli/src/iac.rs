//! `guardrail iac`: judge infrastructure code before it deploys, with the policy that judges the
//! running account.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use guardrail_core::finding::Status;
use guardrail_core::iac::{self, Deployment, Judgement};
use guardrail_core::policy::Severity;
use serde::Serialize;

use crate::{emit, load_policy, EXIT_CANNOT_RUN, EXIT_FINDINGS, EXIT_NOT_EVALUATED};

#[derive(clap::Args)]
pub struct IacArgs {
    /// CloudFormation templates (YAML or JSON), or folders searched recursively for
    /// *.yaml, *.yml, *.json and *.template.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
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
}

#[derive(Serialize)]
struct Row {
    file: String,
    #[serde(flatten)]
    result: FileResult,
}

pub fn run(args: IacArgs) -> ExitCode {
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
    let rows: Vec<Row> = files
        .iter()
        .map(|file| {
            let name = file.display().to_string();
            let result = match std::fs::read_to_string(file) {
                Err(e) => FileResult::Rejected {
                    error: format!("{name}: cannot read: {e}"),
                },
                Ok(text) => match iac::cfn::parse(&name, &text) {
                    Err(e) => FileResult::Rejected {
                        error: e.to_string(),
                    },
                    Ok(template) => FileResult::Judged(iac::judge(&template, &deployment, &policy)),
                },
            };
            Row { file: name, result }
        })
        .collect();
    let judged: Vec<&iac::Judged> = rows
        .iter()
        .flat_map(|r| match &r.result {
            FileResult::Judged(j) => j.judged.iter().collect(),
            FileResult::Rejected { .. } => Vec::new(),
        })
        .collect();
    let unreadable: Vec<&iac::Unreadable> = rows
        .iter()
        .flat_map(|r| match &r.result {
            FileResult::Judged(j) => j.unreadable.iter().collect(),
            FileResult::Rejected { .. } => Vec::new(),
        })
        .collect();
    let rejected: Vec<(String, String)> = rows
        .iter()
        .filter_map(|r| match &r.result {
            FileResult::Rejected { error } => Some((r.file.clone(), error.clone())),
            FileResult::Judged(_) => None,
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
            FileResult::Rejected { .. } => None,
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

/// Every template file under the given paths, in a stable order.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    crate::replay::files_under(paths, |path| {
        path.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ["yaml", "yml", "json", "template"].contains(&e))
    })
}

fn print_table(rows: &[Row]) {
    let mut out = String::new();
    let (mut resources, mut noncompliant, mut unreadable, mut rejected) = (0, 0, 0, 0);
    for row in rows {
        match &row.result {
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
                    let place = format!(
                        "{}:{} {} ({}){branch}",
                        judged.file, judged.position.line, judged.logical_id, judged.resource_type
                    );
                    crate::replay::write_report(&mut out, &place, &judged.report, None);
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
        "{} files: {resources} resources judged ({noncompliant} non-compliant), {unreadable} unreadable, {rejected} rejected",
        rows.len()
    );
    emit(&out);
}
