"""Patch 27: SageMaker inference optimization jobs (moto 5.2.5 has none).

``CreateOptimizationJob``, ``DescribeOptimizationJob``, ``StopOptimizationJob`` and
``ListOptimizationJobs`` (``jobs.apply_job_kind``): a new job is ``INPROGRESS`` and answers its
``ModelSource``, ``OptimizationEnvironment``, ``OptimizationConfigs``, ``OutputConfig`` and
``VpcConfig`` as given; a stop goes straight to ``STOPPED``.
"""

from __future__ import annotations

from typing import Any

from jobs import InitialStatus, JobKind, apply_job_kind


def derived(request: dict[str, Any]) -> dict[str, Any]:
    return {
        "DeploymentInstanceType": request.get("DeploymentInstanceType", "ml.g5.2xlarge"),
        "OptimizationTypes": [],
    }


KIND = JobKind(
    noun="OptimizationJob",
    snake="optimization_job",
    arn_type="optimization-job",
    status_shape="OptimizationJobStatus",
    list_member="OptimizationJobSummaries",
    kept=(
        "RoleArn",
        "ModelSource",
        "DeploymentInstanceType",
        "MaxInstanceCount",
        "OptimizationEnvironment",
        "OptimizationConfigs",
        "OutputConfig",
        "StoppingCondition",
        "VpcConfig",
    ),
    running=("INPROGRESS", "STARTING"),
    initial="INPROGRESS",
    stopped="STOPPED",
    derived=derived,
)


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    apply_job_kind(KIND, initial_status)
