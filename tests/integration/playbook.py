# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run real ``ansible-playbook`` processes and collect each task's registered result.

Each task under test is registered and allowed to fail; a last task (which also runs under
``--check``) writes every registered result to a JSON file, so the tests assert on the
modules' real return values, and separately on the raw output (diff, secrets)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def vendor_env_prefixes():
    """The prefix of every provider's environment variables (``OCAMBA_`` and the like)."""
    # Imported here, not above: conftest imports this module, and the simulator's own tests run
    # without the collection on the Python path.
    from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS  # pylint: disable=import-outside-toplevel
    return tuple(cls.env_prefix + '_' for cls in PROVIDERS.values())


def collections_path(base):
    """A directory holding ``ansible_collections/campaignops/campaigns`` (this checkout), unless the
    environment already provides an installed copy through ANSIBLE_COLLECTIONS_PATH."""
    given = os.environ.get('CAMPAIGNOPS_TEST_COLLECTIONS_PATH')
    if given:
        return given
    target = os.path.join(str(base), 'ansible_collections', 'campaignops')
    os.makedirs(target, exist_ok=True)
    link = os.path.join(target, 'campaigns')
    if not os.path.exists(link):
        os.symlink(REPO_ROOT, link)
    return str(base)


class PlaybookResult:
    def __init__(self, process, results):
        self.process = process
        self.results = results
        self.rc = process.returncode
        self.output = process.stdout + process.stderr

    def __getitem__(self, index):
        return self.results['r{0}'.format(index)]


class PlaybookRunner:
    def __init__(self, collections_dir, workdir, sim_url):
        self.collections_dir = collections_dir
        self.workdir = str(workdir)
        self.sim_url = sim_url
        self.counter = 0

    def environment(self, extra=None):
        env = dict(os.environ)
        for name in list(env):
            # A developer's real vendor credentials must never leak into a test run.
            if name.startswith(vendor_env_prefixes()):
                del env[name]
        env.update({
            'ANSIBLE_COLLECTIONS_PATH': self.collections_dir,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_FORCE_COLOR': '0',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_HOME': os.path.join(self.workdir, 'ansible-home'),
        })
        env.update(extra or {})
        return env

    def run_tasks(self, tasks, check=False, diff=False, env=None, verbosity=0, play_extra=None, extra_args=()):
        """Run ``tasks`` (dicts, as in YAML) in one play on localhost; return a ``PlaybookResult``."""
        self.counter += 1
        out = os.path.join(self.workdir, 'results-{0}.json'.format(self.counter))
        play_tasks = []
        for index, task in enumerate(tasks):
            task = dict(task)
            task.setdefault('register', 'r{0}'.format(index))
            task.setdefault('ignore_errors', True)
            play_tasks.append(task)
        collect = ', '.join("'r{0}': r{0} | default(None)".format(index) for index in range(len(tasks)))
        play_tasks.append({
            'name': 'Collect results',
            'ansible.builtin.copy': {'content': '{{ {' + collect + '} | to_json }}', 'dest': out, 'mode': '0600'},
            'check_mode': False,
            'diff': False,
        })
        play = {'name': 'test', 'hosts': 'localhost', 'gather_facts': False, 'tasks': play_tasks}
        play.update(play_extra or {})
        return self.run_playbook_text(yaml.safe_dump([play], sort_keys=False), out, check, diff, env, verbosity, extra_args)

    def run_playbook_text(self, text, out, check=False, diff=False, env=None, verbosity=0, extra_args=()):
        path = os.path.join(self.workdir, 'playbook-{0}.yml'.format(self.counter))
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
        process = self.run_playbook(path, check, diff, env, verbosity, extra_args)
        results = {}
        if os.path.exists(out):
            with open(out, encoding='utf-8') as handle:
                results = json.load(handle)
        return PlaybookResult(process, results)

    def run_playbook(self, path, check=False, diff=False, env=None, verbosity=0, extra_args=()):
        command = [ansible_playbook(), '-i', 'localhost,', '-c', 'local', path]
        if check:
            command.append('--check')
        if diff:
            command.append('--diff')
        if verbosity:
            command.append('-' + 'v' * verbosity)
        command.extend(extra_args)
        return subprocess.run(command, env=self.environment(env), capture_output=True, text=True, timeout=300, check=False)


def ansible_playbook():
    """The ansible-playbook next to this Python (the venv's), else the one on PATH."""
    candidate = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
    return candidate if os.path.exists(candidate) else shutil.which('ansible-playbook')
