#!/usr/bin/env python3
"""The local AWS emulator of the integration tests: moto, patched in-process to behave like AWS.

Usage: ``python tests/emulator/server.py --port-file PATH [--port N]``

Starts moto's threaded server on 127.0.0.1 (on a free port unless ``--port`` is given), waits
until it answers HTTP, writes its URL (``http://127.0.0.1:PORT``) to PATH atomically, prints it
on stdout, and serves until SIGTERM or SIGINT, then stops cleanly and exits 0.

Before serving, it patches moto's SageMaker backend and response classes where moto differs
from AWS in ways the guardrail tests depend on; ``README.md`` next to this file describes each
patch (what AWS does, what moto does, what the patch changes) and ``smoke.py`` checks them.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import inspect
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import botocore.session
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import utcnow
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.server import ThreadedMotoServer

import trail

HOST = "127.0.0.1"

#: Tag read on create calls (emulator-only extension): the status the new resource starts in.
INITIAL_STATUS_TAG = "emulator:initial-status"

#: Job statuses after which AWS reports an end time.
TERMINAL_JOB_STATUSES = frozenset({"Completed", "Failed", "Stopped"})

#: A training job's SecondaryStatus for each TrainingJobStatus the emulator sets.
TRAINING_SECONDARY_STATUS = {
    "InProgress": "Starting",
    "Completed": "Completed",
    "Failed": "Failed",
    "Stopping": "Stopping",
    "Stopped": "Stopped",
}


@dataclass(frozen=True)
class JobKind:
    """Where moto keeps one kind of SageMaker job, and how AWS words its errors."""

    #: The snake-case prefix of moto's methods and parameters ("training" as in
    #: ``stop_training_job`` and ``training_job_name``).
    label: str
    #: The backend attribute holding the jobs by name.
    store: str
    #: The job attribute holding its status.
    status_attr: str
    #: The job attribute holding its end time.
    end_time_attr: str
    #: The botocore shape listing the valid statuses.
    status_shape: str
    #: AWS's message for an unknown job name (ValidationException); ``{name}`` is replaced.
    not_found_message: str
    #: AWS answers an unknown name with ResourceNotFound instead (tuning jobs).
    not_found_is_resource_not_found: bool = False

    @property
    def name_param(self) -> str:
        """The request parameter naming the job, e.g. ``TrainingJobName``."""
        return "".join(word.title() for word in self.label.split("_")) + "JobName"

    @property
    def words(self) -> str:
        """The job kind in AWS's messages, e.g. ``hyper parameter tuning``."""
        return self.label.replace("_", " ")


JOB_KINDS = (
    JobKind(
        label="training",
        store="training_jobs",
        status_attr="training_job_status",
        end_time_attr="training_end_time",
        status_shape="TrainingJobStatus",
        not_found_message="Requested resource not found.",
    ),
    JobKind(
        label="processing",
        store="processing_jobs",
        status_attr="processing_job_status",
        end_time_attr="processing_end_time",
        status_shape="ProcessingJobStatus",
        not_found_message="Could not find requested job with name {name}",
    ),
    JobKind(
        label="transform",
        store="transform_jobs",
        status_attr="transform_job_status",
        end_time_attr="transform_end_time",
        status_shape="TransformJobStatus",
        not_found_message="Could not find requested job with name {name}",
    ),
    JobKind(
        label="hyper_parameter_tuning",
        store="hyper_parameter_tuning_jobs",
        status_attr="hyper_parameter_tuning_job_status",
        end_time_attr="hyper_parameter_tuning_end_time",
        status_shape="HyperParameterTuningJobStatus",
        not_found_message="Amazon SageMaker can't find a tuning job with name {name}",
        not_found_is_resource_not_found=True,
    ),
)


@functools.cache
def allowed_statuses(shape: str) -> tuple[str, ...]:
    """The values of a SageMaker status enum, read from botocore's service model."""
    model = botocore.session.get_session().get_service_model("sagemaker")
    return tuple(model.shape_for(shape).enum)


def requested_initial_status(tags: list[dict[str, str]] | None, shape: str) -> str | None:
    """The status asked for with the ``emulator:initial-status`` tag, if any.

    Raises a ValidationException when the value is not a status of this resource type.
    """
    for tag in tags or []:
        if tag.get("Key") == INITIAL_STATUS_TAG:
            status = tag.get("Value", "")
            allowed = allowed_statuses(shape)
            if status not in allowed:
                raise ValidationError(
                    f"Tag {INITIAL_STATUS_TAG}: '{status}' is not a {shape}; "
                    f"expected one of {list(allowed)}"
                )
            return status
    return None


