//! The process environment, read in one place with one rule: a value is trimmed, and an empty
//! value is the same as an unset one. Every variable the functions and the CLI read is parsed
//! here, so the same text means the same thing everywhere, and a value that is not one of the
//! allowed ones is an error naming the variable and what it accepts.

use std::collections::BTreeMap;

/// A snapshot of environment variables (the process's, or given ones in tests).
#[derive(Debug, Clone, Default)]
pub struct Environment {
    vars: BTreeMap<String, String>,
}

impl Environment {
    /// The process environment, read once.
    pub fn from_process() -> Environment {
        Environment::from_pairs(std::env::vars())
    }

    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Environment {
        Environment {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }

    /// The same variables with `name` set to `value`.
    pub fn with(&self, name: &str, value: impl Into<String>) -> Environment {
        let mut vars = self.vars.clone();
        vars.insert(name.to_string(), value.into());
        Environment { vars }
    }

    /// The trimmed value of `name`; `None` when unset or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars
            .get(name)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// The value of `name`, or an error saying why it is needed.
    pub fn require(&self, name: &str, why: &str) -> Result<&str, String> {
        self.get(name)
            .ok_or_else(|| format!("{name} is not set: {why}"))
    }

    /// `SECURITY_HUB=on|off` (default off).
    pub fn security_hub(&self) -> Result<bool, String> {
        match self.get("SECURITY_HUB") {
            Some("on") => Ok(true),
            Some("off") | None => Ok(false),
            Some(other) => Err(format!("SECURITY_HUB must be `on` or `off`, not `{other}`")),
        }
    }

    /// `MEMBER_ROLE_NAME` + `MEMBER_EXTERNAL_ID`: both (the role assumed in member accounts and
    /// its external id) or neither.
    pub fn member_role(&self) -> Result<Option<(String, String)>, String> {
        match (self.get("MEMBER_ROLE_NAME"), self.get("MEMBER_EXTERNAL_ID")) {
            (Some(name), Some(id)) => Ok(Some((name.to_string(), id.to_string()))),
            (None, None) => Ok(None),
            (Some(_), None) => Err("MEMBER_ROLE_NAME is set without MEMBER_EXTERNAL_ID: the \
                                    member role's trust policy requires the external id"
                .into()),
            (None, Some(_)) => Err("MEMBER_EXTERNAL_ID is set without MEMBER_ROLE_NAME".into()),
        }
    }

    /// A comma-separated list (entries trimmed, empty ones dropped).
    pub fn list(&self, name: &str) -> Vec<String> {
        self.get(name)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .collect()
    }
}

/// `ORGANIZATION_ID` (`o-` and 10 to 32 lower-case letters or digits), when set: the
/// organisation whose accounts the functions reach.
pub fn organization_id(env: &Environment) -> Result<Option<&str>, String> {
    match env.get("ORGANIZATION_ID") {
        None => Ok(None),
        Some(id) => match id.strip_prefix("o-") {
            Some(rest)
                if (10..=32).contains(&rest.len())
                    && rest
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()) =>
            {
                Ok(Some(id))
            }
            _ => Err(format!(
                "ORGANIZATION_ID must be an AWS Organizations id (o-...), not `{id}`"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One trimming rule and one meaning for each value, whoever reads it.
    #[test]
    fn values_are_trimmed_blank_is_unset_and_unknown_values_are_errors() {
        let env = Environment::from_pairs([
            ("ALERT_TOPIC_ARN", "  arn:aws:sns:us-east-1:1:t \n"),
            ("FINDINGS_TABLE", "   "),
            ("SECURITY_HUB", " on "),
            ("SWEEP_REGIONS", " us-east-1, ,eu-west-1 "),
        ]);
        assert_eq!(
            env.get("ALERT_TOPIC_ARN"),
            Some("arn:aws:sns:us-east-1:1:t")
        );
        assert_eq!(env.get("FINDINGS_TABLE"), None);
        let missing = env.require("FINDINGS_TABLE", "findings are stored in DynamoDB");
        assert_eq!(
            missing,
            Err("FINDINGS_TABLE is not set: findings are stored in DynamoDB".into())
        );
        assert_eq!(env.security_hub(), Ok(true));
        assert_eq!(env.list("SWEEP_REGIONS"), ["us-east-1", "eu-west-1"]);
        // `yes` is neither `on` nor `off`: an error everywhere, never silently off.
        let yes = Environment::from_pairs([("SECURITY_HUB", "yes")]);
        assert!(yes
            .security_hub()
            .is_err_and(|e| e.contains("`on` or `off`")));
        let half = Environment::from_pairs([("MEMBER_ROLE_NAME", "Guardrail")]);
        assert!(half.member_role().is_err());
        assert_eq!(Environment::default().member_role(), Ok(None));
    }
}
