//! The allow-list some controls share: `[controls.ID] allowed = [...]`. Absent, the control does
//! not apply (the policy names nothing to allow); empty, nothing is allowed; a resource without
//! the setting passes.

use serde::Deserialize;

use super::{Check, ControlId, Invalid, Mode, Severity};

/// `[controls.ID]` of a control with an allow-list.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowEntry {
    mode: Option<Mode>,
    severity: Option<Severity>,
    allowed: Option<Vec<String>>,
}

impl super::Entry for AllowEntry {
    fn levels(&self) -> (Option<Mode>, Option<Severity>) {
        (self.mode, self.severity)
    }
}

/// The validated list; `None`: the policy has none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowed {
    pub list: Option<Vec<String>>,
}

impl Allowed {
    /// The entry's list, each value checked by `valid` (an error says what is wrong with it).
    pub fn read(
        id: ControlId,
        entry: AllowEntry,
        valid: fn(&str) -> Result<(), String>,
    ) -> Result<Allowed, Invalid> {
        for (i, value) in entry.allowed.iter().flatten().enumerate() {
            valid(value).map_err(|why| (format!("controls.{id}.allowed[{i}]"), why))?;
        }
        Ok(Allowed {
            list: entry.allowed,
        })
    }

    /// The list, or why the control does not apply.
    pub fn or_not_applicable(&self, id: ControlId, what: &str) -> Result<&[String], Check> {
        self.list.as_deref().ok_or_else(|| {
            Check::not_applicable(format!(
                "the policy lists no allowed {what} (controls.{id}.allowed)"
            ))
        })
    }

    /// `value` (`None`: the resource has none, a pass) against the list, compared without case.
    pub fn judge(list: &[String], value: Option<&str>, what: &str) -> Check {
        let Some(value) = value else {
            return Check::pass(format!("no {what}"));
        };
        let expected = if list.is_empty() {
            format!("no {what}")
        } else {
            format!("no {what}, or one of: {}", list.join(", "))
        };
        Check::flag(
            list.iter().any(|a| a.eq_ignore_ascii_case(value)),
            format!("{what} {value}"),
            &expected,
        )
    }
}
