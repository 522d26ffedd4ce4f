//! The re-check queue as a sweep's options hold it: [`Rechecks`], made object-safe.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::inspector::Recheck;
use crate::ports::{AwsError, Rechecks};

/// [`Rechecks`] for a sweep's options (object-safe).
pub trait QueueRecheck: Send + Sync + std::fmt::Debug {
    fn queue<'a>(
        &'a self,
        recheck: &'a Recheck,
        delay: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<(), AwsError>> + Send + 'a>>;
}

impl<T: Rechecks + std::fmt::Debug> QueueRecheck for T {
    fn queue<'a>(
        &'a self,
        recheck: &'a Recheck,
        delay: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<(), AwsError>> + Send + 'a>> {
        Box::pin(Rechecks::later(self, recheck, delay))
    }
}

impl Rechecks for std::sync::Arc<dyn QueueRecheck> {
    async fn later(&self, recheck: &Recheck, delay: Duration) -> Result<(), AwsError> {
        // The queue behind the pointer (the pointer is a `QueueRecheck` too, through this).
        (**self).queue(recheck, delay).await
    }
}
