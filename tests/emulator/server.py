#!/usr/bin/env python3
"""The local AWS emulator of the integration tests: moto, patched in-process to behave like AWS.

Usage: ``python tests/emulator/server.py --port-file PATH [--port N]``

Starts moto's threaded server on 127.0.0.1 (on a free port unless ``--port`` is given), waits
until it answers HTTP, writes its URL (``http://127.0.0.1:PORT``) to PATH atomically, prints it
on stdout, and serves until SIGTERM or SIGINT, then stops cleanly and exits 0.

Before serving, it patches moto's SageMaker and KMS backend and response classes where moto
differs from AWS in ways the guardrail tests depend on; ``README.md`` next to this file describes
each patch (what AWS does, what moto does, what the patch changes) and ``smoke.py`` checks them.

The server is moto's threaded server with ``faults.GuardrailApp`` in front: emulator-only control
endpoints under ``/_guardrail/`` (fault injection, settling endpoint updates and inference
components) and, when switched on, fault injection.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import inspect
import json
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import botocore.session
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.kms.models import KmsBackend, kms_backends
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import (
    FakeEndpointConfig,
    FakeSagemakerNotebookInstance,
    SageMakerModelBackend,
    sagemaker_backends,
)
from moto.sagemaker.responses import SageMakerResponse

import compilation
import featurestore
import hyperpod
import labeling
import modelregistry
import managed_mlflow
import experiments
import flows
import optimization
import inference
import monitoring
import stacks
import studio
import trail
import transactions
from faults import ControlError, GuardrailServer, Route
from regimes import Regime

HOST = "127.0.0.1"

#: Tag read on create calls (emulator-only extension): the status the new resource starts in.
INITIAL_STATUS_TAG = "emulator:initial-status"

#: Tag read on CreateTrainingJob (emulator-only extension): the tuning job that "launched" the
#: training job, answered as its ``TuningJobArn`` (AWS sets it on the training jobs a tuning job
#: launches; they cannot be created through the API).
TUNING_JOB_TAG = "emulator:tuning-job-arn"

#: Tag read on the create calls of training, processing and transform jobs (emulator-only
#: extension): the AutoML job that "started" the job as a candidate, answered as its
#: ``AutoMLJobArn`` (AWS sets it on the jobs an AutoML job starts).
AUTOML_JOB_TAG = "emulator:automl-job-arn"

#: Job statuses after which AWS reports an end time.
TERMINAL_JOB_STATUSES = frozenset({"Completed", "Failed", "Stopped"})

#: A training job's SecondaryStatus for each TrainingJobStatus the emulator sets.
TRAINING_SECONDARY_STATUS = {
    "InProgress": "Starting",
    "Completed": "Completed",
    "Failed": "Failed",
    "Stopping": "Stopping",
    "Stopped": "Stopped",
}


@dataclass(frozen=True)
class JobKind:
    """Where moto keeps one kind of SageMaker job, and how AWS words its errors."""

    #: The snake-case prefix of moto's methods and parameters ("training" as in
    #: ``stop_training_job`` and ``training_job_name``).
    label: str
    #: The backend attribute holding the jobs by name.
    store: str
    #: The job attribute holding its status.
    status_attr: str
    #: The job attribute holding its end time.
    end_time_attr: str
    #: The botocore shape listing the valid statuses.
    status_shape: str
    #: AWS's message for an unknown job name (ValidationException); ``{name}`` is replaced.
    not_found_message: str
    #: AWS answers an unknown name with ResourceNotFound instead (tuning jobs).
    not_found_is_resource_not_found: bool = False

    @property
    def name_param(self) -> str:
        """The request parameter naming the job, e.g. ``TrainingJobName``."""
        return "".join(word.title() for word in self.label.split("_")) + "JobName"

    @property
    def words(self) -> str:
        """The job kind in AWS's messages, e.g. ``hyper parameter tuning``."""
        return self.label.replace("_", " ")


JOB_KINDS = (
    JobKind(
        label="training",
        store="training_jobs",
        status_attr="training_job_status",
        end_time_attr="training_end_time",
        status_shape="TrainingJobStatus",
        not_found_message="Requested resource not found.",
    ),
    JobKind(
        label="processing",
        store="processing_jobs",
        status_attr="processing_job_status",
        end_time_attr="processing_end_time",
        status_shape="ProcessingJobStatus",
        not_found_message="Could not find requested job with name {name}",
    ),
    JobKind(
        label="transform",
        store="transform_jobs",
        status_attr="transform_job_status",
        end_time_attr="transform_end_time",
        status_shape="TransformJobStatus",
        not_found_message="Could not find requested job with name {name}",
    ),
    JobKind(
        label="hyper_parameter_tuning",
        store="hyper_parameter_tuning_jobs",
        status_attr="hyper_parameter_tuning_job_status",
        end_time_attr="hyper_parameter_tuning_end_time",
        status_shape="HyperParameterTuningJobStatus",
        not_found_message="Amazon SageMaker can't find a tuning job with name {name}",
        not_found_is_resource_not_found=True,
    ),
)


