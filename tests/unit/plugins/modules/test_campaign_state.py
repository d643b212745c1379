# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""campaign_state end to end through main(): argument spec, engine, providers, HTTP (mocked)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json

import pytest
import requests
import responses
import urllib3
import yaml

from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    CONNECTION_ARGUMENT_SPEC, ENDPOINT_AND_CREDENTIAL_OPTIONS, TLS_OPTIONS, connection_spec)
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.ocamba import DEFAULT_REASON
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.plugins.module_utils._states import SETTABLE_STATES
from ansible_collections.campaignops.campaigns.plugins.modules import campaign_state
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS, eightbyeight, ocamba

EIGHT_READ = eightbyeight.read_url()
EIGHT_WRITE = eightbyeight.write_url()
EIGHT = eightbyeight.MODULE_ARGS
OCAMBA_ARGS = ocamba.MODULE_ARGS
TRACE = ocamba.TRACE_ID
OCAMBA_READ = ocamba.campaign_url('4711')
OCAMBA_PAUSE = ocamba.campaign_url('4711', 'pause')


# ----- refused before any request -------------------------------------------------------------

def test_state_the_provider_cannot_set_fails_before_any_request(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(VENDORS['isales'].MODULE_ARGS, vdn_id=12, campaign_id='5', state='stopped'))
    assert result['failed'] is True
    assert result['msg'] == 'provider=isales cannot set state=stopped; it can set: paused, running'
    assert sent() == []


UNSETTABLE = [(name, state) for name in NAMES for state in SETTABLE_STATES if state not in PROVIDERS[name].settable_states()]


@pytest.mark.parametrize('provider, state', UNSETTABLE)
def test_every_unsettable_state_fails_before_any_request(run_module, rsps, sent, provider, state):
    result = run_module(campaign_state.main, dict(VENDORS[provider].MODULE_ARGS, campaign_id='5', state=state))
    assert result['msg'].startswith('provider={0} cannot set state={1}; it can set: '.format(provider, state))
    assert sent() == []


def test_option_of_another_provider_fails_naming_it(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, vdn_id=12, campaign_id='4711', state='paused'))
    assert result['failed'] is True
    assert result['msg'].startswith('option vdn_id cannot be used with provider=ocamba')
    assert sent() == []


def test_missing_credential_names_the_option_and_the_environment_variable(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(provider='ocamba', campaign_id='4711', state='paused'))
    assert result['failed'] is True
    assert result['msg'] == 'provider=ocamba needs credentials: set token (OCAMBA_TOKEN)'
    assert sent() == []


def test_8x8_change_needs_the_action_token(run_module, rsps, sent):
    args = dict(EIGHT, campaign_id='6561', state='paused')
    del args['action_token']
    result = run_module(campaign_state.main, args)
    assert 'action_token (EIGHTBYEIGHT_ACTION_TOKEN)' in result['msg']
    assert sent() == []


def test_malformed_campaign_id_fails_before_any_request(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='1/../2', state='paused'))
    assert result['failed'] is True
    assert 'is not a valid campaign id' in result['msg']
    assert sent() == []


def test_campaign_id_needs_state(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711'))
    assert result['failed'] is True
    assert 'state' in result['msg']
    assert sent() == []


def test_campaign_id_and_campaigns_are_exclusive(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='paused', campaigns=[{'campaign_id': '1'}]))
    assert result['failed'] is True
    assert 'mutually exclusive' in result['msg']
    assert sent() == []


# ----- check mode, change, diff -----------------------------------------------------------------

def test_check_mode_reads_only(run_module, rsps, sent):
    rsps.add(responses.GET, EIGHT_READ, json=eightbyeight.read_answer(3))
    result = run_module(campaign_state.main, dict(EIGHT, campaign_id='6561', state='purged'), check_mode=True)
    assert sent() == [('GET', EIGHT_READ)]
    assert result['changed'] is True
    assert result['actions'] == ['pause', 'purge']
    assert result['previous_state'] == 'running'
    assert result['campaign'] == dict(id='6561', name='My Callbacks', state='purged', native_status=10)
    assert 'diff' not in result


def test_check_mode_does_not_need_the_action_token(run_module, rsps, sent):
    rsps.add(responses.GET, EIGHT_READ, json=eightbyeight.read_answer(3))
    args = dict(EIGHT, campaign_id='6561', state='paused')
    del args['action_token']
    result = run_module(campaign_state.main, args, check_mode=True)
    assert result['actions'] == ['pause']
    assert sent() == [('GET', EIGHT_READ)]


