#!/usr/bin/env bash
# Installs what the real-VS-Code test layers need, once: Debian chromium, ripgrep and libkrb5-dev (apt, only if
# missing) and code-server 4.100.3 (npm registry) into a cache directory. Safe to run again: it skips what is there.
# code-server 4.100.3 (VS Code 1.100.3) is the newest whose install accepts Node 20.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3
RIPGREP_CACHE_NAME=vscode-ripgrep-cache-1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CACHE_DIR="${TRILIUM_VSCODE_CACHE:-$HOME/.cache/trilium-vscode}"
TARGET="$CACHE_DIR/code-server-$CODE_SERVER_VERSION"
BIN="$TARGET/node_modules/.bin/code-server"

say() { printf '[setup-code-server] %s\n' "$*"; }

missing=()
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
[ -e /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

if [ -x "$BIN" ] && "$BIN" --version 2>/dev/null | grep -q "^$CODE_SERVER_VERSION "; then
  say "code-server $CODE_SERVER_VERSION already installed at $TARGET"
  exit 0
fi

say "installing code-server@$CODE_SERVER_VERSION into $TARGET (a few minutes: it builds native addons)"
mkdir -p "$TARGET"
# @vscode/ripgrep's postinstall would download from GitHub; it first looks in os.tmpdir() for a cached asset,
# so a private TMPDIR seeded with Debian's rg (same version, 13.0.0) satisfies it offline.
SEED_TMP="$(mktemp -d)"
trap 'rm -rf "$SEED_TMP"' EXIT
mkdir -p "$SEED_TMP/$RIPGREP_CACHE_NAME"
tar czf "$SEED_TMP/$RIPGREP_CACHE_NAME/$RIPGREP_ASSET" -C "$(dirname "$(command -v rg)")" rg
echo '{"name":"code-server-host","private":true}' > "$TARGET/package.json"
(
  cd "$TARGET"
  TMPDIR="$SEED_TMP" npm_config_yes=true npm_config_unsafe_perm=true npm_config_fund=false npm_config_audit=false \
    npm install --loglevel=error "code-server@$CODE_SERVER_VERSION"
)
"$BIN" --version | head -1
say "done"
