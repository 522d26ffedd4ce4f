"""Patch 28: Model Registry model packages as AWS records them.

AWS (API reference, ``CreateModelPackage``, ``DescribeModelPackage``, ``UpdateModelPackage``,
``UserContext``): a package keeps ``SecurityConfig`` and ``SkipModelValidation``;
``CreatedBy`` and ``LastModifiedBy`` name the caller, with an ``IamIdentity`` ("associated with
model package groups, model packages ..."); an update changes only the members it is given;
``ListTags`` reads the tags on its ARN (``model-package/GROUP/VERSION``). moto 5.2.5 drops
``SecurityConfig`` and ``SkipModelValidation``, names a fixed fake Studio user as creator and
last modifier, clears the approval description and metadata an update leaves out, and fails
``ListTags`` on a package's ARN (HTTP 500). The patch keeps both members, names the caller as
CloudTrail does in ``trail.py`` (``arn:aws:iam::ACCOUNT:user/ACCESS-KEY-ID``), keeps what an
update leaves out, and finds tags by the package's ARN.
"""

from __future__ import annotations

import functools
from typing import Any

from moto.sagemaker.models import ModelPackage, SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

from jobs import tags_by_arn
from trail import _access_key

#: Members of the create request that DescribeModelPackage answers as given (moto drops them).
KEPT = ("SecurityConfig", "SkipModelValidation")


def _caller(response: SageMakerResponse) -> dict[str, Any]:
    key = _access_key(response.headers)
    return {"IamIdentity": {"Arn": f"arn:aws:iam::{response.current_account}:user/{key}", "PrincipalId": key}}


def _package(backend: SageMakerModelBackend, arn_or_name: str) -> ModelPackage:
    return backend.model_packages[backend.model_package_name_mapping.get(arn_or_name, arn_or_name)]


def apply() -> None:
    create = SageMakerResponse.create_model_package

    @functools.wraps(create)
    def create_model_package(self: SageMakerResponse) -> Any:
        result = create(self)
        package = _package(self.sagemaker_backend, result.result["ModelPackageArn"])
        package.created_by = _caller(self)
        package.emulator_kept = {k: self._get_param(k) for k in KEPT if self._get_param(k) is not None}
        return result

    update = SageMakerResponse.update_model_package

    @functools.wraps(update)
    def update_model_package(self: SageMakerResponse) -> Any:
        package = _package(self.sagemaker_backend, self._get_param("ModelPackageArn"))
        before = {
            "model_approval_status": package.model_approval_status,
            "approval_description": package.approval_description,
            "customer_metadata_properties": package.customer_metadata_properties,
        }
        result = update(self)
        for attribute, member in (
            ("model_approval_status", "ModelApprovalStatus"),
            ("approval_description", "ApprovalDescription"),
            ("customer_metadata_properties", "CustomerMetadataProperties"),
        ):
            if self._get_param(member) is None:
                setattr(package, attribute, before[attribute])
        package.last_modified_by = _caller(self)
        return result

    original = ModelPackage.gen_response_object

    @functools.wraps(original)
    def gen_response_object(self: ModelPackage) -> dict[str, Any]:
        return original(self) | getattr(self, "emulator_kept", {})

    SageMakerResponse.create_model_package = create_model_package  # type: ignore[method-assign]
    SageMakerResponse.update_model_package = update_model_package  # type: ignore[method-assign]
    ModelPackage.gen_response_object = gen_response_object  # type: ignore[method-assign]
    tags_by_arn("model-package", lambda backend: backend.model_packages)
