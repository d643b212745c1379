# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``connections`` (issue 15): a bulk task over several vendors takes each vendor's credentials
from vaulted variables, and no secret reaches the ``-vvv`` output, the module's command line or
its environment, which is where the task keyword ``environment`` puts them.

The process checks read ``/proc`` while the module runs: the command line and the environment of
every process of this test's run that executes the module (marked by a variable of the run's own,
since other playbooks may run on the machine at the same time)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid

import pytest
import yaml

from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    CREDENTIAL_OPTIONS, ITEM_OPTIONS, SECRET_OPTIONS, connection_options)
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.playbook import ansible_playbook, vendor_env_prefixes
from tests.integration.vendor_tasks import connection, environment
from tests.simulator import DEFAULT_CREDENTIALS

STATE = 'campaignops.campaigns.campaign_state'
# Three vendors of the registry, each with other kinds of credentials in the bundled test data.
THREE = NAMES[:3]
# Every secret of the simulator's accounts: the credentials that are not user names or key ids.
SECRETS = sorted(set(secret for creds in DEFAULT_CREDENTIALS.values() for key, value in creds.items()
                     if key not in set(CREDENTIAL_OPTIONS) - set(SECRET_OPTIONS)
                     for secret in (value if isinstance(value, list) else [value])))
MODULE_FILE = b'AnsiballZ_campaign_state'
# The interpreter that runs the module (the runner sets ANSIBLE_PYTHON_INTERPRETER to it); Ansible's
# other commands on the module's file (chmod) run without the task's environment.
INTERPRETER = sys.executable.encode('utf-8')
RUN_MARKER = 'CAMPAIGNOPS_TEST_CONNECTIONS_RUN'
# Long enough per vendor request for the module process to be seen in /proc.
LATENCY_MS = 700

pytestmark = pytest.mark.skipif(not os.path.isdir('/proc/self'), reason='reads the processes of the run from /proc')


def connections_entry(provider, url):
    """The simulator's endpoint and credentials of ``provider`` as its entry of ``connections``."""
    allowed = connection_options(PROVIDERS[provider])
    return dict((option, value) for option, value in connection(provider, url).items() if option in allowed)


def campaign_item(provider, url):
    """The campaign of ``provider`` the task moves, with the per-campaign options of its test data (iSales' VDN)."""
    campaign_id, _before, target, _actions = VENDORS[provider].MOVE
    item = dict((option, value) for option, value in connection(provider, url).items() if option in ITEM_OPTIONS)
    item.update(provider=provider, campaign_id=campaign_id, state=target)
    return item


class ProcessWatch:
    """While active, snapshots (command line, environment) of each process that runs the module
    (the shell that starts it, and the interpreter) and carries ``marker`` in its environment, by
    process id."""

    def __init__(self, marker):
        self.marker = '{0}={1}'.format(RUN_MARKER, marker).encode('utf-8')
        self.snapshots = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join()

    def _watch(self):
        while not self._stop.is_set():
            for pid in os.listdir('/proc'):
                if pid.isdigit():
                    self._look_at(pid)
            self._stop.wait(0.02)

    def _look_at(self, pid):
        try:
            with open('/proc/{0}/cmdline'.format(pid), 'rb') as handle:
                command_line = handle.read()
            if MODULE_FILE not in command_line or INTERPRETER not in command_line:
                return
            with open('/proc/{0}/environ'.format(pid), 'rb') as handle:
                environ = handle.read()
        except OSError:  # gone already, or not ours
            return
        if self.marker in environ.split(b'\0'):
            self.snapshots[pid] = (command_line.replace(b'\0', b' ').decode('utf-8', 'replace'),
                                   environ.replace(b'\0', b'\n').decode('utf-8', 'replace'))


def watched_run(playbook, sim, tasks, **kwargs):
    """``(run, snapshots)``: ``tasks`` run at -vvv with the vendors slowed down, and what the
    module's processes showed of themselves meanwhile."""
    marker = uuid.uuid4().hex
    sim.latency('*', LATENCY_MS)
    with ProcessWatch(marker) as watch:
        run = playbook.run_tasks(tasks, verbosity=3, env={RUN_MARKER: marker}, **kwargs)
    sim.latency('*', 0)
    return run, list(watch.snapshots.values())


def exec_lines(output):
    """The lines where Ansible shows the command that starts the module."""
    return [line for line in output.splitlines() if 'EXEC' in line]


def shown(secrets, text):
    return [secret[:4] + '...' for secret in secrets if secret in text]


def vaulted_vars(playbook, tmp_path, variables):
    """A vars file holding ``variables``, encrypted with ansible-vault; returns (its path, the password file)."""
    password_file, vars_file = tmp_path / 'vault-password', tmp_path / 'vendor-connections.yml'
    password_file.write_text(uuid.uuid4().hex, encoding='utf-8')
    vars_file.write_text(yaml.safe_dump(variables), encoding='utf-8')
    vault = os.path.join(os.path.dirname(ansible_playbook()), 'ansible-vault')
    subprocess.run([vault, 'encrypt', '--vault-password-file', str(password_file), str(vars_file)], env=playbook.environment(),
                   capture_output=True, text=True, timeout=120, check=True)
    assert SECRETS[0] not in vars_file.read_text(encoding='utf-8')
    return str(vars_file), str(password_file)


def test_connections_over_three_vendors_change_the_campaigns_and_show_no_secret(sim, playbook, tmp_path):
    vars_file, password_file = vaulted_vars(playbook, tmp_path, {
        'vendor_connections': dict((provider, connections_entry(provider, sim.url)) for provider in THREE)})
    task = {STATE: {'campaigns': [campaign_item(provider, sim.url) for provider in THREE],
                    'connections': '{{ vendor_connections }}'}}
    run, snapshots = watched_run(playbook, sim, [task], play_extra={'vars_files': [vars_file]},
                                 extra_args=('--vault-password-file', password_file))
    assert run.rc == 0, run.output
    assert [(item['provider'], item['campaign_id'], item['actions']) for item in run[0]['results']] == [
        (provider, VENDORS[provider].MOVE[0], VENDORS[provider].MOVE[3]) for provider in THREE]
    for provider in THREE:
        assert len(sim.writes(provider)) == len(VENDORS[provider].MOVE[3]), (provider, sim.writes(provider))
    assert shown(SECRETS, run.output) == []
    assert [line for line in exec_lines(run.output) if MODULE_FILE.decode() in line], run.output
    assert [line for line in exec_lines(run.output) if any(prefix in line for prefix in vendor_env_prefixes())] == []
    assert snapshots, 'the module process was not seen while it ran'
    assert [shown(SECRETS, '\n'.join(snapshot)) for snapshot in snapshots] == [[]] * len(snapshots)


def test_the_environment_keyword_shows_the_secrets_connections_keep_hidden(sim, playbook):
    # The documented reason for connections, and a control that the checks above can see a leak.
    provider = THREE[0]
    task = {STATE: {'campaigns': [campaign_item(provider, sim.url)]}, 'environment': environment(provider, sim.url)}
    run, snapshots = watched_run(playbook, sim, [task])
    assert run.rc == 0, run.output
    secrets = [value for option, value in connection(provider, sim.url).items() if option in SECRET_OPTIONS]
    assert secrets
    assert shown(secrets, '\n'.join(exec_lines(run.output))) == shown(secrets, ''.join(secrets))
    assert snapshots and all(shown(secrets, '\n'.join(snapshot)) for snapshot in snapshots)
