"""Emulator extension: fault injection, and the HTTP control endpoints under ``/_guardrail/``.

Not an AWS feature. ``GuardrailServer`` serves moto's application behind ``GuardrailApp``, a WSGI
middleware that

- answers the emulator's control endpoints (``/_guardrail/...``) itself: the fault switch
  below, and the routes ``server.py`` adds (settling endpoint updates, ...);
- asks the regime of ``regimes.py`` (latency and rate limits), when one is on, about every
  signed request first;
- when fault injection is on, answers a configurable share of the requests to chosen services
  with a fault instead of passing them to moto: throttling in the service's own wire protocol,
  an HTTP 500, or a hang followed by an HTTP 500.

The service of a request is the one its SigV4 credential scope names
(``Credential=KEY/DATE/REGION/SERVICE/aws4_request``), i.e. the signing name (``sagemaker``,
``sns``, ``dynamodb``, ``securityhub``, ``cloudtrail``, ``sts``, ``kms``, ``events``...).
Unsigned requests, ``/moto-api`` and the control endpoints never get a fault.

Faults can be limited to requests signed with given access key ids (``access_key_ids``): moto
puts every unknown key in the default account, so a test can sign its calls with a key of its own
and leave the tests running beside it alone.

Faults are decided in arrival order from one ``random.Random(seed)`` under a lock, so a given
seed and the same sequence of requests give the same faults. A faulted request never reaches
moto: nothing changes, as when AWS throttles a call.

Control endpoint (JSON in and out):

- ``POST /_guardrail/faults`` with ``{"share": 0.2, "services": ["sagemaker", "sns"],
  "kinds": ["throttle", "500", "hang"], "hang_seconds": 3, "seed": 7,
  "access_key_ids": ["AKIDTEST"]}`` turns injection on (only ``share`` is required; ``services``
  and ``access_key_ids`` default to all, ``kinds`` to ``["throttle"]``, ``hang_seconds`` to 3,
  ``seed`` to 0). It resets the counters and the random sequence and answers the state as
  ``GET`` does.
- ``DELETE /_guardrail/faults`` turns injection off; the counters stop and are kept (and
  answered).
- ``GET /_guardrail/faults`` answers ``{"enabled": bool, "config": {...} | null,
  "seen": {service: n}, "injected": {service: {kind: n}}}``: ``seen`` counts the signed requests
  per service (of any service; with the chosen keys only, when keys are chosen) made while
  injection was on since the last ``POST``, faulted or not; ``injected`` the faults given.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol as TypingProtocol
from urllib.parse import parse_qs

import botocore.session
from botocore.exceptions import UnknownServiceError
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

#: Paths under this prefix are the emulator's own control endpoints.
CONTROL_PREFIX = "/_guardrail/"
#: moto's own control API; never faulted.
MOTO_API_PREFIX = "/moto-api"
#: The kinds of fault, as named in the control JSON.
FAULT_KINDS = ("throttle", "500", "hang")

WSGIEnviron = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[WSGIEnviron, StartResponse], Iterable[bytes]]

#: The access key id, region and service of a SigV4 credential scope.
CREDENTIAL_SCOPE = re.compile(r"Credential=([^/,\s]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")

#: Throttling as each service answers it: (error code, HTTP status, message), where it differs
#: from the protocol's default below. DynamoDB throttles item calls with
#: ProvisionedThroughputExceededException; Security Hub models its ThrottlingException as 429.
SERVICE_THROTTLE: dict[str, tuple[str, int, str]] = {
    "dynamodb": (
        "ProvisionedThroughputExceededException",
        400,
        (
            "The level of configured provisioned throughput for the table was exceeded. "
            "Consider increasing your provisioning level with the UpdateTable API."
        ),
    ),
    "securityhub": ("ThrottlingException", 429, "Rate exceeded"),
    "s3": ("SlowDown", 503, "Please reduce your request rate."),
    "ec2": ("RequestLimitExceeded", 503, "Request limit exceeded."),
}
#: The internal error each service models, where it has one (the code of its HTTP 500).
SERVICE_INTERNAL_ERROR: dict[str, str] = {
    "dynamodb": "InternalServerError",
    "securityhub": "InternalException",
    "sns": "InternalError",
    "kms": "KMSInternalException",
    "events": "InternalException",
}
INTERNAL_MESSAGE = "We encountered an internal error. Please try again."


class ControlError(Exception):
    """A control request the emulator refuses: answered with ``status`` and ``{"error": ...}``."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


