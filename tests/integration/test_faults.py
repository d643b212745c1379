# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection: real ``ansible-playbook -vvv`` runs against the simulator while it fails.

Every cell of the matrix provider x fault x phase (the fault hits the status read, or the
write) is judged from the outside, the way an operator would:

- **survived**: the task converged (``changed``, the vendor calls expected) and the simulator's
  campaign really is in the target state;
- **failed clearly**: the task failed with a message that names the provider, the campaign and
  what happened, without a traceback, and nothing else went wrong.

Whatever the outcome, every cell must show zero false successes (a success while the
simulator's campaign is not in the target state), zero duplicate applied writes (two writes
of the same transition to one campaign that the vendor applied, whether or not the module got
the answer) and zero secrets in the ``-vvv`` output.

Phases: ``read`` (the fault hits the status read; single form, one paused campaign started
again), ``write`` (the fault hits the first write to arrive; bulk form, two running campaigns
paused at once, on 8x8 one of them through the two-step path running -> paused -> purged) and
``read-back`` (the write is applied but its answer lost, then the read-back meets a fault).
Besides the single faults the matrix has their persistent variants (beyond the retry budget),
and the faults of a hostile network: a write applied seconds after the module gave up on it, an
answer that trickles in a byte at a time, an answer of 300 MB.

A write whose outcome is unknown (no complete answer, a 5xx, an unreadable answer) is never
sent again: the module reads the campaign back for up to ``wait_timeout`` (short here, so the
matrix stays fast), so such a write cell survives when the simulator applied the write and
fails clearly ("the outcome is unknown ... sent once") when it did not.

"Applied" is judged from the request log alone: ``applied_status``, the simulator's own answer
when it processed the request, is 2xx (also when a fault then delayed, dropped or spoiled the
answer). An iSales refusal also answers HTTP 200, so a resent iSales write would count as a
duplicate even if refused: conservative.

One playbook per fault kind runs every provider's cells in sequence: before each cell a
controller-side lookup (no module run) replaces the simulator's fault queue with that cell's
faults, so a fault can never leak into the next cell. Cells the collection gets wrong today
run as separate tests marked ``xfail(strict=True)`` (see KNOWN_BUGS).

