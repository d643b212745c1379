#!/usr/bin/env bash
# The demo: playbooks/demo.yml twice against the bundled vendor simulator (the second run changes
# nothing), or once against real vendors when their endpoints are configured in the environment.
# The nox session "demo" runs scripts/demo.py, which says which variables count (see README.md);
# DEMO_SIMULATOR=1 forces the simulator even then.
#
# Usage:  bash scripts/demo.sh [extra ansible-playbook arguments, e.g. -e @my-campaigns.yml]
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/nox.sh
. "$ROOT/scripts/lib/nox.sh"
nox_bootstrap || exit 1
exec "$NOX" -f "$ROOT/noxfile.py" -s demo -- "$@"
