# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Wolkvox client: one list read per run, success judged from the body, type_campaign."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import responses

from responses import matchers

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    NotFoundError,
    ValidationError,
    VendorError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.wolkvox import Wolkvox
from ansible_collections.campaignops.campaigns.tests.vendors import wolkvox as vendor

LIST = vendor.list_url()
ROWS = [
    vendor.row('4001', 'Started', 'preview', campaign_name='Preview one'),
    vendor.row(4002, 'Stopped', 'predictive', campaign_name='Predictive two'),
    vendor.row('4003', 'Started', 'blended', campaign_name='Odd'),
]


def envelope(rows=None):
    return vendor.envelope(ROWS if rows is None else rows)


@pytest.fixture
def http(http_for):
    """The HTTP layer wired as the engine wires it for this provider."""
    return http_for(Wolkvox)


@pytest.fixture
def client(http):
    return Wolkvox(http, dict(vendor.CLIENT_OPTIONS))


def add_list(rsps, **kwargs):
    kwargs.setdefault('json', envelope())
    rsps.add(responses.GET, vendor.INFORMATION_URL, match=[matchers.query_param_matcher({'api': 'campaigns'})], **kwargs)


def add_action(rsps, action, type_campaign, campaign_id, **kwargs):
    kwargs.setdefault('json', vendor.action_answer(action, campaign_id))
    rsps.add(responses.PUT, vendor.ACTION_URL, match=[matchers.query_param_matcher(vendor.action_query(action, type_campaign, campaign_id))],
             **kwargs)


def test_host_from_server(client):
    assert client.base_url == vendor.HOST


def test_one_list_read_serves_several_reads(client, rsps, sent):
    add_list(rsps)
    first = client.read(dict(campaign_id='4001'))
    second = client.read(dict(campaign_id='4002'))
    assert (first.id, first.name, first.state, first.native_status) == ('4001', 'Preview one', 'running', 'Started')
    assert (second.id, second.state, second.native_status) == ('4002', 'paused', 'Stopped')
    assert sent() == [('GET', LIST)]
    assert rsps.calls[0].request.headers['wolkvox-token'] == 'wv-token-value'


def test_list_uses_the_same_read(client, rsps, sent):
    add_list(rsps)
    client.read(dict(campaign_id='4001'))
    assert [c.id for c in client.list({})] == ['4001', '4002', '4003']
    assert len(sent()) == 1


def test_forget_makes_the_next_read_ask_again(client, rsps, sent):
    add_list(rsps)
    add_list(rsps, json=envelope([dict(ROWS[0], status='Stopped')]))
    assert client.read(dict(campaign_id='4001')).state == 'running'
    client.forget()
    assert client.read(dict(campaign_id='4001')).state == 'paused'
    assert sent() == [('GET', LIST), ('GET', LIST)]


def test_unknown_campaign_is_not_found(client, rsps):
    add_list(rsps)
    with pytest.raises(NotFoundError, match='wolkvox campaign 9999: not found in the campaign list'):
        client.read(dict(campaign_id='9999'))


def test_list_failure_reported_in_the_body_is_a_failure(client, rsps):
    add_list(rsps, json=vendor.error_body(400, 'THE API YOU WANT TO CONSULT DOES NOT EXIST'))
    with pytest.raises(VendorError, match='HTTP 200 but the answer reports failure: 400 THE API YOU WANT TO CONSULT DOES NOT EXIST'):
        client.read(dict(campaign_id='4001'))


@pytest.mark.parametrize('action, state, verb', [('stop', 'running', 'stopped'), ('start', 'paused', 'started')])
@pytest.mark.parametrize('http_status', [200, 202])
def test_start_and_stop(client, rsps, sent, action, state, verb, http_status):
    add_list(rsps)
    add_action(rsps, action, 'preview', '4001', status=http_status)
    campaign = client.read(dict(campaign_id='4001'))
    client.apply(campaign, action, dict(campaign_id='4001', campaign_type=None))
    assert sent() == [('GET', LIST), ('PUT', vendor.action_url(action, 'preview', '4001'))]
    assert rsps.calls[1].request.headers['wolkvox-token'] == 'wv-token-value'
    assert rsps.calls[1].request.body is None


def test_http_200_with_body_code_400_is_a_failure(client, rsps):
    add_list(rsps)
    add_action(rsps, 'stop', 'preview', '4001', status=200,
               json=vendor.error_body(400, 'SOME PARAMETERS ARE REQUIRED'))
    campaign = client.read(dict(campaign_id='4001'))
    with pytest.raises(VendorError) as caught:
        client.apply(campaign, 'stop', dict(campaign_id='4001'))
    assert caught.value.message == ('wolkvox campaign 4001: stop: HTTP 200 but the answer reports failure: '
                                    '400 SOME PARAMETERS ARE REQUIRED')


def test_body_without_code_is_a_failure(client, rsps):
    add_list(rsps)
    add_action(rsps, 'stop', 'preview', '4001', json={'msg': 'ok?'})
    campaign = client.read(dict(campaign_id='4001'))
    with pytest.raises(VendorError, match='reports failure'):
        client.apply(campaign, 'stop', dict(campaign_id='4001'))


