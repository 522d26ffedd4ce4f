//! Property-based tests of event and policy parsing: whatever arrives (a mutated sample event,
//! arbitrary JSON or bytes, a mutated or arbitrary policy file), parsing gives an inspection, an
//! acknowledged ignore or a named error, and never panics. An event that parses is followed to
//! the end of the offline path: snapshot, evaluation under the baseline and the example policies,
//! findings, and their ASFF and OCSF documents.
//!
//! Needs no emulator. The inputs are new on every run (set `PROPTEST_RNG_SEED` to repeat one;
//! `PROPTEST_CASES` sets the number of cases of every property, for a longer search).
//! A failure prints the smallest input proptest found, then runs it once more outside the runner,
//! so that a panic in the core shows its location (the runner silences panics while it shrinks).

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use guardrail_core::controls::ControlId;
use guardrail_core::event::{
    self, api_calls, state_changes, Carried, EventError, Parsed, Trigger, CLOUDTRAIL_DETAIL_TYPE,
    SAGEMAKER_EVENT_SOURCE, SAGEMAKER_SOURCE,
};
use guardrail_core::event_config::{snapshot_from_event, OfflineError};
use guardrail_core::export::{self, ASFF_REQUIRED, OCSF_REQUIRED};
use guardrail_core::findings;
use guardrail_core::inspector::replay_offline;
use guardrail_core::resource::ResourceKind;
use guardrail_core::Policy;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use proptest::test_runner::{Config, RngAlgorithm, TestCaseResult, TestError, TestRunner};
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Inputs on disk: the sample events and the example policies.

/// One file under `events/`.
struct Sample {
    /// Its path under `events/`, with `/` separators.
    name: String,
    bytes: Vec<u8>,
    /// The parsed JSON; `None` for the file that is invalid JSON on purpose.
    json: Option<Value>,
    /// Under `events/malformed/`: must be rejected.
    malformed: bool,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Files under `dir` (recursively, skipping hidden directories and build output) that `keep`.
fn files(dir: &Path, keep: &dyn Fn(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
            .path();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" && name != "node_modules" {
                files(&path, keep, out);
            }
        } else if keep(&path) {
            out.push(path);
        }
    }
    out.sort();
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// Every `*.json` under `events/`.
fn samples() -> &'static [Sample] {
    static SAMPLES: OnceLock<Vec<Sample>> = OnceLock::new();
    SAMPLES.get_or_init(|| {
        let root = repo().join("events");
        let mut paths = Vec::new();
        let is_json = |p: &Path| p.extension().is_some_and(|e| e == "json");
        files(&root, &is_json, &mut paths);
        paths
            .iter()
            .map(|path| {
                let relative = path.strip_prefix(&root).unwrap_or(path);
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                let bytes = read(path);
                Sample {
                    name: parts.join("/"),
                    json: serde_json::from_slice(&bytes).ok(),
                    malformed: parts.first().is_some_and(|p| p == "malformed"),
                    bytes,
                }
            })
            .collect()
    })
}

/// Indices of the samples that are valid JSON (the ones a JSON mutation can start from).
fn json_samples() -> Vec<usize> {
    (0..samples().len())
        .filter(|&i| samples()[i].json.is_some())
        .collect()
}

/// The triggers of the unmutated samples that are inspected.
fn triggers() -> &'static [Trigger] {
    static TRIGGERS: OnceLock<Vec<Trigger>> = OnceLock::new();
    TRIGGERS.get_or_init(|| {
        samples()
            .iter()
            .filter_map(|s| match event::parse_bytes(&s.bytes) {
                Ok(Parsed::Inspect(t)) => Some(*t),
                _ => None,
            })
            .collect()
    })
}

/// Every policy file of the repository (a `*.toml` with `policy` in its name, so other TOML
/// configuration is left out), as (path under the repository, text).
fn example_policies() -> &'static [(String, String)] {
    static POLICIES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let root = repo();
        let mut paths = Vec::new();
        let is_policy = |p: &Path| {
            p.extension().is_some_and(|e| e == "toml")
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().contains("policy"))
        };
        files(&root, &is_policy, &mut paths);
        paths
            .iter()
            .map(|path| {
                let name = path.strip_prefix(&root).unwrap_or(path);
                let text = String::from_utf8(read(path))
                    .unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()));
                (name.display().to_string(), text)
            })
            .collect()
    })
}

/// The policies events are judged under: the baseline and every example policy.
fn policies() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let mut all = vec![Policy::baseline()];
        for (name, text) in example_policies() {
            all.push(
                Policy::from_toml(text, name).unwrap_or_else(|e| panic!("{name} is invalid: {e}")),
            );
        }
        all
    })
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: the names and values the parsers look for, so random input reaches past the
// first check often enough.

struct Vocabulary {
    /// Member names: every key of the samples in both casings, and those the parser reads.
    keys: Vec<String>,
    /// String values: every string of the samples, the constants the parser compares with, and
    /// edge cases (ARNs of every kind with odd names, odd times, Unicode).
    strings: Vec<String>,
}