#: Endpoint statuses in which AWS answers UpdateEndpoint "Cannot update in-progress endpoint".
IN_PROGRESS_ENDPOINT_STATUSES = frozenset(
    {"Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting"}
)

#: KMS aliases of AWS managed keys: ``alias/aws/<service>``.
AWS_MANAGED_ALIAS = re.compile(r"alias/aws/[A-Za-z0-9/_-]+")


@functools.cache
def allowed_statuses(shape: str) -> tuple[str, ...]:
    """The values of a SageMaker enum (statuses, instance types), from botocore's service model."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    return tuple(model.shape_for(shape).enum)


def requested_initial_status(tags: list[dict[str, str]] | None, shape: str) -> str | None:
    """The status asked for with the ``emulator:initial-status`` tag, if any.

    Raises a ValidationException when the value is not a status of this resource type.
    """
    for tag in tags or []:
        if tag.get("Key") == INITIAL_STATUS_TAG:
            status = tag.get("Value", "")
            allowed = allowed_statuses(shape)
            if status not in allowed:
                raise ValidationError(
                    f"Tag {INITIAL_STATUS_TAG}: '{status}' is not a {shape}; "
                    f"expected one of {list(allowed)}"
                )
            return status
    return None


def set_job_status(kind: JobKind, job: Any, status: str) -> None:
    """Puts a job in ``status``, with the end time and secondary status AWS reports with it."""
    now = utcnow()
    setattr(job, kind.status_attr, status)
    setattr(job, kind.end_time_attr, now if status in TERMINAL_JOB_STATUSES else None)
    job.last_modified_time = now
    if kind.label == "training":
        job.secondary_status = TRAINING_SECONDARY_STATUS.get(status, job.secondary_status)


def existing_job(backend: SageMakerModelBackend, kind: JobKind, name: str) -> Any:
    """The job called ``name``, or AWS's not-found ValidationException."""
    job = getattr(backend, kind.store).get(name)
    if job is None:
        message = kind.not_found_message.format(name=name)
        if kind.not_found_is_resource_not_found:
            raise ResourceNotFound(message)
        raise ValidationError(message)
    return job


