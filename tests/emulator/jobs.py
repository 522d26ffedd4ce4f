"""What the emulator's own SageMaker resources share: tags found by ARN, and whole job kinds
that moto lacks (create, describe, stop, list with a status filter).

``tags_by_arn`` extends moto's ARN lookup (``ListTags``, ``AddTags``) to resources kept outside
moto's backend. ``JobKind`` describes a job API with the shapes of botocore's service model, and
``apply_job_kind`` adds its four calls: a new job starts in ``initial`` (or the status of the
``emulator:initial-status`` tag) and answers the request members it keeps as given; a stop moves
a running job straight to ``stopped`` and refuses one that has ended (``ValidationException``,
as AWS's stops do); a missing job is ``ResourceNotFound``. Names are kept without case (AWS:
job names "are not case sensitive").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]


def tags_by_arn(arn_type: str, resources: Callable[[SageMakerModelBackend], dict[str, Any]]) -> None:
    """moto's ARN lookup, which also finds the resources of ``arn_type`` kept in ``resources``
    (each with ``arn`` and ``tags``)."""
    original = SageMakerModelBackend._get_resource_from_arn

    def _get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        kind, _, name = arn.split(":")[-1].partition("/")
        if kind == arn_type:
            for resource in resources(self).values():
                if resource.arn == arn.lower():
                    return resource
            raise ValidationError(f"Could not find {arn_type} with name {name}")
        return original(self, arn)

    setattr(SageMakerModelBackend, "_get_resource_from_arn", _get_resource_from_arn)


@dataclass(frozen=True)
class JobKind:
    """A job API: ``Create{noun}``, ``Describe{noun}``, ``Stop{noun}``, ``List{noun}s``."""

    noun: str  # LabelingJob
    snake: str  # labeling_job
    arn_type: str  # labeling-job
    status_shape: str  # LabelingJobStatus (also the member holding it)
    list_member: str  # LabelingJobSummaryList
    kept: tuple[str, ...]  # request members answered as given
    running: tuple[str, ...]
    initial: str
    stopped: str
    # Members derived from the request, for the summary and the description (each answer keeps
    # only the members of its botocore shape).
    derived: Callable[[dict[str, Any]], dict[str, Any]]


class Job:
    def __init__(self, kind: JobKind, backend: SageMakerModelBackend, name: str, request: dict[str, Any], tags: Any):
        self.kind = kind
        self.name = name
        self.arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:{kind.arn_type}/{name.lower()}"
        self.request = {k: request[k] for k in kind.kept if request.get(k) is not None}
        self.tags = list(tags or [])
        self.status = kind.initial
        self.creation_time = self.last_modified_time = utcnow()

    def common(self) -> dict[str, Any]:
        noun = self.kind.noun
        return {
            f"{noun}Name": self.name,
            f"{noun}Arn": self.arn,
            self.kind.status_shape: self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
        }

    def describe(self) -> dict[str, Any]:
        return self.common() | self.kind.derived(self.request) | self.request

    def summary(self) -> dict[str, Any]:
        return self.common() | self.kind.derived(self.request)


def apply_job_kind(kind: JobKind, initial_status: InitialStatus) -> None:
    """Adds the four calls of ``kind`` and its tags by ARN."""

    def jobs(backend: SageMakerModelBackend) -> dict[str, Job]:
        return backend.__dict__.setdefault(f"guardrail_{kind.snake}s", {})

    def existing(backend: SageMakerModelBackend, name: str) -> Job:
        found = jobs(backend).get(name.lower())
        if found is None:
            raise ResourceNotFound(f"Could not find {kind.arn_type.replace('-', ' ')} '{name}'.")
        return found

    def name_of(response: SageMakerResponse) -> str:
        return response._get_param(f"{kind.noun}Name")

    def create(self: SageMakerResponse) -> ActionResult:
        backend, name = self.sagemaker_backend, name_of(self)
        if name.lower() in jobs(backend):
            raise ValidationError(f"{kind.noun} {name} already exists.")
        tags = self._get_param("Tags")
        job = Job(kind, backend, name, {k: self._get_param(k) for k in kind.kept}, tags)
        job.status = initial_status(tags, kind.status_shape) or kind.initial
        jobs(backend)[name.lower()] = job
        return ActionResult({f"{kind.noun}Arn": job.arn})

    def describe(self: SageMakerResponse) -> ActionResult:
        return ActionResult(existing(self.sagemaker_backend, name_of(self)).describe())

    def stop(self: SageMakerResponse) -> ActionResult:
        job = existing(self.sagemaker_backend, name_of(self))
        if job.status not in kind.running:
            raise ValidationError(
                f"The request was rejected because the {kind.arn_type.replace('-', ' ')} is in status {job.status}."
            )
        job.status = kind.stopped
        job.last_modified_time = utcnow()
        return EmptyResult()

    def list_jobs(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("StatusEquals")
        items = [
            j.summary()
            for _, j in sorted(jobs(self.sagemaker_backend).items())
            if status is None or j.status == status
        ]
        return ActionResult({kind.list_member: items})

    for verb, handler in [("create", create), ("describe", describe), ("stop", stop)]:
        setattr(SageMakerResponse, f"{verb}_{kind.snake}", handler)
    setattr(SageMakerResponse, f"list_{kind.snake}s", list_jobs)
    tags_by_arn(kind.arn_type, jobs)
