//! Credentials written in plain text into a resource's settings: the one table of what counts
//! as one, with the source of each format. Used by `no-plaintext-secrets`
//! ([`crate::controls::no_plaintext_secrets`]).
//!
//! Environment variables, hyperparameters and lifecycle scripts are readable by anyone who may
//! describe the resource (`DescribeTrainingJob`, `DescribeModel`,
//! `DescribeNotebookInstanceLifecycleConfig`), are copied into CloudTrail and into every tool that
//! inventories SageMaker, and outlive the credential's rotation. A match names the rule and the
//! setting, never the value: [`Setting`]'s `Debug` withholds it and it is never serialised.

use std::sync::OnceLock;

use regex_lite::Regex;

/// One setting to scan: where it is (`Environment.HF_TOKEN`) and its value.
#[derive(Clone, PartialEq, Eq)]
pub struct Setting {
    pub place: String,
    pub value: String,
}

impl Setting {
    pub fn new(place: impl Into<String>, value: impl Into<String>) -> Setting {
        Setting {
            place: place.into(),
            value: value.into(),
        }
    }
}

impl std::fmt::Debug for Setting {
    /// The place only: a value may be a credential.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Setting({}, {} characters withheld)",
            self.place,
            self.value.len()
        )
    }
}

/// A credential format: its name for people, and the pattern of the value.
struct Format {
    name: &'static str,
    pattern: &'static str,
}

/// Credential formats recognised in any value, each from its issuer's documentation.
const FORMATS: &[Format] = &[
    // IAM User Guide, "Unique identifier prefixes": AKIA (access key), ASIA (temporary key);
    // 16 more upper-case letters and digits 2-7.
    Format {
        name: "AWS access key id",
        pattern: r"\b(AKIA|ASIA)[A-Z2-7]{16}\b",
    },
    // RFC 7468 (PEM), and OpenSSH's and PGP's armour for private keys.
    Format {
        name: "private key",
        pattern: r"-----BEGIN ((RSA|EC|DSA|OPENSSH|ENCRYPTED) )?PRIVATE KEY-----|-----BEGIN PGP PRIVATE KEY BLOCK-----",
    },
    // GitHub Docs, "About authentication to GitHub": ghp_, gho_, ghu_, ghs_, ghr_ tokens and
    // fine-grained github_pat_ tokens.
    Format {
        name: "GitHub token",
        pattern: r"\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b",
    },
    // Slack API docs, "Token types": xoxb-, xoxp-, xoxa-, xoxr-, xoxs-.
    Format {
        name: "Slack token",
        pattern: r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
    },
    // Hugging Face Hub docs, "User access tokens": hf_ and 34 letters.
    Format {
        name: "Hugging Face token",
        pattern: r"\bhf_[A-Za-z]{34}\b",
    },
    // Google Cloud docs, "API keys": AIza and 35 more characters.
    Format {
        name: "Google API key",
        pattern: r"\bAIza[0-9A-Za-z_-]{35}\b",
    },
    // Stripe docs, "API keys": secret and restricted live keys.
    Format {
        name: "Stripe live key",
        pattern: r"\b[rs]k_live_[0-9A-Za-z]{24,}\b",
    },
    // OpenAI API reference, "Authentication": secret keys carry the `T3BlbkFJ` marker (the
    // base64 of "OpenAI"), which tells them from other `sk-` strings (gitleaks' rule does the
    // same).
    Format {
        name: "OpenAI API key",
        pattern: r"\bsk-((proj|svcacct|admin)-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}",
    },
    // RFC 3986 userinfo: a password in a URL (`postgres://app:pw@db`, an index URL with a token).
    Format {
        name: "password in a URL",
        pattern: r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@$]+@",
    },
];

/// Words that make a setting's name say it holds a credential (whole words of the name, split at
/// `_`, `-`, `.` and case changes: `HF_TOKEN`, `dbPassword`, not `TOKENIZER` or `max_tokens`).
const SECRET_WORDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "credential",
    "credentials",
];

