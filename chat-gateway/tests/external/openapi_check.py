#!/usr/bin/env python3
"""Validates chat-gateway's /openapi.json with `openapi-spec-validator==0.9.0`.

Usage:
    openapi_check.py URL

URL is the document (e.g. http://127.0.0.1:PORT/openapi.json); it is fetched without a token.
Checks that it is a valid OpenAPI 3 document (the validator resolves every $ref and checks every
schema) and that it describes every REST and /v1 route. Prints `ok   …` lines; on a failure prints
`FAIL …` and exits 1. Exits 2 on bad usage or when the validator cannot be imported.
"""

from __future__ import annotations

import sys

try:
    import httpx
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation.exceptions import OpenAPIValidationError
except ImportError as e:  # pragma: no cover - environment problem, said plainly
    print(f"openapi_check.py: cannot import ({e}); run `pip install openapi-spec-validator==0.9.0 httpx`",
          file=sys.stderr)
    sys.exit(2)

ROUTES = [
    ("get", "/api/threads"),
    ("get", "/api/threads/{id}"),
    ("patch", "/api/threads/{id}"),
    ("delete", "/api/threads/{id}"),
    ("get", "/api/threads/{id}/messages"),
    ("post", "/v1/chat/completions"),
    ("get", "/v1/models"),
    ("get", "/v1/models/{model}"),
]


def main() -> None:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    response = httpx.get(sys.argv[1], timeout=30)
    if response.status_code != 200:
        print(f"FAIL GET {sys.argv[1]} without a token: {response.status_code}")
        sys.exit(1)
    doc = response.json()
    try:
        validate(doc)
    except OpenAPIValidationError as e:
        print(f"FAIL the document is not valid OpenAPI: {e}")
        sys.exit(1)
    print(f"ok   valid OpenAPI {doc['openapi']}")
    for method, path in ROUTES:
        if method not in doc.get("paths", {}).get(path, {}):
            print(f"FAIL {method.upper()} {path} is not described")
            sys.exit(1)
        print(f"ok   {method.upper()} {path} is described")
    print("all checks passed")


if __name__ == "__main__":
    main()
