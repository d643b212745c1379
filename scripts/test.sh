#!/usr/bin/env bash
# The test pipeline of the campaignops.campaigns collection. CI runs it through .ci/run.
#
# Usage:  bash scripts/test.sh
#
# Stages (all by default; select some with STAGES, e.g. STAGES="sanity units" bash scripts/test.sh):
#   setup               always runs: .venv (Python 3.13, requirements-dev.txt: the newest
#                       ansible-core, the default controller), .venv-oldest (Python 3.12,
#                       requirements-oldest.txt: the oldest ansible-core claimed in meta/runtime.yml),
#                       a copy of the collection in <tmp>/ansible_collections/campaignops/campaigns,
#                       and the offline get-pip stand-in that ansible-test needs
#   sanity-<core>-<py>  ansible-test sanity --venv --python <py>, for each ansible-core tested
#                       (NEWEST, OLDEST) and the lowest and highest module Python it supports
#   units-<core>-<py>   ansible-test units --venv --python <py>, the same matrix
#                       (the newest and the oldest ansible-core run side by side, each in its own
#                       copy of the collection, to keep CI near 20 minutes on 2 cores)
#   pytest-unit         plain pytest of tests/unit (fast path, newest ansible-core)
#   pytest-integration  plain pytest of tests/integration (playbooks against the simulator),
#                       newest ansible-core
#   pytest-integration-<oldest core>  the per-provider playbook scenarios (test_playbooks.py) again,
#                       with the oldest ansible-core claimed
#   lint                ansible-lint, production profile, offline (.ansible-lint)
#   changelog           antsibull-changelog lint and lint-changelog-yaml; once released,
#                       generate must reproduce CHANGELOG.rst exactly; while galaxy.yml's version
#                       is unreleased, a rehearsal `antsibull-changelog release` in the copy
#   docs                antsibull-docs lint-collection-docs --plugin-docs .
#   importer            galaxy-importer (own venv .venv-importer) on the built tarball; a WARNING fails it
#   build-<core>        ansible-galaxy collection build + install, ansible-doc and an ad-hoc
#                       smoke test from the installed copy, with each ansible-core tested
#   molecule            molecule test for every extensions/molecule/<scenario>/molecule.yml
# A name in STAGES selects the stage of that name and the stages whose names start with
# "<name>-" ("sanity" = every sanity stage, "sanity-2.17" = those of ansible-core 2.17,
# "pytest" = pytest-unit + pytest-integration + pytest-integration-<oldest>).
#
# Other environment variables:
#   NEWEST_PYTHONS="3.9 3.13"  module Pythons for sanity and units with the newest ansible-core
#   OLDEST_PYTHONS="3.9 3.12"  module Pythons for sanity and units with the oldest ansible-core
#                              (real binaries are looked up under pyenv; shims do not work inside
#                              ansible-test)
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
# The default controller: the newest ansible-core, on the Python new users have.
VENV="$ROOT/.venv"
REQUIREMENTS="$ROOT/requirements-dev.txt"
VENV_PYTHON_VERSION=3.13
# The oldest ansible-core meta/runtime.yml claims, on a Python its controller supports.
OLDEST_VENV="$ROOT/.venv-oldest"
OLDEST_REQUIREMENTS="$ROOT/requirements-oldest.txt"
OLDEST_PYTHON_VERSION=3.12
NEWEST_PYTHONS="${NEWEST_PYTHONS:-3.9 3.13}"
OLDEST_PYTHONS="${OLDEST_PYTHONS:-3.9 3.12}"
NEWEST_CORE=""
OLDEST_CORE=""
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
OLDEST_COLL=""
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
    export ROOT LIB VENV REQUIREMENTS VENV_PYTHON_VERSION OLDEST_VENV OLDEST_REQUIREMENTS OLDEST_PYTHON_VERSION \
        NEWEST_PYTHONS OLDEST_PYTHONS NEWEST_CORE OLDEST_CORE TMPROOT COLL OLDEST_COLL NAMESPACE NAME VERSION SETUP_OUT IMPORTER_VERSION
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
    if [ -n "${RECORD_FILE:-}" ]; then
        printf '%s %s %s\n' "$name" "$result" "$seconds" >"$RECORD_FILE"
    else
        record "$name" "$result" "$seconds"
    fi
    [ "$result" != FAIL ]
}