/// `eventName` ⇄ `EventName`: the offline reader accepts one casing per trigger kind.
fn flip_case(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_uppercase() => c.to_lowercase().chain(chars).collect(),
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn gather(value: &Value, keys: &mut BTreeSet<String>, strings: &mut BTreeSet<String>) {
    match value {
        Value::String(s) => {
            strings.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|v| gather(v, keys, strings)),
        Value::Object(map) => {
            for (k, v) in map {
                keys.insert(k.clone());
                keys.insert(flip_case(k));
                gather(v, keys, strings);
            }
        }
        _ => {}
    }
}

/// Member names of the envelope and of CloudTrail records.
const ENVELOPE_AND_CLOUDTRAIL_KEYS: &str = "id version detail-type source account time region \
    resources detail eventSource eventName errorCode errorMessage requestParameters \
    responseElements awsRegion recipientAccountId userIdentity eventID Tags Key Value";

/// Values the parser and the controls compare with, and their neighbours: toggles, KMS key
/// references, broken ARNs, every status, odd times, ids, instance types, Unicode.
const WORDS: &str = "aws.ec2 0 42 -1 true null {} Enabled Disabled enabled DISABLED \
    alias/aws/sagemaker alias/ alias/aws/ arn:aws:kms:us-east-1:123456789012:alias/aws/sagemaker \
    arn:aws:kms:us-east-1:123456789012:key/ arn arn: ::::: \
    arn:aws:sagemaker:us-east-1:123456789012: InService Pending Updating Stopping Stopped \
    Failed Deleting InProgress Completed Creating OutOfService SystemUpdating RollingBack \
    UpdateRollbackFailed 2026-11-01T00:00:00Z 2026-11-01T00:00:00.123456789+14:00 \
    2026-13-45T25:61:61Z 0000-01-01T00:00:00Z 9999-12-31T23:59:59Z +275760-09-13T00:00:00Z \
    2026-11-01 subnet- sg- vpc- ml.m5.large ml.p4d.24xlarge ml.g5.48xlarge local AllTraffic \
    é 𝕊𝕒𝕘𝕖";

fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let mut keys = BTreeSet::new();
        let mut strings = BTreeSet::new();
        for json in samples().iter().filter_map(|s| s.json.as_ref()) {
            gather(json, &mut keys, &mut strings);
        }
        for (_, call) in api_calls() {
            strings.insert(call.event_name.to_string());
            keys.extend([call.name_key, call.arn_key].map(str::to_string));
        }
        for (_, change) in state_changes() {
            strings.extend(change.detail_type.map(str::to_string));
            keys.extend([change.name_key, change.arn_key, change.status_key].map(str::to_string));
        }
        keys.extend(
            ENVELOPE_AND_CLOUDTRAIL_KEYS
                .split_whitespace()
                .map(str::to_string),
        );
        strings.extend(WORDS.split_whitespace().map(str::to_string));
        strings.extend(
            [
                CLOUDTRAIL_DETAIL_TYPE,
                SAGEMAKER_SOURCE,
                SAGEMAKER_EVENT_SOURCE,
                "",
                " ",
                "\u{202e}",
                "\u{0}",
                "a\nb",
            ]
            .map(str::to_string),
        );
        for kind in ResourceKind::ALL {
            let kind = kind.as_str();
            strings.insert(kind.to_string());
            for name in ["x", "", "a/b", "sandbox-é", "sandbox-x", "*"] {
                strings.insert(format!(
                    "arn:aws:sagemaker:us-east-1:123456789012:{kind}/{name}"
                ));
            }
            strings.insert(format!("arn:aws:sagemaker:us-east-1:123456789012:{kind}"));
            strings.insert(format!("arn:aws:sagemaker:é:123456789012:{kind}/sandbox-é"));
            strings.insert(format!("arn:aws:sagemaker:us-east-1::{kind}/x"));
        }
        for control in ControlId::all() {
            strings.insert(control.as_str().to_string());
        }
        Vocabulary {
            keys: keys.into_iter().collect(),
            strings: strings.into_iter().collect(),
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Strategies for JSON.

/// Strings matching a regular expression, compiled once (a `&str` strategy compiles it for
/// every value).
fn pattern(regex: &str) -> BoxedStrategy<String> {
    proptest::string::string_regex(regex)
        .unwrap_or_else(|e| panic!("bad pattern {regex}: {e}"))
        .boxed()
}

/// A string: mostly from the vocabulary, else arbitrary Unicode, control characters, empty,
/// a vocabulary word with a few characters more, or thousands of characters.
fn text() -> BoxedStrategy<String> {
    let words = &vocabulary().strings[..];
    prop_oneof![
        4 => select(words),
        2 => pattern("\\PC{0,20}"),
        1 => pattern("(?s).{0,20}"),
        1 => Just(String::new()),
        1 => (select(words), pattern("\\PC{1,3}"), any::<bool>())
            .prop_map(|(w, extra, front)| if front { extra + &w } else { w + &extra }),
        1 => (select(vec!['a', 'é', '/', ':', '*', '𝕊', ' ']), 1000..6000usize)
            .prop_map(|(c, n)| std::iter::repeat_n(c, n).collect()),
    ]
    .boxed()
}

/// A member name: mostly one the parser reads (in either casing).
fn key() -> BoxedStrategy<String> {
    prop_oneof![
        5 => select(&vocabulary().keys[..]),
        1 => pattern("\\PC{0,12}"),
        1 => text(),
    ]
    .boxed()
}

/// A number: `i32` and `i64` limits (instance counts are `i32`), `u64::MAX`, negative, fraction,
/// huge or tiny float. Floats are kept to those JSON text gives back unchanged.
fn number() -> BoxedStrategy<Value> {
    let edges: Vec<i64> = vec![
        0,
        1,
        -1,
        2,
        i64::from(i32::MAX),
        i64::from(i32::MAX) + 1,
        i64::from(i32::MIN),
        i64::from(i32::MIN) - 1,
        i64::from(u32::MAX) + 1,
        i64::MAX,
        i64::MIN,
    ];
    let floats = vec![
        0.0,
        -0.0,
        0.5,
        -1.5,
        1.0,
        2_147_483_648.0,
        1e300,
        -1e300,
        f64::MIN_POSITIVE,
    ];
    prop_oneof![
        3 => select(edges).prop_map(Value::from),
        1 => any::<i64>().prop_map(Value::from),
        1 => any::<u64>().prop_map(Value::from),
        1 => select(floats).prop_map(Value::from),
        1 => any::<f64>().prop_filter_map("a float JSON text gives back unchanged", |f| {
            let v = Value::from(f);
            (v.is_number() && serde_json::from_str::<Value>(&v.to_string()).ok() == Some(v.clone()))
                .then_some(v)
        }),
    ]
    .boxed()
}

/// Any JSON value, at most 4 levels deep and about 48 nodes; objects mostly use member names
/// the parser reads.
fn json() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        2 => number(),
        4 => text().prop_map(Value::String),
    ];
    // The closure runs for every value: it must not build (and compile) strategies itself.
    let key = key();
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((key.clone(), inner), 0..6)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
    .boxed()
}

/// An object from `members`, leaving out the absent ones.
fn object<'a>(members: impl IntoIterator<Item = (&'a str, Option<Value>)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .filter_map(|(k, v)| Some((k.to_string(), v?)))
            .collect(),
    )
}

/// How a generated event fills one member: with a valid value, not at all, or arbitrarily.
#[derive(Debug, Clone)]
enum Fill {
    Valid,
    Absent,
    Other(Value),
}

fn fill() -> BoxedStrategy<Fill> {
    prop_oneof![
        17 => Just(Fill::Valid),
        1 => Just(Fill::Absent),
        2 => json().prop_map(Fill::Other),
    ]
    .boxed()
}

impl Fill {
    fn with(&self, valid: Value) -> Option<Value> {
        match self {
            Fill::Valid => Some(valid),
            Fill::Absent => None,
            Fill::Other(v) => Some(v.clone()),
        }
    }
}

/// What an event built from scratch is about: (detail-type, CloudTrail event name, name
/// member, ARN member).
type Shape = (
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
);

