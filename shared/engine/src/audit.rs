//! The auditor's report: one self-contained HTML page (no script, font or stylesheet from
//! anywhere: it opens on an air-gapped laptop) built from the stored findings and their history.
//! Pure: [`AuditReport::build`] counts, [`AuditReport::html`] renders.
//!
//! It holds a summary an auditor can paste (resources evaluated, compliant share by control, by
//! kind and by account), the trend over the period from the stored observations (compliance per
//! day, violations opened and contained, as inline SVG), the open failures with their evidence,
//! remediation (and CloudTrail's record of it, when looked up) and actor, the exemptions in force and those expiring within 30 days, and the
//! policy version with every control's documentation, linked from each finding.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use time::Date;

use crate::controls::{ControlDoc, ControlId};
use crate::finding::Status;
use crate::findings::{Finding, Observation};
use crate::policy::{Exemption, Policy};
use crate::ports::TrailRecord;
use crate::report::Phase;

/// Counts by status, and the compliant share of the judged ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Counts {
    /// status -> count (`PASS`, `FAIL`, `NOT_APPLICABLE`, `ERROR`)
    pub by_status: BTreeMap<&'static str, usize>,
}

impl Counts {
    fn add(&mut self, status: Status) {
        *self.by_status.entry(status.as_str()).or_default() += 1;
    }

    pub fn get(&self, status: Status) -> usize {
        self.by_status.get(status.as_str()).copied().unwrap_or(0)
    }

    /// Passed among those judged (not applicable left out); `None` when none was judged.
    pub fn compliant_share(&self) -> Option<f64> {
        let judged = self.get(Status::Pass) + self.get(Status::Fail) + self.get(Status::Error);
        (judged > 0).then(|| self.get(Status::Pass) as f64 / judged as f64)
    }
}

/// The findings' counts: in all, by control, by kind and by account.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    pub total: usize,
    pub resources: usize,
    pub by_control: BTreeMap<String, Counts>,
    pub by_kind: BTreeMap<String, Counts>,
    pub by_account: BTreeMap<String, Counts>,
}

impl Summary {
    /// Counts `findings` (the same counts `guardrail findings summary` prints).
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        let mut resources = BTreeSet::new();
        for f in findings {
            s.total += 1;
            resources.insert(f.resource_arn.as_str());
            s.by_control
                .entry(f.control.to_string())
                .or_default()
                .add(f.status);
            s.by_kind
                .entry(f.resource_kind.to_string())
                .or_default()
                .add(f.status);
            s.by_account
                .entry(f.account.clone())
                .or_default()
                .add(f.status);
        }
        s.resources = resources.len();
        s
    }
}

/// One day of the trend.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// The day's last status of each finding observed that day.
    pub counts: Counts,
    /// Failures that day whose finding was not failing before.
    pub opened: usize,
    /// Containments that day (stopped, deleted, apps deleted, rolled back, already inactive).
    pub contained: usize,
}

/// The report's content.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditReport {
    pub generated: String,
    pub since: Option<String>,
    pub until: Option<String>,
    pub policy_source: String,
    pub policy_version: String,
    /// The policy versions the findings were judged under.
    pub judged_under: Vec<String>,
    pub summary: Summary,
    pub trend: Vec<Day>,
    /// Failures not exempted, most severe first, with their history.
    pub open_failures: Vec<(Finding, Vec<Observation>)>,
    /// Failures an exemption covers (counted as FAIL in the summary, not listed as open).
    pub exempted: usize,
    pub exemptions: Vec<Exemption>,
    /// Those of `exemptions` that expire within 30 days.
    pub expiring: Vec<Exemption>,
    pub controls: Vec<(ControlId, ControlDoc)>,
    /// CloudTrail's records of the remediation calls, by finding id, when they were looked up
    /// (`Err`: why they could not be, say the finding's account cannot be reached).
    pub evidence: BTreeMap<String, Result<Vec<TrailRecord>, String>>,
}

