#!/usr/bin/env bash
# System packages the test suite needs: PostgreSQL server binaries (the tests start a throwaway
# server themselves), Chromium (renders the evaluate report and the serve dashboard), a Java
# runtime (local Spark), Node.js and npm (the VS Code extension's grammar tests and packaging).
# Installs what is missing when run as root; otherwise says what is missing (the tests then skip
# locally, fail in CI).
set -euo pipefail
missing=()
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -eq 0 ]; then
  echo "system deps: all present"
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "system deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "system deps: missing ${missing[*]} (install them with apt-get as root)" >&2
fi
