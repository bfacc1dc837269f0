# Shared helpers for the Tools/ scripts. Source it; it defines functions only.
# Every tool the project needs is installed from here, so a clean machine works.

CARTLINE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CARTLINE_DATA="${CARTLINE_DATA:-$CARTLINE_ROOT/.data}"

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# ensure_packages CMD:PACKAGE … — installs each Debian package whose command is missing.
# apt-get update runs at most once per call, and only when something is missing.
ensure_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    if [ -e "$cmd" ] || command -v "$cmd" >/dev/null 2>&1; then continue; fi
    missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
    || die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
    || die "apt-get install ${missing[*]} failed"
}

ensure_swift() {
  command -v swift >/dev/null 2>&1 && return 0
  [ -x /opt/swift/usr/bin/swift ] && { export PATH="/opt/swift/usr/bin:$PATH"; return 0; }
  die "no Swift toolchain found (expected swift on PATH or /opt/swift)"
}

# A free TCP port on 127.0.0.1 (python3 is on every machine of this kind).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# build_or_die ARGS… — `swift build ARGS…` with its output in .data/build.log; on failure
# prints the errors and stops, so no script ever runs a stale binary.
build_or_die() {
  local build_log="$CARTLINE_DATA/build.log"
  mkdir -p "$CARTLINE_DATA"
  if ! swift build "$@" > "$build_log" 2>&1; then
    grep -E "error|warning" "$build_log" | head -40 >&2
    die "swift build $* failed (full log: $build_log)"
  fi
}

# ensure_dev_secrets — development secrets in .data/secrets.env (git-ignored), generated
# once, then exported. Real deployments set these variables themselves.
ensure_dev_secrets() {
  local file="$CARTLINE_DATA/secrets.env"
  mkdir -p "$CARTLINE_DATA"
  if [ ! -s "$file" ]; then
    log "generating development secrets into $file"
    ( umask 077
      key() { python3 -c 'import base64,os; print(base64.b64encode(os.urandom(32)).decode())'; }
      {
        echo "CARTLINE_SESSION_KEY=$(key)"
        echo "CARTLINE_PREFS_KEYS=p1:$(key)"
        echo "CARTLINE_SEALING_KEY=$(key)"
        echo "CARTLINE_ADMIN_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')"
      } > "$file" )
  fi
  # Files from before the telephony node lack its ops token: add one.
  grep -q '^CARTLINE_OPS_TOKEN=' "$file" || ( umask 077
    echo "CARTLINE_OPS_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')" >> "$file" )
  # /metrics needs its own token (issue 14); older files lack it: add one.
  grep -q '^CARTLINE_METRICS_TOKEN=' "$file" || ( umask 077
    echo "CARTLINE_METRICS_TOKEN=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')" >> "$file" )
  set -a; source "$file"; set +a
}

# wait_for_http URL SECONDS — polls until URL answers 200, or fails.
wait_for_http() {
  local url="$1" deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -ge $deadline ] && return 1
    sleep 0.2
  done
}