/// What the report is built from.
pub struct Input<'a> {
    pub findings: Vec<(Finding, Vec<Observation>)>,
    pub policy: &'a Policy,
    pub today: Date,
    pub generated: String,
    pub since: Option<String>,
    pub until: Option<String>,
    /// CloudTrail's records of the remediation calls, by finding id (empty: not looked up).
    pub evidence: BTreeMap<String, Result<Vec<TrailRecord>, String>>,
}

impl AuditReport {
    pub fn build(input: Input<'_>) -> AuditReport {
        let Input {
            findings,
            policy,
            today,
            generated,
            since,
            until,
            evidence,
        } = input;
        let findings = as_of(findings, until.as_deref());
        let summary = Summary::of(findings.iter().map(|(f, _)| f));
        let trend = trend(&findings, since.as_deref(), until.as_deref());
        let mut judged_under: Vec<String> = findings
            .iter()
            .map(|(f, _)| f.policy_version.clone())
            .collect();
        judged_under.sort();
        judged_under.dedup();
        let exempted = findings
            .iter()
            .filter(|(f, _)| f.status == Status::Fail && f.exemption.is_some())
            .count();
        let mut open_failures: Vec<(Finding, Vec<Observation>)> = findings
            .into_iter()
            .filter(|(f, _)| f.status == Status::Fail && f.exemption.is_none())
            .collect();
        open_failures.sort_by(|(a, _), (b, _)| {
            (b.severity, &b.last_seen, &a.id).cmp(&(a.severity, &a.last_seen, &b.id))
        });
        let exemptions: Vec<Exemption> = policy
            .exemptions_in_force(today)
            .into_iter()
            .cloned()
            .collect();
        let expiring = exemptions
            .iter()
            .filter(|e| (e.expires - today).whole_days() <= 30)
            .cloned()
            .collect();
        AuditReport {
            generated,
            since,
            until,
            policy_source: policy.source.clone(),
            policy_version: policy.version.clone(),
            judged_under,
            summary,
            trend,
            open_failures,
            exempted,
            exemptions,
            expiring,
            controls: ControlId::all().map(|id| (id, id.doc())).collect(),
            evidence,
        }
    }
}

/// The findings as they stood at `until` (the end of the period): each with the status of its
/// last observation before then, less those not observed before then. Without an end, as stored.
fn as_of(
    findings: Vec<(Finding, Vec<Observation>)>,
    until: Option<&str>,
) -> Vec<(Finding, Vec<Observation>)> {
    let Some(until) = until else {
        return findings;
    };
    findings
        .into_iter()
        .filter_map(|(mut f, history)| {
            let last = history
                .iter()
                .filter(|o| o.time.as_str() < until)
                .max_by(|a, b| a.time.cmp(&b.time))?;
            if last.time != f.last_seen {
                f.status = last.status;
                f.last_seen = last.time.clone();
            }
            Some((f, history))
        })
        .collect()
}

/// The trend per day, from every finding's observations within the period.
fn trend(
    findings: &[(Finding, Vec<Observation>)],
    since: Option<&str>,
    until: Option<&str>,
) -> Vec<Day> {
    let mut days: BTreeMap<String, Day> = BTreeMap::new();
    let within = |t: &str| since.is_none_or(|s| t >= s) && until.is_none_or(|u| t < u);
    for (_, history) in findings {
        let mut history: Vec<&Observation> = history.iter().collect();
        history.sort_by(|a, b| a.time.cmp(&b.time));
        let mut last_per_day: BTreeMap<String, Status> = BTreeMap::new();
        let mut before: Option<Status> = None;
        let mut was_contained = false;
        for o in history {
            let contained = o.result.is_some_and(|r| r.phase() == Phase::Contained);
            let date: String = o.time.chars().take(10).collect();
            if within(&o.time) {
                let day = days.entry(date.clone()).or_insert_with(|| Day {
                    date: date.clone(),
                    ..Day::default()
                });
                if o.status == Status::Fail && before != Some(Status::Fail) {
                    day.opened += 1;
                }
                if contained && !was_contained {
                    day.contained += 1;
                }
                last_per_day.insert(date, o.status);
            }
            before = Some(o.status);
            was_contained = contained && o.status == Status::Fail;
        }
        for (date, status) in last_per_day {
            if let Some(day) = days.get_mut(&date) {
                day.counts.add(status);
            }
        }
    }
    days.into_values().collect()
}

