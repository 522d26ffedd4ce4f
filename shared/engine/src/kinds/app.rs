//! SageMaker Studio apps (JupyterLab, JupyterServer, KernelGateway, CodeEditor, RStudio...):
//! `CreateApp`, deleted with `DeleteApp`. An app is named `DOMAIN-ID/OWNER/APP-TYPE/APP-NAME`,
//! its owner being a user profile (`alice`) or a space (`space:team`: profile and space names
//! share no namespace, so the prefix keeps them apart; the ARN has the bare name).
//!
//! An app is judged on the settings it runs with: its domain's (network access, subnets, home
//! volume key, Docker access), its user profile's where they override the domain's defaults
//! (security groups, execution role, sharing), and its own image and lifecycle configuration. A
//! private space's apps run with its owner's profile, a shared space's with the domain's
//! `DefaultSpaceSettings`; the domain's RStudio server (an `RStudioServerPro` app of the
//! pseudo-profile `domain-shared`) with the domain's RStudio role. The domain, the space and the
//! profile are described apart; one deleted while the app runs fails closed.

use serde::Serialize;

use super::domain::{sharing_output, DomainConfig, StudioSettings};
use super::space::SpaceConfig;
use super::{ApiCall, Kind, Listing, Needed, StateChange, Stop};
use crate::facets::{Facet, Facets, Output, Volume};
use crate::json::FieldError;
use crate::report::ActionOutcome;
use crate::resource::{Dependency, Lifecycle, VpcAttachment};
use crate::shape::Shape;

pub struct App;

/// The prefix of a space's name in an app's name.
const SPACE: &str = "space:";

/// The pseudo-profile the domain's RStudio server runs under.
const RSTUDIO_PROFILE: &str = "domain-shared";

/// SageMaker's `AppType` values (ARNs lower-case them; the API wants them as written here).
pub const APP_TYPES: &[&str] = &[
    "JupyterServer",
    "KernelGateway",
    "DetailedProfiler",
    "TensorBoard",
    "CodeEditor",
    "JupyterLab",
    "RStudioServerPro",
    "RSessionGateway",
    "Canvas",
];

/// Who an app belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "owner", content = "name", rename_all = "kebab-case")]
pub enum Owner {
    UserProfile(String),
    Space(String),
}

/// The parts of an app's name, as `DescribeApp` and `DeleteApp` take them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppName {
    pub domain_id: String,
    pub owner: Owner,
    pub app_type: String,
    pub app_name: String,
}

impl AppName {
    /// `DOMAIN/OWNER/TYPE/NAME`; the app type in any case (an ARN lower-cases it).
    pub fn parse(name: &str) -> Option<AppName> {
        let parts: Vec<&str> = name.split('/').collect();
        let [domain_id, owner, app_type, app_name] = parts.as_slice() else {
            return None;
        };
        let owner = match owner.strip_prefix(SPACE) {
            Some(space) => Owner::Space(space.to_string()),
            None => Owner::UserProfile(owner.to_string()),
        };
        let app_type = APP_TYPES
            .iter()
            .find(|t| t.eq_ignore_ascii_case(app_type))
            .map_or_else(|| app_type.to_string(), |t| t.to_string());
        Some(AppName {
            domain_id: domain_id.to_string(),
            owner,
            app_type,
            app_name: app_name.to_string(),
        })
    }

    /// The app's name (the inverse of [`Self::parse`]).
    pub fn name(&self) -> String {
        let owner = match &self.owner {
            Owner::UserProfile(profile) => profile.clone(),
            Owner::Space(space) => format!("{SPACE}{space}"),
        };
        format!(
            "{}/{owner}/{}/{}",
            self.domain_id, self.app_type, self.app_name
        )
    }
}

