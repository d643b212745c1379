#!/usr/bin/env bash
# The test pipeline of the campaignops.campaigns collection: the nox sessions of noxfile.py and
# antsibull-nox.toml, run by nox from .venv-nox (created here; noxfile.py sets up the rest).
# CI runs it through .ci/run.
#
# Usage:  bash scripts/test.sh                         every default session (the whole pipeline)
#         STAGES="sanity units" bash scripts/test.sh   the sessions tagged with one of these names;
#             a session is tagged with each dash-prefix of its name: "sanity" = every sanity session,
#             "sanity-2.17" = those of ansible-core 2.17, "pytest" = the three pytest sessions
#         bash scripts/test.sh -s pytest-unit -- -k ocamba   nox arguments (STAGES is then ignored);
#             after "--": arguments for the session's tool. `.venv-nox/bin/nox -l` lists the sessions.
# Environment: KEEP_TMP=1 keeps the sessions' temporary collection copies; SESSION_TIMEOUT=1800
#   stops a command of a session after that many seconds; PYTEST_ADDOPTS for the pytest sessions;
#   NOX_PARALLEL=N runs up to N sessions at once where nox allows it.
# The last line is "N passed, N failed" (sessions), which CI reads; the exit status is non-zero if
# a session failed.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/lib/nox.sh
. "$ROOT/scripts/lib/nox.sh"
export PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1 ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1

start=$(date +%s)
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
if [ $# = 0 ] && [ -n "${STAGES:-}" ]; then
    # shellcheck disable=SC2086  # one tag a word
    set -- -t $STAGES
fi
nox_bootstrap || { echo "0 passed, 1 failed"; exit 1; }
"$NOX" -f "$ROOT/noxfile.py" --no-color --report "$report" "$@" </dev/null
rc=$?
"$NOX_PYTHON" "$ROOT/scripts/lib/nox_summary.py" "$report" "$(($(date +%s) - start))" "$rc"
