"""Emulator extension: an AWS-like regime of latency and per-API rate limits.

Not an AWS feature. The bare emulator answers in a few milliseconds and never throttles, so it
cannot show what latency and throttling cost a tool on AWS. When a regime is on,
``faults.GuardrailApp`` asks it about every signed request (not ``/moto-api``, not
``/_guardrail/``) before anything else:

- **latency**: the request waits ``latency_ms`` on its own thread before it is answered (the
  server is threaded, so concurrent requests wait side by side, as on AWS);
- **rates**: each (region, signing service, action) has a token bucket whose rate and capacity
  are those of the most specific pattern matching ``service:action`` (fnmatch-style:
  ``sagemaker:Describe*``, ``dynamodb:*``, ``*``); a request that finds its bucket empty is
  answered with the service's own throttling error (``faults.fault_response``; DynamoDB's control
  plane with ``ThrottlingException``) and never reaches moto, as when AWS throttles a call.
  Actions no pattern matches are not limited.

The action of a request is its ``X-Amz-Target`` header's part after the dot (JSON protocols:
SageMaker, DynamoDB, CloudTrail, KMS, ...), else its ``Action`` parameter (query protocol: STS,
SNS, SQS's query mode), from the query string or a form body, else the operation of a REST
service whose HTTP method and path template match the request (botocore's model).

Control endpoint (JSON in and out):

- ``POST /_guardrail/regime`` with ``{"latency_ms": 30, "rates": {"sagemaker:Describe*": 10,
  "cloudtrail:LookupEvents": 2}, "burst": {"sagemaker:Describe*": 20},
  "access_key_ids": ["AKID"]}`` turns the regime on (every field optional; ``burst`` is a
  bucket's capacity, by default one second's worth of its rate, at least 1); it resets the
  counters and fills the buckets, and answers the state as ``GET`` does.
- ``DELETE /_guardrail/regime`` turns it off; the counters stop and are kept (and answered).
- ``GET /_guardrail/regime`` answers ``{"enabled", "config", "seen": {"service:Action": n},
  "delayed": n, "throttled": {"service:Action": n}, "busy_seconds": {"service:Action": s}}``:
  ``busy_seconds`` is the time each action's admitted requests spent in the emulator, summed
  (the added latency left out; concurrent requests overlap, and wait for each other on moto's
  one Python process and on patch 15's DynamoDB lock), so a benchmark can tell a tool's own time
  from the emulator's.
"""

from __future__ import annotations

import fnmatch
import io
import json
import re
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import botocore.session
from botocore.exceptions import UnknownServiceError

from faults import ControlError, Fault, Route, WSGIEnviron, fault_response

#: Where ``gate`` leaves a request's regime and operation for ``spent``.
OPERATION_KEY = "guardrail.regime_operation"

#: Largest latency a regime may add, in milliseconds.
MAX_LATENCY_MS = 10_000

#: DynamoDB's item (data-plane) calls: throttled as ProvisionedThroughputExceededException; its
#: other calls (control plane: tables, backups, tags, TTL, ...) as ThrottlingException.
DYNAMODB_DATA_PLANE = frozenset(
    {
        "GetItem",
        "PutItem",
        "UpdateItem",
        "DeleteItem",
        "BatchGetItem",
        "BatchWriteItem",
        "Query",
        "Scan",
        "TransactGetItems",
        "TransactWriteItems",
        "ExecuteStatement",
        "BatchExecuteStatement",
        "ExecuteTransaction",
    }
)

Response = tuple[int, list[tuple[str, str]], bytes]


def specificity(pattern: str) -> tuple[int, int, int]:
    """How specific a pattern is: a pattern without wildcards beats any with one, then more
    literal characters, then fewer wildcards."""
    wildcards = sum(pattern.count(c) for c in "*?[")
    literal = len(re.sub(r"\[[^\]]*\]|[*?]", "", pattern))
    return (1 if wildcards == 0 else 0, literal, -wildcards)


