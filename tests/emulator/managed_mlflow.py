"""Patch 29: SageMaker managed MLflow, tracking servers and apps (moto 5.2.5 has neither).

AWS (API reference): ``CreateMlflowTrackingServer`` keeps ``ArtifactStoreUri``, ``RoleArn``,
``S3BucketOwnerAccountId`` and ``S3BucketOwnerVerification`` (and its size, version, model
registration and maintenance window); ``DescribeMlflowTrackingServer`` answers them with
``TrackingServerStatus``; ``UpdateMlflowTrackingServer`` changes the members it is given (not the
role); ``StopMlflowTrackingServer`` stops a running server (through ``Stopping``) and
``StartMlflowTrackingServer`` starts a stopped one; ``ListMlflowTrackingServers`` filters by
``TrackingServerStatus``; the server's ARN ends in its name. An MLflow app
(``CreateMlflowApp``) is named by an id in its ARN (``mlflow-app/ID``): ``DescribeMlflowApp``,
``UpdateMlflowApp`` and ``DeleteMlflowApp`` take the ARN; it keeps ``KmsKeyId`` (absent: "not
encrypted with a customer-managed key") and ``AccessControlConfiguration``; ``ListMlflowApps``
answers ``Summaries`` filtered by ``Status``. Both read their tags with ``ListTags`` on their
ARN; a missing one is ``ResourceNotFound``.

The patch adds these calls. A new server or app is ``Created`` (or the status of the
``emulator:initial-status`` tag); a stop goes straight to ``Stopped`` and a start to
``Started``; a deleted app is gone at once (AWS passes through ``Deleting``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ConflictException, ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

from jobs import tags_by_arn

InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]

#: Members of CreateMlflowTrackingServer that Describe answers as given.
SERVER_KEPT = (
    "ArtifactStoreUri",
    "TrackingServerSize",
    "MlflowVersion",
    "RoleArn",
    "AutomaticModelRegistration",
    "WeeklyMaintenanceWindowStart",
    "S3BucketOwnerAccountId",
    "S3BucketOwnerVerification",
)
#: Those UpdateMlflowTrackingServer may change.
SERVER_UPDATED = tuple(k for k in SERVER_KEPT if k not in ("MlflowVersion", "RoleArn"))
#: Statuses a server can be stopped in.
SERVER_RUNNING = ("Created", "Updated", "Started", "MaintenanceComplete", "UpdateFailed", "MaintenanceFailed", "StopFailed")

APP_KEPT = (
    "ArtifactStoreUri",
    "RoleArn",
    "KmsKeyId",
    "AccessControlConfiguration",
    "ModelRegistrationMode",
    "WeeklyMaintenanceWindowStart",
    "AccountDefaultStatus",
    "DefaultDomainIdList",
)
APP_UPDATED = ("Name",) + tuple(k for k in APP_KEPT if k not in ("KmsKeyId", "RoleArn"))


class Resource:
    def __init__(self, arn: str, name: str, request: dict[str, Any], tags: Any, status: str):
        self.arn = arn
        self.name = name
        self.request = {k: v for k, v in request.items() if v is not None}
        self.tags = list(tags or [])
        self.status = status
        self.creation_time = self.last_modified_time = utcnow()

    def update(self, members: dict[str, Any]) -> None:
        self.request |= {k: v for k, v in members.items() if v is not None}
        self.last_modified_time = utcnow()


def servers(backend: SageMakerModelBackend) -> dict[str, Resource]:
    return backend.__dict__.setdefault("guardrail_mlflow_tracking_servers", {})


def apps(backend: SageMakerModelBackend) -> dict[str, Resource]:
    return backend.__dict__.setdefault("guardrail_mlflow_apps", {})


def server(backend: SageMakerModelBackend, name: str) -> Resource:
    found = servers(backend).get(name)
    if found is None:
        raise ResourceNotFound(f"Tracking server {name} not found.")
    return found


def app(backend: SageMakerModelBackend, arn: str) -> Resource:
    found = apps(backend).get(arn)
    if found is None:
        raise ResourceNotFound(f"MLflow app {arn} not found.")
    return found


def handlers(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], ActionResult]]:
    def create_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        backend, name = self.sagemaker_backend, self._get_param("TrackingServerName")
        if name in servers(backend):
            raise ValidationError(f"Tracking server {name} already exists.")
        tags = self._get_param("Tags")
        arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:mlflow-tracking-server/{name.lower()}"
        status = initial_status(tags, "TrackingServerStatus") or "Created"
        request = {k: self._get_param(k) for k in SERVER_KEPT}
        servers(backend)[name] = Resource(arn, name, request, tags, status)
        return ActionResult({"TrackingServerArn": arn})

    def describe_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        found = server(self.sagemaker_backend, self._get_param("TrackingServerName"))
        return ActionResult(
            {
                "TrackingServerArn": found.arn,
                "TrackingServerName": found.name,
                "TrackingServerStatus": found.status,
                "IsActive": "Inactive" if found.status == "Stopped" else "Active",
                "CreationTime": found.creation_time,
                "LastModifiedTime": found.last_modified_time,
            }
            | found.request
        )

    def update_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        found = server(self.sagemaker_backend, self._get_param("TrackingServerName"))
        found.update({k: self._get_param(k) for k in SERVER_UPDATED})
        found.status = "Updated"
        return ActionResult({"TrackingServerArn": found.arn})

    def stop_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        found = server(self.sagemaker_backend, self._get_param("TrackingServerName"))
        if found.status not in SERVER_RUNNING:
            raise ConflictException(f"Tracking server {found.name} is in status {found.status} and cannot be stopped.")
        found.status = "Stopped"
        return ActionResult({"TrackingServerArn": found.arn})

    def start_mlflow_tracking_server(self: SageMakerResponse) -> ActionResult:
        found = server(self.sagemaker_backend, self._get_param("TrackingServerName"))
        if found.status != "Stopped":
            raise ConflictException(f"Tracking server {found.name} is in status {found.status} and cannot be started.")
        found.status = "Started"
        return ActionResult({"TrackingServerArn": found.arn})

    def list_mlflow_tracking_servers(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("TrackingServerStatus")
        items = [
            {
                "TrackingServerArn": s.arn,
                "TrackingServerName": s.name,
                "CreationTime": s.creation_time,
                "LastModifiedTime": s.last_modified_time,
                "TrackingServerStatus": s.status,
            }
            for _, s in sorted(servers(self.sagemaker_backend).items())
            if status is None or s.status == status
        ]
        return ActionResult({"TrackingServerSummaries": items})

    def create_mlflow_app(self: SageMakerResponse) -> ActionResult:
        backend = self.sagemaker_backend
        tags = self._get_param("Tags")
        arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:mlflow-app/app-{uuid.uuid4().hex[:12]}"
        status = initial_status(tags, "MlflowAppStatus") or "Created"
        request = {k: self._get_param(k) for k in APP_KEPT}
        apps(backend)[arn] = Resource(arn, self._get_param("Name"), request, tags, status)
        return ActionResult({"Arn": arn})

    def describe_mlflow_app(self: SageMakerResponse) -> ActionResult:
        found = app(self.sagemaker_backend, self._get_param("Arn"))
        return ActionResult(
            {
                "Arn": found.arn,
                "Name": found.name,
                "Status": found.status,
                "CreationTime": found.creation_time,
                "LastModifiedTime": found.last_modified_time,
            }
            | found.request
        )

    def update_mlflow_app(self: SageMakerResponse) -> ActionResult:
        found = app(self.sagemaker_backend, self._get_param("Arn"))
        members = {k: self._get_param(k) for k in APP_UPDATED}
        if members.get("Name") is not None:
            found.name = members.pop("Name")
        found.update(members)
        found.status = "Updated"
        return ActionResult({"Arn": found.arn})

    def delete_mlflow_app(self: SageMakerResponse) -> ActionResult:
        found = app(self.sagemaker_backend, self._get_param("Arn"))
        del apps(self.sagemaker_backend)[found.arn]
        return ActionResult({"Arn": found.arn})

    def list_mlflow_apps(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("Status")
        items = [
            {
                "Arn": a.arn,
                "Name": a.name,
                "Status": a.status,
                "CreationTime": a.creation_time,
                "LastModifiedTime": a.last_modified_time,
            }
            for _, a in sorted(apps(self.sagemaker_backend).items())
            if status is None or a.status == status
        ]
        return ActionResult({"Summaries": items})

    return [
        create_mlflow_tracking_server,
        describe_mlflow_tracking_server,
        update_mlflow_tracking_server,
        stop_mlflow_tracking_server,
        start_mlflow_tracking_server,
        list_mlflow_tracking_servers,
        create_mlflow_app,
        describe_mlflow_app,
        update_mlflow_app,
        delete_mlflow_app,
        list_mlflow_apps,
    ]


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    for handler in handlers(initial_status):
        setattr(SageMakerResponse, handler.__name__, handler)
    tags_by_arn("mlflow-tracking-server", lambda backend: {s.arn: s for s in servers(backend).values()})
    tags_by_arn("mlflow-app", apps)
