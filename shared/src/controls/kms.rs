//! KMS key references as SageMaker reports them, shared by `volume-kms` and `output-kms`.
//!
//! SageMaker accepts a key id, a key ARN, an alias name (`alias/x`) or an alias ARN. Matching
//! against the allow-list compares key ids with key ids and alias names with alias names, so
//! `alias/ml-data` in the policy matches `arn:aws:kms:us-east-1:111122223333:alias/ml-data` on the
//! resource. An alias is not resolved to its key (that would need KMS access); list the form your
//! teams use. Aliases under `alias/aws/` are AWS managed keys and never count as customer keys.

use super::Check;
use crate::policy::KmsSettings;

#[derive(Debug, PartialEq, Eq)]
enum KeyRef<'a> {
    Key(&'a str),
    Alias(&'a str),
}

fn parse(value: &str) -> Option<KeyRef<'_>> {
    let value = value.trim();
    let resource = if value.starts_with("arn:") {
        // arn:PARTITION:kms:REGION:ACCOUNT:key/ID or ...:alias/NAME
        let mut parts = value.splitn(6, ':');
        let (_, _, service) = (parts.next(), parts.next(), parts.next());
        if service != Some("kms") {
            return None;
        }
        parts.nth(2)?
    } else {
        value
    };
    if let Some(name) = resource.strip_prefix("alias/") {
        return (!name.is_empty()).then_some(KeyRef::Alias(name));
    }
    let id = resource.strip_prefix("key/").unwrap_or(resource);
    let id_like = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_hexdigit() || c == '-' || c == 'm' || c == 'r' || c == 'k');
    id_like.then_some(KeyRef::Key(id))
}

/// Whether `value` is a KMS key reference SageMaker would accept (policy validation).
pub fn is_key_reference(value: &str) -> bool {
    parse(value).is_some()
}

/// Checks one key setting: present, customer managed, and in the allow-list if there is one.
pub(crate) fn check_key(observed: Option<&str>, settings: &KmsSettings, what: &str) -> Check {
    let expected = if settings.allowed_keys.is_empty() {
        format!("{what} encrypted with a customer managed KMS key")
    } else {
        format!(
            "{what} encrypted with an allowed KMS key ({})",
            settings.allowed_keys.join(", ")
        )
    };
    let Some(key) = observed.map(str::trim).filter(|k| !k.is_empty()) else {
        return Check::fail("no KMS key (AWS managed key used)", expected);
    };
    let Some(parsed) = parse(key) else {
        return Check::cannot(format!(
            "`{key}` is not a KMS key reference this version understands"
        ));
    };
    if let KeyRef::Alias(name) = parsed {
        if name.starts_with("aws/") {
            return Check::fail(format!("AWS managed key {key}"), expected);
        }
    }
    let allowed = settings.allowed_keys.is_empty()
        || settings
            .allowed_keys
            .iter()
            .any(|a| a == key || parse(a).is_some_and(|a| a == parsed));
    Check::flag(allowed, key, &expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee";

    fn settings(keys: &[&str]) -> KmsSettings {
        KmsSettings {
            allowed_keys: keys.iter().map(|k| k.to_string()).collect(),
        }
    }

    #[test]
    fn recognises_every_form_sagemaker_accepts() {
        for ok in [
            ARN,
            "1111aaaa-22bb-33cc-44dd-555555eeeeee",
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "alias/ml-data",
            "arn:aws:kms:us-east-1:123456789012:alias/ml-data",
            "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee",
        ] {
            assert!(is_key_reference(ok), "{ok}");
        }
        for bad in ["", "my key", "arn:aws:s3:::bucket", "alias/", "key/"] {
            assert!(!is_key_reference(bad), "{bad}");
        }
    }

    #[test]
    fn allow_list_matches_ids_with_ids_and_aliases_with_aliases() {
        let by_id = settings(&["1111aaaa-22bb-33cc-44dd-555555eeeeee"]);
        assert!(matches!(
            check_key(Some(ARN), &by_id, "volume"),
            Check::Pass { .. }
        ));
        let by_alias = settings(&["alias/ml-data"]);
        assert!(matches!(
            check_key(
                Some("arn:aws:kms:us-east-1:123456789012:alias/ml-data"),
                &by_alias,
                "volume"
            ),
            Check::Pass { .. }
        ));
        assert!(matches!(
            check_key(Some(ARN), &by_alias, "volume"),
            Check::Fail { .. }
        ));
    }

    #[test]
    fn aws_managed_and_missing_keys_fail_and_garbage_cannot_be_evaluated() {
        let any = settings(&[]);
        assert!(matches!(
            check_key(Some("alias/aws/sagemaker"), &any, "v"),
            Check::Fail { .. }
        ));
        assert!(matches!(check_key(None, &any, "v"), Check::Fail { .. }));
        assert!(matches!(
            check_key(Some("  "), &any, "v"),
            Check::Fail { .. }
        ));
        assert!(matches!(
            check_key(Some("not a key"), &any, "v"),
            Check::CannotEvaluate { .. }
        ));
    }
}
