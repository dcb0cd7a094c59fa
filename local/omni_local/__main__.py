"""`python -m omni_local [--cdk-out cdk.out] [--port 4000] [--state-file .local/runtime.json] [--seed mod:fn]`

Runs the local runtime until Ctrl-C, then stops DynamoDB Local, moto and the workers.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from omni_local.runtime import Runtime
from omni_local.state import DEFAULT


def banner(runtime: Runtime) -> str:
    state = runtime.state()
    keys = state["channel_keys"] or {k["name"]: k["value"] for k in state["api_keys"]}
    key_lines = "\n".join(f"                {name:<12} {value}" for name, value in sorted(keys.items())) or "                (none)"
    operator = state["operator"]
    return f"""
Omni local runtime — wired from {runtime.cdk_out}
  API          {state["api_url"]}            (routes as the API defines them, e.g. /v1/...)
  Swagger UI   {state["docs_url"]}
  API keys     header x-api-key, by channel (local value = key name with its stage word replaced by "local"):
{key_lines}
  Shopper      curl -s -X POST {state["token_endpoint"]} -d '{{"sub": "shopper-1", "email": "ada@example.com"}}'
               then send the token as header Authorization: <token>
  Operator     SigV4, service execute-api, region {operator["region"]}: {operator["access_key"]} / {operator["secret_key"]}
  Invoke       python -m omni_local.invoke <FunctionLogicalIdPrefix> events/samples/<file>.json
  Services     DynamoDB Local {state["dynamodb_endpoint"]} · moto {state["moto_endpoint"]} · EventBridge {state["events_endpoint"]}
  State file   {runtime.state_file}
Ctrl-C to stop.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m omni_local", description=__doc__)
    parser.add_argument("--cdk-out", default="cdk.out", help="cloud assembly directory (default: cdk.out)")
    parser.add_argument("--port", type=int, default=4000, help="API port (0: any free port; default 4000)")
    parser.add_argument("--state-file", default=str(DEFAULT), help=f"where to write URLs and keys (default {DEFAULT})")
    parser.add_argument("--repo-root", default=None, help="repository root (default: found from --cdk-out)")
    parser.add_argument("--seed", default=None, help="module:function called with the runtime once it runs")
    parser.add_argument("--prewarm", action="store_true", help="start every function's worker now")
    parser.add_argument("--quiet", action="store_true", help="hide the functions' own logs")
    args = parser.parse_args(argv)

    stopping = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    runtime = Runtime(args.cdk_out, repo_root=args.repo_root, port=args.port, state_file=args.state_file, seed=args.seed, prewarm=args.prewarm, function_logs=not args.quiet)
    try:
        runtime.start()
        print(banner(runtime), flush=True)
        while not stopping.wait(0.5):
            pass
        print("stopping…", flush=True)
    finally:
        runtime.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