/// The settings an app runs with, once its domain and profile are described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunsWith {
    /// The domain's `AppNetworkAccessType`.
    pub app_network_access: String,
    /// The domain's subnets and VPC with the app's security groups (its profile's, else the
    /// domain's defaults).
    pub vpc: VpcAttachment,
    /// The domain's home EFS volume key.
    pub kms_key_id: Option<String>,
    /// The domain's Docker access.
    pub docker_access: String,
    /// The profile's (or the domain's default) execution role and sharing settings.
    pub settings: StudioSettings,
}

/// What an app's snapshot carries (`DescribeApp`, then its domain and profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppConfig {
    pub owner: Owner,
    /// `AppType`.
    pub app_type: String,
    /// `ResourceSpec.SageMakerImageVersionArn` when reported (AWS: it "always takes
    /// precedence"), else `SageMakerImageArn`; `None` when neither is.
    pub image: Option<String>,
    /// `ResourceSpec.LifecycleConfigArn`: the Studio lifecycle configuration it started with.
    pub lifecycle_config: Option<String>,
    pub domain: Dependency<Box<DomainConfig>>,
    /// A space's app: its space (whose sharing says whose settings the app runs with).
    pub space: Option<Dependency<SpaceConfig>>,
    /// The user profile whose settings the app runs with: its own, or its private space's
    /// owner's; `None` for a shared space's app and the RStudio server.
    pub profile: Option<Dependency<StudioSettings>>,
    /// Filled in once the domain and the profile are found.
    pub runs_with: Option<Box<RunsWith>>,
}

impl AppConfig {
    /// Computes what the app runs with, once its domain (and profile) are found.
    pub(crate) fn settle(&mut self) {
        let Dependency::Found { value: domain, .. } = &self.domain else {
            return;
        };
        let settings = match (&self.space, &self.profile) {
            (_, Some(Dependency::Found { value, .. })) => domain.effective(value, false),
            (_, Some(_)) => return,
            (Some(Dependency::Found { value, .. }), None) if value.runs_as().is_none() => {
                domain.effective(&StudioSettings::default(), true)
            }
            (Some(_), None) => return,
            (None, None) => {
                // The RStudio server: the domain's RStudio role, in the domain's groups.
                let mut settings = domain.effective(&StudioSettings::default(), false);
                settings.execution_role = domain.rstudio_role.clone().or(settings.execution_role);
                settings.sharing = None;
                settings
            }
        };
        self.runs_with = Some(Box::new(RunsWith {
            app_network_access: domain.app_network_access.clone(),
            vpc: VpcAttachment {
                subnets: domain.vpc.subnets.clone(),
                security_groups: settings.security_groups.clone(),
                vpc_id: domain.vpc.vpc_id.clone(),
            },
            kms_key_id: domain.kms_key_id.clone(),
            docker_access: domain.docker_access.clone(),
            settings,
        }));
    }

    /// A facet of what the app runs with, or why it cannot be read: the domain or profile that
    /// is deleted (fail closed) or not described.
    fn with<'a, T>(&'a self, read: impl FnOnce(&'a RunsWith) -> Facet<T>) -> Facet<T> {
        if let Some(runs_with) = &self.runs_with {
            return read(runs_with);
        }
        match (&self.domain, &self.space, &self.profile) {
            (Dependency::Found { .. }, Some(space), _) if !matches!(space, Dependency::Found { .. }) => {
                Facet::held_in(space, "space", |_| Facet::NoSuchSetting)
            }
            (Dependency::Found { .. }, _, Some(profile)) => {
                Facet::held_in(profile, "user profile", |_| Facet::NoSuchSetting)
            }
            (domain, _, _) => Facet::held_in(domain, "domain", |_| Facet::NoSuchSetting),
        }
    }
}