/// An event built from scratch for one of the supported calls or state changes (or an
/// unsupported one): each member valid, absent or arbitrary; the resource's name arbitrary;
/// request parameters, response elements and the rest of the detail made of arbitrary members.
fn event_shaped() -> BoxedStrategy<Value> {
    let mut shapes: Vec<Shape> = api_calls()
        .map(|(_, c)| {
            (
                CLOUDTRAIL_DETAIL_TYPE,
                Some(c.event_name),
                c.name_key,
                c.arn_key,
            )
        })
        .chain(state_changes().map(|(_, c)| {
            (
                c.detail_type.unwrap_or_default(),
                None,
                c.name_key,
                c.arn_key,
            )
        }))
        .collect();
    shapes.push((
        CLOUDTRAIL_DETAIL_TYPE,
        Some("CreateCompilationJob"),
        "compilationJobName",
        "compilationJobArn",
    ));
    shapes.push(("Other", None, "Name", "Arn"));
    let members = || vec((key(), json()), 0..6);
    let response = prop_oneof![
        Just(None),
        Just(Some(Value::Null)),
        json().prop_map(Some),
        text().prop_map(|arn| Some(Value::String(arn))),
    ];
    (
        select(shapes),
        vec(fill(), 12),
        text(),
        (members(), members()),
        response,
        proptest::option::weighted(0.15, text().prop_map(Value::String)),
    )
        .prop_map(|(shape, f, name, (request, rest), response, error)| {
            let (detail_type, event_name, name_key, arn_key) = shape;
            let mut parameters: serde_json::Map<String, Value> = request.into_iter().collect();
            parameters.insert(name_key.to_string(), Value::String(name));
            let mut detail = match event_name {
                Some(event_name) => {
                    // A string response is the ARN of the resource (or what stands in for it).
                    let response = match response {
                        Some(Value::String(arn)) => {
                            Some(object([(arn_key, Some(Value::String(arn)))]))
                        }
                        other => other,
                    };
                    object([
                        ("eventSource", f[0].with(SAGEMAKER_EVENT_SOURCE.into())),
                        ("eventName", f[1].with(event_name.into())),
                        ("requestParameters", f[2].with(Value::Object(parameters))),
                        ("responseElements", response),
                        ("errorCode", error),
                    ])
                }
                None => Value::Object(parameters),
            };
            if let Some(detail) = detail.as_object_mut() {
                detail.extend(rest);
            }
            object([
                ("version", f[3].with("0".into())),
                ("id", f[4].with("shaped".into())),
                ("detail-type", f[5].with(detail_type.into())),
                ("source", f[6].with(SAGEMAKER_SOURCE.into())),
                ("account", f[7].with("123456789012".into())),
                ("region", f[8].with("us-east-1".into())),
                ("time", f[9].with("2026-11-01T00:00:00Z".into())),
                ("resources", f[10].with(Value::Array(Vec::new()))),
                ("detail", f[11].with(detail)),
            ])
        })
        .boxed()
}

// ---------------------------------------------------------------------------------------------
// JSON mutations.

/// One step of a path into a JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    At(usize),
}

/// The path of every node of `value`, the root (empty path) first.
fn paths(value: &Value) -> Vec<Vec<Step>> {
    fn walk(value: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        out.push(here.clone());
        match value {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    here.push(Step::At(i));
                    walk(v, here, out);
                    here.pop();
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    here.push(Step::Key(k.clone()));
                    walk(v, here, out);
                    here.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, &mut Vec::new(), &mut out);
    out
}

fn get<'a>(value: &'a Value, path: &[Step]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.as_object()?.get(k),
        Step::At(i) => v.as_array()?.get(*i),
    })
}

fn get_mut<'a>(value: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    path.iter().try_fold(value, |v, step| match step {
        Step::Key(k) => v.as_object_mut()?.get_mut(k),
        Step::At(i) => v.as_array_mut()?.get_mut(*i),
    })
}

/// One of `list`, or `None` when it is empty.
fn pick<'a, T>(list: &'a [T], index: &Index) -> Option<&'a T> {
    (!list.is_empty()).then(|| index.get(list))
}

/// A change to a JSON event. Nodes are chosen by `Index` among the nodes the mutation applies
/// to in the event as it is at that point, so every mutation lands somewhere.
#[derive(Debug, Clone)]
enum Mutation {
    /// Delete an object member or an array element (any node but the root).
    Delete(Index),
    /// Put another value at a node (the root included).
    Replace(Index, Value),
    /// Give an object member another name (its value kept).
    Rename(Index, String),
    /// Flip the case of a member name's first letter (`trainingJobName` ⇄ `TrainingJobName`).
    FlipCase(Index),
    /// Copy the subtree at one node over another node.
    Graft { from: Index, to: Index },
    /// Cut a string value to a prefix of its characters (possibly empty).
    Truncate(Index, Index),
    /// Wrap a node in a one-element array.
    Wrap(Index),
}

fn mutation() -> BoxedStrategy<Mutation> {
    prop_oneof![
        3 => any::<Index>().prop_map(Mutation::Delete),
        5 => (any::<Index>(), json()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        2 => (any::<Index>(), key()).prop_map(|(at, k)| Mutation::Rename(at, k)),
        1 => any::<Index>().prop_map(Mutation::FlipCase),
        1 => (any::<Index>(), any::<Index>()).prop_map(|(from, to)| Mutation::Graft { from, to }),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(at, keep)| Mutation::Truncate(at, keep)),
        1 => any::<Index>().prop_map(Mutation::Wrap),
    ]
    .boxed()
}

/// Renames the member at `path` (which ends in a key) to `to(old name)`.
fn rename(event: &mut Value, path: &[Step], to: impl Fn(&str) -> String) {
    let Some((Step::Key(old), parent)) = path.split_last() else {
        return;
    };
    if let Some(map) = get_mut(event, parent).and_then(Value::as_object_mut) {
        if let Some(v) = map.remove(old) {
            map.insert(to(old), v);
        }
    }
}

impl Mutation {
    fn apply(&self, event: &mut Value) {
        let all = paths(event);
        let children: Vec<&Vec<Step>> = all.iter().filter(|p| !p.is_empty()).collect();
        let members: Vec<&Vec<Step>> = all
            .iter()
            .filter(|p| matches!(p.last(), Some(Step::Key(_))))
            .collect();
        match self {
            Mutation::Delete(at) => {
                let Some((last, parent)) = pick(&children, at).and_then(|p| p.split_last()) else {
                    return;
                };
                match (get_mut(event, parent), last) {
                    (Some(Value::Object(map)), Step::Key(k)) => {
                        map.remove(k);
                    }
                    (Some(Value::Array(items)), Step::At(i)) if *i < items.len() => {
                        items.remove(*i);
                    }
                    _ => {}
                }
            }
            Mutation::Replace(at, value) => {
                if let Some(slot) = get_mut(event, &all[at.index(all.len())]) {
                    *slot = value.clone();
                }
            }
            Mutation::Rename(at, to) => {
                if let Some(path) = pick(&members, at) {
                    rename(event, path, |_| to.clone());
                }
            }
            Mutation::FlipCase(at) => {
                if let Some(path) = pick(&members, at) {
                    rename(event, path, flip_case);
                }
            }
            Mutation::Graft { from, to } => {
                let copy = get(event, &all[from.index(all.len())]).cloned();
                if let (Some(copy), Some(slot)) = (copy, get_mut(event, &all[to.index(all.len())]))
                {
                    *slot = copy;
                }
            }
            Mutation::Truncate(at, keep) => {
                let strings: Vec<&Vec<Step>> = all
                    .iter()
                    .filter(|p| get(event, p).is_some_and(Value::is_string))
                    .collect();
                if let Some(Value::String(s)) = pick(&strings, at).and_then(|p| get_mut(event, p)) {
                    let n = keep.index(s.chars().count() + 1);
                    *s = s.chars().take(n).collect();
                }
            }
            Mutation::Wrap(at) => {
                if let Some(slot) = get_mut(event, &all[at.index(all.len())]) {
                    *slot = Value::Array(vec![slot.take()]);
                }
            }
        }
    }
}

