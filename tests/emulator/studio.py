"""Emulator extension: SageMaker Studio user profiles, spaces and apps, and UpdateDomain.

moto 5.2.5 has domains (create, describe, list, delete) but no ``UpdateDomain``, no user profiles,
no spaces and no apps, and its ``CreateDomain`` answers without the ``DomainId`` AWS returns.
This module adds, with the shapes of botocore's SageMaker service model:

- ``CreateDomain``'s ``DomainId``, and ``UpdateDomain`` (``DefaultUserSettings``,
  ``DefaultSpaceSettings``, ``AppNetworkAccessType``, ``SubnetIds``, and
  ``DomainSettingsForUpdate.DockerSettings`` into ``DomainSettings``);
- ``Create/Describe/Update/Delete/ListUserProfiles`` and ``...Space(s)``, kept per domain
  (``ListSpaces`` summarises a space's owner and sharing);
- ``CreateApp`` (``InService``, or the status of the ``emulator:initial-status`` tag),
  ``DescribeApp`` (the domain's RStudio server runs under the pseudo-profile ``domain-shared``),
  ``ListApps`` (filters ``DomainIdEquals``, ``UserProfileNameEquals``,
  ``SpaceNameEquals``; deleted apps stay listed as ``Deleted``, as AWS lists them for a while) and
  ``DeleteApp`` (``Deleted``; an app already deleted, or unknown, is ``ResourceNotFound``);
- ``AddTags``/``ListTags`` on their ARNs (``user-profile/DOMAIN/NAME``, ``space/DOMAIN/NAME``,
  ``app/DOMAIN/OWNER/TYPE/NAME``, lower-cased as AWS writes them).

A missing domain, profile, space or app is ``ResourceNotFound``, as AWS answers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse

#: Reads the ``emulator:initial-status`` tag (``server.requested_initial_status``).
InitialStatus = Callable[[list[dict[str, str]] | None, str], "str | None"]


class StudioResource:
    """A user profile, space or app: its description, tags and ARN."""

    def __init__(self, arn: str, description: dict[str, Any], tags: list[dict[str, str]] | None):
        self.arn = arn
        self.description = description
        self.tags = list(tags or [])


def store(backend: SageMakerModelBackend, kind: str) -> dict[tuple[str, ...], StudioResource]:
    """The backend's resources of ``kind`` (``profiles``, ``spaces``, ``apps``)."""
    stores = backend.__dict__.setdefault("guardrail_studio", {})
    return stores.setdefault(kind, {})


def arn(backend: SageMakerModelBackend, kind: str, *parts: str) -> str:
    path = "/".join(parts).lower()
    return f"arn:aws:sagemaker:{backend.region_name}:{backend.account_id}:{kind}/{path}"


def domain(backend: SageMakerModelBackend, domain_id: str) -> Any:
    found = backend.domains.get(domain_id)
    if found is None:
        raise ResourceNotFound(f"Domain {domain_id} does not exist.")
    return found


def found(backend: SageMakerModelBackend, kind: str, key: tuple[str, ...], what: str) -> StudioResource:
    resource = store(backend, kind).get(key)
    if resource is None:
        raise ResourceNotFound(f"{what} {'/'.join(key)} does not exist.")
    return resource


def merged(current: dict[str, Any] | None, update: dict[str, Any] | None) -> dict[str, Any] | None:
    """Top-level members of ``update`` replace those of ``current``."""
    if update is None:
        return current
    return {**(current or {}), **update}


def patch_domains() -> None:
    """``CreateDomain`` answers its ``DomainId``; ``UpdateDomain`` is added."""
    original_create = SageMakerResponse.create_domain

    def create_domain(self: SageMakerResponse) -> ActionResult:
        result = original_create(self)
        created = self.sagemaker_backend.domains.get(f"d-{self._get_param('DomainName')}")
        if created is not None:
            return ActionResult({"DomainArn": created.arn, "DomainId": created.id, "Url": created.url})
        return result

    def update_domain(self: SageMakerResponse) -> ActionResult:
        updated = domain(self.sagemaker_backend, self._get_param("DomainId"))
        updated.default_user_settings = merged(updated.default_user_settings, self._get_param("DefaultUserSettings"))
        updated.default_space_settings = merged(
            updated.default_space_settings, self._get_param("DefaultSpaceSettings")
        )
        for_update = self._get_param("DomainSettingsForUpdate") or {}
        if "DockerSettings" in for_update:
            updated.domain_settings = merged(updated.domain_settings, {"DockerSettings": for_update["DockerSettings"]})
        if self._get_param("AppNetworkAccessType"):
            updated.app_network_access_type = self._get_param("AppNetworkAccessType")
        if self._get_param("SubnetIds"):
            updated.subnet_ids = self._get_param("SubnetIds")
        updated.last_modified_time = utcnow()
        return ActionResult({"DomainArn": updated.arn})

    setattr(SageMakerResponse, "create_domain", create_domain)
    setattr(SageMakerResponse, "update_domain", update_domain)


