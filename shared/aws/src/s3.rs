//! [`PolicyObjects`] on S3: the policy object read with `GetObject`, conditionally on its last
//! ETag (`If-None-Match`), so a check that finds nothing changed transfers nothing, and only from
//! a bucket of the deployment's own account (`ExpectedBucketOwner`): a bucket deleted and
//! re-created under the same name by another account is never read.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::get_object::GetObjectError;

use super::classify;
use guardrail_core::policy_source::{Fetched, PolicyLocation};
use guardrail_core::ports::{AwsError, PolicyObjects};

#[derive(Debug, Clone)]
pub struct S3PolicyObjects {
    client: aws_sdk_s3::Client,
    /// The account that must own the bucket.
    owner: Option<String>,
}

impl S3PolicyObjects {
    pub fn new(client: aws_sdk_s3::Client, owner: Option<String>) -> S3PolicyObjects {
        S3PolicyObjects { client, owner }
    }
}

impl PolicyObjects for S3PolicyObjects {
    async fn fetch(
        &self,
        location: &PolicyLocation,
        known: Option<&str>,
    ) -> Result<Fetched, AwsError> {
        let sent = self
            .client
            .get_object()
            .bucket(&location.bucket)
            .key(&location.key)
            .set_if_none_match(known.map(str::to_string))
            .set_expected_bucket_owner(self.owner.clone())
            .send()
            .await;
        let out = match sent {
            Ok(out) => out,
            Err(e) if status(&e) == Some(304) => return Ok(Fetched::Unchanged),
            Err(e) if matches!(e.code(), Some("NoSuchKey" | "NoSuchBucket")) => {
                return Ok(Fetched::Missing)
            }
            Err(e) if e.code() == Some("AccessDenied") => {
                let mut denied = classify("GetObject", e);
                denied.message = format!(
                    "{}: without s3:ListBucket S3 answers a missing object so too; upload the \
                     policy, or grant the function s3:GetObject on it (a bucket of another \
                     account is refused as well)",
                    denied.message
                );
                return Err(denied);
            }
            Err(e) => return Err(classify("GetObject", e)),
        };
        let etag = out.e_tag().unwrap_or_default().to_string();
        let version_id = out.version_id().map(str::to_string);
        let bytes = out.body.collect().await.map_err(|e| AwsError {
            operation: "GetObject",
            code: "Response".into(),
            message: format!("reading the policy {location}: {e}"),
            retryable: true,
        })?;
        let text = String::from_utf8(bytes.to_vec()).map_err(|e| AwsError {
            operation: "GetObject",
            code: "InvalidPolicyText".into(),
            message: format!("the policy {location} is not UTF-8 text: {e}"),
            retryable: false,
        })?;
        Ok(Fetched::Object {
            text,
            etag,
            version_id,
        })
    }
}

/// The HTTP status of a response that came back as an error (S3 answers a matching
/// `If-None-Match` with 304 Not Modified, which the SDK reports as an error).
fn status(err: &SdkError<GetObjectError>) -> Option<u16> {
    err.raw_response().map(|r| r.status().as_u16())
}