def test_change(run_module, rsps, sent, body_of, basic_auth):
    rsps.add(responses.GET, EIGHT_READ, json=eightbyeight.read_answer(3))
    rsps.add(responses.POST, EIGHT_WRITE, json=eightbyeight.STATUS_CHANGED)
    rsps.add(responses.POST, EIGHT_WRITE, json=eightbyeight.STATUS_CHANGED)
    result = run_module(campaign_state.main, dict(EIGHT, campaign_id='6561', state='purged'))
    assert sent() == [('GET', EIGHT_READ), ('POST', EIGHT_WRITE), ('POST', EIGHT_WRITE)]
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth('tenant', 'data-s3cret')
    assert [call.request.headers['Authorization'] for call in rsps.calls[1:]] == [basic_auth('tenant', 'action-s3cret')] * 2
    assert [body_of(call) for call in rsps.calls[1:]] == [{'status': 'PAUSED'}, {'status': 'PURGED'}]
    assert result['changed'] is True
    assert result['actions'] == ['pause', 'purge']
    assert result['previous_state'] == 'running'
    assert result['campaign'] == dict(id='6561', name='My Callbacks', state='purged', native_status=10)
    assert 'diff' not in result
    assert 'failed' not in result


def test_diff_only_in_diff_mode(run_module, rsps):
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    rsps.add(responses.POST, OCAMBA_PAUSE, status=204)
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='paused'), diff=True)
    assert result['diff'] == dict(before=dict(state='running', native_status='running'), after=dict(state='paused', native_status='paused'))


def test_already_in_state_is_not_a_change(run_module, rsps, sent):
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'paused'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='paused'), diff=True)
    assert sent() == [('GET', OCAMBA_READ)]
    assert result['changed'] is False
    assert result['actions'] == []
    assert result['diff']['before'] == result['diff']['after']


def test_forbidden_transition_fails_after_the_read_only(run_module, rsps, sent):
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'canceled'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='running'))
    assert result['failed'] is True
    assert result['msg'] == ("ocamba campaign 4711 is stopped (native status 'canceled') and cannot be moved to running: "
                             "ocamba allows no transition from stopped")
    assert sent() == [('GET', OCAMBA_READ)]


def test_failure_on_the_second_step_reports_the_applied_action(run_module, rsps, sent):
    rsps.add(responses.GET, EIGHT_READ, json=eightbyeight.read_answer(3))
    rsps.add(responses.POST, EIGHT_WRITE, json=eightbyeight.STATUS_CHANGED)
    rsps.add(responses.POST, EIGHT_WRITE, status=403, json=eightbyeight.message_body('Forbidden'))
    result = run_module(campaign_state.main, dict(EIGHT, campaign_id='6561', state='purged'))
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['actions'] == ['pause']
    assert result['msg'].endswith('; already applied: pause (the campaign is now paused)')
    assert sent() == [('GET', EIGHT_READ), ('POST', EIGHT_WRITE), ('POST', EIGHT_WRITE)]


def test_refused_write_is_not_a_change(run_module, rsps, sent):
    refused = dict(status=400, json=ocamba.error_body(400, 'Bad request.', 'Campaign is not running.'))
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    rsps.add(responses.POST, OCAMBA_PAUSE, **refused)
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='paused'))
    assert result['failed'] is True
    assert result['changed'] is False
    assert result['actions'] == []
    assert TRACE in result['msg'] and 'Campaign is not running.' in result['msg'] and 'HTTP 400' in result['msg']
    # The read-back shows the campaign never moved: the vendor's refusal stands, one write only.
    assert sent() == [('GET', OCAMBA_READ), ('POST', OCAMBA_PAUSE), ('GET', OCAMBA_READ)]


def test_wait_polls_until_the_target(run_module, rsps, sent, sleeps):
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    rsps.add(responses.POST, OCAMBA_PAUSE, status=204)
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'paused'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='paused', wait=True))
    assert result['changed'] is True
    assert result['campaign']['state'] == 'paused'
    assert sleeps == [1.0]
    assert sent() == [('GET', OCAMBA_READ), ('POST', OCAMBA_PAUSE), ('GET', OCAMBA_READ), ('GET', OCAMBA_READ)]


def test_wait_timeout_fails_but_reports_the_change(run_module, rsps, sleeps):
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    rsps.add(responses.POST, OCAMBA_PAUSE, status=204)
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='paused', wait=True, wait_timeout=3))
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['actions'] == ['pause']
    assert 'after wait_timeout=3s' in result['msg']
    assert sum(sleeps) <= 3