/// A member written twice in the event's text, once with another value: before the original
/// (a reader keeping the last one sees no change) or after it.
#[derive(Debug, Clone)]
struct Duplicate {
    member: Index,
    value: Value,
    after: bool,
}

/// JSON text of `value`, with the extra member (object path, name, value, after) written in.
fn render(value: &Value, extra: Option<(&[Step], &str, &Value, bool)>) -> String {
    fn member(out: &mut String, first: &mut bool, name: &str, value: &str) {
        if !std::mem::take(first) {
            out.push(',');
        }
        out.push_str(&Value::from(name).to_string());
        out.push(':');
        out.push_str(value);
    }
    fn write(
        value: &Value,
        here: &mut Vec<Step>,
        extra: Option<(&[Step], &str, &Value, bool)>,
        out: &mut String,
    ) {
        match value {
            Value::Object(map) => {
                let here_extra = extra.filter(|(at, ..)| *at == here.as_slice());
                let mut first = true;
                out.push('{');
                if let Some((_, name, v, false)) = here_extra {
                    member(out, &mut first, name, &v.to_string());
                }
                for (k, v) in map {
                    here.push(Step::Key(k.clone()));
                    let mut inner = String::new();
                    write(v, here, extra, &mut inner);
                    here.pop();
                    member(out, &mut first, k, &inner);
                }
                if let Some((_, name, v, true)) = here_extra {
                    member(out, &mut first, name, &v.to_string());
                }
                out.push('}');
            }
            Value::Array(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    here.push(Step::At(i));
                    write(v, here, extra, out);
                    here.pop();
                }
                out.push(']');
            }
            scalar => out.push_str(&scalar.to_string()),
        }
    }
    let mut out = String::new();
    write(value, &mut Vec::new(), extra, &mut out);
    out
}

/// A sample event after its mutations.
struct MutatedEvent {
    sample: &'static str,
    mutations: Vec<Mutation>,
    duplicate: Option<Duplicate>,
    /// The mutated event.
    event: Value,
    /// Its text, with the duplicated member if there is one.
    text: String,
    /// What that text means to a JSON reader that keeps the last of duplicated members.
    read_as: Value,
}

impl fmt::Debug for MutatedEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutatedEvent")
            .field("sample", &self.sample)
            .field("mutations", &self.mutations)
            .field("duplicate", &self.duplicate)
            .field("text", &self.text)
            .finish()
    }
}

fn mutate(index: usize, mutations: Vec<Mutation>, duplicate: Option<Duplicate>) -> MutatedEvent {
    let sample = &samples()[index];
    let mut event = sample.json.clone().unwrap_or_default();
    for m in &mutations {
        m.apply(&mut event);
    }
    let all = paths(&event);
    let members: Vec<&Vec<Step>> = all
        .iter()
        .filter(|p| matches!(p.last(), Some(Step::Key(_))))
        .collect();
    let target = duplicate.as_ref().and_then(|d| {
        let path = pick(&members, &d.member)?;
        let (Step::Key(name), parent) = path.split_last()? else {
            return None;
        };
        Some((parent, name.as_str(), &d.value, d.after, path))
    });
    let text = render(
        &event,
        target.map(|(parent, name, v, after, _)| (parent, name, v, after)),
    );
    let mut read_as = event.clone();
    if let Some((.., v, true, path)) = target {
        if let Some(slot) = get_mut(&mut read_as, path) {
            *slot = v.clone();
        }
    }
    MutatedEvent {
        sample: &sample.name,
        mutations,
        duplicate,
        event,
        text,
        read_as,
    }
}

fn mutated_event() -> impl Strategy<Value = MutatedEvent> {
    let duplicate =
        (any::<Index>(), json(), any::<bool>()).prop_map(|(member, value, after)| Duplicate {
            member,
            value,
            after,
        });
    (
        select(json_samples()),
        vec(mutation(), 1..=4),
        proptest::option::weighted(0.2, duplicate),
    )
        .prop_map(|(index, mutations, duplicate)| mutate(index, mutations, duplicate))
}

// ---------------------------------------------------------------------------------------------
// Byte mutations, for every sample (the invalid-JSON one included).

#[derive(Debug, Clone)]
enum ByteMutation {
    /// Keep only the bytes before a position.
    Truncate(Index),
    /// XOR one byte with a non-zero mask.
    Flip(Index, u8),
    /// Remove up to 8 bytes from a position.
    Remove(Index, u8),
    /// Insert arbitrary bytes.
    Insert(Index, Vec<u8>),
    /// Insert JSON punctuation, an escape, an out-of-range number or a vocabulary word.
    InsertText(Index, String),
}

fn byte_mutation() -> BoxedStrategy<ByteMutation> {
    let mut punctuation: Vec<&str> =
        r#"{ } [ ] , : " \ \u \ud800 \u0000 null 1e999 - 0x1 NaN "": {"id":1}"#
            .split_whitespace()
            .collect();
    punctuation.push("\u{feff}");
    let punctuation = select(punctuation).prop_map(str::to_string);
    prop_oneof![
        1 => any::<Index>().prop_map(ByteMutation::Truncate),
        2 => (any::<Index>(), 1..=255u8).prop_map(|(at, mask)| ByteMutation::Flip(at, mask)),
        2 => (any::<Index>(), 1..=8u8).prop_map(|(at, n)| ByteMutation::Remove(at, n)),
        1 => (any::<Index>(), vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| ByteMutation::Insert(at, b)),
        2 => (any::<Index>(), prop_oneof![punctuation, text()])
            .prop_map(|(at, t)| ByteMutation::InsertText(at, t)),
    ]
    .boxed()
}

impl ByteMutation {
    fn apply(&self, bytes: &mut Vec<u8>) {
        let position = |at: &Index| at.index(bytes.len() + 1);
        match self {
            ByteMutation::Truncate(at) => bytes.truncate(position(at)),
            ByteMutation::Flip(at, mask) => {
                if !bytes.is_empty() {
                    let i = at.index(bytes.len());
                    bytes[i] ^= mask;
                }
            }
            ByteMutation::Remove(at, n) => {
                let start = position(at);
                let end = (start + usize::from(*n)).min(bytes.len());
                bytes.drain(start..end);
            }
            ByteMutation::Insert(at, new) => {
                let i = position(at);
                bytes.splice(i..i, new.iter().copied());
            }
            ByteMutation::InsertText(at, new) => {
                let i = position(at);
                bytes.splice(i..i, new.bytes());
            }
        }
    }
}

struct MutatedBytes {
    sample: &'static str,
    mutations: Vec<ByteMutation>,
    bytes: Vec<u8>,
}

impl fmt::Debug for MutatedBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutatedBytes")
            .field("sample", &self.sample)
            .field("mutations", &self.mutations)
            .field("bytes (lossy UTF-8)", &String::from_utf8_lossy(&self.bytes))
            .finish()
    }
}

