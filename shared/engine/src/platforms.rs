//! Notebook instance platforms (`PlatformIdentifier`): which ones AWS still supports. One table,
//! with its source, so the `supported-platform` control judges only what AWS documents.
//!
//! Source: SageMaker Developer Guide, "Amazon Linux 2023 notebook instances", "Amazon Linux 2
//! notebook instances" and "JupyterLab versioning"
//! (<https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2023.html>,
//! <https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-al2.html>,
//! <https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-jl.html>):
//! - `notebook-al1-v1` (Amazon Linux 1): end of life 2024-03-31; a stopped one cannot restart.
//! - `notebook-al2-v1`, `notebook-al2-v2` (JupyterLab 1 and 3 on Amazon Linux 2): end of standard
//!   support 2025-06-30; no create and no restart since.
//! - `notebook-al2-v3` (JupyterLab 4 on Amazon Linux 2): end of support 2026-06-30; from
//!   2026-07-01 AWS neither creates nor restarts it, and from 2026-08-01 upgrades the rest.
//! - `notebook-al2023-v1` (Amazon Linux 2023): supported, and the only platform Security Hub's
//!   SageMaker.8 accepts. The Developer Guide makes it the default of a create call that leaves
//!   `PlatformIdentifier` out since 2026-05-15; the API reference still says `notebook-al2-v2`,
//!   text from before the change. A create call replayed offline without the member is judged on
//!   the guide's default; live, the inspector judges what `DescribeNotebookInstance` reports.
//!
//! A value in neither list is unknown to this version: the control cannot evaluate it (alerted,
//! never a pass).

/// The platform a create call that leaves `PlatformIdentifier` out gets.
pub const CREATE_DEFAULT: &str = "notebook-al2023-v1";

/// Platforms AWS supports.
pub const SUPPORTED: &[&str] = &["notebook-al2023-v1"];

/// Platforms past their end of support, with the date support ended.
pub const END_OF_SUPPORT: &[(&str, &str)] = &[
    ("notebook-al1-v1", "2024-03-31"),
    ("notebook-al2-v1", "2025-06-30"),
    ("notebook-al2-v2", "2025-06-30"),
    ("notebook-al2-v3", "2026-06-30"),
];

/// What AWS says of a platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Support {
    Supported,
    /// Support ended on this date.
    Ended(&'static str),
    /// Not in the tables: this version does not know it.
    Unknown,
}

/// What AWS says of `platform`.
pub fn support(platform: &str) -> Support {
    if SUPPORTED.contains(&platform) {
        return Support::Supported;
    }
    END_OF_SUPPORT
        .iter()
        .find(|(p, _)| *p == platform)
        .map_or(Support::Unknown, |(_, date)| Support::Ended(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_supported_and_no_platform_is_in_both_tables() {
        assert_eq!(support(CREATE_DEFAULT), Support::Supported);
        assert_eq!(support("notebook-al1-v1"), Support::Ended("2024-03-31"));
        assert_eq!(support("notebook-al2-v3"), Support::Ended("2026-06-30"));
        assert_eq!(support("notebook-al2025-v1"), Support::Unknown);
        for (platform, _) in END_OF_SUPPORT {
            assert!(!SUPPORTED.contains(platform), "{platform}");
        }
    }
}