def test_connection_refused_is_a_clear_failure(run_module, rsps, sent, sleeps):
    vendor = VENDORS['voltmx']
    conn = urllib3.connection.HTTPSConnection('voltmx.example.com', 8443)
    reason = urllib3.exceptions.NewConnectionError(conn, 'Failed to establish a new connection: [Errno 111] Connection refused')
    for _attempt in range(4):
        rsps.add(responses.GET, vendor.campaign_url('42'),
                 body=requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, '/', reason)))
    result = run_module(campaign_state.main, dict(vendor.MODULE_ARGS, campaign_id='42', state='paused'))
    assert result['failed'] is True
    assert result['msg'] == 'voltmx campaign 42: could not connect to {0}: Connection refused'.format(vendor.campaign_url('42'))
    assert result.get('changed') is not True
    assert sent() == [('GET', vendor.campaign_url('42'))] * 4  # the read was retried, and nothing else was sent
    assert len(sleeps) == 3


# ----- bulk ---------------------------------------------------------------------------------------

def test_bulk_results_in_input_order(run_module, rsps, sent, body_of):
    rsps.add(responses.GET, ocamba.campaign_url('1'), json=ocamba.read_answer('1', 'running'))
    rsps.add(responses.POST, ocamba.campaign_url('1', 'pause'), status=204)
    rsps.add(responses.GET, ocamba.campaign_url('2'), json=ocamba.read_answer('2', 'paused'))
    rsps.add(responses.POST, ocamba.campaign_url('2', 'cancel'), status=204)
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=[
        dict(campaign_id='1'), dict(campaign_id='2', state='stopped', reason='done')]), diff=True)
    assert result['changed'] is True
    assert [(r['campaign_id'], r['actions'], r['campaign']['state']) for r in result['results']] == [
        ('1', ['pause'], 'paused'), ('2', ['cancel'], 'stopped')]
    assert result['diff'] == [dict(before=dict(state='running', native_status='running'), after=dict(state='paused', native_status='paused')),
                              dict(before=dict(state='paused', native_status='paused'), after=dict(state='stopped', native_status='canceled'))]
    assert sorted(sent()) == sorted([('GET', ocamba.campaign_url('1')), ('POST', ocamba.campaign_url('1', 'pause')),
                                     ('GET', ocamba.campaign_url('2')), ('POST', ocamba.campaign_url('2', 'cancel'))])
    bodies = dict((call.request.url, body_of(call)) for call in rsps.calls if call.request.method == 'POST')
    assert bodies == {ocamba.campaign_url('1', 'pause'): {'reason': DEFAULT_REASON}, ocamba.campaign_url('2', 'cancel'): {'reason': 'done'}}


def test_bulk_without_diff_mode_has_no_diff(run_module, rsps):
    rsps.add(responses.GET, ocamba.campaign_url('1'), json=ocamba.read_answer('1', 'paused'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=[dict(campaign_id='1')]))
    assert result['changed'] is False
    assert 'diff' not in result
    assert all('diff' not in r for r in result['results'])


def test_bulk_failure_of_one_item_fails_the_task_but_converges_the_others(run_module, rsps, sent):
    vendor = VENDORS['wolkvox']
    rsps.add(responses.GET, vendor.list_url(), json=vendor.envelope([vendor.row('4001'), vendor.row('4003')]))
    rsps.add(responses.PUT, vendor.action_url('stop', 'preview', '4001'), json=vendor.action_answer('stop', '4001'))
    rsps.add(responses.PUT, vendor.action_url('stop', 'preview', '4003'), json=vendor.action_answer('stop', '4003'))
    result = run_module(campaign_state.main, dict(vendor.MODULE_ARGS, state='paused', campaigns=[
        dict(campaign_id='4001'), dict(campaign_id='4002'), dict(campaign_id='4003')]))
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['msg'] == ("1 of 3 campaigns failed: wolkvox campaign 4002: not found in the campaign list of this token's "
                             "operation")
    assert [(r['campaign_id'], r.get('failed', False), r['actions']) for r in result['results']] == [
        ('4001', False, ['stop']), ('4002', True, []), ('4003', False, ['stop'])]
    assert sent() == [('GET', vendor.list_url()), ('PUT', vendor.action_url('stop', 'preview', '4001')),
                      ('PUT', vendor.action_url('stop', 'preview', '4003'))]


