#!/usr/bin/env bash
# The demo: run playbooks/demo.yml twice against the bundled vendor simulator (the second run
# changes nothing), or once against real vendors when their endpoints are configured.
#
# Usage:  bash scripts/demo.sh [extra ansible-playbook arguments, e.g. -e @my-campaigns.yml]
#
# Real vendors are used when any of these is set: VOLTMX_API_URL, ISALES_API_URL, OCAMBA_TOKEN,
# WOLKVOX_SERVER, WOLKVOX_API_URL, EIGHTBYEIGHT_PLATFORM, EIGHTBYEIGHT_API_URL (see README.md).
# DEMO_SIMULATOR=1 forces the simulator even then.
set -eu
set -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
WORK="$(mktemp -d)"
SIM_PID=""

cleanup() {
    if [ -n "$SIM_PID" ]; then
        kill "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# The Python new users have (3.13, for the newest ansible-core): pyenv's real binary as
# scripts/test.sh finds it, else python3.13 on PATH, else python3.
demo_python() {
    local candidate
    for candidate in $(printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13.*/bin/python3.13 | sort -V -r) \
                     "$(command -v python3.13 || true)" "$(command -v python3)"; do
        [ -x "$candidate" ] && { printf '%s\n' "$candidate"; return 0; }
    done
    return 1
}

ensure_venv() {
    if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import ansible, requests' 2>/dev/null; then
        return 0
    fi
    echo "== setting up $VENV (ansible-core, requests)"
    local python
    python="$(demo_python)"
    [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt"
}

real_vendors_configured() {
    [ "${DEMO_SIMULATOR:-0}" = 1 ] && return 1
    local name
    for name in VOLTMX_API_URL ISALES_API_URL OCAMBA_TOKEN WOLKVOX_SERVER WOLKVOX_API_URL EIGHTBYEIGHT_PLATFORM EIGHTBYEIGHT_API_URL; do
        [ -n "${!name:-}" ] && return 0
    done
    return 1
}

start_simulator() {
    echo "== starting the vendor simulator (tests/simulator)"
    (cd "$ROOT" && exec "$VENV/bin/python" -m tests.simulator --port 0 --port-file "$WORK/port") >"$WORK/simulator.log" 2>&1 &
    SIM_PID=$!
    local tries=0
    until [ -s "$WORK/port" ]; do
        tries=$((tries + 1))
        if [ "$tries" -gt 100 ] || ! kill -0 "$SIM_PID" 2>/dev/null; then
            echo "the simulator did not start:" >&2
            cat "$WORK/simulator.log" >&2
            exit 1
        fi
        sleep 0.1
    done
    local url
    url="http://127.0.0.1:$(cat "$WORK/port")"
    echo "   listening on $url"
    # The simulator's own test credentials (tests/simulator/seed.json), passed the way AWX does.
    export VOLTMX_API_URL="$url" VOLTMX_USERNAME=voltmx-admin VOLTMX_PASSWORD=voltmx-secret
    export ISALES_API_URL="$url" ISALES_ACCESS_KEY=isales-ak ISALES_SECRET_KEY=isales-sk-secret ISALES_VDN_ID=1
    export OCAMBA_API_URL="$url" OCAMBA_TOKEN=ocamba-token-secret
    export WOLKVOX_API_URL="$url" WOLKVOX_TOKEN=wolkvox-token-secret
    export EIGHTBYEIGHT_API_URL="$url" EIGHTBYEIGHT_USERNAME=tenant1
    export EIGHTBYEIGHT_DATA_TOKEN=eight-data-secret EIGHTBYEIGHT_ACTION_TOKEN=eight-action-secret
}

run_demo() {
    "$VENV/bin/ansible-playbook" -i localhost, -c local "$ROOT/playbooks/demo.yml" "$@"
}

ensure_venv
mkdir -p "$WORK/collections/ansible_collections/campaignops"
ln -s "$ROOT" "$WORK/collections/ansible_collections/campaignops/campaigns"
export ANSIBLE_COLLECTIONS_PATH="$WORK/collections"
export ANSIBLE_PYTHON_INTERPRETER="$VENV/bin/python"
export ANSIBLE_LOCALHOST_WARNING=0 ANSIBLE_INVENTORY_UNPARSED_WARNING=0 ANSIBLE_RETRY_FILES_ENABLED=0

if real_vendors_configured; then
    echo "== real vendor endpoints configured: running the demo once against them"
    run_demo "$@"
    exit 0
fi

start_simulator
echo "== first run: move campaigns of all five vendors (with --diff)"
run_demo --diff "$@"
echo "== second run: everything is already in its desired state, so nothing changes"
run_demo "$@" | tee "$WORK/second.log"
grep -Eq 'changed=0 +unreachable=0 +failed=0' "$WORK/second.log"
echo "== demo finished: the second run changed nothing"
