# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Converger with real provider clients over mocked HTTP: read, plan, check mode, apply,
partial failures, bulk runs and waiting."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest
import requests
import responses

from ansible_collections.campaignops.campaigns.plugins.module_utils import _engine
from ansible_collections.campaignops.campaigns.plugins.module_utils._engine import Converger
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    CampaignError,
    NotFoundError,
    TransitionError,
    TransportError,
    ValidationError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import CONNECTION_ARGUMENT_SPEC, STATE_OPTION_SPEC
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.eightbyeight import EightByEight
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.ocamba import Ocamba
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.wolkvox import Wolkvox

READ = 'https://vcc-na12.8x8.com/api/stats/campaigns/6561.json'
WRITE = 'https://vcc-na12.8x8.com/api/tstats/campaigns/6561'
OCAMBA = 'https://api.ocamba.com/v1/hood/campaigns/'
WOLKVOX_LIST = 'https://wv0032.wolkvox.com/api/v2/information.php?api=campaigns'
WOLKVOX_ACTION = 'https://wv0032.wolkvox.com/api/v2/campaign.php?api={0}&type_campaign={1}&campaign_id={2}'


def record(status):
    return {'campaign': {'campaign-id': 6561, 'campaign-name': 'My Callbacks', 'status': status, 'enabled': 'Y',
                         'dynamic-campaign': 'Y'}}


CHANGED = {'message': 'Campaign status changed.'}


@pytest.fixture
def eight(http_for):
    return EightByEight(http_for(EightByEight), dict(api_url=None, platform='na12', username='tenant', data_token='d', action_token='a'))


@pytest.fixture
def ocamba(http_for):
    return Ocamba(http_for(Ocamba), dict(api_url=None, token='t'))


@pytest.fixture
def wolkvox(http_for):
    return Wolkvox(http_for(Wolkvox), dict(api_url=None, server='0032', token='t'))


def item(state, campaign_id='6561', **extra):
    return dict(dict(campaign_id=campaign_id, state=state, vdn_id=None, campaign_type=None, reason=None), **extra)


# ----- single campaign ------------------------------------------------------------------------