impl Kind for App {
    const NAME: &'static str = "app";
    const LABEL: &'static str = "Studio app";
    type Config = AppConfig;
    const CALLS: &'static [ApiCall] = &[ApiCall {
        event_name: "CreateApp",
        name_key: "domainId/space:spaceName|userProfileName/appType/appName",
        arn_key: "appArn",
    }];
    const STATE_CHANGE: StateChange = StateChange {
        detail_type: None,
        name_key: "AppName",
        arn_key: "AppArn",
        status_key: "Status",
    };
    const CREATE_CALL: &'static str = "CreateApp";
    const DESCRIBE_CALL: &'static str = "DescribeApp";
    const STOP: Stop = Stop {
        call: "DeleteApp",
        outcome: ActionOutcome::Deleted,
        by_default: true,
    };
    /// `ListApps` takes no status filter: every app, less those deleted or failed.
    const LISTING: Listing = Listing {
        call: "ListApps",
        statuses: &[],
        excluded: &["Deleted", "Deleting", "Failed"],
    };

    /// No state-change event follows a `Pending` app: it is acted on at once, like one in
    /// service.
    fn lifecycle(status: &str) -> Lifecycle {
        let s = status.to_string();
        match status {
            "InService" => Lifecycle::Active(s),
            // Nothing can delete it yet, and no event says when it is up: re-checked later.
            "Pending" => Lifecycle::Transitional(s),
            "Deleted" | "Deleting" | "Failed" => Lifecycle::Ended(s),
            _ => Lifecycle::Unknown(s),
        }
    }

    /// The ARN has the owner's bare name and lower-cases the rest.
    fn arn_resource(name: &str) -> String {
        name.replacen(&format!("/{SPACE}"), "/", 1)
            .to_ascii_lowercase()
    }

    fn read(s: &Shape<'_>) -> Result<AppConfig, FieldError> {
        let domain_id = s.str("DomainId")?.unwrap_or_default();
        let owner = match (s.str("UserProfileName")?, s.str("SpaceName")?) {
            (_, Some(space)) => Owner::Space(space),
            (profile, None) => Owner::UserProfile(profile.unwrap_or_default()),
        };
        let app_type = s.str("AppType")?.unwrap_or_default();
        let within = |name: &str| format!("{domain_id}/{name}");
        let (space, profile) = match &owner {
            Owner::Space(name) => (Some(Dependency::NotDescribed { name: within(name) }), None),
            Owner::UserProfile(name) if name == RSTUDIO_PROFILE && app_type == "RStudioServerPro" => {
                (None, None)
            }
            Owner::UserProfile(name) => (None, Some(Dependency::NotDescribed { name: within(name) })),
        };
        Ok(AppConfig {
            owner,
            app_type,
            image: match s.path_str(&["ResourceSpec", "SageMakerImageVersionArn"])? {
                Some(version) => Some(version),
                None => s.path_str(&["ResourceSpec", "SageMakerImageArn"])?,
            },
            lifecycle_config: s.path_str(&["ResourceSpec", "LifecycleConfigArn"])?,
            domain: Dependency::NotDescribed { name: domain_id },
            space,
            profile,
            runs_with: None,
        })
    }

    fn needs(app: &AppConfig) -> Vec<Needed> {
        let mut needed = Vec::new();
        if let Dependency::NotDescribed { name } = &app.domain {
            needed.push(Needed::Domain(name.clone()));
        }
        if let Some(Dependency::NotDescribed { name }) = &app.space {
            needed.push(Needed::Space(name.clone()));
        }
        if let Some(Dependency::NotDescribed { name }) = &app.profile {
            needed.push(Needed::UserProfile(name.clone()));
        }
        needed
    }

    fn supply(
        app: &mut AppConfig,
        needed: &Needed,
        described: Option<&Shape<'_>>,
    ) -> Result<(), FieldError> {
        match needed {
            Needed::Domain(name) if app.domain.name() == name => {
                let read = |s: &Shape<'_>| super::domain::Domain::read(s).map(Box::new);
                app.domain = super::described(name, described, read)?;
            }
            Needed::UserProfile(name)
                if app.profile.as_ref().is_some_and(|p| p.name() == name) =>
            {
                let read = |s: &Shape<'_>| StudioSettings::read(s, "UserSettings");
                app.profile = Some(super::described(name, described, read)?);
            }
            Needed::Space(name) if app.space.as_ref().is_some_and(|s| s.name() == name) => {
                let space = super::described(name, described, super::space::Space::read)?;
                // A private space's apps run with its owner's profile: described next.
                if let Dependency::Found { value, .. } = &space {
                    if let (Some(owner), Some((domain, _))) = (value.runs_as(), name.split_once('/'))
                    {
                        app.profile = Some(Dependency::NotDescribed {
                            name: format!("{domain}/{owner}"),
                        });
                    }
                }
                app.space = Some(space);
            }
            _ => {}
        }
        app.settle();
        Ok(())
    }
}