/// Last words that make a name point at a credential rather than hold one (`SECRET_ID`,
/// `DB_SECRET_NAME`, `TOKEN_URL`).
const POINTER_WORDS: &[&str] = &[
    "name",
    "id",
    "arn",
    "path",
    "file",
    "dir",
    "uri",
    "url",
    "endpoint",
    "region",
    "param",
    "parameter",
    "length",
    "size",
    "count",
    "type",
];

/// Pairs of words that name a credential together (`API_KEY`, `private-key`, `access_key`).
const SECRET_PAIRS: &[(&str, &str)] = &[
    ("api", "key"),
    ("private", "key"),
    ("access", "key"),
    ("secret", "key"),
];

fn formats() -> &'static [(&'static str, Regex)] {
    static COMPILED: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    COMPILED.get_or_init(|| {
        FORMATS
            .iter()
            .filter_map(|f| Regex::new(f.pattern).ok().map(|r| (f.name, r)))
            .collect()
    })
}

/// The words of a setting's name, lower-cased.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        current.push(c.to_ascii_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether the name says the value is a credential.
fn named_secret(name: &str) -> bool {
    let words = words(name);
    if words
        .last()
        .is_some_and(|w| POINTER_WORDS.contains(&w.as_str()))
    {
        return false;
    }
    words.iter().any(|w| SECRET_WORDS.contains(&w.as_str()))
        || words
            .windows(2)
            .any(|p| SECRET_PAIRS.contains(&(p[0].as_str(), p[1].as_str())))
}

/// Whether the value points at a credential instead of holding one: a Secrets Manager or
/// Parameter Store reference, an environment or template variable, a file path or an S3 or web
/// location (a password in a URL is a format of its own), CloudTrail's mark for a value it
/// withheld; or is a tokenizer's special token (`<|endoftext|>`, `[PAD]`).
fn reference(value: &str) -> bool {
    let v = value.trim();
    [
        "arn:aws",
        "{{resolve:",
        "$",
        "/",
        "ssm:",
        "secretsmanager:",
        "s3://",
        "http://",
        "https://",
    ]
    .iter()
    .any(|p| v.starts_with(p))
        || v == "HIDDEN_DUE_TO_SECURITY_REASONS"
        || file_name(v)
        || (v.starts_with('<') && v.ends_with('>'))
        || (v.starts_with('[') && v.ends_with(']'))
}

/// A plausible credential: at least 8 characters, not a number, not a boolean, not a reference
/// to a secret store (surrounding quotes aside: the SDKs JSON-quote hyperparameters).
fn plausible(value: &str) -> bool {
    let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
    value.len() >= 8
        && value.parse::<f64>().is_err()
        && !["true", "false"].contains(&value.to_ascii_lowercase().as_str())
        && !reference(value)
}

/// A file's name or path (`gcp-sa.json`, `certs/client.pem`): where a credential is, not one.
fn file_name(value: &str) -> bool {
    const EXTENSIONS: [&str; 12] = [
        "json", "pem", "key", "p12", "pfx", "crt", "txt", "yaml", "yml", "ini", "cfg", "env",
    ];
    !value.contains(char::is_whitespace)
        && value
            .rsplit_once('.')
            .is_some_and(|(stem, ext)| !stem.is_empty() && EXTENSIONS.contains(&ext))
}

/// The place of a setting named `key` in the map `map` (the `i`th entry): `map.key`, unless the
/// key itself looks like a credential (a key is free text): then `map[#i]`, so the finding does
/// not carry it.
pub fn place(map: &str, key: &str, i: usize) -> String {
    let plain = key.len() <= 128
        && key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if plain && !formats().iter().any(|(_, r)| r.is_match(key)) {
        format!("{map}.{key}")
    } else {
        format!("{map}[#{i}]")
    }
}

/// `event` with the values that may hold credentials withheld (any member named `...Environment`
/// or `...HyperParameters`, lifecycle scripts' `Content`, in any casing): what the guardrail
/// keeps of an event it rejects.
pub fn withheld(event: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    let sensitive = |key: &str| {
        let key = key.to_ascii_lowercase();
        key.ends_with("environment") || key.ends_with("hyperparameters") || key == "content"
    };
    match event {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let kept = if sensitive(k) {
                        Value::String("(withheld: may hold credentials)".into())
                    } else {
                        withheld(v)
                    };
                    (k.clone(), kept)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(withheld).collect()),
        other => other.clone(),
    }
}

