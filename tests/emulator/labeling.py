"""Patch 26: SageMaker Ground Truth labeling jobs (moto 5.2.5 has none).

``CreateLabelingJob``, ``DescribeLabelingJob``, ``StopLabelingJob`` and ``ListLabelingJobs``
(``jobs.apply_job_kind``): a new job is ``InProgress`` and answers its ``HumanTaskConfig``,
``OutputConfig`` and ``LabelingJobAlgorithmsConfig`` as given, with its ``Tags`` and label
counters; a stop goes straight to ``Stopped`` (AWS passes through ``Stopping``).
"""

from __future__ import annotations

from typing import Any

from jobs import InitialStatus, JobKind, apply_job_kind

COUNTERS = {"TotalLabeled": 0, "HumanLabeled": 0, "MachineLabeled": 0, "FailedNonRetryableError": 0, "Unlabeled": 0}


def derived(request: dict[str, Any]) -> dict[str, Any]:
    task = request.get("HumanTaskConfig", {})
    return {
        "LabelCounters": COUNTERS,
        "JobReferenceCode": "emulator",
        "WorkteamArn": task.get("WorkteamArn", ""),
        "PreHumanTaskLambdaArn": task.get("PreHumanTaskLambdaArn", ""),
    }


KIND = JobKind(
    noun="LabelingJob",
    snake="labeling_job",
    arn_type="labeling-job",
    status_shape="LabelingJobStatus",
    list_member="LabelingJobSummaryList",
    kept=(
        "LabelAttributeName",
        "InputConfig",
        "OutputConfig",
        "RoleArn",
        "LabelCategoryConfigS3Uri",
        "StoppingConditions",
        "LabelingJobAlgorithmsConfig",
        "HumanTaskConfig",
        "Tags",
    ),
    running=("Initializing", "InProgress"),
    initial="InProgress",
    stopped="Stopped",
    derived=derived,
)


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    apply_job_kind(KIND, initial_status)