def test_bulk_duplicate_ids_fail_before_any_request(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=[dict(campaign_id='1'), dict(campaign_id='1')]))
    assert result['msg'] == 'ocamba campaign 1 is listed twice in campaigns; list each campaign once'
    assert sent() == []


def test_bulk_check_mode_reads_only(run_module, rsps, sent):
    rsps.add(responses.GET, ocamba.campaign_url('1'), json=ocamba.read_answer('1', 'running'))
    rsps.add(responses.GET, ocamba.campaign_url('2'), json=ocamba.read_answer('2', 'scheduled'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='running', campaigns=[
        dict(campaign_id='1'), dict(campaign_id='2', start_now=True)]), check_mode=True)
    assert [r['actions'] for r in result['results']] == [[], ['pause', 'resume']]
    assert sorted(sent()) == [('GET', ocamba.campaign_url('1')), ('GET', ocamba.campaign_url('2'))]


def test_scheduled_campaign_asked_to_run_is_left_alone_with_a_warning(run_module, rsps, sent):
    record = ocamba.read_answer('2', 'scheduled')
    record['items'][0]['scheduled_time'] = '2026-12-24 08:00:00'
    rsps.add(responses.GET, ocamba.campaign_url('2'), json=record)
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='2', state='running'))
    assert result['changed'] is False and result['actions'] == []
    assert result['campaign']['state'] == 'scheduled'
    assert sent() == [('GET', ocamba.campaign_url('2'))]
    [warning] = result['warnings']
    assert '2026-12-24 08:00:00' in warning and 'start_now' in warning


def test_start_now_starts_a_scheduled_campaign_by_the_vendors_calls(run_module, rsps, sent, body_of):
    rsps.add(responses.GET, ocamba.campaign_url('2'), json=ocamba.read_answer('2', 'scheduled'))
    rsps.add(responses.POST, ocamba.campaign_url('2', 'pause'), status=204)
    rsps.add(responses.POST, ocamba.campaign_url('2', 'resume'), status=204)
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='2', state='running', start_now=True))
    assert result['changed'] is True and result['actions'] == ['pause', 'resume']
    assert sent() == [('GET', ocamba.campaign_url('2')), ('POST', ocamba.campaign_url('2', 'pause')),
                      ('POST', ocamba.campaign_url('2', 'resume'))]
    assert body_of(rsps.calls[2]) == {'run_immediately': 1}
    assert 'warnings' not in result


def test_bulk_across_providers_converges_each_with_its_own_credentials(run_module, rsps, sent, monkeypatch, assert_no_secret):
    # The task's own token is Ocamba's; Wolkvox takes its server and token from the environment.
    wolkvox = VENDORS['wolkvox']
    monkeypatch.setenv('WOLKVOX_TOKEN', 'env-wv-s3cret')
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    monkeypatch.setenv('OCAMBA_TOKEN', 'not-the-task-token')
    rsps.add(responses.GET, ocamba.campaign_url('1'), json=ocamba.read_answer('1', 'running'))
    rsps.add(responses.POST, ocamba.campaign_url('1', 'pause'), status=204)
    rsps.add(responses.GET, wolkvox.list_url(), json=wolkvox.envelope([wolkvox.row('4001')]))
    rsps.add(responses.PUT, wolkvox.action_url('stop', 'preview', '4001'), json=wolkvox.action_answer('stop', '4001'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', reason='season end', campaigns=[
        dict(campaign_id='4001', provider='wolkvox'), dict(campaign_id='1')]))
    assert [(r['provider'], r['campaign_id'], r['actions']) for r in result['results']] == [
        ('wolkvox', '4001', ['stop']), ('ocamba', '1', ['pause'])]
    assert sorted(sent()) == sorted([('GET', ocamba.campaign_url('1')), ('POST', ocamba.campaign_url('1', 'pause')),
                                     ('GET', wolkvox.list_url()), ('PUT', wolkvox.action_url('stop', 'preview', '4001'))])
    headers = dict((call.request.url, call.request.headers) for call in rsps.calls)
    assert headers[ocamba.campaign_url('1', 'pause')]['Authorization'] == 'Bearer oc-s3cret-token'
    assert headers[wolkvox.list_url()]['wolkvox-token'] == 'env-wv-s3cret'
    assert_no_secret(result, 'env-wv-s3cret')
    assert_no_secret(result, 'oc-s3cret-token')