/// Text safe inside HTML (element content and quoted attributes): names, tags and observed
/// values come from whoever created the resource.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem;color:#1b1f24;max-width:72rem}\
h1{font-size:1.6rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #d0d7de}\
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere;min-width:4.5rem;max-width:24rem}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.fail{color:#cf222e}.pass{color:#1a7f37}\
dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}\
.muted{color:#57606a}svg{border:1px solid #d0d7de;background:#fff}";

impl AuditReport {
    /// The page: self-contained, with inline CSS and SVG and no script.
    pub fn html(&self) -> String {
        let mut out = String::new();
        let period = format!(
            "{} .. {}",
            self.since.as_deref().unwrap_or("beginning"),
            self.until.as_deref().unwrap_or(&self.generated)
        );
        let _ = write!(
            out,
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>SageMaker guardrail compliance report</title><style>{STYLE}</style></head><body>\
             <h1>SageMaker guardrail compliance report</h1>\
             <p class=\"muted\">Period {} (each finding as it stood at its end). Generated {}. \
             Exemptions and controls of policy {} (version <code>{}</code>); findings judged under \
             version(s) <code>{}</code>.</p>",
            escape(&period),
            escape(&self.generated),
            escape(&self.policy_source),
            escape(&self.policy_version),
            escape(&self.judged_under.join(", "))
        );
        self.summary_html(&mut out);
        self.trend_html(&mut out);
        self.failures_html(&mut out);
        self.exemptions_html(&mut out);
        self.controls_html(&mut out);
        out.push_str("</body></html>\n");
        out
    }

    fn summary_html(&self, out: &mut String) {
        let s = &self.summary;
        let all = s.by_control.values().fold(Counts::default(), |mut all, c| {
            for (status, n) in &c.by_status {
                *all.by_status.entry(status).or_default() += n;
            }
            all
        });
        let _ = write!(
            out,
            "<h2 id=\"summary\">Summary</h2><dl>\
             <dt>Resources evaluated</dt><dd id=\"resources\">{}</dd>\
             <dt>Findings</dt><dd id=\"total\">{}</dd>\
             <dt>Compliant</dt><dd id=\"compliant\">{}</dd></dl>",
            s.resources,
            s.total,
            share(all.compliant_share())
        );
        for (title, id, rows) in [
            ("By control", "by-control", &s.by_control),
            ("By kind", "by-kind", &s.by_kind),
            ("By account", "by-account", &s.by_account),
        ] {
            counts_table(out, title, id, rows);
        }
    }

    fn trend_html(&self, out: &mut String) {
        out.push_str("<h2 id=\"trend\">Trend</h2>");
        if self.trend.is_empty() {
            out.push_str("<p class=\"muted\">No observation in the period.</p>");
            return;
        }
        let shares: Vec<Option<f64>> = self
            .trend
            .iter()
            .map(|d| d.counts.compliant_share())
            .collect();
        out.push_str("<h3>Compliance per day</h3>");
        out.push_str(&line_chart(&shares, &self.trend));
        out.push_str("<h3>Violations opened and contained per day</h3>");
        out.push_str(&bar_chart(&self.trend));
        out.push_str(
            "<table id=\"trend-table\"><tr><th>Day</th><th>Compliant</th><th>Opened</th><th>Contained</th></tr>",
        );
        for (day, share_of_day) in self.trend.iter().zip(&shares) {
            let _ = write!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                escape(&day.date),
                share(*share_of_day),
                day.opened,
                day.contained
            );
        }
        out.push_str("</table>");
    }

    fn failures_html(&self, out: &mut String) {
        let _ = write!(
            out,
            "<h2 id=\"failures\">Open failures ({})</h2><p class=\"muted\">Failures in the \
             summary: {}; of them {} covered by an exemption (below), not listed here.</p>",
            self.open_failures.len(),
            self.open_failures.len() + self.exempted,
            self.exempted
        );
        if self.open_failures.is_empty() {
            out.push_str("<p class=\"pass\">None.</p>");
            return;
        }
        out.push_str(
            "<table id=\"failures-table\"><tr><th>Severity</th><th>Control</th><th>Resource</th>\
             <th>Observed</th><th>Expected</th><th>Remediation</th><th>Actor</th>\
             <th>First seen</th><th>Last seen</th></tr>",
        );
        for (f, history) in &self.open_failures {
            let remediation = f.remediation.as_ref().map_or_else(String::new, |r| {
                let action = r.action.as_deref().unwrap_or("-");
                let at =
                    r.at.as_deref()
                        .map(|a| format!(" at {a}"))
                        .unwrap_or_default();
                format!("{action} {}{at}", r.result)
            });
            let mut remediation = escape(&remediation);
            if let Some(Err(why)) = self.evidence.get(&f.id) {
                let _ = write!(
                    remediation,
                    "<br><span class=\"muted\">CloudTrail not looked up: {}</span>",
                    escape(why)
                );
            }
            for record in self
                .evidence
                .get(&f.id)
                .and_then(|e| e.as_ref().ok())
                .into_iter()
                .flatten()
            {
                let caller = record.caller_arn.as_deref().or(record.username.as_deref());
                let _ = write!(
                    remediation,
                    "<br><span class=\"muted\">CloudTrail: {} at {} by {} (request {})</span>",
                    escape(&record.event_name),
                    escape(&record.event_time),
                    escape(caller.unwrap_or("-")),
                    escape(record.request_id.as_deref().unwrap_or("-"))
                );
            }
            let _ = write!(
                out,
                "<tr><td class=\"fail\">{}</td><td><a href=\"#control-{}\">{}</a></td>\
                 <td>{}<br><span class=\"muted\">{} in {} ({} observations)</span></td>\
                 <td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(f.severity.as_str()),
                escape(f.control.as_str()),
                escape(f.control.as_str()),
                escape(&f.resource_arn),
                f.resource_kind,
                escape(&f.account),
                history.len(),
                escape(f.observed.as_deref().unwrap_or("")),
                escape(f.expected.as_deref().unwrap_or("")),
                remediation,
                escape(f.actor.as_deref().unwrap_or("unknown")),
                escape(&f.first_seen),
                escape(&f.last_seen)
            );
        }
        let looked_up = if self.evidence.is_empty() {
            "CloudTrail's record of each remediation call: <code>guardrail findings evidence ID</code>, or this report written with <code>--cloudtrail</code>."
        } else {
            "CloudTrail's records of the remediation calls were looked up for this report."
        };
        let _ = write!(out, "</table><p class=\"muted\">{looked_up}</p>");
    }

    fn exemptions_html(&self, out: &mut String) {
        let _ = write!(
            out,
            "<h2 id=\"exemptions\">Exemptions in force ({}; {} expiring within 30 days)</h2>",
            self.exemptions.len(),
            self.expiring.len()
        );
        if self.exemptions.is_empty() {
            out.push_str("<p class=\"muted\">None.</p>");
            return;
        }
        out.push_str("<table id=\"exemptions-table\"><tr><th>Resources</th><th>Controls</th><th>Reason</th><th>Expires</th></tr>");
        for e in &self.exemptions {
            let soon = if self.expiring.contains(e) {
                " (soon)"
            } else {
                ""
            };
            let controls: Vec<&str> = e.controls.iter().map(|c| c.as_str()).collect();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}{soon}</td></tr>",
                escape(&e.resource),
                escape(&controls.join(", ")),
                escape(&e.reason),
                e.expires
            );
        }
        out.push_str("</table>");
    }

    fn controls_html(&self, out: &mut String) {
        out.push_str("<h2 id=\"controls\">Controls</h2>");
        for (id, doc) in &self.controls {
            let id = escape(id.as_str());
            let _ = write!(
                out,
                "<h3 id=\"control-{id}\">{id}</h3><dl><dt>What</dt><dd>{}</dd><dt>Why</dt><dd>{}</dd>\
                 <dt>Fix</dt><dd>{}</dd></dl>",
                escape(&doc.what),
                escape(&doc.why),
                escape(&doc.fix)
            );
        }
    }
}

