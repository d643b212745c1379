# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile networks and odd input, as a user meets them (issue #15), through real ``ansible``
and ``ansible-playbook`` runs against the simulator:

- a write the vendor applies seconds after the task gave up on its answer is never sent a second
  time, so it cannot land after a later task's write; one that never lands fails saying so;
- ``timeout`` bounds a whole request, also one whose answer trickles in a byte at a time;
- a 300 MB answer fails clearly, and the module's memory stays far below it;
- an ``api_url`` hiding a password and a token HTTP cannot carry are refused before any request,
  naming the option, never echoing the value.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.playbook import ansible_playbook
from tests.integration.vendor_tasks import connection, state_task
from tests.simulator.vendors import BY_NAME as SIMULATED

INFO = 'campaignops.campaigns.campaign_info'
UNKNOWN_OUTCOME = r'the outcome is unknown: the (\w+) call was sent once and not again'
# Generous: the point is seconds instead of minutes, not a precise figure on a loaded machine.
FEW_SECONDS = 15


def applied_writes(sim, provider, campaign_id):
    """The writes to one campaign the simulator applied, whatever answer the module got."""
    return [entry for entry in sim.writes(provider) if entry['campaign_id'] == campaign_id
            and entry['applied_status'] is not None and 200 <= entry['applied_status'] < 300]


def writes_to(sim, provider, campaign_id):
    return [entry for entry in sim.writes(provider) if entry['campaign_id'] == campaign_id]


def campaign_state(sim, provider, campaign_id):
    """The simulator's record of one campaign, as a canonical state (the vendor's test table)."""
    record = [record for record in sim.campaigns()[provider] if str(record.get(SIMULATED[provider].id_key)) == campaign_id][0]
    return VENDORS[provider].SIM_STATES[record['status']]


CLOCK = {'ansible.builtin.debug': {'msg': '{{ now().timestamp() }}'}}


def timed(tasks):
    """Each task between two clock readings: three tasks for each."""
    return [step for task in tasks for step in (CLOCK, task, CLOCK)]


def took(run, index):
    """Seconds the ``index``-th task of a ``timed`` run took (module start-up included)."""
    return float(run[3 * index + 2]['msg']) - float(run[3 * index]['msg'])


def info_task(provider, url, campaign_id, **extra):
    args = dict(provider=provider, campaign_id=campaign_id)
    args.update((name, value) for name, value in connection(provider, url).items() if name != 'action_token')
    args.update(extra)
    return {INFO: args}


def assert_clear_failure(result, provider, campaign_id, pattern, output):
    assert result.get('failed') is True, result
    assert re.search(pattern, result['msg']), result['msg']
    assert '{0} campaign {1}'.format(provider, campaign_id) in result['msg']
    assert 'unexpected error' not in result['msg'] and 'Traceback' not in output and 'MODULE FAILURE' not in output


# ----- 1. a write applied late is never sent twice ---------------------------------------------

# The report's case: Ocamba takes 9 s to apply a pause; the task waits 2 s for an answer.
LATE_PROVIDER = 'ocamba'
LATE_CAMPAIGN = VENDORS[LATE_PROVIDER].FAULT_WRITE_CELLS[0][0]


def test_a_pause_applied_9_s_late_is_sent_once_and_a_resume_right_after_it_lands_last(sim, playbook):
    sim.fault(provider=LATE_PROVIDER, kind='slow', delay_s=9.0, method=VENDORS[LATE_PROVIDER].WRITE_METHOD)
    run = playbook.run_tasks([
        state_task(LATE_PROVIDER, sim.url, LATE_CAMPAIGN, 'paused', timeout=2, wait_timeout=30),
        state_task(LATE_PROVIDER, sim.url, LATE_CAMPAIGN, 'running', timeout=2, wait_timeout=30),
    ])
    pause, resume = run[0], run[1]
    assert not pause.get('failed') and pause['changed'] is True and pause['actions'] == ['pause'], pause
    assert not resume.get('failed') and resume['changed'] is True and resume['actions'] == ['resume'], resume
    log = sim.requests(LATE_PROVIDER)
    assert all(entry['finished'] is not None for entry in log), 'a request still in flight'
    verbs = [entry['path'].rsplit('/', 1)[-1] for entry in writes_to(sim, LATE_PROVIDER, LATE_CAMPAIGN)]
    assert verbs == ['pause', 'resume'], verbs
    assert len(applied_writes(sim, LATE_PROVIDER, LATE_CAMPAIGN)) == 2
    assert campaign_state(sim, LATE_PROVIDER, LATE_CAMPAIGN) == 'running'


