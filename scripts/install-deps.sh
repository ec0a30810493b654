#!/usr/bin/env bash
# Installs the Debian 12 packages Triagent builds and tests with, only those missing (idempotent;
# quick when everything is present). Needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/.."

# libboost1.81-dev: Asio and Beast are header-only; never the 1.74 default.
# libjemalloc-dev: the daemon's allocator (cmake/TriagentDependencies.cmake says why).
# chromium: the review UI's end-to-end test drives Debian's headless Chromium.
# clang, libclang-rt-14-dev: the libFuzzer targets (scripts/fuzz-check.sh); the runtime is a package
# of its own, which --no-install-recommends would leave out.
packages=(
  build-essential cmake ninja-build pkg-config ccache git ca-certificates openssl curl
  libboost1.81-dev
  nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev libssl-dev libcurl4-openssl-dev
  libsqlite3-dev libre2-dev libhiredis-dev zlib1g-dev libjemalloc-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server
  chromium
  clang libclang-rt-14-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js may come from another package source than Debian's (whose npm would conflict with it):
# only a missing command asks for Debian's packages.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The UI test's driver, pinned by tests/ui/package-lock.json (playwright-core 1.61: the newest
# that still runs on Debian 12's Node.js 18). npm ci rewrites node_modules/.package-lock.json, so
# a lock file newer than it means the pin changed since the last install.
if [ ! -f tests/ui/node_modules/.package-lock.json ] ||
   [ tests/ui/package-lock.json -nt tests/ui/node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci in tests/ui" >&2
  (cd tests/ui && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
