"""Patch 27: SageMaker inference optimization jobs (moto 5.2.5 has none).

Adds ``CreateOptimizationJob``, ``DescribeOptimizationJob``, ``StopOptimizationJob`` and
``ListOptimizationJobs`` with the shapes of botocore's service model, and ``ListTags`` on their
ARNs. A new job is ``INPROGRESS`` (or the status of the ``emulator:initial-status`` tag) and
answers its request's ``ModelSource``, ``OptimizationEnvironment``, ``OutputConfig`` and
``VpcConfig`` as given; ``StopOptimizationJob`` stops an ``INPROGRESS`` or ``STARTING`` one
(straight to ``STOPPED``) and refuses one that has ended (``ValidationException``);
``ListOptimizationJobs`` filters by ``StatusEquals``. A missing job is ``ResourceNotFound``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]

KEPT = (
    "RoleArn",
    "ModelSource",
    "DeploymentInstanceType",
    "MaxInstanceCount",
    "OptimizationEnvironment",
    "OptimizationConfigs",
    "OutputConfig",
    "StoppingCondition",
    "VpcConfig",
)
RUNNING = ("INPROGRESS", "STARTING")


class Job:
    def __init__(self, backend: SageMakerModelBackend, name: str, request: dict[str, Any], tags: Any):
        self.name = name
        self.arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:optimization-job/{name.lower()}"
        self.request = {k: request[k] for k in KEPT if request.get(k) is not None}
        self.tags = list(tags or [])
        self.status = "INPROGRESS"
        self.creation_time = self.last_modified_time = utcnow()

    def describe(self) -> dict[str, Any]:
        return {
            "OptimizationJobName": self.name,
            "OptimizationJobArn": self.arn,
            "OptimizationJobStatus": self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
        } | self.request

    def summary(self) -> dict[str, Any]:
        return {
            "OptimizationJobName": self.name,
            "OptimizationJobArn": self.arn,
            "CreationTime": self.creation_time,
            "OptimizationJobStatus": self.status,
            "DeploymentInstanceType": self.request.get("DeploymentInstanceType", "ml.g5.2xlarge"),
            "OptimizationTypes": [],
        }


def jobs(backend: SageMakerModelBackend) -> dict[str, Job]:
    return backend.__dict__.setdefault("guardrail_optimization_jobs", {})


def existing(backend: SageMakerModelBackend, name: str) -> Job:
    found = jobs(backend).get(name)
    if found is None:
        raise ResourceNotFound(f"Could not find optimization job '{name}'.")
    return found


def handlers(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], ActionResult]]:
    def create_optimization_job(self: SageMakerResponse) -> ActionResult:
        backend = self.sagemaker_backend
        name = self._get_param("OptimizationJobName")
        if name in jobs(backend):
            raise ValidationError(f"Optimization job {name} already exists.")
        tags = self._get_param("Tags")
        job = Job(backend, name, {k: self._get_param(k) for k in KEPT}, tags)
        job.status = initial_status(tags, "OptimizationJobStatus") or "INPROGRESS"
        jobs(backend)[name] = job
        return ActionResult({"OptimizationJobArn": job.arn})

    def describe_optimization_job(self: SageMakerResponse) -> ActionResult:
        return ActionResult(existing(self.sagemaker_backend, self._get_param("OptimizationJobName")).describe())

    def stop_optimization_job(self: SageMakerResponse) -> ActionResult:
        job = existing(self.sagemaker_backend, self._get_param("OptimizationJobName"))
        if job.status not in RUNNING:
            raise ValidationError(
                f"The request was rejected because the optimization job is in status {job.status}."
            )
        job.status = "STOPPED"
        job.last_modified_time = utcnow()
        return EmptyResult()

    def list_optimization_jobs(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("StatusEquals")
        items = [
            j.summary()
            for _, j in sorted(jobs(self.sagemaker_backend).items())
            if status is None or j.status == status
        ]
        return ActionResult({"OptimizationJobSummaries": items})

    return [create_optimization_job, describe_optimization_job, stop_optimization_job, list_optimization_jobs]


def patch_tags() -> None:
    original = SageMakerModelBackend._get_resource_from_arn

    def _get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        kind, _, name = arn.split(":")[-1].partition("/")
        if kind == "optimization-job":
            for job in jobs(self).values():
                if job.arn == arn.lower():
                    return job
            raise ValidationError(f"Could not find optimization-job with name {name}")
        return original(self, arn)

    setattr(SageMakerModelBackend, "_get_resource_from_arn", _get_resource_from_arn)


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    for handler in handlers(initial_status):
        setattr(SageMakerResponse, handler.__name__, handler)
    patch_tags()
