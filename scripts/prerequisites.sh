#!/usr/bin/env bash
# The system tools the tests need, installed with apt-get when missing (Debian/Ubuntu), so
# `make test` passes on a fresh machine by itself. `make test` and .ci/run both run this;
# when everything is present it only checks and exits (no apt-get, no network).
#   make, nodejs/npm (assets), python3-venv (the virtualenv), chromium (browser tests),
#   caddy (validates deploy/Caddyfile), docker-compose when `docker compose` is absent
#   (validates docker-compose.yml; only `config` is used, no engine), redis-server, wrk.
# PostgreSQL is not installed here: scripts/services.sh starts it and says what is missing.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

log() { echo "prerequisites.sh: $*"; }

missing=()
need() {  # need PACKAGE: add it to the install list once
    local p
    for p in "${missing[@]+"${missing[@]}"}"; do [ "$p" = "$1" ] && return 0; done
    missing+=("$1")
}

command -v make >/dev/null || need make
command -v npm >/dev/null || { need nodejs; need npm; }
command -v python3 >/dev/null || need python3
python3 -c 'import venv, ensurepip' 2>/dev/null || need python3-venv
# Browser tests drive Debian's Chromium through Playwright's Python package; Playwright's own
# browser download is never used.
[ -x "${MYMACHI_CHROMIUM:-/usr/bin/chromium}" ] || need chromium  # where tests/browser looks
command -v caddy >/dev/null || need caddy
# `docker compose` (v2 plugin) if this docker CLI has it, else Debian's `docker-compose`.
if ! docker compose version >/dev/null 2>&1; then
    command -v docker-compose >/dev/null || need docker-compose
fi
command -v redis-server >/dev/null || need redis-server
# `mymachi bench web` drives its load with wrk (a C load generator); tests/ops runs it.
command -v wrk >/dev/null || need wrk

if [ ${#missing[@]} -eq 0 ]; then
    log "all system tools present"
    exit 0
fi
log "missing: ${missing[*]}"
if ! command -v apt-get >/dev/null; then
    log "no apt-get here: install these with your package manager; the tests that need them fail or skip" >&2
    exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "prerequisites.sh: ERROR: run as root: apt-get install ${missing[*]}" >&2; exit 1; }
    sudo=(sudo env DEBIAN_FRONTEND=noninteractive)
fi
"${sudo[@]+"${sudo[@]}"}" apt-get update -qq
"${sudo[@]+"${sudo[@]}"}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
log "installed: ${missing[*]}"
