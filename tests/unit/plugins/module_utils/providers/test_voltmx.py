# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HCL Volt MX Engagement Services client."""

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
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.voltmx import VoltMX

BASE = 'http://voltmx.example.com:8080'
ONE = BASE + '/api/v1/campaigns/42'
NOT_FOUND = 'Invalid campaign ID provided or no campaign found with given ID'


@pytest.fixture
def http(http_for):
    """The HTTP layer wired as the engine wires it for this provider."""
    return http_for(VoltMX)


@pytest.fixture
def basic_client(http):
    return VoltMX(http, dict(api_url=BASE, username='admin', password='s3cret-pw', token=None))


@pytest.fixture
def token_client(http):
    return VoltMX(http, dict(api_url=BASE, username=None, password=None, token='claims-token-value'))


def test_read_with_basic_auth(basic_client, rsps, sent, basic_auth):
    rsps.add(responses.GET, ONE, json={'id': '42', 'name': 'warm biz', 'status': 'Running'})
    campaign = basic_client.read(dict(campaign_id='42'))
    assert (campaign.id, campaign.name, campaign.state, campaign.native_status) == ('42', 'warm biz', 'running', 'Running')
    assert sent() == [('GET', ONE)]
    headers = rsps.calls[0].request.headers
    assert headers['Authorization'] == basic_auth('admin', 's3cret-pw')
    assert headers['Content-Type'] == 'application/json;charset=UTF-8'
    assert 'X-VoltMX-Authorization' not in headers


def test_read_with_claims_token(token_client, rsps, sent):
    rsps.add(responses.GET, ONE, json={'id': '42', 'status': 'Paused'})
    assert token_client.read(dict(campaign_id='42')).state == 'paused'
    headers = rsps.calls[0].request.headers
    assert headers['X-VoltMX-Authorization'] == 'claims-token-value'
    assert 'Authorization' not in headers
    assert sent() == [('GET', ONE)]


def test_read_record_wrapped_in_campaign(basic_client, rsps):
    rsps.add(responses.GET, ONE, json={'campaign': {'id': 42, 'status': 'Pending'}})
    campaign = basic_client.read(dict(campaign_id='42'))
    assert (campaign.id, campaign.state) == ('42', 'scheduled')


@pytest.mark.parametrize('status, state', [
    ('Running', 'running'), ('RUNNING', 'running'), ('paused', 'paused'), ('Terminated', 'stopped'), ('Pending', 'scheduled'),
    ('Draft', 'draft'), ('Completed', 'completed'), (' Paused ', 'paused'), ('Exploded', 'unknown'),
])
def test_status_words_map_case_insensitively(basic_client, rsps, status, state):
    rsps.add(responses.GET, ONE, json={'id': '42', 'status': status})
    campaign = basic_client.read(dict(campaign_id='42'))
    assert campaign.state == state
    assert campaign.native_status == status


@pytest.mark.parametrize('kwargs', [dict(json={'message': NOT_FOUND}), dict(body=NOT_FOUND, content_type='text/plain')])
def test_read_400_no_campaign_found_is_not_found(basic_client, rsps, kwargs):
    rsps.add(responses.GET, ONE, status=400, **kwargs)
    with pytest.raises(NotFoundError) as caught:
        basic_client.read(dict(campaign_id='42'))
    assert caught.value.message == 'voltmx campaign 42: not found (HTTP 400: {0})'.format(NOT_FOUND)


def test_read_401_is_an_authentication_error(basic_client, rsps):
    rsps.add(responses.GET, ONE, status=401, json={'message': 'Unauthorized request'})
    with pytest.raises(AuthenticationError, match='voltmx campaign 42: HTTP 401: Unauthorized request'):
        basic_client.read(dict(campaign_id='42'))


def test_read_without_status_is_a_vendor_error(basic_client, rsps):
    rsps.add(responses.GET, ONE, json={'id': '42'})
    with pytest.raises(VendorError, match='voltmx campaign 42: the answer has no campaign "status"'):
        basic_client.read(dict(campaign_id='42'))


