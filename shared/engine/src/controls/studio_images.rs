//! `studio-images`: Studio apps run only the images the policy allows.
//!
//! **What** — with `controls.studio-images.allowed` (SageMaker image ARNs), a Studio app's
//! `ResourceSpec.SageMakerImageArn` is in the list; an app that reports no image cannot be
//! evaluated. Without a list the control is not applicable. Other kinds: not applicable.
//!
//! **Why** — the image is all the code an app starts with: a custom image outside the vetted set
//! brings its own packages, tools and startup scripts into the team's network and role.
//!
//! **Example** — with `allowed = ["arn:aws:sagemaker:us-east-1:081325390199:image/sagemaker-distribution-cpu"]`,
//! an app on a custom image fails.
//!
//! **Fix** — delete the app and create it on an allowed image. Prevented with
//! `sagemaker:ImageArns` and `sagemaker:ImageVersionArns` on `CreateApp`
//! (`ForAnyValue:ArnNotLike` the list, and its images' versions). A Canvas app runs no image of
//! its own: not applicable.

use serde_json::json;

use super::allowed::{AllowEntry, Allowed};
use super::{Check, Control, ControlId, Invalid, Mode, Severity};
use crate::preventive::{actions, Deny, Scp};
use crate::resource::Snapshot;

pub struct StudioImages;

/// Stable id: it appears in policies, findings, alerts and filter policies; never change it.
pub const ID: ControlId = ControlId::new("studio-images");

fn image_arn(value: &str) -> Result<(), String> {
    let parts: Vec<&str> = value.splitn(6, ':').collect();
    match parts.as_slice() {
        ["arn", _, "sagemaker", _, _, resource] if resource.starts_with("image/") => Ok(()),
        _ => Err(format!(
            "`{value}` is not a SageMaker image ARN (arn:aws:sagemaker:REGION:ACCOUNT:image/NAME)"
        )),
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
                Some(_) => Allowed::judge(list, *image, "image"),
            })
    }

    fn prevent(settings: &Allowed, scp: &mut Scp<'_>) {
        let Some(list) = &settings.list else {
            return;
        };
        let (operator, values) = if list.is_empty() {
            ("Null", json!("false"))
        } else {
            ("ForAnyValue:ArnNotLike", json!(list))
        };
        // An app may name an image version alone: its versions are denied alike.
        let versions = match &values {
            serde_json::Value::Array(arns) => json!(arns
                .iter()
                .filter_map(|a| a.as_str())
                .map(|a| format!("{}/*", a.replacen(":image/", ":image-version/", 1)))
                .collect::<Vec<_>>()),
            other => other.clone(),
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
}
