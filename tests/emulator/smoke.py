#!/usr/bin/env python3
"""Checks every patch of ``server.py`` against a running emulator, through boto3.

Usage: ``python tests/emulator/smoke.py http://127.0.0.1:PORT``

Prints one line per check and exits non-zero if any failed. Resource names are unique per run,
so it can run repeatedly against the same emulator.
"""

from __future__ import annotations

import concurrent.futures
import functools
import json
import re
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/sagemaker"
IMAGE = f"{ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/algo:1"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/11111111-2222-3333-4444-555555555555"
VPC = {"SecurityGroupIds": ["sg-0123456789abcdef0"], "Subnets": ["subnet-0123456789abcdef0"]}
INITIAL_STATUS_TAG = "emulator:initial-status"
RUN = uuid.uuid4().hex[:8]

Check = Callable[[str], None]
CHECKS: list[Check] = []


def check(function: Check) -> Check:
    """Registers a check; it gets the endpoint URL and fails by raising."""
    CHECKS.append(function)
    return function


def sagemaker(endpoint: str, region: str = "us-east-1") -> Any:
    """A SageMaker client on the emulator that does not retry (a 500 shows at once)."""
    return boto3.client(
        "sagemaker",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),
    )


def client(
    service: str, endpoint: str, region: str = "us-east-1", access_key_id: str = "testing"
) -> Any:
    """A client of any service on the emulator that makes exactly one attempt per call."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key="testing",
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


def control(endpoint: str, method: str, path: str, body: object = None) -> tuple[int, Any]:
    """Calls an emulator control endpoint; answers the HTTP status and the decoded JSON."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(endpoint + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, {"error": raw.decode(errors="replace")}


def unique(prefix: str) -> str:
    """A resource name no earlier run used."""
    return f"{prefix}-{RUN}-{uuid.uuid4().hex[:6]}"


def arn(region: str, kind: str, name: str) -> str:
    """A SageMaker ARN in the default account."""
    return f"arn:aws:sagemaker:{region}:{ACCOUNT}:{kind}/{name}"


def status_tag(status: str | None) -> list[dict[str, str]]:
    """Tags for a create call: an owner, plus the initial-status tag when ``status`` is given."""
    tags = [{"Key": "owner", "Value": "smoke"}]
    if status is not None:
        tags.append({"Key": INITIAL_STATUS_TAG, "Value": status})
    return tags


def expect_error(call: Callable[[], object], code: str, message: str) -> None:
    """Asserts that ``call`` fails with HTTP 400, error ``code`` and exactly ``message``."""
    try:
        call()
    except ClientError as error:
        got_status = error.response["ResponseMetadata"]["HTTPStatusCode"]
        got_code = error.response["Error"]["Code"]
        got_message = error.response["Error"]["Message"]
        assert (got_status, got_code, got_message) == (400, code, message), (
            f"expected 400 {code} {message!r}, got {got_status} {got_code} {got_message!r}"
        )
        return
    raise AssertionError(f"expected {code} {message!r}, but the call succeeded")


def expect_equal(actual: object, expected: object, what: str) -> None:
    """Asserts equality with a readable message."""
    assert actual == expected, f"{what}: expected {expected!r}, got {actual!r}"


def create_training_job(sm: Any, name: str, status: str | None = None) -> None:
    """Creates a training job with encrypted output and volume."""
    sm.create_training_job(
        TrainingJobName=name,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://models/out/", "KmsKeyId": KEY},
        ResourceConfig={
            "InstanceType": "ml.m5.xlarge",
            "InstanceCount": 1,
            "VolumeSizeInGB": 50,
            "VolumeKmsKeyId": KEY,
        },
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=status_tag(status),
    )


PROCESSING_RESOURCES = {
    "ClusterConfig": {
        "InstanceCount": 2,
        "InstanceType": "ml.m5.xlarge",
        "VolumeSizeInGB": 30,
        "VolumeKmsKeyId": KEY,
    }
}
PROCESSING_NETWORK = {
    "EnableInterContainerTrafficEncryption": True,
    "EnableNetworkIsolation": True,
    "VpcConfig": VPC,
}
PROCESSING_OUTPUT = {
    "Outputs": [
        {
            "OutputName": "report",
            "S3Output": {
                "S3Uri": "s3://reports/out/",
                "LocalPath": "/opt/ml/processing/output",
                "S3UploadMode": "EndOfJob",
            },
        }
    ],
    "KmsKeyId": KEY,
}


def create_processing_job(sm: Any, name: str, status: str | None = None) -> None:
    """Creates a processing job with the settings above."""
    sm.create_processing_job(
        ProcessingJobName=name,
        ProcessingResources=PROCESSING_RESOURCES,
        ProcessingOutputConfig=PROCESSING_OUTPUT,
        NetworkConfig=PROCESSING_NETWORK,
        AppSpecification={"ImageUri": IMAGE},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        RoleArn=ROLE,
        Tags=status_tag(status),
    )


def create_model(sm: Any, name: str, isolated: bool) -> None:
    """Creates a model, network-isolated in a VPC when ``isolated``."""
    extra: dict[str, Any] = {"EnableNetworkIsolation": True, "VpcConfig": VPC} if isolated else {}
    sm.create_model(
        ModelName=name,
        ExecutionRoleArn=ROLE,
        PrimaryContainer={"Image": IMAGE, "ModelDataUrl": "s3://models/m.tar.gz"},
        **extra,
    )


TRANSFORM_OUTPUT = {"S3OutputPath": "s3://batch/out/", "KmsKeyId": KEY}
TRANSFORM_RESOURCES = {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeKmsKeyId": KEY}


def create_transform_job(sm: Any, name: str, status: str | None = None) -> None:
    """Creates a transform job (and the model it uses) with the settings above."""
    model = unique("smoke-transform-model")
    create_model(sm, model, isolated=False)
    sm.create_transform_job(
        TransformJobName=name,
        ModelName=model,
        TransformInput={
            "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://batch/in/"}}
        },
        TransformOutput=TRANSFORM_OUTPUT,
        TransformResources=TRANSFORM_RESOURCES,
        Tags=status_tag(status),
    )


def create_notebook(sm: Any, name: str, status: str | None = None, **settings: Any) -> None:
    """Creates a notebook instance in a VPC, encrypted, without internet or root access, with
    ``settings`` as further parameters."""
    sm.create_notebook_instance(
        NotebookInstanceName=name,
        InstanceType="ml.t3.medium",
        RoleArn=ROLE,
        SubnetId=VPC["Subnets"][0],
        SecurityGroupIds=VPC["SecurityGroupIds"],
        KmsKeyId=KEY,
        DirectInternetAccess="Disabled",
        RootAccess="Disabled",
        Tags=status_tag(status),
        **settings,
    )


def create_endpoint(sm: Any, name: str, status: str | None = None) -> None:
    """Creates a model, an endpoint configuration and an endpoint, all called ``name``."""
    create_model(sm, name, isolated=True)
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": name,
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name, Tags=status_tag(status))


# Patch 1: training jobs.


def check_training_lifecycle(sm: Any, region: str) -> None:
    """Created InProgress/Starting; stops once; a second stop is refused."""
    name = unique("smoke-training")
    create_training_job(sm, name)
    job = sm.describe_training_job(TrainingJobName=name)
    expect_equal(job["TrainingJobStatus"], "InProgress", f"{region} status after create")
    expect_equal(job["SecondaryStatus"], "Starting", f"{region} secondary after create")
    assert "TrainingEndTime" not in job, "an InProgress job has no end time"
    expect_equal(job["ResourceConfig"]["VolumeKmsKeyId"], KEY, "ResourceConfig kept")

    sm.stop_training_job(TrainingJobName=name)
    job = sm.describe_training_job(TrainingJobName=name)
    expect_equal(job["TrainingJobStatus"], "Stopped", f"{region} status after stop")
    expect_equal(job["SecondaryStatus"], "Stopped", f"{region} secondary after stop")
    assert "TrainingEndTime" in job, "a stopped job has an end time"

    expect_error(
        lambda: sm.stop_training_job(TrainingJobName=name),
        "ValidationException",
        "The request was rejected because the training job is in status Stopped.",
    )


@check
def training_job_lifecycle(endpoint: str) -> None:
    """The training job lifecycle, in two regions."""
    for region in ("us-east-1", "eu-west-1"):
        check_training_lifecycle(sagemaker(endpoint, region), region)


@check
def training_job_launched_by_a_tuning_job(endpoint: str) -> None:
    """The tuning-job and AutoML-job tags are answered as TuningJobArn and AutoMLJobArn;
    without them the fields are absent."""
    sm = sagemaker(endpoint)
    parent = arn("us-east-1", "hyper-parameter-tuning-job", "smoke-hpo")
    automl = arn("us-east-1", "automl-job", "smoke-automl")
    child, plain = unique("smoke-hpo-child"), unique("smoke-plain")
    create_training_job(sm, plain)
    sm.create_training_job(
        TrainingJobName=child,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://models/out/"},
        ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 5},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=[
            {"Key": "emulator:tuning-job-arn", "Value": parent},
            {"Key": "emulator:automl-job-arn", "Value": automl},
        ],
    )
    described = sm.describe_training_job(TrainingJobName=child)
    expect_equal(described.get("TuningJobArn"), parent, "a launched job's TuningJobArn")
    expect_equal(described.get("AutoMLJobArn"), automl, "a candidate's AutoMLJobArn")
    expect_equal(
        sm.describe_training_job(TrainingJobName=plain).get("TuningJobArn"),
        None,
        "a job created directly",
    )
    expect_equal(
        sm.describe_training_job(TrainingJobName=plain).get("AutoMLJobArn"),
        None,
        "a job created directly, not a candidate",
    )


@check
def training_job_stop_refused_when_completed(endpoint: str) -> None:
    """A job tagged Completed starts Completed and cannot be stopped."""
    sm = sagemaker(endpoint)
    name = unique("smoke-training-done")
    create_training_job(sm, name, "Completed")
    job = sm.describe_training_job(TrainingJobName=name)
    expect_equal(job["TrainingJobStatus"], "Completed", "status from the tag")
    expect_equal(job["SecondaryStatus"], "Completed", "secondary from the tag")
    expect_error(
        lambda: sm.stop_training_job(TrainingJobName=name),
        "ValidationException",
        "The request was rejected because the training job is in status Completed.",
    )


@check
def training_job_stop_unknown(endpoint: str) -> None:
    """StopTrainingJob on an unknown name answers AWS's not-found error."""
    sm = sagemaker(endpoint)
    expect_error(
        lambda: sm.stop_training_job(TrainingJobName=unique("smoke-missing")),
        "ValidationException",
        "Requested resource not found.",
    )


# Patch 22: a training job's remote debugging, and UpdateTrainingJob.


@check
def training_remote_debug_and_update(endpoint: str) -> None:
    """RemoteDebugConfig is kept and answered; the update switches it on a running job only."""
    sm = sagemaker(endpoint)
    name = unique("smoke-training-debug")
    create_training_job(sm, name)
    expect_equal(
        sm.describe_training_job(TrainingJobName=name).get("RemoteDebugConfig"),
        None,
        "no RemoteDebugConfig when none was given",
    )
    answer = sm.update_training_job(TrainingJobName=name, RemoteDebugConfig={"EnableRemoteDebug": True})
    expect_equal(answer["TrainingJobArn"], arn("us-east-1", "training-job", name), "update answers the ARN")
    expect_equal(
        sm.describe_training_job(TrainingJobName=name).get("RemoteDebugConfig"),
        {"EnableRemoteDebug": True},
        "RemoteDebugConfig after the update",
    )
    done = unique("smoke-training-debug-done")
    create_training_job(sm, done, "Completed")
    expect_error(
        lambda: sm.update_training_job(TrainingJobName=done, RemoteDebugConfig={"EnableRemoteDebug": True}),
        "ValidationException",
        "The request was rejected because the training job is in status Completed.",
    )


# Patch 23: HyperPod clusters named by id in their ARN.


