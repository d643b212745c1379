# shellcheck shell=bash
# Sourced by scripts/test.sh and scripts/demo.sh (ROOT set): nox_bootstrap creates or refreshes
# .venv-nox (Python 3.13, requirements-nox.txt) and sets NOX and NOX_PYTHON.
nox_bootstrap() {
    local venv="$ROOT/.venv-nox" want python
    NOX="$venv/bin/nox" NOX_PYTHON="$venv/bin/python"
    want="$(sha256sum "$ROOT/requirements-nox.txt" | cut -d' ' -f1)"
    [ -x "$NOX" ] && [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$want" ] && return 0
    # pyenv's real 3.13 (the shims misbehave in ansible-test), else python3.13 on PATH
    python="$(printf '%s\n' "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13.*/bin/python3.13 | sort -V | tail -n 1)"
    [ -x "$python" ] || python="$(command -v python3.13)" || { echo "ERROR: no Python 3.13 (pyenv or PATH)" >&2; return 1; }
    echo "== setting up $venv (nox, antsibull-nox) with $python"
    rm -rf "$venv" && "$python" -m venv "$venv" || return 1
    "$NOX_PYTHON" -m pip install --quiet --disable-pip-version-check -r "$ROOT/requirements-nox.txt" 2>&1 |
        grep -v 'is ignored: it is neither a file nor a directory'
    [ "${PIPESTATUS[0]}" = 0 ] && [ -x "$NOX" ] || { echo "ERROR: installing requirements-nox.txt failed" >&2; return 1; }
    echo "$want" >"$venv/.requirements.sha256"
}
