#!/usr/bin/env bash
# The test pipeline of the campaignops.campaigns collection. CI runs it through .ci/run.
#
# Usage:  bash scripts/test.sh
#
# Stages (all by default; select some with STAGES, e.g. STAGES="sanity units" bash scripts/test.sh):
#   setup               always runs: .venv (Python 3.11, requirements-dev.txt), a copy of the
#                       collection in <tmp>/ansible_collections/campaignops/campaigns, and the
#                       offline get-pip stand-in that ansible-test needs
#   sanity-3.9          ansible-test sanity --venv --python 3.9   (lowest module Python claimed)
#   sanity-3.13         ansible-test sanity --venv --python 3.13  (highest module Python claimed)
#   units               ansible-test units --venv --python 3.11
#   pytest-unit         plain pytest of tests/unit (fast path)
#   pytest-integration  plain pytest of tests/integration (playbooks against the simulator)
#   lint                ansible-lint, production profile, offline (.ansible-lint)
#   changelog           antsibull-changelog lint and lint-changelog-yaml; once released,
#                       generate must reproduce CHANGELOG.rst exactly; while galaxy.yml's version
#                       is unreleased, a rehearsal `antsibull-changelog release` in the copy
#   docs                antsibull-docs lint-collection-docs --plugin-docs .
#   importer            galaxy-importer (own venv .venv-importer) on the built tarball; a WARNING fails it
#   build               ansible-galaxy collection build + install, ansible-doc and an ad-hoc
#                       smoke test from the installed copy
#   molecule            molecule test for every extensions/molecule/<scenario>/molecule.yml
# A name in STAGES selects the stage of that name and the stages whose names start with
# "<name>-" ("sanity" = sanity-3.9 + sanity-3.13, "pytest" = pytest-unit + pytest-integration).
#
# Other environment variables:
#   SANITY_PYTHONS="3.9 3.13"  Python versions for ansible-test sanity (real binaries are looked up
#                              under pyenv; shims do not work inside ansible-test)
#   UNITS_PYTHON=3.11          Python version for ansible-test units
#   KEEP_TMP=1                 keep the temporary tree (its path is printed) for inspection
#   STAGE_TIMEOUT=1800         seconds after which a stage is killed and counted as failed
#   PYTEST_ADDOPTS="..."       extra options for the plain pytest stages (pytest reads it itself),
#                              e.g. "-k ocamba -x"
#
# Each stage prints a header, its output, its result and its duration. A failing stage does not
# stop the run; the script exits non-zero if any stage failed. The last line of output is
# "N passed, N failed" (stages), which CI reads. Skipped stages (nothing to test) count in neither.

set -u
set -o pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LIB="$ROOT/scripts/lib"
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/requirements-dev.txt"
VENV_PYTHON_VERSION=3.11
SANITY_PYTHONS="${SANITY_PYTHONS:-3.9 3.13}"
UNITS_PYTHON="${UNITS_PYTHON:-3.11}"
STAGES="${STAGES:-all}"
IMPORTER_VERSION=0.4.44
STAGE_TIMEOUT="${STAGE_TIMEOUT:-1800}"
SETUP_OUT=""

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PYTHONDONTWRITEBYTECODE=1
export ANSIBLE_NOCOLOR=1
export ANSIBLE_FORCE_COLOR=0
export PY_COLORS=0
export NO_COLOR=1

STAGE_NAMES=()
STAGE_RESULTS=()
STAGE_TIMES=()
PASSED=0
FAILED=0

TMPROOT=""
COLL=""
NAMESPACE=campaignops
NAME=campaigns
VERSION=""

log() { printf '%s\n' "$*"; }

cleanup() {
    if [ -n "$TMPROOT" ] && [ -d "$TMPROOT" ]; then
        if [ "${KEEP_TMP:-0}" = 1 ]; then
            return 0
        fi
        rm -rf "$TMPROOT"
    fi
}
trap cleanup EXIT

# Is stage $1 selected by STAGES?
selected() {
    local stage="$1" want
    [ "$STAGES" = all ] || [ "$stage" = setup ] && return 0
    for want in $STAGES; do
        if [ "$stage" = "$want" ] || [ "${stage#"$want"-}" != "$stage" ]; then
            return 0
        fi
    done
    return 1
}

record() {
    local name="$1" result="$2" seconds="$3"
    STAGE_NAMES+=("$name")
    STAGE_RESULTS+=("$result")
    STAGE_TIMES+=("$seconds")
    case "$result" in
        PASS) PASSED=$((PASSED + 1)) ;;
        FAIL) FAILED=$((FAILED + 1)) ;;
    esac
}