def test_bulk_without_task_provider_needs_one_per_item(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(state='paused', campaigns=[dict(campaign_id='1', provider='ocamba'),
                                                                             dict(campaign_id='2')]))
    assert result['msg'] == 'campaign 2: provider is required (set provider, or provider in every campaigns item)'
    assert sent() == []


def test_single_form_needs_the_task_provider(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(campaign_id='1', state='paused'))
    assert result['failed'] is True
    assert 'provider' in result['msg']
    assert sent() == []


def test_bulk_missing_credentials_of_a_later_provider_fail_before_any_request(run_module, rsps, sent, monkeypatch):
    monkeypatch.delenv('WOLKVOX_TOKEN', raising=False)
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=[
        dict(campaign_id='1'), dict(campaign_id='4001', provider='wolkvox')]))
    assert result['msg'] == ("provider=wolkvox needs credentials: set WOLKVOX_TOKEN in the environment, or token in "
                             "connections.wolkvox (the task's own credential options configure its provider only)")
    assert sent() == []


def test_bulk_connection_option_without_task_provider_is_refused(run_module, rsps, sent):
    result = run_module(campaign_state.main, dict(token='oc-s3cret-token', state='paused', campaigns=[
        dict(campaign_id='1', provider='ocamba'), dict(campaign_id='4001', provider='wolkvox')]))
    assert result['msg'].startswith("set provider to use token. Endpoint and credential options set on the task belong to the task's provider")
    assert 'OCAMBA_TOKEN, WOLKVOX_TOKEN' in result['msg']
    assert 'oc-s3cret-token' not in str(result)
    assert sent() == []


# ----- connections: each provider's endpoint, credentials and TLS in one option ------------------

def argument_spec_of(monkeypatch, main):
    """The argument spec ``main`` gives AnsibleModule."""
    class Captured(Exception):
        pass

    def capture(argument_spec, **_kwargs):
        raise Captured(argument_spec)
    monkeypatch.setattr(campaign_state, 'AnsibleModule', capture)
    with pytest.raises(Captured) as caught:
        main()
    return caught.value.args[0]


def test_connections_take_each_providers_own_connection_options_typed_and_masked_as_the_tasks(monkeypatch):
    # Masked as a whole by Ansible: its keys ("8x8") cannot be option names, so the runner validates each entry.
    assert argument_spec_of(monkeypatch, campaign_state.main)['connections'] == dict(type='dict', no_log=True)
    for provider_cls in PROVIDERS.values():
        spec = connection_spec(provider_cls)
        expected = [option for option in CONNECTION_ARGUMENT_SPEC if option in TLS_OPTIONS
                    or (option in ENDPOINT_AND_CREDENTIAL_OPTIONS and option in provider_cls.own_options)]
        assert list(spec) == expected
        for option, option_spec in spec.items():
            # No default: an option left out stays unset, so the environment (or verification) applies.
            assert option_spec == dict((key, value) for key, value in CONNECTION_ARGUMENT_SPEC[option].items() if key != 'default')


def test_the_documented_entries_of_connections_are_the_ones_the_runner_validates():
    # validate-modules cannot compare them (the entries are not in the argument spec), so this does.
    documented = yaml.safe_load(campaign_state.DOCUMENTATION)['options']['connections']
    assert documented['type'] == 'dict'
    entries = documented['suboptions']
    assert list(entries) == list(PROVIDERS)
    for name, provider_cls in PROVIDERS.items():
        assert entries[name]['type'] == 'dict'
        assert dict((option, doc['type']) for option, doc in entries[name]['suboptions'].items()) == dict(
            (option, spec['type']) for option, spec in connection_spec(provider_cls).items())
        assert not [doc for doc in entries[name]['suboptions'].values() if 'default' in doc]


WOLKVOX = VENDORS['wolkvox']


def ocamba_and_wolkvox(rsps, wolkvox_list=None):
    """An Ocamba campaign paused, and a Wolkvox one whose list answers ``wolkvox_list``."""
    rsps.add(responses.GET, ocamba.campaign_url('1'), json=ocamba.read_answer('1', 'running'))
    rsps.add(responses.POST, ocamba.campaign_url('1', 'pause'), status=204)
    if wolkvox_list is None:
        rsps.add(responses.GET, WOLKVOX.list_url(), json=WOLKVOX.envelope([WOLKVOX.row('4001')]))
        rsps.add(responses.PUT, WOLKVOX.action_url('stop', 'preview', '4001'), json=WOLKVOX.action_answer('stop', '4001'))
    else:
        rsps.add(responses.GET, WOLKVOX.list_url(), **wolkvox_list)


