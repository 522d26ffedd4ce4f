"""Patch 26: SageMaker Ground Truth labeling jobs (moto 5.2.5 has none).

Adds ``CreateLabelingJob``, ``DescribeLabelingJob``, ``StopLabelingJob`` and ``ListLabelingJobs``
with the shapes of botocore's service model, and ``ListTags`` on their ARNs. A new job is
``InProgress`` (or the status of the ``emulator:initial-status`` tag) and answers its request's
``HumanTaskConfig``, ``OutputConfig`` and ``LabelingJobAlgorithmsConfig`` as given;
``StopLabelingJob`` stops an ``Initializing`` or ``InProgress`` one (straight to ``Stopped``;
AWS passes through ``Stopping``) and refuses one that has ended (``ValidationException``);
``ListLabelingJobs`` filters by ``StatusEquals``. A missing job is ``ResourceNotFound``.
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
    "LabelAttributeName",
    "InputConfig",
    "OutputConfig",
    "RoleArn",
    "LabelCategoryConfigS3Uri",
    "StoppingConditions",
    "LabelingJobAlgorithmsConfig",
    "HumanTaskConfig",
)
RUNNING = ("Initializing", "InProgress")


class Job:
    def __init__(self, backend: SageMakerModelBackend, name: str, request: dict[str, Any], tags: Any):
        self.name = name
        self.arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:labeling-job/{name.lower()}"
        self.request = {k: request[k] for k in KEPT if request.get(k) is not None}
        self.tags = list(tags or [])
        self.status = "InProgress"
        self.creation_time = self.last_modified_time = utcnow()

    def describe(self) -> dict[str, Any]:
        return {
            "LabelingJobName": self.name,
            "LabelingJobArn": self.arn,
            "LabelingJobStatus": self.status,
            "LabelCounters": {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0,
                              "FailedNonRetryableError": 0, "Unlabeled": 0},
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "JobReferenceCode": self.name,
            "Tags": self.tags,
        } | self.request

    def summary(self) -> dict[str, Any]:
        return {
            "LabelingJobName": self.name,
            "LabelingJobArn": self.arn,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "LabelingJobStatus": self.status,
            "LabelCounters": self.describe()["LabelCounters"],
            "WorkteamArn": self.request.get("HumanTaskConfig", {}).get("WorkteamArn", ""),
            "PreHumanTaskLambdaArn": self.request.get("HumanTaskConfig", {}).get("PreHumanTaskLambdaArn", ""),
        }


def jobs(backend: SageMakerModelBackend) -> dict[str, Job]:
    return backend.__dict__.setdefault("guardrail_labeling_jobs", {})


def existing(backend: SageMakerModelBackend, name: str) -> Job:
    # AWS: "LabelingJobName is not case sensitive".
    found = jobs(backend).get(name.lower())
    if found is None:
        raise ResourceNotFound(f"Could not find labeling job '{name}'.")
    return found


def handlers(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], ActionResult]]:
    def create_labeling_job(self: SageMakerResponse) -> ActionResult:
        backend = self.sagemaker_backend
        name = self._get_param("LabelingJobName")
        if name.lower() in jobs(backend):
            raise ValidationError(f"Labeling job {name} already exists.")
        tags = self._get_param("Tags")
        job = Job(backend, name, {k: self._get_param(k) for k in KEPT}, tags)
        job.status = initial_status(tags, "LabelingJobStatus") or "InProgress"
        jobs(backend)[name.lower()] = job
        return ActionResult({"LabelingJobArn": job.arn})

    def describe_labeling_job(self: SageMakerResponse) -> ActionResult:
        return ActionResult(existing(self.sagemaker_backend, self._get_param("LabelingJobName")).describe())

    def stop_labeling_job(self: SageMakerResponse) -> ActionResult:
        job = existing(self.sagemaker_backend, self._get_param("LabelingJobName"))
        if job.status not in RUNNING:
            raise ValidationError(
                f"The request was rejected because the labeling job is in status {job.status}."
            )
        job.status = "Stopped"
        job.last_modified_time = utcnow()
        return EmptyResult()

    def list_labeling_jobs(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("StatusEquals")
        items = [
            j.summary()
            for _, j in sorted(jobs(self.sagemaker_backend).items())
            if status is None or j.status == status
        ]
        return ActionResult({"LabelingJobSummaryList": items})

    return [create_labeling_job, describe_labeling_job, stop_labeling_job, list_labeling_jobs]


def patch_tags() -> None:
    original = SageMakerModelBackend._get_resource_from_arn

    def _get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        kind, _, name = arn.split(":")[-1].partition("/")
        if kind == "labeling-job":
            for job in jobs(self).values():
                if job.arn == arn.lower():
                    return job
            raise ValidationError(f"Could not find labeling-job with name {name}")
        return original(self, arn)

    setattr(SageMakerModelBackend, "_get_resource_from_arn", _get_resource_from_arn)


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    for handler in handlers(initial_status):
        setattr(SageMakerResponse, handler.__name__, handler)
    patch_tags()
