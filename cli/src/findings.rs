//! `guardrail findings list | show | summary | report ...`: what auditors ask of the finding store.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use guardrail_core::controls::ControlId;
use guardrail_core::finding::Status;
use guardrail_core::findings::Finding;
use guardrail_core::policy::Severity;
use guardrail_core::resource::ResourceKind;
use guardrail_core::store::{FindingStore, Query};
use serde::Serialize;
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

use crate::{emit, parse_severity, store, EXIT_CANNOT_RUN};

#[derive(Subcommand)]
pub enum FindingsCommand {
    /// Findings, newest first, filtered and paginated.
    List(ListArgs),
    /// One finding with its full observation history.
    Show {
        id: String,
        #[arg(long, value_enum, default_value_t = Output::Table)]
        format: Output,
        #[command(flatten)]
        store: StoreArg,
    },
    /// CloudTrail's records of the guardrail's remediation call for a finding: proof from AWS's
    /// own log that the stop or delete happened (uses the AWS credentials and region).
    Evidence {
        id: String,
        #[arg(long, value_enum, default_value_t = Output::Table)]
        format: Output,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Findings as AWS Security Finding Format or OCSF Compliance Finding documents (a JSON array).
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        #[command(flatten)]
        filters: Filters,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Once after upgrading a DynamoDB store to 0.4: puts the findings written before into the
    /// by-time index, so that listings without an account or control filter see them.
    Reindex {
        #[command(flatten)]
        store: StoreArg,
    },
    /// A compliance report auditors can read: one self-contained HTML file (summary, trend,
    /// open failures with their evidence, exemptions, the controls' documentation).
    Report {
        /// Where to write the HTML file.
        #[arg(long, value_name = "FILE")]
        output: std::path::PathBuf,
        #[command(flatten)]
        filters: Filters,
        /// The policy whose exemptions and version the report shows (default: $GUARDRAIL_POLICY,
        /// else the built-in baseline).
        #[arg(long)]
        policy: Option<std::path::PathBuf>,
        /// Also look up CloudTrail's record of each open failure's remediation call (uses the
        /// AWS credentials and region).
        #[arg(long)]
        cloudtrail: bool,
        #[command(flatten)]
        store: StoreArg,
    },
    /// Counts by control x status and by kind x status, for a period.
    Summary {
        #[command(flatten)]
        period: Period,
        #[arg(long, value_enum, default_value_t = Output::Table)]
        format: Output,
        #[command(flatten)]
        store: StoreArg,
    },
}

#[derive(Args)]
pub struct StoreArg {
    /// sqlite:PATH or dynamodb:TABLE (default: $GUARDRAIL_STORE, else sqlite:.guardrail/findings.db).
    #[arg(long)]
    pub store: Option<String>,
}

#[derive(Args)]
pub struct Period {
    /// Last seen at or after: RFC 3339 or relative (30m, 24h, 7d).
    #[arg(long)]
    since: Option<String>,
    /// Last seen before: RFC 3339 or relative.
    #[arg(long)]
    until: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Asff,
    Ocsf,
}

#[derive(Args)]
pub struct ListArgs {
    #[command(flatten)]
    filters: Filters,
    /// Findings per page.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    /// Continue from a previous page (printed at its end).
    #[arg(long)]
    page_token: Option<String>,
    #[arg(long, value_enum, default_value_t = Output::Table)]
    format: Output,
    #[command(flatten)]
    store: StoreArg,
}

#[derive(Args)]
pub struct Filters {
    /// PASS, FAIL, NOT_APPLICABLE or ERROR.
    #[arg(long, value_parser = parse_status)]
    status: Option<Status>,
    /// Control id, e.g. vpc-attached.
    #[arg(long, value_parser = parse_control)]
    control: Option<ControlId>,
    /// Resource kind, e.g. training-job.
    #[arg(long, value_parser = parse_kind)]
    kind: Option<ResourceKind>,
    /// At or above this severity.
    #[arg(long, value_parser = parse_severity)]
    severity: Option<Severity>,
    #[arg(long)]
    account: Option<String>,
    #[arg(long)]
    region: Option<String>,
    /// Resource ARN or name.
    #[arg(long)]
    resource: Option<String>,
    #[command(flatten)]
    period: Period,
}

impl Filters {
    fn query(self) -> Result<Query, String> {
        let (since, until) = self.period.resolve()?;
        Ok(Query {
            status: self.status,
            control: self.control,
            kind: self.kind,
            severity: self.severity,
            account: self.account,
            region: self.region,
            resource: self.resource,
            since,
            until,
            limit: 50,
            after: None,
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Output {
    Table,
    Json,
    Csv,
}

fn parse_control(value: &str) -> Result<ControlId, String> {
    ControlId::parse(value)
        .ok_or_else(|| format!("`{value}` is not a control ({})", ControlId::names()))
}

fn parse_kind(value: &str) -> Result<ResourceKind, String> {
    ResourceKind::parse(value).ok_or_else(|| {
        let kinds: Vec<&str> = ResourceKind::ALL.iter().map(|k| k.as_str()).collect();
        format!("`{value}` is not a resource kind ({})", kinds.join(", "))
    })
}

fn parse_status(value: &str) -> Result<Status, String> {
    Status::parse(value)
        .ok_or_else(|| format!("`{value}` is not a status (PASS, FAIL, NOT_APPLICABLE, ERROR)"))
}

/// RFC 3339 or a relative time before `now` (`30m`, `24h`, `7d`, `1h 30m`: humantime's
/// durations), as UTC to the second.
pub fn parse_time(value: &str, now: OffsetDateTime) -> Result<String, String> {
    let too_far = || format!("`{value}` reaches too far back");
    let at = match humantime::parse_duration(value) {
        Ok(ago) => Duration::try_from(ago)
            .ok()
            .and_then(|ago| now.checked_sub(ago))
            .filter(|t| t.year() >= 1)
            .ok_or_else(too_far)?,
        Err(humantime::DurationError::NumberOverflow) => return Err(too_far()),
        Err(_) => OffsetDateTime::parse(value, &Rfc3339)
            .map_err(|e| format!("`{value}` is neither RFC 3339 nor relative like 7d ({e})"))?,
    };
    at.to_offset(UtcOffset::UTC)
        .replace_nanosecond(0)
        .map_err(|e| e.to_string())?
        .format(&Rfc3339)
        .map_err(|e| e.to_string())
}

impl Period {
    fn resolve(&self) -> Result<(Option<String>, Option<String>), String> {
        let now = OffsetDateTime::now_utc();
        let since = self
            .since
            .as_deref()
            .map(|s| parse_time(s, now))
            .transpose()?;
        let until = self
            .until
            .as_deref()
            .map(|s| parse_time(s, now))
            .transpose()?;
        Ok((since, until))
    }
}

pub async fn run(command: FindingsCommand) -> ExitCode {
    let result = match command {
        FindingsCommand::List(args) => list(args).await,
        FindingsCommand::Show { id, format, store } => show(&id, format, store).await,
        FindingsCommand::Summary {
            period,
            format,
            store,
        } => summary(&period, format, store).await,
        FindingsCommand::Evidence { id, format, store } => evidence(&id, format, store).await,
        FindingsCommand::Reindex { store } => reindex(store).await,
        FindingsCommand::Report {
            output,
            filters,
            policy,
            cloudtrail,
            store,
        } => report(&output, filters, policy.as_ref(), cloudtrail, store).await,
        FindingsCommand::Export {
            format,
            filters,
            store,
        } => export(format, filters, store).await,
    };
    match result {
        Ok(text) => {
            emit(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(EXIT_CANNOT_RUN)
        }
    }
}

async fn reindex(store: StoreArg) -> Result<String, String> {
    let spec = store::spec(store.store.as_deref());
    let Some(table) = spec.strip_prefix("dynamodb:").filter(|t| !t.is_empty()) else {
        return Ok(format!("{spec}: only a DynamoDB store has the index\n"));
    };
    let client = aws_sdk_dynamodb::Client::new(&guardrail_aws::load_config().await);
    let updated = guardrail_aws::dynamodb_table::reindex(&client, table)
        .await
        .map_err(|e| e.to_string())?;
    Ok(format!("{updated} findings added to the by-time index\n"))
}

async fn list(args: ListArgs) -> Result<String, String> {
    let query = Query {
        limit: args.limit,
        after: args.page_token,
        ..args.filters.query()?
    };
    let store = store::open(args.store.store.as_deref()).await?;
    let page = store.list(&query).await.map_err(|e| e.to_string())?;
    match args.format {
        Output::Json => json(&page),
        Output::Csv => {
            let rows: Vec<Vec<String>> = page.findings.iter().map(csv_row).collect();
            crate::output::csv(&CSV_COLUMNS, &rows)
        }
        Output::Table => {
            let rows: Vec<Vec<String>> = page
                .findings
                .iter()
                .map(|f| {
                    vec![
                        f.last_seen.clone(),
                        f.status.as_str().to_string(),
                        f.severity.as_str().to_string(),
                        f.control.to_string(),
                        f.resource_kind.to_string(),
                        f.resource_name.clone(),
                        f.account.clone(),
                        f.id.clone(),
                    ]
                })
                .collect();
            let headers = [
                "LAST SEEN",
                "STATUS",
                "SEVERITY",
                "CONTROL",
                "KIND",
                "RESOURCE",
                "ACCOUNT",
                "ID",
            ];
            let mut out = crate::output::table(&headers, &rows, &[]);
            let _ = writeln!(out, "{} finding(s)", page.findings.len());
            if let Some(next) = &page.next {
                let _ = writeln!(out, "more: --page-token '{next}'");
            }
            Ok(out)
        }
    }
}

/// The columns of `findings list --format csv`.
const CSV_COLUMNS: [&str; 14] = [
    "id",
    "last_seen",
    "first_seen",
    "status",
    "severity",
    "mode",
    "control",
    "kind",
    "resource_arn",
    "account",
    "region",
    "observed",
    "expected",
    "remediation",
];

fn csv_row(f: &Finding) -> Vec<String> {
    let remediation = f.remediation.as_ref().map_or("", |r| r.result.as_str());
    [
        f.id.as_str(),
        &f.last_seen,
        &f.first_seen,
        f.status.as_str(),
        f.severity.as_str(),
        &f.mode.to_string(),
        f.control.as_str(),
        f.resource_kind.as_str(),
        &f.resource_arn,
        &f.account,
        &f.region,
        f.observed.as_deref().unwrap_or(""),
        f.expected.as_deref().unwrap_or(""),
        remediation,
    ]
    .iter()
    .map(|v| v.to_string())
    .collect()
}

fn json<T: Serialize>(value: &T) -> Result<String, String> {
    serde_json::to_string_pretty(value)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

async fn show(id: &str, format: Output, store: StoreArg) -> Result<String, String> {
    let store = store::open(store.store.as_deref()).await?;
    let Some((f, history)) = store.get(id).await.map_err(|e| e.to_string())? else {
        return Err(format!("no finding {id}"));
    };
    if format == Output::Json {
        #[derive(Serialize)]
        struct Shown<'a> {
            finding: &'a Finding,
            history: &'a [guardrail_core::findings::Observation],
        }
        return json(&Shown {
            finding: &f,
            history: &history,
        });
    }
    let mut out = String::new();
    let _ = writeln!(out, "finding     {}", f.id);
    let _ = writeln!(
        out,
        "resource    {} ({}, account {}, {})",
        f.resource_arn, f.resource_kind, f.account, f.region
    );
    let _ = writeln!(
        out,
        "control     {} — {} {} ({} mode)",
        f.control,
        f.status.as_str(),
        f.severity,
        f.mode
    );
    let _ = writeln!(out, "seen        {} .. {}", f.first_seen, f.last_seen);
    for (label, value) in [
        ("observed", f.observed.as_deref()),
        ("expected", f.expected.as_deref()),
        ("reason", f.reason.as_deref()),
        ("exemption", f.exemption.as_deref()),
        ("actor", f.actor.as_deref()),
    ] {
        if let Some(value) = value {
            let _ = writeln!(out, "{label:<11} {value}");
        }
    }
    if let Some(r) = &f.remediation {
        let _ = writeln!(
            out,
            "remediation {} {}{}{}",
            r.action.as_deref().unwrap_or("-"),
            r.result,
            r.at.as_deref()
                .map(|a| format!(" at {a}"))
                .unwrap_or_default(),
            r.error
                .as_deref()
                .map(|e| format!(" ({e})"))
                .unwrap_or_default()
        );
    }
    let _ = writeln!(
        out,
        "policy      version {}; last event {}",
        f.policy_version, f.event_id
    );
    let _ = writeln!(out, "\nhistory ({} observations)", history.len());
    let rows: Vec<Vec<String>> = history
        .iter()
        .map(|o| {
            vec![
                o.time.clone(),
                o.status.as_str().to_string(),
                o.action.as_deref().unwrap_or("-").to_string(),
                o.result.map_or("-", |r| r.as_str()).to_string(),
                o.event_id.clone(),
            ]
        })
        .collect();
    let headers = ["TIME", "STATUS", "ACTION", "RESULT", "EVENT"];
    out.push_str(&crate::output::table(&headers, &rows, &[]));
    Ok(out)
}

async fn evidence(id: &str, format: Output, store: StoreArg) -> Result<String, String> {
    let store = store::open(store.store.as_deref()).await?;
    let trail = trail().await?;
    let found = guardrail_core::evidence::evidence(&store, &trail, id)
        .await
        .map_err(|e| e.to_string())?;
    if format == Output::Json {
        return json(&found);
    }
    let f = &found.finding;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "finding     {} ({} on {})",
        f.id, f.control, f.resource_arn
    );
    let _ = writeln!(
        out,
        "guardrail   {} at {}",
        found.action,
        found
            .remediated_at
            .as_deref()
            .unwrap_or("(time not recorded)")
    );
    if found.records.is_empty() {
        let _ = writeln!(
            out,
            "cloudtrail  no {} record for {} (CloudTrail keeps 90 days; delivery can lag ~15 min)",
            found.action, f.resource_name
        );
    }
    for r in &found.records {
        let _ = writeln!(
            out,
            "cloudtrail  {}  {}  caller {}  request {}  event {}",
            r.event_time,
            r.event_name,
            r.caller_arn
                .as_deref()
                .or(r.username.as_deref())
                .unwrap_or("-"),
            r.request_id.as_deref().unwrap_or("-"),
            r.event_id
        );
    }
    Ok(out)
}

/// Every finding matching the query, all pages.
async fn all(store: &impl FindingStore, mut query: Query) -> Result<Vec<Finding>, String> {
    query.limit = 1000;
    let mut out = Vec::new();
    loop {
        let page = store.list(&query).await.map_err(|e| e.to_string())?;
        out.extend(page.findings);
        match page.next {
            Some(next) => query.after = Some(next),
            None => return Ok(out),
        }
    }
}

async fn export(format: ExportFormat, filters: Filters, store: StoreArg) -> Result<String, String> {
    let query = filters.query()?;
    let store = store::open(store.store.as_deref()).await?;
    let documents: Vec<serde_json::Value> = all(&store, query)
        .await?
        .iter()
        .map(|f| match format {
            ExportFormat::Asff => guardrail_core::export::asff(f),
            ExportFormat::Ocsf => guardrail_core::export::ocsf(f),
        })
        .collect();
    json(&documents)
}

/// Writes the auditor's report ([`guardrail_core::audit`]) of the findings the filters select,
/// each with its history.
async fn report(
    output: &std::path::Path,
    filters: Filters,
    policy: Option<&std::path::PathBuf>,
    cloudtrail: bool,
    store: StoreArg,
) -> Result<String, String> {
    use guardrail_core::audit::{AuditReport, Input};
    let policy = crate::load_policy(policy).map_err(|e| e.to_string())?;
    let mut query = filters.query()?;
    // Every finding: each is counted as it stood at the end of the period (its history says).
    let (since, until) = (query.since.take(), query.until.take());
    let store = store::open(store.store.as_deref()).await?;
    let mut findings = Vec::new();
    for finding in all(&store, query).await? {
        let history = match store.get(&finding.id).await.map_err(|e| e.to_string())? {
            Some((_, history)) => history,
            None => Vec::new(),
        };
        findings.push((finding, history));
    }
    let evidence = if cloudtrail {
        trail_records(&store, &findings).await?
    } else {
        BTreeMap::new()
    };
    let now = OffsetDateTime::now_utc();
    let generated = now
        .replace_nanosecond(0)
        .map_err(|e| e.to_string())?
        .format(&Rfc3339)
        .map_err(|e| e.to_string())?;
    let report = AuditReport::build(Input {
        findings,
        policy: &policy,
        today: now.date(),
        generated,
        since,
        until,
        evidence,
    });
    std::fs::write(output, report.html())
        .map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    Ok(format!(
        "{}: {} findings on {} resources, {} open failures\n",
        output.display(),
        report.summary.total,
        report.summary.resources,
        report.open_failures.len()
    ))
}

/// CloudTrail in each finding's own account and region: in a member account through its
/// read-only evidence role, `<MEMBER_ROLE_NAME>-evidence` (`infra/member.yaml`, trusting the
/// auditors' roles named in `EvidenceReaderArns`), with `MEMBER_EXTERNAL_ID`.
async fn trail() -> Result<guardrail_aws::PerAccount<guardrail_aws::CloudTrail>, String> {
    let mut env = guardrail_core::env::Environment::from_process();
    if let Some(role) = env.get("MEMBER_ROLE_NAME").map(|r| format!("{r}-evidence")) {
        env = env.with("MEMBER_ROLE_NAME", role);
    }
    let deployment = guardrail_aws::Deployment::connect(env, guardrail_core::Policy::baseline())
        .await
        .map_err(|e| e.to_string())?;
    Ok(guardrail_aws::PerAccount::new(deployment.fleet, |c| {
        guardrail_aws::CloudTrail::new(aws_sdk_cloudtrail::Client::new(c))
    }))
}

/// CloudTrail's records of the remediation calls of the open failures that made one, each
/// looked up in its finding's account and region; a lookup that fails (an account the member
/// role does not reach) is shown for that finding, the report goes on.
async fn trail_records(
    store: &impl FindingStore,
    findings: &[(Finding, Vec<guardrail_core::findings::Observation>)],
) -> Result<BTreeMap<String, Result<Vec<guardrail_core::ports::TrailRecord>, String>>, String> {
    use guardrail_core::evidence::EvidenceError;
    let trail = trail().await?;
    let mut records = BTreeMap::new();
    let called = |f: &Finding| f.remediation.as_ref().is_some_and(|r| r.result.called());
    for (f, _) in findings
        .iter()
        .filter(|(f, _)| f.status == Status::Fail && called(f))
    {
        let found = match guardrail_core::evidence::evidence(store, &trail, &f.id).await {
            Ok(found) => Ok(found.records),
            Err(EvidenceError::Trail(e)) => Err(e.to_string()),
            Err(other) => return Err(other.to_string()),
        };
        records.insert(f.id.clone(), found);
    }
    Ok(records)
}

#[derive(Serialize, Default)]
struct Summary {
    since: Option<String>,
    until: Option<String>,
    total: usize,
    /// control -> status -> count
    by_control: BTreeMap<String, BTreeMap<&'static str, usize>>,
    /// kind -> status -> count
    by_kind: BTreeMap<String, BTreeMap<&'static str, usize>>,
}

async fn summary(period: &Period, format: Output, store: StoreArg) -> Result<String, String> {
    let (since, until) = period.resolve()?;
    let store = store::open(store.store.as_deref()).await?;
    let query = Query {
        since: since.clone(),
        until: until.clone(),
        ..Query::default()
    };
    let mut s = Summary {
        since,
        until,
        ..Summary::default()
    };
    let counted = guardrail_core::audit::Summary::of(&all(&store, query).await?);
    s.total = counted.total;
    let statuses = |c: &guardrail_core::audit::Counts| c.by_status.clone();
    s.by_control = counted
        .by_control
        .iter()
        .map(|(k, c)| (k.clone(), statuses(c)))
        .collect();
    s.by_kind = counted
        .by_kind
        .iter()
        .map(|(k, c)| (k.clone(), statuses(c)))
        .collect();
    if format == Output::Json {
        return json(&s);
    }
    let columns = Status::ALL.map(Status::as_str);
    let mut out = String::new();
    for (title, counts) in [("control", &s.by_control), ("kind", &s.by_kind)] {
        let rows: Vec<Vec<String>> = counts
            .iter()
            .map(|(name, counts)| {
                let n = |c: &str| counts.get(c).copied().unwrap_or(0).to_string();
                std::iter::once(name.clone())
                    .chain(columns.iter().map(|c| n(c)))
                    .collect()
            })
            .collect();
        let headers: Vec<&str> = std::iter::once(title).chain(columns).collect();
        if format == Output::Csv {
            out.push_str(&crate::output::csv(&headers, &rows)?);
            out.push('\n');
            continue;
        }
        let period = format!(
            "{} .. {}",
            s.since.as_deref().unwrap_or("beginning"),
            s.until.as_deref().unwrap_or("now")
        );
        let _ = writeln!(out, "findings by {title} ({period})");
        let right: Vec<usize> = (1..headers.len()).collect();
        out.push_str(&crate::output::table(&headers, &rows, &right));
        out.push('\n');
    }
    if format != Output::Csv {
        let _ = writeln!(out, "{} finding(s)", s.total);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    /// C17: a relative time too far back is an error, not a panic.
    #[test]
    fn relative_times_beyond_the_calendar_are_errors() {
        let now = datetime!(2026-11-23 12:00:00 UTC);
        for value in ["9999999999999d", "99999999999999999h", "1000000d"] {
            let e = parse_time(value, now);
            assert!(
                e.as_ref().is_err_and(|m| m.contains("too far back")),
                "{value}: {e:?}"
            );
        }
    }

    #[test]
    fn times_are_rfc3339_or_relative_and_normalised_to_utc() {
        let now = datetime!(2026-11-23 12:00:00.5 UTC);
        assert_eq!(
            parse_time("7d", now),
            Ok("2026-11-16T12:00:00Z".to_string())
        );
        assert_eq!(
            parse_time("24h", now),
            Ok("2026-11-22T12:00:00Z".to_string())
        );
        assert_eq!(
            parse_time("30m", now),
            Ok("2026-11-23T11:30:00Z".to_string())
        );
        assert_eq!(
            parse_time("2026-11-01T10:00:00+02:00", now),
            Ok("2026-11-01T08:00:00Z".to_string())
        );
        assert!(parse_time("last week", now).is_err());
    }
}