# run_stage NAME FUNCTION [ARGS...]: the function returns 0 (pass), 77 (skip) or other (fail).
run_stage() {
    local name="$1" rc start seconds result fn
    shift
    selected "$name" || return 0
    log ""
    log "=================================================================="
    log "=== STAGE $name"
    log "=================================================================="
    start=$(date +%s)
    # The stage runs in a child bash under timeout(1), which kills the stage's whole process
    # group when STAGE_TIMEOUT runs out, so that a hung stage cannot eat CI's time budget.
    while read -r _ _ fn; do export -f "${fn?}"; done < <(declare -F)
    export ROOT LIB VENV REQUIREMENTS VENV_PYTHON_VERSION SANITY_PYTHONS UNITS_PYTHON \
        TMPROOT COLL NAMESPACE NAME VERSION SETUP_OUT IMPORTER_VERSION
    timeout -k 30 "$STAGE_TIMEOUT" bash -c 'set -u -o pipefail; "$@"' stage "$@" </dev/null
    rc=$?
    seconds=$(( $(date +%s) - start ))
    case "$rc" in
        0) result=PASS ;;
        77) result=SKIP ;;
        124|137) result=FAIL; log "ERROR: stage $name timed out after ${STAGE_TIMEOUT}s (STAGE_TIMEOUT)" ;;
        *) result=FAIL ;;
    esac
    log "=== STAGE $name: $result (exit $rc) in ${seconds}s"
    record "$name" "$result" "$seconds"
    [ "$result" != FAIL ]
}

# Print the path of the real interpreter for Python version $1 (not a pyenv shim), or fail.
find_python() {
    local version="$1" candidate real
    local pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
    for candidate in $(printf '%s\n' "$pyenv_root"/versions/"$version".*/bin/python"$version" | sort -V -r) \
                     $(command -v "python$version" 2>/dev/null); do
        [ -x "$candidate" ] || continue
        real="$("$candidate" -c 'import sys; print(sys.executable)' 2>/dev/null)" || continue
        [ -n "$real" ] && [ -x "$real" ] || continue
        case "$("$real" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" in
            "$version") printf '%s\n' "$real"; return 0 ;;
        esac
    done
    return 1
}

# PATH with the venv first, then the directories of the real interpreters that ansible-test needs.
build_path() {
    local path="$VENV/bin" version python
    for version in $SANITY_PYTHONS $UNITS_PYTHON; do
        if python="$(find_python "$version")"; then
            case ":$path:" in
                *":$(dirname "$python"):"*) ;;
                *) path="$path:$(dirname "$python")" ;;
            esac
        fi
    done
    printf '%s:%s\n' "$path" "$PATH"
}

# ---------------------------------------------------------------------------------------------
# setup

setup_venv() {
    local python stamp want have log_file
    python="$(find_python "$VENV_PYTHON_VERSION")" || {
        log "ERROR: no Python $VENV_PYTHON_VERSION interpreter found (pyenv or python$VENV_PYTHON_VERSION on PATH)"
        return 1
    }
    stamp="$VENV/.campaignops-requirements.sha256"
    want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1) python$VENV_PYTHON_VERSION"
    if [ -x "$VENV/bin/python" ]; then
        have="$("$VENV/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)"
        if [ "$have" != "$VENV_PYTHON_VERSION" ]; then
            log "removing $VENV (Python '$have', want $VENV_PYTHON_VERSION)"
            rm -rf "$VENV"
        elif [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
            log "venv: $VENV is up to date with $(basename "$REQUIREMENTS")"
            return 0
        fi
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        log "venv: creating $VENV with $python"
        "$python" -m venv "$VENV" || return 1
    fi
    log "venv: installing $(basename "$REQUIREMENTS")"
    log_file="$VENV/pip-install.log"
    if ! "$VENV/bin/python" -m pip install --disable-pip-version-check -r "$REQUIREMENTS" >"$log_file" 2>&1; then
        grep -v 'is ignored: it is neither a file nor a directory' "$log_file" | tail -n 60
        log "ERROR: pip install failed (full log: $log_file)"
        return 1
    fi
    grep -E '^Successfully installed' "$log_file" | cut -c1-400 || true
    "$VENV/bin/python" -m pip check || return 1
    printf '%s\n' "$want" >"$stamp"
}

