#!/usr/bin/env bash
# Installs the Debian 12 packages gebi builds, tests and benchmarks with. Idempotent: does
# nothing when everything is present. Runs apt as root (directly, or through sudo).
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git curl
  libcpp-httplib-dev libssl-dev libtinyxml2-dev libsqlite3-dev sqlite3 libfmt-dev
  libspdlog-dev nlohmann-json3-dev libtomlplusplus-dev libcli11-dev libsodium-dev
  libqrencode-dev libre2-dev catch2 libbenchmark-dev
  zbar-tools librsvg2-bin
)
# Browser tests of the admin console and the benchmarks need these too. The CJK font: Debian
# ships none by default, and without one every Chinese character in a screenshot is a box
# (WenQuanYi Micro Hei: 5 MB installed, against 90 MB for Noto CJK).
if [[ "${GEBI_WITH_BROWSER:-1}" == 1 ]]; then packages+=(chromium fonts-wqy-microhei nodejs npm); fi
if [[ "${GEBI_WITH_BENCH:-0}" == 1 ]]; then packages+=(wrk); fi
# libFuzzer ships with clang: the compiler plus its runtime libraries (deploy/fuzz.sh).
if [[ "${GEBI_WITH_FUZZ:-0}" == 1 ]]; then packages+=(clang libclang-rt-14-dev); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere on the machine; only ask apt when the commands are missing.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
