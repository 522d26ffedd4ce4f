"""Patch 30: inference experiments and Inference Recommender jobs (moto 5.2.5 has neither).

AWS (API reference): ``CreateInferenceExperiment`` keeps ``ModelVariants``, ``ShadowModeConfig``,
``KmsKey`` and ``DataStorageConfig``, and ``DescribeInferenceExperiment`` answers them with
``Status`` and its ARN as ``Arn`` (the calls answer ``InferenceExperimentArn``);
``StopInferenceExperiment`` requires an action (``Retain``, ``Remove``, ``Promote``) for its
variants in ``ModelVariantActions`` and ends it ``Completed`` or, with ``DesiredState =
Cancelled``, ``Cancelled``; ``ListInferenceExperiments`` filters by ``StatusEquals``.
``CreateInferenceRecommendationsJob`` keeps ``InputConfig`` (``VolumeKmsKeyId``, ``VpcConfig``,
``EndpointConfigurations``), which ``DescribeInferenceRecommendationsJob`` answers with
``Status`` (not ``OutputConfig``); ``StopInferenceRecommendationsJob`` answers nothing;
``ListInferenceRecommendationsJobs`` filters by ``StatusEquals``. Both read their tags on their
ARN; a missing one is ``ResourceNotFound``.

The patch adds these calls. A new experiment is ``Running`` and a new job ``IN_PROGRESS`` (or the
status of the ``emulator:initial-status`` tag); stops take effect at once. A stop of an
experiment that names an action for a variant it does not have, or none for one it has, is a
``ValidationException``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ConflictException, ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

from jobs import tags_by_arn

InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]

EXPERIMENT_KEPT = ("Type", "Schedule", "Description", "RoleArn", "ModelVariants", "DataStorageConfig", "ShadowModeConfig", "KmsKey")
JOB_KEPT = ("JobType", "RoleArn", "InputConfig", "JobDescription", "StoppingConditions")


class Resource:
    def __init__(self, arn: str, name: str, request: dict[str, Any], tags: Any, status: str):
        self.arn, self.name, self.status = arn, name, status
        self.request = {k: v for k, v in request.items() if v is not None}
        self.tags = list(tags or [])
        self.creation_time = self.last_modified_time = utcnow()


def table(backend: SageMakerModelBackend, kind: str) -> dict[str, Resource]:
    return backend.__dict__.setdefault(f"guardrail_{kind}", {})


def existing(backend: SageMakerModelBackend, kind: str, name: str) -> Resource:
    found = table(backend, kind).get(name.lower())
    if found is None:
        raise ResourceNotFound(f"{kind.replace('_', ' ')} {name} not found.")
    return found


def arn_of(backend: SageMakerModelBackend, arn_type: str, name: str) -> str:
    return f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:{arn_type}/{name.lower()}"


def handlers(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], ActionResult]]:
    def create_inference_experiment(self: SageMakerResponse) -> ActionResult:
        backend, name = self.sagemaker_backend, self._get_param("Name")
        if name.lower() in table(backend, "inference_experiments"):
            raise ConflictException(f"Inference experiment {name} already exists.")
        tags = self._get_param("Tags")
        arn = arn_of(backend, "inference-experiment", name)
        request = {k: self._get_param(k) for k in EXPERIMENT_KEPT} | {
            "EndpointMetadata": {"EndpointName": self._get_param("EndpointName")}
        }
        status = initial_status(tags, "InferenceExperimentStatus") or "Running"
        table(backend, "inference_experiments")[name.lower()] = Resource(arn, name, request, tags, status)
        return ActionResult({"InferenceExperimentArn": arn})

    def describe_inference_experiment(self: SageMakerResponse) -> ActionResult:
        found = existing(self.sagemaker_backend, "inference_experiments", self._get_param("Name"))
        variants = [v | {"Status": "InService"} for v in found.request.get("ModelVariants", [])]
        return ActionResult(
            {"Arn": found.arn, "Name": found.name, "Status": found.status, "CreationTime": found.creation_time}
            | found.request
            | {"ModelVariants": variants}
        )

    def stop_inference_experiment(self: SageMakerResponse) -> ActionResult:
        found = existing(self.sagemaker_backend, "inference_experiments", self._get_param("Name"))
        if found.status not in ("Created", "Running"):
            raise ValidationError(f"Inference experiment {found.name} is in status {found.status} and cannot be stopped.")
        actions = self._get_param("ModelVariantActions") or {}
        variants = {v["VariantName"] for v in found.request.get("ModelVariants", [])}
        if set(actions) != variants:
            raise ValidationError(f"ModelVariantActions must name each variant: {sorted(variants)}")
        found.status = "Cancelled" if self._get_param("DesiredState") == "Cancelled" else "Completed"
        found.request["StatusReason"] = self._get_param("Reason")
        found.request["EmulatorVariantActions"] = actions
        return ActionResult({"InferenceExperimentArn": found.arn})

    def list_inference_experiments(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("StatusEquals")
        items = [
            {"Name": e.name, "Type": e.request.get("Type", "ShadowMode"), "Status": e.status,
             "CreationTime": e.creation_time, "LastModifiedTime": e.last_modified_time}
            for _, e in sorted(table(self.sagemaker_backend, "inference_experiments").items())
            if status is None or e.status == status
        ]
        return ActionResult({"InferenceExperiments": items})

    def create_inference_recommendations_job(self: SageMakerResponse) -> ActionResult:
        backend, name = self.sagemaker_backend, self._get_param("JobName")
        if name.lower() in table(backend, "recommendation_jobs"):
            raise ValidationError(f"Inference recommendations job {name} already exists.")
        tags = self._get_param("Tags")
        arn = arn_of(backend, "inference-recommendations-job", name)
        request = {k: self._get_param(k) for k in JOB_KEPT}
        status = initial_status(tags, "RecommendationJobStatus") or "IN_PROGRESS"
        table(backend, "recommendation_jobs")[name.lower()] = Resource(arn, name, request, tags, status)
        return ActionResult({"JobArn": arn})

    def describe_inference_recommendations_job(self: SageMakerResponse) -> ActionResult:
        found = existing(self.sagemaker_backend, "recommendation_jobs", self._get_param("JobName"))
        return ActionResult(
            {"JobName": found.name, "JobArn": found.arn, "Status": found.status,
             "CreationTime": found.creation_time, "LastModifiedTime": found.last_modified_time}
            | found.request
        )

    def stop_inference_recommendations_job(self: SageMakerResponse) -> EmptyResult:
        found = existing(self.sagemaker_backend, "recommendation_jobs", self._get_param("JobName"))
        if found.status not in ("PENDING", "IN_PROGRESS"):
            raise ValidationError(f"Inference recommendations job {found.name} is in status {found.status}.")
        found.status = "STOPPED"
        return EmptyResult()

    def list_inference_recommendations_jobs(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("StatusEquals")
        items = [
            {"JobName": j.name, "JobDescription": j.request.get("JobDescription", ""),
             "JobType": j.request.get("JobType", "Default"), "JobArn": j.arn, "Status": j.status,
             "CreationTime": j.creation_time, "RoleArn": j.request.get("RoleArn", ""),
             "LastModifiedTime": j.last_modified_time}
            for _, j in sorted(table(self.sagemaker_backend, "recommendation_jobs").items())
            if status is None or j.status == status
        ]
        return ActionResult({"InferenceRecommendationsJobs": items})

    return [
        create_inference_experiment,
        describe_inference_experiment,
        stop_inference_experiment,
        list_inference_experiments,
        create_inference_recommendations_job,
        describe_inference_recommendations_job,
        stop_inference_recommendations_job,
        list_inference_recommendations_jobs,
    ]


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    for handler in handlers(initial_status):
        setattr(SageMakerResponse, handler.__name__, handler)
    tags_by_arn("inference-experiment", lambda b: table(b, "inference_experiments"))
    tags_by_arn("inference-recommendations-job", lambda b: table(b, "recommendation_jobs"))
