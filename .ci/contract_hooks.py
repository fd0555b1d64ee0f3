"""schemathesis hooks for the contract test (.ci/contract).

schemathesis has no serializer for NDJSON bodies: the spec gives them as text (one JSON object per
line), so a string goes on the wire as it is, and any other value as one JSON line.
"""

import json

import schemathesis


@schemathesis.serializer("application/x-ndjson")
def ndjson(ctx, value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return (json.dumps(value) + "\n").encode("utf-8")


@schemathesis.hook
def before_load_schema(ctx, raw_schema):
    """Leave `cursor` out of generated requests.

    A cursor is a token the server issues as `next_cursor`; one made up by a generator is refused
    (400) by design, and no schema can describe which tokens a listing has issued. The refusal of
    made-up cursors is tested in tests/api.rs.
    """
    for item in raw_schema.get("paths", {}).values():
        for op in item.values():
            if isinstance(op, dict) and "parameters" in op:
                op["parameters"] = [
                    p for p in op["parameters"] if not (p.get("in") == "query" and p.get("name") == "cursor")
                ]
