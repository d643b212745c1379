# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Converger with real provider clients over mocked HTTP: read, plan, check mode, apply,
partial failures, waiting, and many campaigns of one account side by side."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import threading

import pytest
import requests
import responses

from ansible_collections.campaignops.campaigns.plugins.module_utils._converger import Converger
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    CampaignError,
    NotFoundError,
    TransitionError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import VENDORS

# The HTTP layer of ``http_for`` waits 7 s for an answer.
REQUEST_TIMEOUT = 7.0


@pytest.fixture
def client_for(http_for):
    """``client_for(name)``: the provider's client with its vendor's sample options, on the real HTTP layer."""
    def make(name):
        provider_cls = PROVIDERS[name]
        return provider_cls(http_for(provider_cls), dict(VENDORS[name].CLIENT_OPTIONS))
    return make


def item(state, campaign_id='6561', **extra):
    return dict(dict(campaign_id=campaign_id, state=state, vdn_id=None, campaign_type=None, reason=None), **extra)


# ----- one campaign, on 8x8 (several steps, a refusal status, a write without an answer) -------

EIGHT = VENDORS['8x8']
READ = EIGHT.read_url()
WRITE = EIGHT.write_url()
CHANGED = EIGHT.STATUS_CHANGED
record = EIGHT.read_answer


@pytest.fixture
def eight(client_for):
    return client_for(EIGHT.NAME)


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
    rsps.add(responses.POST, WRITE, status=403, json=EIGHT.message_body('Forbidden'))
    with pytest.raises(AuthenticationError) as caught:
        Converger(eight).converge(item('purged'))
    assert caught.value.message == ('8x8 campaign 6561: purge: HTTP 403: Forbidden (check the credentials for this provider); '
                                    'already applied: pause (the campaign is now paused)')
    assert caught.value.details['actions'] == ['pause']
    assert sent() == [('GET', READ), ('POST', WRITE), ('POST', WRITE)]


def test_failure_on_the_first_step_reports_no_action(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=404, json=EIGHT.message_body('Campaign not found'))
    with pytest.raises(NotFoundError) as caught:
        Converger(eight).converge(item('purged'))
    assert caught.value.message == '8x8 campaign 6561: pause: HTTP 404: Campaign not found'
    assert caught.value.details['actions'] == []
    assert sent() == [('GET', READ), ('POST', WRITE)]


def test_refused_write_is_read_back_and_planned_again_once(eight, rsps, sent, body_of):
    # 8x8 says "Invalid state transition": the campaign moved since it was read. Read it
    # again and plan from where it is now -- once.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
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
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
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
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
    rsps.add(responses.GET, READ, json=record(3))
    with pytest.raises(WrongStateError) as caught:
        Converger(eight).converge(item('purged'))
    assert [body_of(call) for call in rsps.calls if call.request.method == 'POST'] == [{'status': 'PAUSED'}, {'status': 'PURGED'}]
    assert caught.value.details['actions'] == ['pause']
    assert 'already applied: pause' in caught.value.message and 'not sent again' in caught.value.message