# run_together "NAME FUNCTION ARGS" ...: those stages at once (2 cores; arguments without spaces),
# their output shown one after the other in the order given, each recorded as its own stage.
run_together() {
    local spec i pids=()
    for i in $(seq 0 $(($# - 1))); do
        spec="${*:$((i + 1)):1}"
        # shellcheck disable=SC2086  # the spec is split into words on purpose
        (RECORD_FILE="$TMPROOT/together-$i.result" run_stage $spec) >"$TMPROOT/together-$i.log" 2>&1 &
        pids+=("$!")
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}"
        cat "$TMPROOT/together-$i.log"
        if [ -s "$TMPROOT/together-$i.result" ]; then
            # shellcheck disable=SC2046  # name, result and seconds
            record $(cat "$TMPROOT/together-$i.result")
        fi
        rm -f "$TMPROOT/together-$i.log" "$TMPROOT/together-$i.result"
    done
}

# run_matrix KIND: the KIND (sanity or units) stages of the newest and the oldest ansible-core,
# the lowest module Python of each side by side, then the highest (each core in its own copy of
# the collection, since ansible-test writes into it).
run_matrix() {
    local kind="$1" i
    local -a newest oldest
    read -r -a newest <<<"$NEWEST_PYTHONS"
    read -r -a oldest <<<"$OLDEST_PYTHONS"
    for i in "${!newest[@]}"; do
        run_together "$kind-$NEWEST_CORE-py${newest[$i]} stage_$kind $VENV ${newest[$i]} $COLL" \
                     "$kind-$OLDEST_CORE-py${oldest[$i]} stage_$kind $OLDEST_VENV ${oldest[$i]} $OLDEST_COLL"
    done
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
    for version in $NEWEST_PYTHONS $OLDEST_PYTHONS; do
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

# setup_venv VENV REQUIREMENTS PYTHON_VERSION: create or refresh a venv; skipped when the
# requirements file and the Python version are those it was built from.
setup_venv() {
    local venv="$1" requirements="$2" version="$3" python stamp want have log_file
    python="$(find_python "$version")" || {
        log "ERROR: no Python $version interpreter found (pyenv or python$version on PATH)"
        return 1
    }
    stamp="$venv/.campaignops-requirements.sha256"
    want="$(sha256sum "$requirements" | cut -d' ' -f1) python$version"
    if [ -x "$venv/bin/python" ]; then
        have="$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || true)"
        if [ "$have" != "$version" ]; then
            log "removing $venv (Python '$have', want $version)"
            rm -rf "$venv"
        elif [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
            log "venv: $venv is up to date with $(basename "$requirements")"
            return 0
        fi
    fi
    if [ ! -x "$venv/bin/python" ]; then
        log "venv: creating $venv with $python"
        "$python" -m venv "$venv" || return 1
    fi
    log "venv: installing $(basename "$requirements") into $venv"
    log_file="$venv/pip-install.log"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check -r "$requirements" >"$log_file" 2>&1; then
        grep -v 'is ignored: it is neither a file nor a directory' "$log_file" | tail -n 60
        log "ERROR: pip install failed (full log: $log_file)"
        return 1
    fi
    grep -E '^Successfully installed' "$log_file" | cut -c1-400 || true
    "$venv/bin/python" -m pip check || return 1
    printf '%s\n' "$want" >"$stamp"
}

# core_version VENV: the ansible-core series of a venv (2.21).
core_version() {
    "$1/bin/python" -c 'import ansible.release as r; print(".".join(r.__version__.split(".")[:2]))'
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
        --exclude=./.venv-oldest \
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
        "$VENV"/lib/python*/site-packages/ansible_test/_internal/python_requirements.py \
        "$OLDEST_VENV"/lib/python*/site-packages/ansible_test/_internal/python_requirements.py |
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
    setup_venv "$VENV" "$REQUIREMENTS" "$VENV_PYTHON_VERSION" || return 1
    setup_venv "$OLDEST_VENV" "$OLDEST_REQUIREMENTS" "$OLDEST_PYTHON_VERSION" || return 1
    read_collection_name || return 1
    TMPROOT="$(mktemp -d "${TMPDIR:-/tmp}/campaignops-test.XXXXXX")" || return 1
    COLL="$TMPROOT/ansible_collections/$NAMESPACE/$NAME"
    OLDEST_COLL="$TMPROOT/oldest/ansible_collections/$NAMESPACE/$NAME"
    copy_collection "$COLL" || return 1
    copy_collection "$OLDEST_COLL" || return 1
    log "copies: $COLL, and $OLDEST_COLL for the oldest ansible-core's ansible-test runs alongside"
    install_get_pip_standin || return 1
    # Hand the values to the parent shell (the stage runs in a subshell).
    printf '%s\n%s %s\n%s %s %s\n%s %s\n' "$TMPROOT" "$COLL" "$OLDEST_COLL" "$NAMESPACE" "$NAME" "$VERSION" \
        "$(core_version "$VENV")" "$(core_version "$OLDEST_VENV")" >"$SETUP_OUT"
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
    [ -f "$1" ] && return 0
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

# with_venv VENV CMD...: run CMD with VENV's tools first on PATH.
with_venv() {
    local venv="$1"
    shift
    PATH="$venv/bin:$PATH" VIRTUAL_ENV="$venv" "$@"
}

# stage_sanity VENV PYTHON COPY: ansible-test sanity of VENV's ansible-core for module Python
# PYTHON, in the collection copy COPY.
stage_sanity() {
    local venv="$1" version="$2" copy="$3" rc=0
    if ! find_python "$version" >/dev/null; then
        log "ERROR: no Python $version interpreter found (pyenv: ~/.pyenv/versions/$version.*)"
        return 1
    fi
    check_no_sanity_ignores || rc=1
    cd "$copy" || return 1
    log "+ ansible-test sanity --venv --python $version --color no   (ansible-core $(core_version "$venv"))"
    filtered with_venv "$venv" ansible-test sanity --venv --python "$version" --color no || rc=1
    return "$rc"
}

# stage_units VENV PYTHON COPY: ansible-test units of VENV's ansible-core on Python PYTHON, in COPY.
stage_units() {
    local venv="$1" version="$2" copy="$3"
    if ! has_tests "$copy/tests/unit"; then
        log "SKIP: no test files under tests/unit"
        return 77
    fi
    cd "$copy" || return 1
    log "+ ansible-test units --venv --python $version --color no   (ansible-core $(core_version "$venv"))"
    filtered with_venv "$venv" ansible-test units --venv --python "$version" --color no
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

# stage_build VENV: build, install and use the collection with VENV's ansible-core (on PATH).
stage_build() {
    local venv="$1" core
    core="$(core_version "$venv")"
    local build="$TMPROOT/build-$core/ansible_collections/$NAMESPACE/$NAME"
    local dist="$TMPROOT/dist-$core" installed="$TMPROOT/installed-$core" tarball out msg rc module fail=0
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
    log "+ ansible localhost -m $NAMESPACE.$NAME.campaign_info -a 'provider=ocamba api_url=http://127.0.0.1:9 token=x' -e ansible_python_interpreter=$venv/bin/python"
    out="$(ansible localhost -m "$NAMESPACE.$NAME.campaign_info" \
        -a 'provider=ocamba api_url=http://127.0.0.1:9 token=x' \
        -e "ansible_python_interpreter=$venv/bin/python" 2>&1)"
    rc=$?
    printf '%s\n' "$out"
    msg="$(printf '%s\n' "$out" | "$venv/bin/python" -c '
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

# The names of the per-version stages, from the requirement pins (before any venv exists).
stage_matrix() {
    local newest oldest version
    newest="$(pinned_core "$REQUIREMENTS")"
    oldest="$(pinned_core "$OLDEST_REQUIREMENTS")"
    for version in $NEWEST_PYTHONS; do printf 'sanity-%s-py%s\nunits-%s-py%s\n' "$newest" "$version" "$newest" "$version"; done
    for version in $OLDEST_PYTHONS; do printf 'sanity-%s-py%s\nunits-%s-py%s\n' "$oldest" "$version" "$oldest" "$version"; done
    printf 'build-%s\nbuild-%s\npytest-integration-%s\n' "$newest" "$oldest" "$oldest"
}

pinned_core() {
    sed -nE 's/^ansible-core==([0-9]+\.[0-9]+)\..*/\1/p' "$1"
}

main() {
    local version total_start stage i
    total_start=$(date +%s)
    log "campaignops test pipeline: root $ROOT, STAGES=$STAGES"
    if [ "$STAGES" != all ]; then
        local want known ok
        known="setup pytest-unit pytest-integration lint changelog docs importer molecule"
        known="$known $(stage_matrix | tr '\n' ' ')"
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
        { read -r TMPROOT; read -r COLL OLDEST_COLL; read -r NAMESPACE NAME VERSION; read -r NEWEST_CORE OLDEST_CORE; } <"$SETUP_OUT"
        rm -f "$SETUP_OUT"
        [ "${KEEP_TMP:-0}" = 1 ] && log "temporary tree (kept): $TMPROOT"

        PATH="$(build_path)"
        export PATH VIRTUAL_ENV="$VENV"
        unset PYTHONHOME

        run_matrix sanity
        run_matrix units
        run_stage pytest-unit pytest_dir tests/unit
        # Two workers (2 cores): each starts its own simulator on its own port, so their
        # campaigns and machine-wide limiter files (keyed by URL) never meet.
        run_stage pytest-integration pytest_dir tests/integration -n 2
        # The per-provider playbook scenarios again with the oldest ansible-core: change and
        # idempotence, check and diff mode, refusals, module_defaults and the environment.
        run_stage "pytest-integration-$OLDEST_CORE" with_venv "$OLDEST_VENV" pytest_dir tests/integration/test_playbooks.py -n 2 \
            -k "idempotent or check_mode or diff or forbidden or module_defaults or environment or bulk"
        run_stage lint stage_lint
        run_stage changelog stage_changelog
        run_stage docs stage_docs
        run_stage "build-$NEWEST_CORE" with_venv "$VENV" stage_build "$VENV"
        run_stage "build-$OLDEST_CORE" with_venv "$OLDEST_VENV" stage_build "$OLDEST_VENV"
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