#: A control handler: gets the path match and the JSON body (``{}`` when empty), answers
#: the JSON document to send with HTTP 200, or raises ControlError.
ControlHandler = Callable[["re.Match[str]", dict[str, Any]], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """One control endpoint: an HTTP method and a full-match pattern on the path."""

    method: str
    pattern: re.Pattern[str]
    handler: ControlHandler


@dataclass(frozen=True)
class FaultConfig:
    """What ``POST /_guardrail/faults`` asked for."""

    share: float
    #: Signing names; None means every service.
    services: frozenset[str] | None
    kinds: tuple[str, ...]
    hang_seconds: float
    seed: int
    #: Access key ids whose requests may be faulted; None means every key.
    access_key_ids: frozenset[str] | None = None

    @classmethod
    def from_json(cls, payload: dict[str, Any]) -> FaultConfig:
        """Validates the control JSON; raises ControlError (HTTP 400) when it is not valid."""
        unknown = set(payload) - {
            "share",
            "services",
            "kinds",
            "hang_seconds",
            "seed",
            "access_key_ids",
        }
        if unknown:
            raise ControlError(400, f"unknown fields {sorted(unknown)}")
        share = payload.get("share")
        if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
            raise ControlError(400, "share must be a number from 0 to 1")
        services = payload.get("services")
        if services is not None and (
            not isinstance(services, list) or not all(isinstance(s, str) and s for s in services)
        ):
            raise ControlError(400, "services must be a list of service signing names")
        kinds = payload.get("kinds", ["throttle"])
        if not isinstance(kinds, list) or not kinds or any(k not in FAULT_KINDS for k in kinds):
            raise ControlError(400, f"kinds must be a non-empty list of {list(FAULT_KINDS)}")
        hang = payload.get("hang_seconds", 3)
        if isinstance(hang, bool) or not isinstance(hang, (int, float)) or not 0 <= hang <= 600:
            raise ControlError(400, "hang_seconds must be a number from 0 to 600")
        seed = payload.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ControlError(400, "seed must be an integer")
        keys = payload.get("access_key_ids")
        if keys is not None and (
            not isinstance(keys, list) or not all(isinstance(k, str) and k for k in keys)
        ):
            raise ControlError(400, "access_key_ids must be a list of access key ids")
        return cls(
            share=float(share),
            services=None if services is None else frozenset(services),
            kinds=tuple(kinds),
            hang_seconds=float(hang),
            seed=seed,
            access_key_ids=None if keys is None else frozenset(keys),
        )

    def to_json(self) -> dict[str, Any]:
        """The configuration as the control endpoints answer it."""
        return {
            "share": self.share,
            "services": None if self.services is None else sorted(self.services),
            "kinds": list(self.kinds),
            "hang_seconds": self.hang_seconds,
            "seed": self.seed,
            "access_key_ids": None if self.access_key_ids is None else sorted(self.access_key_ids),
        }


@dataclass(frozen=True)
class Fault:
    """The fault one request gets."""

    service: str
    kind: str
    hang_seconds: float


class FaultInjector:
    """Decides which requests fail, deterministically for a seed, and counts what it did."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._config: FaultConfig | None = None
        self._random = random.Random(0)
        self._seen: dict[str, int] = {}
        self._injected: dict[str, dict[str, int]] = {}

    def configure(self, config: FaultConfig) -> None:
        """Turns injection on with ``config``; resets the counters and the random sequence."""
        with self._lock:
            self._config = config
            self._random = random.Random(config.seed)
            self._seen = {}
            self._injected = {}

    def disable(self) -> None:
        """Turns injection off; the counters stay readable."""
        with self._lock:
            self._config = None

    def decide(self, service: str, access_key_id: str) -> Fault | None:
        """Answers the fault a request to ``service`` gets, if any, and counts the request
        while injection is on (only requests with a chosen key, when keys are chosen).

        Two numbers are drawn for every request to a chosen service with a chosen key, faulted
        or not, so the sequence of faults depends only on the seed and the sequence of requests.
        """
        with self._lock:
            config = self._config
            if config is None or (
                config.access_key_ids is not None and access_key_id not in config.access_key_ids
            ):
                return None
            self._seen[service] = self._seen.get(service, 0) + 1
            if config.services is not None and service not in config.services:
                return None
            draw = self._random.random()
            kind = config.kinds[self._random.randrange(len(config.kinds))]
            if draw >= config.share:
                return None
            per_kind = self._injected.setdefault(service, {})
            per_kind[kind] = per_kind.get(kind, 0) + 1
            return Fault(service=service, kind=kind, hang_seconds=config.hang_seconds)

    def state(self) -> dict[str, Any]:
        """What ``GET /_guardrail/faults`` answers."""
        with self._lock:
            return {
                "enabled": self._config is not None,
                "config": None if self._config is None else self._config.to_json(),
                "seen": dict(self._seen),
                "injected": {service: dict(kinds) for service, kinds in self._injected.items()},
            }

    def routes(self) -> list[Route]:
        """The ``/_guardrail/faults`` control endpoints."""
        path = re.compile(r"/_guardrail/faults/?")

        def post(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
            self.configure(FaultConfig.from_json(payload))
            return self.state()

        def delete(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
            self.disable()
            return self.state()

        def get(match: re.Match[str], payload: dict[str, Any]) -> dict[str, Any]:
            return self.state()

        return [Route("POST", path, post), Route("DELETE", path, delete), Route("GET", path, get)]


@dataclass(frozen=True)
class Protocol:
    """A service's wire protocol, as botocore's service model names it."""

    name: str
    json_version: str
    xml_namespace: str | None


_protocol_lock = threading.Lock()
_protocols: dict[str, Protocol] = {}


def protocol_of(service: str) -> Protocol:
    """The wire protocol of the service whose signing name is ``service``.

    Read from botocore's model of the service of that name; unknown names are taken as JSON 1.1.
    """
    with _protocol_lock:
        known = _protocols.get(service)
        if known is not None:
            return known
        try:
            metadata = botocore.session.get_session().get_service_model(service).metadata
            namespace = metadata.get("xmlNamespace")
            protocol = Protocol(
                name=str(metadata.get("protocol", "json")),
                json_version=str(metadata.get("jsonVersion", "1.1")),
                xml_namespace=namespace if isinstance(namespace, str) else None,
            )
        except UnknownServiceError:
            protocol = Protocol(name="json", json_version="1.1", xml_namespace=None)
        _protocols[service] = protocol
        return protocol


def fault_response(fault: Fault) -> tuple[int, list[tuple[str, str]], bytes]:
    """The HTTP status, headers and body of a fault, in the service's own protocol.

    Throttling: JSON protocols answer ``__type`` / ``x-amzn-ErrorType`` ``ThrottlingException``
    (HTTP 400), query and REST-XML protocols an XML error with Code ``Throttling`` (HTTP 400),
    unless ``SERVICE_THROTTLE`` names the service's own. Errors: HTTP 500 with
    ``InternalFailure`` (JSON) or ``InternalError`` (XML), unless the service models its own.
    """
    protocol = protocol_of(fault.service)
    is_xml = protocol.name in ("query", "rest-xml", "ec2")
    if fault.kind == "throttle":
        default = ("Throttling" if is_xml else "ThrottlingException", 400, "Rate exceeded")
        code, status, message = SERVICE_THROTTLE.get(fault.service, default)
    else:
        default_code = "InternalError" if is_xml else "InternalFailure"
        code = SERVICE_INTERNAL_ERROR.get(fault.service, default_code)
        status, message = 500, INTERNAL_MESSAGE
    request_id = str(uuid.uuid4())
    if not is_xml:
        content_type = (
            "application/json"
            if protocol.name == "rest-json"
            else f"application/x-amz-json-{protocol.json_version}"
        )
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [
            ("Content-Type", content_type),
            ("x-amzn-RequestId", request_id),
            ("x-amzn-ErrorType", code),
        ]
    else:
        error = f"<Code>{code}</Code><Message>{message}</Message>"
        if protocol.name == "query":
            xmlns = f' xmlns="{protocol.xml_namespace}"' if protocol.xml_namespace else ""
            kind = "Sender" if status < 500 else "Receiver"
            text = (
                f"<ErrorResponse{xmlns}><Error><Type>{kind}</Type>{error}</Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            )
        elif protocol.name == "ec2":
            text = (
                f"<Response><Errors><Error>{error}</Error></Errors>"
                f"<RequestID>{request_id}</RequestID></Response>"
            )
        else:
            text = f"<Error>{error}<RequestId>{request_id}</RequestId></Error>"
        body = ('<?xml version="1.0" encoding="UTF-8"?>' + text).encode()
        headers = [
            ("Content-Type", "text/xml"),
            ("x-amzn-RequestId", request_id),
            ("x-amz-request-id", request_id),
        ]
    headers.append(("Content-Length", str(len(body))))
    return status, headers, body


def signing_scope(environ: WSGIEnviron) -> tuple[str, str] | None:
    """The service and access key id of the request's SigV4 credential scope (from the
    ``Authorization`` header or a presigned ``X-Amz-Credential``), if it is signed."""
    match = CREDENTIAL_SCOPE.search(str(environ.get("HTTP_AUTHORIZATION", "")))
    if match is not None:
        return match.group(3), match.group(1)
    credential = parse_qs(str(environ.get("QUERY_STRING", ""))).get("X-Amz-Credential")
    if credential:
        parts = credential[0].split("/")
        if len(parts) == 5 and parts[4] == "aws4_request":
            return parts[3], parts[0]
    return None


def read_body(environ: WSGIEnviron) -> bytes:
    """Reads the whole request body (so the connection stays usable when moto never sees it)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if length <= 0 or stream is None:
        return b""
    return bytes(stream.read(length))


