//! Who manages a KMS key, for the KMS controls: `DescribeKey`'s `KeyManager`. A key's manager
//! never changes, so answers are cached for the life of the container.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use aws_sdk_kms::types::KeyManagerType;

use super::classify;
use crate::ports::AwsError;
use crate::resource::KeyManager;

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

    /// The manager of each key (by key ARN). A key KMS will not describe (access denied, not
    /// found) is `Unknown` with the reason; an error retrying can fix fails the call.
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