/// Assignments in a script or a structured value: `NAME=value`, `export NAME="a b"`,
/// `name = value` (an INI file such as `~/.aws/credentials`), `"name": "value"` (JSON),
/// `aws configure set name value`: name and value.
fn assignments(text: &str) -> Vec<(&str, &str)> {
    static PATTERNS: OnceLock<Vec<Regex>> = OnceLock::new();
    let patterns = PATTERNS.get_or_init(|| {
        [
            r#"(?m)(?:^|[\s{,;])(?:export\s+)?["']?([A-Za-z_][\w.-]*)["']?\s*[:=]\s*(?:"([^"]*)"|'([^']*)'|([^\s"',;}]+))"#,
            r"aws\s+configure\s+set\s+(\S+)\s+()()(\S+)",
        ]
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect()
    });
    patterns
        .iter()
        .flat_map(|p| p.captures_iter(text))
        .filter_map(|c| {
            let value = [2, 3, 4]
                .iter()
                .filter_map(|i| c.get(*i))
                .find(|v| !v.as_str().is_empty())?;
            Some((c.get(1)?.as_str(), value.as_str()))
        })
        .collect()
}

/// What in `setting` looks like a credential: the name of each match, never the value. A value
/// is a credential when it has a known format anywhere in it, or when its name says so (the
/// last segment of its place) and it is [`plausible`]; in a script, a plausible value assigned to
/// a variable named as a credential is one too.
pub fn credentials_in(setting: &Setting) -> Vec<&'static str> {
    let mut found: Vec<&'static str> = formats()
        .iter()
        .filter(|(_, r)| r.is_match(&setting.value))
        .map(|(name, _)| *name)
        .collect();
    if !found.is_empty() {
        return found;
    }
    let name = setting.place.rsplit(['.', ' ']).next().unwrap_or_default();
    if named_secret(name) && plausible(&setting.value) {
        found.push("value of a setting named as a credential");
    } else if assignments(&setting.value)
        .iter()
        .any(|(name, value)| named_secret(name) && plausible(value))
    {
        found.push("value assigned to a variable named as a credential");
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each format on a value built to match it (not a real credential), and the near misses a
    /// scanner must let through.
    #[test]
    fn formats_and_names_are_recognised_and_near_misses_are_not() {
        let aws = format!("AKIA{}", "IOSFODNN7EXAMPLE");
        let hf = format!("hf_{}", "a".repeat(34));
        let github = format!("ghp_{}", "A1b2".repeat(9));
        let pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIE...";
        let script =
            "#!/bin/bash\nset -e\nexport DB_PASSWORD='correct-horse-battery'\npip install x\n";
        let harmless = "#!/bin/bash\nexport MAX_TOKENS=4096\nTOKEN_FILE=$HOME/.token\n";
        let ini = "cat > ~/.aws/credentials <<EOF\n[default]\naws_secret_access_key = abcdEFGHijklMNOPqrstUVWXyz0123456789abcd\nEOF\n";
        let json = r#"{"host": "db", "password": "correct horse battery"}"#;
        let cases: [(&str, &str, &[&str]); 27] = [
            (
                "lifecycle configuration idle OnStart script",
                ini,
                &["value assigned to a variable named as a credential"],
            ),
            (
                "Environment.DB_CONFIG",
                json,
                &["value assigned to a variable named as a credential"],
            ),
            (
                "script",
                "aws configure set aws_secret_access_key abcdEFGHijklMNOP",
                &["value assigned to a variable named as a credential"],
            ),
            (
                "Environment.DATABASE_URL",
                "postgres://app:s3cr3t@db.internal:5432/app",
                &["password in a URL"],
            ),
            (
                "Environment.DB_PASS",
                "correct-horse-battery",
                &["value of a setting named as a credential"],
            ),
            ("Environment.SECRET_ID", "my-app-db-secret", &[]),
            ("Environment.DB_SECRET_NAME", "prod/db/credentials", &[]),
            (
                "Environment.TOKEN_URL",
                "https://auth.example.com/token",
                &[],
            ),
            (
                "Environment.GOOGLE_APPLICATION_CREDENTIALS",
                "gcp-sa.json",
                &[],
            ),
            ("HyperParameters.eos_token", "\"<|endoftext|>\"", &[]),
            (
                "HyperParameters.sagemaker_job_name",
                "\"sk-learn-random-forest-2024-01-01-12-00-00\"",
                &[],
            ),
            (
                "lifecycle configuration idle OnStart script",
                script,
                &["value assigned to a variable named as a credential"],
            ),
            ("lifecycle configuration idle OnStart script", harmless, &[]),
            (
                "Environment.AWS_ACCESS_KEY_ID",
                aws.as_str(),
                &["AWS access key id"],
            ),
            (
                "Environment.CONFIG",
                &format!("key={aws} region=us-east-1"),
                &["AWS access key id"],
            ),
            ("Environment.HF_TOKEN", hf.as_str(), &["Hugging Face token"]),
            ("HyperParameters.repo", github.as_str(), &["GitHub token"]),
            ("script on-start", pem, &["private key"]),
            (
                "Environment.DB_PASSWORD",
                "correct-horse-battery",
                &["value of a setting named as a credential"],
            ),
            (
                "Environment.dbPassword",
                "correct-horse-battery",
                &["value of a setting named as a credential"],
            ),
            (
                "Environment.WANDB_API_KEY",
                "0123456789abcdef0123",
                &["value of a setting named as a credential"],
            ),
            (
                "Environment.DB_PASSWORD",
                "arn:aws:secretsmanager:us-east-1:123456789012:secret:db",
                &[],
            ),
            ("Environment.HF_TOKEN", "$HF_TOKEN", &[]),
            ("HyperParameters.max_tokens", "4096", &[]),
            ("Environment.TOKENIZER", "meta-llama/Llama-3-8B", &[]),
            ("Environment.SAGEMAKER_PROGRAM", "train.py", &[]),
            ("Environment.AWS_REGION", "AKIA-not-a-key", &[]),
        ];
        for (place, value, want) in cases {
            assert_eq!(credentials_in(&Setting::new(place, value)), want, "{place}");
        }
    }

    /// A key that is itself a credential is not named; a rejected event keeps none of the maps.
    #[test]
    fn keys_and_rejected_events_do_not_carry_credentials() {
        let token = format!("hf_{}", "a".repeat(34));
        assert_eq!(place("HyperParameters", "lr", 0), "HyperParameters.lr");
        assert_eq!(place("HyperParameters", &token, 3), "HyperParameters[#3]");
        assert_eq!(
            place("HyperParameters", "--db-password=hunter2x", 4),
            "HyperParameters[#4]"
        );
        let optimization = serde_json::json!({"optimizationEnvironment": {"HF_TOKEN": token.clone()},
            "optimizationConfigs": [{"modelShardingConfig": {"overrideEnvironment": {"K": token.clone()}}}]});
        assert!(!withheld(&optimization).to_string().contains(&token));
        let event = serde_json::json!({"detail": {"requestParameters": {
            "trainingJobName": "t", "hyperParameters": {"hf_token": token.clone()},
            "environment": {"X": "y"}}}});
        let kept = withheld(&event).to_string();
        assert!(
            !kept.contains(&token) && kept.contains("trainingJobName"),
            "{kept}"
        );
    }

    #[test]
    fn a_setting_never_shows_its_value() {
        let setting = Setting::new("Environment.DB_PASSWORD", "correct-horse-battery");
        let shown = format!("{setting:?}");
        assert!(!shown.contains("horse"), "{shown}");
        assert!(shown.contains("Environment.DB_PASSWORD"));
    }

    #[test]
    fn every_format_compiles() {
        assert_eq!(formats().len(), FORMATS.len());
    }
}
