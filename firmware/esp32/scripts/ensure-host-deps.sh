#!/bin/sh
# Installs what the host build needs (g++, make, mbedTLS 2.28, nlohmann-json) when missing.
# Idempotent and silent when everything is present; uses apt-get (Debian), as root or via sudo.
set -eu

missing=""
command -v g++ >/dev/null 2>&1 || missing="$missing g++"
command -v make >/dev/null 2>&1 || missing="$missing make"
[ -f /usr/include/mbedtls/ecdsa.h ] || missing="$missing libmbedtls-dev"
[ -f /usr/include/nlohmann/json.hpp ] || missing="$missing nlohmann-json3-dev"
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
  run=""
elif command -v sudo >/dev/null 2>&1; then
  run="sudo"
else
  echo "firmware/esp32: missing host packages:$missing (install them with apt-get as root)" >&2
  exit 1
fi
echo "firmware/esp32: installing$missing" >&2
$run apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $run apt-get install -y -qq --no-install-recommends $missing >/dev/null
