# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real ``ansible-playbook`` runs against the vendor simulator, for every provider.

Each test asserts what a user would notice (changed, failed, the message, the diff) and what
the vendor saw (the simulator's request log): a check-mode run that sent a write fails here."""

from __future__ import annotations

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.plugins.module_utils._states import SETTABLE_STATES
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.vendor_tasks import connection, environment, state_task
from tests.simulator import DEFAULT_CREDENTIALS as CREDS

# Per vendor (tests/vendors/<vendor>.py): a campaign that can be moved, with its start and target.
MOVES = dict((name, VENDORS[name].MOVE) for name in NAMES)
# Transitions each vendor forbids: (provider, campaign id, current canonical state, desired state).
FORBIDDEN = [(name,) + transition for name in NAMES for transition in VENDORS[name].FORBIDDEN]
# States a provider cannot set at all.
CANNOT_SET = [(name, state) for name in NAMES for state in SETTABLE_STATES if state not in VENDORS[name].SETTABLE_STATES]


def secrets():
    found = []
    for creds in CREDS.values():
        for key, value in creds.items():
            if key not in ('username', 'access_key') and isinstance(value, str):
                found.append(value)
    return found


def reads_only(sim, provider):
    log = sim.requests(provider)
    return bool(log) and not [entry for entry in log if entry['write']]


@pytest.mark.parametrize('provider', NAMES)
def test_change_then_idempotent(provider, sim, playbook):
    campaign_id, before, after, actions = MOVES[provider]
    task = state_task(provider, sim.url, campaign_id, after)
    first = playbook.run_tasks([task])
    result = first[0]
    assert first.rc == 0, first.output
    assert result['changed'] is True
    assert result['previous_state'] == before
    assert result['campaign']['state'] == after
    assert result['campaign']['id'] == campaign_id
    assert result['actions'] == actions
    assert len(sim.writes(provider)) == len(actions)

    sim.clear_log()
    second = playbook.run_tasks([task])
    assert second.rc == 0, second.output
    assert second[0]['changed'] is False
    assert second[0]['actions'] == []
    assert reads_only(sim, provider)


@pytest.mark.parametrize('provider', NAMES)
def test_already_in_state_only_reads(provider, sim, playbook):
    campaign_id, before, _after, _actions = MOVES[provider]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, before)])
    assert run[0]['changed'] is False
    assert run[0]['campaign']['state'] == before
    assert reads_only(sim, provider)
    assert len(sim.requests(provider)) == 1


@pytest.mark.parametrize('provider', NAMES)
def test_check_mode_reports_actions_and_never_writes(provider, sim, playbook):
    campaign_id, before, after, actions = MOVES[provider]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, after)], check=True)
    assert run.rc == 0, run.output
    assert run[0]['changed'] is True
    assert run[0]['actions'] == actions
    assert run[0]['previous_state'] == before
    assert reads_only(sim, provider)
    assert current_state(playbook, sim, provider, campaign_id) == before


@pytest.mark.parametrize('provider', NAMES)
def test_diff_shows_before_and_after(provider, sim, playbook):
    campaign_id, before, after, _actions = MOVES[provider]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, after)], diff=True)
    assert '-    "state": "{0}"'.format(before) in run.output
    assert '+    "state": "{0}"'.format(after) in run.output


@pytest.mark.parametrize('provider,campaign_id,current,desired', FORBIDDEN)
def test_forbidden_transition_fails_before_any_write(provider, campaign_id, current, desired, sim, playbook):
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, desired)])
    result = run[0]
    assert result['failed'] is True
    assert 'is {0}'.format(current) in result['msg']
    assert 'cannot be moved to {0}'.format(desired) in result['msg']
    assert 'allows' in result['msg']
    assert sim.writes(provider) == []


@pytest.mark.parametrize('provider,state', CANNOT_SET)
def test_state_the_provider_cannot_set_fails_before_any_request(provider, state, sim, playbook):
    campaign_id = MOVES[provider][0]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, state)])
    assert run[0]['failed'] is True
    assert 'cannot set state={0}'.format(state) in run[0]['msg']
    assert sim.requests() == []


