#!/usr/bin/env bash
# One-time (and idempotent) set-up: Debian packages, npm dependencies, the native addon, the TypeScript build.
# Called by every README command; each step is skipped when its output is already current, so a second
# run takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(libtorch-dev libopenblas0-pthread dataset-fashion-mnist)
# `setup.sh --test` (the test command) also installs what only the tests use: numpy for the agreement tests,
# jsonschema to validate runs against the generated JSON Schema, Chromium for the browser tests, Slurm and
# munge for the single-node cluster of the sweep tests (scripts/slurm-local.sh).
if [ "${1:-}" = "--test" ]; then APT_PACKAGES+=(python3-numpy python3-jsonschema chromium slurm-wlm munge); fi

say() { printf '[setup] %s\n' "$*" >&2; }

missing_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || printf '%s ' "$pkg"
  done
}

install_debian_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  if [ -n "${LIBTORCH:-}" ] && [ "$missing" = "libtorch-dev " ]; then return 0; fi
  say "installing Debian packages: $missing"
  local sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { say "need root to install: $missing. Run as root: apt-get update && apt-get install -y $missing"; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

install_npm_dependencies() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "installing npm dependencies (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

build_native() {
  local addon=native/build/Release/infoplane_native.node
  if [ -f "$addon" ] && [ -z "$(find native/src native/binding.gyp native/resolve-libtorch.cjs -newer "$addon" 2>/dev/null | head -1)" ]; then
    return 0
  fi
  say "building the native addon (about a minute on 2 cores)"
  bash scripts/build-native.sh
}

build_typescript() {
  local stamp=build/.stamp
  if [ -f "$stamp" ] && [ -z "$(find src test bench tsconfig.json package.json -newer "$stamp" -type f 2>/dev/null | head -1)" ]; then
    return 0
  fi
  say "compiling TypeScript"
  node_modules/.bin/tsc -p tsconfig.json
  mkdir -p build && touch "$stamp"
}

install_debian_packages
install_npm_dependencies
build_native
build_typescript