fn mutated_bytes() -> impl Strategy<Value = MutatedBytes> {
    (0..samples().len(), vec(byte_mutation(), 1..=3)).prop_map(|(index, mutations)| {
        let sample = &samples()[index];
        let mut bytes = sample.bytes.clone();
        for m in &mutations {
            m.apply(&mut bytes);
        }
        MutatedBytes {
            sample: &sample.name,
            mutations,
            bytes,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Arbitrary configuration in an otherwise valid event.

/// A sample event whose carried configuration (CloudTrail `requestParameters`, or the
/// state-change `detail`) is replaced or overridden by arbitrary members; the members the parser
/// needs to name the resource (name, and for a state change ARN and status) are kept.
struct ConfiguredEvent {
    sample: &'static str,
    event: Value,
}

impl fmt::Debug for ConfiguredEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfiguredEvent")
            .field("sample", &self.sample)
            .field("event", &self.event.to_string())
            .finish()
    }
}

fn configured(index: usize, keep: bool, members: Vec<(String, Value)>) -> ConfiguredEvent {
    let sample = &samples()[index];
    let mut event = sample.json.clone().unwrap_or_default();
    let detail_type = event["detail-type"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let event_name = event["detail"]["eventName"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let (at, needed): (&[&str], Vec<&str>) = if detail_type == CLOUDTRAIL_DETAIL_TYPE {
        let needed = api_calls()
            .filter(|(_, c)| c.event_name == event_name)
            .map(|(_, c)| c.name_key)
            .collect();
        (&["detail", "requestParameters"], needed)
    } else {
        let needed = state_changes()
            .filter(|(_, c)| c.detail_type == Some(detail_type.as_str()))
            .flat_map(|(_, c)| [c.name_key, c.arn_key, c.status_key])
            .collect();
        (&["detail"], needed)
    };
    let path: Vec<Step> = at.iter().map(|k| Step::Key(k.to_string())).collect();
    if let Some(Value::Object(config)) = get_mut(&mut event, &path) {
        let original = std::mem::take(config);
        if keep {
            *config = original.clone();
        }
        config.extend(members);
        for name in needed {
            if let Some(v) = original.get(name) {
                config.insert(name.to_string(), v.clone());
            }
        }
    }
    ConfiguredEvent {
        sample: &sample.name,
        event,
    }
}

/// Samples that parse to a trigger carrying configuration.
fn configurable_samples() -> Vec<usize> {
    (0..samples().len())
        .filter(|&i| {
            matches!(event::parse_bytes(&samples()[i].bytes),
                Ok(Parsed::Inspect(t)) if t.carried != Carried::Nothing)
        })
        .collect()
}

fn configured_event() -> impl Strategy<Value = ConfiguredEvent> {
    (
        select(configurable_samples()),
        any::<bool>(),
        vec((key(), json()), 0..10),
    )
        .prop_map(|(index, keep, members)| configured(index, keep, members))
}

// ---------------------------------------------------------------------------------------------
// Policy mutations.

/// Member names of policy files, and one the reader does not know.
const POLICY_KEYS: &str = "version max_exemption_days mode severity allowed_vpcs allowed_subnets \
    allowed_security_groups allowed_keys strict_single_instance tags endpoint on_error resource \
    accounts controls reason expires owner cost-center unknown";

/// Table headers of policy files, some unknown or broken.
const POLICY_HEADERS: &str = "[controls] [remediation] [[exemptions]] [exemptions] [[controls]] \
    [controls.required-tags.tags] [controls.unknown] [] [controls";

/// Member names and table headers a policy file may have: those of the examples and every one
/// the policy reader knows, plus a few it does not.
fn policy_words() -> &'static (Vec<String>, Vec<String>) {
    static WORDS: OnceLock<(Vec<String>, Vec<String>)> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut keys: BTreeSet<String> =
            POLICY_KEYS.split_whitespace().map(str::to_string).collect();
        let mut headers: BTreeSet<String> = POLICY_HEADERS
            .split_whitespace()
            .map(str::to_string)
            .collect();
        for control in ControlId::all() {
            keys.insert(control.as_str().to_string());
            headers.insert(format!("[controls.{}]", control.as_str()));
        }
        for (_, text) in example_policies() {
            for line in text.lines().map(str::trim) {
                if line.starts_with('[') {
                    headers.insert(line.split('#').next().unwrap_or(line).trim().to_string());
                } else if let Some((k, _)) = line.split_once('=') {
                    if !line.starts_with('#') {
                        keys.insert(k.trim().to_string());
                    }
                }
            }
        }
        (keys.into_iter().collect(), headers.into_iter().collect())
    })
}

/// `s` as a TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A date `days` from today, as TOML writes it (exemption expiries are checked against today).
fn date_from_today(days: i64) -> String {
    let today = time::OffsetDateTime::now_utc().date();
    let date = today
        .checked_add(time::Duration::days(days))
        .unwrap_or(today);
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn policy_key() -> BoxedStrategy<String> {
    prop_oneof![
        5 => select(&policy_words().0[..]),
        1 => pattern("[A-Za-z0-9_-]{1,12}"),
        1 => text().prop_map(|s| toml_string(&s)),
    ]
    .boxed()
}

/// TOML values (without spaces, one per word) the policy reader accepts, and their neighbours.
const TOML_VALUES: &str = r#"true false 0 -1 1 2 365 366 4294967295 4294967296
    9223372036854775807 -9223372036854775808 99999999999999999999 0x7fffffff 0o777 0b1 1_000
    +inf -inf nan -0.0 1e400 3.14 2027-03-31 9999-12-31 0000-01-01 2026-02-30
    1979-05-27T07:32:00Z 1979-05-27T07:32:00 1979-05-27T07:32:00+01:00 07:32:00
    "enforce" "audit" "off" "Enforce" "informational" "low" "medium" "high" "critical" "delete"
    "none" "alert" "act" "" [] {} [1,"a"] [""] {mode="audit"} ["vpc-1","subnet-1","sg-1"]
    ["alias/ml","alias/aws/sagemaker"] ["arn:aws:kms:us-east-1:123456789012:key/1","key"]
    "arn:aws:sagemaker:*:123456789012:*/*" "arn:aws:sagemaker:*:*:*/*" "*"
    "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/*"
    "arn:aws:sagemaker:*:123456789012:training-job/[a]"
    "arn:aws:sagemaker:*:*:notebook-instance/*?*?*?*?*" ["123456789012"]
    ["12345678901","abc"] ["vpc-attached","no-root-access"] ["unknown-control"]"#;

/// A TOML value: the values the policy reader accepts and their neighbours (modes, severities,
/// ids, ARN patterns, dates around the expiry limit, `u32` limits), any integer, float, string,
/// date, time, and arrays and inline tables of them.
fn toml_value() -> BoxedStrategy<String> {
    let known = select(TOML_VALUES.split_whitespace().collect::<Vec<_>>()).prop_map(str::to_string);
    let leaf = prop_oneof![
        6 => known,
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|f| format!("{f:?}")),
        3 => text().prop_map(|s| toml_string(&s)),
        1 => pattern("\\PC{0,12}").prop_map(|s| format!("'{s}'")),
        1 => (0u16..=10_000, 0u8..=13, 0u8..=32)
            .prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        2 => select(vec![-400i64, -1, 0, 1, 364, 365, 366, 730, 100_000])
            .prop_map(date_from_today),
    ];
    // The closure runs for every value: it must not build (and compile) strategies itself.
    let key = policy_key();
    leaf.prop_recursive(2, 12, 4, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|items| format!("[{}]", items.join(", "))),
            vec((key.clone(), inner), 0..3).prop_map(|members| {
                let members: Vec<String> =
                    members.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("{{ {} }}", members.join(", "))
            }),
        ]
    })
    .boxed()
}