def test_8x8_running_to_purged_is_pause_then_purge(sim, playbook):
    run = playbook.run_tasks([state_task('8x8', sim.url, '6503', 'purged')])
    assert run[0]['actions'] == ['pause', 'purge']
    assert run[0]['campaign']['state'] == 'purged'
    writes = sim.writes('8x8')
    assert [entry['body'] for entry in writes] == [{'status': 'PAUSED'}, {'status': 'PURGED'}]
    assert all(entry['path'] == '/api/tstats/campaigns/6503' for entry in writes)


def test_8x8_reads_with_data_token_and_writes_with_action_token(sim, playbook):
    # The simulator answers 401 when a token is used for the wrong kind of call.
    run = playbook.run_tasks([state_task('8x8', sim.url, '6503', 'paused')])
    assert run.rc == 0, run.output
    assert [entry['status'] for entry in sim.requests('8x8')] == [200, 200]


def test_8x8_post_405_falls_back_to_patch_once(sim, playbook):
    sim.settings(eightbyeight_post_405=True)
    run = playbook.run_tasks([state_task('8x8', sim.url, '6503', 'paused')])
    assert run[0]['changed'] is True, run.output
    assert [(entry['method'], entry['status']) for entry in sim.writes('8x8')] == [('POST', 405), ('PATCH', 200)]


@pytest.mark.parametrize('campaign_id,reason', [('6590', 'not a dynamic campaign'), ('6591', 'not enabled')])
def test_8x8_precondition_refused_before_write(campaign_id, reason, sim, playbook):
    run = playbook.run_tasks([state_task('8x8', sim.url, campaign_id, 'stopped')])
    assert run[0]['failed'] is True
    assert reason in run[0]['msg']
    assert sim.writes('8x8') == []


# The business error on every write: what the failure says. A final error is the vendor's answer;
# any other (a 5xx) leaves the outcome unknown. Either way the write is sent exactly once.
PERSISTENT_BUSINESS_ERROR = [(name, VENDORS[name].BUSINESS_ERROR_TEXT, VENDORS[name].BUSINESS_ERROR_IS_FINAL) for name in NAMES]


@pytest.mark.parametrize('provider,expected,is_final', PERSISTENT_BUSINESS_ERROR)
def test_persistent_vendor_error_on_write_fails_clearly(provider, expected, is_final, sim, playbook):
    campaign_id, before, after, actions = MOVES[provider]
    sim.fault(provider=provider, kind='business_error', method=VENDORS[provider].WRITE_METHOD, count=50)
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, after, wait_timeout=3)])
    assert run[0]['failed'] is True
    assert expected in run[0]['msg']
    assert '{0} campaign {1}'.format(provider, campaign_id) in run[0]['msg']
    if not is_final:
        assert 'the outcome is unknown: the {0} call was sent once and not again'.format(actions[0]) in run[0]['msg']
    assert run[0]['actions'] == []
    assert 'Traceback' not in run.output
    writes = sim.writes(provider)
    assert len(writes) == 1
    assert all(entry['fault'] for entry in writes)
    assert current_state(playbook, sim, provider, campaign_id) == before


@pytest.mark.parametrize('provider', [name for name in NAMES if VENDORS[name].WRITE_METHOD == 'POST'])
def test_one_5xx_on_write_is_read_back_and_never_sent_again(provider, sim, playbook):
    # The 503 may hide a write the vendor queued: it is read back until wait_timeout, never resent.
    campaign_id, before, after, actions = MOVES[provider]
    sim.fault(provider=provider, kind='http_503', method='POST', count=1)
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, after, wait_timeout=3)])
    assert run[0]['failed'] is True, run.output
    assert 'the outcome is unknown: the {0} call was sent once and not again'.format(actions[0]) in run[0]['msg']
    assert run[0]['actions'] == []
    log = sim.requests(provider)
    assert [entry['method'] for entry in log if entry['method'] == 'POST'] == ['POST']
    assert [(entry['method'], entry['status'] // 100) for entry in log[:3]] == [('GET', 2), ('POST', 5), ('GET', 2)]
    assert current_state(playbook, sim, provider, campaign_id) == before


def current_state(playbook, sim, provider, campaign_id):
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_info': dict(provider=provider, campaign_id=campaign_id,
                                                                           **_info_connection(provider, sim.url))}])
    return run[0]['campaigns'][0]['state']