def test_check_mode_reads_only_and_reports_the_actions(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    result = Converger(eight, check_mode=True).converge(item('purged'))
    assert sent() == [('GET', READ)]
    assert result['changed'] is True
    assert result['actions'] == ['pause', 'purge']
    assert result['previous_state'] == 'running'
    assert result['campaign'] == dict(id='6561', name='My Callbacks', state='purged', native_status=10)
    assert result['diff'] == dict(before=dict(state='running', native_status=3), after=dict(state='purged', native_status=10))


def test_already_in_state_reads_only(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(9))
    result = Converger(eight).converge(item('paused'))
    assert sent() == [('GET', READ)]
    assert result['changed'] is False
    assert result['actions'] == []
    assert result['previous_state'] == 'paused'
    assert result['campaign'] == dict(id='6561', name='My Callbacks', state='paused', native_status=9)
    assert result['diff']['before'] == result['diff']['after']


def test_change_in_two_steps(eight, rsps, sent, body_of):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    rsps.add(responses.POST, WRITE, json=CHANGED)
    result = Converger(eight).converge(item('purged'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('POST', WRITE)]
    assert [body_of(call) for call in rsps.calls[1:]] == [{'status': 'PAUSED'}, {'status': 'PURGED'}]
    assert result == dict(
        changed=True,
        campaign=dict(id='6561', name='My Callbacks', state='purged', native_status=10),
        previous_state='running',
        actions=['pause', 'purge'],
        diff=dict(before=dict(state='running', native_status=3), after=dict(state='purged', native_status=10)),
    )


def test_forbidden_transition_fails_before_any_write(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(5))
    with pytest.raises(TransitionError) as caught:
        Converger(eight).converge(item('running'))
    assert 'is stopped (native status 5 (Manual Stopped)) and cannot be moved to running' in caught.value.message
    assert sent() == [('GET', READ)]


def test_forbidden_transition_fails_in_check_mode_too(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(0))
    with pytest.raises(TransitionError, match='is new .* cannot be moved to paused: 8x8 allows from new: running \\(run\\)'):
        Converger(eight, check_mode=True).converge(item('paused'))
    assert sent() == [('GET', READ)]


def test_failure_on_the_second_step_reports_what_was_applied(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    rsps.add(responses.POST, WRITE, status=403, json={'message': 'Forbidden'})
    with pytest.raises(AuthenticationError) as caught:
        Converger(eight).converge(item('purged'))
    assert caught.value.message == ('8x8 campaign 6561: purge: HTTP 403: Forbidden (check the credentials for this provider); '
                                    'already applied: pause (the campaign is now paused)')
    assert caught.value.details['actions'] == ['pause']
    assert sent() == [('GET', READ), ('POST', WRITE), ('POST', WRITE)]


def test_failure_on_the_first_step_reports_no_action(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=404, json={'message': 'Campaign not found'})
    with pytest.raises(NotFoundError) as caught:
        Converger(eight).converge(item('purged'))
    assert caught.value.message == '8x8 campaign 6561: pause: HTTP 404: Campaign not found'
    assert caught.value.details['actions'] == []
    assert sent() == [('GET', READ), ('POST', WRITE)]


def test_refused_write_is_read_back_and_planned_again_once(eight, rsps, sent, body_of):
    # 8x8 says "Invalid state transition": the campaign moved since it was read. Read it
    # again and plan from where it is now -- once.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    rsps.add(responses.GET, READ, json=record(10))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    result = Converger(eight).converge(item('stopped'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('POST', WRITE)]
    assert [body_of(call) for call in (rsps.calls[1], rsps.calls[3])] == [{'status': 'STOPPED'}, {'status': 'STOPPED'}]
    assert result['actions'] == ['stop']
    assert result['changed'] is True
    assert result['campaign']['state'] == 'stopped'


def test_refused_write_of_a_campaign_that_did_not_move_fails_after_one_write(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    rsps.add(responses.GET, READ, json=record(3))
    with pytest.raises(WrongStateError) as caught:
        Converger(eight).converge(item('paused'))
    assert caught.value.message == ('8x8 campaign 6561: pause: HTTP 400: Invalid state transition; read back: the campaign is '
                                    'still running, so the vendor refused this call (not sent again)')
    assert caught.value.details['actions'] == []
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ)]


def test_refused_write_while_the_vendor_still_shows_an_earlier_state_never_resends_an_accepted_write(eight, rsps, sent, body_of):
    # running -> purged: the pause is accepted, the purge refused, and the read-back still says
    # running (the vendor lags). Planning from running would send the accepted pause again.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=200, body='')
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    rsps.add(responses.GET, READ, json=record(3))
    with pytest.raises(WrongStateError) as caught:
        Converger(eight).converge(item('purged'))
    assert [body_of(call) for call in rsps.calls if call.request.method == 'POST'] == [{'status': 'PAUSED'}, {'status': 'PURGED'}]
    assert caught.value.details['actions'] == ['pause']
    assert 'already applied: pause' in caught.value.message and 'not sent again' in caught.value.message


def test_moved_campaign_refused_again_after_the_replan_fails_without_a_third_write(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    rsps.add(responses.GET, READ, json=record(8))
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    with pytest.raises(WrongStateError):
        Converger(eight).converge(item('purged'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('POST', WRITE)]


def test_refused_write_of_a_campaign_that_moved_is_planned_again_once(eight, rsps, sent, body_of):
    # Planned from running (pause, purge); someone paused it in between: only the purge is left.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    rsps.add(responses.GET, READ, json=record(8))
    rsps.add(responses.POST, WRITE, status=200, body='')
    result = Converger(eight).converge(item('purged'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('POST', WRITE)]
    assert [body_of(call) for call in rsps.calls if call.request.method == 'POST'] == [{'status': 'PAUSED'}, {'status': 'PURGED'}]
    assert result['actions'] == ['purge']
    assert result['campaign']['state'] == 'purged'


def test_refused_write_then_a_forbidden_state_fails_naming_both(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    rsps.add(responses.GET, READ, json=record(5))
    with pytest.raises(TransitionError) as caught:
        Converger(eight).converge(item('paused'))
    assert caught.value.message.startswith('8x8 campaign 6561: pause: HTTP 400: Invalid state transition; read back: '
                                           '8x8 campaign 6561 is stopped')
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ)]


def test_write_with_an_unknown_outcome_that_took_effect_is_not_sent_again(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=502, body='<html>Bad gateway</html>')
    rsps.add(responses.GET, READ, json=record(8))
    result = Converger(eight).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ)]
    assert result['changed'] is True
    assert result['actions'] == ['pause']


def test_write_with_an_unknown_outcome_that_did_not_take_effect_is_sent_again(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=500, json={'message': 'Internal server error'})
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    result = Converger(eight).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('POST', WRITE)]
    assert result['actions'] == ['pause']


def test_write_with_no_answer_is_read_back_until_it_lands(http_for, rsps, sent, clock):
    # The POST timed out: it may still be on its way, so it must not be sent again while the
    # status is read back for a grace period.
    eight = EightByEight(http_for(EightByEight), dict(api_url=None, platform='na12', username='tenant', data_token='d', action_token='a'))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(8))
    result = Converger(eight, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('GET', READ), ('GET', READ)]
    assert clock.sleeps == [0.5, 1.0]
    assert result['actions'] == ['pause']


