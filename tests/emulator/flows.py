"""Patch 31: Amazon Augmented AI (A2I) flow definitions (moto 5.2.5 has none).

AWS (API reference): ``CreateFlowDefinition`` keeps ``HumanLoopConfig`` (its ``WorkteamArn``),
``HumanLoopRequestSource``, ``HumanLoopActivationConfig``, ``OutputConfig`` (``KmsKeyId``) and
``RoleArn``, and ``DescribeFlowDefinition`` answers them with ``FlowDefinitionStatus``
(``Initializing``, ``Active``, ``Failed``, ``Deleting``); ``ListFlowDefinitions`` takes no
status filter; ``DeleteFlowDefinition`` deletes it; ``ListTags`` reads its tags on its ARN; a
missing one is ``ResourceNotFound``. The patch adds the four calls; a new flow definition is
``Active`` (or the status of the ``emulator:initial-status`` tag); a deletion is immediate.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

from jobs import tags_by_arn

InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]

KEPT = ("HumanLoopRequestSource", "HumanLoopActivationConfig", "HumanLoopConfig", "OutputConfig", "RoleArn")


class Flow:
    def __init__(self, arn: str, name: str, request: dict[str, Any], tags: Any, status: str):
        self.arn, self.name, self.status = arn, name, status
        self.request = {k: v for k, v in request.items() if v is not None}
        self.tags = list(tags or [])
        self.creation_time = utcnow()

    def summary(self) -> dict[str, Any]:
        return {
            "FlowDefinitionName": self.name,
            "FlowDefinitionArn": self.arn,
            "FlowDefinitionStatus": self.status,
            "CreationTime": self.creation_time,
        }


def flows(backend: SageMakerModelBackend) -> dict[str, Flow]:
    return backend.__dict__.setdefault("guardrail_flow_definitions", {})


def existing(backend: SageMakerModelBackend, name: str) -> Flow:
    found = flows(backend).get(name.lower())
    if found is None:
        raise ResourceNotFound(f"Flow definition {name} does not exist.")
    return found


def handlers(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], Any]]:
    def create_flow_definition(self: SageMakerResponse) -> ActionResult:
        backend, name = self.sagemaker_backend, self._get_param("FlowDefinitionName")
        if name.lower() in flows(backend):
            raise ResourceInUseException(f"Flow definition {name} already exists.")
        tags = self._get_param("Tags")
        arn = f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:flow-definition/{name.lower()}"
        status = initial_status(tags, "FlowDefinitionStatus") or "Active"
        flows(backend)[name.lower()] = Flow(arn, name, {k: self._get_param(k) for k in KEPT}, tags, status)
        return ActionResult({"FlowDefinitionArn": arn})

    def describe_flow_definition(self: SageMakerResponse) -> ActionResult:
        found = existing(self.sagemaker_backend, self._get_param("FlowDefinitionName"))
        return ActionResult(found.summary() | found.request)

    def delete_flow_definition(self: SageMakerResponse) -> EmptyResult:
        found = existing(self.sagemaker_backend, self._get_param("FlowDefinitionName"))
        del flows(self.sagemaker_backend)[found.name.lower()]
        return EmptyResult()

    def list_flow_definitions(self: SageMakerResponse) -> ActionResult:
        items = [f.summary() for _, f in sorted(flows(self.sagemaker_backend).items())]
        return ActionResult({"FlowDefinitionSummaries": items})

    return [create_flow_definition, describe_flow_definition, delete_flow_definition, list_flow_definitions]


def apply(initial_status: InitialStatus) -> None:
    """Applies the patch; call once, before the server starts."""
    for handler in handlers(initial_status):
        setattr(SageMakerResponse, handler.__name__, handler)
    tags_by_arn("flow-definition", flows)