@dataclass(frozen=True)
class RegimeConfig:
    """What ``POST /_guardrail/regime`` asked for."""

    latency_ms: float
    #: pattern -> requests a second.
    rates: dict[str, float]
    #: pattern -> bucket capacity (default: the rate, at least 1).
    burst: dict[str, float]
    access_key_ids: frozenset[str] | None

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> RegimeConfig:
        """Validates the control JSON; raises ControlError (HTTP 400) when it is not valid."""
        unknown = set(payload) - {"latency_ms", "rates", "burst", "access_key_ids"}
        if unknown:
            raise ControlError(400, f"unknown fields {sorted(unknown)}")
        latency = payload.get("latency_ms", 0)
        if (
            isinstance(latency, bool)
            or not isinstance(latency, (int, float))
            or not 0 <= latency <= MAX_LATENCY_MS
        ):
            raise ControlError(400, f"latency_ms must be a number from 0 to {MAX_LATENCY_MS}")
        rates = cls._patterns(payload.get("rates", {}), "rates", allow_zero=True)
        burst = cls._patterns(payload.get("burst", {}), "burst", allow_zero=False)
        orphans = set(burst) - set(rates)
        if orphans:
            raise ControlError(400, f"burst names patterns without a rate: {sorted(orphans)}")
        keys = payload.get("access_key_ids")
        if keys is not None and (
            not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys)
        ):
            raise ControlError(400, "access_key_ids must be a list of access key ids")
        return cls(
            latency_ms=float(latency),
            rates=rates,
            burst=burst,
            access_key_ids=None if keys is None else frozenset(keys),
        )

    @staticmethod
    def _patterns(value: object, field: str, allow_zero: bool) -> dict[str, float]:
        if not isinstance(value, dict):
            raise ControlError(400, f"{field} must be an object of 'service:Action' patterns")
        parsed = {}
        for pattern, number in value.items():
            named = isinstance(pattern, str) and (":" in pattern or pattern == "*")
            if not named:
                raise ControlError(400, f"{field}: {pattern!r} is not a 'service:Action' pattern")
            low = 0 if allow_zero else 1
            if isinstance(number, bool) or not isinstance(number, (int, float)) or number < low:
                raise ControlError(400, f"{field}[{pattern!r}] must be a number >= {low}")
            parsed[pattern] = float(number)
        return parsed

    def to_json(self) -> dict[str, Any]:
        """The configuration as the control endpoints answer it."""
        return {
            "latency_ms": self.latency_ms,
            "rates": dict(self.rates),
            "burst": dict(self.burst),
            "access_key_ids": None if self.access_key_ids is None else sorted(self.access_key_ids),
        }

    def limit(self, operation: str) -> tuple[str, float, float] | None:
        """The pattern, rate and capacity that apply to ``service:Action``, if any."""
        matching = [p for p in self.rates if fnmatch.fnmatchcase(operation, p)]
        if not matching:
            return None
        pattern = max(matching, key=specificity)
        rate = self.rates[pattern]
        return pattern, rate, self.burst.get(pattern, max(rate, 1.0))


