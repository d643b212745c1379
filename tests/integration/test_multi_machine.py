# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Several machines on one vendor account at once (issue 11): "lose nothing".

AWX runs jobs on several execution nodes, each with its own ``/tmp``, so the collection's
client-side limits hold per machine, not per vendor account. Here two, then three
``ansible-playbook`` processes run at once, each with its own ``TMPDIR`` and cache directory (its
own limit files, as on separate machines), each converging its own 30 campaigns of one Ocamba account in one bulk
task, against the simulator's burst and steady limits (lowered to 5/s and 60/min to keep the
run short while still forcing refusals); then three on one Wolkvox token (at most 2 requests in
flight). Every task must succeed, every campaign must end in its target state with exactly one
write the vendor applied, and the refusals (429 / 403) received are printed."""

from __future__ import annotations

import collections
import glob
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.integration.playbook import PlaybookRunner
from tests.integration.vendor_tasks import connection

PER_MACHINE = 30
OCAMBA_LIMITS = {'per_second': 5, 'per_minute': 60}
# The status each vendor's records show once the run reached its target, and where the id is.
TARGET = {'ocamba': ('stopped', 'canceled', 'id'), 'wolkvox': ('paused', 'Stopped', 'campaign_id')}
REFUSED = {'ocamba': 429, 'wolkvox': 403}


class Machines:
    """``count`` machines: each its own runner (work directory, ANSIBLE_HOME) and its own TMPDIR,
    so its own limit files. Their campaign tasks start together, after a barrier, so that they
    really compete for the account."""

    def __init__(self, count, collections_dir, base, sim_url):
        self.base = str(base)
        # Short TMPDIRs: ansible-core 2.21 puts a Unix socket there, whose path may not exceed 107
        # bytes; pytest's tmp_path is too long for it ("Local RPC server did not start").
        self.tmpdirs = [tempfile.mkdtemp(prefix='cm{0}-'.format(index)) for index in range(count)]
        workdirs = [os.path.join(self.base, 'machine{0}'.format(index)) for index in range(count)]
        for workdir in workdirs:
            os.makedirs(workdir)
        self.runners = [PlaybookRunner(collections_dir, workdir, sim_url) for workdir in workdirs]
        self.started = None

    def run(self, tasks):
        """Run ``tasks[i]`` on machine ``i``, all at once; return the runs (the campaign task is
        ``run[2]``) and the seconds from the barrier to the last process's end."""
        barrier = os.path.join(self.base, 'go')
        with ThreadPoolExecutor(len(self.runners)) as pool:
            futures = [pool.submit(self.run_one, index, barrier, machine_tasks) for index, machine_tasks in enumerate(tasks)]
            deadline = time.monotonic() + 120
            while not all(os.path.exists(self.ready(index)) for index in range(len(tasks))) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.started = time.monotonic()
            with open(barrier, 'w', encoding='utf-8'):
                pass
            runs = [future.result() for future in futures]
        return runs, time.monotonic() - self.started

    def ready(self, index):
        return os.path.join(self.base, 'ready{0}'.format(index))

    def run_one(self, index, barrier, machine_tasks):
        tasks = [
            {'name': 'This machine is ready', 'ansible.builtin.file': {'path': self.ready(index), 'state': 'touch', 'mode': '0600'}},
            {'name': 'Wait for every machine', 'ansible.builtin.shell': 'while [ ! -e {0} ]; do sleep 0.05; done'.format(barrier),
             'changed_when': False},
        ] + machine_tasks
        # The limits live under the user's runtime or cache directory: point both at the machine's own.
        tmpdir = self.tmpdirs[index]
        return self.runners[index].run_tasks(tasks, env={'TMPDIR': tmpdir, 'XDG_CACHE_HOME': tmpdir, 'XDG_RUNTIME_DIR': ''})


def bulk_task(provider, url, campaign_ids):
    args = dict(provider=provider, state=TARGET[provider][0], campaigns=[{'campaign_id': cid} for cid in campaign_ids])
    args.update(connection(provider, url))
    return {'name': 'Converge this machine\'s campaigns', 'campaignops.campaigns.campaign_state': args}


