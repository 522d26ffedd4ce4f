"""Emulator extension: CloudTrail records of SageMaker management calls, and LookupEvents.

Real CloudTrail records every SageMaker management call; moto records nothing and answers
``LookupEvents`` with HTTP 500. This module records each successful SageMaker
Create*/Update*/Start*/Stop*/Delete* call made against the emulator (per account and region,
in memory, with its response elements as CloudTrail records them) and answers ``LookupEvents`` from those records: one ``LookupAttributes`` entry
(``EventName``, ``ResourceName``, ``EventId``, ``Username``, ``EventSource``), ``StartTime`` /
``EndTime``, ``MaxResults`` (1..50) and ``NextToken``, newest first.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from typing import Any

from moto.cloudtrail.responses import CloudTrailResponse
from moto.sagemaker.responses import SageMakerResponse

RECORDED_PREFIXES = ("Create", "Update", "Start", "Stop", "Delete")
NAME_PARAMS = (
    "InferenceComponentName",
    "NotebookInstanceName",
    "TrainingJobName",
    "ProcessingJobName",
    "TransformJobName",
    "HyperParameterTuningJobName",
    "EndpointName",
    "EndpointConfigName",
    "ModelName",
    "MonitoringScheduleName",
    "ClusterName",
    "AutoMLJobName",
    "FeatureGroupName",
    "CompilationJobName",
    "LabelingJobName",
    "OptimizationJobName",
    "TrackingServerName",
    "FlowDefinitionName",
    "JobName",
    "ModelPackageArn",
    "JobDefinitionName",
    "AppName",
    "SpaceName",
    "UserProfileName",
    "DomainId",
    "DomainName",
    # (an inference experiment's; last, as other calls' names are more specific)
    "Name",
)

#: Calls of resources named by their ARN: the member holding it (in the request, else the response).
NAMED_BY_ARN = {
    "CreateModelPackage": "ModelPackageArn",
    "CreateMlflowApp": "Arn",
    "UpdateMlflowApp": "Arn",
    "DeleteMlflowApp": "Arn",
}

_lock = threading.Lock()
#: (account, region) -> events, oldest first.
_events: dict[tuple[str, str], list[dict[str, Any]]] = {}


def _access_key(headers: Any) -> str:
    match = re.search(r"Credential=([^/]+)/", str(headers.get("Authorization", "")))
    return match.group(1) if match else "unknown"


def camel_keys(value: Any) -> Any:
    """The request as CloudTrail records it: member names in lowerCamelCase (``trainingJobName``)
    where the wire protocol has ``TrainingJobName``."""
    if isinstance(value, dict):
        return {k[:1].lower() + k[1:]: camel_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [camel_keys(v) for v in value]
    return value


def _response_elements(body: Any) -> Any:
    """The response as CloudTrail records it (lowerCamelCase), or ``None`` without one."""
    try:
        answer = json.loads(body) if body else None
    except (TypeError, ValueError):
        return None
    return camel_keys(answer) if isinstance(answer, dict) and answer else None


def _record(response: SageMakerResponse, action: str, request_id: str, body: Any) -> None:
    """Appends the CloudTrail event of one successful SageMaker call."""
    if action in NAMED_BY_ARN:
        # A resource with no name of its own (a model package version, an MLflow app) is named
        # by its ARN: the one its creation answers, or the request's.
        member = NAMED_BY_ARN[action]
        answered = (_response_elements(body) or {}).get(member[0].lower() + member[1:])
        name = response._get_param(member) or answered
    else:
        name = next((response._get_param(p) for p in NAME_PARAMS if response._get_param(p)), None)
    if name is None:
        return
    account, region = response.current_account, response.region
    key = _access_key(response.headers)
    now = time.time()
    event_id = str(uuid.uuid4())
    detail = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "arn": f"arn:aws:iam::{account}:user/{key}",
            "accountId": account,
            "accessKeyId": key,
        },
        "eventTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "eventSource": "sagemaker.amazonaws.com",
        "eventName": action,
        "awsRegion": region,
        "requestParameters": camel_keys(json.loads(response.body or "{}")),
        "responseElements": _response_elements(body),
        "requestID": request_id,
        "eventID": event_id,
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
    }
    event = {
        "EventId": event_id,
        "EventName": action,
        "ReadOnly": "false",
        "AccessKeyId": key,
        "EventTime": now,
        "EventSource": "sagemaker.amazonaws.com",
        "Username": key,
        "Resources": [{"ResourceType": "AWS::SageMaker::Resource", "ResourceName": name}],
        "CloudTrailEvent": json.dumps(detail),
    }
    with _lock:
        _events.setdefault((account, region), []).append(event)


def patch_recording() -> None:
    """Records successful SageMaker management calls as CloudTrail events."""
    original = SageMakerResponse.call_action

    def call_action(self: SageMakerResponse) -> Any:
        result = original(self)
        status, headers = result[0], result[1]
        action = self._get_action()
        if 200 <= int(status) < 300 and action.startswith(RECORDED_PREFIXES):
            request_id = str(headers.get("x-amzn-RequestId") or uuid.uuid4())
            _record(self, action, request_id, result[2] if len(result) > 2 else None)
        return result

    setattr(SageMakerResponse, "call_action", call_action)


class _LookupError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _select(events: list[dict[str, Any]], params: dict[str, Any]) -> list[dict[str, Any]]:
    attributes = params.get("LookupAttributes") or []
    if len(attributes) > 1:
        raise _LookupError("InvalidLookupAttributesException", "Only one lookup attribute is allowed.")
    selected = list(reversed(events))
    for attribute in attributes:
        key, value = attribute.get("AttributeKey"), attribute.get("AttributeValue")
        if key == "ResourceName":
            selected = [e for e in selected if any(r["ResourceName"] == value for r in e["Resources"])]
        elif key in ("EventName", "EventId", "Username", "EventSource"):
            selected = [e for e in selected if e[key] == value]
        else:
            raise _LookupError("InvalidLookupAttributesException", f"Unsupported attribute key {key}.")
    start, end = params.get("StartTime"), params.get("EndTime")
    return [
        e
        for e in selected
        if (start is None or e["EventTime"] >= float(start)) and (end is None or e["EventTime"] <= float(end))
    ]


def patch_lookup_events() -> None:
    """Adds the LookupEvents handler moto lacks."""

    def lookup_events(self: CloudTrailResponse) -> Any:
        params = json.loads(self.body or "{}")
        try:
            max_results = int(params.get("MaxResults") or 50)
            if not 1 <= max_results <= 50:
                raise _LookupError("InvalidMaxResultsException", "MaxResults must be 1 to 50.")
            with _lock:
                events = list(_events.get((self.current_account, self.region), []))
            selected = _select(events, params)
            start = 0
            token = params.get("NextToken")
            if token is not None:
                if not str(token).isdigit() or int(token) > len(selected):
                    raise _LookupError("InvalidNextTokenException", "Invalid NextToken.")
                start = int(token)
        except _LookupError as error:
            body = json.dumps({"__type": error.code, "message": str(error)})
            return 400, {"status": 400}, body
        page = selected[start : start + max_results]
        answer: dict[str, Any] = {"Events": page}
        if start + max_results < len(selected):
            answer["NextToken"] = str(start + max_results)
        return json.dumps(answer)

    setattr(CloudTrailResponse, "lookup_events", lookup_events)


def apply() -> None:
    """Applies both patches; call once, before the server starts."""
    patch_recording()
    patch_lookup_events()
