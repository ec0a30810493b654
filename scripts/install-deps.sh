#!/usr/bin/env bash
# Installs the Debian 12 packages Triagent builds and tests with, only those missing (idempotent;
# quick when everything is present). Needs root or sudo for apt-get.
set -euo pipefail

# libboost1.81-dev: Asio and Beast are header-only; never the 1.74 default.
packages=(
  build-essential cmake ninja-build pkg-config ccache git ca-certificates openssl curl
  libboost1.81-dev
  nlohmann-json3-dev libspdlog-dev libyaml-cpp-dev libssl-dev libcurl4-openssl-dev
  libsqlite3-dev libre2-dev libhiredis-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  redis-server
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