def test_type_campaign_is_taken_from_the_list(client, rsps, sent):
    add_list(rsps)
    add_action(rsps, 'start', 'predictive', '4002')
    campaign = client.read(dict(campaign_id='4002'))
    client.check_writable(campaign, dict(campaign_id='4002', campaign_type=None))
    client.apply(campaign, 'start', dict(campaign_id='4002', campaign_type=None))
    assert sent()[-1] == ('PUT', vendor.action_url('start', 'predictive', '4002'))


def test_type_campaign_given_and_matching_is_used(client, rsps, sent):
    add_list(rsps)
    add_action(rsps, 'start', 'predictive', '4002')
    campaign = client.read(dict(campaign_id='4002'))
    client.apply(campaign, 'start', dict(campaign_id='4002', campaign_type='predictive'))
    assert sent()[-1] == ('PUT', vendor.action_url('start', 'predictive', '4002'))


def test_type_campaign_given_but_different_is_refused_before_writing(client, rsps, sent):
    add_list(rsps)
    campaign = client.read(dict(campaign_id='4002'))
    with pytest.raises(ValidationError) as caught:
        client.check_writable(campaign, dict(campaign_id='4002', campaign_type='preview'))
    assert caught.value.message == 'wolkvox campaign 4002: campaign_type=preview but Wolkvox lists the campaign as predictive'
    with pytest.raises(ValidationError):
        client.apply(campaign, 'start', dict(campaign_id='4002', campaign_type='preview'))
    assert sent() == [('GET', LIST)]


def test_unknown_listed_type_needs_campaign_type(client, rsps, sent):
    add_list(rsps)
    add_action(rsps, 'stop', 'predictive', '4003')
    campaign = client.read(dict(campaign_id='4003'))
    with pytest.raises(ValidationError, match="the list reports 'blended'; set campaign_type"):
        client.check_writable(campaign, dict(campaign_id='4003', campaign_type=None))
    client.apply(campaign, 'stop', dict(campaign_id='4003', campaign_type='predictive'))
    assert sent()[-1] == ('PUT', vendor.action_url('stop', 'predictive', '4003'))


@pytest.mark.parametrize('message', ['TOKEN LIMIT EXCEEDED', 'SERVICE UNDER MAINTENANCE'])
def test_403_quota_and_maintenance_are_vendor_errors_not_authentication_errors(client, rsps, sleeps, message):
    add_list(rsps, status=403, json=vendor.error_body(403, message))
    with pytest.raises(VendorError) as caught:
        client.read(dict(campaign_id='4001'))
    assert not isinstance(caught.value, AuthenticationError)
    assert caught.value.message == 'wolkvox campaign list: HTTP 403: 403 {0}'.format(message)
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_403_concurrency_is_waited_out(client, rsps, sent, sleeps):
    add_list(rsps, status=403, json=vendor.error_body(403, vendor.SIMULTANEOUS))
    add_list(rsps)
    assert client.read(dict(campaign_id='4001')).state == 'running'
    assert sent() == [('GET', LIST)] * 2
    assert len(sleeps) == 1


def test_403_concurrency_that_persists_is_a_vendor_error_not_an_authentication_error(client, rsps, sleeps):
    add_list(rsps, status=403, json=vendor.error_body(403, vendor.SIMULTANEOUS))
    with pytest.raises(VendorError) as caught:
        client.read(dict(campaign_id='4001'))
    assert not isinstance(caught.value, AuthenticationError)
    # Refused for load, so certainly not processed: retried for the time budget (10 x the
    # fixture's 7 s timeout), not `retries` times, and the message says it gave up on time.
    assert 'still throttled by the vendor (HTTP 403)' in caught.value.message
    assert vendor.SIMULTANEOUS in caught.value.message
    assert len(rsps.calls) > 4 and sum(sleeps) <= 70


@pytest.mark.parametrize('status, message', [(403, 'PLEASE VALIDATE TOKEN'), (401, 'PLEASE ENTER THE WOLKVOX-TOKEN')])
def test_bad_token_is_an_authentication_error(client, rsps, status, message):
    add_list(rsps, status=status, json=vendor.error_body(status, message))
    with pytest.raises(AuthenticationError) as caught:
        client.read(dict(campaign_id='4001'))
    assert message in caught.value.message
    assert 'check the wolkvox token' in caught.value.message


def test_write_403_concurrency_is_sent_again(client, rsps, sent):
    # Refused for load before processing: the write is sent again, and succeeds.
    add_list(rsps)
    add_action(rsps, 'stop', 'preview', '4001', status=403, json=vendor.error_body(403, vendor.SIMULTANEOUS))
    add_action(rsps, 'stop', 'preview', '4001')
    client.apply(client.read(dict(campaign_id='4001')), 'stop', dict(campaign_id='4001'))
    assert sent() == [('GET', LIST)] + [('PUT', vendor.action_url('stop', 'preview', '4001'))] * 2


def test_api_url_replaces_the_server_host(http, rsps, sent):
    rsps.add(responses.GET, 'http://127.0.0.1:8080/api/v2/information.php', json=envelope())
    client = Wolkvox(http, dict(api_url='http://127.0.0.1:8080', server='0032', token='t'))
    client.read(dict(campaign_id='4001'))
    assert sent() == [('GET', vendor.list_url(host='http://127.0.0.1:8080'))]


def test_one_request_at_a_time_per_token_by_default():
    assert Wolkvox.concurrency == 1
    assert Wolkvox.concurrency_is_account_limit is True
