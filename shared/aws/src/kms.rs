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

    /// The manager of each key (by key ARN). An error retrying can fix fails the call. Access
    /// denied means customer managed: the key policy of every AWS managed key lets all
    /// principals of its account call `kms:Describe*`, and the functions' roles hold
    /// `kms:DescribeKey`, so only a customer's key policy refuses it (judging such a key
    /// "cannot verify" would stop compliant workloads under `on_error = "act"`). Any other
    /// refusal (not found...) is `Unknown` with the reason.
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
                        warn!(key = arn, error = %e, "DescribeKey refused by the key policy: a customer managed key");
                        KeyManager::Customer
                    } else {
                        KeyManager::Unknown {
                            reason: e.to_string(),
                        }
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
