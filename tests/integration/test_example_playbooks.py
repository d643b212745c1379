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

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from tests.simulator import DEFAULT_CREDENTIALS as CREDS

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOKS = os.path.join(REPO_ROOT, 'playbooks')

# Seeded running campaigns of the vendors that can list (tests/simulator/README.md); iSales
# lists the VDN of ISALES_VDN_ID (1), so campaign 210 (VDN 2) is not among them.
RUNNING = {
    'voltmx': ['103', '108', '111'],
    'isales': ['201', '205', '207'],
    'ocamba': ['303', '307', '311'],
    'wolkvox': ['401', '403', '405'],
}
# The vendor call that pauses / resumes, as the request log shows it (see ``call``).
PAUSE = {'voltmx': 'pause', 'isales': 'pause', 'ocamba': 'pause', 'wolkvox': 'stop', '8x8': 'PAUSED'}
RESUME = {'voltmx': 'resume', 'isales': 'resume', 'ocamba': 'resume', 'wolkvox': 'start', '8x8': 'RUNNING'}
# Record id field of each vendor in the simulator's admin API.
ID_FIELD = {'voltmx': 'id', 'isales': 'id', 'ocamba': 'id', 'wolkvox': 'campaign_id', '8x8': 'campaign-id'}
# Campaigns held in a maintenance window: some running, the others not (paused, stopped, scheduled...).
WINDOW = {
    'voltmx': (['103', '104', '106', '108'], ['103', '108']),
    'isales': (['201', '202', '203', '205'], ['201', '205']),
    'ocamba': (['303', '304', '302', '307'], ['303', '307']),
    'wolkvox': (['401', '402', '403'], ['401', '403']),
    '8x8': (['6561', '6508', '6505', '6504', '6510'], ['6561', '6504']),
}


def vendor_env(url, providers=('voltmx', 'isales', 'ocamba', 'wolkvox', '8x8')):
    """Endpoint and credentials of ``providers`` as environment variables (what scripts/demo.sh exports)."""
    every = {
        'voltmx': {'VOLTMX_API_URL': url, 'VOLTMX_USERNAME': CREDS['voltmx']['username'],
                   'VOLTMX_PASSWORD': CREDS['voltmx']['password']},
        'isales': {'ISALES_API_URL': url, 'ISALES_ACCESS_KEY': CREDS['isales']['access_key'],
                   'ISALES_SECRET_KEY': CREDS['isales']['secret_key'], 'ISALES_VDN_ID': '1'},
        'ocamba': {'OCAMBA_API_URL': url, 'OCAMBA_TOKEN': CREDS['ocamba']['token']},
        'wolkvox': {'WOLKVOX_API_URL': url, 'WOLKVOX_TOKEN': CREDS['wolkvox']['token']},
        '8x8': {'EIGHTBYEIGHT_API_URL': url, 'EIGHTBYEIGHT_USERNAME': CREDS['8x8']['username'],
                'EIGHTBYEIGHT_DATA_TOKEN': CREDS['8x8']['data_token'], 'EIGHTBYEIGHT_ACTION_TOKEN': CREDS['8x8']['action_token']},
    }
    env = {}
    for provider in providers:
        env.update(every[provider])
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


def writes(sim, provider=None):
    return [(entry['provider'], entry['campaign_id'], call(entry)) for entry in sim.writes(provider)]


def states(sim, provider):
    """Canonical state of every campaign of ``provider``, through the collection's own mapping."""
    cls = PROVIDERS[provider]
    return dict((str(record[ID_FIELD[provider]]), cls.canonical(record['status'])) for record in sim.campaigns()[provider])


# ----- season_end_pause.yml -----------------------------------------------------------------