/// A line of a policy file: a member, a table header, a comment, blank, or anything.
fn toml_line() -> BoxedStrategy<String> {
    prop_oneof![
        6 => (policy_key(), toml_value()).prop_map(|(k, v)| format!("{k} = {v}")),
        3 => select(&policy_words().1[..]),
        1 => pattern("# \\PC{0,12}"),
        1 => Just(String::new()),
        1 => pattern("(?s).{0,24}"),
    ]
    .boxed()
}

#[derive(Debug, Clone)]
enum PolicyMutation {
    /// Remove a line.
    DeleteLine(Index),
    /// Give a `key = value` line another value.
    ReplaceValue(Index, String),
    /// Insert a line.
    InsertLine(Index, String),
    /// Write a line twice (a duplicated key or table).
    DuplicateLine(Index),
    /// Insert text anywhere (a quote, a bracket, a newline, a word).
    InsertText(Index, String),
}

fn policy_mutation() -> BoxedStrategy<PolicyMutation> {
    let fragment = prop_oneof![
        3 => select(vec![
            "\"", "'", "[", "]", "[[", "{", "}", "=", ",", "\n", "#", "\\", "\"\"\"", "'''",
            "*", "?", " ", "\u{0}", "\r\n", "\u{feff}", "1", "-",
        ])
        .prop_map(str::to_string),
        1 => text(),
        1 => toml_line().prop_map(|line| format!("\n{line}\n")),
    ];
    prop_oneof![
        3 => any::<Index>().prop_map(PolicyMutation::DeleteLine),
        5 => (any::<Index>(), toml_value()).prop_map(|(at, v)| PolicyMutation::ReplaceValue(at, v)),
        3 => (any::<Index>(), toml_line()).prop_map(|(at, l)| PolicyMutation::InsertLine(at, l)),
        1 => any::<Index>().prop_map(PolicyMutation::DuplicateLine),
        2 => (any::<Index>(), fragment).prop_map(|(at, t)| PolicyMutation::InsertText(at, t)),
    ]
    .boxed()
}

impl PolicyMutation {
    fn apply(&self, text: &mut String) {
        let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        match self {
            PolicyMutation::DeleteLine(at) => {
                let i = at.index(lines.len());
                lines.remove(i);
            }
            PolicyMutation::ReplaceValue(at, value) => {
                let members: Vec<usize> = (0..lines.len())
                    .filter(|&i| {
                        let line = lines[i].trim_start();
                        line.contains('=') && !line.starts_with('#') && !line.starts_with('[')
                    })
                    .collect();
                if let Some(&i) = pick(&members, at) {
                    if let Some((k, _)) = lines[i].split_once('=') {
                        lines[i] = format!("{k}= {value}");
                    }
                }
            }
            PolicyMutation::InsertLine(at, line) => {
                let i = at.index(lines.len() + 1);
                lines.insert(i, line.clone());
            }
            PolicyMutation::DuplicateLine(at) => {
                let i = at.index(lines.len());
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            PolicyMutation::InsertText(at, fragment) => {
                let boundaries: Vec<usize> = text
                    .char_indices()
                    .map(|(i, _)| i)
                    .chain([text.len()])
                    .collect();
                let i = *at.get(&boundaries);
                text.insert_str(i, fragment);
                return;
            }
        }
        *text = lines.join("\n");
    }
}

struct MutatedPolicy {
    example: &'static str,
    mutations: Vec<PolicyMutation>,
    text: String,
}

impl fmt::Debug for MutatedPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutatedPolicy")
            .field("example", &self.example)
            .field("mutations", &self.mutations)
            .field("text", &self.text)
            .finish()
    }
}