def owned(kind: str, member: str, settings: str, label: str) -> list[Callable[[SageMakerResponse], ActionResult]]:
    """The create, describe, update, delete and list handlers of user profiles or spaces
    (``kind`` ``profiles``/``spaces``; ``member`` their name member, ``settings`` their settings
    member)."""
    arn_kind = "user-profile" if kind == "profiles" else "space"
    arn_member = "UserProfileArn" if kind == "profiles" else "SpaceArn"
    words = "UserProfile" if kind == "profiles" else "Space"

    def key(self: SageMakerResponse) -> tuple[str, str]:
        return (self._get_param("DomainId"), self._get_param(member))

    def create(self: SageMakerResponse) -> ActionResult:
        backend = self.sagemaker_backend
        domain_id, name = key(self)
        domain(backend, domain_id)
        if (domain_id, name) in store(backend, kind):
            raise ValidationError(f"{label} {name} already exists in domain {domain_id}.")
        now = utcnow()
        description = {
            "DomainId": domain_id,
            arn_member: arn(backend, arn_kind, domain_id, name),
            member: name,
            "Status": "InService",
            "CreationTime": now,
            "LastModifiedTime": now,
            settings: self._get_param(settings),
        }
        for extra in ("OwnershipSettings", "SpaceSharingSettings", "SpaceDisplayName"):
            if kind == "spaces" and self._get_param(extra) is not None:
                description[extra] = self._get_param(extra)
        resource = StudioResource(description[arn_member], description, self._get_param("Tags"))
        store(backend, kind)[(domain_id, name)] = resource
        return ActionResult({arn_member: resource.arn})

    def describe(self: SageMakerResponse) -> ActionResult:
        resource = found(self.sagemaker_backend, kind, key(self), label)
        return ActionResult({k: v for k, v in resource.description.items() if v is not None})

    def update(self: SageMakerResponse) -> ActionResult:
        resource = found(self.sagemaker_backend, kind, key(self), label)
        resource.description[settings] = merged(resource.description.get(settings), self._get_param(settings))
        resource.description["LastModifiedTime"] = utcnow()
        return ActionResult({arn_member: resource.arn})

    def delete(self: SageMakerResponse) -> ActionResult:
        found(self.sagemaker_backend, kind, key(self), label)
        del store(self.sagemaker_backend, kind)[key(self)]
        return EmptyResult()

    def summary(resource: StudioResource) -> dict[str, Any]:
        described = resource.description
        item = {k: described[k] for k in ("DomainId", member, "Status", "CreationTime", "LastModifiedTime")}
        # ListSpaces summarises a space's owner and sharing.
        for full, short in (("OwnershipSettings", "OwnershipSettingsSummary"), ("SpaceSharingSettings", "SpaceSharingSettingsSummary")):
            if described.get(full):
                item[short] = described[full]
        return item

    def list_all(self: SageMakerResponse) -> ActionResult:
        wanted = self._get_param("DomainIdEquals")
        items = [
            summary(r)
            for (domain_id, _), r in sorted(store(self.sagemaker_backend, kind).items())
            if wanted is None or domain_id == wanted
        ]
        list_member = "UserProfiles" if kind == "profiles" else "Spaces"
        return ActionResult({list_member: items})

    create.__name__ = f"create_{snake(words)}"
    describe.__name__ = f"describe_{snake(words)}"
    update.__name__ = f"update_{snake(words)}"
    delete.__name__ = f"delete_{snake(words)}"
    list_all.__name__ = f"list_{snake(words)}s"
    return [create, describe, update, delete, list_all]


def snake(pascal: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in pascal).lstrip("_")


