# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""campaign_info end to end through main(): one campaign, every campaign, and never a write."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import responses

from responses import matchers

from ansible_collections.campaignops.campaigns.plugins.modules import campaign_info

EIGHT_READ = 'https://vcc-na12.8x8.com/api/stats/campaigns/6561.json'
OCAMBA = 'https://api.ocamba.com/v1/hood/campaigns'
WOLKVOX_LIST = 'https://wv0032.wolkvox.com/api/v2/information.php?api=campaigns'
VOLTMX = 'https://voltmx.example.com:8443/api/v1/campaigns'
ISALES = 'https://isales.example.com:28090/rest/isales/v1/openapi/campaigns/12'
OK = {'resultCode': '0200000', 'resultDesc': '', 'returnCode': '0200000', 'returnDesc': ''}

EIGHT_RECORD = {'campaign-id': 6561, 'campaign-name': 'My Callbacks', 'status': 8, 'enabled': 'Y', 'dynamic-campaign': 'Y'}


def test_one_8x8_campaign(run_module, rsps, sent, basic_auth):
    rsps.add(responses.GET, EIGHT_READ, json={'campaign': EIGHT_RECORD})
    result = run_module(campaign_info.main, dict(provider='8x8', platform='na12', username='tenant', data_token='data-s3cret',
                                                 campaign_id='6561'))
    assert result == dict(changed=False, campaigns=[dict(id='6561', name='My Callbacks', state='paused', native_status=8,
                                                         raw=EIGHT_RECORD)])
    assert sent() == [('GET', EIGHT_READ)]
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth('tenant', 'data-s3cret')


def test_8x8_without_campaign_id_fails_clearly_without_any_request(run_module, rsps, sent):
    result = run_module(campaign_info.main, dict(provider='8x8', platform='na12', username='tenant', data_token='data-s3cret'))
    assert result['failed'] is True
    assert result['msg'] == 'provider=8x8 has no call that lists campaigns: give campaign_id'
    assert sent() == []


def test_every_ocamba_campaign(run_module, rsps, sent):
    items = [{'id': 1, 'name': 'A', 'status': 'running'}, {'id': 2, 'name': 'B', 'status': 'canceled'}]
    query = {'page': '1,100', 'fields': 'id,name,status,scheduled_time'}
    rsps.add(responses.GET, OCAMBA, json={'total': 2, 'items': items}, match=[matchers.query_param_matcher(query)])
    result = run_module(campaign_info.main, dict(provider='ocamba', token='oc-s3cret-token'))
    assert result['changed'] is False
    assert result['campaigns'] == [dict(id='1', name='A', state='running', native_status='running', raw=items[0]),
                                   dict(id='2', name='B', state='stopped', native_status='canceled', raw=items[1])]
    assert sent() == [('GET', OCAMBA + '?page=1%2C100&fields=id%2Cname%2Cstatus%2Cscheduled_time')]


def test_every_wolkvox_campaign(run_module, rsps, sent):
    rows = [{'campaign_id': '4001', 'campaign_name': 'P', 'type_campaign': 'preview', 'status': 'Started'},
            {'campaign_id': '4002', 'campaign_name': 'Q', 'type_campaign': 'predictive', 'status': 'Stopped'}]
    rsps.add(responses.GET, WOLKVOX_LIST, json={'code': 200, 'error': None, 'msg': 'ok', 'data': rows})
    result = run_module(campaign_info.main, dict(provider='wolkvox', server='0032', token='wv-s3cret'))
    assert [(c['id'], c['name'], c['state'], c['native_status']) for c in result['campaigns']] == [
        ('4001', 'P', 'running', 'Started'), ('4002', 'Q', 'paused', 'Stopped')]
    assert sent() == [('GET', WOLKVOX_LIST)]


def test_one_wolkvox_campaign(run_module, rsps, sent):
    rows = [{'campaign_id': '4001', 'type_campaign': 'preview', 'status': 'Started'},
            {'campaign_id': '4002', 'type_campaign': 'predictive', 'status': 'Stopped'}]
    rsps.add(responses.GET, WOLKVOX_LIST, json={'code': 200, 'error': None, 'msg': 'ok', 'data': rows})
    result = run_module(campaign_info.main, dict(provider='wolkvox', server='0032', token='wv-s3cret', campaign_id='4002'))
    assert [c['id'] for c in result['campaigns']] == ['4002']
    assert sent() == [('GET', WOLKVOX_LIST)]


