# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Ocamba Hood client: bearer auth, 204 without a body, reasons, trace ids."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import responses

from responses import matchers

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    NotFoundError,
    VendorError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Campaign
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.ocamba import DEFAULT_REASON, Ocamba
from ansible_collections.campaignops.campaigns.tests.vendors import ocamba as vendor

BASE = vendor.CAMPAIGNS_URL
ONE = vendor.campaign_url('4711')
TRACE = vendor.TRACE_ID


@pytest.fixture
def http(http_for):
    """The HTTP layer wired as the engine wires it for this provider."""
    return http_for(Ocamba)


@pytest.fixture
def client(http):
    return Ocamba(http, dict(vendor.CLIENT_OPTIONS))


def campaign(state='running'):
    return Campaign('4711', state, state)


def test_default_host(client):
    assert client.base_url == vendor.HOST


def test_api_url_replaces_the_host(http, rsps, sent):
    local = vendor.campaign_url('4711', host='http://127.0.0.1:8080')
    rsps.add(responses.GET, local, json=vendor.read_answer(4711, 'paused'))
    Ocamba(http, dict(api_url='http://127.0.0.1:8080', token='t')).read(dict(campaign_id='4711'))
    assert sent() == [('GET', local)]


def test_read_with_bearer_token(client, rsps, sent):
    rsps.add(responses.GET, ONE, json=vendor.read_answer(4711, 'running', name='Black Friday'))
    result = client.read(dict(campaign_id='4711'))
    assert (result.id, result.name, result.state, result.native_status) == ('4711', 'Black Friday', 'running', 'running')
    assert sent() == [('GET', ONE)]
    assert rsps.calls[0].request.headers['Authorization'] == 'Bearer oc-bearer-token'


@pytest.mark.parametrize('status, state', [('draft', 'draft'), ('scheduled', 'scheduled'), ('running', 'running'),
                                           ('paused', 'paused'), ('completed', 'completed'), ('canceled', 'stopped'),
                                           ('Canceled', 'stopped'), ('archived', 'unknown')])
def test_status_words(client, rsps, status, state):
    rsps.add(responses.GET, ONE, json=vendor.read_answer(4711, status))
    assert client.read(dict(campaign_id='4711')).state == state


def test_read_of_an_empty_answer_is_not_found(client, rsps):
    rsps.add(responses.GET, ONE, json=vendor.answer([]))
    with pytest.raises(NotFoundError, match='ocamba campaign 4711: not found'):
        client.read(dict(campaign_id='4711'))


def test_read_404_is_not_found(client, rsps):
    rsps.add(responses.GET, ONE, status=404, json=vendor.error_body(404, 'Not found.'))
    with pytest.raises(NotFoundError) as caught:
        client.read(dict(campaign_id='4711'))
    assert TRACE in caught.value.message


def test_read_401_is_an_authentication_error(client, rsps):
    rsps.add(responses.GET, ONE, status=401, json=vendor.error_body(401, 'Unauthorized.'))
    with pytest.raises(AuthenticationError) as caught:
        client.read(dict(campaign_id='4711'))
    assert 'trace_id ' + TRACE in caught.value.message


@pytest.mark.parametrize('action, state', [('pause', 'running'), ('cancel', 'paused')])
def test_pause_and_cancel_carry_the_reason(client, rsps, sent, body_of, action, state):
    rsps.add(responses.POST, vendor.campaign_url('4711', action), status=204, body='')
    client.apply(campaign(state), action, dict(campaign_id='4711', reason='Budget exhausted'))
    assert sent() == [('POST', vendor.campaign_url('4711', action))]
    request = rsps.calls[0].request
    assert body_of(rsps.calls[0]) == {'reason': 'Budget exhausted'}
    assert request.headers['Authorization'] == 'Bearer oc-bearer-token'
    assert request.headers['Content-Type'] == 'application/json'


def test_default_reason(client, rsps, body_of):
    rsps.add(responses.POST, ONE + '/pause', status=204)
    client.apply(campaign(), 'pause', dict(campaign_id='4711', reason=None))
    assert body_of(rsps.calls[0]) == {'reason': DEFAULT_REASON}


def test_resume_body_is_exactly_run_immediately(client, rsps, sent, body_of):
    rsps.add(responses.POST, ONE + '/resume', status=204)
    client.apply(campaign('paused'), 'resume', dict(campaign_id='4711', reason='ignored for resume'))
    assert sent() == [('POST', ONE + '/resume')]
    assert rsps.calls[0].request.body in ('{"run_immediately": 1}', b'{"run_immediately": 1}')
    assert body_of(rsps.calls[0]) == {'run_immediately': 1}


def test_write_400_shows_title_message_and_trace_id(client, rsps):
    rsps.add(responses.POST, ONE + '/resume', status=400, json=vendor.error_body(400, 'Bad request.', 'The request body is not valid.'))
    with pytest.raises(WrongStateError) as caught:
        client.apply(campaign('running'), 'resume', dict(campaign_id='4711'))
    assert caught.value.message == ('ocamba campaign 4711: resume: HTTP 400: 400 Bad request. The request body is not valid. '
                                    '(trace_id {0})'.format(TRACE))


