//! `guardrail replay`: run events through the guardrail offline or live, print the findings.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use guardrail_core::event::{self, Parsed};
use guardrail_core::event_config::OfflineError;
use guardrail_core::finding::Status;
use guardrail_core::findings;
use guardrail_core::inspector::replay_offline;
use guardrail_core::remediation::Plan;
use guardrail_core::report::Report;
use guardrail_core::store::{Evaluation, FindingStore};
use guardrail_core::{Outcome, Policy};
use serde::Serialize;

use crate::store::AnyStore;

use crate::{
    emit, load_policy, store, Format, ReplayArgs, EXIT_CANNOT_RUN, EXIT_FINDINGS,
    EXIT_NOT_EVALUATED,
};

/// What happened to one event file.
#[derive(Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
enum Item {
    Evaluated {
        report: Box<Report>,
        #[serde(skip_serializing_if = "Option::is_none")]
        alert_message_id: Option<String>,
    },
    Ignored {
        reason: String,
    },
    /// Offline replay of an event that does not carry the configuration.
    NeedsLive {
        reason: String,
    },
    /// The resource no longer exists (live).
    Gone {
        arn: String,
    },
    /// Malformed event.
    Rejected {
        error: String,
    },
    /// A live call failed (the Lambda would return an error and be retried).
    Failed {
        error: String,
    },
}

#[derive(Serialize)]
struct Row {
    file: String,
    #[serde(flatten)]
    item: Item,
}

pub async fn run(args: ReplayArgs) -> ExitCode {
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
    let store = match store::open(args.store.store.as_deref()).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let rows = if args.live {
        live(&args, policy, store, &files).await
    } else {
        let rows: Vec<Row> = files.iter().map(|f| offline(f, &policy)).collect();
        record_offline(&store, &rows).await.map(|()| rows)
    };
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    match args.format {
        Format::Table => print_table(&rows),
        Format::Json => match serde_json::to_string_pretty(&rows) {
            Ok(text) => emit(&(text + "\n")),
            Err(e) => {
                eprintln!("error: cannot encode results: {e}");
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        },
    }
    exit_code(&rows, &args)
}

fn exit_code(rows: &[Row], args: &ReplayArgs) -> ExitCode {
    let items = || rows.iter().map(|r| &r.item);
    if items().any(|i| matches!(i, Item::Failed { .. })) {
        return ExitCode::from(EXIT_CANNOT_RUN);
    }
    if let Some(threshold) = args.fail_on {
        let hit = items().any(|i| match i {
            // Non-compliance only: what could not be evaluated is --strict's business.
            Item::Evaluated { report, .. } => report.violations().any(|v| v.severity >= threshold),
            _ => false,
        });
        if hit {
            return ExitCode::from(EXIT_FINDINGS);
        }
    }
    let not_evaluated = items().any(|i| match i {
        Item::Rejected { .. } | Item::NeedsLive { .. } => true,
        Item::Evaluated { report, .. } => report.results.iter().any(|r| r.status == Status::Error),
        _ => false,
    });
    if args.strict && not_evaluated {
        return ExitCode::from(EXIT_NOT_EVALUATED);
    }
    ExitCode::SUCCESS
}

/// Every `.json` file under the given paths, in a stable order.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    files_under(paths, |p| p.extension().is_some_and(|e| e == "json"))
}

