#!/usr/bin/env bash
# Installs what chat-gateway/tests/web_browser.rs drives the chat page with, pinned, and never a
# downloaded browser:
#   * Debian's Chromium (/usr/bin/chromium), with Noto fonts for Urdu, by apt-get when missing
#     and running as root (else it says what to install)
#   * Debian's espeak-ng (/usr/bin/espeak-ng), the same way: web_voice.rs speaks a WAV with it
#     for Chromium's fake microphone
#   * playwright-core 1.64.1 from npm                           -> ${TARGET_DIR:-target}/web-node
#   * Node: the Node 22 that mcp-tasks/tests/external/setup.sh put in target/external-node, if
#     there, else the system's node (>= 20)
# Idempotent: a second run only checks what is there. Needs only Debian's and npm's registries.
# Prints `export WEB_NODE=… WEB_CHROMIUM=… WEB_PLAYWRIGHT=… WEB_ESPEAK=…` for the caller to eval:
#
#   eval "$(bash chat-gateway/tests/web/setup.sh)"
#   cargo test -p chat-gateway --test web_browser
#
# Progress goes to stderr; only the export line goes to stdout.
set -euo pipefail

PLAYWRIGHT_VERSION=1.64.1

fail() { echo "web/setup.sh: $*" >&2; exit 1; }
say() { echo "web/setup.sh: $*" >&2; }

workspace=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
target=${TARGET_DIR:-$workspace/target}
mkdir -p "$target"
target=$(cd "$target" && pwd)
web_dir=$target/web-node

# --- Chromium, from Debian ----------------------------------------------------------------
chromium=${WEB_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    [ "$(id -u)" = 0 ] || fail "no $chromium: run as root, or apt-get install chromium fonts-noto-core"
    say "installing Debian's chromium and fonts-noto-core"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || fail "apt-get update failed"
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium fonts-noto-core >&2 \
        || fail "apt-get install chromium fonts-noto-core failed"
fi
[ -x "$chromium" ] || fail "no chromium at $chromium after installing"
"$chromium" --version >/dev/null 2>&1 || fail "$chromium does not run"

# --- espeak-ng, from Debian (a spoken WAV for the fake microphone) -------------------------
# Only web_voice.rs needs it: outside CI, a machine where it cannot be installed still runs the
# other browser tests (WEB_ESPEAK is then empty and web_voice.rs says it is skipped).
espeak=${WEB_ESPEAK:-/usr/bin/espeak-ng}
if [ ! -x "$espeak" ] && [ "$(id -u)" = 0 ]; then
    say "installing Debian's espeak-ng"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || fail "apt-get update failed"
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq espeak-ng >&2 || fail "apt-get install espeak-ng failed"
fi
if [ -x "$espeak" ]; then
    "$espeak" --version >/dev/null 2>&1 || fail "$espeak does not run"
elif [ -n "${CI:-}" ]; then
    fail "no $espeak: run as root, or apt-get install espeak-ng"
else
    say "no $espeak (run as root, or apt-get install espeak-ng): web_voice.rs will be skipped"
    espeak=
fi

# --- Node ---------------------------------------------------------------------------------
node=
for candidate in "$target"/external-node/node_modules/node-linux-*/bin/node; do
    if [ -x "$candidate" ] && "$candidate" -e 'process.exit(+process.versions.node.split(".")[0] >= 22 ? 0 : 1)'; then
        node=$candidate
        break
    fi
done
if [ -z "$node" ]; then
    node=$(command -v node || true)
    [ -n "$node" ] || fail "no node: run mcp-tasks/tests/external/setup.sh, or apt-get install nodejs npm"
    "$node" -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
        || fail "$node is $("$node" --version); playwright-core ${PLAYWRIGHT_VERSION} needs Node >= 20"
fi

# --- playwright-core (the library only: it never downloads a browser) -----------------------
package=$web_dir/node_modules/playwright-core
installed=$( [ -f "$package/package.json" ] && "$node" -p "require('$package/package.json').version" 2>/dev/null || true)
if [ "$installed" != "$PLAYWRIGHT_VERSION" ]; then
    command -v npm >/dev/null 2>&1 || fail "npm is missing (apt-get install npm)"
    say "installing playwright-core ${PLAYWRIGHT_VERSION} into $web_dir"
    mkdir -p "$web_dir"
    [ -f "$web_dir/package.json" ] || echo '{"name":"chat-gateway-web-tests","private":true}' >"$web_dir/package.json"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --prefix "$web_dir" --save-exact --no-audit --no-fund \
        --loglevel=error "playwright-core@${PLAYWRIGHT_VERSION}" >&2 \
        || fail "npm install playwright-core@${PLAYWRIGHT_VERSION} failed"
else
    say "playwright-core ${PLAYWRIGHT_VERSION} already in $web_dir"
fi
[ -f "$package/index.mjs" ] || fail "no $package/index.mjs after npm install"

printf 'export WEB_NODE=%q WEB_CHROMIUM=%q WEB_PLAYWRIGHT=%q WEB_ESPEAK=%q\n' "$node" "$chromium" "$package" "$espeak"