read_collection_name() {
    local out
    out="$("$VENV/bin/python" - "$ROOT/galaxy.yml" <<'EOF'
import sys
import yaml
with open(sys.argv[1]) as f:
    data = yaml.safe_load(f)
print(data['namespace'], data['name'], data['version'])
EOF
)" || return 1
    read -r NAMESPACE NAME VERSION <<<"$out"
}

# copy_collection DEST: copy the working tree (minus VCS, venv, outputs and caches) to DEST.
copy_collection() {
    local dest="$1"
    mkdir -p "$dest"
    tar -C "$ROOT" -cf - \
        --exclude-vcs \
        --exclude=./.venv \
        --exclude=./.venv-importer \
        --exclude=./tests/output \
        --exclude=./.ansible \
        --exclude=./.cache \
        --exclude=__pycache__ \
        --exclude='*.pyc' \
        --exclude='*.tar.gz' \
        --exclude=.pytest_cache \
        --exclude=.hypothesis \
        --exclude=./benchmarks/results \
        --exclude=./changelogs/.plugin-cache.yaml \
        . | tar -C "$dest" -xf -
}

install_get_pip_standin() {
    local versions version target
    versions="$(grep -oE "pip='[0-9][0-9.]*'" \
        "$VENV"/lib/python*/site-packages/ansible_test/_internal/python_requirements.py |
        grep -oE "[0-9][0-9.]*[0-9]" | sort -u)"
    if [ -z "$versions" ]; then
        log "ERROR: could not read the pip version from ansible_test/_internal/python_requirements.py"
        return 1
    fi
    mkdir -p "$HOME/.ansible/test/cache"
    for version in $versions; do
        target="$HOME/.ansible/test/cache/get_pip_${version//./_}.py"
        if [ -f "$target" ] && ! grep -q '^# campaignops-get-pip-standin' "$target"; then
            log "get-pip: using the existing bootstrap script $target"
            continue
        fi
        if ! cmp -s "$LIB/get_pip_standin.py" "$target"; then
            cp "$LIB/get_pip_standin.py" "$target" || return 1
        fi
        log "get-pip: offline stand-in for pip $version at $target"
    done
}

stage_setup() {
    setup_venv || return 1
    read_collection_name || return 1
    TMPROOT="$(mktemp -d "${TMPDIR:-/tmp}/campaignops-test.XXXXXX")" || return 1
    COLL="$TMPROOT/ansible_collections/$NAMESPACE/$NAME"
    copy_collection "$COLL" || return 1
    log "copy: $COLL"
    install_get_pip_standin || return 1
    # Hand the values to the parent shell (the stage runs in a subshell).
    printf '%s\n%s\n%s %s %s\n' "$TMPROOT" "$COLL" "$NAMESPACE" "$NAME" "$VERSION" >"$SETUP_OUT"
}

# ---------------------------------------------------------------------------------------------
# stages

# filtered CMD...: run CMD with stderr merged into stdout, dropping pip's warnings about the
# machine's extra file:// indexes lacking a package ("Location ... is ignored"), which
# otherwise flood every ansible-test venv install. Returns CMD's exit status.
filtered() {
    "$@" 2>&1 | { grep --line-buffered -v "is ignored: it is neither a file nor a directory" || true; }
    return "${PIPESTATUS[0]}"
}

has_tests() {
    [ -d "$1" ] && [ -n "$(find "$1" -name 'test_*.py' -o -name '*_test.py' 2>/dev/null | head -n 1)" ]
}

check_no_sanity_ignores() {
    local file bad=0
    for file in "$COLL"/tests/sanity/ignore-*.txt; do
        [ -f "$file" ] || continue
        if grep -vqE '^[[:space:]]*(#.*)?$' "$file"; then
            log "ERROR: ${file#"$COLL"/} has ignore entries; fix the code instead:"
            grep -vE '^[[:space:]]*(#.*)?$' "$file"
            bad=1
        fi
    done
    return "$bad"
}

stage_sanity() {
    local version="$1" rc=0
    if ! find_python "$version" >/dev/null; then
        log "ERROR: no Python $version interpreter found (pyenv: ~/.pyenv/versions/$version.*)"
        return 1
    fi
    check_no_sanity_ignores || rc=1
    cd "$COLL" || return 1
    log "+ ansible-test sanity --venv --python $version --color no"
    filtered ansible-test sanity --venv --python "$version" --color no || rc=1
    return "$rc"
}

