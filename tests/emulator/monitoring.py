"""Emulator extension: SageMaker model monitoring schedules (moto 5.2.5 has none).

Adds ``CreateMonitoringSchedule``, ``DescribeMonitoringSchedule``, ``UpdateMonitoringSchedule``,
``StartMonitoringSchedule``, ``StopMonitoringSchedule``, ``DeleteMonitoringSchedule`` and
``ListMonitoringSchedules`` with the shapes of botocore's SageMaker service model, and ``AddTags``
/ ``ListTags`` on their ARNs. A new schedule is ``Scheduled`` (or the status of the
``emulator:initial-status`` tag); ``StopMonitoringSchedule`` stops a ``Scheduled`` or ``Pending``
one and, like AWS, refuses one already ``Stopped`` or ``Failed`` (``ValidationException``);
``StartMonitoringSchedule`` schedules a stopped one. ``ListMonitoringSchedules`` filters by
``StatusEquals`` and ``EndpointName``. A missing schedule is ``ResourceNotFound``. The job
definitions a schedule names are moto's own (their Describe shape was checked against AWS's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

from jobs import tags_by_arn

#: Reads the ``emulator:initial-status`` tag (``server.requested_initial_status``).
InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]


class Schedule:
    """One monitoring schedule, as DescribeMonitoringSchedule reports it."""

    def __init__(self, backend: SageMakerModelBackend, name: str, config: dict[str, Any], tags: Any):
        now = utcnow()
        self.name = name
        self.arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:monitoring-schedule/{name.lower()}"
        self.config = config
        self.tags = list(tags or [])
        self.status = "Scheduled"
        self.creation_time = self.last_modified_time = now

    def describe(self) -> dict[str, Any]:
        answer = {
            "MonitoringScheduleArn": self.arn,
            "MonitoringScheduleName": self.name,
            "MonitoringScheduleStatus": self.status,
            "MonitoringType": self.config.get("MonitoringType", "DataQuality"),
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
            "MonitoringScheduleConfig": self.config,
        }
        endpoint = (self.config.get("MonitoringJobDefinition") or {}).get("MonitoringInputs")
        if endpoint:
            answer["EndpointName"] = endpoint[0].get("EndpointInput", {}).get("EndpointName")
        return answer

    def summary(self) -> dict[str, Any]:
        return {
            key: value
            for key, value in self.describe().items()
            if key not in ("MonitoringScheduleConfig",)
        } | {"MonitoringJobDefinitionName": self.config.get("MonitoringJobDefinitionName")}


def schedules(backend: SageMakerModelBackend) -> dict[str, Schedule]:
    return backend.__dict__.setdefault("guardrail_monitoring_schedules", {})


def existing(backend: SageMakerModelBackend, name: str) -> Schedule:
    found = schedules(backend).get(name)
    if found is None:
        raise ResourceNotFound(f"Monitoring schedule {name} does not exist.")
    return found


def handlers(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], ActionResult]]:
    def create_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
        backend = self.sagemaker_backend
        name = self._get_param("MonitoringScheduleName")
        if name in schedules(backend):
            raise ValidationError(f"Monitoring schedule {name} already exists.")
        tags = self._get_param("Tags")
        schedule = Schedule(backend, name, self._get_param("MonitoringScheduleConfig") or {}, tags)
        schedule.status = initial_status(tags, "ScheduleStatus") or "Scheduled"
        schedules(backend)[name] = schedule
        return ActionResult({"MonitoringScheduleArn": schedule.arn})

    def describe_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
        schedule = existing(self.sagemaker_backend, self._get_param("MonitoringScheduleName"))
        return ActionResult({k: v for k, v in schedule.describe().items() if v is not None})

    def update_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
        schedule = existing(self.sagemaker_backend, self._get_param("MonitoringScheduleName"))
        schedule.config = self._get_param("MonitoringScheduleConfig") or schedule.config
        schedule.last_modified_time = utcnow()
        return ActionResult({"MonitoringScheduleArn": schedule.arn})

    def stop_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
        schedule = existing(self.sagemaker_backend, self._get_param("MonitoringScheduleName"))
        if schedule.status not in ("Scheduled", "Pending"):
            raise ValidationError(
                f"Monitoring schedule {schedule.name} is {schedule.status}: it cannot be stopped."
            )
        schedule.status = "Stopped"
        return EmptyResult()

    def start_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
        schedule = existing(self.sagemaker_backend, self._get_param("MonitoringScheduleName"))
        schedule.status = "Scheduled"
        return EmptyResult()

    def delete_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
        existing(self.sagemaker_backend, self._get_param("MonitoringScheduleName"))
        del schedules(self.sagemaker_backend)[self._get_param("MonitoringScheduleName")]
        return EmptyResult()

    def list_monitoring_schedules(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("StatusEquals")
        endpoint = self._get_param("EndpointName")
        items = [
            {k: v for k, v in s.summary().items() if v is not None}
            for _, s in sorted(schedules(self.sagemaker_backend).items())
            if (status is None or s.status == status)
            and (endpoint is None or s.describe().get("EndpointName") == endpoint)
        ]
        return ActionResult({"MonitoringScheduleSummaries": items})

    return [
        create_monitoring_schedule,
        describe_monitoring_schedule,
        update_monitoring_schedule,
        stop_monitoring_schedule,
        start_monitoring_schedule,
        delete_monitoring_schedule,
        list_monitoring_schedules,
    ]


def apply(initial_status: InitialStatus) -> None:
    """Applies the extension; call once, before the server starts."""
    for handler in handlers(initial_status):
        setattr(SageMakerResponse, handler.__name__, handler)
    tags_by_arn("monitoring-schedule", schedules)
