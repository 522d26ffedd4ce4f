//! `guardrail preventive`: the policy as an SCP that denies non-compliant create calls.

use std::path::PathBuf;
use std::process::ExitCode;

use guardrail_core::preventive;

use crate::{emit, EXIT_CANNOT_RUN};

#[derive(clap::Args)]
pub struct PreventiveArgs {
    /// Policy file (default: $GUARDRAIL_POLICY, else the built-in baseline).
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Write the document here instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// Apply the exemptions valid on this day (YYYY-MM-DD; default today).
    #[arg(long, value_parser = parse_date)]
    on: Option<time::Date>,
}

fn parse_date(value: &str) -> Result<time::Date, String> {
    time::Date::parse(
        value,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|e| format!("`{value}` is not a YYYY-MM-DD date: {e}"))
}

/// Prints the document as compact JSON (every character, whitespace included, counts against the
/// SCP size limit) and, on standard error, what it leaves to the detective control.
pub fn run(args: PreventiveArgs) -> ExitCode {
    let policy = match crate::load_policy(args.policy.as_ref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    let day = args
        .on
        .unwrap_or_else(|| time::OffsetDateTime::now_utc().date());
    let generated = preventive::generate(&policy, day);
    let text = match serde_json::to_string(&generated.document) {
        Ok(t) => t + "\n",
        Err(e) => {
            eprintln!("error: cannot encode the document: {e}");
            return ExitCode::from(EXIT_CANNOT_RUN);
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        }
        None => emit(&text),
    }
    for gap in &generated.not_preventable {
        let control = gap.control.map_or("document", |c| c.as_str());
        eprintln!(
            "not preventable: {control} on {}: {}",
            gap.action, gap.reason
        );
    }
    ExitCode::SUCCESS
}