def test_a_write_that_never_lands_fails_saying_it_was_sent_once(sim, playbook):
    sim.fault(provider=LATE_PROVIDER, kind='hang', delay_s=30.0, method=VENDORS[LATE_PROVIDER].WRITE_METHOD)
    run = playbook.run_tasks([state_task(LATE_PROVIDER, sim.url, LATE_CAMPAIGN, 'paused', timeout=2, wait_timeout=5)])
    assert_clear_failure(run[0], LATE_PROVIDER, LATE_CAMPAIGN, r'no complete answer within the timeout of 2 s; ' + UNKNOWN_OUTCOME,
                         run.output)
    assert 'wait_timeout=5s' in run[0]['msg'] and 'check the campaign' in run[0]['msg']
    assert len(writes_to(sim, LATE_PROVIDER, LATE_CAMPAIGN)) == 1
    assert applied_writes(sim, LATE_PROVIDER, LATE_CAMPAIGN) == []
    assert campaign_state(sim, LATE_PROVIDER, LATE_CAMPAIGN) == 'running'


# ----- 2. timeout bounds the whole request -----------------------------------------------------

TRICKLE = dict(kind='trickle', interval_s=0.5)


def test_a_trickling_answer_to_a_read_fails_within_seconds(sim, playbook):
    cells = [(provider, VENDORS[provider].FAULT_READ_CELL[0]) for provider in NAMES]
    for provider, _campaign_id in cells:
        sim.fault(provider=provider, method='GET', count=10, **TRICKLE)
    tasks = [dict(info_task(provider, sim.url, campaign_id, timeout=2, retries=1), name='read ' + provider)
             for provider, campaign_id in cells]
    run = playbook.run_tasks(timed(tasks))
    for index, (provider, campaign_id) in enumerate(cells):
        assert_clear_failure(run[3 * index + 1], provider, campaign_id, r'no complete answer within the timeout of 2 s', run.output)
        assert took(run, index) < FEW_SECONDS, '{0}: {1:.1f} s'.format(provider, took(run, index))


def test_a_trickling_answer_to_a_write_is_an_unknown_outcome_never_sent_again(sim, playbook):
    cells = [(provider,) + VENDORS[provider].FAULT_WRITE_CELLS[0] for provider in NAMES]
    for provider, _campaign_id, _target, _actions in cells:
        sim.fault(provider=provider, method=VENDORS[provider].WRITE_METHOD, **TRICKLE)
    tasks = [state_task(provider, sim.url, campaign_id, target, timeout=2, wait_timeout=10) for provider, campaign_id, target, _a in cells]
    run = playbook.run_tasks(timed(tasks))
    for index, (provider, campaign_id, target, actions) in enumerate(cells):
        result = run[3 * index + 1]
        # the write was applied at once, only its answer trickled: the read-back shows it took effect
        assert not result.get('failed') and result['actions'] == actions, result
        assert len(writes_to(sim, provider, campaign_id)) == len(actions)
        assert campaign_state(sim, provider, campaign_id) == target
        assert took(run, index) < FEW_SECONDS, '{0}: {1:.1f} s'.format(provider, took(run, index))


# ----- 3. answers have a size limit ------------------------------------------------------------

OVERSIZED_BYTES = 300 * 1000 * 1000

PEAK_RSS_WRAPPER = '''#!{python}
"""Runs the module with the real interpreter and appends its peak RSS (KiB) to a file."""
import resource, subprocess, sys
code = subprocess.call([{python!r}] + sys.argv[1:])
with open({out!r}, 'a') as handle:
    handle.write('%d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(code)
'''


@pytest.fixture()
def peak_rss(tmp_path):
    """(interpreter, read()): a Python interpreter for ``ansible_python_interpreter`` that records
    each module run's peak resident memory; ``read()`` returns them in MiB."""
    out = tmp_path / 'peak-rss.txt'
    wrapper = tmp_path / 'python-peak-rss'
    wrapper.write_text(PEAK_RSS_WRAPPER.format(python=sys.executable, out=str(out)))
    wrapper.chmod(0o755)

    def read():
        return [int(line) / 1024.0 for line in out.read_text().split()] if out.exists() else []
    return str(wrapper), read