def run_machines(sim, provider, count, collections_dir, base):
    """Seed ``count`` x 30 running campaigns, give each machine its own 30 (interleaved), run them
    all at once and check that nothing was lost; return the refusals received."""
    native_running = {'ocamba': 'running', 'wolkvox': 'Started'}[provider]
    spec = {'count': count * PER_MACHINE, 'status': native_running}
    if provider == 'wolkvox':
        spec['type_campaign'] = 'preview'
    ids = [str(cid) for cid in sim.seed({'generate': {provider: spec}})['generated'][provider]]
    shares = [ids[index::count] for index in range(count)]
    machines = Machines(count, collections_dir, base, sim.url)
    try:
        return check_machines(sim, provider, ids, count, machines, shares)
    finally:
        for tmpdir in machines.tmpdirs:
            shutil.rmtree(tmpdir, ignore_errors=True)


def check_machines(sim, provider, ids, count, machines, shares):
    runs, duration = machines.run([[bulk_task(provider, sim.url, share)] for share in shares])
    for run, share in zip(runs, shares):
        assert run.rc == 0, run.output[-4000:]
        result = run[2]
        assert not result.get('failed'), result.get('msg')
        assert [(item['campaign_id'], item['changed'], item.get('failed', False)) for item in result['results']] == [
            (cid, True, False) for cid in share]
    for tmpdir in machines.tmpdirs:
        # Each machine kept its limits in its own cache directory, as on separate machines.
        assert glob.glob(os.path.join(tmpdir, 'campaignops', 'limits-*', '*.rate'))
    return check_nothing_lost(sim, provider, ids, count, duration, machines.started)


def check_nothing_lost(sim, provider, ids, count, duration, started):
    _state, native_target, id_key = TARGET[provider]
    status = dict((str(record[id_key]), record['status']) for record in sim.campaigns()[provider])
    assert [cid for cid in ids if status[cid] != native_target] == []
    log = sim.requests(provider)
    applied = collections.Counter(entry['campaign_id'] for entry in log if entry['write'] and entry['status'] and 200 <= entry['status'] < 300)
    assert applied == collections.Counter(dict((cid, 1) for cid in ids))
    refused = [entry for entry in log if entry['status'] == REFUSED[provider]]
    other = [entry for entry in log if entry['status'] not in (200, 202, 204, REFUSED[provider])]
    assert other == []
    # The simulator logs time.monotonic(), this process's clock too: refusals as seconds after the barrier.
    when = ' '.join('{0}{1:+.1f}s'.format('W' if entry['write'] else 'R', entry['started'] - started) for entry in refused[:40])
    # stderr, outside pytest's capture: with pytest-xdist a worker's stdout does not reach the terminal.
    sys.stderr.write('\n{0}, {1} machines x {2} campaigns at once: {3} requests, at most {4} in flight at once, {5} refused with HTTP '
                     '{6} ({7} of them writes), every campaign applied exactly once; {8:.1f} s from the barrier to the last process\'s end. '
                     'Refusals (R read, W write, seconds after the barrier): {9}{10}\n'.format(
                         provider, count, PER_MACHINE, len(log), most_in_flight(log), len(refused), REFUSED[provider],
                         sum(1 for entry in refused if entry['write']), duration, when or 'none', ' ...' if len(refused) > 40 else ''))
    return refused


def most_in_flight(log):
    events = sorted([(entry['started'], 1) for entry in log] + [(entry['finished'] or entry['started'], -1) for entry in log])
    level = most = 0
    for _moment, change in events:
        level += change
        most = max(most, level)
    return most


@pytest.mark.parametrize('count', [2, 3])
def test_machines_on_one_ocamba_account_lose_nothing(sim, ansible_collections_dir, tmp_path, capsys, count):
    sim.settings(ocamba_limits=OCAMBA_LIMITS)
    with capsys.disabled():
        refused = run_machines(sim, 'ocamba', count, ansible_collections_dir, tmp_path)
    # count x 31 requests against 60 a minute: the vendor must have refused some.
    assert refused


def test_machines_on_one_wolkvox_token_lose_nothing(sim, ansible_collections_dir, tmp_path, capsys):
    # Each machine keeps one request in flight; three of them meet the vendor's 2 per token. The
    # latency keeps each request in flight long enough for the three to overlap on a busy CI machine.
    sim.latency('wolkvox', 200)
    with capsys.disabled():
        refused = run_machines(sim, 'wolkvox', 3, ansible_collections_dir, tmp_path)
    assert refused