def test_isales_http_200_with_failure_code_is_a_failure(sim, playbook):
    # Huawei answers HTTP 200 with a failure resultCode: the read must fail, not look like success.
    sim.fault(provider='isales', kind='business_error', method='GET')
    run = playbook.run_tasks([state_task('isales', sim.url, '201', 'paused')])
    assert run[0]['failed'] is True
    assert '0200006' in run[0]['msg']
    assert sim.writes('isales') == []


@pytest.mark.parametrize('provider', NAMES)
def test_wrong_credentials_fail_with_authentication_message(provider, sim, playbook):
    campaign_id, _before, after, _actions = MOVES[provider]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, after, **VENDORS[provider].WRONG_CREDENTIAL)])
    assert run[0]['failed'] is True
    assert 'HTTP 401' in run[0]['msg'] or 'HTTP 403' in run[0]['msg']
    assert 'credentials' in run[0]['msg'] or 'token' in run[0]['msg']
    assert sim.writes(provider) == []


def _info_connection(provider, url):
    conn = connection(provider, url)
    conn.pop('action_token', None)
    return conn


@pytest.mark.parametrize('provider', NAMES)
def test_campaign_info_one(provider, sim, playbook):
    campaign_id, before, _after, _actions = MOVES[provider]
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_info': dict(provider=provider, campaign_id=campaign_id,
                                                                           **_info_connection(provider, sim.url))}])
    assert run.rc == 0, run.output
    campaigns = run[0]['campaigns']
    assert [campaign['id'] for campaign in campaigns] == [campaign_id]
    assert campaigns[0]['state'] == before
    assert campaigns[0]['raw']
    assert campaigns[0]['name']
    assert run[0]['changed'] is False
    assert reads_only(sim, provider)


@pytest.mark.parametrize('provider', [name for name in NAMES if PROVIDERS[name].can_list])
def test_campaign_info_all(provider, sim, playbook):
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_info': dict(provider=provider, **_info_connection(provider, sim.url))}])
    assert run.rc == 0, run.output
    listed = dict((campaign['id'], campaign['state']) for campaign in run[0]['campaigns'])
    seeded = [campaign for campaign in sim.campaigns()[provider] if campaign.get('vdnId', 1) == 1]
    assert len(listed) == len(seeded)
    assert listed[MOVES[provider][0]] == MOVES[provider][1]
    assert reads_only(sim, provider)


def test_campaign_info_all_without_list_call_fails_clearly(sim, playbook):
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_info': dict(provider='8x8', **_info_connection('8x8', sim.url))}])
    assert run[0]['failed'] is True
    assert 'give campaign_id' in run[0]['msg']
    assert sim.requests() == []


def test_module_defaults_through_the_action_group(sim, playbook):
    defaults = {'group/campaignops.campaigns.campaigns': dict(provider='ocamba', **connection('ocamba', sim.url))}
    run = playbook.run_tasks([
        {'campaignops.campaigns.campaign_state': {'campaign_id': '304', 'state': 'running'}},
        {'campaignops.campaigns.campaign_info': {'campaign_id': '304'}},
    ], play_extra={'module_defaults': defaults})
    assert run.rc == 0, run.output
    assert run[0]['changed'] is True
    assert run[1]['campaigns'][0]['state'] == 'running'
    assert [entry['method'] for entry in sim.requests('ocamba')] == ['GET', 'POST', 'GET']


@pytest.mark.parametrize('provider', NAMES)
def test_credentials_from_environment_variables(provider, sim, playbook):
    campaign_id, _before, after, actions = MOVES[provider]
    task = {'campaignops.campaigns.campaign_state': dict(provider=provider, campaign_id=campaign_id, state=after)}
    run = playbook.run_tasks([task], env=environment(provider, sim.url), verbosity=3)
    assert run.rc == 0, run.output
    assert run[0]['changed'] is True
    assert run[0]['actions'] == actions
    for secret in secrets():
        assert secret not in run.output


def without_credentials(options, provider):
    """``options`` without the provider's credentials (its endpoint options stay)."""
    cls = PROVIDERS[provider]
    credentials = set(option for way in cls.read_credentials + (cls.write_credentials or ()) for option in way)
    return dict((name, value) for name, value in options.items() if name not in credentials)


