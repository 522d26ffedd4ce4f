"""Patch 25: SageMaker Neo compilation jobs that run until they are stopped.

AWS: a new compilation job is ``INPROGRESS`` (``CompilationJobStatus``: ``INPROGRESS``,
``COMPLETED``, ``FAILED``, ``STARTING``, ``STOPPING``, ``STOPPED``) and has no end time until it
ends; ``StopCompilationJob`` stops a running one and refuses one that has ended
(``ValidationException``). moto 5.2.5 creates every job ``COMPLETED`` with an end time and has no
``StopCompilationJob``. The patch starts a job ``INPROGRESS`` (or in the status of the
``emulator:initial-status`` tag), without an end time, and adds the stop (straight to ``STOPPED``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import CompilationJob, SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]

RUNNING = ("INPROGRESS", "STARTING")


def patch_create(initial_status: InitialStatus) -> None:
    original = CompilationJob.__init__

    def __init__(self: CompilationJob, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        self.compilation_job_status = initial_status(self.tags, "CompilationJobStatus") or "INPROGRESS"
        if self.compilation_job_status in RUNNING:
            self.compilation_end_time = None

    setattr(CompilationJob, "__init__", __init__)

    original_describe = CompilationJob.describe

    def describe(self: CompilationJob) -> dict[str, Any]:
        return {k: v for k, v in original_describe(self).items() if v is not None}

    setattr(CompilationJob, "describe", describe)


def stop_compilation_job(self: SageMakerResponse) -> ActionResult:
    name = self._get_param("CompilationJobName")
    backend: SageMakerModelBackend = self.sagemaker_backend
    job = backend.compilation_jobs.get(name)
    if job is None:
        raise ResourceNotFound(message=f"Could not find compilation job '{name}'.")
    if job.compilation_job_status not in RUNNING:
        raise ValidationError(
            message=f"The request was rejected because the compilation job is in status {job.compilation_job_status}."
        )
    job.compilation_job_status = "STOPPED"
    job.compilation_end_time = job.last_modified_time = utcnow()
    return EmptyResult()


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    patch_create(initial_status)
    setattr(SageMakerResponse, "stop_compilation_job", stop_compilation_job)