def test_write_with_no_answer_and_no_effect_fails_after_the_retry_budget(http_for, rsps, sent, clock):
    http = http_for(EightByEight)
    http.retry.retries = 1
    eight = EightByEight(http, dict(api_url=None, platform='na12', username='tenant', data_token='d', action_token='a'))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, body=requests.exceptions.ReadTimeout('Read timed out.'))
    with pytest.raises(TransportError) as caught:
        Converger(eight, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert caught.value.message == '8x8 campaign 6561: POST {0}: no answer within the timeout'.format(WRITE)
    assert caught.value.details['actions'] == []
    # Between the two POSTs the status was read back for the grace period (2 x timeout = 14 s).
    assert sent() == [('GET', READ), ('POST', WRITE)] + [('GET', READ)] * 5 + [('POST', WRITE)]
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]


# ----- waiting ---------------------------------------------------------------------------------

def test_wait_polls_until_the_target(eight, rsps, sent, clock):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(9))
    result = Converger(eight, wait=True, wait_timeout=60, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE)] + [('GET', READ)] * 4
    assert clock.sleeps == [1.0, 2.0, 4.0]
    # With wait, the status reported is the one read back (9), not the documented default (8).
    assert result['campaign']['native_status'] == 9
    assert result['actions'] == ['pause']
    assert result['changed'] is True


def test_wait_delays_are_capped(eight, rsps, clock):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    for _poll in range(7):
        rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(8))
    Converger(eight, wait=True, wait_timeout=600, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]


def test_wait_times_out_with_a_clear_message(eight, rsps, sent, clock):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    rsps.add(responses.GET, READ, json=record(3))
    with pytest.raises(CampaignError) as caught:
        Converger(eight, wait=True, wait_timeout=5, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert caught.value.message == ('8x8 campaign 6561: the change was accepted but the campaign still reports running '
                                    '(native status 3 (Manual Running)) after wait_timeout=5s')
    # The write did happen: the failure must say so.
    assert caught.value.details['actions'] == ['pause']
    assert clock.sleeps == [1.0, 2.0]
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('GET', READ), ('GET', READ)]