def app_key(self: SageMakerResponse) -> tuple[str, str, str, str, str]:
    """(domain, owner kind, owner, app type, app name) of an app call."""
    space = self._get_param("SpaceName")
    owner = ("space", space) if space else ("profile", self._get_param("UserProfileName") or "")
    return (self._get_param("DomainId"), *owner, self._get_param("AppType"), self._get_param("AppName"))


def apps(initial_status: InitialStatus) -> list[Callable[[SageMakerResponse], ActionResult]]:
    """The app handlers."""

    def create_app(self: SageMakerResponse) -> ActionResult:
        backend = self.sagemaker_backend
        domain_id, owner_kind, owner, app_type, app_name = key = app_key(self)
        domain(backend, domain_id)
        if owner_kind == "space":
            found(backend, "spaces", (domain_id, owner), "Space")
        elif (owner, app_type) != ("domain-shared", "RStudioServerPro"):
            # (the domain's RStudio server runs under the pseudo-profile domain-shared)
            found(backend, "profiles", (domain_id, owner), "UserProfile")
        existing = store(backend, "apps").get(key)
        if existing is not None and existing.description["Status"] not in ("Deleted", "Failed"):
            raise ValidationError(f"App {app_name} of type {app_type} already exists.")
        tags = self._get_param("Tags")
        now = utcnow()
        description: dict[str, Any] = {
            "AppArn": arn(backend, "app", domain_id, owner, app_type, app_name),
            "AppType": app_type,
            "AppName": app_name,
            "DomainId": domain_id,
            "SpaceName" if owner_kind == "space" else "UserProfileName": owner,
            "Status": initial_status(tags, "AppStatus") or "InService",
            "CreationTime": now,
        }
        if self._get_param("ResourceSpec") is not None:
            description["ResourceSpec"] = self._get_param("ResourceSpec")
        store(backend, "apps")[key] = StudioResource(description["AppArn"], description, tags)
        return ActionResult({"AppArn": description["AppArn"]})

    def describe_app(self: SageMakerResponse) -> ActionResult:
        return ActionResult(dict(found(self.sagemaker_backend, "apps", app_key(self), "App").description))

    def delete_app(self: SageMakerResponse) -> ActionResult:
        app = found(self.sagemaker_backend, "apps", app_key(self), "App")
        if app.description["Status"] in ("Deleted", "Deleting"):
            raise ResourceNotFound(f"App {app.description['AppName']} does not exist.")
        app.description["Status"] = "Deleted"
        return EmptyResult()

    def list_apps(self: SageMakerResponse) -> ActionResult:
        filters = {
            "DomainId": self._get_param("DomainIdEquals"),
            "UserProfileName": self._get_param("UserProfileNameEquals"),
            "SpaceName": self._get_param("SpaceNameEquals"),
        }
        items = [
            {k: v for k, v in a.description.items() if k != "AppArn"}
            for _, a in sorted(store(self.sagemaker_backend, "apps").items())
            if all(value is None or a.description.get(member) == value for member, value in filters.items())
        ]
        return ActionResult({"Apps": items})

    return [create_app, describe_app, delete_app, list_apps]


def patch_tags() -> None:
    """moto's ARN lookup for tags, which also finds user profiles, spaces and apps."""
    original = SageMakerModelBackend._get_resource_from_arn

    def _get_resource_from_arn(self: SageMakerModelBackend, resource_arn: str) -> Any:
        kind = resource_arn.split(":")[-1].partition("/")[0]
        kinds = {"user-profile": "profiles", "space": "spaces", "app": "apps"}
        if kind in kinds:
            for resource in store(self, kinds[kind]).values():
                if resource.arn == resource_arn.lower():
                    return resource
            raise ValidationError(f"Could not find {kind} with ARN {resource_arn}")
        return original(self, resource_arn)

    setattr(SageMakerModelBackend, "_get_resource_from_arn", _get_resource_from_arn)


def apply(initial_status: InitialStatus) -> None:
    """Applies the extension; call once, before the server starts."""
    patch_domains()
    handlers = owned("profiles", "UserProfileName", "UserSettings", "UserProfile")
    handlers += owned("spaces", "SpaceName", "SpaceSettings", "Space")
    handlers += apps(initial_status)
    for handler in handlers:
        setattr(SageMakerResponse, handler.__name__, handler)
    patch_tags()
