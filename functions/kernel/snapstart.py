"""SnapStart runtime hooks of the API functions (decision 18).

With SnapStart, Lambda runs the init once per published version, snapshots the memory, and starts every
new execution environment from a copy of it. So the init does what the first request would otherwise pay
for (clients, settings, the models, one pass through the resolver), and each restored copy makes itself unique again:
`random` is re-seeded, or every copy would choose the same stock shards in the same order
(inventory.logic.holds). No connection is opened before the snapshot (no AWS call is made), so no copy
inherits a socket that died with the snapshot.

`snapshot_restore_py` is bundled in the Lambda Python runtime only (it is not on PyPI for this machine);
without it the hooks are not registered, and they stay plain functions that the tests call.
"""

from __future__ import annotations

import gc
import random
from collections.abc import Callable

from kernel import startup
from kernel.aws import dynamodb
from kernel.model import build_deferred
from kernel.settings import settings

try:
    from snapshot_restore_py import register_after_restore, register_before_snapshot
except ImportError:  # not in the Lambda runtime

    def register_before_snapshot(hook: Callable, *args, **kwargs) -> Callable:
        return hook

    register_after_restore = register_before_snapshot

# A request for no route: it crosses routing, middlewares and problem rendering, and touches no data.
_WARM_UP_EVENT = {
    "resource": "/{proxy+}",
    "path": "/__snapstart_warm_up__",
    "httpMethod": "GET",
    "headers": {},
    "multiValueHeaders": {},
    "queryStringParameters": None,
    "multiValueQueryStringParameters": None,
    "pathParameters": None,
    "stageVariables": None,
    "requestContext": {"requestId": "snapstart-warm-up", "stage": "snapshot", "identity": {}},
    "body": None,
    "isBase64Encoded": False,
}


class _WarmUpContext:
    function_name = "snapstart-warm-up"
    function_version = "snapshot"
    invoked_function_arn = ""
    memory_limit_in_mb = 0
    aws_request_id = "snapstart-warm-up"

    @staticmethod
    def get_remaining_time_in_millis() -> int:
        return 60_000


def before_snapshot(app) -> dict:
    """Build what the first request would: the settings, the table's client, every route's models
    (imported on first use, kernel.lazy; built on first use, kernel.model), the resolver's path; then end the init (kernel.startup), as the first request would."""
    if settings().table_name:
        dynamodb()
    app.prepare_all()  # every route's models and logic, imported on first use otherwise (kernel.lazy)
    build_deferred()
    answer = app.resolve(dict(_WARM_UP_EVENT), _WarmUpContext())
    gc.collect()  # the init's garbage stays out of the snapshot (paid once, at snapshot time)
    startup.end()
    return answer


def after_restore() -> None:
    """Every restored copy starts from the same memory: give it its own random sequence."""
    random.seed()


def register(app) -> None:
    """Register the hooks for this API function (the runtime ignores them where SnapStart is off)."""
    register_before_snapshot(before_snapshot, app)
    register_after_restore(after_restore)