/// A share as a percentage, or `–` when nothing was judged.
fn share(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_string(), |v| format!("{:.1}%", v * 100.0))
}

fn counts_table(out: &mut String, title: &str, id: &str, rows: &BTreeMap<String, Counts>) {
    let _ = write!(out, "<h3>{title}</h3><table id=\"{id}\"><tr><th></th>");
    for status in Status::ALL {
        let _ = write!(out, "<th>{}</th>", status.as_str());
    }
    out.push_str("<th>Compliant</th></tr>");
    for (name, counts) in rows {
        let _ = write!(out, "<tr><th>{}</th>", escape(name));
        for status in Status::ALL {
            let _ = write!(
                out,
                "<td class=\"n\" data-status=\"{}\">{}</td>",
                status.as_str(),
                counts.get(status)
            );
        }
        let _ = write!(
            out,
            "<td class=\"n\">{}</td></tr>",
            share(counts.compliant_share())
        );
    }
    out.push_str("</table>");
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 200.0;
const MARGIN: f64 = 30.0;

/// The x of day `i` of `n`.
fn x_of(i: usize, n: usize) -> f64 {
    if n <= 1 {
        return MARGIN + (WIDTH - 2.0 * MARGIN) / 2.0;
    }
    MARGIN + (WIDTH - 2.0 * MARGIN) * i as f64 / (n - 1) as f64
}

/// Compliance per day, 0-100 %.
fn line_chart(shares: &[Option<f64>], days: &[Day]) -> String {
    let y_of = |v: f64| HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * v;
    let points: Vec<String> = shares
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.map(|s| format!("{:.1},{:.1}", x_of(i, shares.len()), y_of(s))))
        .collect();
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"compliance per day\" width=\"{WIDTH}\" height=\"{HEIGHT}\" \
         viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <text x=\"2\" y=\"{:.0}\" font-size=\"10\">100%</text><text x=\"2\" y=\"{:.0}\" font-size=\"10\">0%</text>\
         <polyline fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2\" points=\"{}\"/>",
        y_of(1.0) + 3.0,
        y_of(0.0),
        points.join(" ")
    );
    for (i, day) in days.iter().enumerate() {
        if let Some(s) = shares[i] {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#1a7f37\"><title>{} {}</title></circle>",
                x_of(i, days.len()),
                y_of(s),
                escape(&day.date),
                share(Some(s))
            );
        }
    }
    let _ = write!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{:.0}\" font-size=\"10\">{}</text><text x=\"{:.0}\" y=\"{:.0}\" font-size=\"10\" text-anchor=\"end\">{}</text></svg>",
        HEIGHT - 8.0,
        escape(days.first().map_or("", |d| d.date.as_str())),
        WIDTH - MARGIN,
        HEIGHT - 8.0,
        escape(days.last().map_or("", |d| d.date.as_str()))
    );
    svg
}

/// Violations opened (red) and contained (green) per day.
fn bar_chart(days: &[Day]) -> String {
    let top = days
        .iter()
        .map(|d| d.opened.max(d.contained))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (WIDTH - 2.0 * MARGIN) / days.len().max(1) as f64;
    let bar = (slot / 2.5).max(1.0);
    let h = |n: usize| (HEIGHT - 2.0 * MARGIN) * n as f64 / top;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"violations opened and contained per day\" width=\"{WIDTH}\" \
         height=\"{HEIGHT}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <text x=\"2\" y=\"{:.0}\" font-size=\"10\">{top}</text>",
        MARGIN + 3.0
    );
    for (i, day) in days.iter().enumerate() {
        let x = MARGIN + slot * i as f64;
        for (offset, n, color, what) in [
            (0.0, day.opened, "#cf222e", "opened"),
            (bar, day.contained, "#1a7f37", "contained"),
        ] {
            let _ = write!(
                svg,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{} {what} {n}</title></rect>",
                x + offset,
                HEIGHT - MARGIN - h(n),
                h(n),
                escape(&day.date)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests;