fn mutated_policy() -> impl Strategy<Value = MutatedPolicy> {
    (0..example_policies().len(), vec(policy_mutation(), 1..=3)).prop_map(|(index, mutations)| {
        let (name, text) = &example_policies()[index];
        let mut text = text.clone();
        for m in &mutations {
            m.apply(&mut text);
        }
        MutatedPolicy {
            example: name,
            mutations,
            text,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// The properties' checks.

/// How far a parsed event went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    /// A named error.
    Rejected,
    /// Acknowledged, nothing to do.
    Ignored,
    /// A trigger whose configuration cannot be judged offline (a named `OfflineError`).
    Inspected,
    /// A trigger judged offline to a report, findings and exported documents (for a policy: it
    /// loaded, and judged every sample event).
    Reported,
}

/// Counts of outcomes over a property's cases, to show (and check) that random input reaches
/// the deep paths and not only the first check.
#[derive(Default)]
struct Tally {
    cases: Cell<u32>,
    rejected: Cell<u32>,
    ignored: Cell<u32>,
    inspected: Cell<u32>,
    reported: Cell<u32>,
}

impl Tally {
    fn add(&self, outcome: Outcome) {
        self.cases.set(self.cases.get() + 1);
        let counter = match outcome {
            Outcome::Rejected => &self.rejected,
            Outcome::Ignored => &self.ignored,
            Outcome::Inspected => &self.inspected,
            Outcome::Reported => &self.reported,
        };
        counter.set(counter.get() + 1);
    }

    fn print_policies(&self, property: &str) {
        eprintln!(
            "{property}: {} cases: {} rejected, {} loaded (and judged every sample event)",
            self.cases.get(),
            self.rejected.get(),
            self.reported.get()
        );
    }

    fn print(&self, property: &str) {
        eprintln!(
            "{property}: {} cases: {} rejected, {} ignored, {} inspected with an offline error, \
             {} reported",
            self.cases.get(),
            self.rejected.get(),
            self.ignored.get(),
            self.inspected.get(),
            self.reported.get()
        );
    }

    /// At least `percent`% of the cases had `outcome`: the generators still reach that path.
    /// Not checked on short runs (`PROPTEST_CASES` under 500), where it could fail by chance.
    fn at_least(&self, outcome: Outcome, percent: u32) {
        if self.cases.get() < 500 {
            return;
        }
        let count = match outcome {
            Outcome::Rejected => self.rejected.get(),
            Outcome::Ignored => self.ignored.get(),
            Outcome::Inspected => self.inspected.get(),
            Outcome::Reported => self.reported.get(),
        };
        let cases = self.cases.get();
        assert!(
            count * 100 >= cases * percent,
            "only {count} of {cases} cases were {outcome:?} (expected at least {percent}%): the \
             generators no longer reach that path"
        );
    }
}

/// Runs `check` on `cases` inputs from `strategy`. On failure, prints the smallest failing input
/// and runs it once more outside the runner, so a panic shows where it happened.
fn run<S>(property: &str, cases: u32, strategy: S, check: impl Fn(&S::Value) -> TestCaseResult)
where
    S: Strategy,
    S::Value: fmt::Debug,
{
    // `PROPTEST_CASES` overrides every property's number of cases (longer or shorter runs).
    let defaults = Config::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        defaults.cases
    } else {
        cases
    };
    let config = Config {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4096,
        max_shrink_time: 60_000,
        // Much faster than the default ChaCha in a debug build; randomness quality is no issue.
        rng_algorithm: RngAlgorithm::XorShift,
        ..defaults
    };
    let mut runner = TestRunner::new(config);
    match runner.run(&strategy, |input| check(&input)) {
        Ok(()) => {}
        Err(TestError::Fail(reason, input)) => {
            eprintln!("{property}: smallest failing input: {input:#?}\nfailure: {reason}");
            let again = check(&input);
            panic!("{property} failed: {reason}; smallest input: {input:?} (run again: {again:?})");
        }
        Err(TestError::Abort(reason)) => panic!("{property} aborted: {reason}"),
    }
}

/// The event id a parse result must name: the envelope's `id` when it is a string.
fn expected_id(event: &Value) -> &str {
    event.get("id").and_then(Value::as_str).unwrap_or("(no id)")
}

/// A parse result is an inspection of a located resource, an ignore with a reason, or a named
/// error whose message starts with the event id (when the event is an object); then an
/// inspection goes through [`check_trigger`].
fn check_parsed(
    event: &Value,
    result: &Result<Parsed, EventError>,
) -> Result<Outcome, TestCaseError> {
    match result {
        Err(e) => {
            let message = e.to_string();
            prop_assert!(!message.trim().is_empty(), "empty error message: {:?}", e);
            if event.is_object() {
                let id = expected_id(event);
                prop_assert_eq!(e.event_id(), Some(id));
                prop_assert!(
                    message.starts_with(&format!("event {id}: ")),
                    "the error does not start with the event id: {}",
                    message
                );
                prop_assert!(
                    message.len() > format!("event {id}: ").len(),
                    "the error says nothing after the event id: {}",
                    message
                );
            } else {
                prop_assert!(matches!(e, EventError::NotObject(_)), "{:?}", e);
            }
            Ok(Outcome::Rejected)
        }
        Ok(Parsed::Ignore { event_id, reason }) => {
            prop_assert_eq!(event_id.as_str(), expected_id(event));
            prop_assert!(!reason.trim().is_empty(), "ignored without a reason");
            Ok(Outcome::Ignored)
        }
        Ok(Parsed::Inspect(trigger)) => {
            prop_assert_eq!(trigger.event_id.as_str(), expected_id(event));
            let r = &trigger.resource;
            prop_assert!(
                !r.name.is_empty() && !r.account.is_empty() && !r.region.is_empty(),
                "resource not located: {:?}",
                r
            );
            check_trigger(trigger, policies())
        }
    }
}

/// A trigger gives a snapshot or a named `OfflineError`; replay under each policy fails with the
/// same error, or gives a report that serializes, and whose findings export to ASFF and OCSF
/// documents with every required field.
fn check_trigger(trigger: &Trigger, policies: &[Policy]) -> Result<Outcome, TestCaseError> {
    let snapshot = snapshot_from_event(trigger);
    if let Err(e) = &snapshot {
        prop_assert!(!e.to_string().trim().is_empty(), "empty error: {:?}", e);
        if let OfflineError::Field { event_id, .. } = e {
            prop_assert_eq!(event_id, &trigger.event_id);
        }
    }
    for policy in policies {
        match (&snapshot, replay_offline(trigger, policy)) {
            (Err(expected), Err(e)) => prop_assert_eq!(expected, &e),
            (Ok(_), Ok(report)) => {
                let document = serde_json::to_string(&report);
                prop_assert!(
                    document.is_ok(),
                    "report does not serialize: {:?}",
                    document
                );
                let key = findings::NotificationKey::of(&report);
                prop_assert_eq!(
                    findings::NotificationKey::parse(&key.to_string()),
                    Some(key)
                );
                let (found, observations) = findings::from_report(&report);
                prop_assert_eq!(found.len(), report.results.len());
                prop_assert_eq!(observations.len(), report.results.len());
                for finding in &found {
                    let asff = export::asff(finding);
                    let missing = export::missing_fields(&asff, &ASFF_REQUIRED);
                    prop_assert!(missing.is_empty(), "ASFF misses {:?}: {}", missing, asff);
                    let ocsf = export::ocsf(finding);
                    let missing = export::missing_fields(&ocsf, &OCSF_REQUIRED);
                    prop_assert!(missing.is_empty(), "OCSF misses {:?}: {}", missing, ocsf);
                }
            }
            (snapshot, replay) => prop_assert!(
                false,
                "snapshot and replay disagree: {:?} / {:?}",
                snapshot.as_ref().err(),
                replay.err()
            ),
        }
    }
    Ok(if snapshot.is_ok() {
        Outcome::Reported
    } else {
        Outcome::Inspected
    })
}

/// What a parse result says, without the details of an error (its message may quote a float,
/// which JSON text may give back one unit in the last place apart from the value written).
fn gist(result: &Result<Parsed, EventError>) -> String {
    match result {
        Ok(Parsed::Inspect(t)) => format!(
            "inspect {} {:?} {:?} {:?}",
            t.event_id, t.resource, t.cause, t.arn
        ),
        Ok(Parsed::Ignore { event_id, reason }) => format!("ignore {event_id}: {reason}"),
        Err(EventError::NotJson(_)) => "not JSON".to_string(),
        Err(EventError::NotObject(found)) => format!("not an object: {found}"),
        Err(EventError::Envelope { event_id, .. }) => format!("envelope of {event_id}"),
        Err(EventError::Field { event_id, .. }) => format!("field of {event_id}"),
    }
}

/// Bytes give `NotJson` exactly when they are not JSON; otherwise the same result as the value
/// they hold, checked by [`check_parsed`].
fn check_bytes(bytes: &[u8]) -> Result<Outcome, TestCaseError> {
    let result = event::parse_bytes(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => {
            prop_assert_eq!(&result, &event::parse(&value));
            check_parsed(&value, &result)
        }
        Err(_) => {
            prop_assert!(
                matches!(&result, Err(EventError::NotJson(m)) if !m.trim().is_empty()),
                "not JSON, yet: {:?}",
                result
            );
            Ok(Outcome::Rejected)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Properties.

/// The samples themselves: every event outside `events/malformed/` parses (to an inspection or
/// an acknowledged ignore, as events/README.md says), every one inside is rejected with a named
/// error, and all of them pass the same checks as the mutated ones.
#[test]
fn sample_events_parse_and_malformed_samples_are_rejected() {
    let all = samples();
    assert!(all.len() >= 20, "only {} sample events found", all.len());
    assert!(
        all.iter().any(|s| s.malformed),
        "no sample under events/malformed/"
    );
    for sample in all {
        let result = event::parse_bytes(&sample.bytes);
        if sample.malformed {
            assert!(result.is_err(), "{}: accepted: {result:?}", sample.name);
        } else {
            assert!(result.is_ok(), "{}: rejected: {result:?}", sample.name);
        }
        if let Err(e) = check_bytes(&sample.bytes) {
            panic!("{}: {e}", sample.name);
        }
    }
    assert!(!triggers().is_empty(), "no sample event is inspected");
}

/// Every example policy is valid as written.
#[test]
fn example_policies_are_valid() {
    assert!(!example_policies().is_empty(), "no example policy found");
    for (name, text) in example_policies() {
        if let Err(e) = Policy::from_toml(text, name) {
            panic!("{name}: {e}");
        }
    }
}

/// Mutations of every valid-JSON sample event (1 to 4 of: a member or element deleted, a node
/// replaced by arbitrary JSON, a member renamed or its first letter's case flipped, a subtree
/// copied over another node, a string truncated, a node wrapped in an array; and in one case in
/// five a member written twice in the text) never panic: the event parses to an inspection, an
/// ignore or a named error, and an inspection replays offline to a report or a named error
/// under the baseline and the example policies. The event's text parses as its value does
/// (the last of duplicated members wins).
#[test]
fn mutated_sample_events_give_an_inspection_or_a_named_error() {
    let tally = Tally::default();
    run("mutated sample events", 3000, mutated_event(), |case| {
        let parsed = event::parse(&case.event);
        tally.add(check_parsed(&case.event, &parsed)?);
        let from_text = event::parse_bytes(case.text.as_bytes());
        if case.duplicate.is_some() {
            check_parsed(&case.read_as, &from_text)?;
            prop_assert_eq!(gist(&from_text), gist(&event::parse(&case.read_as)));
        } else {
            prop_assert_eq!(gist(&from_text), gist(&parsed));
        }
        Ok(())
    });
    tally.print("mutated sample events");
    tally.at_least(Outcome::Rejected, 10);
    tally.at_least(Outcome::Reported, 10);
}

/// Byte-level mutations of every sample file, the invalid-JSON one included (truncation, bit
/// flips, removed bytes, inserted bytes, JSON punctuation, escapes or words): the bytes are
/// rejected as not JSON exactly when they are not JSON, and otherwise parse as their value does.
#[test]
fn mutated_sample_bytes_give_an_inspection_or_a_named_error() {
    let tally = Tally::default();
    run("mutated sample bytes", 1500, mutated_bytes(), |case| {
        tally.add(check_bytes(&case.bytes)?);
        Ok(())
    });
    tally.print("mutated sample bytes");
    tally.at_least(Outcome::Rejected, 10);
}

/// Arbitrary JSON values (up to 4 levels deep, with the member names and values the parser
/// looks for), and arbitrary event-shaped objects, never panic the parser, directly or as text.
#[test]
fn arbitrary_json_gives_an_inspection_or_a_named_error() {
    let tally = Tally::default();
    let values = prop_oneof![json(), event_shaped()];
    run("arbitrary JSON", 2000, values, |value| {
        let parsed = event::parse(value);
        tally.add(check_parsed(value, &parsed)?);
        check_bytes(value.to_string().as_bytes())?;
        Ok(())
    });
    tally.print("arbitrary JSON");
    tally.at_least(Outcome::Ignored, 1);
    tally.at_least(Outcome::Reported, 2);
}

/// Arbitrary bytes never panic `parse_bytes`: they give a named error (or, if they happen to be
/// JSON, the same result as their value).
#[test]
fn arbitrary_bytes_give_a_named_error() {
    run("arbitrary bytes", 1500, vec(any::<u8>(), 0..512), |bytes| {
        check_bytes(bytes)?;
        Ok(())
    });
}

/// Arbitrary configuration in an otherwise valid event (CloudTrail request parameters, or a
/// state change's Describe-shaped detail, with its members replaced or overridden by arbitrary
/// ones): the offline snapshot and evaluation give a report or a named error, never a panic.
#[test]
fn arbitrary_configuration_gives_a_report_or_a_named_error() {
    let tally = Tally::default();
    run(
        "arbitrary configuration",
        1500,
        configured_event(),
        |case| {
            let parsed = event::parse(&case.event);
            tally.add(check_parsed(&case.event, &parsed)?);
            Ok(())
        },
    );
    tally.print("arbitrary configuration");
    tally.at_least(Outcome::Reported, 10);
}

/// JSON nested far deeper than any event is refused by the reader's depth limit, as a named
/// error: no stack overflow (which no property could catch: it aborts the process).
#[test]
fn deeply_nested_json_is_a_named_error() {
    for depth in [200, 10_000, 1_000_000] {
        let nested = "[".repeat(depth) + &"]".repeat(depth);
        let envelope = format!(
            r#""id":"deep","source":"{SAGEMAKER_SOURCE}","detail-type":"{CLOUDTRAIL_DETAIL_TYPE}""#
        );
        let event = format!(r#"{{{envelope},"detail":{{"requestParameters":{nested}}}}}"#);
        for text in [&nested, &event] {
            match event::parse_bytes(text.as_bytes()) {
                Err(EventError::NotJson(m)) => assert!(!m.is_empty()),
                other => panic!("depth {depth}: {other:?}"),
            }
        }
    }
}

/// Mutations of every example policy (1 to 3 of: a line deleted, a value replaced by a random
/// TOML value, a line inserted or written twice, text inserted anywhere) give a policy or an
/// error naming the file and what is wrong, never a panic; a policy that loads judges every
/// sample event without a panic.
#[test]
fn mutated_policies_load_or_give_a_named_error() {
    let tally = Tally::default();
    run("mutated policies", 1000, mutated_policy(), |case| {
        tally.add(check_policy(&case.text)?);
        Ok(())
    });
    tally.print_policies("mutated policies");
    tally.at_least(Outcome::Reported, 5);
    tally.at_least(Outcome::Rejected, 10);
}

/// Arbitrary text, and arbitrary TOML documents built from the policy's tables, keys and values,
/// give a policy or a named error, never a panic.
#[test]
fn arbitrary_policies_load_or_give_a_named_error() {
    let documents = prop_oneof![
        1 => pattern("(?s).{0,200}"),
        3 => vec(toml_line(), 0..12).prop_map(|lines| lines.join("\n")),
    ];
    let tally = Tally::default();
    run("arbitrary policies", 1000, documents, |text| {
        tally.add(check_policy(text)?);
        Ok(())
    });
    tally.print_policies("arbitrary policies");
}

const ORIGIN: &str = "fuzzed-policy.toml";

/// A policy text loads (and then judges every sample trigger) or gives an error that names the
/// file and says what is wrong.
fn check_policy(text: &str) -> Result<Outcome, TestCaseError> {
    match Policy::from_toml(text, ORIGIN) {
        Ok(policy) => {
            prop_assert_eq!(policy.source.as_str(), ORIGIN);
            for trigger in triggers() {
                check_trigger(trigger, std::slice::from_ref(&policy))?;
            }
            Ok(Outcome::Reported)
        }
        Err(e) => {
            let message = e.to_string();
            let after = message.split_once(ORIGIN).map(|(_, rest)| rest);
            prop_assert!(
                after.is_some_and(|rest| !rest.trim_start_matches(':').trim().is_empty()),
                "the error does not name the file and the problem: {}",
                message
            );
            Ok(Outcome::Rejected)
        }
    }
}
