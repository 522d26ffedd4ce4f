//! Tests of what the kinds share: names and calls, dependencies, jobs SageMaker starts.

use super::*;
use crate::resource::InstanceGroup;

/// A model or endpoint configuration deleted and created again under the same name after the
/// endpoint took it (AWS allows both while the endpoint serves the first) is not what the
/// endpoint serves: its settings cannot be verified, so the controls that read them fail
/// closed, whatever the copy says. One created before passes on its settings; the same holds
/// for a transform job's model and the job's creation.
#[test]
fn a_dependency_created_after_its_workload_took_it_fails_closed() -> Result<(), FieldError> {
    use crate::controls::vpc_attached;
    let endpoint = serde_json::json!({
        "EndpointArn": "arn:aws:sagemaker:us-east-1:123456789012:endpoint/e",
        "EndpointStatus": "InService", "EndpointConfigName": "cfg",
        "CreationTime": 1_700_000_000.0, "LastModifiedTime": 1_700_000_100.5,
    });
    let config = |created: f64| {
        serde_json::json!({
            "EndpointConfigName": "cfg", "CreationTime": created,
            "ProductionVariants": [{"VariantName": "v", "ModelName": "m",
                "InstanceType": "ml.m5.large", "InitialInstanceCount": 2}],
        })
    };
    let model = |created: f64| {
        serde_json::json!({
            "ModelName": "m", "CreationTime": created,
            "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]},
        })
    };
    let judge =
        |config: serde_json::Value, model: serde_json::Value| -> Result<String, FieldError> {
            let kind = ResourceKind::Endpoint;
            let mut details = kind.read_described(&endpoint)?.details;
            let config = Shape::response(&config, "DescribeEndpointConfig");
            details.supply(&Needed::EndpointConfig("cfg".into()), Some(&config))?;
            let model = Shape::response(&model, "DescribeModel");
            for needed in details.needs() {
                details.supply(&needed, Some(&model))?;
            }
            let mut snapshot = crate::controls::fixtures::endpoint(|_| {});
            snapshot.details = details;
            let check = crate::Policy::baseline().check(vpc_attached::ID, &snapshot);
            Ok(format!("{check:?}"))
        };
    let before = judge(config(1_700_000_050.0), model(1_700_000_040.0))?;
    assert!(before.contains("Pass"), "{before}");
    let model_again = judge(config(1_700_000_050.0), model(1_700_000_200.0))?;
    assert!(
        model_again.contains("Fail") && model_again.contains("created again"),
        "{model_again}"
    );
    let config_again = judge(config(1_700_000_200.0), model(1_700_000_040.0))?;
    assert!(
        config_again.contains("Fail") && config_again.contains("endpoint configuration cfg"),
        "{config_again}"
    );

    let job = serde_json::json!({
        "TransformJobArn": "arn:aws:sagemaker:us-east-1:123456789012:transform-job/t",
        "TransformJobStatus": "InProgress", "ModelName": "m", "CreationTime": 1_700_000_100.0,
        "TransformResources": {"InstanceType": "ml.m5.large", "InstanceCount": 1},
    });
    let mut details = ResourceKind::TransformJob.read_described(&job)?.details;
    let model = model(1_700_000_300.0);
    details.supply(
        &Needed::Model("m".into()),
        Some(&Shape::response(&model, "DescribeModel")),
    )?;
    let Details::TransformJob(t) = &details else {
        panic!("a transform job")
    };
    assert!(
        matches!(t.model, crate::resource::Dependency::Replaced { .. }),
        "{:?}",
        t.model
    );
    Ok(())
}

