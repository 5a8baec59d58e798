#!/usr/bin/env bash
# Installs schemathesis (pinned, from PyPI) into ${TARGET_DIR:-target}/schemathesis-venv for
# chat-gateway/tests/api_schemathesis.rs, and prints `export SCHEMATHESIS=…` for the caller to eval:
#
#   eval "$(bash chat-gateway/tests/external/schemathesis_setup.sh)"
#   cargo test -p chat-gateway --test api_schemathesis
#
# Its own venv: schemathesis pins versions (hypothesis, jsonschema) the other clients need not share.
# Idempotent; progress goes to stderr, only the export line to stdout.
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5

fail() { echo "schemathesis_setup.sh: $*" >&2; exit 1; }
command -v python3 >/dev/null 2>&1 || fail "python3 is missing (apt-get install python3 python3-venv)"

workspace=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
target=${TARGET_DIR:-$workspace/target}
mkdir -p "$target"
target=$(cd "$target" && pwd)
venv=$target/schemathesis-venv
py=$venv/bin/python
if ! "$py" -c "import importlib.metadata as m, sys; sys.exit(m.version('schemathesis') != '${SCHEMATHESIS_VERSION}')" 2>/dev/null; then
    echo "schemathesis_setup.sh: installing schemathesis==${SCHEMATHESIS_VERSION} into $venv" >&2
    [ -x "$py" ] || python3 -m venv "$venv" >&2 || fail "python3 -m venv failed (apt-get install python3-venv)"
    "$py" -m pip install --quiet --disable-pip-version-check "schemathesis==${SCHEMATHESIS_VERSION}" >&2 \
        || fail "pip install schemathesis==${SCHEMATHESIS_VERSION} failed"
fi
echo "export SCHEMATHESIS=$venv/bin/schemathesis"