At the end of the session the suite prints the table provider x fault -> outcome and the counts
(with pytest-xdist, the last worker to finish prints the merged table)."""

from __future__ import annotations

import base64
import collections
import fcntl
import json
import os
import re
import shlex
import sys
import time

import pytest

from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.vendor_tasks import connection
from tests.simulator import DEFAULT_CREDENTIALS
from tests.simulator.vendors import BY_NAME as SIMULATED


class Fault:
    """A fault kind of the matrix. ``specs(phase, provider)`` are the simulator faults of one cell,
    queued in order (the simulator gives each request the first fault that matches it)."""

    def __init__(self, label, spec, extra=None, providers=None, phases=('read', 'write'), readback=None, campaign=0, lost=None):
        """``lost``: the fault never lets the write reach the vendor; the regex of what the module
        then says happened, before it says the outcome is unknown."""
        self.label = label
        self.lost = lost
        self.campaign = campaign
        self.spec = spec
        self.extra = extra or {}
        self.providers = providers or NAMES
        self.phases = phases
        self.readback = readback

    def specs(self, phase, provider):
        method = 'GET' if phase == 'read' else VENDORS[provider].WRITE_METHOD
        fault = dict(self.spec, provider=provider, method=method)
        if phase != 'read-back':
            return [fault]
        # The first read must pass, the write fails ambiguously, then the read-back meets the second fault:
        # a zero-delay "slow" fault answers the first GET normally and uses up its place in the queue.
        return [dict(provider=provider, method='GET', kind='slow', delay_s=0.0), fault,
                dict(self.readback, provider=provider, method='GET')]


# How long a write whose outcome is unknown is read back in the matrix (the module's default is 120 s).
WAIT_TIMEOUT = 4
# Later than a module that resends would send again (the old grace period: max(5, 2 x timeout)
# after giving up), so a resend would be applied before this write lands, and twice in all.
LATE_APPLY_S = 8.0
NO_ANSWER = r'no (complete )?answer within the timeout'
CONNECTION_LOST = r'(?i:reset|connection|aborted|closed)'

FAULTS = collections.OrderedDict([
    ('http_429', Fault('429 + Retry-After: 1', {'kind': 'http_429', 'retry_after': '1'})),
    ('http_503_burst', Fault('503 burst (3, within retries)', {'kind': 'http_503', 'count': 3}, lost=r'HTTP 503')),
    ('http_503_persistent', Fault('503 persistent (beyond retries)', {'kind': 'http_503', 'count': 50}, lost=r'HTTP 503')),
    ('slow', Fault('answer after 2 s, timeout 1 s', {'kind': 'slow', 'delay_s': 2.0}, extra={'timeout': 1})),
    ('late_apply', Fault('applied 8 s late, no answer, timeout 1 s', {'kind': 'late_apply', 'delay_s': LATE_APPLY_S},
                         extra={'timeout': 1, 'wait_timeout': 3 * WAIT_TIMEOUT})),
    ('slow_answer', Fault('applied, answer after 3 s, timeout 1 s', {'kind': 'slow_answer', 'delay_s': 3.0}, extra={'timeout': 1})),
    ('hang', Fault('never applied, silent 3 s, timeout 1 s', {'kind': 'hang', 'delay_s': 3.0}, extra={'timeout': 1}, lost=NO_ANSWER)),
    ('trickle', Fault('answer 1 byte per 0.5 s, timeout 1 s', {'kind': 'trickle', 'interval_s': 0.5}, extra={'timeout': 1})),
    ('oversized', Fault('200 with 300 MB of JSON', {'kind': 'oversized'})),
    ('oversized_no_length', Fault('200 with 300 MB, no Content-Length', {'kind': 'oversized', 'content_length': False})),
    ('reset_before', Fault('reset before applying', {'kind': 'reset_before'}, lost=CONNECTION_LOST)),
    ('reset_before_persistent', Fault('reset before, persistent', {'kind': 'reset_before', 'count': 50}, lost=CONNECTION_LOST)),
    ('reset_after', Fault('reset after applying', {'kind': 'reset_after'})),
    ('malformed_json', Fault('200 with malformed JSON', {'kind': 'malformed_json'}, lost=r'not JSON')),
    ('html_error', Fault('502 HTML error page', {'kind': 'html_error'}, lost=r'HTTP 502')),
    ('http_401', Fault('401 authentication', {'kind': 'http_401'})),
    ('wolkvox_403_concurrency', Fault('Wolkvox 403 concurrency', {'kind': 'wolkvox_403_concurrency'}, providers=['wolkvox'])),
    ('business_error', Fault('vendor business error', {'kind': 'business_error'})),
    # The write is applied but its answer lost, then the read-back itself meets a fault.
    ('reset_after+readback_503', Fault('reset after, read-back 503 x2', {'kind': 'reset_after'}, phases=('read-back',),
                                       readback={'kind': 'http_503', 'count': 2}, campaign=0)),
    ('reset_after+readback_401', Fault('reset after, read-back 401', {'kind': 'reset_after'}, phases=('read-back',),
                                       readback={'kind': 'http_401'}, campaign=1)),
    ('reset_after+readback_401_persistent', Fault('reset after, read-back 401 persistent', {'kind': 'reset_after'}, phases=('read-back',),
                                                  readback={'kind': 'http_401', 'count': 50}, campaign=1)),
])
PHASES = ('read', 'write', 'read-back')

SURVIVED = 'survived'
FAILED_CLEARLY = 'failed clearly'
FALSE_SUCCESS = 'FALSE SUCCESS'
DUPLICATE = 'DUPLICATE'
UNCLEAR = 'FAILED UNCLEARLY'
NOT_CONVERGED = 'NOT CONVERGED'
SECRET = 'SECRET LEAKED'
NOT_FIRED = 'FAULT NOT FIRED'


UNKNOWN_OUTCOME = r'the outcome is unknown: the \w+ call was sent once and not again'


def expected_outcome(provider, fault, phase):
    """The correct outcome of a cell: (SURVIVED, None) or (FAILED_CLEARLY, regex the message must match).

    Reads are safe to repeat: transport errors (no complete answer within the timeout included),
    429 and 502/503/504 are retried; an answer that is unreadable, too large or a definite refusal
    (401, vendor business error, 500) fails. A write whose outcome is unknown (no complete answer,
    reset, 5xx, unreadable or too large body) is never sent again: the campaign is read back until
    it shows the write took effect (survived) or ``wait_timeout`` passes (failed clearly, the
    outcome unknown), reads that fail meanwhile being tried again. A definite refusal fails
    without a resend, and so does a refusal read as "wrong state" (Wolkvox's 400) when the
    read-back shows the campaign did not move. Throttling (429, Wolkvox's 403) says the write was
    not processed: it is sent again once the vendor allows."""
    if fault == 'http_401':
        return FAILED_CLEARLY, r'HTTP 40[13]'
    if phase == 'read':
        return _expected_read(provider, fault)
    if phase == 'read-back':
        if fault == 'reset_after+readback_401_persistent':
            # The write may have been applied: the message must say so, and that the read-back failed.
            return FAILED_CLEARLY, r'(?s){0}.*reading it back failed: .*HTTP 40[13]'.format(UNKNOWN_OUTCOME)
        return SURVIVED, None
    if fault == 'business_error':
        if VENDORS[provider].BUSINESS_ERROR_IS_FINAL:
            return FAILED_CLEARLY, VENDORS[provider].BUSINESS_ERROR_PATTERN
        # A 5xx: the vendor may have applied it before failing; it did not here.
        return FAILED_CLEARLY, r'(?s)(?:{0}).*{1}'.format(VENDORS[provider].BUSINESS_ERROR_PATTERN, UNKNOWN_OUTCOME)
    if FAULTS[fault].lost:
        return FAILED_CLEARLY, r'(?s)(?:{0}).*{1}'.format(FAULTS[fault].lost, UNKNOWN_OUTCOME)
    return SURVIVED, None


def _expected_read(provider, fault):
    if fault == 'http_503_persistent':
        return FAILED_CLEARLY, r'HTTP 503'
    if fault == 'reset_before_persistent':
        return FAILED_CLEARLY, CONNECTION_LOST
    if fault == 'malformed_json':
        return FAILED_CLEARLY, r'not JSON'
    if fault.startswith('oversized'):
        return FAILED_CLEARLY, r'answer larger than 16 MiB'
    if fault == 'business_error':
        return FAILED_CLEARLY, VENDORS[provider].BUSINESS_ERROR_PATTERN
    return SURVIVED, None


# Cells the collection gets wrong today: (provider, fault, phase) -> the bug. Each group of cells
# sharing a bug runs as its own test, marked xfail(strict=True), so the rest stay green and a fix
# turns the xfail into an XPASS failure that asks for the marker to go.
KNOWN_BUGS = {}


def _secrets():
    """Every credential value of the simulator except the non-secret identifiers."""
    found = []

    def walk(value, key=None):
        if isinstance(value, dict):
            for sub_key, sub_value in value.items():
                walk(sub_value, sub_key)
        elif isinstance(value, list):
            for sub_value in value:
                walk(sub_value, key)
        elif isinstance(value, str) and key not in ('username', 'access_key') and value:
            found.append(value)
    walk(DEFAULT_CREDENTIALS)
    return sorted(set(found))


SECRETS = _secrets()


def sim_state(provider, record):
    """The canonical state of a simulator record, mapped independently of the collection's tables."""
    status = record.get('status')
    return VENDORS[provider].SIM_STATES.get(status, 'other:{0}'.format(status))


def write_verb(entry):
    """The transition a logged write asked for (the vendor's verb, or 8x8's target status)."""
    if entry['provider'] == 'wolkvox':
        return entry['query'].get('api')
    if entry['provider'] == '8x8':
        return (entry.get('body') or {}).get('status')
    return entry['path'].rstrip('/').rsplit('/', 1)[-1]


def applied(entry):
    """Whether the simulator applied a logged write: it processed it with a 2xx, whatever the
    module then got (``slow``, ``late_apply``, ``reset_after``, ``trickle``, ``oversized``...)."""
    return entry['applied_status'] is not None and 200 <= entry['applied_status'] < 300


class Cell:
    """One provider x fault x phase. Its campaigns are the vendor's (tests/vendors/<vendor>.py):
    FAULT_READ_CELL, one paused campaign started again (single form), and FAULT_WRITE_CELLS, two
    running campaigns moved in one bulk task."""

    def __init__(self, provider, fault, phase):
        self.provider = provider
        self.fault = fault
        self.phase = phase
        self.label = FAULTS[fault].label
        self.bulk = phase == 'write'
        write_cells = VENDORS[provider].FAULT_WRITE_CELLS
        self.items = {'read': [VENDORS[provider].FAULT_READ_CELL], 'write': write_cells, 'read-back': [write_cells[FAULTS[fault].campaign]]}[phase]
        self.expected, self.message = expected_outcome(provider, fault, phase)

    @property
    def key(self):
        return (self.provider, self.fault, self.phase)

    @property
    def name(self):
        return 'cell {0} {1} {2}'.format(self.provider, self.fault, self.phase)

    def fault_specs(self):
        return FAULTS[self.fault].specs(self.phase, self.provider)

    def task(self, url):
        args = dict(provider=self.provider, wait_timeout=WAIT_TIMEOUT)
        args.update(connection(self.provider, url))
        args.update(FAULTS[self.fault].extra)
        if self.bulk:
            args['campaigns'] = [dict(campaign_id=campaign_id, state=target) for campaign_id, target, _actions in self.items]
        else:
            campaign_id, target, _actions = self.items[0]
            args.update(campaign_id=campaign_id, state=target)
        return {'name': self.name, 'campaignops.campaigns.campaign_state': args}

    def __repr__(self):
        return '-'.join(self.key)


ALL_CELLS = [Cell(provider, key, phase) for key, fault in FAULTS.items() for phase in fault.phases for provider in fault.providers]


def _group(cell):
    return cell.fault


def _groups():
    """One test per fault kind; the cells of each known bug form one xfail test of their own."""
    params = []
    names = []
    for cell in ALL_CELLS:
        if _group(cell) not in names:
            names.append(_group(cell))
    for name in names:
        healthy = [cell for cell in ALL_CELLS if _group(cell) == name and cell.key not in KNOWN_BUGS]
        if healthy:
            params.append(pytest.param(healthy, id=name))
    reasons = []
    for cell in ALL_CELLS:
        if cell.key in KNOWN_BUGS and KNOWN_BUGS[cell.key] not in reasons:
            reasons.append(KNOWN_BUGS[cell.key])
    for number, reason in enumerate(reasons):
        cells = [cell for cell in ALL_CELLS if KNOWN_BUGS.get(cell.key) == reason]
        params.append(pytest.param(cells, id='known-bug-{0}'.format(number + 1), marks=pytest.mark.xfail(strict=True, reason=reason)))
    return params


# ----- the table ---------------------------------------------------------------------------

@pytest.fixture(scope='session')
def fault_table(request, tmp_path_factory):
    """Collects one row per cell; prints the table when the session (or, with xdist, the last
    worker using it) ends. Rows are shared between xdist workers through the run's base temp."""
    worker = os.environ.get('PYTEST_XDIST_WORKER', 'main')
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if worker != 'main' else base) / 'campaignops-fault-table'
    shared.mkdir(parents=True, exist_ok=True)
    rows = []
    with _locked(shared):
        (shared / 'started-{0}'.format(worker)).write_text('1')

    def finish():
        with _locked(shared):
            (shared / 'rows-{0}.json'.format(worker)).write_text(json.dumps(rows))
            (shared / 'done-{0}'.format(worker)).write_text('1')
            started = set(path.name.split('-', 1)[1] for path in shared.glob('started-*'))
            done = set(path.name.split('-', 1)[1] for path in shared.glob('done-*'))
            if started - done:
                return
            merged = []
            for path in sorted(shared.glob('rows-*.json')):
                merged.extend(json.loads(path.read_text()))
        capture = request.config.pluginmanager.getplugin('capturemanager')
        text = render_table(merged)
        if capture is not None:
            with capture.global_and_fixture_disabled():
                sys.stderr.write(text)
                sys.stderr.flush()
        else:
            sys.stderr.write(text)
    request.addfinalizer(finish)
    return rows


class _locked:
    def __init__(self, directory):
        self.path = str(directory / '.lock')

    def __enter__(self):
        self.handle = open(self.path, 'a')
        fcntl.flock(self.handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc_info):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def render_table(rows):
    """provider x fault (and phase) -> outcome, then the counts."""
    cells = dict(((row['provider'], row['fault'], row['phase']), row) for row in rows)
    width = 18
    label_width = max(len(kind.label) for kind in FAULTS.values()) + 1
    lines = ['', '', 'Fault injection: provider x fault -> outcome ("-" = not applicable or not run)', '']
    header = '{0:<{2}} {1:<10}'.format('fault', 'phase', label_width) + ''.join('{0:<{1}}'.format(provider, width) for provider in NAMES)
    lines.append(header)
    lines.append('-' * len(header))
    for fault, kind in FAULTS.items():
        for phase in kind.phases:
            row_cells = [cells.get((provider, fault, phase)) for provider in NAMES]
            if not any(row_cells):
                continue
            lines.append('{0:<{2}} {1:<10}'.format(kind.label, phase, label_width) + ''.join(
                '{0:<{1}}'.format(row['outcome'] if row else '-', width) for row in row_cells))
    counts = collections.Counter(row['outcome'] for row in rows)
    lines.append('')
    lines.append('faults tried: {0}; survived: {1}; failed clearly: {2}; false successes: {3}; duplicate applied writes: {4}; '
                 'other problems: {5}'.format(len(rows), counts[SURVIVED], counts[FAILED_CLEARLY], counts[FALSE_SUCCESS],
                                              counts[DUPLICATE], len(rows) - counts[SURVIVED] - counts[FAILED_CLEARLY]
                                              - counts[FALSE_SUCCESS] - counts[DUPLICATE]))
    problems = [row for row in rows if row['outcome'] not in (SURVIVED, FAILED_CLEARLY) or row['outcome'] != row['expected']]
    for row in sorted(problems, key=lambda row: (row['fault'], row['phase'], row['provider'])):
        known = ' [known bug, xfail]' if (row['provider'], row['fault'], row['phase']) in KNOWN_BUGS else ''
        lines.append('  {0} {1} {2}: {3} (expected {4}){5}: {6}'.format(row['provider'], row['fault'], row['phase'], row['outcome'],
                                                                        row['expected'], known, row['detail'][:300]))
    lines.append('')
    return '\n'.join(lines) + '\n'


# ----- running and judging a group of cells --------------------------------------------------

INJECT = (
    "import base64, sys, urllib.request as u\n"
    "url = sys.argv[1] + '/_sim/faults'\n"
    "u.urlopen(u.Request(url, method='DELETE'), timeout=10).read()\n"
    "u.urlopen(u.Request(url, data=base64.b64decode(sys.argv[2]), method='POST',"
    " headers={'Content-Type': 'application/json'}), timeout=10).read()\n"
)


def inject_task(url, specs, name):
    """A controller-side task (no module run) that replaces the simulator's fault queue."""
    payload = base64.b64encode(json.dumps(specs).encode('utf-8')).decode('ascii')
    command = ' '.join(shlex.quote(part) for part in (sys.executable, '-c', INJECT, url, payload))
    return {'name': name, 'ansible.builtin.debug': {'msg': "{{ lookup('ansible.builtin.pipe', fault_command) }}"},
            'vars': {'fault_command': command}}


def task_sections(output):
    """The ``-vvv`` output of each task, by task name."""
    sections = {}
    for chunk in re.split(r'\nTASK \[', output)[1:]:
        name, _sep, rest = chunk.partition(']')
        sections[name.strip()] = rest
    return sections


def judge(cell, result, records, log, section):
    """(outcome, detail) of one cell. ``records``: the simulator's campaigns by (provider, id)."""
    problems = []
    provider = cell.provider
    result = result or {}
    if cell.bulk:
        per_item = dict((item.get('campaign_id'), item) for item in result.get('results') or [])
    else:
        per_item = {cell.items[0][0]: result}
    states = dict((campaign_id, sim_state(provider, records[(provider, campaign_id)])) for campaign_id, _t, _a in cell.items)

    # Zero false successes: no item may report success unless the simulator agrees.
    false_success = []
    for campaign_id, target, _actions in cell.items:
        item = per_item.get(campaign_id)
        if item is not None and not item.get('failed') and not result.get('unreachable') and states[campaign_id] != target:
            false_success.append('{0} reported success (state {1}) but the simulator has it {2}'.format(
                campaign_id, (item.get('campaign') or {}).get('state'), states[campaign_id]))
    # Zero duplicate applied writes per campaign and transition.
    applied_writes = collections.Counter(
        (entry['campaign_id'], write_verb(entry)) for entry in log
        if entry['provider'] == provider and entry['write'] and applied(entry))
    duplicates = ['{0} {1} applied {2} times'.format(campaign_id, verb, count)
                  for (campaign_id, verb), count in sorted(applied_writes.items()) if count > 1]
    leaked = [secret for secret in SECRETS if secret in section]
    writes = [(entry['method'], entry['campaign_id'], write_verb(entry), entry['status'], entry['fault'])
              for entry in log if entry['provider'] == provider and entry['write']]
    trail = 'writes (method, id, verb, status, fault): {0}; states: {1}'.format(writes, states)
    if false_success:
        return FALSE_SUCCESS, '; '.join(false_success) + '; ' + trail
    if duplicates:
        return DUPLICATE, '; '.join(duplicates) + '; ' + trail
    if leaked:
        return SECRET, 'secret(s) in the -vvv output of this task'
    kinds = set(spec['kind'] for spec in cell.fault_specs())
    fired = set(entry['fault'] for entry in log if entry['fault'] in kinds)
    if fired != kinds:
        return NOT_FIRED, 'the simulator never applied {0}; {1}'.format(sorted(kinds - fired), trail)

    failed_items = [(campaign_id, per_item.get(campaign_id)) for campaign_id, _t, _a in cell.items
                    if per_item.get(campaign_id) is None or per_item[campaign_id].get('failed')]
    if not failed_items and not result.get('failed'):
        for campaign_id, target, actions in cell.items:
            item = per_item[campaign_id]
            if not item.get('changed') or item.get('actions') != actions or states[campaign_id] != target:
                problems.append('{0}: changed={1} actions={2} (expected {3}) state {4} (target {5})'.format(
                    campaign_id, item.get('changed'), item.get('actions'), actions, states[campaign_id], target))
        if problems:
            return NOT_CONVERGED, '; '.join(problems) + '; ' + trail
        return SURVIVED, trail

    # A failure: each failed campaign must be named, with its provider and what happened.
    if 'Traceback' in section or 'MODULE FAILURE' in section:
        problems.append('traceback or module failure in the output')
    for campaign_id, item in failed_items:
        msg = (item or {}).get('msg') or result.get('msg') or ''
        if item is None:
            problems.append('{0}: no result for the campaign ({1!r})'.format(campaign_id, msg[:200]))
            continue
        # The URL in a message does not count: an operator reads "ocamba campaign 303", not a path.
        words = re.sub(r'https?://\S+', '<url>', msg)
        if provider not in words or not re.search(r'campaign\W+{0}\b'.format(re.escape(campaign_id)), words):
            problems.append('{0}: the message does not name the provider and campaign: {1!r}'.format(campaign_id, msg[:300]))
        if 'unexpected error' in msg:
            problems.append('{0}: unexpected error: {1!r}'.format(campaign_id, msg[:300]))
        if cell.message and not re.search(cell.message, msg):
            problems.append('{0}: the message does not say what happened (/{1}/): {2!r}'.format(campaign_id, cell.message, msg[:300]))
    for campaign_id, target, _actions in cell.items:
        item = per_item.get(campaign_id)
        if item is not None and not item.get('failed') and states[campaign_id] != target:
            problems.append('{0}: not failed but not converged either'.format(campaign_id))
    if problems:
        return UNCLEAR, '; '.join(problems) + '; ' + trail
    return FAILED_CLEARLY, 'msg: {0!r}; {1}'.format(result.get('msg', '')[:300], trail)


def settled_requests(sim, patience=LATE_APPLY_S + 5):
    """The request log once the simulator serves no request any more (a write a fault holds back
    may still land, after the task is over), or after ``patience`` seconds."""
    deadline = time.monotonic() + patience
    while True:
        log = sim.requests()
        if all(entry['finished'] is not None for entry in log) or time.monotonic() > deadline:
            return log
        time.sleep(0.2)


@pytest.mark.parametrize('cells', _groups())
def test_faults(cells, sim, playbook, fault_table):
    tasks = []
    for cell in cells:
        tasks.append(inject_task(sim.url, cell.fault_specs(), 'inject {0}'.format(cell.name)))
        tasks.append(cell.task(sim.url))
    run = playbook.run_tasks(tasks, verbosity=3)
    assert run.results, 'the playbook did not get to collect its results:\n' + run.output[-3000:]
    log = settled_requests(sim)
    records = {}
    for provider, campaigns in sim.campaigns().items():
        for record in campaigns:
            records[(provider, str(record.get(SIMULATED[provider].id_key)))] = record
    sections = task_sections(run.output)
    failures = []
    for index, cell in enumerate(cells):
        cell_ids = set(campaign_id for campaign_id, _t, _a in cell.items)
        # Wolkvox's list reads carry no campaign id: they stay in every Wolkvox cell's log.
        cell_log = [entry for entry in log if entry['provider'] == cell.provider and
                    (entry['campaign_id'] in cell_ids or entry['campaign_id'] is None)]
        outcome, detail = judge(cell, run[2 * index + 1], records, cell_log, sections.get(cell.name, ''))
        fault_table.append(dict(provider=cell.provider, fault=cell.fault, phase=cell.phase, outcome=outcome,
                                expected=cell.expected, detail=detail))
        if outcome != cell.expected:
            failures.append('{0}: {1} (expected {2}): {3}'.format(cell.name, outcome, cell.expected, detail))
    leaked = [secret for secret in SECRETS if secret in run.output]
    assert not leaked, 'secrets in the -vvv output'
    assert not failures, '\n'.join(failures)


# ----- the oracle itself ---------------------------------------------------------------------

def _entry(campaign_id, status, fault=None, verb='pause', method='POST', applied_status='status'):
    return {'provider': 'ocamba', 'method': method, 'path': '/v1/hood/campaigns/{0}/{1}'.format(campaign_id, verb), 'query': {},
            'status': status, 'write': method != 'GET', 'campaign_id': campaign_id, 'body': None, 'fault': fault,
            'applied_status': status if applied_status == 'status' else applied_status}


def _ocamba_records(**states):
    return dict((('ocamba', campaign_id), {'id': campaign_id, 'status': status}) for campaign_id, status in states.items())


def test_oracle_recognises_every_outcome():
    """The judge must flag what this suite exists to catch (no playbook run: synthetic results)."""
    cell = Cell('ocamba', 'http_503_burst', 'write')
    ok = {'changed': True, 'results': [
        {'campaign_id': '303', 'changed': True, 'actions': ['pause'], 'campaign': {'state': 'paused'}},
        {'campaign_id': '307', 'changed': True, 'actions': ['pause'], 'campaign': {'state': 'paused'}}]}
    log = [_entry('303', 503, 'http_503', applied_status=None), _entry('303', 204), _entry('307', 204)]
    paused = _ocamba_records(**{'303': 'paused', '307': 'paused'})
    assert judge(cell, ok, paused, log, '')[0] == SURVIVED
    # the vendor never changed 307, the module says it did
    assert judge(cell, ok, _ocamba_records(**{'303': 'paused', '307': 'running'}), log, '')[0] == FALSE_SUCCESS
    # two applied pauses of one campaign: a write applied without an answer counts too
    assert judge(cell, ok, paused, log + [_entry('303', None, 'reset_after', applied_status=204)], '')[0] == DUPLICATE
    assert judge(cell, ok, paused, log + [_entry('303', None, 'late_apply', applied_status=204)], '')[0] == DUPLICATE
    # a refused or unanswered resend is not an applied write
    assert judge(cell, ok, paused, log + [_entry('303', 400), _entry('303', None, 'reset_before', applied_status=None)], '')[0] == SURVIVED
    assert judge(cell, ok, paused, log, 'Bearer ' + DEFAULT_CREDENTIALS['ocamba']['token'])[0] == SECRET
    assert judge(cell, ok, paused, [_entry('303', 204), _entry('307', 204)], '')[0] == NOT_FIRED
    failed = {'failed': True, 'changed': True, 'msg': '1 of 2 failed', 'results': [
        {'campaign_id': '303', 'failed': True, 'changed': False, 'actions': [], 'msg': (
            'ocamba campaign 303: pause: HTTP 503: x; the outcome is unknown: the pause call was sent once and not again, '
            'and after wait_timeout=4s the campaign still reports running (native status running)')},
        ok['results'][1]]}
    half = _ocamba_records(**{'303': 'running', '307': 'paused'})
    assert judge(cell, failed, half, log, '')[0] == FAILED_CLEARLY
    # a failure that does not say the write's outcome is unknown
    failed['results'][0]['msg'] = 'ocamba campaign 303: pause: HTTP 503: x'
    assert judge(cell, failed, half, log, '')[0] == UNCLEAR
    failed['results'][0]['msg'] = 'POST http://h/v1/hood/campaigns/303/pause: connection failed'
    assert judge(cell, failed, half, log, '')[0] == UNCLEAR


def test_oracle_never_expects_a_lost_write_to_be_sent_again():
    """Write cells whose write the simulator never applies end in a failure that says the outcome is
    unknown; those it applies (late, unanswered, trickled, too large to read) survive; reads are retried."""
    for provider in NAMES:
        for fault in ('http_503_burst', 'reset_before', 'html_error', 'hang', 'malformed_json'):
            outcome, message = expected_outcome(provider, fault, 'write')
            assert outcome == FAILED_CLEARLY and UNKNOWN_OUTCOME in message
        for fault in ('slow', 'late_apply', 'slow_answer', 'reset_after', 'trickle', 'oversized'):
            assert expected_outcome(provider, fault, 'write') == (SURVIVED, None)
        for fault in ('http_503_burst', 'reset_before', 'html_error', 'hang', 'late_apply', 'trickle'):
            assert expected_outcome(provider, fault, 'read') == (SURVIVED, None)