stage_units() {
    if ! has_tests "$COLL/tests/unit"; then
        log "SKIP: no test files under tests/unit"
        return 77
    fi
    cd "$COLL" || return 1
    log "+ ansible-test units --venv --python $UNITS_PYTHON --color no"
    filtered ansible-test units --venv --python "$UNITS_PYTHON" --color no
}

# pytest_dir DIR [PYTEST ARGS...]: plain pytest of DIR in the copy, collection importable from TMPROOT.
pytest_dir() {
    local dir="$1" rc
    shift
    if ! has_tests "$COLL/$dir"; then
        log "SKIP: no test files under $dir"
        return 77
    fi
    cd "$COLL" || return 1
    log "+ PYTHONPATH=$TMPROOT ANSIBLE_COLLECTIONS_PATH=$TMPROOT python -m pytest -p no:pytest-ansible -p no:cacheprovider --durations=10 $* $dir"
    PYTHONPATH="$TMPROOT${PYTHONPATH:+:$PYTHONPATH}" \
    ANSIBLE_COLLECTIONS_PATH="$TMPROOT" \
    ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
        python -m pytest -p no:pytest-ansible -p no:cacheprovider --durations=10 "$@" "$dir"
    rc=$?
    if [ "$rc" = 5 ]; then
        log "ERROR: pytest collected no tests from $dir although it holds test files"
    fi
    return "$rc"
}

stage_lint() {
    cd "$COLL" || return 1
    log "+ ANSIBLE_COLLECTIONS_PATH=$TMPROOT ansible-lint --offline"
    ANSIBLE_COLLECTIONS_PATH="$TMPROOT" ansible-lint --offline
}

stage_changelog() {
    local rc=0 released
    cd "$COLL" || return 1
    export ANSIBLE_COLLECTIONS_PATH="$TMPROOT"
    log "+ antsibull-changelog lint"
    antsibull-changelog lint || rc=1
    log "+ antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml"
    antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml || rc=1
    released="$("$VENV/bin/python" - changelogs/changelog.yaml "$VERSION" <<'EOF'
import sys
import yaml
with open(sys.argv[1]) as f:
    releases = (yaml.safe_load(f) or {}).get('releases') or {}
print('%d %s' % (len(releases), 'yes' if sys.argv[2] in releases else 'no'))
EOF
)" || return 1
    if [ "${released% *}" != 0 ]; then
        # Released versions exist: CHANGELOG.rst must be exactly what changelog.yaml generates.
        log "+ antsibull-changelog generate"
        antsibull-changelog generate || return 1
        if [ ! -f "$ROOT/CHANGELOG.rst" ]; then
            log "ERROR: changelogs/changelog.yaml has releases but CHANGELOG.rst is not committed"
            rc=1
        else
            log "+ diff -u CHANGELOG.rst (committed) CHANGELOG.rst (generated)"
            if ! diff -u "$ROOT/CHANGELOG.rst" "$COLL/CHANGELOG.rst"; then
                log "ERROR: CHANGELOG.rst is out of date: run 'antsibull-changelog generate' and commit it"
                rc=1
            fi
        fi
    else
        log "note: changelogs/changelog.yaml has no release yet"
    fi
    if [ "${released#* }" = no ]; then
        # galaxy.yml's version is not released yet: rehearse its release in the copy (fragments,
        # new plugins) so that `antsibull-changelog release` works when the time comes.
        log "+ antsibull-changelog release --version $VERSION   (rehearsal in the copy)"
        antsibull-changelog release --version "$VERSION" || return 1
        log "--- CHANGELOG.rst that the release of $VERSION would produce:"
        cat CHANGELOG.rst
    fi
    return "$rc"
}

stage_docs() {
    cd "$COLL" || return 1
    log "+ ANSIBLE_COLLECTIONS_PATH=$TMPROOT antsibull-docs lint-collection-docs --plugin-docs ."
    ANSIBLE_COLLECTIONS_PATH="$TMPROOT" antsibull-docs lint-collection-docs --plugin-docs .
}