@pytest.mark.parametrize('provider', NAMES)
def test_missing_credential_names_option_and_variable(provider, sim, playbook):
    campaign_id, _before, after, _actions = MOVES[provider]
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_state': dict(provider=provider, campaign_id=campaign_id, state=after,
                                                                            **without_credentials(connection(provider, sim.url), provider))}])
    assert run[0]['failed'] is True
    assert 'needs credentials' in run[0]['msg']
    assert '_TOKEN' in run[0]['msg'] or '_PASSWORD' in run[0]['msg'] or '_SECRET_KEY' in run[0]['msg']
    assert sim.requests() == []


@pytest.mark.parametrize('campaign_id', ['1/../x', '1?a=b', 'evil.example/#', '201 ', '20%2F1'])
def test_malformed_campaign_id_rejected_before_any_request(campaign_id, sim, playbook):
    run = playbook.run_tasks([state_task('ocamba', sim.url, campaign_id, 'paused')])
    assert run[0]['failed'] is True
    assert 'not a valid campaign id' in run[0]['msg']
    assert sim.requests() == []


def test_bulk_form_results_in_order_and_failures_reported(sim, playbook):
    args = dict(provider='8x8', state='paused', campaigns=[
        {'campaign_id': '6503'}, {'campaign_id': '6505'}, {'campaign_id': '6508'}, {'campaign_id': '6504', 'state': 'stopped'}])
    args.update(connection('8x8', sim.url))
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_state': args}])
    result = run[0]
    assert result['failed'] is True
    assert [item['campaign_id'] for item in result['results']] == ['6503', '6505', '6508', '6504']
    assert [item.get('failed', False) for item in result['results']] == [False, True, False, False]
    assert [item['changed'] for item in result['results']] == [True, False, False, True]
    assert sorted(entry['path'] for entry in sim.writes('8x8')) == ['/api/tstats/campaigns/6503', '/api/tstats/campaigns/6504']


def test_wolkvox_bulk_reads_the_list_once(sim, playbook):
    args = dict(provider='wolkvox', state='paused', campaigns=[{'campaign_id': cid} for cid in ('401', '402', '403', '404')])
    args.update(connection('wolkvox', sim.url))
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_state': args}])
    assert run.rc == 0, run.output
    log = sim.requests('wolkvox')
    assert [entry['method'] for entry in log].count('GET') == 1
    assert sorted(entry['query']['campaign_id'] for entry in log if entry['write']) == ['401', '403']


def every_vendor_environment(url, leave_out=()):
    env = {}
    for provider in NAMES:
        if provider not in leave_out:
            env.update(environment(provider, url))
    return env


def test_bulk_across_every_vendor_in_one_task_then_idempotent(sim, playbook):
    campaigns = [{'provider': provider, 'campaign_id': MOVES[provider][0], 'state': MOVES[provider][2]} for provider in NAMES]
    task = {'campaignops.campaigns.campaign_state': {'state': 'paused', 'campaigns': campaigns}}
    run = playbook.run_tasks([task], env=every_vendor_environment(sim.url), verbosity=3)
    assert run.rc == 0, run.output
    results = run[0]['results']
    assert [(item['provider'], item['campaign_id'], item['actions']) for item in results] == [
        (provider, MOVES[provider][0], MOVES[provider][3]) for provider in NAMES]
    for provider in NAMES:
        assert len(sim.writes(provider)) == 1, (provider, sim.writes(provider))
    assert not [secret for secret in secrets() if secret in run.output]
    sim.clear_log()
    again = playbook.run_tasks([task], env=every_vendor_environment(sim.url))
    assert again.rc == 0 and again[0]['changed'] is False, again.output
    assert sim.writes() == []


def test_bulk_across_vendors_with_one_missing_credential_fails_before_any_request(sim, playbook):
    campaigns = [{'provider': provider, 'campaign_id': MOVES[provider][0], 'state': MOVES[provider][2]} for provider in NAMES]
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_state': {'campaigns': campaigns}}],
                             env=every_vendor_environment(sim.url, leave_out=('wolkvox',)))
    assert run[0]['failed'] is True
    assert 'provider=wolkvox needs credentials: set WOLKVOX_TOKEN in the environment' in run[0]['msg']
    assert sim.requests() == []
