"""Patch 24: SageMaker Feature Store feature groups as AWS keeps them.

AWS: ``CreateFeatureGroup`` takes an optional ``OnlineStoreConfig`` (``EnableOnlineStore``,
``SecurityConfig.KmsKeyId``, ``StorageType``) and an optional ``OfflineStoreConfig``
(``S3StorageConfig.S3Uri`` and ``KmsKeyId``), at least one of them; ``DescribeFeatureGroup``
answers both, ``FeatureGroupStatus`` (``Creating``, ``Created``, ``CreateFailed``, ``Deleting``,
``DeleteFailed``) and the tags are read with ``ListTags`` on its ARN; ``ListFeatureGroups`` filters
by ``FeatureGroupStatusEquals``; ``DeleteFeatureGroup`` deletes it; a missing name is
``ResourceNotFound``. moto 5.2.5 drops ``OnlineStoreConfig``, requires ``OfflineStoreConfig``, has
no list, no delete and no tags for feature groups, and answers a missing name with HTTP 500. The
patch replaces the create and describe calls and adds the others, with the shapes of botocore's
service model. A new group is ``Created`` (or the status of the ``emulator:initial-status`` tag).
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

InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]

#: Members of the create request that DescribeFeatureGroup answers as given.
KEPT = (
    "RecordIdentifierFeatureName",
    "EventTimeFeatureName",
    "FeatureDefinitions",
    "OnlineStoreConfig",
    "OfflineStoreConfig",
    "ThroughputConfig",
    "RoleArn",
    "Description",
)


class Group:
    def __init__(self, backend: SageMakerModelBackend, name: str, request: dict[str, Any], tags: Any):
        self.name = name
        self.arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:feature-group/{name.lower()}"
        self.request = {k: request[k] for k in KEPT if request.get(k) is not None}
        self.tags = list(tags or [])
        self.status = "Created"
        self.creation_time = utcnow()

    def describe(self) -> dict[str, Any]:
        return {
            "FeatureGroupArn": self.arn,
            "FeatureGroupName": self.name,
            "FeatureGroupStatus": self.status,
            "CreationTime": self.creation_time,
        } | self.request

    def summary(self) -> dict[str, Any]:
        return {
            "FeatureGroupName": self.name,
            "FeatureGroupArn": self.arn,
            "CreationTime": self.creation_time,
            "FeatureGroupStatus": self.status,
        }


def groups(backend: SageMakerModelBackend) -> dict[str, Group]:
    return backend.__dict__.setdefault("guardrail_feature_groups", {})


def existing(backend: SageMakerModelBackend, name: str) -> Group:
    found = groups(backend).get(name)
    if found is None:
        raise ResourceNotFound(f"Resource Not Found: Amazon SageMaker can't find a FeatureGroup with name {name}")
    return found


def handlers(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], ActionResult]]:
    def create_feature_group(self: SageMakerResponse) -> ActionResult:
        backend = self.sagemaker_backend
        name = self._get_param("FeatureGroupName")
        if name in groups(backend):
            raise ValidationError(f"Resource Already Exists: FeatureGroup with name {name} already exists.")
        request = {k: self._get_param(k) for k in KEPT}
        if request.get("OnlineStoreConfig") is None and request.get("OfflineStoreConfig") is None:
            raise ValidationError("At least one of OnlineStoreConfig and OfflineStoreConfig must be specified.")
        tags = self._get_param("Tags")
        group = Group(backend, name, request, tags)
        group.status = initial_status(tags, "FeatureGroupStatus") or "Created"
        groups(backend)[name] = group
        return ActionResult({"FeatureGroupArn": group.arn})

    def describe_feature_group(self: SageMakerResponse) -> ActionResult:
        return ActionResult(existing(self.sagemaker_backend, self._get_param("FeatureGroupName")).describe())

    def delete_feature_group(self: SageMakerResponse) -> ActionResult:
        existing(self.sagemaker_backend, self._get_param("FeatureGroupName"))
        del groups(self.sagemaker_backend)[self._get_param("FeatureGroupName")]
        return EmptyResult()

    def list_feature_groups(self: SageMakerResponse) -> ActionResult:
        status = self._get_param("FeatureGroupStatusEquals")
        items = [
            g.summary()
            for _, g in sorted(groups(self.sagemaker_backend).items())
            if status is None or g.status == status
        ]
        return ActionResult({"FeatureGroupSummaries": items})

    return [create_feature_group, describe_feature_group, delete_feature_group, list_feature_groups]


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    for handler in handlers(initial_status):
        setattr(SageMakerResponse, handler.__name__, handler)
    tags_by_arn("feature-group", groups)
