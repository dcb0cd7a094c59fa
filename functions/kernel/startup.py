"""A Lambda init without the cyclic garbage collector (decision 70).

An init allocates hundreds of thousands of objects that live as long as the execution environment (modules,
classes, pydantic's validators, botocore's service models), and Python's collector scans all of them again at
every full collection it triggers while they pile up: about a third of an API function's cold start over bare
boto3, measured. So the collector is paused from the first import of a domain package (each domain's
`__init__` imports this module first, before any library) until the first invocation starts; then what the init
built is frozen out of every later collection (`gc.freeze`: it is never garbage) and the collector runs again,
over what the invocations allocate only. The first invocation therefore never pays a full scan of the init.

Only in an execution environment (`AWS_LAMBDA_FUNCTION_NAME`, set by Lambda and the local runtime): a test
process or a tool importing a domain keeps its collector as it is.
"""

from __future__ import annotations

import gc
import os

_paused = False


def pause() -> None:
    global _paused
    if os.environ.get("AWS_LAMBDA_FUNCTION_NAME") and gc.isenabled():
        gc.disable()
        _paused = True


def end() -> None:
    """The init is over (the first invocation starts, or SnapStart snapshots): freeze what it built, collect again."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


pause()