OCAMBA_AND_WOLKVOX = [dict(campaign_id='1'), dict(campaign_id='4001', provider='wolkvox')]
# A provider none of those campaigns is on.
ELSEWHERE = next(name for name in NAMES if name not in [item.get('provider', OCAMBA_ARGS['provider']) for item in OCAMBA_AND_WOLKVOX])


def test_bulk_across_providers_with_connections_needs_no_environment(run_module, rsps, sent, monkeypatch, assert_no_secret):
    # The entry wins over the environment, which would otherwise give Wolkvox its token.
    monkeypatch.setenv('WOLKVOX_TOKEN', 'env-wv-not-this-one')
    ocamba_and_wolkvox(rsps)
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=OCAMBA_AND_WOLKVOX,
                                                  connections={'wolkvox': dict(server='0032', token='wv-conn-s3cret')}))
    assert [(r['provider'], r['campaign_id'], r['actions']) for r in result['results']] == [
        ('ocamba', '1', ['pause']), ('wolkvox', '4001', ['stop'])]
    headers = dict((call.request.url, call.request.headers) for call in rsps.calls)
    assert headers[ocamba.campaign_url('1', 'pause')]['Authorization'] == 'Bearer oc-s3cret-token'
    assert headers[WOLKVOX.list_url()]['wolkvox-token'] == 'wv-conn-s3cret'
    assert len(sent()) == 4
    assert_no_secret(result, 'wv-conn-s3cret', 'oc-s3cret-token')


def test_a_secret_from_connections_that_the_vendor_echoes_is_masked_and_only_that(run_module, rsps, assert_no_secret):
    ocamba_and_wolkvox(rsps, dict(status=403, json=WOLKVOX.error_body(403, 'PLEASE VALIDATE TOKEN wv-conn-s3cret OF SERVER 0032')))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=OCAMBA_AND_WOLKVOX,
                                                  connections={'wolkvox': dict(server='0032', token='wv-conn-s3cret')}))
    assert result['failed'] is True
    assert 'PLEASE VALIDATE TOKEN' in result['msg'] and 'OF SERVER 0032' in result['results'][1]['msg']
    assert_no_secret(result, 'wv-conn-s3cret', 'oc-s3cret-token')


def test_without_a_task_provider_every_provider_comes_from_connections(run_module, rsps, sent, basic_auth, assert_no_secret):
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'paused'))
    rsps.add(responses.GET, EIGHT_READ, json=eightbyeight.read_answer(8))
    connections = dict((vendor.NAME, dict((option, value) for option, value in vendor.MODULE_ARGS.items() if option != 'provider'))
                       for vendor in (ocamba, eightbyeight))
    result = run_module(campaign_state.main, dict(state='paused', connections=connections, campaigns=[
        dict(provider=ocamba.NAME, campaign_id='4711'), dict(provider=eightbyeight.NAME, campaign_id='6561')]))
    assert result['changed'] is False and 'failed' not in result
    assert dict((call.request.url, call.request.headers['Authorization']) for call in rsps.calls) == {
        OCAMBA_READ: 'Bearer oc-s3cret-token', EIGHT_READ: basic_auth('tenant', 'data-s3cret')}
    assert_no_secret(result, 'oc-s3cret-token', 'data-s3cret', 'action-s3cret')


def test_missing_credentials_of_a_provider_in_connections_fail_naming_its_entry(run_module, rsps, sent, assert_no_secret):
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=OCAMBA_AND_WOLKVOX,
                                                  connections={'wolkvox': dict(token='wv-conn-s3cret')}))
    assert result['msg'].startswith('connections.wolkvox: provider=wolkvox needs server (WOLKVOX_SERVER)')
    assert sent() == []
    assert_no_secret(result, 'wv-conn-s3cret', 'oc-s3cret-token')


