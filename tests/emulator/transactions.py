"""Patch 15: DynamoDB `TransactWriteItems` that holds under concurrency and scales with the
transaction, not the table.

moto backs a transaction up by deep-copying every table it touches, while other requests change
those tables on other threads: under concurrent writers the copy fails ("dictionary changed size
during iteration") and the request answers HTTP 500, and each transaction costs time in
proportion to the whole table. AWS runs transactions concurrently, in time proportional to their
items. Here:

- every DynamoDB request runs under one lock, so a transaction's checks and writes are atomic
  against other requests (AWS isolates them; the emulator serialises them);
- `transact_write_items` checks every item's condition first, against the current items, and
  cancels the whole transaction with the per-item reasons (`ConditionalCheckFailed`, with the
  item when `ReturnValuesOnConditionCheckFailure` is `ALL_OLD`) without writing anything; only
  then it writes, with moto's own `put_item`/`update_item`/`delete_item`, backing up just the
  items it touches (restored if a write fails).
"""

from __future__ import annotations

import copy
import json
import threading
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.responses import DynamoHandler

_lock = threading.RLock()

CONDITION_FAILED = "The conditional request failed"


def _key(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return dict(op["Key"])
    table = backend.get_table(op["TableName"])
    names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
    return {name: op["Item"][name] for name in names}


def _reason(op: dict[str, Any], current: Any) -> tuple[str | None, str | None, Any]:
    """Why this item cancels the transaction, as moto's exception takes it; (None,)*3 if not."""
    condition = op.get("ConditionExpression")
    if condition is None:
        return (None, None, None)
    check = get_filter_expression(
        condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    )
    if check.expr(current):
        return (None, None, None)
    wants_item = op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    item = current.to_json()["Attributes"] if wants_item and current is not None else None
    return ("ConditionalCheckFailed", CONDITION_FAILED, item)


def _write(backend: DynamoDBBackend, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    table = op["TableName"]
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(table, op["Item"])
    elif op_type == "Delete":
        backend.delete_item(table, key)
    elif op_type == "Update":
        backend.update_item(table, key, op["UpdateExpression"], names or {}, values or {})


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    ops, reasons, seen = [], [], set()
    for entry in transact_items:
        if len(entry) != 1:
            raise TransactWriteSingleOpException()
        op_type, op = next(iter(entry.items()))
        if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
            raise TransactWriteSingleOpException()
        key = _key(self, op_type, op)
        identity = (op["TableName"], json.dumps(key, sort_keys=True))
        if identity in seen:
            raise MultipleTransactionsException()
        seen.add(identity)
        current = self.get_item(op["TableName"], key)
        reasons.append(_reason(op, current))
        ops.append((op_type, op, key, current))
    if any(code is not None for code, _, _ in reasons):
        raise TransactionCanceledException(reasons)
    backup = [(op["TableName"], key, copy.deepcopy(current)) for _, op, key, current in ops]
    try:
        for op_type, op, key, _ in ops:
            _write(self, op_type, op, key)
    except Exception:
        for table, key, item in backup:
            if item is None:
                self.delete_item(table, key)
            else:
                self.put_item(table, item.to_json()["Attributes"])
        raise


def apply() -> None:
    """Serialises DynamoDB requests and replaces moto's `transact_write_items`."""
    original = DynamoHandler.call_action

    def call_action(self: DynamoHandler) -> Any:
        with _lock:
            return original(self)

    setattr(DynamoHandler, "call_action", call_action)
    setattr(DynamoDBBackend, "transact_write_items", transact_write_items)