stage_build() {
    local build="$TMPROOT/build/ansible_collections/$NAMESPACE/$NAME"
    local dist="$TMPROOT/dist" installed="$TMPROOT/installed" tarball out msg rc module fail=0
    copy_collection "$build" || return 1
    cd "$build" || return 1
    log "+ ansible-galaxy collection build --output-path $dist"
    ansible-galaxy collection build --output-path "$dist" || return 1
    tarball="$(find "$dist" -maxdepth 1 -name '*.tar.gz' | head -n 1)"
    [ -n "$tarball" ] || return 1
    log "tarball: $(basename "$tarball"), $(du -k "$tarball" | cut -f1) KiB, $(tar -tzf "$tarball" | grep -vc '/$') files"
    if tar -tzf "$tarball" | grep -E '(^|/)(\.venv|\.git|tests/output|__pycache__|\.pytest_cache)(/|$)'; then
        log "ERROR: the tarball holds files that must not be shipped (above)"
        fail=1
    fi
    cd "$TMPROOT" || return 1
    export ANSIBLE_COLLECTIONS_PATH="$installed"
    export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
    log "+ ANSIBLE_COLLECTIONS_PATH=$installed ansible-galaxy collection install --offline -p $installed $tarball"
    ansible-galaxy collection install --offline -p "$installed" "$tarball" || return 1
    for module in campaign_state campaign_info; do
        log "+ ansible-doc $NAMESPACE.$NAME.$module"
        out="$(ansible-doc "$NAMESPACE.$NAME.$module" 2>&1)"
        rc=$?
        printf '%s\n' "$out" | head -n 15
        if [ "$rc" != 0 ] || ! printf '%s\n' "$out" | grep -q 'OPTIONS'; then
            log "ERROR: ansible-doc $NAMESPACE.$NAME.$module: exit $rc or no OPTIONS section"
            printf '%s\n' "$out" | tail -n 20
            fail=1
        else
            log "ok: ansible-doc renders $module"
        fi
    done

    # ansible-core 2.19 hides tracebacks by default (DISPLAY_TRACEBACK=never), and reports an
    # unhandled module exception with a result that has no msg of the module's own: the
    # controller then writes "Task failed: Module failed: <exception>" as the result's msg.
    # The "localhost | FAILED! => {...}" result shows which of the two happened.
    log "+ ansible localhost -m $NAMESPACE.$NAME.campaign_info -a 'provider=ocamba api_url=http://127.0.0.1:9 token=x' -e ansible_python_interpreter=$VENV/bin/python"
    out="$(ansible localhost -m "$NAMESPACE.$NAME.campaign_info" \
        -a 'provider=ocamba api_url=http://127.0.0.1:9 token=x' \
        -e "ansible_python_interpreter=$VENV/bin/python" 2>&1)"
    rc=$?
    printf '%s\n' "$out"
    msg="$(printf '%s\n' "$out" | "$VENV/bin/python" -c '
import json, sys
text = sys.stdin.read()
marker = text.find("=> {")
print(json.JSONDecoder().raw_decode(text[marker + 3:])[0].get("msg", "") if marker >= 0 else "")
' 2>/dev/null || true)"
    if [ "$rc" = 0 ]; then
        log "ERROR: the ad-hoc run against a closed port succeeded; it must fail"
        fail=1
    elif ! printf '%s\n' "$out" | grep -qi 'could not connect'; then
        log "ERROR: the ad-hoc failure does not say 'could not connect'"
        fail=1
    elif printf '%s\n' "$out" | grep -q 'Traceback'; then
        log "ERROR: the ad-hoc failure shows a Traceback"
        fail=1
    elif printf '%s\n' "$out" | grep -q 'MODULE FAILURE' || [ "${msg#Task failed: }" != "$msg" ]; then
        log "ERROR: the module raised an unhandled exception (result msg: '$msg') instead of failing with fail_json"
        fail=1
    else
        log "ok: ad-hoc run failed cleanly (exit $rc) with 'could not connect'"
    fi
    return "$fail"
}

# galaxy-importer pins old dependencies, so it gets a venv of its own. It exits 0 even when it
# warns, so the stage reads its output: any WARNING or ERROR line fails the stage.
stage_importer() {
    local venv="$ROOT/.venv-importer" stamp want build="$TMPROOT/importer/ansible_collections/$NAMESPACE/$NAME" dist="$TMPROOT/importer-dist"
    local tarball out rc
    want="galaxy-importer==$IMPORTER_VERSION"
    stamp="$venv/.campaignops-importer"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        rm -rf "$venv"
        "$(find_python "$VENV_PYTHON_VERSION")" -m venv "$venv" || return 1
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$want" >"$TMPROOT/importer-pip.log" 2>&1 || {
            cat "$TMPROOT/importer-pip.log"
            return 1
        }
        printf '%s\n' "$want" >"$stamp"
    fi
    copy_collection "$build" || return 1
    (cd "$build" && "$VENV/bin/ansible-galaxy" collection build --output-path "$dist") || return 1
    tarball="$(find "$dist" -maxdepth 1 -name '*.tar.gz' | head -n 1)"
    printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = True\n' >"$TMPROOT/importer.cfg"
    log "+ galaxy-importer $(basename "$tarball")"
    out="$(cd "$TMPROOT" && GALAXY_IMPORTER_CONFIG="$TMPROOT/importer.cfg" PATH="$venv/bin:$PATH" \
        "$venv/bin/python" -m galaxy_importer.main "$tarball" 2>&1)"
    rc=$?
    printf '%s\n' "$out"
    if [ "$rc" != 0 ]; then
        log "ERROR: galaxy-importer exited $rc"
        return 1
    fi
    if printf '%s\n' "$out" | grep -Eq '^(WARNING|ERROR)'; then
        log "ERROR: galaxy-importer reported warnings or errors (above)"
        return 1
    fi
    log "ok: galaxy-importer imported the collection with no warning"
}

