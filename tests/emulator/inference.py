"""Emulator extension: SageMaker inference components (moto 5.2.5 has none).

Adds ``CreateInferenceComponent``, ``DescribeInferenceComponent``, ``UpdateInferenceComponent``,
``DeleteInferenceComponent`` and ``ListInferenceComponents`` to moto's SageMaker backend and
response class, with the shapes of botocore's SageMaker service model, and makes ``AddTags`` /
``ListTags`` / ``DeleteTags`` find inference components by ARN. Components are kept per account and
region in the backend, like moto's own resources.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter

#: Reads the ``emulator:initial-status`` tag (``server.requested_initial_status``).
InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]

#: AWS's default page size of ListInferenceComponents.
DEFAULT_MAX_RESULTS = 10


def _epoch(value: Any) -> float:
    """Seconds since the epoch of a timestamp: moto's naive UTC datetimes, parsed request
    timestamps (aware datetimes) or numbers."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
        return aware.timestamp()
    return float(value)


def specification_summary(specification: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An ``InferenceComponentSpecificationSummary`` from the specification given on create.

    The given ``Container.Image`` becomes ``Container.DeployedImage`` (specified and resolved
    image the same: the emulator resolves no digests); the rest is returned as given.
    """
    summary = copy.deepcopy(specification)
    container = summary.get("Container")
    if isinstance(container, dict) and "Image" in container:
        image = container.pop("Image")
        container["DeployedImage"] = {
            "SpecifiedImage": image,
            "ResolvedImage": image,
            "ResolutionTime": now,
        }
    return summary


class FakeInferenceComponent:
    """One inference component, as DescribeInferenceComponent reports it."""

    def __init__(
        self,
        backend: SageMakerModelBackend,
        name: str,
        endpoint: Any,
        variant_name: str,
        specification: dict[str, Any] | None,
        specifications: list[dict[str, Any]] | None,
        runtime_config: dict[str, Any] | None,
        tags: list[dict[str, str]] | None,
        status: str,
    ) -> None:
        now = utcnow()
        self.name = name
        self.arn = arn_formatter(
            "inference-component", name, backend.account_id, backend.region_name
        )
        self.endpoint_name: str = endpoint.endpoint_name
        self.endpoint_arn: str = endpoint.arn
        self.variant_name = variant_name
        self.specification = specification
        self.specifications = specifications
        self.runtime_config = runtime_config
        self.tags: list[dict[str, str]] = list(tags or [])
        self.status = status
        self.failure_reason: str | None = None
        self.last_deployment_config: dict[str, Any] | None = None
        self.creation_time = self.last_modified_time = now
        self.specified_at = now

    def describe(self) -> dict[str, Any]:
        """The DescribeInferenceComponent answer."""
        answer: dict[str, Any] = {
            "InferenceComponentName": self.name,
            "InferenceComponentArn": self.arn,
            "EndpointName": self.endpoint_name,
            "EndpointArn": self.endpoint_arn,
            "VariantName": self.variant_name,
            "InferenceComponentStatus": self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
        }
        if self.failure_reason:
            answer["FailureReason"] = self.failure_reason
        if self.specification is not None:
            answer["Specification"] = specification_summary(self.specification, self.specified_at)
        if self.specifications is not None:
            answer["Specifications"] = [
                specification_summary(s, self.specified_at) for s in self.specifications
            ]
        if self.runtime_config is not None:
            desired = self.runtime_config.get("CopyCount")
            answer["RuntimeConfig"] = {
                "DesiredCopyCount": desired,
                "CurrentCopyCount": desired if self.status == "InService" else 0,
            }
        if self.last_deployment_config is not None:
            answer["LastDeploymentConfig"] = self.last_deployment_config
        return answer

    def summary(self) -> dict[str, Any]:
        """The ListInferenceComponents entry."""
        return {
            "InferenceComponentName": self.name,
            "InferenceComponentArn": self.arn,
            "EndpointName": self.endpoint_name,
            "EndpointArn": self.endpoint_arn,
            "VariantName": self.variant_name,
            "InferenceComponentStatus": self.status,
            "CreationTime": self.creation_time,
            "LastModifiedTime": self.last_modified_time,
        }


def components(backend: SageMakerModelBackend) -> dict[str, FakeInferenceComponent]:
    """The inference components of one account and region, by name (created on first use, so a
    moto reset, which rebuilds the backends, empties them too)."""
    store: dict[str, FakeInferenceComponent] = backend.__dict__.setdefault(
        "inference_components", {}
    )
    return store


def not_found(backend: SageMakerModelBackend, name: str) -> ValidationError:
    """AWS's error for an unknown inference component name."""
    arn = arn_formatter("inference-component", name, backend.account_id, backend.region_name)
    return ValidationError(f'Could not find inference component "{arn}".')


def existing(backend: SageMakerModelBackend, name: str) -> FakeInferenceComponent:
    """The inference component called ``name``, or AWS's not-found ValidationException."""
    component = components(backend).get(name)
    if component is None:
        raise not_found(backend, name)
    return component


def check_models(
    backend: SageMakerModelBackend,
    specification: dict[str, Any] | None,
    specifications: list[dict[str, Any]] | None,
) -> None:
    """Raises moto's model not-found error when a specification names an unknown model."""
    for spec in ([specification] if specification else []) + list(specifications or []):
        if spec.get("ModelName"):
            backend.describe_model(spec["ModelName"])


def list_page(
    found: list[FakeInferenceComponent], params: dict[str, Any]
) -> tuple[list[FakeInferenceComponent], str | None]:
    """Filters, sorts and pages components as ListInferenceComponents does."""
    name_contains = params.get("NameContains")
    equals = {
        attribute: params[param]
        for param, attribute in (
            ("EndpointNameEquals", "endpoint_name"),
            ("VariantNameEquals", "variant_name"),
            ("StatusEquals", "status"),
        )
        if params.get(param) is not None
    }
    after = {
        attribute: _epoch(params[param])
        for param, attribute in (
            ("CreationTimeAfter", "creation_time"),
            ("LastModifiedTimeAfter", "last_modified_time"),
        )
        if params.get(param) is not None
    }
    before = {
        attribute: _epoch(params[param])
        for param, attribute in (
            ("CreationTimeBefore", "creation_time"),
            ("LastModifiedTimeBefore", "last_modified_time"),
        )
        if params.get(param) is not None
    }

    def matches(component: FakeInferenceComponent) -> bool:
        if name_contains and str(name_contains).lower() not in component.name.lower():
            return False
        if any(getattr(component, a) != value for a, value in equals.items()):
            return False
        if any(_epoch(getattr(component, a)) <= limit for a, limit in after.items()):
            return False
        return all(_epoch(getattr(component, a)) < limit for a, limit in before.items())

    selected = [c for c in found if matches(c)]
    sort_by = params.get("SortBy") or "CreationTime"
    keys: dict[str, Callable[[FakeInferenceComponent], Any]] = {
        "Name": lambda c: c.name,
        "CreationTime": lambda c: _epoch(c.creation_time),
        "Status": lambda c: c.status,
    }
    descending = (params.get("SortOrder") or "Descending") == "Descending"
    selected.sort(key=keys[sort_by], reverse=descending)
    max_results = int(params.get("MaxResults") or DEFAULT_MAX_RESULTS)
    token = params.get("NextToken")
    start = 0
    if token is not None:
        if not str(token).isdigit() or int(token) > len(selected):
            raise ValidationError(f"Invalid pagination token {token}.")
        start = int(token)
    end = start + max_results
    return selected[start:end], (str(end) if end < len(selected) else None)


def patch_backend(initial_status: InitialStatus) -> None:
    """Adds the five operations to moto's SageMaker backend."""

    def create_inference_component(
        self: SageMakerModelBackend,
        inference_component_name: str,
        endpoint_name: str,
        variant_name: str | None,
        specification: dict[str, Any] | None,
        specifications: list[dict[str, Any]] | None,
        runtime_config: dict[str, Any] | None,
        tags: list[dict[str, str]] | None,
    ) -> FakeInferenceComponent:
        status = initial_status(tags, "InferenceComponentStatus") or "InService"
        store = components(self)
        if inference_component_name in store:
            arn = store[inference_component_name].arn
            raise ValidationError(f'Cannot create already existing inference component "{arn}".')
        self.describe_endpoint(endpoint_name)  # moto's not-found error for an unknown endpoint
        endpoint = self.endpoints[endpoint_name]
        check_models(self, specification, specifications)
        if variant_name is None:
            variants = endpoint.production_variants or [{"VariantName": "AllTraffic"}]
            variant_name = str(variants[0]["VariantName"])
        component = FakeInferenceComponent(
            backend=self,
            name=inference_component_name,
            endpoint=endpoint,
            variant_name=variant_name,
            specification=specification,
            specifications=specifications,
            runtime_config=runtime_config,
            tags=tags,
            status=status,
        )
        store[inference_component_name] = component
        return component

    def describe_inference_component(
        self: SageMakerModelBackend, inference_component_name: str
    ) -> dict[str, Any]:
        return existing(self, inference_component_name).describe()

    def update_inference_component(
        self: SageMakerModelBackend,
        inference_component_name: str,
        specification: dict[str, Any] | None,
        specifications: list[dict[str, Any]] | None,
        runtime_config: dict[str, Any] | None,
        deployment_config: dict[str, Any] | None,
    ) -> FakeInferenceComponent:
        component = existing(self, inference_component_name)
        check_models(self, specification, specifications)
        now = utcnow()
        if specification is not None:
            component.specification = specification
            component.specified_at = now
        if specifications is not None:
            component.specifications = specifications
            component.specified_at = now
        if runtime_config is not None:
            component.runtime_config = runtime_config
        if deployment_config is not None:
            component.last_deployment_config = deployment_config
        component.last_modified_time = now
        return component

    def delete_inference_component(
        self: SageMakerModelBackend, inference_component_name: str
    ) -> None:
        existing(self, inference_component_name)
        del components(self)[inference_component_name]

    for method in (
        create_inference_component,
        describe_inference_component,
        update_inference_component,
        delete_inference_component,
    ):
        setattr(SageMakerModelBackend, method.__name__, method)

    original_resource = SageMakerModelBackend._get_resource_from_arn

    def _get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        """moto's ARN lookup for tags, which also finds inference components."""
        kind, _, name = arn.split(":")[-1].partition("/")
        if kind == "inference-component":
            return existing(self, name)
        return original_resource(self, arn)

    setattr(SageMakerModelBackend, "_get_resource_from_arn", _get_resource_from_arn)


def patch_responses() -> None:
    """Adds the five response handlers moto lacks (it answers HTTP 500 without them)."""

    def create_inference_component(self: SageMakerResponse) -> ActionResult:
        component = self.sagemaker_backend.create_inference_component(  # type: ignore[attr-defined]
            inference_component_name=self._get_param("InferenceComponentName"),
            endpoint_name=self._get_param("EndpointName"),
            variant_name=self._get_param("VariantName"),
            specification=self._get_param("Specification"),
            specifications=self._get_param("Specifications"),
            runtime_config=self._get_param("RuntimeConfig"),
            tags=self._get_param("Tags"),
        )
        return ActionResult({"InferenceComponentArn": component.arn})

    def describe_inference_component(self: SageMakerResponse) -> ActionResult:
        backend: Any = self.sagemaker_backend
        return ActionResult(
            backend.describe_inference_component(self._get_param("InferenceComponentName"))
        )

    def update_inference_component(self: SageMakerResponse) -> ActionResult:
        component = self.sagemaker_backend.update_inference_component(  # type: ignore[attr-defined]
            inference_component_name=self._get_param("InferenceComponentName"),
            specification=self._get_param("Specification"),
            specifications=self._get_param("Specifications"),
            runtime_config=self._get_param("RuntimeConfig"),
            deployment_config=self._get_param("DeploymentConfig"),
        )
        return ActionResult({"InferenceComponentArn": component.arn})

    def delete_inference_component(self: SageMakerResponse) -> ActionResult:
        backend: Any = self.sagemaker_backend
        backend.delete_inference_component(self._get_param("InferenceComponentName"))
        return EmptyResult()

    def list_inference_components(self: SageMakerResponse) -> ActionResult:
        params = {
            name: self._get_param(name)
            for name in (
                "SortBy",
                "SortOrder",
                "NextToken",
                "MaxResults",
                "NameContains",
                "CreationTimeBefore",
                "CreationTimeAfter",
                "LastModifiedTimeBefore",
                "LastModifiedTimeAfter",
                "StatusEquals",
                "EndpointNameEquals",
                "VariantNameEquals",
            )
        }
        page, token = list_page(list(components(self.sagemaker_backend).values()), params)
        answer: dict[str, Any] = {"InferenceComponents": [c.summary() for c in page]}
        if token is not None:
            answer["NextToken"] = token
        return ActionResult(answer)

    for handler in (
        create_inference_component,
        describe_inference_component,
        update_inference_component,
        delete_inference_component,
        list_inference_components,
    ):
        setattr(SageMakerResponse, handler.__name__, handler)


def settle(
    backend: SageMakerModelBackend, name: str, status: str, reason: str | None
) -> dict[str, Any]:
    """Emulator-only: puts an inference component in ``status`` (with ``reason`` as its
    FailureReason, if given). Raises the not-found ValidationException for unknown names."""
    component = existing(backend, name)
    component.status = status
    component.failure_reason = reason
    component.last_modified_time = utcnow()
    return {
        "InferenceComponentName": component.name,
        "InferenceComponentStatus": component.status,
        "FailureReason": component.failure_reason,
    }


def apply(initial_status: InitialStatus) -> None:
    """Applies the extension; call once, before the server starts."""
    patch_backend(initial_status)
    patch_responses()