@pytest.mark.parametrize('provider', sorted(RUNNING))
def test_season_end_pauses_exactly_the_running_campaigns(provider, sim, playbook):
    before = states(sim, provider)
    process = run(playbook, sim, 'season_end_pause.yml', {'season_provider': provider})
    assert process.returncode == 0, output(process)
    assert sorted(writes(sim)) == sorted((provider, campaign_id, PAUSE[provider]) for campaign_id in RUNNING[provider])
    expected = dict(before, **dict((campaign_id, 'paused') for campaign_id in RUNNING[provider]))
    assert states(sim, provider) == expected
    assert '{0} running campaign(s) paused'.format(len(RUNNING[provider])) in output(process)

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
    pauses = [entry for entry in log if entry[2] == PAUSE[provider]]
    resumes = [entry for entry in log if entry[2] == RESUME[provider]]
    assert sorted(pauses) == sorted((provider, campaign_id, PAUSE[provider]) for campaign_id in held)
    assert sorted(resumes) == sorted((provider, campaign_id, RESUME[provider]) for campaign_id in held)
    assert len(log) == 2 * len(held)
    assert log[:len(held)] == pauses, 'every pause comes before every resume'


@pytest.mark.parametrize('provider', sorted(WINDOW))
def test_maintenance_window_restores_the_running_campaigns_when_maintenance_fails(provider, sim, playbook):
    campaigns, held = WINDOW[provider]
    before = states(sim, provider)
    process = run(playbook, sim, 'maintenance_window.yml', {
        'maintenance_provider': provider, 'maintenance_campaign_ids': campaigns, 'maintenance_command': 'false'})
    assert process.returncode != 0, output(process)
    assert 'Do the maintenance' in output(process) and 'non-zero return code' in output(process)
    assert_window(sim, provider, held)
    assert states(sim, provider) == before


def test_maintenance_window_success(sim, playbook):
    campaigns, held = WINDOW['ocamba']
    process = run(playbook, sim, 'maintenance_window.yml', {
        'maintenance_provider': 'ocamba', 'maintenance_campaign_ids': campaigns, 'maintenance_command': 'true'})
    assert process.returncode == 0, output(process)
    assert_window(sim, 'ocamba', held)
    assert [entry['body'] for entry in sim.writes() if entry['path'].endswith('/pause')] == [{'reason': 'Maintenance window'}] * 2


def test_maintenance_window_placeholder_without_a_command(sim, playbook):
    campaigns, held = WINDOW['wolkvox']
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
    campaigns, _held = WINDOW['8x8']
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


def test_state_report_across_every_vendor(sim, playbook, tmp_path):
    path = str(tmp_path / 'report.txt')
    process = run(playbook, sim, 'state_report.yml', {'report_path': path, 'report_campaign_ids': {'8x8': ['6561', 6508, '6505']}})
    assert process.returncode == 0, output(process)
    lines = report_lines(path)
    assert lines[0].startswith('Campaign state report, ')
    assert lines[1].split() == ['PROVIDER', 'CAMPAIGN', 'STATE', 'NATIVE', 'STATUS', 'NAME']
    for provider in ('voltmx', 'ocamba', 'wolkvox'):
        assert rows(lines, provider) == states(sim, provider), provider
    isales = dict((campaign_id, state) for campaign_id, state in states(sim, 'isales').items() if campaign_id != '210')
    assert rows(lines, 'isales') == isales  # the VDN of ISALES_VDN_ID only
    assert rows(lines, '8x8') == {'6561': 'running', '6508': 'paused', '6505': 'stopped'}
    assert 'wolkvox: paused 3, running 3' in lines
    assert 'ocamba    303       running    running        Breaking Deals Alert' in lines
    # The same table is printed, for the job output in AWX.
    assert 'Breaking Deals Alert' in output(process)
    assert sim.requests() and not sim.writes()


def test_state_report_covers_the_vendors_configured_in_the_environment(sim, playbook, tmp_path):
    path = str(tmp_path / 'report.txt')
    process = run(playbook, sim, 'state_report.yml', {'report_path': path}, env=vendor_env(sim.url, ('ocamba', '8x8')))
    assert process.returncode == 0, output(process)
    lines = report_lines(path)
    assert set(line.split()[0] for line in table(lines)) == {'ocamba'}
    assert any(line.startswith('8x8: not listed') for line in lines)
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
