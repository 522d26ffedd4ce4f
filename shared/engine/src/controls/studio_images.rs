//! `studio-images`: Studio apps run only the images the policy allows.
//!
//! **What** — with `controls.studio-images.allowed`, a Studio app runs an image in the list; an
//! app that reports no image cannot be evaluated. Without a list the control is not applicable.
//! Other kinds: not applicable. An entry is an image ARN (`...:image/NAME`: every version of
//! it, present and future, since `CreateImageVersion` adds to an image in place) or an image
//! version ARN (`...:image-version/NAME/VERSION`: that version only). An app is judged on its
//! `ResourceSpec.SageMakerImageVersionArn` when it reports one (AWS: it "always takes
//! precedence"), whose image is the version ARN's, else on its `SageMakerImageArn`.
//!
//! **Why** — the image is all the code an app starts with: a custom image outside the vetted set
//! brings its own packages, tools and startup scripts into the team's network and role.
//!
//! **Example** — with `allowed = ["arn:aws:sagemaker:us-east-1:081325390199:image/sagemaker-distribution-cpu"]`,
//! an app on a custom image fails.
//!
//! **Fix** — delete the app and create it on an allowed image. Prevented with
//! `sagemaker:ImageArns` and `sagemaker:ImageVersionArns` on `CreateApp`
//! (`ForAnyValue:ArnNotLike` the listed images, and the listed versions with every version of the
//! listed images). A Canvas app runs no image of its own: not applicable.

use serde_json::json;

use super::allowed::{AllowEntry, Allowed};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct StudioImages;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("studio-images");

/// An image ARN, or an image version ARN as the image it is of and its version.
fn image_of(value: &str) -> Option<(String, Option<&str>)> {
    let (prefix, resource) = value.rsplit_once(':')?;
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    if !matches!(parts.as_slice(), ["arn", _, "sagemaker", _, _, _]) {
        return None;
    }
    if let Some(name) = resource.strip_prefix("image/") {
        return (!name.is_empty() && !name.contains('/')).then(|| (value.to_string(), None));
    }
    let (name, version) = resource.strip_prefix("image-version/")?.split_once('/')?;
    let numbered = !version.is_empty() && version.bytes().all(|b| b.is_ascii_digit());
    (!name.is_empty() && numbered).then(|| (format!("{prefix}:image/{name}"), Some(version)))
}

fn image_arn(value: &str) -> Result<(), String> {
    image_of(value).map(drop).ok_or_else(|| {
        format!(
            "`{value}` is not a SageMaker image ARN (arn:aws:sagemaker:REGION:ACCOUNT:image/NAME) \
             or image version ARN (...:image-version/NAME/VERSION)"
        )
    })
}

/// Whether `entry` allows the image (or image version) `observed`: an image entry allows each
/// of its versions, a version entry that version only.
fn allows(entry: &str, observed: &str) -> bool {
    match (image_of(entry), image_of(observed)) {
        (Some((image, None)), Some((running, _))) => image.eq_ignore_ascii_case(&running),
        (Some((_, Some(_))), Some((_, Some(_)))) => entry.eq_ignore_ascii_case(observed),
        _ => false,
    }
}

impl Control for StudioImages {
    const ID: ControlId = ID;
    const BASELINE: (Mode, Severity) = (Mode::Enforce, Severity::Medium);
    const REMEDY: &'static str = "Delete the app and create it on an allowed image.";
    type Entry = AllowEntry;
    type Settings = Allowed;

    fn settings(entry: AllowEntry) -> Result<Allowed, Invalid> {
        Allowed::read(Self::ID, entry, image_arn)
    }

    fn check(snapshot: &Snapshot, settings: &Allowed) -> Check {
        let list = match settings.or_not_applicable(Self::ID, "images") {
            Ok(list) => list,
            Err(not_applicable) => return not_applicable,
        };
        snapshot
            .facets()
            .image()
            .judge(snapshot.kind(), &|image| match image {
                None => Check::cannot("no image reported (ResourceSpec.SageMakerImageArn)"),
                Some(image) => Check::flag(
                    list.iter().any(|entry| allows(entry, image)),
                    format!("image {image}"),
                    &format!("an image of: {}", list.join(", ")),
                ),
            })
    }