#: Reason phrases of the statuses the middleware answers itself.
REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def _status_line(status: int) -> str:
    """The WSGI status line of ``status``."""
    return f"{status} {REASONS.get(status, 'Unknown')}"


class Gate(TypingProtocol):
    """Something asked about every signed request before fault injection: the AWS-like regime
    of ``regimes.py`` (latency and rate limits)."""

    def gate(
        self, environ: WSGIEnviron, service: str, access_key_id: str
    ) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """Answers the response to send instead of passing the request on, or None."""

    def spent(self, environ: WSGIEnviron, seconds: float) -> None:
        """Told how long the emulator took to answer a request it passed on."""

    def routes(self) -> list[Route]:
        """Its control endpoints."""


class GuardrailApp:
    """WSGI middleware in front of moto: control endpoints, the regime (``regimes.py``) and
    fault injection."""

    def __init__(
        self,
        app: WSGIApp,
        injector: FaultInjector,
        routes: list[Route],
        regime: Gate | None = None,
    ) -> None:
        self.app = app
        self.injector = injector
        self.regime = regime
        self.routes = injector.routes() + (regime.routes() if regime else []) + routes

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith(CONTROL_PREFIX):
            return self.control(environ, start_response, path)
        if not path.startswith(MOTO_API_PREFIX):
            scope = signing_scope(environ)
            if scope is not None and self.regime is not None:
                answer = self.regime.gate(environ, *scope)
                if answer is not None:
                    read_body(environ)
                    status, headers, body = answer
                    start_response(_status_line(status), headers)
                    return [body]
            fault = None if scope is None else self.injector.decide(*scope)
            if fault is not None:
                read_body(environ)
                if fault.kind == "hang":
                    time.sleep(fault.hang_seconds)
                status, headers, body = fault_response(fault)
                start_response(_status_line(status), headers)
                return [body]
            if scope is not None and self.regime is not None:
                started = time.monotonic()
                answered = self.app(environ, start_response)
                self.regime.spent(environ, time.monotonic() - started)
                return answered
        return self.app(environ, start_response)

    def control(
        self, environ: WSGIEnviron, start_response: StartResponse, path: str
    ) -> list[bytes]:
        """Answers one control request from the routes."""
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        status, answer = 200, {}
        try:
            matches = [(route, route.pattern.fullmatch(path)) for route in self.routes]
            matching = [(route, match) for route, match in matches if match is not None]
            if not matching:
                raise ControlError(404, f"no control endpoint {path}")
            chosen = [(route, match) for route, match in matching if route.method == method]
            if not chosen:
                raise ControlError(405, f"{method} not allowed on {path}")
            route, match = chosen[0]
            raw = read_body(environ)
            try:
                payload = json.loads(raw) if raw.strip() else {}
            except ValueError as error:
                raise ControlError(400, f"the body is not JSON: {error}") from None
            if not isinstance(payload, dict):
                raise ControlError(400, "the body must be a JSON object")
            answer = route.handler(match, payload)
        except ControlError as error:
            status, answer = error.status, {"error": str(error)}
        body = json.dumps(answer).encode()
        start_response(
            _status_line(status),
            [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
        )
        return [body]


class GuardrailServer(ThreadedMotoServer):
    """moto's threaded server with ``GuardrailApp`` in front of moto's application."""

    def __init__(
        self,
        ip_address: str,
        port: int,
        routes: list[Route],
        injector: FaultInjector | None = None,
        regime: Gate | None = None,
    ) -> None:
        super().__init__(ip_address=ip_address, port=port, verbose=False)
        self.injector = injector or FaultInjector()
        self.regime = regime
        self.routes = routes

    def _server_entry(self) -> None:
        """As ThreadedMotoServer's, with the middleware around the application."""
        app = GuardrailApp(
            DomainDispatcherApplication(create_backend_app), self.injector, self.routes, self.regime
        )
        # threaded=True: one thread per request, so a regime's latency overlaps between them.
        self._server = make_server(
            self._ip_address, self._port, app, threaded=True, request_handler=MotoRequestHandler
        )
        self._server_ready_event.set()
        self._server.serve_forever()
