# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The test pipeline of campaignops.campaigns, declared as nox sessions.

``bash scripts/test.sh`` (and CI's ``.ci/run``) installs nox and antsibull-nox into ``.venv-nox``
and runs every default session; ``.venv-nox/bin/nox -l`` lists them, ``-s NAME`` runs one, and
arguments after ``--`` go to the session's tool (pytest, ansible-test, the demo playbook).

From antsibull-nox (configured in ``antsibull-nox.toml``; none needs a container engine):
``lint`` (yamllint, antsibull-nox's config lint), ``ansible-lint``, ``docs-check``,
``extra-checks``, ``build-import-check`` (build + galaxy-importer) and ``molecule``.

Declared here, because they need more than antsibull-nox offers without a container engine:

* ``sanity-<core>-py<python>``, ``units-<core>-py<python>``: ``ansible-test --venv`` for the newest
  and the oldest ansible-core tested and the lowest and highest module Python of each;
* ``pytest-unit``, ``pytest-integration`` (playbooks against the vendor simulator) and
  ``pytest-integration-<oldest core>`` (the per-provider playbook scenarios again);
* ``changelog``, ``build-<core>`` (build, install, ansible-doc, an ad-hoc smoke test), ``generated``
  (``tests/update_generated.py --check``) and ``demo`` (not a test: ``bash scripts/demo.sh``).

The sessions of one ansible-core share one venv that this file keeps up to date: ``.venv``
(the newest core on Python 3.13, ``requirements-dev.txt``; the demo's and benchmark's venv too)
and ``.venv-oldest`` (the oldest core claimed, ``requirements-oldest.txt``). Each session works
on its own copy of the collection in a temporary ``ansible_collections`` tree (``KEEP_TMP=1``
keeps it); ``SESSION_TIMEOUT`` (seconds, default 1800) stops a hung command. Every session is
tagged with the dash-prefixes of its name: ``-t sanity`` selects every sanity session,
``-t sanity-2.17`` those of ansible-core 2.17, ``-t pytest`` the three pytest sessions."""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import fnmatch
import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
from pathlib import Path

import nox
import yaml

try:
    import antsibull_nox
except ImportError:
    sys.exit('noxfile.py needs antsibull-nox beside nox: bash scripts/test.sh installs both into .venv-nox')

antsibull_nox.load_antsibull_nox_toml()

# Keep the session venvs of antsibull-nox's sessions between runs (their installs are then checks).
nox.options.reuse_venv = 'yes'

ROOT = Path(__file__).resolve().parent
GALAXY = yaml.safe_load((ROOT / 'galaxy.yml').read_text(encoding='utf-8'))
COLLECTION = '{namespace}.{name}'.format(**GALAXY)
SESSION_TIMEOUT = int(os.environ.get('SESSION_TIMEOUT', '1800'))
# pip's complaint about this machine's extra file:// indexes lacking a package, once per package
# that every ansible-test venv installs.
PIP_NOISE = 'is ignored: it is neither a file nor a directory'
# Never copied into the collection copies (paths from the root), and the same names anywhere.
NOT_COPIED = ('.git', '.nox', '.venv*', '.ansible', '.cache', 'tests/output', 'benchmarks/results',
              'changelogs/.plugin-cache.yaml')
NOT_COPIED_ANYWHERE = ('__pycache__', '*.pyc', '*.tar.gz', '.pytest_cache', '.hypothesis')


class Controller:
    """One ansible-core tested: its venv, the Python it runs on and the module Pythons tested."""

    def __init__(self, venv, python, requirements, module_pythons):
        self.venv = ROOT / venv
        self.python = python
        self.requirements = ROOT / requirements
        self.module_pythons = module_pythons
        pins = re.findall(r'^ansible-core==(\d+\.\d+)\.', self.requirements.read_text(encoding='utf-8'), re.M)
        if len(pins) != 1:
            raise ValueError('{0} must pin ansible-core==X.Y.Z exactly once'.format(requirements))
        self.core = pins[0]

    def bin(self, name):
        return str(self.venv / 'bin' / name)


# The newest ansible-core on the Python new users have (the default controller, the demo's), and
# the oldest one meta/runtime.yml claims; module Pythons from tests/config.yml's lowest to the
# highest each core supports.
NEWEST = Controller('.venv', '3.13', 'requirements-dev.txt', ('3.9', '3.13'))
OLDEST = Controller('.venv-oldest', '3.12', 'requirements-oldest.txt', ('3.9', '3.12'))
CONTROLLERS = (NEWEST, OLDEST)


# ----- interpreters, venvs, commands -----------------------------------------------------------

def find_python(version):
    """The real interpreter of Python ``version`` (pyenv's shims do not work inside ansible-test)."""
    pyenv = Path(os.environ.get('PYENV_ROOT') or Path.home() / '.pyenv') / 'versions'
    candidates = sorted(pyenv.glob('{0}.*/bin/python{0}'.format(version)),
                        key=lambda path: [int(n) for n in re.findall(r'\d+', path.parent.parent.name)], reverse=True)
    candidates.append(shutil.which('python' + version))
    for candidate in filter(None, candidates):
        try:
            out = subprocess.run([str(candidate), '-c', 'import sys; print("%d.%d" % sys.version_info[:2]); print(sys.executable)'],
                                 capture_output=True, text=True, check=True).stdout.splitlines()
        except (OSError, subprocess.CalledProcessError):
            continue
        if len(out) == 2 and out[0] == version and os.access(out[1], os.X_OK):
            return out[1]
    return None


@contextlib.contextmanager
def locked(name):
    """Hold a lock file under .nox (sessions run side by side with ``--parallel``)."""
    directory = ROOT / '.nox' / '.locks'
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / name, 'w', encoding='utf-8') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def ensure_venv(session, ctl, requirements=None, enough=None):
    """Create or refresh ``ctl``'s venv from its requirements (a stamp records the file's hash).
    With ``enough`` (modules to import), a venv that imports them is used as it is."""
    requirements = requirements or ctl.requirements
    python = Path(ctl.bin('python'))
    with locked(ctl.venv.name):
        have = subprocess.run([str(python), '-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
                              capture_output=True, text=True, check=False).stdout.strip() if python.exists() else None
        if have and have != ctl.python:
            session.log('removing {0} (Python {1}, want {2})'.format(ctl.venv, have, ctl.python))
            shutil.rmtree(ctl.venv)
            have = None
        stamp = ctl.venv / '.campaignops-requirements.sha256'
        want = '{0} python{1}'.format(hashlib.sha256(requirements.read_bytes()).hexdigest(), ctl.python)
        if have and enough and subprocess.run([str(python), '-c', 'import ' + enough], capture_output=True, check=False).returncode == 0:
            return
        if have and stamp.is_file() and stamp.read_text(encoding='utf-8').strip() == want:
            session.log('venv: {0} is up to date with {1}'.format(ctl.venv.name, requirements.name))
            return
        if not have:
            interpreter = find_python(ctl.python) or session.error(
                'no Python {0} interpreter found (pyenv: ~/.pyenv/versions/{0}.*, or python{0} on PATH)'.format(ctl.python))
            session.log('venv: creating {0} with {1}'.format(ctl.venv, interpreter))
            run(session, interpreter, '-m', 'venv', ctl.venv)
        session.log('venv: installing {0} into {1}'.format(requirements.name, ctl.venv.name))
        rc, out = run(session, python, '-m', 'pip', 'install', '-r', requirements, stream=False, check=False)
        if rc:
            print(''.join(out.splitlines(True)[-60:]))
            session.error('pip install -r {0} failed'.format(requirements.name))
        print('\n'.join(line[:400] for line in out.splitlines() if line.startswith('Successfully installed')))
        run(session, python, '-m', 'pip', 'check')
        if requirements == ctl.requirements:
            stamp.write_text(want + '\n', encoding='utf-8')


def run(session, *args, venv=None, env=None, cwd=None, stream=True, check=True):
    """Run a command (stdout and stderr merged, pip's index noise dropped) and return its exit
    status and output; it and its children are killed after SESSION_TIMEOUT seconds. With
    ``venv`` (a Controller) that venv's tools come first on PATH."""
    args = [str(arg) for arg in args]
    session.log('+ ' + ' '.join(shlex.quote(arg) for arg in args) + ('   (in {0})'.format(cwd) if cwd else ''))
    full_env = dict(os.environ)
    full_env.pop('PYTHONHOME', None)
    if venv is not None:
        full_env.update(PATH='{0}/bin:{1}'.format(venv.venv, full_env['PATH']), VIRTUAL_ENV=str(venv.venv))
    full_env.update((key, str(value)) for key, value in (env or {}).items())
    process = subprocess.Popen(args, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, errors='replace', start_new_session=True)
    timed_out = []
    timer = threading.Timer(SESSION_TIMEOUT, lambda: (timed_out.append(True), os.killpg(process.pid, signal.SIGKILL)))
    timer.start()
    lines = []
    try:
        for line in process.stdout:
            if PIP_NOISE not in line:
                lines.append(line)
                if stream:
                    sys.stdout.write(line)
                    sys.stdout.flush()
        rc = process.wait()
    except BaseException:
        os.killpg(process.pid, signal.SIGKILL)
        raise
    finally:
        timer.cancel()
    if timed_out:
        session.error('{0} timed out after {1}s (SESSION_TIMEOUT)'.format(args[0], SESSION_TIMEOUT))
    if check and rc:
        session.error('{0} exited {1}'.format(' '.join(args[:3]), rc))
    return rc, ''.join(lines)


# ----- the collection's copies -------------------------------------------------------------------

def _not_copied(directory, names):
    relative = Path(directory).relative_to(ROOT)
    return set(name for name in names
               if any(fnmatch.fnmatch((relative / name).as_posix(), pattern) for pattern in NOT_COPIED)
               or any(fnmatch.fnmatch(name, pattern) for pattern in NOT_COPIED_ANYWHERE))


@contextlib.contextmanager
def collection_copy(session, *subdirs):
    """A temporary directory holding a copy of the working tree at
    ``<tmp>/<subdirs>/ansible_collections/<namespace>/<name>``; yields (tmp, copy)."""
    tmp = Path(tempfile.mkdtemp(prefix='campaignops-test.', dir=os.environ.get('TMPDIR', '/tmp')))
    copy = tmp.joinpath(*subdirs) / 'ansible_collections' / GALAXY['namespace'] / GALAXY['name']
    shutil.copytree(ROOT, copy, ignore=_not_copied, symlinks=True)
    try:
        yield tmp, copy
    finally:
        if os.environ.get('KEEP_TMP') == '1':
            session.log('kept the temporary tree {0} (KEEP_TMP=1)'.format(tmp))
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def has_tests(path):
    return path.is_file() or any(path.rglob('test_*.py')) or any(path.rglob('*_test.py'))


def keep_reports(copy):
    """Keep ansible-test's reports (junit, bot output) in the working tree's tests/output (gitignored)."""
    if (copy / 'tests' / 'output').is_dir():
        shutil.copytree(copy / 'tests' / 'output', ROOT / 'tests' / 'output', ignore=shutil.ignore_patterns('.tmp'), dirs_exist_ok=True)


# ----- ansible-test ----------------------------------------------------------------------------------

def install_get_pip_standin(session, ctl):
    """``ansible-test --venv`` bootstraps pip in each venv with a get-pip script downloaded from a host
    this machine cannot reach, unless ~/.ansible/test/cache holds one: put the offline stand-in there."""
    pattern = 'lib/python*/site-packages/ansible_test/_internal/python_requirements.py'
    versions = set(re.findall(r"pip='(\d[\d.]*\d)'", ''.join(p.read_text(encoding='utf-8') for p in ctl.venv.glob(pattern))))
    if not versions:
        session.error('could not read the pip version from ansible_test/_internal/python_requirements.py')
    standin = ROOT / 'scripts' / 'lib' / 'get_pip_standin.py'
    cache = Path.home() / '.ansible' / 'test' / 'cache'
    cache.mkdir(parents=True, exist_ok=True)
    for version in sorted(versions):
        target = cache / 'get_pip_{0}.py'.format(version.replace('.', '_'))
        if target.is_file() and not target.read_text(encoding='utf-8').startswith('# campaignops-get-pip-standin'):
            session.log('get-pip: using the existing bootstrap script {0}'.format(target))
        else:
            if not target.is_file() or target.read_bytes() != standin.read_bytes():
                partial = target.with_name('{0}.{1}'.format(target.name, os.getpid()))
                shutil.copyfile(standin, partial)
                os.replace(partial, target)  # whole, for an ansible-test running beside this session
            session.log('get-pip: offline stand-in for pip {0} at {1}'.format(version, target))


def ansible_test(session, ctl, kind, python):
    ensure_venv(session, ctl)
    install_get_pip_standin(session, ctl)
    interpreter = find_python(python) or session.error(
        'no Python {0} interpreter found (pyenv: ~/.pyenv/versions/{0}.*)'.format(python))
    errors = []
    if kind == 'units' and not has_tests(ROOT / 'tests' / 'unit'):
        session.skip('no test files under tests/unit')
    if kind == 'sanity':
        for ignore in sorted((ROOT / 'tests' / 'sanity').glob('ignore-*.txt')):
            entries = [line for line in ignore.read_text(encoding='utf-8').splitlines() if line.strip() and not line.strip().startswith('#')]
            if entries:
                print('ERROR: {0} has ignore entries; fix the code instead:\n{1}'.format(ignore.relative_to(ROOT), '\n'.join(entries)))
                errors.append(str(ignore.relative_to(ROOT)))
    with collection_copy(session) as (_tmp, copy):
        path = os.pathsep.join([ctl.bin(''), os.path.dirname(interpreter), os.environ['PATH']])
        rc, out = run(session, 'ansible-test', kind, '--venv', '--python', python, '--color', 'no',
                      venv=ctl, cwd=copy, env={'PATH': path}, check=False)
        keep_reports(copy)
    if rc:
        errors.append('ansible-test {0} exited {1}'.format(kind, rc))
    # A test whose program is missing (say, shellcheck) is skipped with a mere warning.
    errors.extend(sorted(set(re.findall(r'WARNING: (Required program "[^"]+" not found)', out))))
    if errors:
        session.error('; '.join(errors))


def declare(name, doc, body, *args):
    """A session ``name`` that calls ``body(session, *args)``."""
    def session_function(session):
        body(session, *args)
    session_function.__doc__ = doc
    nox.session(name=name, python=False)(session_function)


for _ctl in CONTROLLERS:
    for _python in _ctl.module_pythons:
        declare('sanity-{0}-py{1}'.format(_ctl.core, _python), 'ansible-test sanity (no ignore entries) with ansible-core {0}, '
                'modules on Python {1}'.format(_ctl.core, _python), ansible_test, _ctl, 'sanity', _python)
        declare('units-{0}-py{1}'.format(_ctl.core, _python), 'ansible-test units with ansible-core {0}, '
                'modules on Python {1}'.format(_ctl.core, _python), ansible_test, _ctl, 'units', _python)


# ----- pytest ------------------------------------------------------------------------------------

def pytest(session, ctl, target, *args):
    """Plain pytest of ``target`` in a copy of the collection, importable from the copy's tree."""
    ensure_venv(session, ctl)
    with collection_copy(session) as (tmp, copy):
        if not has_tests(copy / target):
            session.skip('no test files under {0}'.format(target))
        env = {'PYTHONPATH': os.pathsep.join(filter(None, [str(tmp), os.environ.get('PYTHONPATH')])),
               'ANSIBLE_COLLECTIONS_PATH': tmp, 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false'}
        rc, _out = run(session, ctl.bin('python'), '-m', 'pytest', '-p', 'no:pytest-ansible', '-p', 'no:cacheprovider',
                       '--durations=10', *args, *session.posargs, target, venv=ctl, cwd=copy, env=env, check=False)
    if rc == 5:
        session.error('pytest collected no tests from {0} although it holds test files'.format(target))
    if rc:
        session.error('pytest exited {0}'.format(rc))


@nox.session(name='pytest-unit', python=False)
def pytest_unit(session):
    """pytest of tests/unit (the fast path), newest ansible-core"""
    pytest(session, NEWEST, 'tests/unit')


@nox.session(name='pytest-integration', python=False)
def pytest_integration(session):
    """pytest of tests/integration: playbooks against the vendor simulator, newest ansible-core"""
    # Two workers (2 cores): each starts its own simulator on its own port, so their campaigns and
    # machine-wide limiter files (keyed by URL) never meet.
    pytest(session, NEWEST, 'tests/integration', '-n', '2')


@nox.session(name='pytest-integration-' + OLDEST.core, python=False)
def pytest_integration_oldest(session):
    """the per-provider playbook scenarios (test_playbooks.py) with the oldest ansible-core"""
    # Change and idempotence, check and diff mode, refusals, module_defaults and the environment.
    pytest(session, OLDEST, 'tests/integration/test_playbooks.py', '-n', '2', '-k',
           'idempotent or check_mode or diff or forbidden or module_defaults or environment or bulk')


# ----- changelog, build, generated files ------------------------------------------------------------

@nox.session(python=False)
def changelog(session):
    """antsibull-changelog lint and lint-changelog-yaml; CHANGELOG.rst as changelog.yaml generates
    it; while galaxy.yml's version is unreleased, a rehearsal of its release in a copy"""
    ensure_venv(session, NEWEST)
    version = str(GALAXY['version'])
    failed = []
    with collection_copy(session) as (tmp, copy):
        env = {'ANSIBLE_COLLECTIONS_PATH': tmp}
        for args in (['lint'], ['lint-changelog-yaml', 'changelogs/changelog.yaml']):
            if run(session, 'antsibull-changelog', *args, venv=NEWEST, cwd=copy, env=env, check=False)[0]:
                failed.append('antsibull-changelog ' + args[0])
        releases = (yaml.safe_load((copy / 'changelogs' / 'changelog.yaml').read_text(encoding='utf-8')) or {}).get('releases') or {}
        if releases:
            run(session, 'antsibull-changelog', 'generate', venv=NEWEST, cwd=copy, env=env)
            committed = ROOT / 'CHANGELOG.rst'
            if not committed.is_file():
                failed.append('changelogs/changelog.yaml has releases but CHANGELOG.rst is not committed')
            else:
                diff = list(difflib.unified_diff(committed.read_text(encoding='utf-8').splitlines(True),
                                                 (copy / 'CHANGELOG.rst').read_text(encoding='utf-8').splitlines(True),
                                                 'CHANGELOG.rst (committed)', 'CHANGELOG.rst (generated)'))
                if diff:
                    print(''.join(diff))
                    failed.append("CHANGELOG.rst is out of date: run 'antsibull-changelog generate' and commit it")
        else:
            session.log('note: changelogs/changelog.yaml has no release yet')
        if version not in releases:
            # The version is not released yet: rehearse its release in the copy (fragments, new
            # plugins) so that `antsibull-changelog release` works when the time comes.
            run(session, 'antsibull-changelog', 'release', '--version', version, venv=NEWEST, cwd=copy, env=env)
            print('--- CHANGELOG.rst that the release of {0} would produce:'.format(version))
            print((copy / 'CHANGELOG.rst').read_text(encoding='utf-8'))
    if failed:
        session.error('; '.join(failed))


# The plugin types ansible-doc must render, and where they live.
PLUGIN_DIRS = {'module': 'modules', 'inventory': 'inventory'}


def build(session, ctl):
    """Build, install and use the collection with ``ctl``'s ansible-core."""
    ensure_venv(session, ctl)
    failed = []
    with collection_copy(session, 'build') as (tmp, copy):
        dist, installed = tmp / 'dist', tmp / 'installed'
        run(session, 'ansible-galaxy', 'collection', 'build', '--output-path', dist, venv=ctl, cwd=copy)
        tarball = next(dist.glob('*.tar.gz'))
        with tarfile.open(tarball) as archive:
            files = [member.name for member in archive.getmembers() if not member.isdir()]
        print('tarball: {0}, {1} KiB, {2} files'.format(tarball.name, tarball.stat().st_size // 1024, len(files)))
        unwanted = [name for name in files if re.search(r'(^|/)(\.venv[^/]*|\.nox|\.git|tests/output|__pycache__|\.pytest_cache)(/|$)', name)]
        if unwanted:
            print('\n'.join(unwanted))
            failed.append('the tarball holds files that must not be shipped (above)')
        env = {'ANSIBLE_COLLECTIONS_PATH': installed, 'ANSIBLE_COLLECTIONS_SCAN_SYS_PATH': 'false'}
        run(session, 'ansible-galaxy', 'collection', 'install', '--offline', '-p', installed, tarball, venv=ctl, cwd=tmp, env=env)
        for kind in ('module', 'inventory'):
            for plugin in sorted(path.stem for path in (ROOT / 'plugins' / PLUGIN_DIRS[kind]).glob('*.py') if path.stem != '__init__'):
                rc, out = run(session, 'ansible-doc', '-t', kind, '{0}.{1}'.format(COLLECTION, plugin), venv=ctl, cwd=tmp, env=env,
                              stream=False, check=False)
                print(''.join(out.splitlines(True)[:15]))
                if rc or 'OPTIONS' not in out:
                    print(''.join(out.splitlines(True)[-20:]))
                    failed.append('ansible-doc -t {0} {1}: exit {2} or no OPTIONS section'.format(kind, plugin, rc))
                else:
                    print('ok: ansible-doc renders {0} {1}'.format(kind, plugin))
        failed.extend(smoke_test(session, ctl, tmp, env))
    if failed:
        session.error('; '.join(failed))


def smoke_test(session, ctl, tmp, env):
    """An ad-hoc run from the installed copy against a closed port must fail cleanly, with the
    module's own message: ansible-core 2.19+ hides tracebacks and reports an unhandled exception
    as "Task failed: Module failed: <exception>" (a result without a msg of the module's own)."""
    rc, out = run(session, 'ansible', 'localhost', '-m', COLLECTION + '.campaign_info',
                  '-a', 'provider=ocamba api_url=http://127.0.0.1:9 token=x', '-e', 'ansible_python_interpreter=' + ctl.bin('python'),
                  venv=ctl, cwd=tmp, env=env, check=False)
    marker = out.find('=> {')
    try:
        msg = json.JSONDecoder().raw_decode(out[marker + 3:])[0].get('msg', '') if marker >= 0 else ''
    except ValueError:
        msg = ''
    if rc == 0:
        return ['the ad-hoc run against a closed port succeeded; it must fail']
    if 'could not connect' not in out.lower():
        return ["the ad-hoc failure does not say 'could not connect'"]
    if 'Traceback' in out:
        return ['the ad-hoc failure shows a Traceback']
    if 'MODULE FAILURE' in out or msg.startswith('Task failed: '):
        return ["the module raised an unhandled exception (result msg: '{0}') instead of failing with fail_json".format(msg)]
    print("ok: ad-hoc run failed cleanly (exit {0}) with 'could not connect'".format(rc))
    return []


for _ctl in CONTROLLERS:
    declare('build-' + _ctl.core, 'ansible-galaxy collection build + install, ansible-doc and an ad-hoc smoke test with '
            'ansible-core ' + _ctl.core, build, _ctl)


@nox.session(python=False)
def generated(session):
    """tests/update_generated.py --check: what repeats the provider registry is up to date"""
    script = ROOT / 'tests' / 'update_generated.py'
    if not script.is_file():
        session.error('tests/update_generated.py is missing: it writes and checks what repeats the provider registry')
    ensure_venv(session, NEWEST)
    run(session, NEWEST.bin('python'), script, '--check', venv=NEWEST, cwd=ROOT)


@nox.session(python=False, default=False)
def demo(session):
    """the demo (bash scripts/demo.sh): playbooks/demo.yml against the vendor simulator, twice"""
    ensure_venv(session, NEWEST, requirements=ROOT / 'requirements.txt', enough='ansible, requests')
    with session.chdir(session.invoked_from):  # the caller's directory, for paths like -e @my-campaigns.yml
        session.run(NEWEST.bin('python'), str(ROOT / 'scripts' / 'demo.py'), *session.posargs, external=True)


# ----- adjustments to antsibull-nox's sessions, and the tags -------------------------------------------

def _fail_on_importer_warnings():
    """antsibull-nox's build-import-check fails when galaxy-importer fails and only warns about the
    ERROR lines of its log; Galaxy shows its WARNING lines to users too, so both fail here."""
    registered = nox.registry.get()['build-import-check']
    check = registered.func

    def strict(session):
        logs = []
        original = nox.Session.run

        def recording_run(self, *args, **kwargs):
            output = original(self, *args, **kwargs)
            if 'galaxy_importer.main' in args and isinstance(output, str):
                logs.append(output)
            return output
        nox.Session.run = recording_run
        try:
            check(session)
        finally:
            nox.Session.run = original
        if not logs:
            session.error('galaxy-importer did not run')
        bad = [line for log in logs for line in log.splitlines() if line.startswith(('WARNING', 'ERROR'))]
        if bad:
            session.error('galaxy-importer reported warnings or errors:\n' + '\n'.join(bad))
        session.log('ok: galaxy-importer imported the collection with no warning')
    registered.func = strict


def _tag_and_allow_parallel():
    """Tag every session with the dash-prefixes of its name, and let it run beside others under
    ``--parallel`` (each works in its own copies and venvs; the shared venvs are locked), except
    the simulator's timing-sensitive playbook tests and molecule (its simulator has a fixed port)."""
    for name, func in nox.registry.get().items():
        parts = name.split('-')
        func.tags = sorted(set(func.tags) | set('-'.join(parts[:i]) for i in range(1, len(parts) + 1)))
        if func.allow_parallel is None:
            func.allow_parallel = not name.startswith(('pytest-integration', 'molecule'))


_fail_on_importer_warnings()
_tag_and_allow_parallel()