def set_job_status(kind: JobKind, job: Any, status: str) -> None:
    """Puts a job in ``status``, with the end time and secondary status AWS reports with it."""
    now = utcnow()
    setattr(job, kind.status_attr, status)
    setattr(job, kind.end_time_attr, now if status in TERMINAL_JOB_STATUSES else None)
    job.last_modified_time = now
    if kind.label == "training":
        job.secondary_status = TRAINING_SECONDARY_STATUS.get(status, job.secondary_status)


def existing_job(backend: SageMakerModelBackend, kind: JobKind, name: str) -> Any:
    """The job called ``name``, or AWS's not-found ValidationException."""
    job = getattr(backend, kind.store).get(name)
    if job is None:
        message = kind.not_found_message.format(name=name)
        if kind.not_found_is_resource_not_found:
            raise ResourceNotFound(message)
        raise ValidationError(message)
    return job


def wrap_create(
    method_name: str,
    status_shape: str,
    apply_status: Callable[[Any, str], None],
    default_status: str | None = None,
    lookup: Callable[[SageMakerModelBackend, dict[str, Any]], Any] | None = None,
) -> None:
    """Wraps a backend create method to apply the ``emulator:initial-status`` tag.

    The new resource starts in the status the tag asks for, else in ``default_status`` (if
    given), else as moto leaves it. The tag is validated before anything is created.
    ``lookup`` finds the new resource from the call's arguments, for create methods that return
    its ARN instead of the resource (tuning jobs).
    """
    original = getattr(SageMakerModelBackend, method_name)
    signature = inspect.signature(original)

    @functools.wraps(original)
    def create(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> Any:
        arguments = signature.bind(self, *args, **kwargs).arguments
        status = requested_initial_status(arguments.get("tags"), status_shape) or default_status
        resource = original(self, *args, **kwargs)
        if status is not None:
            apply_status(resource if lookup is None else lookup(self, arguments), status)
        return resource

    setattr(SageMakerModelBackend, method_name, create)


def patch_jobs(kind: JobKind) -> None:
    """Patches 1-3, 6 and 7 for one job kind.

    Jobs start InProgress (or as tagged), Stop<Kind>Job follows AWS's rules, and unknown names
    get AWS's not-found error.
    """
    wrap_create(
        f"create_{kind.label}_job",
        kind.status_shape,
        functools.partial(set_job_status, kind),
        default_status="InProgress",
        lookup=lambda backend, arguments: existing_job(
            backend, kind, arguments[f"{kind.label}_job_name"]
        ),
    )

    describe_name = f"describe_{kind.label}_job"
    original_describe = getattr(SageMakerModelBackend, describe_name)
    describe_signature = inspect.signature(original_describe)

    @functools.wraps(original_describe)
    def describe(self: SageMakerModelBackend, *args: Any, **kwargs: Any) -> dict[str, Any]:
        arguments = describe_signature.bind(self, *args, **kwargs).arguments
        existing_job(self, kind, arguments[f"{kind.label}_job_name"])
        description: dict[str, Any] = original_describe(self, *args, **kwargs)
        return description

    setattr(SageMakerModelBackend, describe_name, describe)

    # moto implements StopProcessingJob (without status checks) but not the other two: wrap the
    # backend method where there is one, and add the response handler where there is none.
    stop_name = f"stop_{kind.label}_job"
    original_stop = getattr(SageMakerModelBackend, stop_name, None)

    def stop(self: SageMakerModelBackend, *args: str, **kwargs: str) -> None:
        """Stops an InProgress job; any other status is refused, as AWS does.

        Takes the job name positionally or by moto's keyword (``training_job_name``, ...).
        """
        name = args[0] if args else kwargs[f"{kind.label}_job_name"]
        job = existing_job(self, kind, name)
        status = getattr(job, kind.status_attr)
        if status != "InProgress":
            raise ValidationError(
                f"The request was rejected because the {kind.words} job is in status {status}."
            )
        if original_stop is not None:
            original_stop(self, *args, **kwargs)
        set_job_status(kind, job, "Stopped")

    stop.__name__ = stop_name
    setattr(SageMakerModelBackend, stop_name, stop)

    if not hasattr(SageMakerResponse, stop_name):

        def stop_response(self: SageMakerResponse) -> ActionResult:
            """The Stop<Kind>Job handler moto lacks (it answers HTTP 500 without one)."""
            getattr(self.sagemaker_backend, stop_name)(self._get_param(kind.name_param))
            return EmptyResult()

        stop_response.__name__ = stop_name
        setattr(SageMakerResponse, stop_name, stop_response)


def patch_processing_job_resources() -> None:
    """Patch 2: DescribeProcessingJob returns the ProcessingResources given on create.

    moto's response handler never passes them to the backend.
    """
    original = SageMakerResponse.create_processing_job

    @functools.wraps(original)
    def create_processing_job(self: SageMakerResponse) -> ActionResult:
        result = original(self)
        job: Any = self.sagemaker_backend.processing_jobs[self._get_param("ProcessingJobName")]
        job.processing_resources = self._get_param("ProcessingResources")
        return result

    setattr(SageMakerResponse, "create_processing_job", create_processing_job)


def patch_model() -> None:
    """Patch 4: DescribeModel returns EnableNetworkIsolation and VpcConfig as given.

    moto always reports EnableNetworkIsolation false, and an empty VpcConfig when none was given
    (AWS omits it).
    """
    original = SageMakerResponse.create_model

    @functools.wraps(original)
    def create_model(self: SageMakerResponse) -> ActionResult:
        result = original(self)
        model: Any = self.sagemaker_backend.describe_model(self._get_param("ModelName"))
        model.enable_network_isolation = bool(self._get_param("EnableNetworkIsolation", False))
        if not model.vpc_config:
            model.vpc_config = None
        return result

    setattr(SageMakerResponse, "create_model", create_model)


def patch_endpoint_config() -> None:
    """Patch 4b: DescribeEndpointConfig omits DataCaptureConfig when none was given.

    moto stores and returns an empty ``DataCaptureConfig`` object; AWS omits the member (it
    cannot be empty: its destination, sampling percentage and capture options are required).
    moto's own CreateEndpoint reads the backend's description, so only the response changes.
    """

    def describe_endpoint_config(self: SageMakerResponse) -> ActionResult:
        name = self._get_param("EndpointConfigName")
        description = dict(self.sagemaker_backend.describe_endpoint_config(name))
        if not description.get("DataCaptureConfig"):
            description.pop("DataCaptureConfig", None)
        return ActionResult(description)

    setattr(SageMakerResponse, "describe_endpoint_config", describe_endpoint_config)


def patch_notebooks() -> None:
    """Patches 5 and 6 for notebook instances.

    StopNotebookInstance refuses a notebook that is not InService, and the initial-status tag
    applies.
    """
    original_stop = SageMakerModelBackend.stop_notebook_instance

    @functools.wraps(original_stop)
    def stop_notebook_instance(self: SageMakerModelBackend, notebook_instance_name: str) -> None:
        notebook = self.get_notebook_instance(notebook_instance_name)
        if notebook.status != "InService":
            raise ValidationError(
                f"Status ({notebook.status}) not in ([InService]). Unable to transition to "
                f"(Stopping) for Notebook Instance ({notebook.arn})"
            )
        original_stop(self, notebook_instance_name)

    setattr(SageMakerModelBackend, "stop_notebook_instance", stop_notebook_instance)

    def set_notebook_status(notebook: Any, status: str) -> None:
        notebook.status = status

    wrap_create("create_notebook_instance", "NotebookInstanceStatus", set_notebook_status)


def patch_endpoints() -> None:
    """Patch 6 for endpoints: the initial-status tag applies."""

    def set_endpoint_status(endpoint: Any, status: str) -> None:
        endpoint.endpoint_status = status

    wrap_create("create_endpoint", "EndpointStatus", set_endpoint_status)


def apply_patches() -> None:
    """Applies every patch; call once, before the server starts."""
    for kind in JOB_KINDS:
        patch_jobs(kind)
    patch_processing_job_resources()
    patch_model()
    patch_endpoint_config()
    patch_notebooks()
    patch_endpoints()
    trail.apply()


def check_bindable(port: int) -> None:
    """Raises OSError if ``port`` cannot be listened on (ThreadedMotoServer.start() would hang)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port))


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_until_answering(port: int, timeout: float = 30.0) -> None:
    """Returns once the server answers an HTTP request (any status); raises after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except (OSError, http.client.HTTPException):
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.05)
        finally:
            connection.close()


def write_atomically(path: str, text: str) -> None:
    """Writes ``text`` to ``path`` so that readers see either no file or the whole text."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".emulator-url-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv: list[str] | None = None) -> int:
    """Runs the emulator until SIGTERM or SIGINT; returns the exit status."""
    parser = argparse.ArgumentParser(description="The integration tests' AWS emulator.")
    parser.add_argument("--port-file", required=True, help="where to write the server's URL")
    parser.add_argument("--port", type=int, help="port to listen on (default: a free one)")
    args = parser.parse_args(argv)

    apply_patches()
    port = args.port if args.port is not None else free_port()
    try:
        check_bindable(port)
    except OSError as error:
        print(f"emulator: cannot listen on {HOST}:{port}: {error}", file=sys.stderr)
        return 1
    server = ThreadedMotoServer(ip_address=HOST, port=port, verbose=False)

    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    server.start()
    try:
        wait_until_answering(port)
        url = f"http://{HOST}:{port}"
        write_atomically(args.port_file, url)
        print(url, flush=True)
        stop_requested.wait()
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