def test_moved_campaign_refused_again_after_the_replan_fails_without_a_third_write(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
    rsps.add(responses.GET, READ, json=record(8))
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
    with pytest.raises(WrongStateError):
        Converger(eight).converge(item('purged'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('POST', WRITE)]


def test_refused_write_of_a_campaign_that_moved_is_planned_again_once(eight, rsps, sent, body_of):
    # Planned from running (pause, purge); someone paused it in between: only the purge is left.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
    rsps.add(responses.GET, READ, json=record(8))
    rsps.add(responses.POST, WRITE, status=200, body='')
    result = Converger(eight).converge(item('purged'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('POST', WRITE)]
    assert [body_of(call) for call in rsps.calls if call.request.method == 'POST'] == [{'status': 'PAUSED'}, {'status': 'PURGED'}]
    assert result['actions'] == ['purge']
    assert result['campaign']['state'] == 'purged'


def test_refused_write_then_a_forbidden_state_fails_naming_both(eight, rsps, sent):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
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


def test_write_with_an_unknown_outcome_is_never_sent_again(eight, rsps, sent, clock):
    # A 500 to a pause may hide a pause the vendor queued: it is read back until wait_timeout,
    # and the task then says the outcome is unknown, never sending the pause a second time.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=500, json=EIGHT.message_body('Internal server error'))
    for _read in range(5):
        rsps.add(responses.GET, READ, json=record(3))
    with pytest.raises(CampaignError) as caught:
        Converger(eight, wait_timeout=10, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE)] + [('GET', READ)] * 5
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]
    assert caught.value.message.startswith('8x8 campaign 6561: pause: HTTP 500: Internal server error')
    assert caught.value.message.endswith(
        '; the outcome is unknown: the pause call was sent once and not again, and after wait_timeout=10s the campaign still '
        'reports running (native status 3 (Manual Running)). It may still take effect: check the campaign before running the task again')
    assert caught.value.details['actions'] == []


def test_write_with_no_answer_is_read_back_until_it_lands(eight, rsps, sent, clock):
    # The POST timed out: it may still be on its way, so it must not be sent again while the
    # status is read back.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(8))
    result = Converger(eight, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('GET', READ), ('GET', READ)]
    assert clock.sleeps == [0.5, 1.0]
    assert result['actions'] == ['pause']


def test_a_late_write_is_waited_for_as_long_as_wait_timeout(eight, rsps, sent, clock):
    # The vendor applies the unanswered pause 40 s later: far beyond the request timeout, within
    # wait_timeout. One POST, and the task succeeds.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, body=requests.exceptions.ReadTimeout('Read timed out.'))
    for _read in range(8):
        rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.GET, READ, json=record(8))
    result = Converger(eight, wait_timeout=120, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert [call for call in sent() if call[0] == 'POST'] == [('POST', WRITE)]
    assert sum(clock.sleeps) > 40
    assert result['actions'] == ['pause']


def test_reads_that_fail_while_waiting_for_an_unknown_outcome_are_tried_again(eight, rsps, sent, clock):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, body=requests.exceptions.ReadTimeout('Read timed out.'))
    rsps.add(responses.GET, READ, status=401, json=EIGHT.message_body('Unauthorized'))
    rsps.add(responses.GET, READ, json=record(8))
    result = Converger(eight, sleep=clock.sleep, clock=clock).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ), ('GET', READ)]
    assert result['actions'] == ['pause']


def test_an_unknown_outcome_after_an_applied_step_reports_that_step(eight, rsps, sent, clock):
    # running -> purged: the pause is accepted, the purge gets no answer and never shows.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    rsps.add(responses.POST, WRITE, body=requests.exceptions.ReadTimeout('Read timed out.'))
    for _read in range(3):
        rsps.add(responses.GET, READ, json=record(8))
    with pytest.raises(CampaignError) as caught:
        Converger(eight, wait_timeout=3, sleep=clock.sleep, clock=clock).converge(item('purged'))
    assert [call for call in sent() if call[0] == 'POST'] == [('POST', WRITE)] * 2
    assert 'the purge call was sent once and not again' in caught.value.message
    assert caught.value.message.endswith('already applied: pause (the campaign is now paused)')
    assert caught.value.details['actions'] == ['pause']