def test_no_wait_in_check_mode(eight, rsps, sent, clock):
    rsps.add(responses.GET, READ, json=record(3))
    Converger(eight, check_mode=True, wait=True, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert sent() == [('GET', READ)]
    assert clock.sleeps == []


# ----- bulk ------------------------------------------------------------------------------------

def ocamba_record(campaign_id, status):
    return {'total': 1, 'items': [{'id': campaign_id, 'name': 'c' + campaign_id, 'status': status}]}


def test_bulk_results_in_input_order_and_a_failure_does_not_stop_the_others(ocamba, rsps, sent):
    first_may_answer = threading.Event()

    def slow_first(request):
        # The first campaign answers only once the last one has been read: if results were
        # reported in completion order, the first would come last.
        first_may_answer.wait(5)
        return 200, {}, '{"total": 1, "items": [{"id": "1", "name": "c1", "status": "running"}]}'

    def last(request):
        first_may_answer.set()
        return 200, {}, '{"total": 1, "items": [{"id": "3", "name": "c3", "status": "paused"}]}'

    rsps.add(responses.GET, OCAMBA_LIST, json={'total': 0, 'items': []}, match=[page_matcher(1)])
    rsps.add_callback(responses.GET, OCAMBA + '1', callback=slow_first)
    rsps.add(responses.POST, OCAMBA + '1/pause', status=204)
    rsps.add(responses.GET, OCAMBA + '2', status=404, json={'code': 404, 'title': 'Not found.', 'trace_id': 'tr-2'})
    rsps.add_callback(responses.GET, OCAMBA + '3', callback=last)
    results = Converger(ocamba).converge_all([item('paused', '1'), item('paused', '2'), item('paused', '3')])
    assert [r['campaign_id'] for r in results] == ['1', '2', '3']
    assert results[0]['changed'] is True and results[0]['actions'] == ['pause'] and 'failed' not in results[0]
    assert results[1]['failed'] is True and results[1]['changed'] is False and results[1]['actions'] == []
    assert results[1]['msg'] == 'ocamba campaign 2: HTTP 404: 404 Not found. (trace_id tr-2)'
    assert results[2]['changed'] is False and results[2]['campaign']['state'] == 'paused'
    assert sorted(sent()) == sorted([('GET', OCAMBA_PAGE.format(1)), ('GET', OCAMBA + '1'), ('POST', OCAMBA + '1/pause'),
                                     ('GET', OCAMBA + '2'), ('GET', OCAMBA + '3')])


OCAMBA_LIST = 'https://api.ocamba.com/v1/hood/campaigns'
OCAMBA_PAGE = OCAMBA_LIST + '?page={0}%2C100&fields=id%2Cname%2Cstatus%2Cscheduled_time'


def page_matcher(page):
    return responses.matchers.query_param_matcher({'page': '{0},100'.format(page), 'fields': 'id,name,status,scheduled_time'})


def ocamba_rows(*pairs):
    return [{'id': campaign_id, 'name': 'c' + campaign_id, 'status': status} for campaign_id, status in pairs]


def test_bulk_ocamba_reads_the_list_when_that_takes_fewer_requests(ocamba, rsps, sent):
    # 4 campaigns on a 2-page list: 2 list requests instead of 4 reads (every request counts
    # against Ocamba's rate limits). The one not listed is read on its own.
    rsps.add(responses.GET, OCAMBA_LIST, json={'total': 150, 'items': ocamba_rows(('1', 'running'), ('2', 'paused'))},
             match=[page_matcher(1)])
    rsps.add(responses.GET, OCAMBA_LIST, json={'total': 150, 'items': ocamba_rows(('3', 'running'))}, match=[page_matcher(2)])
    rsps.add(responses.GET, OCAMBA + '4', json=ocamba_record('4', 'paused'))
    rsps.add(responses.POST, OCAMBA + '1/pause', status=204)
    rsps.add(responses.POST, OCAMBA + '3/pause', status=204)
    results = Converger(ocamba).converge_all([item('paused', cid) for cid in ('1', '2', '3', '4')])
    assert [r['actions'] for r in results] == [['pause'], [], ['pause'], []]
    assert sorted(sent()) == sorted([('GET', OCAMBA_PAGE.format(1)), ('GET', OCAMBA_PAGE.format(2)), ('GET', OCAMBA + '4'),
                                     ('POST', OCAMBA + '1/pause'), ('POST', OCAMBA + '3/pause')])


def test_bulk_ocamba_reads_one_by_one_when_the_list_is_longer(ocamba, rsps, sent):
    # A 10-page account and 3 campaigns not on page 1: 9 more pages would cost more than 3 reads.
    rsps.add(responses.GET, OCAMBA_LIST, json={'total': 1000, 'items': ocamba_rows(('9', 'running'))}, match=[page_matcher(1)])
    for campaign_id in ('1', '2', '3'):
        rsps.add(responses.GET, OCAMBA + campaign_id, json=ocamba_record(campaign_id, 'paused'))
    results = Converger(ocamba).converge_all([item('paused', cid) for cid in ('1', '2', '3')])
    assert [r['changed'] for r in results] == [False, False, False]
    assert sorted(sent()) == sorted([('GET', OCAMBA_PAGE.format(1))] + [('GET', OCAMBA + cid) for cid in ('1', '2', '3')])


def test_bulk_ocamba_two_campaigns_are_read_one_by_one(ocamba, rsps, sent):
    for campaign_id in ('1', '2'):
        rsps.add(responses.GET, OCAMBA + campaign_id, json=ocamba_record(campaign_id, 'paused'))
    Converger(ocamba).converge_all([item('paused', '1'), item('paused', '2')])
    assert sorted(sent()) == [('GET', OCAMBA + '1'), ('GET', OCAMBA + '2')]


def test_bulk_partial_failure_keeps_the_applied_actions(eight, rsps):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    rsps.add(responses.POST, WRITE, status=403, json={'message': 'Forbidden'})
    [result] = Converger(eight).converge_all([item('purged')])
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['actions'] == ['pause']
    assert 'already applied: pause' in result['msg']


def test_bulk_wolkvox_reads_the_list_once_and_writes_one_at_a_time(wolkvox, rsps, sent):
    rows = [{'campaign_id': str(n), 'type_campaign': 'preview', 'status': 'Started'} for n in (4001, 4002, 4003)]
    rsps.add(responses.GET, WOLKVOX_LIST, json={'code': 200, 'error': None, 'msg': 'ok', 'data': rows})
    for campaign_id in ('4001', '4003'):
        rsps.add(responses.PUT, WOLKVOX_ACTION.format('stop', 'preview', campaign_id), json={'code': 202, 'error': None, 'msg': 'ok'})
    results = Converger(wolkvox).converge_all([item('paused', '4001'), item('running', '4002'), item('paused', '4003')])
    assert [r['actions'] for r in results] == [['stop'], [], ['stop']]
    assert sent() == [('GET', WOLKVOX_LIST), ('PUT', WOLKVOX_ACTION.format('stop', 'preview', '4001')),
                      ('PUT', WOLKVOX_ACTION.format('stop', 'preview', '4003'))]


def test_bulk_wolkvox_wrong_campaign_type_fails_that_item_before_writing(wolkvox, rsps, sent):
    rows = [{'campaign_id': '4001', 'type_campaign': 'predictive', 'status': 'Started'},
            {'campaign_id': '4002', 'type_campaign': 'preview', 'status': 'Started'}]
    rsps.add(responses.GET, WOLKVOX_LIST, json={'code': 200, 'error': None, 'msg': 'ok', 'data': rows})
    rsps.add(responses.PUT, WOLKVOX_ACTION.format('stop', 'preview', '4002'), json={'code': 202, 'error': None, 'msg': 'ok'})
    results = Converger(wolkvox).converge_all([item('paused', '4001', campaign_type='preview'), item('paused', '4002')])
    assert results[0]['failed'] is True
    assert 'campaign_type=preview but Wolkvox lists the campaign as predictive' in results[0]['msg']
    assert results[1]['actions'] == ['stop']
    assert len(sent()) == 2


def state_params(provider, campaigns, state='paused', **values):
    params = dict((name, spec.get('default')) for name, spec in CONNECTION_ARGUMENT_SPEC.items())
    params.update((name, None) for name in STATE_OPTION_SPEC)
    params.update(provider=provider, state=state, campaigns=campaigns, campaign_id=None, **values)
    return params


def build_groups(provider, campaigns, **values):
    return _engine.items_by_provider(state_params(provider, campaigns, **values), bulk=True)


def build_items(provider, campaigns, **values):
    return [item for _cls, _options, _indices, items in build_groups(provider, campaigns, **values) for item in items]


def test_bulk_duplicate_ids_are_refused():
    with pytest.raises(ValidationError, match='campaign 7 is listed twice in campaigns'):
        build_items('ocamba', [dict(campaign_id='7'), dict(campaign_id='8'), dict(campaign_id='7', state='running')])


def test_bulk_same_id_in_two_isales_vdns_is_allowed():
    items = build_items('isales', [dict(campaign_id='7', vdn_id=1), dict(campaign_id='7', vdn_id=2)])
    assert [(i['campaign_id'], i['vdn_id']) for i in items] == [('7', 1), ('7', 2)]


def test_bulk_items_inherit_top_level_state_and_options():
    items = build_items('ocamba', [dict(campaign_id='7'), dict(campaign_id='8', state='stopped', reason='own')], reason='shared')
    assert [(i['campaign_id'], i['state'], i['reason']) for i in items] == [('7', 'paused', 'shared'), ('8', 'stopped', 'own')]


def test_bulk_item_with_a_foreign_option_is_refused():
    with pytest.raises(ValidationError, match='campaign 7: option vdn_id cannot be used with provider=ocamba'):
        build_items('ocamba', [dict(campaign_id='7', vdn_id=3)])


def test_bulk_item_with_an_unsettable_state_is_refused():
    with pytest.raises(ValidationError, match='provider=wolkvox cannot set state=stopped; it can set: paused, running'):
        build_items('wolkvox', [dict(campaign_id='7', state='stopped')])


def test_bulk_empty_list_is_refused():
    with pytest.raises(ValidationError, match='campaigns is empty'):
        build_items('ocamba', [])


def test_bulk_item_without_any_state_is_refused():
    with pytest.raises(ValidationError, match='campaign 7: state is required'):
        build_items('ocamba', [dict(campaign_id='7')], state=None)


def test_bulk_groups_by_provider_in_order_of_first_appearance(monkeypatch):
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    groups = build_groups(None, [dict(campaign_id='1', provider='ocamba'), dict(campaign_id='4001', provider='wolkvox'),
                                 dict(campaign_id='2', provider='ocamba')])
    assert [(cls.name, indices, [i['campaign_id'] for i in items]) for cls, _options, indices, items in groups] == [
        ('ocamba', [0, 2], ['1', '2']), ('wolkvox', [1], ['4001'])]


def test_bulk_other_provider_reads_its_connection_from_the_environment_only(monkeypatch, tmp_path):
    bundle = tmp_path / 'wolkvox-ca.pem'
    bundle.write_text(u'not read here')
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    monkeypatch.setenv('WOLKVOX_TOKEN', 'env-wv-token')
    monkeypatch.setenv('WOLKVOX_CA_PATH', str(bundle))
    monkeypatch.setenv('OCAMBA_TOKEN', 'env-oc-token')
    monkeypatch.setenv('EIGHTBYEIGHT_PLATFORM', 'na12')
    groups = build_groups('ocamba', [dict(campaign_id='1'), dict(campaign_id='4001', provider='wolkvox'),
                                     dict(campaign_id='6561', provider='8x8')],
                          token='task-token', timeout=7.0, concurrency=16, validate_certs=False)
    options = dict((cls.name, options) for cls, options, _indices, _items in groups)
    assert (options['ocamba']['token'], options['ocamba']['concurrency'], options['ocamba']['validate_certs']) == ('task-token', 16, False)
    assert (options['wolkvox']['token'], options['wolkvox']['server'], options['wolkvox']['ca_path']) == ('env-wv-token', '0032', str(bundle))
    # Shared options apply to every provider, but Wolkvox's one-at-a-time rule can only be relaxed on its own task,
    # and switching certificate checks off for the task's on-premises vendor must not switch them off for the others.
    assert (options['wolkvox']['timeout'], options['wolkvox']['concurrency'], options['8x8']['concurrency']) == (7.0, 1, 16)
    assert (options['wolkvox']['validate_certs'], options['8x8']['validate_certs'], options['8x8']['ca_path']) == (True, True, None)


def test_bulk_endpoint_options_of_a_provider_no_campaign_is_on_are_refused(monkeypatch):
    # module_defaults may set provider: wolkvox; an api_url meant for Ocamba must not be dropped silently.
    with pytest.raises(ValidationError, match='api_url configure provider=wolkvox, which none of the campaigns is on'):
        build_items('wolkvox', [dict(campaign_id='1', provider='ocamba')], api_url='https://ocamba-staging.example.com')


def test_bulk_campaign_option_of_another_provider_of_the_run_is_that_providers_default(monkeypatch):
    monkeypatch.setenv('ISALES_API_URL', 'https://isales.example.com')
    items = build_items('ocamba', [dict(campaign_id='1'), dict(campaign_id='7', provider='isales')], vdn_id=3, reason='why')
    assert [(i['campaign_id'], i['vdn_id'], i['reason']) for i in items] == [('1', None, 'why'), ('7', 3, None)]


def test_bulk_campaign_options_without_task_provider_go_to_the_items_that_take_them(monkeypatch):
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    items = build_items(None, [dict(campaign_id='1', provider='ocamba'), dict(campaign_id='4001', provider='wolkvox')],
                        reason='season end', campaign_type='predictive')
    assert [(i['campaign_id'], i['reason'], i['campaign_type']) for i in items] == [
        ('1', 'season end', None), ('4001', None, 'predictive')]


def test_bulk_campaign_option_no_provider_of_the_run_takes_is_refused():
    with pytest.raises(ValidationError, match=r'option vdn_id applies to none of the providers of campaigns \(ocamba\)'):
        build_items(None, [dict(campaign_id='1', provider='ocamba')], vdn_id=3)


def test_bulk_same_id_on_two_providers_is_allowed(monkeypatch):
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    items = build_items('ocamba', [dict(campaign_id='7'), dict(campaign_id='7', provider='wolkvox')])
    assert [i['campaign_id'] for i in items] == ['7', '7']


def test_groups_converge_side_by_side_and_results_keep_the_task_order():
    # Each group waits for the other at a barrier, which only works if they run at the same time.
    barrier = threading.Barrier(2, timeout=10)

    class Meets:
        def converge_all(self, items):
            barrier.wait()
            return [dict(campaign_id=item['campaign_id'], changed=True) for item in items]

    groups = [_engine.Group('ocamba', Meets(), [0, 2], [dict(campaign_id='1'), dict(campaign_id='2')]),
              _engine.Group('wolkvox', Meets(), [1], [dict(campaign_id='4001')])]
    results = _engine.converge_groups(groups)
    assert [(r['provider'], r['campaign_id'], r.get('failed')) for r in results] == [
        ('ocamba', '1', None), ('wolkvox', '4001', None), ('ocamba', '2', None)]


def test_a_group_that_breaks_still_leaves_the_others_results():
    class Broken:
        def converge_all(self, items):
            raise KeyError('surprise')

    class Fine:
        def converge_all(self, items):
            return [dict(campaign_id=item['campaign_id'], changed=True, actions=['pause']) for item in items]

    results = _engine.converge_groups([_engine.Group('ocamba', Broken(), [0], [dict(campaign_id='1')]),
                                       _engine.Group('8x8', Fine(), [1], [dict(campaign_id='6561')])])
    assert results[0]['failed'] is True and 'this is a bug' in results[0]['msg']
    assert results[1] == dict(campaign_id='6561', changed=True, actions=['pause'], provider='8x8')


def test_refused_write_is_not_counted_when_someone_else_made_the_change(eight, rsps, sent):
    # Our pause was refused because another client paused the campaign meanwhile: nothing we
    # sent took effect, so the task reports no action and no change.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json={'message': 'Invalid state transition'})
    rsps.add(responses.GET, READ, json=record(8))
    result = Converger(eight).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ)]
    assert result['actions'] == []
    assert result['changed'] is False
    assert result['campaign']['state'] == 'paused'


def test_wolkvox_failure_code_in_the_body_of_a_write_is_read_back_and_not_sent_again(wolkvox, rsps, sent):
    rows = [{'campaign_id': '4001', 'type_campaign': 'preview', 'status': 'Started'}]
    stop = WOLKVOX_ACTION.format('stop', 'preview', '4001')
    rsps.add(responses.GET, WOLKVOX_LIST, json={'code': 200, 'error': None, 'msg': 'ok', 'data': rows})
    rsps.add(responses.PUT, stop, json={'code': 400, 'error': 'campaign busy', 'msg': 'not stopped'})
    rsps.add(responses.GET, WOLKVOX_LIST, json={'code': 200, 'error': None, 'msg': 'ok', 'data': rows})
    with pytest.raises(WrongStateError) as caught:
        Converger(wolkvox).converge(item('paused', '4001'))
    assert sent() == [('GET', WOLKVOX_LIST), ('PUT', stop), ('GET', WOLKVOX_LIST)]
    assert 'campaign busy' in caught.value.message and 'still running' in caught.value.message
    assert caught.value.details['actions'] == []