@check
def hyperpod_cluster_arn_by_id(endpoint: str) -> None:
    """A cluster's ARN ends in a 12-character id; Describe, ListTags and Delete take it."""
    sm = sagemaker(endpoint)
    name = unique("smoke-cluster")
    group = {
        "InstanceGroupName": "workers",
        "InstanceType": "ml.m5.xlarge",
        "InstanceCount": 1,
        "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-lcc/hyperpod/", "OnCreate": "on_create.sh"},
        "ExecutionRole": "arn:aws:iam::123456789012:role/hyperpod",
        "ThreadsPerCore": 1,
    }
    created = sm.create_cluster(ClusterName=name, InstanceGroups=[group], Tags=[{"Key": "owner", "Value": "smoke"}])
    cluster_arn = created["ClusterArn"]
    prefix, _, cluster_id = cluster_arn.rpartition("/")
    expect_equal(prefix, "arn:aws:sagemaker:us-east-1:123456789012:cluster", "ARN prefix")
    assert re.fullmatch(r"[a-z0-9]{12}", cluster_id), f"cluster id {cluster_id!r}"
    expect_equal(sm.describe_cluster(ClusterName=cluster_arn)["ClusterName"], name, "described by ARN")
    expect_equal(sm.describe_cluster(ClusterName=name)["ClusterArn"], cluster_arn, "described by name")
    expect_equal(sm.list_tags(ResourceArn=cluster_arn)["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags by ARN")
    sm.delete_cluster(ClusterName=cluster_arn)
    expect_error(
        lambda: sm.describe_cluster(ClusterName=name),
        "ValidationException",
        f"Could not find cluster '{name}'.",
    )


# Patch 24: Feature Store feature groups.


@check
def feature_groups_keep_both_stores(endpoint: str) -> None:
    """Both store configurations are kept; listed by status, tagged by ARN, deleted; a missing
    name is ResourceNotFound."""
    sm = sagemaker(endpoint)
    name = unique("smoke-features")
    key = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee"
    online = {"EnableOnlineStore": True, "SecurityConfig": {"KmsKeyId": key}}
    created = sm.create_feature_group(
        FeatureGroupName=name,
        RecordIdentifierFeatureName="customer_id",
        EventTimeFeatureName="event_time",
        FeatureDefinitions=[
            {"FeatureName": "customer_id", "FeatureType": "String"},
            {"FeatureName": "event_time", "FeatureType": "String"},
        ],
        OnlineStoreConfig=online,
        RoleArn=ROLE,
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    group_arn = created["FeatureGroupArn"]
    expect_equal(group_arn, arn("us-east-1", "feature-group", name), "ARN")
    described = sm.describe_feature_group(FeatureGroupName=name)
    expect_equal(described.get("OnlineStoreConfig"), online, "OnlineStoreConfig")
    expect_equal(described.get("OfflineStoreConfig"), None, "no OfflineStoreConfig when none was given")
    expect_equal(described["FeatureGroupStatus"], "Created", "status")
    listed = sm.list_feature_groups(FeatureGroupStatusEquals="Created")["FeatureGroupSummaries"]
    assert any(g["FeatureGroupName"] == name for g in listed), "listed as Created"
    listed = sm.list_feature_groups(FeatureGroupStatusEquals="Deleting")["FeatureGroupSummaries"]
    assert not any(g["FeatureGroupName"] == name for g in listed), "not listed as Deleting"
    expect_equal(sm.list_tags(ResourceArn=group_arn)["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    sm.delete_feature_group(FeatureGroupName=name)
    expect_error(
        lambda: sm.describe_feature_group(FeatureGroupName=name),
        "ResourceNotFound",
        f"Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name {name}",
    )


# Patch 25: compilation jobs run until stopped.


def create_compilation_job(sm: Any, name: str, status: str | None = None) -> None:
    tags = [{"Key": "emulator:initial-status", "Value": status}] if status else []
    sm.create_compilation_job(
        CompilationJobName=name,
        RoleArn=ROLE,
        InputConfig={"S3Uri": "s3://models/model.tar.gz", "DataInputConfig": '{"data": [1, 3, 224, 224]}', "Framework": "PYTORCH"},
        OutputConfig={"S3OutputLocation": "s3://models/compiled/", "TargetDevice": "ml_c5"},
        StoppingCondition={"MaxRuntimeInSeconds": 900},
        Tags=tags,
    )


@check
def compilation_job_runs_until_stopped(endpoint: str) -> None:
    """Created INPROGRESS without an end time; stops once; a second stop is refused."""
    sm = sagemaker(endpoint)
    name = unique("smoke-compile")
    create_compilation_job(sm, name)
    job = sm.describe_compilation_job(CompilationJobName=name)
    expect_equal(job["CompilationJobStatus"], "INPROGRESS", "status after create")
    assert "CompilationEndTime" not in job, "a running job has no end time"
    listed = sm.list_compilation_jobs(StatusEquals="INPROGRESS")["CompilationJobSummaries"]
    assert any(j["CompilationJobName"] == name for j in listed), "listed as INPROGRESS"
    sm.stop_compilation_job(CompilationJobName=name)
    expect_equal(sm.describe_compilation_job(CompilationJobName=name)["CompilationJobStatus"], "STOPPED", "after stop")
    expect_error(
        lambda: sm.stop_compilation_job(CompilationJobName=name),
        "ValidationException",
        "The request was rejected because the compilation job is in status STOPPED.",
    )


# Patch 26: Ground Truth labeling jobs.


@check
def labeling_job_lifecycle(endpoint: str) -> None:
    """Created InProgress with its workteam, output and tags kept; listed by status; stops once."""
    sm = sagemaker(endpoint)
    name = unique("smoke-labeling")
    team = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"
    created = sm.create_labeling_job(
        LabelingJobName=name,
        LabelAttributeName="label",
        InputConfig={"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://data/manifest.jsonl"}}},
        OutputConfig={"S3OutputPath": "s3://data/labels/", "KmsKeyId": "alias/labels"},
        RoleArn=ROLE,
        HumanTaskConfig={
            "WorkteamArn": team,
            "UiConfig": {"UiTemplateS3Uri": "s3://data/template.liquid"},
            "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox",
            "TaskTitle": "boxes",
            "TaskDescription": "draw boxes",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox"
            },
        },
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    expect_equal(created["LabelingJobArn"], arn("us-east-1", "labeling-job", name), "ARN")
    job = sm.describe_labeling_job(LabelingJobName=name)
    expect_equal(job["LabelingJobStatus"], "InProgress", "status after create")
    expect_equal(job["HumanTaskConfig"]["WorkteamArn"], team, "workteam")
    expect_equal(job["OutputConfig"].get("KmsKeyId"), "alias/labels", "output key")
    expect_equal(sm.list_tags(ResourceArn=created["LabelingJobArn"])["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    listed = sm.list_labeling_jobs(StatusEquals="InProgress")["LabelingJobSummaryList"]
    assert any(j["LabelingJobName"] == name for j in listed), "listed as InProgress"
    sm.stop_labeling_job(LabelingJobName=name)
    expect_equal(sm.describe_labeling_job(LabelingJobName=name)["LabelingJobStatus"], "Stopped", "after stop")
    expect_error(
        lambda: sm.stop_labeling_job(LabelingJobName=name),
        "ValidationException",
        "The request was rejected because the labeling job is in status Stopped.",
    )


# Patch 27: inference optimization jobs.


@check
def optimization_job_lifecycle(endpoint: str) -> None:
    """Created INPROGRESS with its environment, output and VPC kept; listed by status; stops once."""
    sm = sagemaker(endpoint)
    name = unique("smoke-optimize")
    created = sm.create_optimization_job(
        OptimizationJobName=name,
        RoleArn=ROLE,
        ModelSource={"S3": {"S3Uri": "s3://models/llm/"}},
        DeploymentInstanceType="ml.g5.2xlarge",
        OptimizationEnvironment={"OPTION_DTYPE": "fp16"},
        OptimizationConfigs=[{"ModelQuantizationConfig": {"Image": "quantize:latest"}}],
        OutputConfig={"S3OutputLocation": "s3://models/optimized/", "KmsKeyId": "alias/models"},
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    expect_equal(created["OptimizationJobArn"], arn("us-east-1", "optimization-job", name), "ARN")
    job = sm.describe_optimization_job(OptimizationJobName=name)
    expect_equal(job["OptimizationJobStatus"], "INPROGRESS", "status after create")
    expect_equal(job["OptimizationEnvironment"], {"OPTION_DTYPE": "fp16"}, "environment")
    expect_equal(job["OutputConfig"].get("KmsKeyId"), "alias/models", "output key")
    expect_equal(sm.list_tags(ResourceArn=created["OptimizationJobArn"])["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    listed = sm.list_optimization_jobs(StatusEquals="INPROGRESS")["OptimizationJobSummaries"]
    assert any(j["OptimizationJobName"] == name for j in listed), "listed as INPROGRESS"
    sm.stop_optimization_job(OptimizationJobName=name)
    expect_equal(sm.describe_optimization_job(OptimizationJobName=name)["OptimizationJobStatus"], "STOPPED", "after stop")
    expect_error(
        lambda: sm.stop_optimization_job(OptimizationJobName=name),
        "ValidationException",
        "The request was rejected because the optimization job is in status STOPPED.",
    )


# Patch 28: model packages.


@check
def model_package_records_who_registered_and_approved(endpoint: str) -> None:
    """SecurityConfig and SkipModelValidation kept; CreatedBy and LastModifiedBy name the callers;
    an update keeps what it leaves out; tags read on the version's ARN."""
    registrar, reviewer = sagemaker(endpoint), client("sagemaker", endpoint, access_key_id="AKIDREVIEWER")
    group = unique("smoke-registry")
    registrar.create_model_package_group(ModelPackageGroupName=group)
    created = registrar.create_model_package(
        ModelPackageGroupName=group,
        ModelApprovalStatus="PendingManualApproval",
        SkipModelValidation="All",
        SecurityConfig={"KmsKeyId": "alias/registry"},
        InferenceSpecification={
            "Containers": [{"Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/model:1"}],
            "SupportedContentTypes": ["text/csv"],
            "SupportedResponseMIMETypes": ["text/csv"],
        },
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    version = created["ModelPackageArn"]
    expect_equal(version, arn("us-east-1", "model-package", f"{group}/1"), "ARN")
    package = registrar.describe_model_package(ModelPackageName=version)
    expect_equal(package.get("SecurityConfig"), {"KmsKeyId": "alias/registry"}, "SecurityConfig")
    expect_equal(package.get("SkipModelValidation"), "All", "SkipModelValidation")
    expect_equal(package["CreatedBy"]["IamIdentity"]["Arn"], "arn:aws:iam::123456789012:user/testing", "CreatedBy")
    assert "LastModifiedBy" not in package, "nobody changed it yet"
    reviewer.update_model_package(ModelPackageArn=version, ModelApprovalStatus="Approved", ApprovalDescription="ok")
    reviewer.update_model_package(ModelPackageArn=version, CustomerMetadataProperties={"ticket": "ML-1"})
    package = registrar.describe_model_package(ModelPackageName=version)
    expect_equal(package["ModelApprovalStatus"], "Approved", "status kept by an update without it")
    expect_equal(package.get("ApprovalDescription"), "ok", "description kept")
    expect_equal(package["LastModifiedBy"]["IamIdentity"]["Arn"], "arn:aws:iam::123456789012:user/AKIDREVIEWER", "LastModifiedBy")
    expect_equal(registrar.list_tags(ResourceArn=version)["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    listed = registrar.list_model_packages(ModelPackageType="Both", ModelApprovalStatus="Approved")["ModelPackageSummaryList"]
    assert any(p["ModelPackageArn"] == version for p in listed), "listed as Approved"


# Patch 29: managed MLflow.


@check
def mlflow_tracking_server_lifecycle(endpoint: str) -> None:
    """Created with its artifact store and bucket owner kept; updated; listed by status; stops
    once; tags on its ARN."""
    sm = sagemaker(endpoint)
    name = unique("smoke-mlflow")
    created = sm.create_mlflow_tracking_server(
        TrackingServerName=name,
        ArtifactStoreUri="s3://mlflow-artifacts/team/",
        RoleArn=ROLE,
        S3BucketOwnerAccountId="210987654321",
        S3BucketOwnerVerification=False,
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    expect_equal(created["TrackingServerArn"], arn("us-east-1", "mlflow-tracking-server", name), "ARN")
    server = sm.describe_mlflow_tracking_server(TrackingServerName=name)
    expect_equal(server["TrackingServerStatus"], "Created", "status after create")
    expect_equal(server["S3BucketOwnerAccountId"], "210987654321", "bucket owner")
    expect_equal(server["S3BucketOwnerVerification"], False, "owner verification")
    sm.update_mlflow_tracking_server(TrackingServerName=name, S3BucketOwnerVerification=True)
    server = sm.describe_mlflow_tracking_server(TrackingServerName=name)
    expect_equal(server["S3BucketOwnerVerification"], True, "updated")
    expect_equal(server["ArtifactStoreUri"], "s3://mlflow-artifacts/team/", "kept by the update")
    expect_equal(sm.list_tags(ResourceArn=created["TrackingServerArn"])["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    listed = sm.list_mlflow_tracking_servers(TrackingServerStatus="Updated")["TrackingServerSummaries"]
    assert any(s["TrackingServerName"] == name for s in listed), "listed as Updated"
    sm.stop_mlflow_tracking_server(TrackingServerName=name)
    expect_equal(sm.describe_mlflow_tracking_server(TrackingServerName=name)["TrackingServerStatus"], "Stopped", "after stop")
    expect_error(
        lambda: sm.stop_mlflow_tracking_server(TrackingServerName=name),
        "ConflictException",
        f"Tracking server {name} is in status Stopped and cannot be stopped.",
    )


@check
def mlflow_app_named_by_arn(endpoint: str) -> None:
    """An app is described, updated and deleted by its ARN (an id, not its name); its key kept."""
    sm = sagemaker(endpoint)
    created = sm.create_mlflow_app(
        Name=unique("smoke-app"),
        ArtifactStoreUri="s3://mlflow-artifacts/app/",
        RoleArn=ROLE,
        KmsKeyId="alias/mlflow",
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    app_arn = created["Arn"]
    assert ":mlflow-app/app-" in app_arn, app_arn
    app = sm.describe_mlflow_app(Arn=app_arn)
    expect_equal((app["Status"], app["KmsKeyId"]), ("Created", "alias/mlflow"), "status and key")
    sm.update_mlflow_app(Arn=app_arn, AccessControlConfiguration={"Status": "ENABLED"})
    expect_equal(sm.describe_mlflow_app(Arn=app_arn)["AccessControlConfiguration"], {"Status": "ENABLED"}, "updated")
    expect_equal(sm.list_tags(ResourceArn=app_arn)["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    assert any(a["Arn"] == app_arn for a in sm.list_mlflow_apps(Status="Updated")["Summaries"]), "listed"
    sm.delete_mlflow_app(Arn=app_arn)
    expect_error(lambda: sm.describe_mlflow_app(Arn=app_arn), "ResourceNotFound", f"MLflow app {app_arn} not found.")


# Patch 30: inference experiments and Inference Recommender jobs.


@check
def inference_experiment_stops_with_an_action_per_variant(endpoint: str) -> None:
    """Created Running with its keys and variants kept; a stop must name every variant."""
    sm = sagemaker(endpoint)
    name = unique("smoke-shadow")
    variant = lambda n: {  # noqa: E731
        "ModelName": n,
        "VariantName": n,
        "InfrastructureConfig": {
            "InfrastructureType": "RealTimeInference",
            "RealTimeInferenceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
        },
    }
    created = sm.create_inference_experiment(
        Name=name,
        Type="ShadowMode",
        RoleArn=ROLE,
        EndpointName="smoke-endpoint",
        ModelVariants=[variant("prod"), variant("shadow")],
        ShadowModeConfig={
            "SourceModelVariantName": "prod",
            "ShadowModelVariants": [{"ShadowModelVariantName": "shadow", "SamplingPercentage": 50}],
        },
        KmsKey="alias/shadow",
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    expect_equal(created["InferenceExperimentArn"], arn("us-east-1", "inference-experiment", name), "ARN")
    described = sm.describe_inference_experiment(Name=name)
    expect_equal((described["Status"], described["KmsKey"], described["Arn"]), ("Running", "alias/shadow", created["InferenceExperimentArn"]), "described")
    expect_equal(sm.list_tags(ResourceArn=created["InferenceExperimentArn"])["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    assert any(e["Name"] == name for e in sm.list_inference_experiments(StatusEquals="Running")["InferenceExperiments"])
    expect_error(
        lambda: sm.stop_inference_experiment(Name=name, ModelVariantActions={"prod": "Retain"}),
        "ValidationException",
        "ModelVariantActions must name each variant: ['prod', 'shadow']",
    )
    sm.stop_inference_experiment(Name=name, ModelVariantActions={"prod": "Retain", "shadow": "Remove"}, DesiredState="Cancelled")
    expect_equal(sm.describe_inference_experiment(Name=name)["Status"], "Cancelled", "after stop")


@check
def recommendation_job_lifecycle(endpoint: str) -> None:
    """Created IN_PROGRESS with its input kept; listed by status; stops once."""
    sm = sagemaker(endpoint)
    name = unique("smoke-recommend")
    created = sm.create_inference_recommendations_job(
        JobName=name,
        JobType="Default",
        RoleArn=ROLE,
        InputConfig={"ModelPackageVersionArn": "arn:aws:sagemaker:us-east-1:123456789012:model-package/m/1", "VolumeKmsKeyId": "alias/rec"},
        OutputConfig={"KmsKeyId": "alias/out"},
    )
    expect_equal(created["JobArn"], arn("us-east-1", "inference-recommendations-job", name), "ARN")
    job = sm.describe_inference_recommendations_job(JobName=name)
    expect_equal((job["Status"], job["InputConfig"]["VolumeKmsKeyId"]), ("IN_PROGRESS", "alias/rec"), "described")
    assert "OutputConfig" not in job, "AWS does not report it"
    assert any(j["JobName"] == name for j in sm.list_inference_recommendations_jobs(StatusEquals="IN_PROGRESS")["InferenceRecommendationsJobs"])
    sm.stop_inference_recommendations_job(JobName=name)
    expect_equal(sm.describe_inference_recommendations_job(JobName=name)["Status"], "STOPPED", "after stop")


# Patch 31: A2I flow definitions.


@check
def flow_definition_lifecycle(endpoint: str) -> None:
    """Created Active with its workteam and output kept; listed; tags on its ARN; deleted."""
    sm = sagemaker(endpoint)
    name = unique("smoke-flow")
    team = "arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default"
    created = sm.create_flow_definition(
        FlowDefinitionName=name,
        HumanLoopConfig={
            "WorkteamArn": team,
            "HumanTaskUiArn": "arn:aws:sagemaker:us-east-1:123456789012:human-task-ui/ui",
            "TaskTitle": "review",
            "TaskDescription": "review",
            "TaskCount": 1,
        },
        OutputConfig={"S3OutputPath": "s3://reviews/", "KmsKeyId": "alias/reviews"},
        RoleArn=ROLE,
        Tags=[{"Key": "owner", "Value": "smoke"}],
    )
    expect_equal(created["FlowDefinitionArn"], arn("us-east-1", "flow-definition", name), "ARN")
    flow = sm.describe_flow_definition(FlowDefinitionName=name)
    expect_equal((flow["FlowDefinitionStatus"], flow["HumanLoopConfig"]["WorkteamArn"], flow["OutputConfig"]["KmsKeyId"]), ("Active", team, "alias/reviews"), "described")
    expect_equal(sm.list_tags(ResourceArn=created["FlowDefinitionArn"])["Tags"], [{"Key": "owner", "Value": "smoke"}], "tags")
    assert any(f["FlowDefinitionName"] == name for f in sm.list_flow_definitions()["FlowDefinitionSummaries"]), "listed"
    sm.delete_flow_definition(FlowDefinitionName=name)
    expect_error(lambda: sm.describe_flow_definition(FlowDefinitionName=name), "ResourceNotFound", f"Flow definition {name} does not exist.")


# Patch 2: processing jobs.


@check
def processing_job_lifecycle(endpoint: str) -> None:
    """Created InProgress with its settings kept; stops once; a second stop is refused."""
    sm = sagemaker(endpoint)
    name = unique("smoke-processing")
    create_processing_job(sm, name)
    job = sm.describe_processing_job(ProcessingJobName=name)
    expect_equal(job["ProcessingJobStatus"], "InProgress", "status after create")
    assert "ProcessingEndTime" not in job, "an InProgress job has no end time"
    expect_equal(job.get("ProcessingResources"), PROCESSING_RESOURCES, "ProcessingResources")
    expect_equal(job.get("NetworkConfig"), PROCESSING_NETWORK, "NetworkConfig")
    expect_equal(job.get("ProcessingOutputConfig"), PROCESSING_OUTPUT, "ProcessingOutputConfig")

    sm.stop_processing_job(ProcessingJobName=name)
    job = sm.describe_processing_job(ProcessingJobName=name)
    expect_equal(job["ProcessingJobStatus"], "Stopped", "status after stop")
    assert "ProcessingEndTime" in job, "a stopped job has an end time"
    expect_error(
        lambda: sm.stop_processing_job(ProcessingJobName=name),
        "ValidationException",
        "The request was rejected because the processing job is in status Stopped.",
    )


@check
def processing_job_stop_refused_when_completed(endpoint: str) -> None:
    """A job tagged Completed cannot be stopped; an unknown name is not found."""
    sm = sagemaker(endpoint)
    name = unique("smoke-processing-done")
    create_processing_job(sm, name, "Completed")
    expect_equal(
        sm.describe_processing_job(ProcessingJobName=name)["ProcessingJobStatus"],
        "Completed",
        "status from the tag",
    )
    expect_error(
        lambda: sm.stop_processing_job(ProcessingJobName=name),
        "ValidationException",
        "The request was rejected because the processing job is in status Completed.",
    )
    missing = unique("smoke-missing")
    expect_error(
        lambda: sm.stop_processing_job(ProcessingJobName=missing),
        "ValidationException",
        f"Could not find requested job with name {missing}",
    )


# Patch 3: transform jobs.


@check
def transform_job_lifecycle(endpoint: str) -> None:
    """Created InProgress with its settings kept; stops once; then refused; unknown names."""
    sm = sagemaker(endpoint)
    name = unique("smoke-transform")
    create_transform_job(sm, name)
    job = sm.describe_transform_job(TransformJobName=name)
    expect_equal(job["TransformJobStatus"], "InProgress", "status after create")
    assert "TransformEndTime" not in job, "an InProgress job has no end time"
    expect_equal(job.get("TransformResources"), TRANSFORM_RESOURCES, "TransformResources")
    expect_equal(job.get("TransformOutput"), TRANSFORM_OUTPUT, "TransformOutput")

    sm.stop_transform_job(TransformJobName=name)
    expect_equal(
        sm.describe_transform_job(TransformJobName=name)["TransformJobStatus"],
        "Stopped",
        "status after stop",
    )
    expect_error(
        lambda: sm.stop_transform_job(TransformJobName=name),
        "ValidationException",
        "The request was rejected because the transform job is in status Stopped.",
    )
    missing = unique("smoke-missing")
    expect_error(
        lambda: sm.stop_transform_job(TransformJobName=missing),
        "ValidationException",
        f"Could not find requested job with name {missing}",
    )


@check
def transform_job_initial_status(endpoint: str) -> None:
    """A transform job tagged Completed starts Completed, with an end time."""
    sm = sagemaker(endpoint)
    name = unique("smoke-transform-done")
    create_transform_job(sm, name, "Completed")
    job = sm.describe_transform_job(TransformJobName=name)
    expect_equal(job["TransformJobStatus"], "Completed", "status from the tag")
    assert "TransformEndTime" in job, "a completed job has an end time"


# Patch 3b: hyperparameter tuning jobs.


@check
def tuning_job_lifecycle(endpoint: str) -> None:
    """Created InProgress (or as tagged) with its definition kept; stops once; then refused;
    unknown names are ResourceNotFound."""
    sm = sagemaker(endpoint)
    name = unique("smoke-tuning")
    definition = {
        "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        "RoleArn": ROLE,
        "OutputDataConfig": {"S3OutputPath": "s3://bucket/hpo/", "KmsKeyId": KEY},
        "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 5},
        "StoppingCondition": {"MaxRuntimeInSeconds": 60},
        "VpcConfig": VPC,
        "EnableNetworkIsolation": True,
    }
    config = {
        "Strategy": "Bayesian",
        "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
    }
    for job_name, status in [(name, None), (name + "-done", "Completed")]:
        sm.create_hyper_parameter_tuning_job(
            HyperParameterTuningJobName=job_name,
            HyperParameterTuningJobConfig=config,
            TrainingJobDefinition=definition,
            Tags=status_tag(status),
        )
    job = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    expect_equal(job["HyperParameterTuningJobStatus"], "InProgress", "status after create")
    expect_equal(job["TrainingJobDefinition"].get("VpcConfig"), VPC, "definition VpcConfig")
    done = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name + "-done")
    expect_equal(done["HyperParameterTuningJobStatus"], "Completed", "status from the tag")
    listed = sm.list_hyper_parameter_tuning_jobs(StatusEquals="InProgress", NameContains=name)
    expect_equal(
        [j["HyperParameterTuningJobName"] for j in listed["HyperParameterTuningJobSummaries"]],
        [name],
        "InProgress listing",
    )

    sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)
    expect_equal(
        sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=name)[
            "HyperParameterTuningJobStatus"
        ],
        "Stopped",
        "status after stop",
    )
    expect_error(
        lambda: sm.stop_hyper_parameter_tuning_job(HyperParameterTuningJobName=name),
        "ValidationException",
        "The request was rejected because the hyper parameter tuning job is in status Stopped.",
    )
    missing = unique("smoke-missing")
    expect_error(
        lambda: sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=missing),
        "ResourceNotFound",
        f"Amazon SageMaker can't find a tuning job with name {missing}",
    )


# Patch 4: models.


@check
def model_network_isolation_and_vpc(endpoint: str) -> None:
    """EnableNetworkIsolation and VpcConfig come back as given (or absent)."""
    sm = sagemaker(endpoint)
    isolated = unique("smoke-model-isolated")
    create_model(sm, isolated, isolated=True)
    model = sm.describe_model(ModelName=isolated)
    expect_equal(model["EnableNetworkIsolation"], True, "EnableNetworkIsolation given true")
    expect_equal(model.get("VpcConfig"), VPC, "VpcConfig")

    open_model = unique("smoke-model-open")
    create_model(sm, open_model, isolated=False)
    model = sm.describe_model(ModelName=open_model)
    expect_equal(model["EnableNetworkIsolation"], False, "EnableNetworkIsolation not given")
    assert "VpcConfig" not in model, f"no VpcConfig was given, got {model.get('VpcConfig')!r}"


# Patch 5: notebook instances.


@check
def notebook_fields_and_stop(endpoint: str) -> None:
    """Network and encryption fields kept; stop only from InService; start again."""
    sm = sagemaker(endpoint)
    name = unique("smoke-notebook")
    create_notebook(sm, name)
    notebook = sm.describe_notebook_instance(NotebookInstanceName=name)
    expect_equal(notebook["NotebookInstanceStatus"], "InService", "status after create")
    expect_equal(notebook.get("SubnetId"), VPC["Subnets"][0], "SubnetId")
    expect_equal(notebook.get("SecurityGroups"), VPC["SecurityGroupIds"], "SecurityGroups")
    expect_equal(notebook.get("KmsKeyId"), KEY, "KmsKeyId")
    expect_equal(notebook.get("DirectInternetAccess"), "Disabled", "DirectInternetAccess")
    expect_equal(notebook.get("RootAccess"), "Disabled", "RootAccess")

    sm.stop_notebook_instance(NotebookInstanceName=name)
    expect_equal(
        sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"],
        "Stopped",
        "status after stop",
    )
    expect_error(
        lambda: sm.stop_notebook_instance(NotebookInstanceName=name),
        "ValidationException",
        "Status (Stopped) not in ([InService]). Unable to transition to (Stopping) "
        f"for Notebook Instance ({arn('us-east-1', 'notebook-instance', name)})",
    )
    sm.start_notebook_instance(NotebookInstanceName=name)
    expect_equal(
        sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"],
        "InService",
        "status after start",
    )


# Patch 21: a notebook lifecycle configuration rewritten in place.


@check
def notebook_lifecycle_config_update(endpoint: str) -> None:
    """UpdateNotebookInstanceLifecycleConfig replaces the scripts given and keeps the others."""
    sm = sagemaker(endpoint)
    name = unique("smoke-lcc")
    sm.create_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name,
        OnCreate=[{"Content": "ZWNobyBjcmVhdGU="}],
        OnStart=[{"Content": "ZWNobyBzdGFydA=="}],
    )
    sm.update_notebook_instance_lifecycle_config(
        NotebookInstanceLifecycleConfigName=name, OnStart=[{"Content": "Y3VybCBldmls"}]
    )
    config = sm.describe_notebook_instance_lifecycle_config(NotebookInstanceLifecycleConfigName=name)
    expect_equal(config.get("OnCreate"), [{"Content": "ZWNobyBjcmVhdGU="}], "OnCreate kept")
    expect_equal(config.get("OnStart"), [{"Content": "Y3VybCBldmls"}], "OnStart replaced")
    missing = unique("missing-lcc")
    expect_error(
        lambda: sm.update_notebook_instance_lifecycle_config(
            NotebookInstanceLifecycleConfigName=missing, OnStart=[]
        ),
        "ValidationException",
        "Unable to describe Notebook Instance Lifecycle Config "
        f"'{arn('us-east-1', 'notebook-instance-lifecycle-config', missing)}'. "
        "(Details: Notebook Instance Lifecycle Config does not exist.)",
    )


# Patch 18: model monitoring schedules.


@check
def monitoring_schedules_and_job_definitions(endpoint: str) -> None:
    """A schedule naming a job definition is Scheduled, described with its configuration, listed
    by status, stopped once (a second stop is refused) and tagged; the job definition (moto's own)
    is described with the members AWS answers."""
    sm = sagemaker(endpoint)
    definition = unique("smoke-dq")
    sm.create_data_quality_job_definition(
        JobDefinitionName=definition,
        DataQualityAppSpecification={"ImageUri": "123456789012.dkr.ecr.us-east-1.amazonaws.com/monitor:1"},
        DataQualityJobInput={"EndpointInput": {"EndpointName": "fraud-api", "LocalPath": "/opt/ml/processing/input"}},
        DataQualityJobOutputConfig={
            "MonitoringOutputs": [{"S3Output": {"S3Uri": "s3://monitoring/", "LocalPath": "/opt/ml/processing/output"}}],
            "KmsKeyId": KEY,
        },
        JobResources={"ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 20, "VolumeKmsKeyId": KEY}},
        NetworkConfig={"EnableInterContainerTrafficEncryption": True, "EnableNetworkIsolation": True, "VpcConfig": VPC},
        RoleArn=ROLE,
    )
    described = sm.describe_data_quality_job_definition(JobDefinitionName=definition)
    expect_equal(described["JobResources"]["ClusterConfig"]["VolumeKmsKeyId"], KEY, "volume key")
    expect_equal(described["DataQualityJobOutputConfig"]["KmsKeyId"], KEY, "output key")
    expect_equal(described["NetworkConfig"]["VpcConfig"], VPC, "VpcConfig")

    name = unique("smoke-schedule")
    created = sm.create_monitoring_schedule(
        MonitoringScheduleName=name,
        MonitoringScheduleConfig={
            "ScheduleConfig": {"ScheduleExpression": "cron(0 * ? * * *)"},
            "MonitoringJobDefinitionName": definition,
            "MonitoringType": "DataQuality",
        },
        Tags=[{"Key": "owner", "Value": "alice"}],
    )
    expect_equal(created["MonitoringScheduleArn"], arn("us-east-1", "monitoring-schedule", name), "arn")
    schedule = sm.describe_monitoring_schedule(MonitoringScheduleName=name)
    expect_equal(schedule["MonitoringScheduleStatus"], "Scheduled", "status")
    expect_equal(schedule["MonitoringScheduleConfig"]["MonitoringJobDefinitionName"], definition, "definition")
    listed = sm.list_monitoring_schedules(StatusEquals="Scheduled")["MonitoringScheduleSummaries"]
    expect_equal(name in [s["MonitoringScheduleName"] for s in listed], True, "listed as Scheduled")
    expect_equal(
        sm.list_tags(ResourceArn=created["MonitoringScheduleArn"])["Tags"],
        [{"Key": "owner", "Value": "alice"}],
        "tags",
    )
    sm.stop_monitoring_schedule(MonitoringScheduleName=name)
    expect_equal(
        sm.describe_monitoring_schedule(MonitoringScheduleName=name)["MonitoringScheduleStatus"], "Stopped", "stopped"
    )
    expect_error(
        lambda: sm.stop_monitoring_schedule(MonitoringScheduleName=name),
        "ValidationException",
        f"Monitoring schedule {name} is Stopped: it cannot be stopped.",
    )
    expect_error(
        lambda: sm.describe_monitoring_schedule(MonitoringScheduleName="no-such-schedule"),
        "ResourceNotFound",
        "Monitoring schedule no-such-schedule does not exist.",
    )


# Patch 17: Studio domains, user profiles, spaces and apps.


@check
def studio_domains_profiles_spaces_and_apps(endpoint: str) -> None:
    """CreateDomain answers its id; UpdateDomain changes Docker access and network; profiles,
    spaces and apps are created, described, listed by filter, tagged; DeleteApp leaves the app
    listed as Deleted and a second one is ResourceNotFound."""
    sm = sagemaker(endpoint)
    name = unique("smoke-domain")
    created = sm.create_domain(
        DomainName=name,
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": ROLE, "SecurityGroups": VPC["SecurityGroupIds"]},
        SubnetIds=VPC["Subnets"],
        VpcId="vpc-0123456789abcdef0",
        AppNetworkAccessType="VpcOnly",
        KmsKeyId=KEY,
    )
    domain_id = created["DomainId"]
    expect_equal(created["DomainArn"], arn("us-east-1", "domain", domain_id), "DomainArn")
    sm.update_domain(
        DomainId=domain_id,
        DomainSettingsForUpdate={"DockerSettings": {"EnableDockerAccess": "ENABLED"}},
        AppNetworkAccessType="PublicInternetOnly",
    )
    described = sm.describe_domain(DomainId=domain_id)
    expect_equal(described["DomainSettings"]["DockerSettings"]["EnableDockerAccess"], "ENABLED", "Docker")
    expect_equal(described["AppNetworkAccessType"], "PublicInternetOnly", "network access updated")
    expect_equal(described["KmsKeyId"], KEY, "KmsKeyId kept")

    profile = sm.create_user_profile(
        DomainId=domain_id,
        UserProfileName="alice",
        UserSettings={"SecurityGroups": ["sg-0ffffffffffff0099"]},
        Tags=[{"Key": "owner", "Value": "alice"}],
    )
    expect_equal(profile["UserProfileArn"], arn("us-east-1", "user-profile", f"{domain_id}/alice"), "arn")
    got = sm.describe_user_profile(DomainId=domain_id, UserProfileName="alice")
    expect_equal(got["UserSettings"]["SecurityGroups"], ["sg-0ffffffffffff0099"], "profile groups")
    expect_equal(got["Status"], "InService", "profile status")
    tags = sm.list_tags(ResourceArn=profile["UserProfileArn"])["Tags"]
    expect_equal(tags, [{"Key": "owner", "Value": "alice"}], "profile tags")
    sm.create_space(DomainId=domain_id, SpaceName="team", OwnershipSettings={"OwnerUserProfileName": "alice"})
    expect_equal(
        [p["UserProfileName"] for p in sm.list_user_profiles(DomainIdEquals=domain_id)["UserProfiles"]],
        ["alice"],
        "profiles listed",
    )
    expect_equal(
        [s["SpaceName"] for s in sm.list_spaces(DomainIdEquals=domain_id)["Spaces"]], ["team"], "spaces listed"
    )

    sm.create_app(DomainId=domain_id, UserProfileName="alice", AppType="JupyterServer", AppName="default")
    sm.create_app(
        DomainId=domain_id,
        SpaceName="team",
        AppType="JupyterLab",
        AppName="default",
        ResourceSpec={"InstanceType": "ml.t3.medium"},
    )
    app = sm.describe_app(DomainId=domain_id, SpaceName="team", AppType="JupyterLab", AppName="default")
    expect_equal(app["AppArn"], arn("us-east-1", "app", f"{domain_id}/team/jupyterlab/default"), "app arn")
    expect_equal(app["Status"], "InService", "app status")
    by_space = sm.list_apps(DomainIdEquals=domain_id, SpaceNameEquals="team")["Apps"]
    expect_equal([a["AppType"] for a in by_space], ["JupyterLab"], "apps of the space")
    sm.delete_app(DomainId=domain_id, UserProfileName="alice", AppType="JupyterServer", AppName="default")
    statuses = {a["AppType"]: a["Status"] for a in sm.list_apps(DomainIdEquals=domain_id)["Apps"]}
    expect_equal(statuses, {"JupyterServer": "Deleted", "JupyterLab": "InService"}, "after DeleteApp")
    expect_error(
        lambda: sm.delete_app(DomainId=domain_id, UserProfileName="alice", AppType="JupyterServer", AppName="default"),
        "ResourceNotFound",
        "App default does not exist.",
    )
    expect_error(
        lambda: sm.describe_user_profile(DomainId=domain_id, UserProfileName="bob"),
        "ResourceNotFound",
        f"UserProfile {domain_id}/bob does not exist.",
    )


# Patch 16: notebook platform and instance metadata settings.


@check
def notebook_platform_and_imds(endpoint: str) -> None:
    """AWS's defaults when left out, the values given otherwise, a version outside 1|2 refused."""
    sm = sagemaker(endpoint)
    name = unique("smoke-notebook-defaults")
    create_notebook(sm, name)
    notebook = sm.describe_notebook_instance(NotebookInstanceName=name)
    expect_equal(notebook.get("PlatformIdentifier"), "notebook-al2023-v1", "default platform")
    expect_equal(
        notebook.get("InstanceMetadataServiceConfiguration"),
        {"MinimumInstanceMetadataServiceVersion": "1"},
        "default IMDS configuration",
    )
    name = unique("smoke-notebook-settings")
    create_notebook(
        sm,
        name,
        PlatformIdentifier="notebook-al2-v3",
        InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "2"},
        LifecycleConfigName="idle-shutdown",
    )
    notebook = sm.describe_notebook_instance(NotebookInstanceName=name)
    expect_equal(notebook.get("PlatformIdentifier"), "notebook-al2-v3", "platform given")
    expect_equal(
        notebook.get("InstanceMetadataServiceConfiguration"),
        {"MinimumInstanceMetadataServiceVersion": "2"},
        "IMDS configuration given",
    )
    expect_equal(
        notebook.get("NotebookInstanceLifecycleConfigName"), "idle-shutdown", "lifecycle config"
    )
    expect_error(
        lambda: create_notebook(
            sm,
            unique("smoke-notebook-imds3"),
            InstanceMetadataServiceConfiguration={"MinimumInstanceMetadataServiceVersion": "3"},
        ),
        "ValidationException",
        "Value '3' at 'instanceMetadataServiceConfiguration.minimumInstanceMetadataServiceVersion' "
        "failed to satisfy constraint: Member must satisfy regular expression pattern: 1|2",
    )


# Patch 6: the initial-status tag.


@check
def notebook_initial_status(endpoint: str) -> None:
    """Tagged Pending: starts Pending, keeps the tag, refuses a stop until settled InService;
    Stopped can start."""
    sm = sagemaker(endpoint)
    name = unique("smoke-notebook-pending")
    create_notebook(sm, name, "Pending")
    notebook = sm.describe_notebook_instance(NotebookInstanceName=name)
    expect_equal(notebook["NotebookInstanceStatus"], "Pending", "status from the tag")
    tags = sm.list_tags(ResourceArn=notebook["NotebookInstanceArn"])["Tags"]
    assert {"Key": INITIAL_STATUS_TAG, "Value": "Pending"} in tags, f"tag listed: {tags!r}"
    expect_error(
        lambda: sm.stop_notebook_instance(NotebookInstanceName=name),
        "ValidationException",
        "Status (Pending) not in ([InService]). Unable to transition to (Stopping) "
        f"for Notebook Instance ({notebook['NotebookInstanceArn']})",
    )
    # Over time AWS brings it InService (the control endpoint), where a stop is accepted.
    code, answer = control(
        endpoint, "POST", f"/_guardrail/notebook-instances/{name}/settle", {"status": "InService"}
    )
    expect_equal(code, 200, f"settle notebook: {answer}")
    expect_equal(
        sm.describe_notebook_instance(NotebookInstanceName=name)["NotebookInstanceStatus"],
        "InService",
        "a settled Pending notebook",
    )
    sm.stop_notebook_instance(NotebookInstanceName=name)
    code, _ = control(
        endpoint, "POST", "/_guardrail/notebook-instances/smoke-absent/settle", {"status": "InService"}
    )
    expect_equal(code, 404, "settling an unknown notebook")

    stopped = unique("smoke-notebook-stopped")
    create_notebook(sm, stopped, "Stopped")
    sm.start_notebook_instance(NotebookInstanceName=stopped)
    expect_equal(
        sm.describe_notebook_instance(NotebookInstanceName=stopped)["NotebookInstanceStatus"],
        "InService",
        "a Stopped notebook after start",
    )


@check
def endpoint_initial_status(endpoint: str) -> None:
    """Tagged Creating: described, tag listed, deletable; untagged starts InService."""
    sm = sagemaker(endpoint)
    name = unique("smoke-endpoint")
    create_endpoint(sm, name, "Creating")
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(described["EndpointStatus"], "Creating", "status from the tag")
    tags = sm.list_tags(ResourceArn=described["EndpointArn"])["Tags"]
    assert {"Key": INITIAL_STATUS_TAG, "Value": "Creating"} in tags, f"tag listed: {tags!r}"
    sm.delete_endpoint(EndpointName=name)
    expect_error(
        lambda: sm.describe_endpoint(EndpointName=name),
        "ValidationException",
        f"Could not find endpoint '{arn('us-east-1', 'endpoint', name)}'.",
    )

    plain = unique("smoke-endpoint-plain")
    create_endpoint(sm, plain)
    expect_equal(
        sm.describe_endpoint(EndpointName=plain)["EndpointStatus"], "InService", "default"
    )


@check
def processing_initial_status(endpoint: str) -> None:
    """A processing job tagged Failed starts Failed and keeps the tag."""
    sm = sagemaker(endpoint)
    name = unique("smoke-processing-failed")
    create_processing_job(sm, name, "Failed")
    job = sm.describe_processing_job(ProcessingJobName=name)
    expect_equal(job["ProcessingJobStatus"], "Failed", "status from the tag")
    tags = sm.list_tags(ResourceArn=job["ProcessingJobArn"])["Tags"]
    assert {"Key": INITIAL_STATUS_TAG, "Value": "Failed"} in tags, f"tag listed: {tags!r}"


@check
def initial_status_must_be_valid(endpoint: str) -> None:
    """A status the resource type does not have is refused, and nothing is created."""
    sm = sagemaker(endpoint)
    name = unique("smoke-notebook-bad")
    try:
        create_notebook(sm, name, "Creating")
    except ClientError as error:
        expect_equal(error.response["Error"]["Code"], "ValidationException", "code")
    else:
        raise AssertionError("a notebook cannot start in Creating")
    expect_error(
        lambda: sm.describe_notebook_instance(NotebookInstanceName=name),
        "ValidationException",
        "RecordNotFound",
    )


# Patch 7: names that do not exist.


@check
def not_found_errors(endpoint: str) -> None:
    """Describe* of an unknown name: HTTP 400 ValidationException with AWS's message."""
    region = "us-east-1"
    sm = sagemaker(endpoint, region)
    missing = unique("smoke-missing")
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: sm.describe_notebook_instance(NotebookInstanceName=missing), "RecordNotFound"),
        (
            lambda: sm.describe_training_job(TrainingJobName=missing),
            "Requested resource not found.",
        ),
        (
            lambda: sm.describe_processing_job(ProcessingJobName=missing),
            f"Could not find requested job with name {missing}",
        ),
        (
            lambda: sm.describe_transform_job(TransformJobName=missing),
            f"Could not find requested job with name {missing}",
        ),
        (
            lambda: sm.describe_endpoint(EndpointName=missing),
            f"Could not find endpoint '{arn(region, 'endpoint', missing)}'.",
        ),
        (
            lambda: sm.describe_endpoint_config(EndpointConfigName=missing),
            f"Could not find endpoint configuration '{arn(region, 'endpoint-config', missing)}'.",
        ),
        (
            lambda: sm.describe_model(ModelName=missing),
            f"Could not find model '{arn(region, 'model', missing)}'.",
        ),
    ]
    for call, message in cases:
        expect_error(call, "ValidationException", message)


# Patch 9: UpdateEndpoint and the settle control.


def create_config(sm: Any, name: str, model: str, count: int = 1, **extra: Any) -> None:
    """Creates an endpoint configuration with one variant of ``model``."""
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": model,
                "InitialInstanceCount": count,
                "InstanceType": "ml.m5.large",
            }
        ],
        **extra,
    )


def settle(endpoint: str, name: str, status: str, **extra: Any) -> dict[str, Any]:
    """Settles an endpoint update through the emulator's control endpoint."""
    code, answer = control(
        endpoint, "POST", f"/_guardrail/endpoints/{name}/settle", {"status": status, **extra}
    )
    expect_equal(code, 200, f"settle {name} {status}: {answer}")
    result: dict[str, Any] = answer
    return result


@check
def endpoint_update_lifecycle(endpoint: str) -> None:
    """UpdateEndpoint: Updating with the old config and a pending summary of the new one;
    refused while in progress; settled InService, the new config is current."""
    sm = sagemaker(endpoint)
    name = unique("smoke-update")
    create_endpoint(sm, name)
    new_config = name + "-v2"
    create_config(sm, new_config, name, count=2)
    sm.update_endpoint(EndpointName=name, EndpointConfigName=new_config)
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(described["EndpointStatus"], "Updating", "status after UpdateEndpoint")
    expect_equal(described["EndpointConfigName"], name, "EndpointConfigName while updating")
    pending = described.get("PendingDeploymentSummary") or {}
    expect_equal(pending.get("EndpointConfigName"), new_config, "pending EndpointConfigName")
    assert "StartTime" in pending, f"pending StartTime: {pending!r}"
    variants = pending.get("ProductionVariants") or [{}]
    expect_equal(
        (variants[0].get("VariantName"), variants[0].get("DesiredInstanceCount")),
        ("AllTraffic", 2),
        "pending variant",
    )
    expect_error(
        lambda: sm.update_endpoint(EndpointName=name, EndpointConfigName=new_config),
        "ValidationException",
        f'Cannot update in-progress endpoint "{arn("us-east-1", "endpoint", name)}".',
    )

    answer = settle(endpoint, name, "InService")
    expect_equal(answer["EndpointConfigName"], new_config, "settle answer")
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(described["EndpointStatus"], "InService", "status after settle")
    expect_equal(described["EndpointConfigName"], new_config, "EndpointConfigName after settle")
    assert "PendingDeploymentSummary" not in described, "no pending deployment after settle"
    assert "FailureReason" not in described, "no FailureReason after a successful update"
    expect_equal(
        described["ProductionVariants"][0].get("CurrentInstanceCount"), 2, "new variant count"
    )


@check
def endpoint_update_rollback(endpoint: str) -> None:
    """A failed update rolls back (RollingBack, then InService on the old config with a
    FailureReason), or ends UpdateRollbackFailed with the pending summary kept, from where a new
    update starts."""
    sm = sagemaker(endpoint)
    name = unique("smoke-rollback")
    create_endpoint(sm, name)
    new_config = name + "-v2"
    create_config(sm, new_config, name)

    sm.update_endpoint(EndpointName=name, EndpointConfigName=new_config)
    settle(endpoint, name, "RollingBack", failure_reason="health check failed")
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(described["EndpointStatus"], "RollingBack", "status while rolling back")
    expect_equal(described["EndpointConfigName"], name, "old config while rolling back")
    assert "PendingDeploymentSummary" not in described, "no pending deployment in RollingBack"
    settle(endpoint, name, "InService")
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(
        (described["EndpointStatus"], described["EndpointConfigName"]),
        ("InService", name),
        "after the rollback",
    )
    expect_equal(described.get("FailureReason"), "health check failed", "FailureReason kept")

    sm.update_endpoint(EndpointName=name, EndpointConfigName=new_config)
    assert "FailureReason" not in sm.describe_endpoint(EndpointName=name), "a new update clears it"
    settle(endpoint, name, "UpdateRollbackFailed")
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(described["EndpointStatus"], "UpdateRollbackFailed", "rollback failed")
    expect_equal(described["EndpointConfigName"], name, "EndpointConfigName after failed rollback")
    expect_equal(
        (described.get("PendingDeploymentSummary") or {}).get("EndpointConfigName"),
        new_config,
        "pending summary kept",
    )
    assert described.get("FailureReason"), "UpdateRollbackFailed has a FailureReason"
    # Restored by a new update (to the old configuration here), which deploys as any update.
    sm.update_endpoint(EndpointName=name, EndpointConfigName=name)
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(described["EndpointStatus"], "Updating", "a new update of UpdateRollbackFailed")
    expect_equal(
        described["PendingDeploymentSummary"]["EndpointConfigName"], name, "restoring update"
    )


@check
def endpoint_update_refused(endpoint: str) -> None:
    """UpdateEndpoint refuses a Failed or Creating endpoint, unknown names; the settle control
    refuses unknown endpoints and statuses."""
    sm = sagemaker(endpoint)
    region = "us-east-1"
    failed = unique("smoke-update-failed")
    create_endpoint(sm, failed, "Failed")
    expect_error(
        lambda: sm.update_endpoint(EndpointName=failed, EndpointConfigName=failed),
        "ValidationException",
        f'Cannot update endpoint "{arn(region, "endpoint", failed)}" in status Failed.',
    )
    creating = unique("smoke-update-creating")
    create_endpoint(sm, creating, "Creating")
    expect_error(
        lambda: sm.update_endpoint(EndpointName=creating, EndpointConfigName=creating),
        "ValidationException",
        f'Cannot update in-progress endpoint "{arn(region, "endpoint", creating)}".',
    )
    missing = unique("smoke-missing")
    expect_error(
        lambda: sm.update_endpoint(EndpointName=missing, EndpointConfigName=failed),
        "ValidationException",
        f"Could not find endpoint '{arn(region, 'endpoint', missing)}'.",
    )
    expect_error(
        lambda: sm.update_endpoint(EndpointName=failed, EndpointConfigName=missing),
        "ValidationException",
        f"Could not find endpoint configuration '{arn(region, 'endpoint-config', missing)}'.",
    )
    code, _ = control(
        endpoint, "POST", f"/_guardrail/endpoints/{missing}/settle", {"status": "InService"}
    )
    expect_equal(code, 404, "settle an unknown endpoint")
    code, _ = control(
        endpoint, "POST", f"/_guardrail/endpoints/{failed}/settle", {"status": "Done"}
    )
    expect_equal(code, 400, "settle with a status that is not an EndpointStatus")


@check
def endpoint_data_capture_summary(endpoint: str) -> None:
    """DescribeEndpoint answers the capture settings in AWS's summary shape, or none."""
    sm = sagemaker(endpoint)
    name = unique("smoke-capture")
    create_model(sm, name, isolated=False)
    create_config(
        sm,
        name,
        name,
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": "s3://capture/",
            "KmsKeyId": KEY,
            "CaptureOptions": [{"CaptureMode": "Input"}],
        },
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)
    expect_equal(
        sm.describe_endpoint(EndpointName=name).get("DataCaptureConfig"),
        {
            "EnableCapture": True,
            "CaptureStatus": "Started",
            "CurrentSamplingPercentage": 20,
            "DestinationS3Uri": "s3://capture/",
            "KmsKeyId": KEY,
        },
        "DataCaptureConfig summary",
    )
    plain = unique("smoke-capture-none")
    create_endpoint(sm, plain)
    described = sm.describe_endpoint(EndpointName=plain)
    assert "DataCaptureConfig" not in described, f"capture: {described['DataCaptureConfig']!r}"


# Deleting what a live endpoint uses (no patch).


@check
def delete_config_and_model_of_live_endpoint(endpoint: str) -> None:
    """DeleteEndpointConfig and DeleteModel succeed while the endpoint runs; it still answers."""
    sm = sagemaker(endpoint)
    name = unique("smoke-orphan")
    create_endpoint(sm, name)
    sm.delete_endpoint_config(EndpointConfigName=name)
    sm.delete_model(ModelName=name)
    described = sm.describe_endpoint(EndpointName=name)
    expect_equal(
        (described["EndpointStatus"], described["EndpointConfigName"]),
        ("InService", name),
        "the endpoint after its config and model are gone",
    )


# Patch 10: endpoint configurations.


@check
def endpoint_config_shadow_variants(endpoint: str) -> None:
    """ShadowProductionVariants come back as given."""
    sm = sagemaker(endpoint)
    name = unique("smoke-shadow")
    create_model(sm, name, isolated=False)
    shadow = [
        {
            "VariantName": "Shadow",
            "ModelName": name,
            "InitialInstanceCount": 1,
            "InstanceType": "ml.m5.xlarge",
            "InitialVariantWeight": 0.5,
        }
    ]
    create_config(sm, name, name, ShadowProductionVariants=shadow)
    expect_equal(
        sm.describe_endpoint_config(EndpointConfigName=name).get("ShadowProductionVariants"),
        shadow,
        "ShadowProductionVariants",
    )


IC_VARIANT = {
    "VariantName": "AllTraffic",
    "InstanceType": "ml.g5.2xlarge",
    "InitialInstanceCount": 1,
    "ManagedInstanceScaling": {"Status": "ENABLED", "MinInstanceCount": 1, "MaxInstanceCount": 4},
    "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
}


def create_ic_endpoint(sm: Any, name: str) -> None:
    """Creates an endpoint for inference components (config and endpoint called ``name``)."""
    sm.create_endpoint_config(
        EndpointConfigName=name,
        ExecutionRoleArn=ROLE,
        VpcConfig=VPC,
        EnableNetworkIsolation=True,
        ProductionVariants=[IC_VARIANT],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=name)


@check
def endpoint_config_for_inference_components(endpoint: str) -> None:
    """Role, VPC, network isolation and model-less variants (any AWS instance type) kept."""
    sm = sagemaker(endpoint)
    name = unique("smoke-ic-config")
    create_ic_endpoint(sm, name)
    config = sm.describe_endpoint_config(EndpointConfigName=name)
    expect_equal(config.get("ExecutionRoleArn"), ROLE, "ExecutionRoleArn")
    expect_equal(config.get("VpcConfig"), VPC, "VpcConfig")
    expect_equal(config.get("EnableNetworkIsolation"), True, "EnableNetworkIsolation")
    expect_equal(config.get("ProductionVariants"), [IC_VARIANT], "ProductionVariants")
    expect_equal(
        sm.describe_endpoint(EndpointName=name)["EndpointStatus"], "InService", "endpoint"
    )


# Patch 11: inference components.

IC_SPEC = {
    "ModelName": "",
    "Container": {
        "Image": IMAGE,
        "ArtifactUrl": "s3://models/ic.tar.gz",
        "Environment": {"A": "1"},
    },
    "ComputeResourceRequirements": {
        "NumberOfAcceleratorDevicesRequired": 1,
        "MinMemoryRequiredInMb": 1024,
    },
}


def create_component(
    sm: Any, name: str, endpoint_name: str, model: str, status: str | None = None
) -> str:
    """Creates an inference component of ``model`` on ``endpoint_name``; answers its ARN."""
    spec = {**IC_SPEC, "ModelName": model}
    arn_: str = sm.create_inference_component(
        InferenceComponentName=name,
        EndpointName=endpoint_name,
        VariantName="AllTraffic",
        Specification=spec,
        RuntimeConfig={"CopyCount": 2},
        Tags=status_tag(status),
    )["InferenceComponentArn"]
    return arn_


@check
def inference_component_lifecycle(endpoint: str) -> None:
    """Create, describe (AWS's shape), tags, update (stays InService), delete."""
    sm = sagemaker(endpoint)
    region = "us-east-1"
    base = unique("smoke-ic")
    create_ic_endpoint(sm, base)
    create_model(sm, base, isolated=False)
    name = base + "-c"
    component_arn = create_component(sm, name, base, base)
    expect_equal(component_arn, arn(region, "inference-component", name), "ARN")
    described = sm.describe_inference_component(InferenceComponentName=name)
    expected = {
        "InferenceComponentName": name,
        "EndpointName": base,
        "EndpointArn": arn(region, "endpoint", base),
        "VariantName": "AllTraffic",
        "InferenceComponentStatus": "InService",
    }
    expect_equal({k: described.get(k) for k in expected}, expected, "description")
    spec = described["Specification"]
    expect_equal(spec.get("ModelName"), base, "Specification.ModelName")
    expect_equal(
        spec.get("ComputeResourceRequirements"),
        IC_SPEC["ComputeResourceRequirements"],
        "ComputeResourceRequirements",
    )
    expect_equal(
        spec["Container"]["DeployedImage"]["SpecifiedImage"], IMAGE, "Container.DeployedImage"
    )
    expect_equal(
        described.get("RuntimeConfig"),
        {"DesiredCopyCount": 2, "CurrentCopyCount": 2},
        "RuntimeConfig",
    )
    assert "CreationTime" in described and "LastModifiedTime" in described, "times"

    sm.add_tags(ResourceArn=component_arn, Tags=[{"Key": "team", "Value": "ml"}])
    tags = sm.list_tags(ResourceArn=component_arn)["Tags"]
    for tag in ({"Key": "team", "Value": "ml"}, {"Key": "owner", "Value": "smoke"}):
        assert tag in tags, f"{tag} listed: {tags!r}"

    other = base + "-m2"
    create_model(sm, other, isolated=False)
    sm.update_inference_component(
        InferenceComponentName=name,
        Specification={**IC_SPEC, "ModelName": other},
        RuntimeConfig={"CopyCount": 3},
    )
    described = sm.describe_inference_component(InferenceComponentName=name)
    expect_equal(described["Specification"]["ModelName"], other, "ModelName after update")
    expect_equal(described["InferenceComponentStatus"], "InService", "status after update")
    expect_equal(described["RuntimeConfig"]["DesiredCopyCount"], 3, "copies after update")

    sm.delete_inference_component(InferenceComponentName=name)
    expect_error(
        lambda: sm.describe_inference_component(InferenceComponentName=name),
        "ValidationException",
        f'Could not find inference component "{component_arn}".',
    )


@check
def inference_component_list_and_status(endpoint: str) -> None:
    """ListInferenceComponents filters by endpoint and status and pages; the initial-status tag
    and the settle control set the status."""
    sm = sagemaker(endpoint)
    base = unique("smoke-ic-list")
    create_ic_endpoint(sm, base)
    create_ic_endpoint(sm, base + "-other")
    create_model(sm, base, isolated=False)
    names = [f"{base}-{i}" for i in range(3)]
    create_component(sm, names[0], base, base)
    create_component(sm, names[1], base, base, "Creating")
    create_component(sm, names[2], base + "-other", base)

    def listed(**filters: Any) -> list[str]:
        found: list[str] = []
        token: str | None = None
        while True:
            page = sm.list_inference_components(
                MaxResults=1, **filters, **({"NextToken": token} if token else {})
            )
            assert len(page["InferenceComponents"]) <= 1, "MaxResults"
            found += [c["InferenceComponentName"] for c in page["InferenceComponents"]]
            token = page.get("NextToken")
            if token is None:
                return found

    expect_equal(sorted(listed(EndpointNameEquals=base)), names[:2], "EndpointNameEquals")
    expect_equal(
        listed(EndpointNameEquals=base, StatusEquals="Creating"), [names[1]], "StatusEquals"
    )
    expect_equal(listed(NameContains=base), names[::-1], "newest first")
    described = sm.describe_inference_component(InferenceComponentName=names[1])
    expect_equal(described["RuntimeConfig"]["CurrentCopyCount"], 0, "no copies while Creating")

    code, answer = control(
        endpoint,
        "POST",
        f"/_guardrail/inference-components/{names[1]}/settle",
        {"status": "InService"},
    )
    expect_equal((code, answer.get("InferenceComponentStatus")), (200, "InService"), "settle")
    expect_equal(listed(EndpointNameEquals=base, StatusEquals="Creating"), [], "after settle")


@check
def inference_component_unknown(endpoint: str) -> None:
    """Unknown names: ValidationException "Could not find inference component"; an unknown
    endpoint or model is refused on create."""
    sm = sagemaker(endpoint)
    missing = unique("smoke-missing")
    component_arn = arn("us-east-1", "inference-component", missing)
    message = f'Could not find inference component "{component_arn}".'
    for call in (
        lambda: sm.describe_inference_component(InferenceComponentName=missing),
        lambda: sm.delete_inference_component(InferenceComponentName=missing),
        lambda: sm.update_inference_component(
            InferenceComponentName=missing, RuntimeConfig={"CopyCount": 1}
        ),
    ):
        expect_error(call, "ValidationException", message)
    expect_error(
        lambda: create_component(sm, missing, missing, missing),
        "ValidationException",
        f"Could not find endpoint '{arn('us-east-1', 'endpoint', missing)}'.",
    )


# Training resources (no patch).


@check
def tuning_and_heterogeneous_training_resources(endpoint: str) -> None:
    """HyperParameterTuningResourceConfig and ResourceConfig.InstanceGroups come back as given."""
    sm = sagemaker(endpoint)
    tuning_resources = {
        "InstanceConfigs": [
            {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
            {"InstanceType": "ml.c5.2xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
        ],
        "VolumeKmsKeyId": KEY,
        "AllocationStrategy": "Prioritized",
    }
    tuning = unique("smoke-tuning-resources")
    sm.create_hyper_parameter_tuning_job(
        HyperParameterTuningJobName=tuning,
        HyperParameterTuningJobConfig={
            "Strategy": "Bayesian",
            "ResourceLimits": {"MaxNumberOfTrainingJobs": 2, "MaxParallelTrainingJobs": 1},
        },
        TrainingJobDefinition={
            "AlgorithmSpecification": {"TrainingImage": IMAGE, "TrainingInputMode": "File"},
            "RoleArn": ROLE,
            "OutputDataConfig": {"S3OutputPath": "s3://bucket/hpo/", "KmsKeyId": KEY},
            "HyperParameterTuningResourceConfig": tuning_resources,
            "StoppingCondition": {"MaxRuntimeInSeconds": 60},
        },
    )
    definition = sm.describe_hyper_parameter_tuning_job(HyperParameterTuningJobName=tuning)[
        "TrainingJobDefinition"
    ]
    expect_equal(
        definition.get("HyperParameterTuningResourceConfig"), tuning_resources, "tuning resources"
    )
    assert "ResourceConfig" not in definition, "no ResourceConfig was given"

    resources = {
        "InstanceGroups": [
            {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "InstanceGroupName": "data"},
            {"InstanceType": "ml.p3.2xlarge", "InstanceCount": 2, "InstanceGroupName": "gpu"},
        ],
        "VolumeSizeInGB": 50,
        "VolumeKmsKeyId": KEY,
    }
    training = unique("smoke-training-groups")
    sm.create_training_job(
        TrainingJobName=training,
        AlgorithmSpecification={"TrainingImage": IMAGE, "TrainingInputMode": "File"},
        RoleArn=ROLE,
        OutputDataConfig={"S3OutputPath": "s3://models/out/", "KmsKeyId": KEY},
        ResourceConfig=resources,
        StoppingCondition={"MaxRuntimeInSeconds": 3600},
    )
    expect_equal(
        sm.describe_training_job(TrainingJobName=training).get("ResourceConfig"),
        resources,
        "heterogeneous ResourceConfig",
    )


# Patch 12: KMS key managers.


@check
def kms_key_manager(endpoint: str) -> None:
    """Created keys are CUSTOMER managed; alias/aws/<service> keys are AWS managed, also when
    described by the ARN DescribeKey answered."""
    kms = client("kms", endpoint)
    created = kms.create_key(Description="smoke")["KeyMetadata"]
    expect_equal(created["KeyManager"], "CUSTOMER", "CreateKey")
    expect_equal(
        kms.describe_key(KeyId=created["Arn"])["KeyMetadata"]["KeyManager"],
        "CUSTOMER",
        "DescribeKey of a created key",
    )
    for alias in ("alias/aws/sagemaker", "alias/aws/ebs"):
        managed = kms.describe_key(KeyId=alias)["KeyMetadata"]
        expect_equal(managed["KeyManager"], "AWS", f"DescribeKey {alias}")
        again = kms.describe_key(KeyId=managed["Arn"])["KeyMetadata"]
        expect_equal(
            (again["KeyManager"], again["KeyId"]), ("AWS", managed["KeyId"]), f"{alias} by ARN"
        )
        expect_equal(
            kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"], managed["KeyId"], "same key"
        )


# Patch 8: CloudTrail records of SageMaker calls, and LookupEvents.


@check
def cloudtrail_records_and_lookup(endpoint: str) -> None:
    """A create call is recorded (requestParameters in lowerCamelCase); LookupEvents finds it by
    event name since a time, newest first, 1 to 50 a page, by resource name, and refuses two
    attributes."""
    region = "eu-west-2"  # a region of its own: only this check's calls are in it
    sm, trail = sagemaker(endpoint, region), client("cloudtrail", endpoint, region)
    since = time.time() - 1
    names = [unique("smoke-trail") for _ in range(3)]
    for name in names:
        create_notebook(sm, name)
    by_event = {"AttributeKey": "EventName", "AttributeValue": "CreateNotebookInstance"}
    first = trail.lookup_events(LookupAttributes=[by_event], StartTime=since, MaxResults=2)
    rest = trail.lookup_events(
        LookupAttributes=[by_event], StartTime=since, MaxResults=2, NextToken=first["NextToken"]
    )
    events = first["Events"] + rest["Events"]
    parameters = [json.loads(e["CloudTrailEvent"])["requestParameters"] for e in events]
    expect_equal(
        [p.get("notebookInstanceName") for p in parameters], names[::-1], "newest first, camelCase"
    )
    expect_equal("NextToken" in rest, False, "the last page")
    later = trail.lookup_events(LookupAttributes=[by_event], StartTime=time.time() + 60)
    expect_equal(later["Events"], [], "nothing after StartTime")
    by_name = {"AttributeKey": "ResourceName", "AttributeValue": names[0]}
    found = trail.lookup_events(LookupAttributes=[by_name])["Events"]
    expect_equal([e["EventName"] for e in found], ["CreateNotebookInstance"], "by resource name")
    expect_error(
        lambda: trail.lookup_events(LookupAttributes=[by_event, by_name]),
        "InvalidLookupAttributesException",
        "Only one lookup attribute is allowed.",
    )


# Patch 15: DynamoDB transactions under concurrency.


@check
def dynamodb_transactions(endpoint: str) -> None:
    """A transaction whose condition fails cancels with per-item reasons (the item with
    ALL_OLD) and writes nothing; concurrent transactions all succeed; two operations on one item
    are refused."""
    ddb = client("dynamodb", endpoint)
    table = unique("smoke-tx")
    ddb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )

    def put(pk: str, **extra: Any) -> dict[str, Any]:
        return {"Put": {"TableName": table, "Item": {"pk": {"S": pk}, "v": {"N": "1"}}, **extra}}

    ddb.put_item(TableName=table, Item={"pk": {"S": "taken"}, "v": {"N": "7"}})
    guarded = put(
        "taken",
        ConditionExpression="attribute_not_exists(pk)",
        ReturnValuesOnConditionCheckFailure="ALL_OLD",
    )
    try:
        ddb.transact_write_items(TransactItems=[put("fresh"), guarded])
        raise AssertionError("the transaction went through a failed condition")
    except ClientError as error:
        reasons = error.response.get("CancellationReasons") or []
        expect_equal(error.response["Error"]["Code"], "TransactionCanceledException", "code")
        expect_equal([r["Code"] for r in reasons], ["None", "ConditionalCheckFailed"], "reasons")
        expect_equal(reasons[1].get("Item", {}).get("v"), {"N": "7"}, "ALL_OLD item")
    expect_equal("Item" in ddb.get_item(TableName=table, Key={"pk": {"S": "fresh"}}), False, "nothing written")
    expect_error(
        lambda: ddb.transact_write_items(TransactItems=[put("twice"), put("twice")]),
        "ValidationException",
        "Transaction request cannot include multiple operations on one item",
    )

    def transaction(i: int) -> None:
        ddb.transact_write_items(TransactItems=[put(f"c{i}-{j}") for j in range(9)])

    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        list(pool.map(transaction, range(160)))
    count = ddb.scan(TableName=table, Select="COUNT")["Count"]
    expect_equal(count, 1 + 160 * 9, "every concurrent transaction written")


# Extension 14: the tests' customer managed key.


@check
def tests_customer_key(endpoint: str) -> None:
    """The key the tests name exists, CUSTOMER managed, by id and by ARN."""
    kms = client("kms", endpoint)
    arn = "arn:aws:kms:us-east-1:123456789012:key/1111aaaa-22bb-33cc-44dd-555555eeeeee"
    for key_id in (arn, arn.rsplit("/", 1)[1]):
        metadata = kms.describe_key(KeyId=key_id)["KeyMetadata"]
        expect_equal((metadata["Arn"], metadata["KeyManager"]), (arn, "CUSTOMER"), key_id)


# Extension 13: fault injection.

#: The error codes the AWS SDKs classify as throttling (the SDKs' shared retry rules; botocore's
#: standard retry mode and the Rust SDK use this list).
SDK_THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)

#: One call per faulted service: (service, call on its client).
FAULT_CALLS: list[tuple[str, Callable[[Any], object]]] = [
    ("sagemaker", lambda c: c.list_endpoints()),
    ("sns", lambda c: c.list_topics()),
    ("dynamodb", lambda c: c.list_tables()),
    ("securityhub", lambda c: c.get_findings()),
    ("cloudtrail", lambda c: c.lookup_events()),
    ("sts", lambda c: c.get_caller_identity()),
]


def failure(call: Callable[[], object]) -> tuple[int, str] | None:
    """The HTTP status and error code of a call that fails, None when it succeeds."""
    try:
        call()
    except ClientError as error:
        return error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]
    return None


def set_faults(endpoint: str, config: dict[str, Any]) -> None:
    """Turns fault injection on with ``config``."""
    code, answer = control(endpoint, "POST", "/_guardrail/faults", config)
    expect_equal(code, 200, f"POST /_guardrail/faults: {answer}")


def faults_off(endpoint: str) -> dict[str, Any]:
    """Turns fault injection off; answers the final state."""
    code, answer = control(endpoint, "DELETE", "/_guardrail/faults")
    expect_equal(code, 200, "DELETE /_guardrail/faults")
    state: dict[str, Any] = answer
    return state


@check
def fault_injection_throttling(endpoint: str) -> None:
    """share 1 and kind throttle: every call fails with the service's own throttling error,
    one the SDKs classify as throttling; moto-api and the control endpoints are never faulted."""
    services = [service for service, _ in FAULT_CALLS]
    expected = {
        "sagemaker": (400, "ThrottlingException"),
        "sns": (400, "Throttling"),
        "dynamodb": (400, "ProvisionedThroughputExceededException"),
        "securityhub": (429, "ThrottlingException"),
        "cloudtrail": (400, "ThrottlingException"),
        "sts": (400, "Throttling"),
    }
    set_faults(endpoint, {"share": 1, "services": services, "kinds": ["throttle"], "seed": 1})
    try:
        for service, call in FAULT_CALLS:
            service_client = client(service, endpoint)
            got = failure(functools.partial(call, service_client))
            expect_equal(got, expected[service], f"{service} throttled")
            assert got is not None and got[1] in SDK_THROTTLING_CODES, f"{service}: {got}"
        with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=30) as response:
            expect_equal(response.status, 200, "moto-api is not faulted")
        code, state = control(endpoint, "GET", "/_guardrail/faults")
        expect_equal(code, 200, "GET /_guardrail/faults")
    finally:
        faults_off(endpoint)
    expect_equal(state["enabled"], True, "enabled")
    for service in services:
        expect_equal(state["seen"].get(service), 1, f"{service} seen")
        expect_equal(state["injected"].get(service), {"throttle": 1}, f"{service} injected")
    assert failure(lambda: client("sts", endpoint).get_caller_identity()) is None, "faults off"


@check
def fault_injection_errors_and_hangs(endpoint: str) -> None:
    """Kind 500 answers HTTP 500 in the protocol's shape; kind hang waits hang_seconds first;
    services not named are never faulted."""
    set_faults(endpoint, {"share": 1, "services": ["sagemaker", "sns"], "kinds": ["500"]})
    try:
        expect_equal(
            failure(lambda: client("sagemaker", endpoint).list_endpoints()),
            (500, "InternalFailure"),
            "sagemaker 500",
        )
        expect_equal(
            failure(lambda: client("sns", endpoint).list_topics()),
            (500, "InternalError"),
            "sns 500",
        )
        sts = client("sts", endpoint)
        assert failure(lambda: sts.get_caller_identity()) is None, "sts is not named"
        set_faults(
            endpoint, {"share": 1, "services": ["sagemaker"], "kinds": ["hang"], "hang_seconds": 1}
        )
        started = time.monotonic()
        got = failure(lambda: client("sagemaker", endpoint).list_endpoints())
        waited = time.monotonic() - started
    finally:
        state = faults_off(endpoint)
    expect_equal(got, (500, "InternalFailure"), "a hang ends in a 500")
    assert waited >= 1, f"the hang lasted {waited:.2f} s"
    expect_equal(state["injected"], {"sagemaker": {"hang": 1}}, "injected since the last POST")


@check
def fault_injection_share_and_seed(endpoint: str) -> None:
    """A share of the calls fails, the same ones for the same seed; the counts match; bad
    configurations are refused."""
    sm = client("sagemaker", endpoint)

    def run() -> list[bool]:
        set_faults(
            endpoint,
            {"share": 0.5, "services": ["sagemaker"], "kinds": ["throttle", "500"], "seed": 7},
        )
        return [failure(lambda: sm.list_endpoints()) is not None for _ in range(40)]

    try:
        first = run()
        code, state = control(endpoint, "GET", "/_guardrail/faults")
        expect_equal(code, 200, "GET /_guardrail/faults")
        second = run()
        for bad in ({"share": 2}, {"share": 0.1, "kinds": ["explode"]}, {"share": 0.1, "x": 1}):
            code, _ = control(endpoint, "POST", "/_guardrail/faults", bad)
            expect_equal(code, 400, f"POST {bad}")
    finally:
        faults_off(endpoint)
    expect_equal(first, second, "same seed, same faults")
    assert 5 < sum(first) < 35, f"about half fail: {sum(first)} of 40"
    expect_equal(state["seen"], {"sagemaker": 40}, "seen")
    expect_equal(sum(state["injected"]["sagemaker"].values()), sum(first), "injected")
    expect_equal(set(state["injected"]["sagemaker"]) <= {"throttle", "500"}, True, "kinds")
    expect_equal(state["config"]["seed"], 7, "config answered")


@check
def fault_injection_by_access_key(endpoint: str) -> None:
    """With access_key_ids, only calls signed with those keys are faulted."""
    key = f"SMOKE{RUN}".upper()
    set_faults(endpoint, {"share": 1, "services": ["sagemaker"], "access_key_ids": [key]})
    try:
        faulted = failure(lambda: client("sagemaker", endpoint, access_key_id=key).list_endpoints())
        spared = failure(lambda: client("sagemaker", endpoint).list_endpoints())
    finally:
        state = faults_off(endpoint)
    expect_equal(faulted, (400, "ThrottlingException"), "the named key")
    expect_equal(spared, None, "another key")
    expect_equal(state["config"], None, "off")
    expect_equal(
        (state["seen"], state["injected"]),
        ({"sagemaker": 1}, {"sagemaker": {"throttle": 1}}),
        "counts of the named key only",
    )


# Extension 33: the AWS-like regime (latency and rate limits).


@check
def tagging_api_answers_sagemaker_tags_by_arn(endpoint: str) -> None:
    """The Resource Groups Tagging API's GetResources, given ARNs (ResourceARNList, up to 100),
    answers each tagged one's tags, a notebook instance's, a processing job's and a transform
    job's; one that never had tags is left out, as AWS documents ("tagged or previously tagged
    resources")."""
    sm = sagemaker(endpoint)
    notebook, job, transform, bare = (unique(f"smoke-tags-{p}") for p in ("nb", "pj", "tj", "bare"))
    create_notebook(sm, notebook)
    create_processing_job(sm, job)
    create_transform_job(sm, transform)
    sm.create_notebook_instance(NotebookInstanceName=bare, InstanceType="ml.t3.medium", RoleArn=ROLE)
    arn = lambda kind, name: f"arn:aws:sagemaker:us-east-1:{ACCOUNT}:{kind}/{name}"  # noqa: E731
    arns = [arn("notebook-instance", notebook), arn("processing-job", job),
            arn("transform-job", transform), arn("notebook-instance", bare)]
    answer = client("resourcegroupstaggingapi", endpoint).get_resources(ResourceARNList=arns)
    tags = {m["ResourceARN"]: {t["Key"]: t["Value"] for t in m["Tags"]}
            for m in answer["ResourceTagMappingList"]}
    expect_equal(tags, {a: {"owner": "smoke"} for a in arns[:3]}, "the tags of the named resources")


@check
def regime_latency_and_rate_limits(endpoint: str) -> None:
    """With 50 ms of latency and 2 DescribeNotebookInstance a second, five quick describes take
    50 ms or more each and the ones beyond the bucket are throttled in SageMaker's shape (400
    ThrottlingException) and counted; other actions and moto-api are not limited; the emulator's own
    time per action is counted without the latency; DELETE ends it."""
    sm = client("sagemaker", endpoint)
    name = unique("smoke-regime")
    create_notebook(sm, name)
    regime = {
        "latency_ms": 50,
        "rates": {"sagemaker:DescribeNotebookInstance": 2, "sagemaker:Describe*": 1000},
    }
    code, answer = control(endpoint, "POST", "/_guardrail/regime", regime)
    expect_equal(code, 200, f"POST /_guardrail/regime: {answer}")
    try:
        outcomes, durations = [], []
        for _ in range(5):
            started = time.monotonic()
            outcomes.append(failure(lambda: sm.describe_notebook_instance(NotebookInstanceName=name)))
            durations.append(time.monotonic() - started)
        listed = failure(lambda: sm.list_notebook_instances())
        with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=30) as response:
            expect_equal(response.status, 200, "moto-api is not limited")
        code, state = control(endpoint, "GET", "/_guardrail/regime")
        expect_equal(code, 200, "GET /_guardrail/regime")
        for bad in ({"latency_ms": -1}, {"rates": {"sagemaker": 1}}, {"burst": {"x:Y": 2}}, {"x": 1}):
            code, _ = control(endpoint, "POST", "/_guardrail/regime", bad)
            expect_equal(code, 400, f"POST {bad}")
    finally:
        code, final = control(endpoint, "DELETE", "/_guardrail/regime")
        expect_equal(code, 200, "DELETE /_guardrail/regime")
    throttled = [o for o in outcomes if o is not None]
    assert outcomes[:2] == [None, None], f"the bucket holds two: {outcomes}"
    assert throttled and all(o == (400, "ThrottlingException") for o in throttled), outcomes
    assert min(durations) >= 0.05, f"every request waits 50 ms: {durations}"
    expect_equal(listed, None, "ListNotebookInstances is not limited")
    expect_equal(state["enabled"], True, "enabled")
    expect_equal(state["seen"].get("sagemaker:DescribeNotebookInstance"), 5, "seen")
    busy = state["busy_seconds"]
    assert "sagemaker:DescribeNotebookInstance" in busy and "sagemaker:ListNotebookInstances" in busy, busy
    own = busy["sagemaker:DescribeNotebookInstance"]
    assert 0 < own <= sum(durations) - 5 * 0.05, f"the emulator's own time, latency left out: {own}, {durations}"
    expect_equal(
        state["throttled"], {"sagemaker:DescribeNotebookInstance": len(throttled)}, "throttled"
    )
    assert state["delayed"] >= 6, f"delayed: {state['delayed']}"
    expect_equal((final["enabled"], final["config"]), (False, None), "off")
    started = time.monotonic()
    for _ in range(3):
        sm.describe_notebook_instance(NotebookInstanceName=name)
    assert time.monotonic() - started < 0.15, "no latency and no limit once off"


def in_account(service: str, endpoint: str, account: str) -> Any:
    """A client in another account: moto gives assumed-role credentials the role's account."""
    creds = client("sts", endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/smoke", RoleSessionName="smoke"
    )["Credentials"]
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        config=Config(retries={"mode": "standard", "total_max_attempts": 1}),
    )


@check
def organization_accounts_and_their_state(endpoint: str) -> None:
    """What the sweep and the inspector read of Organizations, as AWS answers it: a closed
    account is listed SUSPENDED (State and the retired Status), accounts under a nested unit are
    listed by parent, an account outside is AccountNotFoundException."""
    org = in_account("organizations", endpoint, f"{int(RUN, 16) % 10**6:06d}555555")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    made = [org.create_account(Email=f"s{i}@example.com", AccountName=f"s{i}")["CreateAccountStatus"]["AccountId"] for i in range(2)]
    org.close_account(AccountId=made[0])
    states = {a["Id"]: (a.get("State"), a.get("Status")) for a in org.list_accounts()["Accounts"]}
    expect_equal(states[made[0]], ("SUSPENDED", "SUSPENDED"), "a closed account")
    expect_equal(states[made[1]], ("ACTIVE", "ACTIVE"), "an open account")
    unit = org.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    nested = org.create_organizational_unit(ParentId=unit, Name="ml")["OrganizationalUnit"]["Id"]
    org.move_account(AccountId=made[1], SourceParentId=root, DestinationParentId=nested)
    units = [u["Id"] for u in org.list_organizational_units_for_parent(ParentId=unit)["OrganizationalUnits"]]
    expect_equal(units, [nested], "units under a unit")
    under = [a["Id"] for a in org.list_accounts_for_parent(ParentId=nested)["Accounts"]]
    expect_equal(under, [made[1]], "accounts under the nested unit")
    try:
        org.describe_account(AccountId="999999999999")
        raise AssertionError("an account outside the organization was described")
    except ClientError as e:
        expect_equal(e.response["Error"]["Code"], "AccountNotFoundException", "an account outside")


@check
def kms_denial_names_the_key_policy(endpoint: str) -> None:
    """Patch 20: DescribeKey denied by the key policy: AccessDeniedException whose message says
    so ("... with an explicit deny in a resource-based policy"), as AWS words it."""
    kms = client("kms", endpoint)
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "kms:DescribeKey", "Resource": "*"}]}'
    arn = kms.create_key(Policy=policy)["KeyMetadata"]["Arn"]
    try:
        kms.describe_key(KeyId=arn)
        raise AssertionError("a denied DescribeKey succeeded")
    except ClientError as e:
        expect_equal(e.response["Error"]["Code"], "AccessDeniedException", "code")
        message = e.response["Error"]["Message"]
        assert "kms:DescribeKey" in message and arn in message, message
        assert message.endswith("with an explicit deny in a resource-based policy"), message


@check
def s3_conditional_read(endpoint: str) -> None:
    """GetObject with If-None-Match equal to the object's ETag: 304 Not Modified."""
    s3 = client("s3", endpoint)
    bucket = unique("smoke-policy").lower()
    s3.create_bucket(Bucket=bucket)
    etag = s3.put_object(Bucket=bucket, Key="policy.toml", Body=b"version = 1\n")["ETag"]
    try:
        s3.get_object(Bucket=bucket, Key="policy.toml", IfNoneMatch=etag)
        raise AssertionError("an unchanged object was sent again")
    except ClientError as e:
        expect_equal(e.response["ResponseMetadata"]["HTTPStatusCode"], 304, "If-None-Match")
    body = s3.get_object(Bucket=bucket, Key="policy.toml", IfNoneMatch='"other"')["Body"].read()
    expect_equal(body, b"version = 1\n", "a changed object")


@check
def s3_expected_bucket_owner(endpoint: str) -> None:
    """Patch 19: GetObject with another account as ExpectedBucketOwner is AccessDenied (403)."""
    s3 = client("s3", endpoint)
    bucket = unique("smoke-owner").lower()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    expect_equal(s3.get_object(Bucket=bucket, Key="k", ExpectedBucketOwner="123456789012")["Body"].read(), b"x", "own")
    try:
        s3.get_object(Bucket=bucket, Key="k", ExpectedBucketOwner="999999999999")
        raise AssertionError("a bucket of another owner was read")
    except ClientError as e:
        got = (e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"])
        expect_equal(got, (403, "AccessDenied"), "another owner")


# Patch 32: SageMaker resources deployed by CloudFormation.


@check
def cloudformation_deploys_sagemaker_resources_as_created(endpoint: str) -> None:
    """A stack's notebook, model, configuration and endpoint: named and set as the template says."""
    notebook, model, config, name = (unique(f"smoke-cfn-{p}") for p in ("nb", "model", "cfg", "ep"))
    template = {
        "Resources": {
            "Notebook": {
                "Type": "AWS::SageMaker::NotebookInstance",
                "Properties": {
                    "NotebookInstanceName": notebook,
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": ROLE,
                    "KmsKeyId": KEY,
                    "SubnetId": VPC["Subnets"][0],
                    "SecurityGroupIds": VPC["SecurityGroupIds"],
                    "DirectInternetAccess": "Disabled",
                    "RootAccess": "Disabled",
                    "InstanceMetadataServiceConfiguration": {
                        "MinimumInstanceMetadataServiceVersion": "2"
                    },
                    "Tags": [{"Key": "owner", "Value": "smoke"}],
                },
            },
            "Model": {
                "Type": "AWS::SageMaker::Model",
                "Properties": {
                    "ModelName": model,
                    "ExecutionRoleArn": ROLE,
                    "EnableNetworkIsolation": True,
                    "PrimaryContainer": {"Image": IMAGE},
                    "VpcConfig": VPC,
                },
            },
            "Config": {
                "Type": "AWS::SageMaker::EndpointConfig",
                "Properties": {
                    "EndpointConfigName": config,
                    "KmsKeyId": KEY,
                    "ProductionVariants": [
                        {
                            "VariantName": "AllTraffic",
                            "ModelName": {"Fn::GetAtt": ["Model", "ModelName"]},
                            "InstanceType": "ml.m5.xlarge",
                            "InitialInstanceCount": 2,
                        }
                    ],
                    "VpcConfig": VPC,
                },
            },
            "Endpoint": {
                "Type": "AWS::SageMaker::Endpoint",
                "Properties": {
                    "EndpointName": name,
                    "EndpointConfigName": {"Fn::GetAtt": ["Config", "EndpointConfigName"]},
                },
            },
        }
    }
    stack = unique("smoke-stack")
    cloudformation = client("cloudformation", endpoint)
    cloudformation.create_stack(StackName=stack, TemplateBody=json.dumps(template))
    status = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]["StackStatus"]
    expect_equal(status, "CREATE_COMPLETE", "stack status")
    sm = sagemaker(endpoint)
    described = sm.describe_notebook_instance(NotebookInstanceName=notebook)
    for member, value in (
        ("KmsKeyId", KEY),
        ("SubnetId", VPC["Subnets"][0]),
        ("SecurityGroups", VPC["SecurityGroupIds"]),
        ("DirectInternetAccess", "Disabled"),
        ("RootAccess", "Disabled"),
        ("InstanceMetadataServiceConfiguration", {"MinimumInstanceMetadataServiceVersion": "2"}),
    ):
        expect_equal(described.get(member), value, f"notebook {member}")
    tags = {t["Key"]: t["Value"] for t in sm.list_tags(ResourceArn=described["NotebookInstanceArn"])["Tags"]}
    expect_equal(tags.get("owner"), "smoke", "the template's tag")
    expect_equal(tags.get("aws:cloudformation:logical-id"), "Notebook", "CloudFormation's tag")
    expect_equal(tags.get("aws:cloudformation:stack-name"), stack, "CloudFormation's tag")
    described = sm.describe_model(ModelName=model)
    expect_equal(described.get("EnableNetworkIsolation"), True, "model EnableNetworkIsolation")
    expect_equal(described.get("VpcConfig"), VPC, "model VpcConfig")
    described = sm.describe_endpoint_config(EndpointConfigName=config)
    expect_equal(described.get("KmsKeyId"), KEY, "configuration KmsKeyId")
    expect_equal(described.get("VpcConfig"), VPC, "configuration VpcConfig")
    expect_equal(described["ProductionVariants"][0]["ModelName"], model, "variant's model")
    expect_equal(
        sm.describe_endpoint(EndpointName=name)["EndpointConfigName"], config, "endpoint's configuration"
    )


def main(argv: list[str]) -> int:
    """Runs every check against the emulator at ``argv[1]``; returns the exit status."""
    if len(argv) != 2:
        print(f"usage: {argv[0]} ENDPOINT_URL", file=sys.stderr)
        return 2
    failed = 0
    for run_check in CHECKS:
        try:
            run_check(argv[1])
        except (AssertionError, ClientError) as error:
            failed += 1
            print(f"FAIL {run_check.__name__}: {error}")
        else:
            print(f"ok   {run_check.__name__}")
    print(f"{len(CHECKS) - failed}/{len(CHECKS)} checks passed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