/// Every file under `paths` that `keep` takes (a path named itself is always taken), folders
/// searched recursively, in a stable order.
pub(crate) fn files_under(
    paths: &[PathBuf],
    keep: fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, String> {
    fn walk(path: &Path, keep: fn(&Path) -> bool, out: &mut Vec<PathBuf>) -> Result<(), String> {
        let meta = std::fs::metadata(path).map_err(|e| format!("{}: {e}", path.display()))?;
        if meta.is_file() {
            out.push(path.to_path_buf());
            return Ok(());
        }
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut children = Vec::new();
        for entry in entries {
            children.push(
                entry
                    .map_err(|e| format!("{}: {e}", path.display()))?
                    .path(),
            );
        }
        children.sort();
        for child in children {
            if child.is_dir() || keep(&child) {
                walk(&child, keep, out)?;
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    for p in paths {
        walk(p, keep, &mut out)?;
    }
    Ok(out)
}

fn row(file: &Path, item: Item) -> Row {
    Row {
        file: file.display().to_string(),
        item,
    }
}

fn offline(file: &Path, policy: &Policy) -> Row {
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            return row(
                file,
                Item::Rejected {
                    error: format!("cannot read: {e}"),
                },
            )
        }
    };
    let item = match event::parse_bytes(&bytes) {
        Err(e) => Item::Rejected {
            error: e.to_string(),
        },
        Ok(Parsed::Ignore { reason, .. }) => Item::Ignored { reason },
        Ok(Parsed::Inspect(trigger)) => match replay_offline(&trigger, policy) {
            Ok(report) => Item::Evaluated {
                report: Box::new(report),
                alert_message_id: None,
            },
            Err(e @ OfflineError::NotCarried(_)) => Item::NeedsLive {
                reason: e.to_string(),
            },
            Err(e @ OfflineError::Field { .. }) => Item::Rejected {
                error: e.to_string(),
            },
        },
    };
    row(file, item)
}

/// Stores the findings of an offline replay, so `guardrail findings` can answer from them.
async fn record_offline(store: &AnyStore, rows: &[Row]) -> Result<(), String> {
    for row in rows {
        if let Item::Evaluated { report, .. } = &row.item {
            let (findings, observations) = findings::from_report(report);
            store
                .record(&Evaluation::of(&findings, &observations))
                .await
                .map_err(|e| format!("{}: {e}", row.file))?;
        }
    }
    Ok(())
}

async fn live(
    args: &ReplayArgs,
    policy: Policy,
    store: AnyStore,
    files: &[PathBuf],
) -> Result<Vec<Row>, String> {
    let (inspector, _fleet) =
        crate::live_inspector("--live", args.topic_arn.as_deref(), store, policy).await?;
    let mut rows = Vec::with_capacity(files.len());
    for file in files {
        let value = match std::fs::read(file)
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|b| {
                serde_json::from_slice(&b).map_err(|e| format!("event is not valid JSON: {e}"))
            }) {
            Ok(v) => v,
            Err(error) => {
                rows.push(row(file, Item::Rejected { error }));
                continue;
            }
        };
        let item = match inspector.handle(&value).await {
            Ok(Outcome::Evaluated {
                report,
                alert_message_id,
            }) => Item::Evaluated {
                report,
                alert_message_id,
            },
            Ok(Outcome::Ignored { reason, .. }) => Item::Ignored { reason },
            Ok(Outcome::Rejected { error, .. }) => Item::Rejected { error },
            Ok(Outcome::Gone { arn, .. }) => Item::Gone { arn },
            Err(e) => Item::Failed {
                error: e.to_string(),
            },
        };
        rows.push(row(file, item));
    }
    Ok(rows)
}

fn print_table(rows: &[Row]) {
    let mut out = String::new();
    let (mut evaluated, mut noncompliant, mut ignored, mut needs_live, mut rejected, mut other) =
        (0, 0, 0, 0, 0, 0);
    for r in rows {
        let file = &r.file;
        match &r.item {
            Item::Evaluated {
                report,
                alert_message_id,
            } => {
                evaluated += 1;
                if report.violations().next().is_some() {
                    noncompliant += 1;
                }
                write_report(&mut out, file, report, alert_message_id.as_deref());
            }
            Item::Ignored { reason } => {
                ignored += 1;
                let _ = writeln!(out, "{file}\n  ignored: {reason}\n");
            }
            Item::NeedsLive { reason } => {
                needs_live += 1;
                let _ = writeln!(out, "{file}\n  not evaluated: {reason}\n");
            }
            Item::Gone { arn } => {
                other += 1;
                let _ = writeln!(out, "{file}\n  resource no longer exists: {arn}\n");
            }
            Item::Rejected { error } => {
                rejected += 1;
                let _ = writeln!(out, "{file}\n  REJECTED: {error}\n");
            }
            Item::Failed { error } => {
                other += 1;
                let _ = writeln!(out, "{file}\n  FAILED: {error}\n");
            }
        }
    }
    let _ = writeln!(
        out,
        "{} events: {evaluated} evaluated ({noncompliant} non-compliant), {ignored} ignored, {needs_live} need --live, {rejected} rejected{}",
        rows.len(),
        if other > 0 { format!(", {other} other") } else { String::new() }
    );
    emit(&out);
}

pub(crate) fn write_report(
    out: &mut String,
    file: &str,
    report: &Report,
    alert_message_id: Option<&str>,
) {
    let r = &report.resource;
    let _ = writeln!(out, "{file}");
    let _ = writeln!(
        out,
        "  {} {} {} ({}, event {})",
        report.event.cause.label(),
        r.kind,
        r.name,
        r.status.as_deref().unwrap_or("status not reported"),
        report.event.id
    );
    let action = match &report.remediation.plan {
        Plan::Act { action } | Plan::Defer { action, .. } => format!(" [{}]", action.as_str()),
        Plan::AuditOnly { would } | Plan::Disabled { would } => {
            format!(" [{} in enforce mode]", would.as_str())
        }
        _ => String::new(),
    };
    let _ = writeln!(out, "  action: {}{action}", report.remediation.phrase());
    let mut passed = Vec::new();
    let mut not_applicable = Vec::new();
    // Controls that could not be evaluated, grouped by reason.
    let mut errors: Vec<(&str, Vec<&str>)> = Vec::new();
    for c in &report.results {
        match c.status {
            Status::Pass => passed.push(c.control.as_str()),
            Status::NotApplicable => not_applicable.push(c.control.as_str()),
            Status::Fail => {
                let exempt = c
                    .exemption
                    .as_ref()
                    .map(|e| format!(" (exempt until {}: {})", e.expires, e.reason))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  FAIL  {:<8} {:<7} {:<27} {} | expected {}{exempt}",
                    c.severity.as_str(),
                    c.mode.to_string(),
                    c.control.as_str(),
                    c.observed.as_deref().unwrap_or("-"),
                    c.expected.as_deref().unwrap_or("-"),
                );
            }
            Status::Error => {
                let reason = c.reason.as_deref().unwrap_or("-");
                match errors.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, controls)) => controls.push(c.control.as_str()),
                    None => errors.push((reason, vec![c.control.as_str()])),
                }
            }
        }
    }
    for (reason, controls) in errors {
        let _ = writeln!(
            out,
            "  ERROR cannot evaluate {}: {reason}",
            controls.join(", ")
        );
    }
    if !passed.is_empty() {
        let _ = writeln!(out, "  pass: {}", passed.join(", "));
    }
    if !not_applicable.is_empty() {
        let _ = writeln!(out, "  not applicable: {}", not_applicable.join(", "));
    }
    if let Some(id) = alert_message_id {
        let _ = writeln!(out, "  alert: SNS message {id}");
    }
    let _ = writeln!(out);
}
