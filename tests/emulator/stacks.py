"""Patch 32: SageMaker resources deployed by CloudFormation, as their create calls make them.

AWS: CloudFormation creates an ``AWS::SageMaker::NotebookInstance``, ``Model``,
``EndpointConfig``, ``Endpoint`` or ``NotebookInstanceLifecycleConfig`` with the resource's create
call, its properties being the call's members (``KmsKeyId``, ``DirectInternetAccess``,
``RootAccess``, ``SubnetId``, ``EnableNetworkIsolation``, ``VpcConfig``, ...), under the name its
name property gives (``NotebookInstanceName``, ``ModelName``, ...; a generated one when absent),
and tags it ``aws:cloudformation:stack-name``, ``stack-id`` and ``logical-id``.

moto: each type's ``create_from_cloudformation_json`` passes on a few properties only (a notebook
gets its instance type and role, nothing else; a model loses ``EnableNetworkIsolation``; an
endpoint configuration loses its VPC, role and shadow variants), and ignores the name property
(every resource is named ``STACK-LOGICALID-RANDOM``).

The patch names the resource by its name property and creates it through the SageMaker handler of
its create call with the properties as the call's members, so that what the API's patches above
keep, a deployed resource keeps too; then adds CloudFormation's tags. Updates go through moto's
own ``update_from_cloudformation_json``, which deletes and calls the create patched here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.sagemaker.models import (
    FakeEndpoint,
    FakeEndpointConfig,
    FakeSagemakerNotebookInstance,
    FakeSageMakerNotebookInstanceLifecycleConfig,
    Model,
    SageMakerModelBackend,
    sagemaker_backends,
)
from moto.sagemaker.responses import SageMakerResponse
from moto.utilities.utils import get_partition

Lookup = Callable[[SageMakerModelBackend, str], Any]

#: Each deployable type: its class, the name property (also the create call's name member), the
#: create call's handler, and where the backend keeps what it created.
TYPES: list[tuple[type, str, str, Lookup]] = [
    (
        FakeSagemakerNotebookInstance,
        "NotebookInstanceName",
        "create_notebook_instance",
        lambda backend, name: backend.notebook_instances[name],
    ),
    (
        FakeSageMakerNotebookInstanceLifecycleConfig,
        "NotebookInstanceLifecycleConfigName",
        "create_notebook_instance_lifecycle_config",
        lambda backend, name: backend.notebook_instance_lifecycle_configurations[name],
    ),
    (Model, "ModelName", "create_model", lambda backend, name: backend._models[name]),
    (
        FakeEndpointConfig,
        "EndpointConfigName",
        "create_endpoint_config",
        lambda backend, name: backend.endpoint_configs[name],
    ),
    (
        FakeEndpoint,
        "EndpointName",
        "create_endpoint",
        lambda backend, name: backend.endpoints[name],
    ),
]


def stack_tags(kwargs: dict[str, Any]) -> list[dict[str, str]]:
    """The tags CloudFormation puts on what a stack creates."""
    stack_id = kwargs.get("StackId") or ""
    # arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID
    parts = stack_id.split(":", 5)[-1].split("/")
    tags = {
        "aws:cloudformation:stack-name": parts[1] if len(parts) > 2 else "",
        "aws:cloudformation:stack-id": stack_id,
        "aws:cloudformation:logical-id": kwargs.get("LogicalId") or "",
    }
    return [{"Key": k, "Value": v} for k, v in tags.items() if v]


def patch_type(cls: type, name_member: str, handler: str, lookup: Lookup) -> None:
    """Patches one type's name property and creation."""

    def cloudformation_name_type() -> str:
        return name_member

    setattr(cls, "cloudformation_name_type", staticmethod(cloudformation_name_type))

    def create_from_cloudformation_json(
        klass: type,
        resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        members = dict(cloudformation_json.get("Properties") or {})
        members[name_member] = resource_name
        if cls is not FakeSageMakerNotebookInstanceLifecycleConfig:  # it has no tags
            members["Tags"] = list(members.get("Tags") or []) + stack_tags(kwargs)
        response = SageMakerResponse()
        response.current_account = account_id
        response.region = region_name
        response.partition = get_partition(region_name)
        response.params = members
        response.uri_match = {}
        getattr(response, handler)()
        return lookup(sagemaker_backends[account_id][region_name], resource_name)

    setattr(cls, "create_from_cloudformation_json", classmethod(create_from_cloudformation_json))


def apply() -> None:
    """Applies patch 32; call once, before the server starts (after the SageMaker patches)."""
    for cls, name_member, handler, lookup in TYPES:
        patch_type(cls, name_member, handler, lookup)
