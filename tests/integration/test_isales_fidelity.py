# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei iSales as Huawei's CEC API reference documents it, end to end against the simulator.

Pages: "Querying Details About an Outbound Campaign" (the campaign is ``returnObject``),
"Querying All Outbound Campaigns" (``status``, ``deviceType``, ``curPage`` and ``rowsPerPage``
mandatory; rows under ``data``, paged by ``totalSize``), "Suspending an Outbound Campaign" and
"Resuming an Outbound Campaign" (``PUT``, no body, envelope only; ``0200011`` when refused)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from tests.simulator import DEFAULT_CREDENTIALS as CREDS
from tests.simulator.signing import sign

BASE_PATH = '/rest/isales/v1/openapi/campaigns'
CONTENT_TYPE = 'application/json; charset=UTF-8'
CONNECTION = dict(access_key=CREDS['isales']['access_key'], secret_key=CREDS['isales']['secret_key'], vdn_id=1)


def task(module, sim, **args):
    args = dict(provider='isales', api_url=sim.url, **dict(CONNECTION, **args))
    return {'campaignops.campaigns.' + module: args}


def signed_get(sim, path, params):
    """A GET signed the way the client signs it."""
    pairs = [(key, str(value)) for key, value in params.items()]
    authorization = sign(CREDS['isales']['access_key'], CREDS['isales']['secret_key'], 'GET', BASE_PATH + path, pairs,
                         CONTENT_TYPE, urlsplit(sim.url).netloc)
    return requests.get(sim.url + BASE_PATH + path, params=params, headers={'Content-Type': CONTENT_TYPE, 'Authorization': authorization},
                        timeout=10)


def test_campaign_info_lists_every_campaign_of_a_vdn_across_pages(sim, playbook):
    # 9 seeded campaigns in VDN 1 + 241 generated = 250: three pages of at most 100 rows.
    # Campaigns of VDN 2 (one seeded, 30 generated) must not show up.
    sim.seed({'generate': {'isales': {'count': 241, 'vdnId': 1, 'status': 3}}})
    sim.seed({'generate': {'isales': {'count': 30, 'vdnId': 2}}})
    expected = dict((str(record['id']), record) for record in sim.campaigns()['isales'] if record['vdnId'] == 1)
    assert len(expected) == 250
    sim.clear_log()

    run = playbook.run_tasks([task('campaign_info', sim)])
    assert run.rc == 0, run.output
    listed = run[0]['campaigns']
    assert sorted(campaign['id'] for campaign in listed) == sorted(expected)
    by_id = dict((campaign['id'], campaign) for campaign in listed)
    assert by_id['201']['state'] == 'running' and by_id['201']['name'] == 'Renewal Reminder Calls'
    assert by_id['202']['state'] == 'paused' and by_id['203']['state'] == 'completed'
    assert by_id['204']['state'] == 'unknown' and by_id['204']['native_status'] == 1
    assert by_id['100000']['state'] == 'paused'
    assert by_id['201']['raw'] == {'id': 201, 'name': 'Renewal Reminder Calls', 'status': 2, 'strBeginTime': '2025-01-01 00:00:00',
                                   'strEndTime': '2026-12-31 23:59:59', 'deviceType': 2, 'callerNo': '4008000201'}

    log = sim.requests('isales')
    assert [(entry['method'], entry['path']) for entry in log] == [('GET', BASE_PATH + '/1')] * 3
    assert [entry['query'] for entry in log] == [
        {'status': '0', 'deviceType': '0', 'curPage': str(page), 'rowsPerPage': '100'} for page in (1, 2, 3)]
    assert not sim.writes('isales')


def test_simulator_refuses_a_list_without_device_type(sim):
    # "Querying All Outbound Campaigns": deviceType is mandatory; Huawei answers HTTP 200 with its
    # parameter error 0200001, the detail in resultDesc.
    response = signed_get(sim, '/1', {'status': 0, 'curPage': 1, 'rowsPerPage': 100})
    assert response.status_code == 200
    body = response.json()
    assert body == {'resultCode': '0200001', 'resultDesc': 'Parameter error: deviceType is mandatory and empty.',
                    'returnCode': '0200001', 'returnDesc': 'Parameter error: deviceType is mandatory and empty.'}
    complete = signed_get(sim, '/1', {'status': 0, 'deviceType': 0, 'curPage': 1, 'rowsPerPage': 100}).json()
    assert complete['resultCode'] == '0200000' and complete['totalSize'] == 9


@pytest.mark.parametrize('campaign_id, before, after, action', [('201', 'running', 'paused', 'pause'),
                                                                ('202', 'paused', 'running', 'resume')])
def test_pause_and_resume_send_exactly_the_documented_requests(campaign_id, before, after, action, sim, playbook):
    run = playbook.run_tasks([task('campaign_state', sim, campaign_id=campaign_id, state=after)])
    assert run.rc == 0, run.output
    result = run[0]
    assert (result['changed'], result['previous_state'], result['actions']) == (True, before, [action])
    assert result['campaign']['id'] == campaign_id and result['campaign']['state'] == after

    log = sim.requests('isales')
    path = '{0}/1/{1}'.format(BASE_PATH, campaign_id)
    assert [(entry['method'], entry['path'], entry['query']) for entry in log] == [('GET', path, {}), ('PUT', path + '/' + action, {})]
    write = log[1]
    assert write['body'] is None
    assert write['headers']['Content-Type'] == CONTENT_TYPE
    assert write['headers']['Authorization'] == '<redacted>'
    assert write['status'] == 200
    [record] = [r for r in sim.campaigns()['isales'] if str(r['id']) == campaign_id]
    assert record['status'] == {'paused': 3, 'running': 2}[after]


def test_unknown_status_code_is_observed_only(sim, playbook):
    # Campaign 204 has status 1, which Huawei's list example shows but its status table does not document.
    run = playbook.run_tasks([task('campaign_info', sim, campaign_id='204'),
                              task('campaign_state', sim, campaign_id='204', state='running'),
                              task('campaign_state', sim, campaign_id='204', state='paused')])
    info = run[0]['campaigns'][0]
    assert (info['id'], info['state'], info['native_status']) == ('204', 'unknown', 1)
    assert info['raw']['name'] == 'Fibre Upsell Draft' and info['raw']['maxAlertingTime'] == 20
    for result, desired in ((run[1], 'running'), (run[2], 'paused')):
        assert result['failed'] is True and not result.get('changed')
        assert 'isales campaign 204 is unknown (native status 1, a status code Huawei does not document' in result['msg']
        assert 'cannot be moved to {0}'.format(desired) in result['msg']
    assert not sim.writes('isales')
