//! Who manages a KMS key, for the KMS controls: `DescribeKey`'s `KeyManager`. A key's manager
//! never changes, so answers are cached for the life of the container.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use aws_sdk_kms::types::KeyManagerType;

use tracing::warn;

use super::classify;
use guardrail_core::ports::AwsError;
use guardrail_core::resource::KeyManager;

/// Asks KMS who manages keys, with a cache shared by clones.
#[derive(Debug, Clone)]
pub struct KmsKeys {
    client: aws_sdk_kms::Client,
    known: Arc<Mutex<HashMap<String, KeyManager>>>,
}

impl KmsKeys {
    pub fn new(client: aws_sdk_kms::Client) -> KmsKeys {
        KmsKeys {
            client,
            known: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    fn cached(&self, arn: &str) -> Option<KeyManager> {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known.get(arn).cloned()
    }

    /// The manager of each key (by key ARN). An error retrying can fix fails the call. A
    /// refusal by the key policy means customer managed: the key policy of every AWS managed
    /// key lets all principals of its account call `kms:Describe*`, so only a customer's key
    /// policy refuses it (see [`denied_by`]). A refusal by anything else (an SCP, a
    /// permissions boundary, the role's own policy, an out-of-date member stack) proves
    /// nothing about the key: `Unknown`, never cached, so the next inspection asks again. Any
    /// other refusal (not found...) is `Unknown` with the reason.
    pub async fn managers(
        &self,
        arns: &[String],
    ) -> Result<BTreeMap<String, KeyManager>, AwsError> {
        let mut out = BTreeMap::new();
        for arn in arns {
            if let Some(manager) = self.cached(arn) {
                out.insert(arn.clone(), manager);
                continue;
            }
            let described = self.client.describe_key().key_id(arn).send().await;
            let manager = match described {
                Ok(o) => match o.key_metadata().and_then(|m| m.key_manager()) {
                    Some(KeyManagerType::Aws) => KeyManager::Aws,
                    Some(KeyManagerType::Customer) => KeyManager::Customer,
                    other => KeyManager::Unknown {
                        reason: format!("KeyManager {other:?}"),
                    },
                },
                Err(e) => {
                    let e = classify("DescribeKey", e);
                    if e.retryable {
                        return Err(e);
                    }
                    if e.code == "AccessDeniedException" {
                        let manager = denied_by(&e.message);
                        warn!(key = arn, error = %e, ?manager, "DescribeKey refused");
                        // A denial is never cached: permissions change.
                        out.insert(arn.clone(), manager);
                        continue;
                    }
                    KeyManager::Unknown {
                        reason: e.to_string(),
                    }
                }
            };
            if !matches!(manager, KeyManager::Unknown { .. }) {
                let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
                known.insert(arn.clone(), manager.clone());
            }
            out.insert(arn.clone(), manager);
        }
        Ok(out)
    }
}

/// Who a `DescribeKey` refusal says manages the key, from the reason AWS gives in the message
/// ("Access denied error messages", IAM User Guide): a key policy ("resource-based policy")
/// refusing or denying it is a customer's, since every AWS managed key's policy lets its account
/// describe it; any other refusal, or one that names no policy, cannot tell.
pub fn denied_by(message: &str) -> KeyManager {
    if message.contains("resource-based policy") {
        KeyManager::Customer
    } else {
        KeyManager::Unknown {
            reason: format!(
                "cannot verify who manages the key: DescribeKey was refused, not by the key \
                 policy (an SCP, a permissions boundary, the role's policy or an out-of-date \
                 member stack): {message}"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PREFIX: &str = "User: arn:aws:sts::111122223333:assumed-role/guardrail-inspector/i is \
         not authorized to perform: kms:DescribeKey on resource: \
         arn:aws:kms:us-east-1:111122223333:key/1111aaaa-22bb-33cc-44dd-555555eeeeee";

    /// Only the key policy's refusal marks a customer managed key; an SCP, a boundary or the
    /// role's own policy refusing the call says nothing about the key (an AWS managed key named
    /// by ARN would otherwise pass).
    #[test]
    fn only_a_key_policy_refusal_marks_a_customer_managed_key() {
        for by_the_key in [
            "because no resource-based policy allows the kms:DescribeKey action",
            "with an explicit deny in a resource-based policy",
        ] {
            assert_eq!(
                denied_by(&format!("{PREFIX} {by_the_key}")),
                KeyManager::Customer
            );
        }
        for elsewhere in [
            "with an explicit deny in a service control policy",
            "because no permissions boundary allows the kms:DescribeKey action",
            "because no identity-based policy allows the kms:DescribeKey action",
            "with an explicit deny in a session policy",
            "",
        ] {
            let manager = denied_by(&format!("{PREFIX} {elsewhere}"));
            assert!(
                matches!(manager, KeyManager::Unknown { .. }),
                "{elsewhere}: {manager:?}"
            );
        }
    }
}