@pytest.mark.parametrize('connections, message', [
    ({'wolkvox': dict(server='0032', token='wv-conn-s3cret'), 'ocamba': dict(token='oc-conn-s3cret')},
     'connections.ocamba sets token, which the task sets too'),
    ({'wolkvox': dict(server='0032', token='wv-conn-s3cret', vdn_id=12)},
     'connections.wolkvox: option vdn_id cannot be used with provider=wolkvox; connections.wolkvox accepts: api_url, ca_path, server, '
     'token, validate_certs'),
    ({'wolkvox': dict(server='0032', token='wv-conn-s3cret'), 'acme': {}}, 'connections.acme: there is no provider acme'),
    ({'wolkvox': dict(server='0032', token='wv-conn-s3cret'), ELSEWHERE: {}},
     'connections sets connections.{0}, but none of the campaigns is on {0}: remove it, or add campaigns of {0} (the campaigns '
     'are on ocamba, wolkvox)'.format(ELSEWHERE)),
], ids=['same-option-twice', 'option-of-another-provider', 'unknown-provider', 'provider-without-campaigns'])
def test_connections_that_cannot_apply_as_written_are_refused_before_any_request(run_module, rsps, sent, assert_no_secret,
                                                                                 connections, message):
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', campaigns=OCAMBA_AND_WOLKVOX, connections=connections))
    assert result['failed'] is True
    assert result['msg'].startswith(message)
    assert sent() == []
    assert_no_secret(result, 'wv-conn-s3cret', 'oc-conn-s3cret', 'oc-s3cret-token')


def test_the_entry_of_the_tasks_own_provider_completes_the_task(run_module, rsps):
    # module_defaults may name the provider, and connections carry its token.
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'paused'))
    result = run_module(campaign_state.main, dict(provider='ocamba', campaign_id='4711', state='paused',
                                                  connections={'ocamba': dict(token='oc-conn-s3cret')}))
    assert result['changed'] is False
    assert rsps.calls[0].request.headers['Authorization'] == 'Bearer oc-conn-s3cret'


# ----- secrets ------------------------------------------------------------------------------------

def test_secrets_from_options_never_appear(run_module, rsps, assert_no_secret):
    # A vendor that echoes the credential back in its error message.
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    rsps.add(responses.POST, OCAMBA_PAUSE, status=401, json=ocamba.error_body(
        401, 'Unauthorized.', 'token oc-s3cret-token may not pause'))
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, campaign_id='4711', state='paused'), diff=True)
    assert result['failed'] is True
    assert TRACE in result['msg']
    assert_no_secret(result, 'oc-s3cret-token')


def test_secret_from_the_environment_is_used_and_never_appears(run_module, rsps, monkeypatch, assert_no_secret):
    monkeypatch.setenv('OCAMBA_TOKEN', 'env-oc-s3cret')
    rsps.add(responses.GET, OCAMBA_READ, json=ocamba.read_answer('4711', 'running'))
    rsps.add(responses.POST, OCAMBA_PAUSE, status=403, json=ocamba.error_body(
        403, 'Forbidden.', 'token env-oc-s3cret may not pause'))
    result = run_module(campaign_state.main, dict(provider='ocamba', campaign_id='4711', state='paused'))
    assert [call.request.headers['Authorization'] for call in rsps.calls] == ['Bearer env-oc-s3cret'] * 2
    assert result['failed'] is True
    assert 'may not pause' in result['msg']
    assert_no_secret(result, 'env-oc-s3cret')


def test_8x8_secrets_from_the_environment_never_appear(run_module, rsps, monkeypatch, assert_no_secret, basic_auth):
    monkeypatch.setenv('EIGHTBYEIGHT_USERNAME', 'tenant')
    monkeypatch.setenv('EIGHTBYEIGHT_DATA_TOKEN', 'env-data-s3cret')
    monkeypatch.setenv('EIGHTBYEIGHT_ACTION_TOKEN', 'env-action-s3cret')
    monkeypatch.setenv('EIGHTBYEIGHT_PLATFORM', 'NA12')
    rsps.add(responses.GET, EIGHT_READ, json=eightbyeight.read_answer(3))
    rsps.add(responses.POST, EIGHT_WRITE, status=401, json=eightbyeight.message_body('Unauthorized (auth env-action-s3cret)'))
    result = run_module(campaign_state.main, dict(provider='8x8', campaign_id='6561', state='paused'), diff=True)
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth('tenant', 'env-data-s3cret')
    assert rsps.calls[1].request.headers['Authorization'] == basic_auth('tenant', 'env-action-s3cret')
    assert result['failed'] is True
    assert_no_secret(result, 'env-data-s3cret', 'env-action-s3cret')


def test_8x8_secrets_never_appear_on_success(run_module, rsps, assert_no_secret):
    rsps.add(responses.GET, EIGHT_READ, json=eightbyeight.read_answer(8))
    result = run_module(campaign_state.main, dict(EIGHT, campaign_id='6561', state='paused'), diff=True)
    assert result['changed'] is False
    assert_no_secret(result, 'data-s3cret', 'action-s3cret')


