"""moto's request recorder, shared by the benchmarks: start, stop, and count the requests a run
made by API."""

from __future__ import annotations

import base64
import collections
import json
import os
import urllib.request
from collections.abc import Iterator
from typing import Any


def recorder(action: str) -> bytes:
    """`reset-recording`, `start-recording`, `stop-recording` or `download-recording`."""
    url = f"{os.environ['AWS_ENDPOINT_URL'].rstrip('/')}/moto-api/recorder/{action}"
    method = "GET" if action.startswith("download") else "POST"
    with urllib.request.urlopen(urllib.request.Request(url, method=method), timeout=60) as r:
        return r.read()


def records(text: str) -> Iterator[dict[str, Any]]:
    """The recorded requests. moto's threaded server can write two records on one line, so the
    text is read as a stream of JSON documents; a record cut by another is skipped."""
    decoder = json.JSONDecoder()
    i, n = 0, len(text)
    while i < n:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return
        try:
            record, i = decoder.raw_decode(text, i)
            yield record
        except json.JSONDecodeError:
            end = text.find("\n", i)
            i = n if end < 0 else end + 1


def requests_by_api() -> dict[str, int]:
    """The recorded requests by API (`X-Amz-Target`, else the query protocol's `Action`), most
    first."""
    counts: collections.Counter[str] = collections.Counter()
    for record in records(recorder("download-recording").decode()):
        headers = record.get("headers") or {}
        target = headers.get("X-Amz-Target") or headers.get("x-amz-target")
        body = record.get("body") or ""
        if record.get("body_encoded"):
            body = base64.b64decode(body).decode(errors="replace")
        if not target and "Action=" in body:
            target = body.split("Action=")[1].split("&")[0]
        counts[target or f"{record.get('method', '')} {record.get('url', '?')}"] += 1
    return dict(counts.most_common())
