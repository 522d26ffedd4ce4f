//! Property-based tests of template judging (`guardrail iac`): whatever a file holds (a template
//! of `tests/iac/` with lines removed, repeated, cut or changed, or arbitrary text), parsing
//! gives a template or an error naming the file and a line, and judging a template gives
//! reports, never a panic.
//!
//! Needs no emulator. The inputs are new on every run (set `PROPTEST_RNG_SEED` to repeat one;
//! `PROPTEST_CASES` sets the number of cases).

use std::path::{Path, PathBuf};

use guardrail_core::iac::{self, cfn, Deployment};
use guardrail_core::Policy;
use proptest::prelude::*;

fn templates() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("iac");
    let mut out = Vec::new();
    for dir in ["templates", "corpus"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((path.display().to_string(), text));
        }
    }
    assert!(out.len() >= 8, "{} templates", out.len());
    out
}

/// A change to a template's lines.
#[derive(Debug, Clone)]
enum Edit {
    Remove(usize),
    Repeat(usize),
    Cut(usize, usize),
    Replace(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    let fragment = prop_oneof![
        Just("!Ref".to_string()),
        Just("!GetAtt X.".to_string()),
        Just("{\"Fn::If\": [\"C\", 1]}".to_string()),
        Just("!Sub '${".to_string()),
        Just("- - -".to_string()),
        Just("Type: AWS::SageMaker::Endpoint".to_string()),
        Just("  Properties: 7".to_string()),
        "[ -~]{0,40}",
    ];
    prop_oneof![
        any::<usize>().prop_map(Edit::Remove),
        any::<usize>().prop_map(Edit::Repeat),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::Cut(a, b)),
        (any::<usize>(), fragment).prop_map(|(a, t)| Edit::Replace(a, t)),
    ]
}

fn apply(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        if lines.is_empty() {
            break;
        }
        let at = |i: &usize| i % lines.len();
        match edit {
            Edit::Remove(i) => {
                let i = at(i);
                lines.remove(i);
            }
            Edit::Repeat(i) => {
                let i = at(i);
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            Edit::Cut(i, n) => {
                let i = at(i);
                let keep = n % (lines[i].chars().count() + 1);
                lines[i] = lines[i].chars().take(keep).collect();
            }
            Edit::Replace(i, fragment) => {
                let i = at(i);
                lines[i] = fragment.clone();
            }
        }
    }
    lines.join("\n")
}

/// Parses and, when it is a template, judges `text` under the baseline and example policies.
fn check(file: &str, text: &str) -> Result<(), TestCaseError> {
    match cfn::parse(file, text) {
        Err(e) => {
            prop_assert_eq!(&e.file, file);
            prop_assert!(e.line >= 1, "{e}");
        }
        Ok(template) => {
            let example = std::fs::read_to_string(
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/policy.example.toml"),
            )
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let policies = [
                Policy::baseline(),
                Policy::from_toml(&example, "example")
                    .map_err(|e| TestCaseError::fail(e.to_string()))?,
            ];
            for policy in &policies {
                let judged = iac::judge(&template, &Deployment::default(), policy);
                for j in &judged.judged {
                    prop_assert!(!j.report.results.is_empty());
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn an_edited_template_is_judged_or_named_as_an_error(
        index in any::<usize>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let all = templates();
        let (file, text) = &all[index % all.len()];
        check(file, &apply(text, &edits))?;
    }

    #[test]
    fn arbitrary_text_is_never_a_panic(text in "(\\PC|\\n|\\t){0,400}") {
        check("arbitrary.yaml", &text)?;
    }

    #[test]
    fn deep_nesting_is_an_error(depth in 129usize..5000) {
        let text = format!("Resources: {}{}", "[".repeat(depth), "]".repeat(depth));
        prop_assert!(cfn::parse("deep.yaml", &text).is_err());
    }
}