def wrap_create(
    method_name: str,
    status_shape: str,
    apply_status: Callable[[Any, str], None],
    default_status: str | None = None,
    lookup: Callable[[SageMakerModelBackend, dict[str, Any]], Any] | None = None,
) -> None:
    """Wraps a backend create method to apply the ``emulator:initial-status`` tag.

    The new resource starts in the status the tag asks for, else in ``default_status`` (if
    given), else as moto leaves it. The tag is validated before anything is created.
    ``lookup`` finds the new resource from the call's arguments, for create methods that return
    its ARN instead of the resource (tuning jobs).
    """
    original = getattr(SageMakerModelBackend, method_name)
    signature = inspect.signature(original)

    @functools.wraps(original)
    def create(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        status = requested_initial_status(arguments.get("tags"), status_shape) or default_status
        resource = original(self, *args, **kwargs)
        if status is not None:
            apply_status(resource if lookup is None else lookup(self, arguments), status)
        return resource

    setattr(SageMakerModelBackend, method_name, create)


def patch_jobs(kind: JobKind) -> None:
    """Patches 1-3, 6 and 7 for one job kind.

    Jobs start InProgress (or as tagged), Stop<Kind>Job follows AWS's rules, and unknown names
    get AWS's not-found error.
    """
    wrap_create(
        f"create_{kind.label}_job",
        kind.status_shape,
        functools.partial(set_job_status, kind),
        default_status="InProgress",
        lookup=lambda backend, arguments: existing_job(
            backend, kind, arguments[f"{kind.label}_job_name"]
        ),
    )

    describe_name = f"describe_{kind.label}_job"
    original_describe = getattr(SageMakerModelBackend, describe_name)
    describe_signature = inspect.signature(original_describe)

    @functools.wraps(original_describe)
    def describe(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> dict[str, Any]:
        arguments = describe_signature.bind(self, *args, **kwargs).arguments
        job = existing_job(self, kind, arguments[f"{kind.label}_job_name"])
        description: dict[str, Any] = original_describe(self, *args, **kwargs)
        for tag in getattr(job, "tags", None) or []:
            if kind.label == "training" and tag.get("Key") == TUNING_JOB_TAG:
                description["TuningJobArn"] = tag.get("Value")
            if tag.get("Key") == AUTOML_JOB_TAG:
                description["AutoMLJobArn"] = tag.get("Value")
        return description

    setattr(SageMakerModelBackend, describe_name, describe)

    # moto implements StopProcessingJob (without status checks) but not the other two: wrap the
    # backend method where there is one, and add the response handler where there is none.
    stop_name = f"stop_{kind.label}_job"
    original_stop = getattr(SageMakerModelBackend, stop_name, None)

    def stop(self: SageMakerModelBackend, *args: str, **kwargs: str) -> None:
        """Stops an InProgress job; any other status is refused, as AWS does.

        Takes the job name positionally or by moto's keyword (``training_job_name``, ...).
        """
        name = args[0] if args else kwargs[f"{kind.label}_job_name"]
        job = existing_job(self, kind, name)
        status = getattr(job, kind.status_attr)
        if status != "InProgress":
            raise ValidationError(
                f"The request was rejected because the {kind.words} job is in status {status}."
            )
        if original_stop is not None:
            original_stop(self, *args, **kwargs)
        set_job_status(kind, job, "Stopped")

    stop.__name__ = stop_name
    setattr(SageMakerModelBackend, stop_name, stop)

    if not hasattr(SageMakerResponse, stop_name):

        def stop_response(self: SageMakerResponse) -> ActionResult:
            """The Stop<Kind>Job handler moto lacks (it answers HTTP 500 without one)."""
            getattr(self.sagemaker_backend, stop_name)(self._get_param(kind.name_param))
            return EmptyResult()

        stop_response.__name__ = stop_name
        setattr(SageMakerResponse, stop_name, stop_response)


def patch_training_remote_debug() -> None:
    """Patch 22: a training job's ``RemoteDebugConfig``, and ``UpdateTrainingJob``.

    AWS keeps ``RemoteDebugConfig`` from ``CreateTrainingJob`` and answers it in
    ``DescribeTrainingJob``; ``UpdateTrainingJob`` (``RemoteDebugConfig``, ``ResourceConfig``,
    profiler settings) changes a running job and answers its ARN; an unknown name is
    ``ResourceNotFound``. moto keeps neither and has no update. AWS allows the update only while
    the job is downloading or training: a job that is not ``InProgress`` is refused here.
    """
    (training,) = [kind for kind in JOB_KINDS if kind.label == "training"]
    original_create = SageMakerResponse.create_training_job

    @functools.wraps(original_create)
    def create_training_job(self: SageMakerResponse) -> ActionResult:
        result = original_create(self)
        job = existing_job(self.sagemaker_backend, training, self._get_param("TrainingJobName"))
        job.remote_debug_config = self._get_param("RemoteDebugConfig")
        return result

    original_describe = SageMakerModelBackend.describe_training_job

    @functools.wraps(original_describe)
    def describe_training_job(self: SageMakerModelBackend, training_job_name: str) -> dict[str, Any]:
        description: dict[str, Any] = original_describe(self, training_job_name)
        config = getattr(existing_job(self, training, training_job_name), "remote_debug_config", None)
        if config is not None:
            description["RemoteDebugConfig"] = config
        return description

    def update_training_job(self: SageMakerResponse) -> ActionResult:
        job = existing_job(self.sagemaker_backend, training, self._get_param("TrainingJobName"))
        status = getattr(job, training.status_attr)
        if status != "InProgress":
            raise ValidationError(
                f"The request was rejected because the training job is in status {status}."
            )
        if self._get_param("RemoteDebugConfig") is not None:
            job.remote_debug_config = self._get_param("RemoteDebugConfig")
        return ActionResult({"TrainingJobArn": job.arn})

    setattr(SageMakerResponse, "create_training_job", create_training_job)
    setattr(SageMakerModelBackend, "describe_training_job", describe_training_job)
    setattr(SageMakerResponse, "update_training_job", update_training_job)


def patch_processing_job_resources() -> None:
    """Patch 2: DescribeProcessingJob returns the ProcessingResources given on create.

    moto's response handler never passes them to the backend.
    """
    original = SageMakerResponse.create_processing_job

    @functools.wraps(original)
    def create_processing_job(self: SageMakerResponse) -> ActionResult:
        result = original(self)
        job: Any = self.sagemaker_backend.processing_jobs[self._get_param("ProcessingJobName")]
        job.processing_resources = self._get_param("ProcessingResources")
        return result

    setattr(SageMakerResponse, "create_processing_job", create_processing_job)


def patch_model() -> None:
    """Patch 4: DescribeModel returns EnableNetworkIsolation and VpcConfig as given.

    moto always reports EnableNetworkIsolation false, and an empty VpcConfig when none was given
    (AWS omits it).
    """
    original = SageMakerResponse.create_model

    @functools.wraps(original)
    def create_model(self: SageMakerResponse) -> ActionResult:
        result = original(self)
        model: Any = self.sagemaker_backend.describe_model(self._get_param("ModelName"))
        model.enable_network_isolation = bool(self._get_param("EnableNetworkIsolation", False))
        if not model.vpc_config:
            model.vpc_config = None
        return result

    setattr(SageMakerResponse, "create_model", create_model)


def patch_endpoint_config() -> None:
    """Patches 4b and 10: endpoint configurations as AWS describes them.

    DescribeEndpointConfig omits DataCaptureConfig when none was given (moto stores and returns
    an empty object; AWS omits the member: its destination, sampling percentage and capture
    options are required). moto's own CreateEndpoint reads the backend's description, so only
    the response changes.

    CreateEndpointConfig keeps ShadowProductionVariants, ExecutionRoleArn, VpcConfig and
    EnableNetworkIsolation (moto's handler never passes them on), accepts production variants
    without ModelName (endpoints for inference components; moto answers HTTP 500) and every
    instance type of botocore's ProductionVariantInstanceType (moto knows a short list).
    """

    def describe_endpoint_config(self: SageMakerResponse) -> ActionResult:
        name = self._get_param("EndpointConfigName")
        description = dict(self.sagemaker_backend.describe_endpoint_config(name))
        if not description.get("DataCaptureConfig"):
            description.pop("DataCaptureConfig", None)
        return ActionResult(description)

    setattr(SageMakerResponse, "describe_endpoint_config", describe_endpoint_config)

    def validate_instance_type(self: FakeEndpointConfig, instance_type: str) -> None:
        """Accepts the instance types of the AWS API model, with moto's error otherwise."""
        allowed = allowed_statuses("ProductionVariantInstanceType")
        if instance_type not in allowed:
            raise ValidationError(
                f"Value '{instance_type}' at 'instanceType' failed to satisfy constraint: "
                f"Member must satisfy enum value set: {list(allowed)}"
            )

    setattr(FakeEndpointConfig, "validate_instance_type", validate_instance_type)

    original_validate = SageMakerModelBackend.validate_production_variants

    @functools.wraps(original_validate)
    def validate_production_variants(
        self: SageMakerModelBackend, production_variants: list[dict[str, Any]]
    ) -> None:
        """moto's check that each variant's model exists, for the variants that name one."""
        original_validate(self, [v for v in production_variants if v.get("ModelName")])

    setattr(SageMakerModelBackend, "validate_production_variants", validate_production_variants)

    original_create = SageMakerResponse.create_endpoint_config

    @functools.wraps(original_create)
    def create_endpoint_config(self: SageMakerResponse) -> ActionResult:
        shadow = self._get_param("ShadowProductionVariants")
        if shadow:
            self.sagemaker_backend.validate_production_variants(shadow)
        result = original_create(self)
        config: Any = self.sagemaker_backend.endpoint_configs[self._get_param("EndpointConfigName")]
        config.shadow_production_variants = shadow or None
        config.execution_role_arn = self._get_param("ExecutionRoleArn")
        config.vpc_config = self._get_param("VpcConfig")
        config.enable_network_isolation = self._get_param("EnableNetworkIsolation")
        return result

    setattr(SageMakerResponse, "create_endpoint_config", create_endpoint_config)


def patch_notebooks() -> None:
    """Patches 5 and 6 for notebook instances.

    StopNotebookInstance refuses a notebook that is not InService, and the initial-status tag
    applies.
    """
    original_stop = SageMakerModelBackend.stop_notebook_instance

    @functools.wraps(original_stop)
    def stop_notebook_instance(self: SageMakerModelBackend, notebook_instance_name: str) -> None:
        notebook = self.get_notebook_instance(notebook_instance_name)
        if notebook.status != "InService":
            raise ValidationError(
                f"Status ({notebook.status}) not in ([InService]). Unable to transition to "
                f"(Stopping) for Notebook Instance ({notebook.arn})"
            )
        original_stop(self, notebook_instance_name)

    setattr(SageMakerModelBackend, "stop_notebook_instance", stop_notebook_instance)

    def set_notebook_status(notebook: Any, status: str) -> None:
        notebook.status = status

    wrap_create("create_notebook_instance", "NotebookInstanceStatus", set_notebook_status)
    patch_notebook_settings()


#: AWS's platform for a notebook created without ``PlatformIdentifier``.
DEFAULT_NOTEBOOK_PLATFORM = "notebook-al2023-v1"


def patch_notebook_settings() -> None:
    """Patch 16: notebooks keep ``PlatformIdentifier`` and ``InstanceMetadataServiceConfiguration``.

    Both are stored at create, with AWS's defaults when left out (platform
    ``notebook-al2023-v1``, minimum IMDS version ``1``), and answered by
    ``DescribeNotebookInstance``; a minimum version other than ``1`` or ``2`` is refused as AWS
    refuses it (pattern ``1|2``).
    """
    original_create = SageMakerResponse.create_notebook_instance

    @functools.wraps(original_create)
    def create_notebook_instance(self: SageMakerResponse) -> ActionResult:
        imds = self._get_param("InstanceMetadataServiceConfiguration") or {}
        version = imds.get("MinimumInstanceMetadataServiceVersion", "1")
        if version not in ("1", "2"):
            raise ValidationError(
                f"Value '{version}' at 'instanceMetadataServiceConfiguration."
                "minimumInstanceMetadataServiceVersion' failed to satisfy constraint: Member must "
                "satisfy regular expression pattern: 1|2"
            )
        result = original_create(self)
        name = self._get_param("NotebookInstanceName")
        notebook = self.sagemaker_backend.get_notebook_instance(name)
        notebook.platform_identifier = (
            self._get_param("PlatformIdentifier") or DEFAULT_NOTEBOOK_PLATFORM
        )
        notebook.minimum_imds_version = version
        return result

    setattr(SageMakerResponse, "create_notebook_instance", create_notebook_instance)

    original_to_dict = FakeSagemakerNotebookInstance.to_dict

    @functools.wraps(original_to_dict)
    def to_dict(self: FakeSagemakerNotebookInstance) -> dict[str, Any]:
        described = original_to_dict(self)
        described["PlatformIdentifier"] = getattr(
            self, "platform_identifier", DEFAULT_NOTEBOOK_PLATFORM
        )
        described["InstanceMetadataServiceConfiguration"] = {
            "MinimumInstanceMetadataServiceVersion": getattr(self, "minimum_imds_version", "1")
        }
        return described

    setattr(FakeSagemakerNotebookInstance, "to_dict", to_dict)


def patch_lifecycle_config_update() -> None:
    """Patch 21: ``UpdateNotebookInstanceLifecycleConfig``, which moto lacks.

    AWS replaces the ``OnCreate`` and ``OnStart`` given (an absent one is kept), sets
    ``LastModifiedTime`` and answers nothing; an unknown name is the ``ValidationException``
    that ``Describe`` gives for it.
    """

    def update_notebook_instance_lifecycle_config(self: SageMakerResponse) -> ActionResult:
        name = self._get_param("NotebookInstanceLifecycleConfigName")
        backend = self.sagemaker_backend
        backend.describe_notebook_instance_lifecycle_config(name)
        config = backend.notebook_instance_lifecycle_configurations[name]
        for member, attribute in (("OnCreate", "on_create"), ("OnStart", "on_start")):
            if self._get_param(member) is not None:
                setattr(config, attribute, self._get_param(member))
        config.last_modified_time = utcnow()
        return EmptyResult()

    setattr(
        SageMakerResponse,
        "update_notebook_instance_lifecycle_config",
        update_notebook_instance_lifecycle_config,
    )


def data_capture_summary(config: dict[str, Any]) -> dict[str, Any]:
    """The DescribeEndpoint ``DataCaptureConfigSummary`` of an endpoint configuration's
    ``DataCaptureConfig`` (moto returns the configuration's own shape, whose sampling member
    the SDK does not read)."""
    enabled = bool(config.get("EnableCapture", True))
    summary: dict[str, Any] = {
        "EnableCapture": enabled,
        "CaptureStatus": "Started" if enabled else "Stopped",
        "CurrentSamplingPercentage": config.get("InitialSamplingPercentage"),
        "DestinationS3Uri": config.get("DestinationS3Uri"),
        "KmsKeyId": config.get("KmsKeyId"),
    }
    return {key: value for key, value in summary.items() if value is not None}


def pending_variant(variant: dict[str, Any], now: Any) -> dict[str, Any]:
    """A ``PendingProductionVariantSummary`` of one production variant of the new config."""
    summary: dict[str, Any] = {"VariantName": variant["VariantName"]}
    for given, reported in (
        ("InitialInstanceCount", "DesiredInstanceCount"),
        ("InitialVariantWeight", "DesiredWeight"),
        ("InstanceType", "InstanceType"),
        ("AcceleratorType", "AcceleratorType"),
        ("ServerlessConfig", "DesiredServerlessConfig"),
        ("ManagedInstanceScaling", "ManagedInstanceScaling"),
        ("RoutingConfig", "RoutingConfig"),
    ):
        if variant.get(given) is not None:
            summary[reported] = variant[given]
    summary["VariantStatus"] = [{"Status": "Creating", "StartTime": now}]
    return summary


def deployed_variant(pending: dict[str, Any]) -> dict[str, Any]:
    """The ``ProductionVariantSummary`` of a pending variant once its deployment completed."""
    summary: dict[str, Any] = {"VariantName": pending["VariantName"]}
    for desired, current in (
        ("DesiredInstanceCount", "CurrentInstanceCount"),
        ("DesiredWeight", "CurrentWeight"),
        ("DesiredServerlessConfig", "CurrentServerlessConfig"),
    ):
        if desired in pending:
            summary[desired] = summary[current] = pending[desired]
    for member in ("ManagedInstanceScaling", "RoutingConfig"):
        if member in pending:
            summary[member] = pending[member]
    return summary


def existing_endpoint(backend: SageMakerModelBackend, name: str) -> Any:
    """The endpoint called ``name``, or moto's not-found ValidationException."""
    backend.describe_endpoint(name)
    return backend.endpoints[name]


def patch_endpoints() -> None:
    """Patches 6 and 9 for endpoints: the initial-status tag; UpdateEndpoint as AWS does it.

    moto has no UpdateEndpoint (HTTP 500). Here it refuses an endpoint that is neither InService nor
    UpdateRollbackFailed and otherwise puts it in Updating with a PendingDeploymentSummary naming the new configuration;
    the endpoint keeps its configuration until the emulator-only settle control
    (``settle_endpoint``) completes the update. DescribeEndpoint answers moto's description
    with the data capture summary in AWS's shape (absent when the configuration has none) and
    the pending deployment while there is one.
    """

    def set_endpoint_status(endpoint: Any, status: str) -> None:
        endpoint.endpoint_status = status

    wrap_create("create_endpoint", "EndpointStatus", set_endpoint_status)

    def update_endpoint(
        self: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str
    ) -> Any:
        """Starts deploying ``endpoint_config_name`` to an InService endpoint."""
        endpoint = existing_endpoint(self, endpoint_name)
        config = self.describe_endpoint_config(endpoint_config_name)
        status = endpoint.endpoint_status
        if status in IN_PROGRESS_ENDPOINT_STATUSES:
            raise ValidationError(f'Cannot update in-progress endpoint "{endpoint.arn}".')
        # UpdateRollbackFailed: AWS directs the owner to restore the endpoint to InService (the
        # EndpointStatus reference points to rolling deployments for that), by a new update.
        if status not in ("InService", "UpdateRollbackFailed"):
            raise ValidationError(f'Cannot update endpoint "{endpoint.arn}" in status {status}.')
        now = utcnow()
        summary: dict[str, Any] = {
            "EndpointConfigName": endpoint_config_name,
            "ProductionVariants": [pending_variant(v, now) for v in config["ProductionVariants"]],
            "StartTime": now,
        }
        if config.get("ShadowProductionVariants"):
            summary["ShadowProductionVariants"] = [
                pending_variant(v, now) for v in config["ShadowProductionVariants"]
            ]
        endpoint.pending_deployment_summary = summary
        endpoint.endpoint_status = "Updating"
        endpoint.failure_reason = None
        endpoint.last_modified_time = now
        return endpoint

    setattr(SageMakerModelBackend, "update_endpoint", update_endpoint)

    def update_endpoint_response(self: SageMakerResponse) -> ActionResult:
        """The UpdateEndpoint handler moto lacks."""
        backend: Any = self.sagemaker_backend
        endpoint = backend.update_endpoint(
            self._get_param("EndpointName"), self._get_param("EndpointConfigName")
        )
        return ActionResult({"EndpointArn": endpoint.arn})

    update_endpoint_response.__name__ = "update_endpoint"
    setattr(SageMakerResponse, "update_endpoint", update_endpoint_response)

    def describe_endpoint(self: SageMakerResponse) -> ActionResult:
        backend: Any = self.sagemaker_backend
        description = dict(backend.describe_endpoint(self._get_param("EndpointName")))
        capture = description.pop("DataCaptureConfig", None)
        if capture:
            description["DataCaptureConfig"] = data_capture_summary(capture)
        return ActionResult(description)

    setattr(SageMakerResponse, "describe_endpoint", describe_endpoint)


def settle_endpoint(
    backend: SageMakerModelBackend, name: str, status: str, reason: str | None
) -> dict[str, Any]:
    """Emulator-only: ends (or moves) an endpoint's update the way AWS would over time.

    - ``InService``: a pending update completed: the endpoint now runs the pending configuration
      (its variants and data capture), without PendingDeploymentSummary or FailureReason. With
      nothing pending the endpoint just becomes InService, keeping the FailureReason of a
      rollback (AWS reports why the update failed once it is back InService).
    - ``RollingBack`` / ``Failed``: the update failed: the endpoint keeps its old configuration,
      the pending deployment is dropped, FailureReason is set.
    - ``UpdateRollbackFailed``: the update and its rollback failed: old EndpointConfigName, the
      PendingDeploymentSummary stays, FailureReason is set.
    - any other EndpointStatus: set as is, nothing else changes.

    ``reason`` (the control's ``failure_reason``) replaces the default FailureReason.
    """
    endpoint: Any = backend.endpoints.get(name)
    if endpoint is None:
        raise ControlError(404, f"no endpoint {name} in {backend.account_id} {backend.region_name}")
    pending: dict[str, Any] | None = getattr(endpoint, "pending_deployment_summary", None)
    default_reason = (
        f"Emulator: the deployment of endpoint configuration {pending['EndpointConfigName']} "
        "failed."
        if pending
        else f"Emulator: the endpoint was settled as {status}."
    )
    if status == "InService":
        if pending:
            endpoint.endpoint_config_name = pending["EndpointConfigName"]
            endpoint.production_variants = [
                deployed_variant(v) for v in pending["ProductionVariants"]
            ]
            config = backend.endpoint_configs.get(pending["EndpointConfigName"])
            if config is not None:
                endpoint.data_capture_config = config.data_capture_config
            endpoint.failure_reason = reason
        elif endpoint.endpoint_status != "RollingBack" or reason is not None:
            endpoint.failure_reason = reason
        pending = None
    elif status in ("RollingBack", "Failed"):
        endpoint.failure_reason = reason or default_reason
        pending = None
    elif status == "UpdateRollbackFailed":
        endpoint.failure_reason = reason or default_reason
    elif reason is not None:
        endpoint.failure_reason = reason
    endpoint.pending_deployment_summary = pending
    endpoint.endpoint_status = status
    endpoint.last_modified_time = utcnow()
    return {
        "EndpointName": endpoint.endpoint_name,
        "EndpointStatus": endpoint.endpoint_status,
        "EndpointConfigName": endpoint.endpoint_config_name,
        "PendingEndpointConfigName": pending["EndpointConfigName"] if pending else None,
        "FailureReason": endpoint.failure_reason,
    }


def control_backend(payload: dict[str, Any]) -> SageMakerModelBackend:
    """The SageMaker backend a control request names (``account``, ``region``; defaults
    123456789012 and us-east-1)."""
    account = payload.get("account", DEFAULT_ACCOUNT_ID)
    region = payload.get("region", "us-east-1")
    if not isinstance(account, str) or not isinstance(region, str):
        raise ControlError(400, "account and region must be strings")
    try:
        backend: SageMakerModelBackend = sagemaker_backends[account][region]
    except KeyError:
        raise ControlError(400, f"unknown account or region {account} {region}") from None
    return backend


def settle_payload(payload: dict[str, Any], shape: str) -> tuple[str, str | None]:
    """The ``status`` (one of the botocore enum ``shape``) and ``failure_reason`` of a settle
    request; raises ControlError (HTTP 400) when they are not valid."""
    unknown = set(payload) - {"status", "failure_reason", "account", "region"}
    if unknown:
        raise ControlError(400, f"unknown fields {sorted(unknown)}")
    status = payload.get("status")
    allowed = allowed_statuses(shape)
    if status not in allowed:
        raise ControlError(400, f"status must be one of {list(allowed)}")
    reason = payload.get("failure_reason")
    if reason is not None and not isinstance(reason, str):
        raise ControlError(400, "failure_reason must be a string")
    return str(status), reason


def control_routes() -> list[Route]:
    """The emulator-only control endpoints besides the fault switch (README, patches 9 and 11)."""

    def settle_endpoint_route(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
        status, reason = settle_payload(payload, "EndpointStatus")
        return settle_endpoint(control_backend(payload), match["name"], status, reason)

    def settle_notebook_route(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
        # What AWS does over time: a Pending notebook becomes InService, a Stopping one Stopped.
        status, _ = settle_payload(payload, "NotebookInstanceStatus")
        notebook: Any = control_backend(payload).notebook_instances.get(match["name"])
        if notebook is None:
            raise ControlError(404, f"no notebook instance {match['name']}")
        notebook.status = status
        return {"NotebookInstanceName": match["name"], "NotebookInstanceStatus": status}

    def settle_component_route(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
        status, reason = settle_payload(payload, "InferenceComponentStatus")
        backend = control_backend(payload)
        if match["name"] not in inference.components(backend):
            raise ControlError(404, f"no inference component {match['name']}")
        return inference.settle(backend, match["name"], status, reason)

    return [
        Route(
            "POST",
            re.compile(r"/_guardrail/endpoints/(?P<name>[^/]+)/settle"),
            settle_endpoint_route,
        ),
        Route(
            "POST",
            re.compile(r"/_guardrail/notebook-instances/(?P<name>[^/]+)/settle"),
            settle_notebook_route,
        ),
        Route(
            "POST",
            re.compile(r"/_guardrail/inference-components/(?P<name>[^/]+)/settle"),
            settle_component_route,
        ),
    ]


def patch_kms() -> None:
    """Patch 12: AWS managed keys answer KeyManager AWS, for every ``alias/aws/<service>``.

    moto creates a key on first use of 14 of these aliases (not ``alias/aws/sagemaker``), as a
    customer managed key; any other ``alias/aws/...`` is NotFoundException. AWS creates the AWS
    managed key of a predefined ``alias/aws/...`` on first reference (DescribeKey included).
    """
    original_generate = KmsBackend._generate_default_keys

    @functools.wraps(original_generate)
    def _generate_default_keys(self: KmsBackend, alias_name: str) -> str | None:
        if AWS_MANAGED_ALIAS.fullmatch(alias_name) is None:
            return original_generate(self, alias_name)
        key = self.create_key(None, "ENCRYPT_DECRYPT", "SYMMETRIC_DEFAULT", "Default key", None)
        key.key_manager = "AWS"
        self.create_alias(key.id, alias_name)
        return str(key.id)

    setattr(KmsBackend, "_generate_default_keys", _generate_default_keys)

    original_lookup = KmsBackend.get_key_id_from_alias

    @functools.wraps(original_lookup)
    def get_key_id_from_alias(self: KmsBackend, alias_name: str) -> str | None:
        key_id = original_lookup(self, alias_name)
        if key_id is None and AWS_MANAGED_ALIAS.fullmatch(alias_name) is not None:
            key_id = self._generate_default_keys(alias_name)
        return key_id

    setattr(KmsBackend, "get_key_id_from_alias", get_key_id_from_alias)


#: The customer managed key the tests name (``KEY`` in tests/harness.rs), in 123456789012
#: us-east-1. moto picks key ids itself, so it is seeded with this id at start-up.
TEST_KEY_ID = "1111aaaa-22bb-33cc-44dd-555555eeeeee"


def seed_test_key() -> None:
    """Patch 14: the tests' customer managed key exists, so ``DescribeKey`` answers it as AWS
    would for a key a resource names (KeyManager CUSTOMER)."""
    backend: Any = kms_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    key = backend.create_key(
        policy=None,
        key_usage="ENCRYPT_DECRYPT",
        key_spec="SYMMETRIC_DEFAULT",
        description="guardrail tests: customer managed key",
        tags=None,
    )
    del backend.keys[key.id]
    key.id = TEST_KEY_ID
    key.arn = f"{key.arn.rsplit('/', 1)[0]}/{TEST_KEY_ID}"
    backend.keys[TEST_KEY_ID] = key


def patch_s3_expected_owner() -> None:
    """Patch 19: ``GetObject`` with ``x-amz-expected-bucket-owner`` naming another account than
    the bucket's is refused with 403 ``AccessDenied``, as S3 refuses it; moto ignores the header."""
    from moto.s3.responses import S3Response

    original = S3Response.get_object

    @functools.wraps(original)
    def get_object(self: S3Response) -> Any:
        owner = self.headers.get("x-amz-expected-bucket-owner")
        if owner and self.backend.get_bucket(self.bucket_name).account_id != owner:
            body = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code>'
                "<Message>Access Denied</Message></Error>"
            )
            return 403, {"Content-Type": "application/xml"}, body
        return original(self)

    S3Response.get_object = get_object  # type: ignore[method-assign]


def patch_kms_denial_message() -> None:
    """Patch 20: a key policy that denies a KMS call answers ``AccessDeniedException`` with
    AWS's message, which names the caller, the action, the key and the reason ("... with an
    explicit deny in a resource-based policy"); moto answers the error with no message."""
    from moto.kms.exceptions import AccessDeniedException
    from moto.kms.responses import KmsResponse

    original = KmsResponse._validate_key_policy

    @functools.wraps(original)
    def validate(self: KmsResponse, key_id: str, action: str) -> None:
        try:
            original(self, key_id, action)
        except AccessDeniedException:
            key = self.kms_backend.describe_key(self.kms_backend.get_key_id(key_id))
            caller = f"arn:aws:iam::{self.current_account}:user/testing"
            denied = AccessDeniedException(
                f"User: {caller} is not authorized to perform: {action} on resource: "
                f"{key.arn} with an explicit deny in a resource-based policy"
            )
            denied.description = json.dumps({"__type": "AccessDeniedException", "message": denied.message})
            raise denied from None

    KmsResponse._validate_key_policy = validate  # type: ignore[method-assign]


def apply_patches() -> None:
    """Applies every patch; call once, before the server starts."""
    for kind in JOB_KINDS:
        patch_jobs(kind)
    patch_training_remote_debug()
    patch_processing_job_resources()
    patch_model()
    patch_endpoint_config()
    patch_notebooks()
    patch_lifecycle_config_update()
    patch_endpoints()
    inference.apply(requested_initial_status)
    studio.apply(requested_initial_status)
    monitoring.apply(requested_initial_status)
    hyperpod.apply()
    featurestore.apply(requested_initial_status)
    compilation.apply(requested_initial_status)
    labeling.apply(requested_initial_status)
    optimization.apply(requested_initial_status)
    modelregistry.apply()
    managed_mlflow.apply(requested_initial_status)
    experiments.apply(requested_initial_status)
    flows.apply(requested_initial_status)
    patch_kms()
    seed_test_key()
    trail.apply()
    transactions.apply()
    patch_s3_expected_owner()
    patch_kms_denial_message()
    stacks.apply()


def check_bindable(port: int) -> None:
    """Raises OSError if ``port`` cannot be listened on (ThreadedMotoServer.start() would hang)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until_answering(port: int, timeout: float = 30.0) -> None:
    """Returns once the server answers an HTTP request (any status); raises after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
        finally:
            connection.close()


def write_atomically(path: str, text: str) -> None:
    """Writes ``text`` to ``path`` so that readers see either no file or the whole text."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".emulator-url-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv: list[str] | None = None) -> int:
    """Runs the emulator until SIGTERM or SIGINT; returns the exit status."""
    parser = argparse.ArgumentParser(description="The integration tests' AWS emulator.")
    parser.add_argument("--port-file", required=True, help="where to write the server's URL")
    parser.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    args = parser.parse_args(argv)

    apply_patches()
    port = args.port if args.port is not None else free_port()
    try:
        check_bindable(port)
    except OSError as error:
        print(f"emulator: cannot listen on {HOST}:{port}: {error}", file=sys.stderr)
        return 1
    server = GuardrailServer(ip_address=HOST, port=port, routes=control_routes(), regime=Regime())

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    server.start()
    try:
        wait_until_answering(port)
        url = f"http://{HOST}:{port}"
        write_atomically(args.port_file, url)
        print(url, flush=True)
        stop_requested.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
