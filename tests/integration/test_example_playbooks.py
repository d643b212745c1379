# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The example playbooks in playbooks/ (season_end_pause, maintenance_window, state_report,
set_campaign_state), run with ``ansible-playbook`` against the vendor simulator, credentials
from the environment as AWX or an operator would pass them.

Each test asserts the playbook's outcome and what the vendors saw (the simulator's request log):
which campaigns were written to, with which call, in which order."""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.eightbyeight import ACTION_STATUS
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.vendor_tasks import environment
from tests.simulator.vendors import BY_NAME as SIMULATED

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(REPO_ROOT, 'playbooks')

# The vendors whose campaigns the playbooks can list, and the others.
LISTING = [name for name in NAMES if PROVIDERS[name].can_list]
NOT_LISTING = [name for name in NAMES if not PROVIDERS[name].can_list]
# iSales lists the VDN of ISALES_VDN_ID (1): every seeded campaign but 210 (VDN 2).
NOT_LISTED = {'isales': {'210'}}


def vendor_env(url, providers=None):
    """Endpoint and credentials of ``providers`` (default: every vendor) as environment variables
    (what scripts/demo.sh exports)."""
    env = {}
    for provider in NAMES if providers is None else providers:
        env.update(environment(provider, url))
    return env


def run(playbook, sim, name, extra=None, check=False, env=None, extra_args=()):
    args = list(extra_args)
    if extra:
        args += ['-e', json.dumps(extra)]
    return playbook.run_playbook(os.path.join(PLAYBOOKS, name), check=check, env=vendor_env(sim.url) if env is None else env,
                                 extra_args=args)


def output(process):
    return process.stdout + process.stderr


def call(entry):
    """The vendor call of a request log entry: the action (path or Wolkvox's api=), or 8x8's status."""
    if entry['provider'] == 'wolkvox':
        return entry['query'].get('api')
    if entry['provider'] == '8x8':
        return (entry['body'] or {}).get('status')
    return entry['path'].rsplit('/', 1)[-1]


def logged_call(provider, current, desired):
    """The call that moves a campaign of ``provider`` from ``current`` to ``desired``, as ``call``
    reads it from the request log: 8x8 sends the action as a status in the body."""
    action = PROVIDERS[provider].transitions[current][desired]
    return ACTION_STATUS[action] if provider == '8x8' else action


def pause(provider):
    return logged_call(provider, 'running', 'paused')


def resume(provider):
    return logged_call(provider, 'paused', 'running')


def writes(sim, provider=None):
    return [(entry['provider'], entry['campaign_id'], call(entry)) for entry in sim.writes(provider)]


def states(sim, provider):
    """Canonical state of every campaign of ``provider``, through the collection's own mapping."""
    cls = PROVIDERS[provider]
    id_key = SIMULATED[provider].id_key
    return dict((str(record[id_key]), cls.canonical(record['status'])) for record in sim.campaigns()[provider])


def listed(sim, provider):
    """Canonical state of every campaign ``provider`` lists with the settings of ``vendor_env``."""
    return dict((campaign_id, state) for campaign_id, state in states(sim, provider).items()
                if campaign_id not in NOT_LISTED.get(provider, ()))


def running(sim, provider):
    return sorted(campaign_id for campaign_id, state in listed(sim, provider).items() if state == 'running')


# ----- season_end_pause.yml -----------------------------------------------------------------

@pytest.mark.parametrize('provider', LISTING)
def test_season_end_pauses_exactly_the_running_campaigns(provider, sim, playbook):
    before = states(sim, provider)
    seeded_running = running(sim, provider)
    assert seeded_running, 'the seed has running campaigns of every vendor that lists'
    process = run(playbook, sim, 'season_end_pause.yml', {'season_provider': provider})
    assert process.returncode == 0, output(process)
    assert sorted(writes(sim)) == sorted((provider, campaign_id, pause(provider)) for campaign_id in seeded_running)
    expected = dict(before, **dict((campaign_id, 'paused') for campaign_id in seeded_running))
    assert states(sim, provider) == expected
    assert '{0} running campaign(s) paused'.format(len(seeded_running)) in output(process)

    sim.clear_log()
    again = run(playbook, sim, 'season_end_pause.yml', {'season_provider': provider})
    assert again.returncode == 0, output(again)
    assert sim.requests(provider) and not sim.writes()
    assert 'found; nothing to pause' in output(again)
    assert 'changed=0' in output(again)


def test_season_end_on_8x8_pauses_the_running_ones_among_the_named(sim, playbook):
    named = ['6561', '6503', '6504', '6508', '6510', '6505', '6500']
    process = run(playbook, sim, 'season_end_pause.yml', {'season_provider': '8x8', 'season_campaign_ids': named})
    assert process.returncode == 0, output(process)
    assert sorted(writes(sim)) == [('8x8', campaign_id, 'PAUSED') for campaign_id in ('6503', '6504', '6561')]
    after = states(sim, '8x8')
    assert [after[campaign_id] for campaign_id in named] == ['paused', 'paused', 'paused', 'paused', 'purged', 'stopped', 'new']


def test_season_end_on_8x8_needs_the_campaign_ids(sim, playbook):
    process = run(playbook, sim, 'season_end_pause.yml', {'season_provider': '8x8'})
    assert process.returncode != 0
    assert 'name them in season_campaign_ids' in output(process)
    assert not sim.requests()


def test_season_end_check_mode_writes_nothing(sim, playbook):
    process = run(playbook, sim, 'season_end_pause.yml', {'season_provider': 'ocamba'}, check=True)
    assert process.returncode == 0, output(process)
    assert '3 running campaign(s) would be paused' in output(process)
    assert sim.requests('ocamba') and not sim.writes()


def test_season_end_records_the_ocamba_reason(sim, playbook):
    process = run(playbook, sim, 'season_end_pause.yml', {'season_provider': 'ocamba', 'season_reason': 'Summer is over'})
    assert process.returncode == 0, output(process)
    assert [entry['body'] for entry in sim.writes()] == [{'reason': 'Summer is over'}] * 3


# ----- maintenance_window.yml ---------------------------------------------------------------

def assert_window(sim, provider, held):
    log = writes(sim)
    pauses = [entry for entry in log if entry[2] == pause(provider)]
    resumes = [entry for entry in log if entry[2] == resume(provider)]
    assert sorted(pauses) == sorted((provider, campaign_id, pause(provider)) for campaign_id in held)
    assert sorted(resumes) == sorted((provider, campaign_id, resume(provider)) for campaign_id in held)
    assert len(log) == 2 * len(held)
    assert log[:len(held)] == pauses, 'every pause comes before every resume'


@pytest.mark.parametrize('provider', NAMES)
def test_maintenance_window_restores_the_running_campaigns_when_maintenance_fails(provider, sim, playbook):
    campaigns, held = VENDORS[provider].MAINTENANCE_WINDOW
    before = states(sim, provider)
    process = run(playbook, sim, 'maintenance_window.yml', {
        'maintenance_provider': provider, 'maintenance_campaign_ids': campaigns, 'maintenance_command': 'false'})
    assert process.returncode != 0, output(process)
    assert 'Do the maintenance' in output(process) and 'non-zero return code' in output(process)
    assert_window(sim, provider, held)
    assert states(sim, provider) == before


def test_maintenance_window_success(sim, playbook):
    campaigns, held = VENDORS['ocamba'].MAINTENANCE_WINDOW
    process = run(playbook, sim, 'maintenance_window.yml', {
        'maintenance_provider': 'ocamba', 'maintenance_campaign_ids': campaigns, 'maintenance_command': 'true'})
    assert process.returncode == 0, output(process)
    assert_window(sim, 'ocamba', held)
    assert [entry['body'] for entry in sim.writes() if entry['path'].endswith('/pause')] == [{'reason': 'Maintenance window'}] * 2


def test_maintenance_window_placeholder_without_a_command(sim, playbook):
    campaigns, held = VENDORS['wolkvox'].MAINTENANCE_WINDOW
    process = run(playbook, sim, 'maintenance_window.yml', {'maintenance_provider': 'wolkvox', 'maintenance_campaign_ids': campaigns})
    assert process.returncode == 0, output(process)
    assert 'replace this task with your maintenance' in output(process)
    assert_window(sim, 'wolkvox', held)


def test_maintenance_window_resumes_the_others_when_one_pause_is_refused(sim, playbook):
    # 6590 is running but not a dynamic campaign: 8x8 refuses to change it, so its pause fails
    # before any write; the maintenance does not happen, and 6561 is still resumed.
    before = states(sim, '8x8')
    process = run(playbook, sim, 'maintenance_window.yml', {
        'maintenance_provider': '8x8', 'maintenance_campaign_ids': ['6561', '6590'], 'maintenance_command': 'true'})
    assert process.returncode != 0
    assert 'not a dynamic campaign' in output(process)
    assert 'Do the maintenance' not in output(process)
    assert writes(sim) == [('8x8', '6561', 'PAUSED'), ('8x8', '6561', 'RUNNING')]
    assert states(sim, '8x8') == before


def test_maintenance_window_with_nothing_running_changes_nothing(sim, playbook):
    process = run(playbook, sim, 'maintenance_window.yml', {'maintenance_provider': 'voltmx', 'maintenance_campaign_ids': ['104', '109']})
    assert process.returncode == 0, output(process)
    assert sim.requests('voltmx') and not sim.writes()


def test_maintenance_window_check_mode_writes_nothing(sim, playbook):
    campaigns, _held = VENDORS['8x8'].MAINTENANCE_WINDOW
    process = run(playbook, sim, 'maintenance_window.yml', {
        'maintenance_provider': '8x8', 'maintenance_campaign_ids': campaigns, 'maintenance_command': 'false'}, check=True)
    assert process.returncode == 0, output(process)
    assert sim.requests('8x8') and not sim.writes()


# ----- state_report.yml ---------------------------------------------------------------------

def report_lines(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read().splitlines()


def table(lines):
    """The report's campaign lines: after the title and the header, up to the first blank line."""
    return lines[2:lines.index('')]


def rows(lines, provider):
    """{campaign id: state} of ``provider`` in the report."""
    return dict((line.split()[1], line.split()[2]) for line in table(lines) if line.split()[0] == provider)


def summary(provider, campaigns):
    """The report's line counting the campaigns of ``provider`` per state, e.g. ``wolkvox: paused 3, running 3``."""
    counts = Counter(campaigns.values())
    return '{0}: {1}'.format(provider, ', '.join('{0} {1}'.format(state, counts[state]) for state in sorted(counts)))


def test_state_report_across_every_vendor(sim, playbook, tmp_path):
    path = str(tmp_path / 'report.txt')
    process = run(playbook, sim, 'state_report.yml', {'report_path': path, 'report_campaign_ids': {'8x8': ['6561', 6508, '6505']}})
    assert process.returncode == 0, output(process)
    lines = report_lines(path)
    assert lines[0].startswith('Campaign state report, ')
    assert lines[1].split() == ['PROVIDER', 'CAMPAIGN', 'STATE', 'NATIVE', 'STATUS', 'NAME']
    for provider in LISTING:
        assert rows(lines, provider) == listed(sim, provider), provider
    assert rows(lines, '8x8') == {'6561': 'running', '6508': 'paused', '6505': 'stopped'}
    for provider in NAMES:
        assert summary(provider, rows(lines, provider)) in lines
    assert 'ocamba    303       running    running        Breaking Deals Alert' in lines
    # The same table is printed, for the job output in AWX.
    assert 'Breaking Deals Alert' in output(process)
    assert sim.requests() and not sim.writes()


def test_state_report_covers_the_vendors_configured_in_the_environment(sim, playbook, tmp_path):
    path = str(tmp_path / 'report.txt')
    process = run(playbook, sim, 'state_report.yml', {'report_path': path}, env=vendor_env(sim.url, ['ocamba'] + NOT_LISTING))
    assert process.returncode == 0, output(process)
    lines = report_lines(path)
    assert set(line.split()[0] for line in table(lines)) == {'ocamba'}
    for provider in NOT_LISTING:
        assert any(line.startswith(provider + ': not listed') for line in lines), provider
    assert set(entry['provider'] for entry in sim.requests()) == {'ocamba'}


def test_state_report_shows_a_vendor_that_cannot_be_read_and_fails(sim, playbook, tmp_path):
    path = str(tmp_path / 'report.txt')
    env = dict(vendor_env(sim.url, ('ocamba', 'wolkvox')), OCAMBA_TOKEN='wrong-token')
    process = run(playbook, sim, 'state_report.yml', {'report_path': path}, env=env)
    assert process.returncode != 0
    assert 'Could not read: ocamba' in output(process)
    lines = report_lines(path)
    assert [line.split()[:3] for line in table(lines) if line.startswith('ocamba ')] == [['ocamba', '*', 'error']]
    assert rows(lines, 'wolkvox') == states(sim, 'wolkvox')
    assert 'wrong-token' not in output(process)

    accepted = run(playbook, sim, 'state_report.yml', {'report_path': path, 'report_fail_on_error': False}, env=env)
    assert accepted.returncode == 0, output(accepted)


def test_state_report_without_any_vendor_fails_clearly(sim, playbook, tmp_path):
    process = run(playbook, sim, 'state_report.yml', {'report_path': str(tmp_path / 'report.txt')}, env={})
    assert process.returncode != 0
    assert 'Nothing to report on' in output(process)
    assert not sim.requests()


# ----- set_campaign_state.yml (the AWX job template's playbook) from the command line -------

def test_set_campaign_state_from_the_command_line(sim, playbook):
    process = run(playbook, sim, 'set_campaign_state.yml', extra_args=['-e', 'provider=8x8 campaign_id=6561 state=purged'])
    assert process.returncode == 0, output(process)
    assert '8x8 campaign 6561: running -> purged via pause, purge' in output(process)
    assert writes(sim) == [('8x8', '6561', 'PAUSED'), ('8x8', '6561', 'PURGED')]