def test_voltmx_password_from_the_environment_never_appears(run_module, rsps, monkeypatch, assert_no_secret, basic_auth):
    vendor = VENDORS['voltmx']
    monkeypatch.setenv('VOLTMX_API_URL', vendor.API_URL)
    monkeypatch.setenv('VOLTMX_USERNAME', 'admin')
    monkeypatch.setenv('VOLTMX_PASSWORD', 'env-vm-passw0rd')
    rsps.add(responses.GET, vendor.campaign_url('42'), status=401, json=vendor.message_body('Unauthorized request for admin/env-vm-passw0rd'))
    result = run_module(campaign_state.main, dict(provider='voltmx', campaign_id='42', state='paused'))
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth('admin', 'env-vm-passw0rd')
    assert result['failed'] is True
    assert 'HTTP 401' in result['msg']
    assert_no_secret(result, 'env-vm-passw0rd')


def test_isales_secret_key_from_the_environment_never_appears(run_module, rsps, monkeypatch, assert_no_secret):
    vendor = VENDORS['isales']
    monkeypatch.setenv('ISALES_API_URL', vendor.API_URL)
    monkeypatch.setenv('ISALES_ACCESS_KEY', 'AK-1')
    monkeypatch.setenv('ISALES_SECRET_KEY', 'env-isales-sk')
    monkeypatch.setenv('ISALES_VDN_ID', str(vendor.VDN_ID))
    rsps.add(responses.GET, vendor.campaign_url(), json=vendor.envelope('0200001', 'Parameter error: sk env-isales-sk'))
    result = run_module(campaign_state.main, dict(provider='isales', campaign_id='1002003', state='paused'))
    assert rsps.calls[0].request.headers['Authorization'].startswith('auth-v2/AK-1/')
    assert result['failed'] is True
    assert '0200001' in result['msg']
    assert_no_secret(result, 'env-isales-sk')


def test_password_in_api_url_never_appears(run_module, rsps, sent, assert_no_secret):
    result = run_module(campaign_state.main, dict(provider='ocamba', token='oc-s3cret-token', api_url='https://user:url-s3cret@api.example.com',
                                                  campaign_id='4711', state='paused'))
    assert result['failed'] is True
    assert 'must not carry credentials' in result['msg']
    assert sent() == []
    assert_no_secret(dict(msg=result['msg']), 'url-s3cret')


def test_wolkvox_token_from_the_environment_in_bulk_failure(run_module, rsps, monkeypatch, assert_no_secret):
    vendor = VENDORS['wolkvox']
    monkeypatch.setenv('WOLKVOX_TOKEN', 'env-wv-s3cret')
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    rsps.add(responses.GET, vendor.list_url(), status=403, json=vendor.error_body(403, 'PLEASE VALIDATE TOKEN env-wv-s3cret'))
    result = run_module(campaign_state.main, dict(provider='wolkvox', state='paused', campaigns=[dict(campaign_id='4001')]))
    assert rsps.calls[0].request.headers['wolkvox-token'] == 'env-wv-s3cret'
    assert result['failed'] is True
    assert 'PLEASE VALIDATE TOKEN' in result['results'][0]['msg']
    assert_no_secret(result, 'env-wv-s3cret')


# ----- client-side limits -------------------------------------------------------------------------

def test_ocamba_bulk_stays_under_the_burst_limit_by_itself(run_module, rsps, clock, limiter_sleeps):
    sent_at = []

    def answer(request):
        sent_at.append(clock())
        campaign_id = request.url.rsplit('/', 1)[1]
        return 200, {}, json.dumps(ocamba.read_answer(campaign_id, 'paused'))

    ids = [str(n) for n in range(1, 26)]
    for campaign_id in ids:
        rsps.add_callback(responses.GET, ocamba.campaign_url(campaign_id), callback=answer)
    result = run_module(campaign_state.main, dict(OCAMBA_ARGS, state='paused', concurrency=1,
                                                  campaigns=[dict(campaign_id=campaign_id) for campaign_id in ids]))
    assert [r['campaign_id'] for r in result['results']] == ids
    assert len(sent_at) == 25
    # Never more than 10 requests in any second, without a single 429 from the vendor.
    assert all(sent_at[i + 10] - sent_at[i] >= 1.0 for i in range(len(sent_at) - 10))
    assert limiter_sleeps
