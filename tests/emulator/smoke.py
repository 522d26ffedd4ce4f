#!/usr/bin/env python3
"""Checks every patch of ``server.py`` against a running emulator, through boto3.

Usage: ``python tests/emulator/smoke.py http://127.0.0.1:PORT``

Prints one line per check and exits non-zero if any failed. Resource names are unique per run,
so it can run repeatedly against the same emulator.
"""

from __future__ import annotations

import sys
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


def create_notebook(sm: Any, name: str, status: str | None = None) -> None:
    """Creates a notebook instance in a VPC, encrypted, without internet or root access."""
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


# Patch 6: the initial-status tag.


@check
def notebook_initial_status(endpoint: str) -> None:
    """Tagged Pending: starts Pending, keeps the tag, refuses a stop; Stopped can start."""
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