/// Issue 19, case 8: what SageMaker starts or runs on its own is judged on what its creator
/// could set. A serverless training job (`ServerlessJobConfig`, no `ResourceConfig`) can name
/// no volume key; a Debugger rule job (a processing job naming its `TrainingJobArn`, which
/// `CreateProcessingJob` cannot set) has no key or tags its creator set, and counts on its
/// training job, but its VPC and isolation are judged (its image is the creator's choice).
/// The same jobs without those marks still fail.
#[test]
fn jobs_sagemaker_starts_or_sizes_are_judged_on_what_their_creator_can_set(
) -> Result<(), FieldError> {
    use crate::controls::{network_isolation, output_kms, volume_kms, vpc_attached};
    let judge = |kind: ResourceKind, response: serde_json::Value| {
        let described = kind.read_described(&response)?;
        let mut snapshot = crate::controls::fixtures::training(|_| {});
        snapshot.id.kind = kind;
        snapshot.details = described.details;
        Ok::<_, FieldError>(snapshot)
    };
    let status = |snapshot: &crate::resource::Snapshot, id| match crate::Policy::baseline()
        .check(id, snapshot)
    {
        crate::controls::Check::NotApplicable { .. } => "N/A",
        crate::controls::Check::Fail { .. } => "FAIL",
        _ => "other",
    };
    let key = crate::controls::fixtures::KEY;
    let mut serverless = serde_json::json!({
        "TrainingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:training-job/tune-llm",
        "TrainingJobStatus": "InProgress",
        "ServerlessJobConfig": {"BaseModelArn": "arn:aws:sagemaker:us-east-1:aws:hub-content/SageMakerPublicHub/Model/meta-llama/1.0.0", "JobType": "FineTuning"},
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/out", "KmsKeyId": key},
    });
    let job = judge(ResourceKind::TrainingJob, serverless.clone())?;
    assert_eq!(status(&job, volume_kms::ID), "N/A");
    assert_eq!(status(&job, vpc_attached::ID), "FAIL", "a VPC it can take");
    if let Some(fields) = serverless.as_object_mut() {
        fields.remove("ServerlessJobConfig");
    }
    let job = judge(ResourceKind::TrainingJob, serverless)?;
    assert_eq!(status(&job, volume_kms::ID), "FAIL");

    let training = "arn:aws:sagemaker:us-east-1:123456789012:training-job/train-1";
    let mut rule = serde_json::json!({
        "ProcessingJobArn": "arn:aws:sagemaker:us-east-1:123456789012:processing-job/train-1-vanishinggradient-5268f8d7",
        "ProcessingJobStatus": "InProgress",
        "TrainingJobArn": training,
        "ProcessingResources": {"ClusterConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30}},
    });
    let job = judge(ResourceKind::ProcessingJob, rule.clone())?;
    for id in [volume_kms::ID, output_kms::ID] {
        assert_eq!(status(&job, id), "N/A", "{id}");
    }
    for id in [vpc_attached::ID, network_isolation::ID] {
        assert_eq!(
            status(&job, id),
            "FAIL",
            "{id}: the rule's image is the creator's"
        );
    }
    assert_eq!(job.part_of(), Some(training));
    if let Some(fields) = rule.as_object_mut() {
        fields.remove("TrainingJobArn");
    }
    let job = judge(ResourceKind::ProcessingJob, rule)?;
    for id in [
        vpc_attached::ID,
        volume_kms::ID,
        output_kms::ID,
        network_isolation::ID,
    ] {
        assert_eq!(status(&job, id), "FAIL", "{id}");
    }
    Ok(())
}

/// An AutoML job's candidates name it (`AutoMLJobArn`, set by SageMaker): they count on it.
/// Their network isolation is SageMaker's (the AutoML job cannot set it): not applicable,
/// where a job of their kind created directly fails without it.
#[test]
fn an_automl_job_s_candidates_count_on_it() -> Result<(), FieldError> {
    use crate::controls::network_isolation;
    let automl = "arn:aws:sagemaker:us-east-1:123456789012:automl-job/churn-autopilot";
    for kind in [
        ResourceKind::TrainingJob,
        ResourceKind::ProcessingJob,
        ResourceKind::TransformJob,
    ] {
        let described = kind.read_described(&serde_json::json!({"AutoMLJobArn": automl}))?;
        assert_eq!(described.details.facets().part_of(), Some(automl), "{kind}");
    }
    let isolation = |response: serde_json::Value| -> Result<_, FieldError> {
        let mut snapshot = crate::controls::fixtures::training(|_| {});
        snapshot.details = ResourceKind::TrainingJob.read_described(&response)?.details;
        let check = crate::Policy::baseline().check(network_isolation::ID, &snapshot);
        Ok(crate::controls::fixtures::status(&check))
    };
    assert_eq!(
        isolation(serde_json::json!({"AutoMLJobArn": automl}))?,
        "N/A"
    );
    assert_eq!(isolation(serde_json::json!({}))?, "FAIL");
    Ok(())
}

/// A job that named instance preferences runs on what SageMaker selected: its Describe
/// response has `SelectedInstanceType` and no `InstanceType` (AWS: the two exclude each
/// other), and the instance-storage and instance-count rules judge the selected one.
#[test]
fn jobs_with_instance_preferences_are_judged_on_the_selected_instances() {
    let selected = serde_json::json!({
        "InstancePreferences": [{"InstanceType": "ml.m5.xlarge"}],
        "SelectedInstanceType": "ml.p4d.24xlarge",
        "SelectedInstanceCount": 1,
    });
    let training = serde_json::json!({"ResourceConfig": selected.clone()});
    let processing = serde_json::json!({"ProcessingResources": {"ClusterConfig": selected}});
    for (kind, response, label) in [
        (ResourceKind::TrainingJob, training, "ResourceConfig"),
        (ResourceKind::ProcessingJob, processing, "ClusterConfig"),
    ] {
        let read = kind.read_described(&response).map(|d| d.details);
        let instances = match &read {
            Ok(Details::TrainingJob(j) | Details::ProcessingJob(j)) => j.instances.clone(),
            other => panic!("{kind}: {other:?}"),
        };
        assert_eq!(
            instances,
            [InstanceGroup {
                label: label.into(),
                instance_type: Some("ml.p4d.24xlarge".into()),
                instance_count: Some(1),
            }],
            "{kind}"
        );
    }
}

#[test]
fn every_kind_has_one_name_its_calls_and_its_state_change() {
    for kind in ResourceKind::ALL {
        assert_eq!(ResourceKind::parse(kind.as_str()), Some(*kind));
        assert_eq!(
            serde_json::to_value(kind).ok(),
            Some(serde_json::json!(kind.as_str()))
        );
        assert!(kind
            .calls()
            .iter()
            .any(|c| c.event_name == kind.create_call()));
        for call in kind.calls() {
            assert_eq!(ResourceKind::of_call(call.event_name), Some((*kind, *call)));
        }
        if let Some(detail_type) = kind.state_change().detail_type {
            assert_eq!(ResourceKind::of_state_change(detail_type), Some(*kind));
        }
        // Every call names the resource with as many segments as its create call.
        let segments = kind.create().map(|c| c.segments());
        for call in kind.calls() {
            assert_eq!(Some(call.segments()), segments, "{}", call.event_name);
        }
        assert!(kind.describe_call().starts_with("Describe"));
        assert!(kind.listing().call.starts_with("List"));
    }
}
