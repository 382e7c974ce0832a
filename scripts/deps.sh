#!/usr/bin/env bash
# Installs, once, the Debian packages the test suite needs: a PostgreSQL server for the Postgres
# half of the data tests, Chromium for the browser tests, OpenSSL, python3-aioice and libsrtp2 as
# independent peers for the media interop tests, Redis for the several-node tests, ffmpeg for recording, and a colour emoji font so that
# the browser tests' screenshots show chat reactions rather than empty boxes. A no-op when they are all present.
set -euo pipefail

packages=(postgresql chromium openssl python3-aioice libsrtp2-1 gcc libc6-dev redis-server ffmpeg fonts-noto-color-emoji)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
