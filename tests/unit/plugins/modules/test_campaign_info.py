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
from ansible_collections.campaignops.campaigns.tests.vendors import VENDORS


def eight_read_args(**extra):
    """8x8's task arguments with the data token only: reading needs no action token."""
    args = dict(VENDORS['8x8'].MODULE_ARGS, **extra)
    del args['action_token']
    return args


def test_one_8x8_campaign(run_module, rsps, sent, basic_auth):
    vendor = VENDORS['8x8']
    rsps.add(responses.GET, vendor.read_url(), json=vendor.read_answer(8))
    args = eight_read_args(campaign_id='6561')
    result = run_module(campaign_info.main, args)
    assert result == dict(changed=False, campaigns=[dict(id='6561', name='My Callbacks', state='paused', native_status=8,
                                                         raw=vendor.record(8))])
    assert sent() == [('GET', vendor.read_url())]
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth(args['username'], args['data_token'])


def test_8x8_without_campaign_id_fails_clearly_without_any_request(run_module, rsps, sent):
    result = run_module(campaign_info.main, eight_read_args())
    assert result['failed'] is True
    assert result['msg'] == 'provider=8x8 has no call that lists campaigns: give campaign_id'
    assert sent() == []


def test_every_ocamba_campaign(run_module, rsps, sent):
    vendor = VENDORS['ocamba']
    items = [vendor.row(1, 'running', name='A'), vendor.row(2, 'canceled', name='B')]
    rsps.add(responses.GET, vendor.CAMPAIGNS_URL, json=vendor.answer(items), match=[matchers.query_param_matcher(vendor.list_query(1))])
    result = run_module(campaign_info.main, dict(vendor.MODULE_ARGS))
    assert result['changed'] is False
    assert result['campaigns'] == [dict(id='1', name='A', state='running', native_status='running', raw=items[0]),
                                   dict(id='2', name='B', state='stopped', native_status='canceled', raw=items[1])]
    assert sent() == [('GET', vendor.list_url(1))]


def test_every_wolkvox_campaign(run_module, rsps, sent):
    vendor = VENDORS['wolkvox']
    rows = [vendor.row('4001', 'Started', 'preview', campaign_name='P'), vendor.row('4002', 'Stopped', 'predictive', campaign_name='Q')]
    rsps.add(responses.GET, vendor.list_url(), json=vendor.envelope(rows))
    result = run_module(campaign_info.main, dict(vendor.MODULE_ARGS))
    assert [(c['id'], c['name'], c['state'], c['native_status']) for c in result['campaigns']] == [
        ('4001', 'P', 'running', 'Started'), ('4002', 'Q', 'paused', 'Stopped')]
    assert sent() == [('GET', vendor.list_url())]


def test_one_wolkvox_campaign(run_module, rsps, sent):
    vendor = VENDORS['wolkvox']
    rows = [vendor.row('4001', 'Started', 'preview'), vendor.row('4002', 'Stopped', 'predictive')]
    rsps.add(responses.GET, vendor.list_url(), json=vendor.envelope(rows))
    result = run_module(campaign_info.main, dict(vendor.MODULE_ARGS, campaign_id='4002'))
    assert [c['id'] for c in result['campaigns']] == ['4002']
    assert sent() == [('GET', vendor.list_url())]


def test_every_isales_campaign_of_the_vdn_from_the_environment(run_module, rsps, sent, monkeypatch):
    vendor = VENDORS['isales']
    monkeypatch.setenv('ISALES_VDN_ID', str(vendor.VDN_ID))
    rsps.add(responses.GET, vendor.campaigns_url(), json=vendor.list_page([vendor.row(7, 2, name='R')], 1, 1))
    result = run_module(campaign_info.main, dict(vendor.MODULE_ARGS))
    assert [(c['id'], c['state']) for c in result['campaigns']] == [('7', 'running')]
    assert sent() == [('GET', vendor.list_url(1))]


