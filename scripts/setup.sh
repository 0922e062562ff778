#!/usr/bin/env bash
# Sets up MLFF Distiller on a fresh machine: pnpm, the npm packages, a build.
# With --test it also installs the Debian packages the tests cross-check against
# (python3-ase, xtb, libxtb6, chromium), when run as root and they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=$(node -p "require('./package.json').packageManager.split('@')[1]")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION"
  npm install --global --no-fund --no-audit "pnpm@$PNPM_VERSION" >/dev/null
fi

if [ "${1:-}" = "--test" ]; then
  # Real programs the tests cross-check against: ASE (units, integrators, extxyz, i-PI
  # peers), the xtb program and libxtb (GFN2-xTB teacher, in process and as a program),
  # Chromium (the distillation report must render in a browser).
  missing=()
  /usr/bin/python3 -c 'import ase' >/dev/null 2>&1 || missing+=(python3-ase)
  command -v xtb >/dev/null 2>&1 || missing+=(xtb)
  ldconfig -p 2>/dev/null | grep -q 'libxtb\.so\.6' || missing+=(libxtb6)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = "0" ]; then
      echo "setup: installing ${missing[*]} (Debian) for the cross-checks"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >/dev/null
      apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "setup: the tests need Debian's ${missing[*]}; run: sudo apt-get install ${missing[*]}" >&2
      exit 1
    fi
  fi
fi

# onnxruntime-node's postinstall downloads CUDA binaries from outside the npm registry;
# it is not in onlyBuiltDependencies, and this keeps npm-based installs from trying too.
export ONNXRUNTIME_NODE_INSTALL=skip
pnpm install --frozen-lockfile --reporter=silent
pnpm build --output-logs=errors-only
