"""`python -m omni_local.invoke <FunctionLogicalIdPrefix> <event.json> [--state-file ...]`

Sends an event (any sample from events/samples/) to one function of a running local runtime and
prints what it returned. CDK suffixes logical ids with a hash, so a unique prefix is enough.
Exit status 1 when the function failed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.error
import urllib.request
from pathlib import Path

from omni_local.state import DEFAULT, read_state

_KEY_ID = re.compile(r"\$\{channel-key-id:([\w-]+)\}")


def with_local_key_ids(text: str, state: dict) -> str:
    """Samples say ${channel-key-id:web} where API Gateway puts the caller's API key id: use this runtime's."""
    ids = {key["value"]: key["id"] for key in state.get("api_keys", [])}
    by_channel = {channel: ids.get(value, "") for channel, value in state.get("channel_keys", {}).items()}
    return _KEY_ID.sub(lambda match: by_channel.get(match.group(1), match.group(0)), text)


def invoke(function: str, event: object, state_file: str | Path | None = None) -> tuple[int, object]:
    state = read_state(state_file)
    event = json.loads(with_local_key_ids(json.dumps(event), state))
    request = urllib.request.Request(state["invoke_endpoint"] + function, data=json.dumps(event).encode(), method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m omni_local.invoke", description=__doc__)
    parser.add_argument("function", help="function logical id, unique prefix, or name")
    parser.add_argument("event", help="JSON file with the event (- for stdin)")
    parser.add_argument("--state-file", default=str(DEFAULT))
    args = parser.parse_args(argv)
    text = sys.stdin.read() if args.event == "-" else Path(args.event).read_text()
    status, answer = invoke(args.function, json.loads(text), args.state_file)
    print(json.dumps(answer, indent=2, default=str))
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