def test_isales_list_needs_a_vdn_id(run_module, rsps, sent):
    result = run_module(campaign_info.main, dict(VENDORS['isales'].MODULE_ARGS))
    assert result['failed'] is True
    assert 'needs vdn_id' in result['msg']
    assert sent() == []


def test_one_voltmx_campaign_in_check_mode(run_module, rsps, sent):
    vendor = VENDORS['voltmx']
    rsps.add(responses.GET, vendor.campaign_url('42'), json=vendor.record('42', 'Pending', name='warm biz'))
    result = run_module(campaign_info.main, dict(vendor.MODULE_ARGS, campaign_id='42'), check_mode=True)
    assert [(c['id'], c['state'], c['native_status']) for c in result['campaigns']] == [('42', 'scheduled', 'Pending')]
    assert sent() == [('GET', vendor.campaign_url('42'))]


def test_not_found_fails(run_module, rsps):
    vendor = VENDORS['ocamba']
    rsps.add(responses.GET, vendor.campaign_url('99'), status=404, json=vendor.error_body(404, 'Not found.', trace_id='tr-99'))
    result = run_module(campaign_info.main, dict(vendor.MODULE_ARGS, campaign_id='99'))
    assert result['failed'] is True
    assert result['msg'] == 'ocamba campaign 99: HTTP 404: 404 Not found. (trace_id tr-99)'


def test_option_of_another_provider_fails(run_module, rsps, sent):
    result = run_module(campaign_info.main, dict(VENDORS['ocamba'].MODULE_ARGS, action_token='x-token-value'))
    assert result['failed'] is True
    assert result['msg'].startswith('option action_token cannot be used with provider=ocamba')
    assert sent() == []


def test_missing_credential_names_the_environment_variable(run_module, rsps, sent):
    result = run_module(campaign_info.main, dict(provider='wolkvox', server='0032'))
    assert result['msg'] == 'provider=wolkvox needs credentials: set token (WOLKVOX_TOKEN)'
    assert sent() == []


def test_secrets_from_options_never_appear(run_module, rsps, assert_no_secret):
    vendor = VENDORS['8x8']
    rsps.add(responses.GET, vendor.read_url(), json=vendor.read_answer(8))
    args = eight_read_args(campaign_id='6561')
    result = run_module(campaign_info.main, args)
    assert_no_secret(result, args['data_token'])


def test_secrets_from_the_environment_never_appear_on_failure(run_module, rsps, monkeypatch, assert_no_secret, basic_auth):
    vendor = VENDORS['voltmx']
    monkeypatch.setenv('VOLTMX_API_URL', vendor.API_URL)
    monkeypatch.setenv('VOLTMX_USERNAME', 'admin')
    monkeypatch.setenv('VOLTMX_PASSWORD', 'env-vm-passw0rd')
    rsps.add(responses.GET, vendor.CAMPAIGNS_URL, status=401, json=vendor.message_body('bad password env-vm-passw0rd'),
             match=[matchers.query_param_matcher(vendor.list_query(0))])
    result = run_module(campaign_info.main, dict(provider='voltmx'))
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth('admin', 'env-vm-passw0rd')
    assert result['failed'] is True
    assert 'HTTP 401' in result['msg']
    assert_no_secret(result, 'env-vm-passw0rd')


def test_secret_echoed_in_a_listed_record_never_appears(run_module, rsps, monkeypatch, assert_no_secret):
    vendor = VENDORS['ocamba']
    monkeypatch.setenv('OCAMBA_TOKEN', 'env-oc-s3cret')
    items = [vendor.row(1, 'running', name='A', webhook='https://hooks.example.com/?token=env-oc-s3cret')]
    rsps.add(responses.GET, vendor.CAMPAIGNS_URL, json=vendor.answer(items))
    result = run_module(campaign_info.main, dict(provider='ocamba'))
    assert result['campaigns'][0]['id'] == '1'
    assert_no_secret(result, 'env-oc-s3cret')