def test_list_follows_pagination(basic_client, rsps, sent):
    first = [{'id': str(n), 'name': 'c{0}'.format(n), 'status': 'Running'} for n in range(100)]
    second = [{'id': str(n), 'status': 'Paused'} for n in range(100, 150)]
    rsps.add(responses.GET, BASE + '/api/v1/campaigns', json={'total': 150, 'campaigns': first},
             match=[matchers.query_param_matcher({'start': '0', 'pageSize': '100'})])
    rsps.add(responses.GET, BASE + '/api/v1/campaigns', json={'total': 150, 'campaigns': second},
             match=[matchers.query_param_matcher({'start': '100', 'pageSize': '100'})])
    campaigns = basic_client.list({})
    assert [c.id for c in campaigns] == [str(n) for n in range(150)]
    assert campaigns[0].name == 'c0' and campaigns[0].state == 'running'
    assert campaigns[149].state == 'paused'
    assert sent() == [('GET', BASE + '/api/v1/campaigns?start=0&pageSize=100'),
                      ('GET', BASE + '/api/v1/campaigns?start=100&pageSize=100')]


def test_list_of_no_campaigns(basic_client, rsps, sent):
    rsps.add(responses.GET, BASE + '/api/v1/campaigns', json={'total': 0, 'campaigns': []})
    assert basic_client.list({}) == []
    assert len(sent()) == 1


@pytest.mark.parametrize('action, message', [
    ('start', 'Campaign execution intiated successfully. '),
    ('pause', 'Campaign execution paused successfully. '),
    ('resume', 'Campaign execution resumed successfully. '),
    ('terminate', 'Campaign execution stopped successfully. '),
])
def test_lifecycle_calls(basic_client, rsps, sent, basic_auth, action, message):
    url = '{0}/{1}'.format(ONE, action)
    rsps.add(responses.POST, url, json={'id': '42', 'message': message})
    basic_client.apply(Campaign('42', 'Running', 'running'), action, dict(campaign_id='42'))
    assert sent() == [('POST', url)]
    request = rsps.calls[0].request
    assert request.headers['Authorization'] == basic_auth('admin', 's3cret-pw')
    assert request.headers['Content-Type'] == 'application/json;charset=UTF-8'
    assert request.body is None


def test_lifecycle_call_with_claims_token(token_client, rsps, sent):
    rsps.add(responses.POST, ONE + '/pause', json={'id': '42', 'message': 'Campaign execution paused successfully. '})
    token_client.apply(Campaign('42', 'Running', 'running'), 'pause', dict(campaign_id='42'))
    headers = rsps.calls[0].request.headers
    assert headers['X-VoltMX-Authorization'] == 'claims-token-value'
    assert 'Authorization' not in headers


def test_write_400_is_a_wrong_state_error(basic_client, rsps):
    rsps.add(responses.POST, ONE + '/resume', status=400, json={'message': 'Invalid request format'})
    with pytest.raises(WrongStateError, match='voltmx campaign 42: resume: HTTP 400: Invalid request format'):
        basic_client.apply(Campaign('42', 'Running', 'running'), 'resume', dict(campaign_id='42'))


def test_write_400_no_campaign_found_is_not_found(basic_client, rsps):
    rsps.add(responses.POST, ONE + '/pause', status=400, json={'message': NOT_FOUND})
    with pytest.raises(NotFoundError):
        basic_client.apply(Campaign('42', 'Running', 'running'), 'pause', dict(campaign_id='42'))


def test_write_500_is_a_vendor_error(basic_client, rsps):
    rsps.add(responses.POST, ONE + '/terminate', status=500, body='Server failure to process request')
    with pytest.raises(VendorError) as caught:
        basic_client.apply(Campaign('42', 'Running', 'running'), 'terminate', dict(campaign_id='42'))
    assert caught.type is VendorError
    assert caught.value.message == 'voltmx campaign 42: terminate: HTTP 500: Server failure to process request'


def test_campaign_id_is_percent_encoded_into_one_segment(basic_client, rsps, sent):
    rsps.add(responses.GET, BASE + '/api/v1/campaigns/a%3Ab%40c', json={'id': 'a:b@c', 'status': 'Running'})
    basic_client.read(dict(campaign_id='a:b@c'))
    assert sent() == [('GET', BASE + '/api/v1/campaigns/a%3Ab%40c')]