impl Facets for AppConfig {
    fn vpc(&self) -> Facet<Option<&VpcAttachment>> {
        self.with(|r| Facet::One(Some(&r.vpc)))
    }

    fn app_network_access(&self) -> Facet<&str> {
        self.with(|r| Facet::One(r.app_network_access.as_str()))
    }

    fn volume(&self) -> Facet<Volume<'_>> {
        self.with(|r| {
            Facet::One(Volume {
                instances: Vec::new(),
                key: r.kms_key_id.as_deref(),
                what: super::domain::HOME_VOLUME,
            })
        })
    }

    fn output(&self) -> Facet<Output<'_>> {
        self.with(|r| sharing_output(r.settings.sharing.as_ref()))
    }

    fn docker_access(&self) -> Facet<&str> {
        self.with(|r| Facet::One(r.docker_access.as_str()))
    }

    fn execution_role(&self) -> Facet<Option<&str>> {
        self.with(|r| Facet::One(r.settings.execution_role.as_deref()))
    }

    /// A Canvas app runs no image of the user's choosing.
    fn image(&self) -> Facet<Option<&str>> {
        if self.app_type == "Canvas" {
            return Facet::NotApplicable("a Canvas app runs no image of its own".into());
        }
        Facet::One(self.image.as_deref())
    }

    /// The name of the Studio lifecycle configuration it started with.
    fn lifecycle_config(&self) -> Facet<Option<&str>> {
        Facet::One(
            self.lifecycle_config
                .as_deref()
                .map(|arn| arn.rsplit('/').next().unwrap_or(arn)),
        )
    }

    fn tags_not_owned(&self) -> Option<String> {
        Some("Studio creates apps with no tags of the user's: judged on its domain".into())
    }

    fn key_references(&self) -> Vec<&str> {
        self.runs_with.as_ref().map_or_else(Vec::new, |r| {
            [r.kms_key_id.as_deref(), r.settings.sharing_key()]
                .into_iter()
                .flatten()
                .collect()
        })
    }

    fn vpc_attachments_mut(&mut self) -> Vec<&mut VpcAttachment> {
        self.runs_with.iter_mut().map(|r| &mut r.vpc).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_app_name_keeps_its_owner_and_its_arn_has_the_bare_names() {
        for (name, owner, arn) in [
            (
                "d-abc/alice/JupyterLab/default",
                Owner::UserProfile("alice".into()),
                "d-abc/alice/jupyterlab/default",
            ),
            (
                "d-abc/space:team/CodeEditor/default",
                Owner::Space("team".into()),
                "d-abc/team/codeeditor/default",
            ),
        ] {
            let parsed = AppName::parse(name);
            assert_eq!(parsed.as_ref().map(|p| &p.owner), Some(&owner));
            assert_eq!(parsed.map(|p| p.name()).as_deref(), Some(name));
            assert_eq!(App::arn_resource(name), arn);
        }
        // From an ARN, the app type is given back as the API spells it
        let from_arn = AppName::parse("d-abc/alice/jupyterlab/default");
        assert_eq!(from_arn.map(|p| p.app_type).as_deref(), Some("JupyterLab"));
        assert_eq!(AppName::parse("d-abc/alice/JupyterLab"), None);
    }
}