def test_refused_write_is_not_counted_when_someone_else_made_the_change(eight, rsps, sent):
    # Our pause was refused because another client paused the campaign meanwhile: nothing we
    # sent took effect, so the task reports no action and no change.
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, status=400, json=EIGHT.message_body('Invalid state transition'))
    rsps.add(responses.GET, READ, json=record(8))
    result = Converger(eight).converge(item('paused'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('GET', READ)]
    assert result['actions'] == []
    assert result['changed'] is False
    assert result['campaign']['state'] == 'paused'


def test_bulk_partial_failure_keeps_the_applied_actions(eight, rsps):
    rsps.add(responses.GET, READ, json=record(3))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    rsps.add(responses.POST, WRITE, status=403, json=EIGHT.message_body('Forbidden'))
    [result] = Converger(eight).converge_all([item('purged')])
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['actions'] == ['pause']
    assert 'already applied: pause' in result['msg']


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


# ----- many campaigns of one account: Ocamba (a list read that serves several campaigns) -------

OCAMBA = VENDORS['ocamba']


@pytest.fixture
def ocamba(client_for):
    return client_for(OCAMBA.NAME)


def page_matcher(page):
    return responses.matchers.query_param_matcher(OCAMBA.list_query(page))


def ocamba_rows(*pairs):
    return [OCAMBA.row(campaign_id, status, name='c' + campaign_id) for campaign_id, status in pairs]


def ocamba_record(campaign_id, status):
    return OCAMBA.answer(ocamba_rows((campaign_id, status)))


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

    rsps.add(responses.GET, OCAMBA.CAMPAIGNS_URL, json=OCAMBA.answer([]), match=[page_matcher(1)])
    rsps.add_callback(responses.GET, OCAMBA.campaign_url('1'), callback=slow_first)
    rsps.add(responses.POST, OCAMBA.campaign_url('1', 'pause'), status=204)
    rsps.add(responses.GET, OCAMBA.campaign_url('2'), status=404, json=OCAMBA.error_body(404, 'Not found.', trace_id='tr-2'))
    rsps.add_callback(responses.GET, OCAMBA.campaign_url('3'), callback=last)
    results = Converger(ocamba).converge_all([item('paused', '1'), item('paused', '2'), item('paused', '3')])
    assert [r['campaign_id'] for r in results] == ['1', '2', '3']
    assert results[0]['changed'] is True and results[0]['actions'] == ['pause'] and 'failed' not in results[0]
    assert results[1]['failed'] is True and results[1]['changed'] is False and results[1]['actions'] == []
    assert results[1]['msg'] == 'ocamba campaign 2: HTTP 404: 404 Not found. (trace_id tr-2)'
    assert results[2]['changed'] is False and results[2]['campaign']['state'] == 'paused'
    assert sorted(sent()) == sorted([('GET', OCAMBA.list_url(1)), ('GET', OCAMBA.campaign_url('1')),
                                     ('POST', OCAMBA.campaign_url('1', 'pause')), ('GET', OCAMBA.campaign_url('2')),
                                     ('GET', OCAMBA.campaign_url('3'))])


def test_bulk_ocamba_reads_the_list_when_that_takes_fewer_requests(ocamba, rsps, sent):
    # 4 campaigns on a 2-page list: 2 list requests instead of 4 reads (every request counts
    # against Ocamba's rate limits). The one not listed is read on its own.
    rsps.add(responses.GET, OCAMBA.CAMPAIGNS_URL, json=OCAMBA.answer(ocamba_rows(('1', 'running'), ('2', 'paused')), total=150),
             match=[page_matcher(1)])
    rsps.add(responses.GET, OCAMBA.CAMPAIGNS_URL, json=OCAMBA.answer(ocamba_rows(('3', 'running')), total=150), match=[page_matcher(2)])
    rsps.add(responses.GET, OCAMBA.campaign_url('4'), json=ocamba_record('4', 'paused'))
    rsps.add(responses.POST, OCAMBA.campaign_url('1', 'pause'), status=204)
    rsps.add(responses.POST, OCAMBA.campaign_url('3', 'pause'), status=204)
    results = Converger(ocamba).converge_all([item('paused', cid) for cid in ('1', '2', '3', '4')])
    assert [r['actions'] for r in results] == [['pause'], [], ['pause'], []]
    assert sorted(sent()) == sorted([('GET', OCAMBA.list_url(1)), ('GET', OCAMBA.list_url(2)), ('GET', OCAMBA.campaign_url('4')),
                                     ('POST', OCAMBA.campaign_url('1', 'pause')), ('POST', OCAMBA.campaign_url('3', 'pause'))])


def test_bulk_ocamba_reads_one_by_one_when_the_list_is_longer(ocamba, rsps, sent):
    # A 10-page account and 3 campaigns not on page 1: 9 more pages would cost more than 3 reads.
    rsps.add(responses.GET, OCAMBA.CAMPAIGNS_URL, json=OCAMBA.answer(ocamba_rows(('9', 'running')), total=1000), match=[page_matcher(1)])
    for campaign_id in ('1', '2', '3'):
        rsps.add(responses.GET, OCAMBA.campaign_url(campaign_id), json=ocamba_record(campaign_id, 'paused'))
    results = Converger(ocamba).converge_all([item('paused', cid) for cid in ('1', '2', '3')])
    assert [r['changed'] for r in results] == [False, False, False]
    assert sorted(sent()) == sorted([('GET', OCAMBA.list_url(1))] + [('GET', OCAMBA.campaign_url(cid)) for cid in ('1', '2', '3')])


def test_bulk_ocamba_two_campaigns_are_read_one_by_one(ocamba, rsps, sent):
    for campaign_id in ('1', '2'):
        rsps.add(responses.GET, OCAMBA.campaign_url(campaign_id), json=ocamba_record(campaign_id, 'paused'))
    Converger(ocamba).converge_all([item('paused', '1'), item('paused', '2')])
    assert sorted(sent()) == [('GET', OCAMBA.campaign_url('1')), ('GET', OCAMBA.campaign_url('2'))]


# ----- many campaigns of one account: Wolkvox (one list, one write at a time) -----------------

WOLKVOX = VENDORS['wolkvox']


@pytest.fixture
def wolkvox(client_for):
    return client_for(WOLKVOX.NAME)


def test_bulk_wolkvox_reads_the_list_once_and_writes_one_at_a_time(wolkvox, rsps, sent):
    rows = [WOLKVOX.row(str(n)) for n in (4001, 4002, 4003)]
    rsps.add(responses.GET, WOLKVOX.list_url(), json=WOLKVOX.envelope(rows))
    for campaign_id in ('4001', '4003'):
        rsps.add(responses.PUT, WOLKVOX.action_url('stop', 'preview', campaign_id), json=WOLKVOX.action_answer('stop', campaign_id))
    results = Converger(wolkvox).converge_all([item('paused', '4001'), item('running', '4002'), item('paused', '4003')])
    assert [r['actions'] for r in results] == [['stop'], [], ['stop']]
    assert sent() == [('GET', WOLKVOX.list_url()), ('PUT', WOLKVOX.action_url('stop', 'preview', '4001')),
                      ('PUT', WOLKVOX.action_url('stop', 'preview', '4003'))]


def test_bulk_wolkvox_wrong_campaign_type_fails_that_item_before_writing(wolkvox, rsps, sent):
    rows = [WOLKVOX.row('4001', type_campaign='predictive'), WOLKVOX.row('4002')]
    rsps.add(responses.GET, WOLKVOX.list_url(), json=WOLKVOX.envelope(rows))
    rsps.add(responses.PUT, WOLKVOX.action_url('stop', 'preview', '4002'), json=WOLKVOX.action_answer('stop', '4002'))
    results = Converger(wolkvox).converge_all([item('paused', '4001', campaign_type='preview'), item('paused', '4002')])
    assert results[0]['failed'] is True
    assert 'campaign_type=preview but Wolkvox lists the campaign as predictive' in results[0]['msg']
    assert results[1]['actions'] == ['stop']
    assert len(sent()) == 2


def test_wolkvox_failure_code_in_the_body_of_a_write_is_read_back_and_not_sent_again(wolkvox, rsps, sent):
    rows = [WOLKVOX.row('4001')]
    stop = WOLKVOX.action_url('stop', 'preview', '4001')
    rsps.add(responses.GET, WOLKVOX.list_url(), json=WOLKVOX.envelope(rows))
    rsps.add(responses.PUT, stop, json=dict(WOLKVOX.error_body(400, 'campaign busy'), msg='not stopped'))
    rsps.add(responses.GET, WOLKVOX.list_url(), json=WOLKVOX.envelope(rows))
    with pytest.raises(WrongStateError) as caught:
        Converger(wolkvox).converge(item('paused', '4001'))
    assert sent() == [('GET', WOLKVOX.list_url()), ('PUT', stop), ('GET', WOLKVOX.list_url())]
    assert 'campaign busy' in caught.value.message and 'still running' in caught.value.message
    assert caught.value.details['actions'] == []
