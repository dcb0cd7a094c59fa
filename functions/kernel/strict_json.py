"""JSON as the API reads it: RFC 8259 and nothing a second parser could read differently (decision 30).

- NaN and Infinity are not JSON;
- a name given twice in one object is refused (parsers disagree on which value wins: a proxy, a
  signature check and the handler could each see another body);
- an integer longer than any the API takes, or nesting deeper than Python's stack, is refused before
  Python's own limits turn it into a crash (a 5,000-digit integer or 100,000 `[` were a 500);
- bytes are UTF-8 (RFC 8259 §8.1), never guessed as UTF-16 or UTF-32.
Every refusal is a json.JSONDecodeError, which validation answers as a 422 naming the body.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

# DynamoDB numbers hold 38 digits; the API's largest bound has 16.
MAX_INTEGER_DIGITS = 38


def _not_json(name: str):
    raise ValueError(f"{name} is not JSON")


def _integer(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise ValueError(f"an integer of more than {MAX_INTEGER_DIGITS} digits")
    return int(digits)


def _unique_names(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        repeated = sorted(name for name, count in Counter(name for name, _ in pairs).items() if count > 1)
        raise ValueError(f"a name given twice in one object: {', '.join(repeated)}")
    return found


def loads(text: str | bytes) -> Any:
    """The value of a JSON text, or json.JSONDecodeError saying why it is not strict JSON."""
    try:
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8")
        return json.loads(text, parse_constant=_not_json, parse_int=_integer, object_pairs_hook=_unique_names)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", "", 0) from None
    except ValueError as error:  # UnicodeDecodeError included
        raise json.JSONDecodeError(str(error), "", 0) from None