def test_write_500_without_message_still_shows_trace_id(client, rsps):
    rsps.add(responses.POST, ONE + '/cancel', status=500, json=vendor.error_body(500, 'Internal server error.'))
    with pytest.raises(VendorError) as caught:
        client.apply(campaign('paused'), 'cancel', dict(campaign_id='4711'))
    assert caught.type is VendorError
    assert caught.value.message == 'ocamba campaign 4711: cancel: HTTP 500: 500 Internal server error. (trace_id {0})'.format(TRACE)


def test_read_400_shows_trace_id(client, rsps):
    rsps.add(responses.GET, ONE, status=400, json=vendor.error_body(400, 'Bad request.', 'Bad id.'))
    with pytest.raises(VendorError) as caught:
        client.read(dict(campaign_id='4711'))
    assert 'trace_id {0}'.format(TRACE) in caught.value.message


def test_rate_limited_read_waits_as_told(client, rsps, sleeps):
    rsps.add(responses.GET, ONE, status=429, headers={'Retry-After': '1', 'X-RateLimit-Remaining': '0'}, json={})
    rsps.add(responses.GET, ONE, json=vendor.read_answer(4711, 'running'))
    assert client.read(dict(campaign_id='4711')).state == 'running'
    assert sleeps == [1.0]


def test_rate_limited_write_is_sent_again_after_retry_after(client, rsps, sent, sleeps, body_of):
    # 429 means Ocamba did not process the call: sending it again cannot apply it twice.
    rsps.add(responses.POST, ONE + '/pause', status=429, headers={'Retry-After': '1'},
             json=vendor.error_body(429, 'Too many requests.'))
    rsps.add(responses.POST, ONE + '/pause', status=204)
    client.apply(campaign(), 'pause', dict(campaign_id='4711', reason='r'))
    assert sent() == [('POST', ONE + '/pause')] * 2
    assert [body_of(call) for call in rsps.calls] == [{'reason': 'r'}] * 2
    assert sleeps == [1.0]


def test_write_5xx_is_not_sent_again(client, rsps, sleeps):
    rsps.add(responses.POST, ONE + '/pause', status=503, json=vendor.error_body(503, 'Unavailable.'))
    with pytest.raises(VendorError) as caught:
        client.apply(campaign(), 'pause', dict(campaign_id='4711'))
    assert caught.value.ambiguous is True
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_ocamba_documents_its_rate_limits():
    assert Ocamba.rate_limits == ((10, 1.0), (150, 60.0))


def test_list_follows_pagination(client, rsps, sent):
    for page, ids in ((1, range(100)), (2, range(100, 130))):
        rsps.add(responses.GET, BASE, json=vendor.answer([vendor.row(n) for n in ids], 130),
                 match=[matchers.query_param_matcher(vendor.list_query(page))])
    campaigns = client.list({})
    assert [c.id for c in campaigns] == [str(n) for n in range(130)]
    # Every list request names the fields it reads: the default view is not documented to carry the status.
    assert sent() == [('GET', vendor.list_url(1)), ('GET', vendor.list_url(2))]
    assert all(call.request.headers['Authorization'] == 'Bearer oc-bearer-token' for call in rsps.calls)


def test_list_row_without_status_is_never_taken_for_a_read(client, rsps, sent):
    # An Ocamba whose list answers its default view whatever fields asks: each such row is read itself.
    query = matchers.query_param_matcher(vendor.list_query(1))
    rsps.add(responses.GET, BASE, json=vendor.answer([{'id': '7', 'name': 'A'}, vendor.row('8', 'paused')]), match=[query])
    rsps.add(responses.GET, vendor.campaign_url('7'), json=vendor.read_answer('7', 'running', name='A'))
    campaigns = client.list({})
    assert [(c.id, c.state) for c in campaigns] == [('7', 'running'), ('8', 'paused')]
    assert [method for method, _url in sent()] == ['GET', 'GET']
    assert sent()[1] == ('GET', vendor.campaign_url('7'))


def test_prefetch_keeps_only_rows_that_carry_the_status(client, rsps, sent):
    query = matchers.query_param_matcher(vendor.list_query(1))
    rsps.add(responses.GET, BASE, json=vendor.answer([{'id': '1', 'name': 'A'}, vendor.row('2', 'running'), vendor.row('3', None)]),
             match=[query])
    rsps.add(responses.GET, vendor.campaign_url('1'), json=vendor.read_answer('1', 'paused'))
    rsps.add(responses.GET, vendor.campaign_url('3'), json=vendor.read_answer('3', 'paused'))
    client.prefetch([dict(campaign_id=cid) for cid in ('1', '2', '3')])
    states = [client.read(dict(campaign_id=cid)).state for cid in ('1', '2', '3')]
    assert states == ['paused', 'running', 'paused']
    assert sorted(url for _method, url in sent()[1:]) == [vendor.campaign_url('1'), vendor.campaign_url('3')]