def test_every_isales_campaign_of_the_vdn_from_the_environment(run_module, rsps, sent, monkeypatch):
    monkeypatch.setenv('ISALES_VDN_ID', '12')
    # "Querying All Outbound Campaigns": rows under data, counted by totalSize.
    rows = [{'id': 7, 'name': 'R', 'status': 2, 'deviceType': 2}]
    rsps.add(responses.GET, ISALES, json=dict(OK, totalSize=1, curPage=1, rowsPerPage=100, data=rows))
    result = run_module(campaign_info.main, dict(provider='isales', api_url='https://isales.example.com:28090', access_key='AK-1',
                                                 secret_key='isales-s3cret'))
    assert [(c['id'], c['state']) for c in result['campaigns']] == [('7', 'running')]
    assert sent() == [('GET', ISALES + '?status=0&deviceType=0&curPage=1&rowsPerPage=100')]


def test_isales_list_needs_a_vdn_id(run_module, rsps, sent):
    result = run_module(campaign_info.main, dict(provider='isales', api_url='https://isales.example.com:28090', access_key='AK-1',
                                                 secret_key='isales-s3cret'))
    assert result['failed'] is True
    assert 'needs vdn_id' in result['msg']
    assert sent() == []


def test_one_voltmx_campaign_in_check_mode(run_module, rsps, sent):
    rsps.add(responses.GET, VOLTMX + '/42', json={'id': '42', 'name': 'warm biz', 'status': 'Pending'})
    result = run_module(campaign_info.main, dict(provider='voltmx', api_url='https://voltmx.example.com:8443', token='vm-claims-token',
                                                 campaign_id='42'), check_mode=True)
    assert [(c['id'], c['state'], c['native_status']) for c in result['campaigns']] == [('42', 'scheduled', 'Pending')]
    assert sent() == [('GET', VOLTMX + '/42')]


def test_not_found_fails(run_module, rsps):
    rsps.add(responses.GET, OCAMBA + '/99', status=404, json={'code': 404, 'title': 'Not found.', 'trace_id': 'tr-99'})
    result = run_module(campaign_info.main, dict(provider='ocamba', token='oc-s3cret-token', campaign_id='99'))
    assert result['failed'] is True
    assert result['msg'] == 'ocamba campaign 99: HTTP 404: 404 Not found. (trace_id tr-99)'


def test_option_of_another_provider_fails(run_module, rsps, sent):
    result = run_module(campaign_info.main, dict(provider='ocamba', token='oc-s3cret-token', action_token='x-token-value'))
    assert result['failed'] is True
    assert result['msg'].startswith('option action_token cannot be used with provider=ocamba')
    assert sent() == []


def test_missing_credential_names_the_environment_variable(run_module, rsps, sent):
    result = run_module(campaign_info.main, dict(provider='wolkvox', server='0032'))
    assert result['msg'] == 'provider=wolkvox needs credentials: set token (WOLKVOX_TOKEN)'
    assert sent() == []


def test_secrets_from_options_never_appear(run_module, rsps, assert_no_secret):
    rsps.add(responses.GET, EIGHT_READ, json={'campaign': EIGHT_RECORD})
    result = run_module(campaign_info.main, dict(provider='8x8', platform='na12', username='tenant', data_token='data-s3cret',
                                                 campaign_id='6561'))
    assert_no_secret(result, 'data-s3cret')


def test_secrets_from_the_environment_never_appear_on_failure(run_module, rsps, monkeypatch, assert_no_secret, basic_auth):
    monkeypatch.setenv('VOLTMX_API_URL', 'https://voltmx.example.com:8443')
    monkeypatch.setenv('VOLTMX_USERNAME', 'admin')
    monkeypatch.setenv('VOLTMX_PASSWORD', 'env-vm-passw0rd')
    rsps.add(responses.GET, VOLTMX, status=401, json={'message': 'bad password env-vm-passw0rd'},
             match=[matchers.query_param_matcher({'start': '0', 'pageSize': '100'})])
    result = run_module(campaign_info.main, dict(provider='voltmx'))
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth('admin', 'env-vm-passw0rd')
    assert result['failed'] is True
    assert 'HTTP 401' in result['msg']
    assert_no_secret(result, 'env-vm-passw0rd')


def test_secret_echoed_in_a_listed_record_never_appears(run_module, rsps, monkeypatch, assert_no_secret):
    monkeypatch.setenv('OCAMBA_TOKEN', 'env-oc-s3cret')
    items = [{'id': 1, 'name': 'A', 'status': 'running', 'webhook': 'https://hooks.example.com/?token=env-oc-s3cret'}]
    rsps.add(responses.GET, OCAMBA, json={'total': 1, 'items': items})
    result = run_module(campaign_info.main, dict(provider='ocamba'))
    assert result['campaigns'][0]['id'] == '1'
    assert_no_secret(result, 'env-oc-s3cret')
