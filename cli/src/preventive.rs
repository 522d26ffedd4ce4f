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
    /// Write the document here instead of standard output (one compact document per line); when
    /// the statements need several SCPs, the second goes to FILE-2.json, and so on.
    #[arg(long, value_name = "FILE")]
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
    let mut texts = Vec::new();
    for scp in &generated.scps {
        match serde_json::to_string(scp) {
            Ok(t) => texts.push(t + "\n"),
            Err(e) => {
                eprintln!("error: cannot encode the document: {e}");
                return ExitCode::from(EXIT_CANNOT_RUN);
            }
        }
    }
    match &args.output {
        Some(path) => {
            for (i, text) in texts.iter().enumerate() {
                let path = numbered(path, i);
                if let Err(e) = std::fs::write(&path, text) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return ExitCode::from(EXIT_CANNOT_RUN);
                }
            }
        }
        None => emit(&texts.concat()),
    }
    if texts.len() > 1 {
        eprintln!(
            "{} SCPs (at most {} characters each): attach all of them to the same target",
            texts.len(),
            preventive::SCP_MAX_CHARS
        );
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

/// The file of the `index`th SCP (from 0): `path` itself, then `scp-2.json`, `scp-3.json`...
fn numbered(path: &std::path::Path, index: usize) -> PathBuf {
    if index == 0 {
        return path.to_path_buf();
    }
    let stem = path
        .file_stem()
        .map_or_else(Default::default, |s| s.to_string_lossy());
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{}.{}", index + 1, ext.to_string_lossy()),
        None => format!("{stem}-{}", index + 1),
    };
    path.with_file_name(name)
}