    fn prevent(settings: &Allowed, scp: &mut Scp<'_>) {
        let Some(list) = &settings.list else {
            return;
        };
        let (images, pinned): (Vec<&String>, Vec<&String>) = list
            .iter()
            .partition(|entry| image_of(entry).is_some_and(|(_, version)| version.is_none()));
        // An app may name an image version alone: a listed image's versions are allowed alike,
        // a listed version alone.
        let mut versions: Vec<String> = images
            .iter()
            .map(|a| format!("{}/*", a.replacen(":image/", ":image-version/", 1)))
            .collect();
        versions.extend(pinned.iter().map(|v| v.to_string()));
        let (operator, values, versions) = if list.is_empty() {
            ("Null", json!("false"), json!("false"))
        } else {
            ("ForAnyValue:ArnNotLike", json!(images), json!(versions))
        };
        for (sid, key, values) in [
            ("StudioImagesNotAllowed", "sagemaker:ImageArns", values),
            ("StudioImagesVersionNotAllowed", "sagemaker:ImageVersionArns", versions),
        ] {
            scp.deny(
                Self::ID,
                Deny {
                    sid: sid.into(),
                    actions: &[actions::CREATE_APP],
                    operator,
                    key,
                    values,
                    unless: None,
                    also: None,
                },
            );
        }
        scp.gap(
            Self::ID,
            actions::CREATE_APP,
            "an app created without ResourceSpec runs the domain's default image, which the \
             request does not carry: judged by the detective control",
        );
        if !images.is_empty() {
            scp.gap(
                Self::ID,
                "sagemaker:CreateImageVersion",
                "a listed image allows each of its versions, the ones created later too: list \
                 image version ARNs to allow those versions only",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controls::fixtures::*;

    const DISTRIBUTION: &str =
        "arn:aws:sagemaker:us-east-1:081325390199:image/sagemaker-distribution-cpu";

    fn on(image: Option<&str>) -> Snapshot {
        let mut snap = app(|_| {});
        if let crate::resource::Details::App(a) = &mut snap.details {
            a.image = image.map(str::to_string);
        }
        snap
    }

    #[test]
    fn table() {
        let listed = Allowed {
            list: Some(vec![DISTRIBUTION.into()]),
        };
        let custom = "arn:aws:sagemaker:us-east-1:123456789012:image/my-tools";
        let cases = [
            ("app on a listed image", on(Some(DISTRIBUTION)), &listed, "PASS"),
            ("app on a custom image", on(Some(custom)), &listed, "FAIL"),
            ("app reporting no image", on(None), &listed, "CANNOT"),
            ("no list", on(Some(custom)), &Allowed::default(), "N/A"),
            ("domain", domain(|_| {}), &listed, "N/A"),
            (
                "canvas app reporting no image",
                {
                    let mut snap = on(None);
                    if let crate::resource::Details::App(a) = &mut snap.details {
                        a.app_type = "Canvas".into();
                    }
                    snap
                },
                &listed,
                "N/A",
            ),
            ("user profile", user_profile(|_| {}), &listed, "N/A"),
            ("notebook", notebook(|_| {}), &listed, "N/A"),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&StudioImages::check(&snap, settings)), want, "{name}");
        }
        assert!(image_arn(DISTRIBUTION).is_ok());
        assert!(image_arn("sagemaker-distribution-cpu").is_err());
    }

    /// Issue 19, case 2: an app reporting only its image version is judged on the version's
    /// image (an image entry allows each version of it, a later one too); a version entry
    /// allows that version only.
    #[test]
    fn image_versions_are_judged_on_their_image_or_pinned() {
        let tools = "arn:aws:sagemaker:us-east-1:123456789012:image/my-tools";
        let version = |n: u32| format!("arn:aws:sagemaker:us-east-1:123456789012:image-version/my-tools/{n}");
        let image_listed = Allowed {
            list: Some(vec![tools.into()]),
        };
        let version_listed = Allowed {
            list: Some(vec![version(3)]),
        };
        let cases = [
            ("a version of a listed image", on(Some(&version(7))), &image_listed, "PASS"),
            ("the listed version", on(Some(&version(3))), &version_listed, "PASS"),
            ("a later version", on(Some(&version(4))), &version_listed, "FAIL"),
            ("the image, its version unknown", on(Some(tools)), &version_listed, "FAIL"),
            (
                "a version of another image",
                on(Some("arn:aws:sagemaker:us-east-1:123456789012:image-version/other/3")),
                &version_listed,
                "FAIL",
            ),
        ];
        for (name, snap, settings, want) in cases {
            assert_eq!(status(&StudioImages::check(&snap, settings)), want, "{name}");
        }
        assert!(image_arn(&version(3)).is_ok());
        assert!(image_arn("arn:aws:sagemaker:us-east-1:123456789012:image-version/my-tools/latest").is_err());
        // Read from DescribeApp: the version, when reported, over the image.
        let described = serde_json::json!({
            "DomainId": "d-abc", "UserProfileName": "alice", "AppType": "JupyterLab",
            "ResourceSpec": {"SageMakerImageArn": tools, "SageMakerImageVersionArn": version(4)},
        });
        let shape = crate::shape::Shape::response(&described, "DescribeApp");
        let read = <crate::kinds::app::App as crate::kinds::Kind>::read(&shape).map(|a| a.image);
        assert_eq!(read, Ok(Some(version(4))));
    }
}
