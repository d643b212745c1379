# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Volt MX through ``auth_url``: real ``ansible-playbook`` runs against the simulator with Basic
auth switched off (as on Volt MX cloud). The module logs in once at
``{auth_url}/authService/accounts/login`` and sends the claims token; the simulator's request log
shows what the vendor saw."""

from __future__ import annotations

import pytest

from tests.integration.test_awx import awx_inject, credential_type
from tests.simulator import DEFAULT_CREDENTIALS as CREDS

LOGIN_PATH = '/authService/accounts/login'
USER = CREDS['voltmx']['username']
PASSWORD = CREDS['voltmx']['password']
WRONG_PASSWORD = 'wrong-pw-n0t-in-output'


@pytest.fixture()
def cloud(sim):
    """The simulator behaving as Volt MX cloud: Basic auth refused."""
    sim.settings(voltmx_basic_auth=False)
    return sim


def login_task(url, campaign_id='103', state='paused', module='campaign_state', **extra):
    args = dict(provider='voltmx', api_url=url, auth_url=url, username=USER, password=PASSWORD, campaign_id=campaign_id)
    if module == 'campaign_state':
        args['state'] = state
    args.update(extra)
    return {'campaignops.campaigns.' + module: args}


def calls(sim):
    """The Volt MX calls as (method, path, status)."""
    return [(entry['method'], entry['path'], entry['status']) for entry in sim.requests('voltmx')]


def login_calls(sim):
    return [entry for entry in sim.requests('voltmx') if entry['path'] == LOGIN_PATH]


def assert_claims_token_only(sim):
    """Every campaign call carried X-VoltMX-Authorization and no Basic auth."""
    for entry in sim.requests('voltmx'):
        if entry['path'] != LOGIN_PATH:
            assert entry['headers'].get('X-VoltMX-Authorization') == '<redacted>', entry
            assert 'Authorization' not in entry['headers'], entry


def issued_tokens(simulator_server):
    with simulator_server.state.lock:
        return list(simulator_server.state.sessions)


def test_basic_auth_is_refused_by_the_simulated_cloud(cloud, playbook):
    task = {'campaignops.campaigns.campaign_info': dict(provider='voltmx', api_url=cloud.url, username=USER, password=PASSWORD,
                                                        campaign_id='103')}
    run = playbook.run_tasks([task])
    assert run[0]['failed'] is True
    assert 'HTTP 401' in run[0]['msg']


def test_login_then_read_and_write_then_idempotent(cloud, playbook):
    first = playbook.run_tasks([login_task(cloud.url)])
    assert first.rc == 0, first.output
    assert first[0]['changed'] is True, first[0]
    assert first[0]['actions'] == ['pause']
    assert calls(cloud) == [('POST', LOGIN_PATH, 200), ('GET', '/api/v1/campaigns/103', 200),
                            ('POST', '/api/v1/campaigns/103/pause', 200)]
    login = login_calls(cloud)[0]
    assert login['body'] == {'userid': USER, 'password': '<redacted>'}
    assert login['write'] is False
    assert [entry['path'] for entry in cloud.writes('voltmx')] == ['/api/v1/campaigns/103/pause']
    assert_claims_token_only(cloud)

    cloud.clear_log()
    second = playbook.run_tasks([login_task(cloud.url)])
    assert second.rc == 0, second.output
    assert second[0]['changed'] is False
    assert calls(cloud) == [('POST', LOGIN_PATH, 200), ('GET', '/api/v1/campaigns/103', 200)]
    assert cloud.writes('voltmx') == []


def test_check_mode_logs_in_and_reads_only(cloud, playbook):
    run = playbook.run_tasks([login_task(cloud.url)], check=True)
    assert run[0]['changed'] is True and run[0]['actions'] == ['pause'], run.output
    assert calls(cloud) == [('POST', LOGIN_PATH, 200), ('GET', '/api/v1/campaigns/103', 200)]
    assert cloud.writes() == []


def test_login_options_from_the_environment(cloud, playbook):
    env = {'VOLTMX_API_URL': cloud.url, 'VOLTMX_AUTH_URL': cloud.url, 'VOLTMX_USERNAME': USER, 'VOLTMX_PASSWORD': PASSWORD,
           'VOLTMX_AUTH_PROVIDER': 'userstore', 'VOLTMX_AUTH_DOMAIN': 'example'}
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_info': {'provider': 'voltmx', 'campaign_id': '104'}}], env=env)
    assert run[0]['campaigns'][0]['state'] == 'paused', run.output
    assert login_calls(cloud)[0]['body'] == {'userid': USER, 'password': '<redacted>', 'provider': 'userstore', 'domain': 'example'}
    assert_claims_token_only(cloud)


def test_bulk_run_logs_in_once(cloud, playbook):
    task = login_task(cloud.url)
    args = task['campaignops.campaigns.campaign_state']
    del args['campaign_id']
    args['campaigns'] = [{'campaign_id': campaign_id} for campaign_id in ('103', '108', '111', '104', '109')]
    run = playbook.run_tasks([task])
    assert run.rc == 0, run.output
    assert [result['actions'] for result in run[0]['results']] == [['pause'], ['pause'], ['pause'], [], []]
    assert len(login_calls(cloud)) == 1
    assert len(cloud.requests('voltmx')) == 1 + 5 + 3
    assert_claims_token_only(cloud)


def test_wrong_password_fails_clearly_without_secrets(cloud, playbook, simulator_server):
    run = playbook.run_tasks([login_task(cloud.url, password=WRONG_PASSWORD)], verbosity=3)
    result = run[0]
    assert result['failed'] is True
    host = cloud.url.split('://', 1)[1]
    assert 'provider=voltmx: login at {0} failed: HTTP 401: Invalid User Credentials'.format(host) in result['msg']
    assert calls(cloud) == [('POST', LOGIN_PATH, 401)]
    assert WRONG_PASSWORD not in run.output
    assert issued_tokens(simulator_server) == []


def test_no_password_or_claims_token_in_verbose_output(cloud, playbook, simulator_server):
    run = playbook.run_tasks([login_task(cloud.url)], verbosity=3)
    assert run[0]['changed'] is True, run.output
    tokens = issued_tokens(simulator_server)
    assert len(tokens) == 1
    for secret in tokens + [PASSWORD]:
        assert secret not in run.output


def test_an_expired_token_triggers_one_login_more(cloud, playbook, simulator_server):
    cloud.settings(voltmx_token_max_uses=1)
    run = playbook.run_tasks([login_task(cloud.url)])
    assert run.rc == 0, run.output
    assert run[0]['changed'] is True and run[0]['actions'] == ['pause'], run[0]
    assert calls(cloud) == [('POST', LOGIN_PATH, 200), ('GET', '/api/v1/campaigns/103', 200),
                            ('POST', '/api/v1/campaigns/103/pause', 401), ('POST', LOGIN_PATH, 200),
                            ('POST', '/api/v1/campaigns/103/pause', 200)]
    assert simulator_server.campaign('voltmx', '103')['status'] == 'Paused'


def test_awx_credential_with_auth_url(cloud, playbook):
    env = awx_inject(credential_type('voltmx'), {'api_url': cloud.url, 'auth_url': cloud.url, 'username': USER, 'password': PASSWORD})
    assert env['VOLTMX_AUTH_URL'] == cloud.url and env['VOLTMX_TOKEN'] == '' and env['VOLTMX_AUTH_PROVIDER'] == ''
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_state': {'provider': 'voltmx', 'campaign_id': '108', 'state': 'paused'}}],
                             env=env)
    assert run[0]['changed'] is True, run.output
    assert len(login_calls(cloud)) == 1
    assert login_calls(cloud)[0]['body'] == {'userid': USER, 'password': '<redacted>'}
    assert_claims_token_only(cloud)
