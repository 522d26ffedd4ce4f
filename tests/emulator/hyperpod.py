"""Patch 23: SageMaker HyperPod clusters named by id in their ARN, as AWS names them.

AWS gives a cluster an ARN ending in a 12-character id (``cluster/a1b2c3d4e5f6``, API reference,
``DescribeCluster``: pattern ``cluster/[a-z0-9]{12}``), not its name; ``DescribeCluster``,
``DeleteCluster`` and ``ListTags`` take that ARN. moto builds the ARN from the name. The patch
gives each new cluster an id-based ARN and finds a cluster by it wherever moto takes an ARN.
"""

from __future__ import annotations

import hashlib
from typing import Any

from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import Cluster, SageMakerModelBackend


def cluster_id(account_id: str, region: str, name: str, created: Any) -> str:
    """A 12-character id, distinct per cluster and creation."""
    digest = hashlib.sha256(f"{account_id}/{region}/{name}/{created}".encode()).hexdigest()
    return digest[:12]


def patch_arn() -> None:
    original = Cluster.__init__

    def __init__(self: Cluster, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        prefix = self.arn.rsplit("/", 1)[0]
        self.arn = f"{prefix}/{cluster_id(self.account_id, self.region_name, self.cluster_name, self.creation_time)}"

    setattr(Cluster, "__init__", __init__)


def by_arn(backend: SageMakerModelBackend, name_or_arn: str) -> str:
    """The name of the cluster ``name_or_arn`` names (a name is answered as it is)."""
    if not name_or_arn.startswith("arn:"):
        return name_or_arn
    for name, cluster in backend.clusters.items():
        if cluster.arn == name_or_arn:
            return name
    raise ValidationError(message=f"Could not find cluster '{name_or_arn}'.")


def patch_lookups() -> None:
    for method in ("describe_cluster", "delete_cluster"):
        original = getattr(SageMakerModelBackend, method)

        def by_name(self: SageMakerModelBackend, cluster_name: str, _original: Any = original) -> Any:
            return _original(self, by_arn(self, cluster_name))

        setattr(SageMakerModelBackend, method, by_name)

    original_resource = SageMakerModelBackend._get_resource_from_arn

    def _get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        if ":cluster/" in arn:
            return self.clusters[by_arn(self, arn)]
        return original_resource(self, arn)

    setattr(SageMakerModelBackend, "_get_resource_from_arn", _get_resource_from_arn)


def apply() -> None:
    """Applies the patch; call once, before the server starts, after the other ARN lookups."""
    patch_arn()
    patch_lookups()