class Bucket:
    """A token bucket: ``capacity`` tokens, refilled at ``rate`` a second."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.stamp = now

    def take(self, now: float) -> bool:
        """Takes a token if there is one."""
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Regime:
    """Latency and rate limits, and their counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config: RegimeConfig | None = None
        self._buckets: dict[tuple[str, str], Bucket] = {}
        self._seen: dict[str, int] = {}
        self._throttled: dict[str, int] = {}
        self._delayed = 0
        self._busy: dict[str, float] = {}

    def configure(self, config: RegimeConfig) -> None:
        """Turns the regime on; resets the counters and the buckets."""
        with self._lock:
            self._config = config
            self._buckets = {}
            self._seen = {}
            self._throttled = {}
            self._delayed = 0
            self._busy = {}

    def disable(self) -> None:
        """Turns the regime off; the counters stay readable."""
        with self._lock:
            self._config = None

    def state(self) -> dict[str, Any]:
        """What ``GET /_guardrail/regime`` answers."""
        with self._lock:
            return {
                "enabled": self._config is not None,
                "config": None if self._config is None else self._config.to_json(),
                "seen": dict(sorted(self._seen.items())),
                "delayed": self._delayed,
                "throttled": dict(sorted(self._throttled.items())),
                "busy_seconds": {k: round(v, 3) for k, v in sorted(self._busy.items())},
            }

    def gate(self, environ: WSGIEnviron, service: str, access_key_id: str) -> Response | None:
        """Applies the regime to one signed request: waits the latency, and answers the
        throttling response when the request's bucket is empty (None: pass it on to moto)."""
        config = self._config
        if config is None or (
            config.access_key_ids is not None and access_key_id not in config.access_key_ids
        ):
            return None
        action = action_of(environ, service)
        operation = f"{service}:{action}"
        region = region_of(environ)
        environ[OPERATION_KEY] = (config, operation)
        limit = config.limit(operation) if config.rates else None
        admitted = True
        with self._lock:
            if self._config is not config:
                return None
            self._seen[operation] = self._seen.get(operation, 0) + 1
            if config.latency_ms > 0:
                self._delayed += 1
            if limit is not None:
                now = time.monotonic()
                key = (region, operation)
                bucket = self._buckets.get(key)
                if bucket is None:
                    bucket = self._buckets[key] = Bucket(limit[1], limit[2], now)
                admitted = bucket.take(now)
                if not admitted:
                    self._throttled[operation] = self._throttled.get(operation, 0) + 1
        if config.latency_ms > 0:
            time.sleep(config.latency_ms / 1000)
        if admitted:
            return None
        return throttle_response(service, action)

    def spent(self, environ: WSGIEnviron, seconds: float) -> None:
        """Counts the time the emulator took to answer a request the regime admitted."""
        config, operation = environ.get(OPERATION_KEY, (None, None))
        with self._lock:
            if config is not None and self._config is config:
                self._busy[operation] = self._busy.get(operation, 0.0) + seconds

    def routes(self) -> list[Route]:
        """The ``/_guardrail/regime`` control endpoints."""
        path = re.compile(r"/_guardrail/regime/?")

        def post(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
            self.configure(RegimeConfig.from_json(payload))
            return self.state()

        def delete(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
            self.disable()
            return self.state()

        def get(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
            return self.state()

        return [Route("POST", path, post), Route("DELETE", path, delete), Route("GET", path, get)]


def throttle_response(service: str, action: str) -> Response:
    """The throttling answer of ``service`` to ``action``, in the service's own protocol:
    ``faults.fault_response``'s, except DynamoDB's control plane, which answers
    ``ThrottlingException`` (its item calls ``ProvisionedThroughputExceededException``)."""
    if service == "dynamodb" and action not in DYNAMODB_DATA_PLANE:
        body = json.dumps(
            {
                "__type": "ThrottlingException",
                "message": "Rate of requests exceeds the allowed throughput.",
            }
        ).encode()
        headers = [
            ("Content-Type", "application/x-amz-json-1.0"),
            ("x-amzn-RequestId", str(uuid.uuid4())),
            ("x-amzn-ErrorType", "ThrottlingException"),
            ("Content-Length", str(len(body))),
        ]
        return 400, headers, body
    return fault_response(Fault(service=service, kind="throttle", hang_seconds=0))


def region_of(environ: WSGIEnviron) -> str:
    """The region of the request's credential scope (``-`` when it has none)."""
    authorization = str(environ.get("HTTP_AUTHORIZATION", ""))
    match = re.search(r"Credential=[^/,\s]+/\d{8}/([^/]+)/", authorization)
    return match.group(1) if match else "-"


def action_of(environ: WSGIEnviron, service: str) -> str:
    """The API action a request calls (``?`` when it cannot be told)."""
    target = str(environ.get("HTTP_X_AMZ_TARGET", ""))
    if target:
        return target.rsplit(".", 1)[-1]
    query = parse_qs(str(environ.get("QUERY_STRING", "")))
    if query.get("Action"):
        return query["Action"][0]
    content_type = str(environ.get("CONTENT_TYPE", ""))
    if content_type.startswith("application/x-www-form-urlencoded"):
        body = peek_body(environ)
        action = parse_qs(body.decode(errors="replace")).get("Action")
        if action:
            return action[0]
    method = str(environ.get("REQUEST_METHOD", "GET"))
    return rest_operation(
        service, method, str(environ.get("PATH_INFO", "")), str(environ.get("QUERY_STRING", ""))
    )


def peek_body(environ: WSGIEnviron) -> bytes:
    """Reads the request body and puts it back for the application behind."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if length <= 0 or stream is None:
        return b""
    body = bytes(stream.read(length))
    environ["wsgi.input"] = io.BytesIO(body)
    return body


_rest_lock = threading.Lock()
_rest_routes: dict[str, list[tuple[str, re.Pattern[str], int, frozenset[str], str]]] = {}


def rest_operation(service: str, method: str, path: str, query: str = "") -> str:
    """The operation of a REST service whose method, path template and the query keys its
    template requires match (the one with the most literal characters, then the most query
    keys), from botocore's model; ``?`` when none does."""
    with _rest_lock:
        routes = _rest_routes.get(service)
        if routes is None:
            routes = []
            try:
                model = botocore.session.get_session().get_service_model(service)
                for name in model.operation_names:
                    operation = model.operation_model(name)
                    http = operation.http
                    shape = operation.input_shape
                    required = set(shape.required_members) if shape is not None else set()
                    in_query = {
                        str(member.serialization.get("name", key))
                        for key, member in (shape.members.items() if shape is not None else [])
                        if key in required and member.serialization.get("location") == "querystring"
                    }
                    uri, _, wanted = str(http.get("requestUri", "/")).partition("?")
                    keys = frozenset(k.split("=", 1)[0] for k in wanted.split("&") if k) | in_query
                    literal = len(re.sub(r"\{[^}]*\}", "", uri))
                    regex = "".join(
                        ("(.+)" if part.endswith("+}") else "([^/]+)")
                        if part.startswith("{")
                        else re.escape(part)
                        for part in re.split(r"(\{[^}]*\})", uri)
                    )
                    verb = str(http.get("method", "POST"))
                    routes.append((verb, re.compile(regex + "/?"), literal, keys, name))
            except UnknownServiceError:
                pass
            _rest_routes[service] = routes
    given = set(parse_qs(query, keep_blank_values=True))
    matching = [
        (literal, len(keys), name)
        for verb, regex, literal, keys, name in routes
        if verb == method and keys <= given and regex.fullmatch(path)
    ]
    return max(matching)[2] if matching else "?"
