#!/usr/bin/env bash
# Installs reckon's build and test dependencies from Debian 12 packages.
# Idempotent: packages already present are left alone, and apt is only
# called when something is missing. Run as root (or with sudo available).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libabsl-dev libtbb-dev libicu-dev libsqlite3-dev libeigen3-dev libssl-dev
  prometheus-cpp-dev nlohmann-json3-dev libgtest-dev libgmock-dev libbenchmark-dev
  python3
  zlib1g-dev chromium  # audit report test: PNG decoding, headless rendering
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "${package}" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("${package}")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

echo "install_deps: installing ${missing[*]}"
"${sudo_cmd[@]}" apt-get update
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y \
  --no-install-recommends "${missing[@]}"
