//! Containing a Studio domain, user profile or space. It has no stop of its own: its running apps
//! are judged one by one on the settings they run with (a profile or a space may override the
//! default that fails), and only those that fail are deleted, with those an app cannot carry
//! itself (a space's remote access): its scope's failure of such a control is the app's. A
//! domain whose defaults fail but whose running apps all pass is alerted, never emptied; the
//! apps created later are judged on their own `CreateApp`. An app that cannot be judged or acted
//! on (an unknown status) is never taken as passing: the containment fails.

use futures::StreamExt;
use tracing::info;

use super::{judge, now, Inspector};
use crate::controls::ControlId;
use crate::finding::Status;
use crate::ports::{AwsError, Ports, Remediator, ResourceReader};
use crate::remediation::Action;
use crate::remediation::Plan;
use crate::report::ActionResult;
use crate::resource::ResourceId;
use crate::resource::ResourceKind;

/// Apps judged and deleted at once.
const CONCURRENCY: usize = 4;

/// Whether `id` is contained app by app.
pub(super) fn contains_apps(id: &ResourceId) -> bool {
    use crate::resource::ResourceKind::{Domain, Space, UserProfile};
    matches!(id.kind, Domain | UserProfile | Space)
}

impl<P: Ports> Inspector<P> {
    /// Deletes the running apps of `scope` that fail on their own settings. Every app is tried;
    /// the first error is returned (the retry judges the rest again). Done when at least one was
    /// deleted or none runs; spared when every running app passes.
    pub(super) async fn contain_apps(
        &self,
        scope: &ResourceId,
        failing: &[ControlId],
    ) -> Result<ActionResult, AwsError> {
        let apps = self.sagemaker.running_apps(scope).await?;
        let policy = self.policy.current();
        let today = now().1;
        let judged: Vec<Result<Option<(String, bool)>, AwsError>> = futures::stream::iter(apps)
            .map(|app| {
                let policy = &policy;
                async move {
                    let Some(snapshot) = self.observe(&app, &Default::default()).await? else {
                        return Ok(None);
                    };
                    let (results, plan) = judge(&snapshot, policy, today);
                    let lacks = Some(crate::facets::no_such_setting(ResourceKind::App));
                    let scope_only = results.iter().any(|r| {
                        failing.contains(&r.control)
                            && r.status == Status::NotApplicable
                            && r.reason == lacks
                    });
                    let refused = |code: &str, message: String, retryable| AwsError {
                        operation: "DeleteApp",
                        code: code.into(),
                        message,
                        retryable,
                    };
                    let action = match plan {
                        Plan::Act { action } => action,
                        Plan::Nothing | Plan::AuditOnly { .. } | Plan::Disabled { .. }
                            if scope_only =>
                        {
                            Action::Stop(ResourceKind::App)
                        }
                        Plan::Nothing | Plan::AuditOnly { .. } | Plan::Disabled { .. } => {
                            return Ok(Some((app.name, false)))
                        }
                        Plan::AlreadyInactive { .. } => return Ok(None),
                        // A failing app still starting cannot be deleted yet: the retry does.
                        Plan::Defer { status, .. } => {
                            let message =
                                format!("{} is {status}: deleted once it is up", app.name);
                            return Err(refused("ResourceInUse", message, true));
                        }
                        Plan::CannotAct { status } => {
                            let message = format!(
                                "{} is in status {status}, which this version does not know",
                                app.name
                            );
                            return Err(refused("UnknownStatus", message, false));
                        }
                    };
                    match self.sagemaker.remediate(&app, &action).await {
                        Err(e) if !e.is_not_found() => Err(e),
                        _ => Ok(Some((app.name, true))),
                    }
                }
            })
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let (mut deleted, mut spared) = (Vec::new(), Vec::new());
        for result in judged {
            match result? {
                Some((name, true)) => deleted.push(name),
                Some((name, false)) => spared.push(name),
                None => {}
            }
        }
        deleted.sort();
        spared.sort();
        info!(scope = %scope.arn(), ?deleted, ?spared, "apps judged one by one");
        if deleted.is_empty() && !spared.is_empty() {
            return Ok(ActionResult::Spared {
                detail: format!(
                    "its {} running app(s) pass on their own settings and were kept ({})",
                    spared.len(),
                    spared.join(", ")
                ),
            });
        }
        Ok(ActionResult::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{actions, in_status, inspector, Result};
    use crate::controls::fixtures::{app_with, domain, secure_domain};
    use crate::kinds::domain::{Sharing, StudioSettings};
    use crate::report::{ActionOutcome, Report};
    use crate::resource::{Dependency, Snapshot};
    use crate::Outcome;

    /// Notebook sharing allowed with no key: `output-kms` fails.
    fn open_sharing() -> Option<Sharing> {
        Some(Sharing {
            output: "Allowed".into(),
            kms_key_id: None,
        })
    }

    /// A domain `d-abc` whose default user settings share notebook output unencrypted.
    fn failing_default() -> Snapshot {
        let mut d = in_status(
            domain(|d| d.user_defaults.sharing = open_sharing()),
            "InService",
        );
        d.id.name = "d-abc".into();
        d.arn = d.id.arn();
        d
    }

    /// `user`'s running JupyterLab app in that domain, its profile setting `own`.
    fn app_of(user: &str, own: StudioSettings) -> Snapshot {
        let mut defaults = secure_domain();
        defaults.user_defaults.sharing = open_sharing();
        let domain = Dependency::Found {
            name: "d-abc".into(),
            value: Box::new(defaults),
        };
        let mut app = in_status(app_with(domain, own), "InService");
        app.id.name = format!("d-abc/{user}/JupyterLab/default");
        app.arn = app.id.arn();
        app
    }

    /// A profile that turns sharing off: its apps pass whatever the domain's default says.
    fn no_sharing() -> StudioSettings {
        StudioSettings {
            sharing: Some(Sharing {
                output: "Disabled".into(),
                kms_key_id: None,
            }),
            ..StudioSettings::default()
        }
    }

    fn report(outcome: Outcome) -> Result<Box<Report>> {
        match outcome {
            Outcome::Evaluated { report, .. } => Ok(report),
            other => Err(format!("not evaluated: {other:?}").into()),
        }
    }

    /// Case 7 of issue 19: a domain failing only on a default its running apps override is
    /// alerted, and none of its apps is deleted.
    #[tokio::test]
    async fn a_domain_whose_apps_all_override_the_failing_default_is_alerted_not_emptied() -> Result
    {
        let domain = failing_default();
        let id = domain.id.clone();
        let inspector = inspector(vec![domain, app_of("alice", no_sharing())])?;
        let report = report(
            inspector
                .inspect_swept("sweep", id, None, Default::default())
                .await?,
        )?;
        assert!(report
            .violations()
            .any(|v| v.control.as_str() == "output-kms"));
        assert_eq!(report.remediation.outcome(), ActionOutcome::None);
        assert!(
            report
                .remediation
                .phrase()
                .contains("d-abc/alice/JupyterLab/default"),
            "{}",
            report.remediation.phrase()
        );
        assert!(actions(&inspector).is_empty(), "{:?}", actions(&inspector));
        assert_eq!(inspector.alerts.sent().len(), 1);
        Ok(())
    }

    /// A setting only the scope carries (a space's remote access) fails its apps with it: they
    /// are deleted, however well they pass on what they carry themselves.
    #[tokio::test]
    async fn a_space_open_to_remote_access_loses_its_apps() -> Result {
        use crate::controls::fixtures::space_with;
        let mut space = in_status(
            space_with(|s| s.remote_access = "ENABLED".into()),
            "InService",
        );
        space.id.name = "d-abc/team".into();
        space.arn = space.id.arn();
        let mut app = app_of("alice", no_sharing());
        app.id.name = "d-abc/space:team/JupyterLab/default".into();
        app.arn = app.id.arn();
        let id = space.id.clone();
        let inspector = inspector(vec![space, app.clone()])?;
        let report = report(
            inspector
                .inspect_swept("sweep", id, None, Default::default())
                .await?,
        )?;
        assert_eq!(report.remediation.outcome(), ActionOutcome::AppsDeleted);
        assert_eq!(
            inspector.sagemaker.calls(),
            [("DeleteApp".to_string(), app.id.name)]
        );
        Ok(())
    }

    /// An app in a status this version does not know is never taken as passing: the
    /// containment fails, and says so.
    #[tokio::test]
    async fn an_app_that_cannot_be_acted_on_fails_the_containment() -> Result {
        let domain = failing_default();
        let id = domain.id.clone();
        let odd = in_status(app_of("bob", StudioSettings::default()), "Rebooting");
        let inspector = inspector(vec![domain, odd])?;
        let report = report(
            inspector
                .inspect_swept("sweep", id, None, Default::default())
                .await?,
        )?;
        assert_eq!(report.remediation.outcome(), ActionOutcome::Failed);
        assert!(actions(&inspector).is_empty());
        Ok(())
    }

    /// Only the apps whose effective settings fail are deleted.
    #[tokio::test]
    async fn containing_a_domain_deletes_only_the_apps_that_fail_on_their_own_settings() -> Result {
        let domain = failing_default();
        let id = domain.id.clone();
        let alice = app_of("alice", no_sharing());
        let bob = app_of("bob", StudioSettings::default());
        let inspector = inspector(vec![domain, alice.clone(), bob.clone()])?;
        let report = report(
            inspector
                .inspect_swept("sweep", id, None, Default::default())
                .await?,
        )?;
        assert_eq!(report.remediation.outcome(), ActionOutcome::AppsDeleted);
        let calls = inspector.sagemaker.calls();
        assert_eq!(calls, [("DeleteApp".to_string(), bob.id.name.clone())]);
        assert!(inspector
            .sagemaker
            .get(&alice.id)
            .is_some_and(|a| a.lifecycle == alice.lifecycle));
        Ok(())
    }
}