@pytest.mark.parametrize('content_length', [True, False], ids=['with-content-length', 'streamed-without-length'])
def test_a_300_mb_answer_fails_clearly_with_bounded_memory(content_length, sim, playbook, peak_rss):
    interpreter, read_peaks = peak_rss
    cells = [(provider, VENDORS[provider].FAULT_READ_CELL[0]) for provider in NAMES]
    for provider, _campaign_id in cells:
        sim.fault(provider=provider, kind='oversized', size_bytes=OVERSIZED_BYTES, content_length=content_length, method='GET')
    tasks = [dict(info_task(provider, sim.url, campaign_id), vars={'ansible_python_interpreter': interpreter}) for provider, campaign_id in cells]
    run = playbook.run_tasks(tasks)
    peaks = read_peaks()
    # a benchmark figure, not a tight bound: the answer is 300 MB, the cap 16 MiB
    sys.stderr.write('\npeak RSS of the module reading a 300 MB answer ({0}): {1} MiB\n'.format(
        'Content-Length' if content_length else 'no Content-Length', ', '.join('{0} {1:.0f}'.format(p, m) for (p, _c), m in zip(cells, peaks))))
    for index, (provider, campaign_id) in enumerate(cells):
        assert_clear_failure(run[index], provider, campaign_id, r'HTTP 200: answer larger than 16 MiB', run.output)
    assert len(peaks) == len(cells)
    assert max(peaks) < 200, peaks


# ----- 4. refused before any request, without echo ---------------------------------------------

HIDDEN_PASSWORD = '2024/Spring'
# Options whose value travels in a header as it is (no Basic or login encoding on the way).
TOKEN_OPTIONS = ('token', 'data_token', 'action_token', 'access_key')


def adhoc(playbook, module_args):
    """``ansible localhost -m campaign_state -a ...`` as a user types it."""
    words = [os.path.join(os.path.dirname(ansible_playbook()), 'ansible'), 'localhost', '-i', 'localhost,', '-c', 'local',
             '-m', 'campaignops.campaigns.campaign_state', '-a', ' '.join('{0}={1}'.format(key, shlex.quote(str(value)))
                                                                          for key, value in module_args.items())]
    return subprocess.run(words, env=playbook.environment(), capture_output=True, text=True, timeout=120, check=False)


def assert_refused_before_any_request(process, sim, option, never_shown):
    output = process.stdout + process.stderr
    assert process.returncode != 0 and 'FAILED!' in output, output
    assert option in output, output
    for text in never_shown:
        assert text not in output, output
    assert 'Traceback' not in output and 'unexpected error' not in output and 'MODULE FAILURE' not in output, output
    assert sim.requests() == []


@pytest.mark.parametrize('provider', NAMES)
def test_adhoc_api_url_hiding_a_password_is_refused_before_any_request(provider, sim, playbook):
    campaign_id, _before, after, _actions = VENDORS[provider].MOVE
    port = sim.url.rsplit(':', 1)[1]
    args = dict(provider=provider, campaign_id=campaign_id, state=after)
    args.update(connection(provider, sim.url), api_url='http://admin:{0}@127.0.0.1:{1}'.format(HIDDEN_PASSWORD, port))
    process = adhoc(playbook, args)
    assert_refused_before_any_request(process, sim, 'api_url', [HIDDEN_PASSWORD, 'Spring@'])


TOKEN_CASES = [(provider, option) for provider in NAMES for option in TOKEN_OPTIONS if option in PROVIDERS[provider].own_options]


@pytest.mark.parametrize('provider,option', TOKEN_CASES)
def test_adhoc_token_http_cannot_carry_is_refused_without_its_value(provider, option, sim, playbook):
    campaign_id, _before, after, _actions = VENDORS[provider].MOVE
    token = 'tok-secr\u20acet-{0}'.format(option)
    args = dict(provider=provider, campaign_id=campaign_id, state=after)
    args.update(connection(provider, sim.url))
    args[option] = token
    process = adhoc(playbook, args)
    # nor a piece of it, its position or the character that gave it away
    assert_refused_before_any_request(process, sim, option, [token, 'tok-secr', '\u20ac', '\\u20ac', 'position 8', 'UnicodeEncodeError'])