stage_molecule() {
    local scenario name fail=0 found=0
    for scenario in "$COLL"/extensions/molecule/*/molecule.yml; do
        [ -f "$scenario" ] || continue
        found=1
        name="$(basename "$(dirname "$scenario")")"
        cd "$COLL/extensions" || return 1
        log "+ (cd extensions && ANSIBLE_COLLECTIONS_PATH=$TMPROOT molecule test -s $name)"
        if ANSIBLE_COLLECTIONS_PATH="$TMPROOT" molecule test -s "$name"; then
            log "ok: molecule scenario $name"
        else
            log "ERROR: molecule scenario $name failed"
            fail=1
        fi
    done
    if [ "$found" = 0 ]; then
        log "SKIP: no molecule scenario (extensions/molecule/*/molecule.yml)"
        return 77
    fi
    return "$fail"
}

# ---------------------------------------------------------------------------------------------
# main

main() {
    local version total_start stage i
    total_start=$(date +%s)
    log "campaignops test pipeline: root $ROOT, STAGES=$STAGES"
    if [ "$STAGES" != all ]; then
        local want known ok
        known="setup units pytest-unit pytest-integration lint changelog docs build importer molecule"
        for version in $SANITY_PYTHONS; do known="$known sanity-$version"; done
        for want in $STAGES; do
            ok=0
            for stage in $known; do
                if [ "$stage" = "$want" ] || [ "${stage#"$want"-}" != "$stage" ]; then ok=1; fi
            done
            if [ "$ok" = 0 ]; then
                log "ERROR: unknown stage '$want' in STAGES (known: $known)"
                log "0 passed, 1 failed"
                return 2
            fi
        done
    fi

    SETUP_OUT="$(mktemp)"
    if ! run_stage setup stage_setup; then
        rm -f "$SETUP_OUT"
        log "setup failed: no other stage can run"
    else
        { read -r TMPROOT; read -r COLL; read -r NAMESPACE NAME VERSION; } <"$SETUP_OUT"
        rm -f "$SETUP_OUT"
        [ "${KEEP_TMP:-0}" = 1 ] && log "temporary tree (kept): $TMPROOT"

        PATH="$(build_path)"
        export PATH VIRTUAL_ENV="$VENV"
        unset PYTHONHOME

        for version in $SANITY_PYTHONS; do
            run_stage "sanity-$version" stage_sanity "$version"
        done
        run_stage units stage_units
        run_stage pytest-unit pytest_dir tests/unit
        # Two workers (2 cores): each starts its own simulator on its own port, so their
        # campaigns and machine-wide limiter files (keyed by URL) never meet.
        run_stage pytest-integration pytest_dir tests/integration -n 2
        run_stage lint stage_lint
        run_stage changelog stage_changelog
        run_stage docs stage_docs
        run_stage build stage_build
        run_stage importer stage_importer
        run_stage molecule stage_molecule

        # Keep ansible-test's reports (junit, bot output) for inspection; tests/output is gitignored.
        if [ -d "$COLL/tests/output" ]; then
            rm -rf "$ROOT/tests/output"
            cp -a "$COLL/tests/output" "$ROOT/tests/output" 2>/dev/null || true
        fi
    fi

    log ""
    log "=================================================================="
    log "=== SUMMARY (total $(( $(date +%s) - total_start ))s)"
    for i in "${!STAGE_NAMES[@]}"; do
        printf '  %-4s  %-20s %5ss\n' "${STAGE_RESULTS[$i]}" "${STAGE_NAMES[$i]}" "${STAGE_TIMES[$i]}"
    done
    log "$PASSED passed, $FAILED failed"
    [ "$FAILED" = 0 ]
}

main "$@"
