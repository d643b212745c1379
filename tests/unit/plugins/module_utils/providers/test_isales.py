# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Huawei CC-iSales client: the AK/SK signer, resultCode judging, read, list, pause, resume."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac

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
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.isales import ISales, sign_request

HOST = 'isales.example.com:28090'
BASE = 'https://' + HOST + '/rest/isales/v1/openapi/campaigns/12'
ONE = BASE + '/1002003'
CONTENT_TYPE = 'application/json; charset=UTF-8'
NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
OK = {'resultCode': '0200000', 'resultDesc': '', 'returnCode': '0200000', 'returnDesc': ''}


def hmac_hex(key, message):
    return hmac.new(key.encode('utf-8'), message.encode('utf-8'), hashlib.sha256).hexdigest()


def hand_signature(method, path, query, content_type, host, access_key, secret_key, timestamp):
    """The layout of the ``sign_request`` docstring, written out independently."""
    prefix = 'auth-v2/{0}/{1}'.format(access_key, timestamp)
    canonical_request = '{0}\n{1}\n{2}\ncontent-type:{3}\nhost:{4}'.format(method, path, query, content_type, host)
    return '{0}/content-type;host/{1}'.format(prefix, hmac_hex(hmac_hex(secret_key, prefix), canonical_request))


# ----- the signer ----------------------------------------------------------------------------

def test_signer_known_vector_read():
    expected = ('auth-v2/AKIDEXAMPLE/2024-01-02T03:04:05Z/content-type;host/'
                '2ea5dc3325b01f92b845b0a02f567b32699d46a04abc055297ff500db784957c')
    assert hand_signature('GET', '/rest/isales/v1/openapi/campaigns/12/1002003', '', CONTENT_TYPE, HOST,
                          'AKIDEXAMPLE', 'SKEXAMPLE', '2024-01-02T03:04:05Z') == expected
    assert sign_request('GET', ONE, CONTENT_TYPE, 'AKIDEXAMPLE', 'SKEXAMPLE', now=NOW) == expected


def test_signer_known_vector_sorts_the_query():
    expected = ('auth-v2/AKIDEXAMPLE/2024-01-02T03:04:05Z/content-type;host/'
                'caf48743d8a0e58aca95dd60643835aa027fa621ba8895d8755491a080938b46')
    assert hand_signature('GET', '/rest/isales/v1/openapi/campaigns/12', 'curPage=1&rowsPerPage=100&status=0', CONTENT_TYPE,
                          HOST, 'AKIDEXAMPLE', 'SKEXAMPLE', '2024-01-02T03:04:05Z') == expected
    url = BASE + '?status=0&curPage=1&rowsPerPage=100'
    assert sign_request('GET', url, CONTENT_TYPE, 'AKIDEXAMPLE', 'SKEXAMPLE', now=NOW) == expected


@pytest.mark.parametrize('change', [
    dict(method='PUT'), dict(url=ONE + '/pause'), dict(access_key='AK2'), dict(secret_key='SK2'),
    dict(now=NOW + datetime.timedelta(seconds=1)), dict(content_type='application/json'),
    dict(url='https://other.example.com:28090/rest/isales/v1/openapi/campaigns/12/1002003'),
])
def test_signer_depends_on_every_input(change):
    args = dict(method='GET', url=ONE, content_type=CONTENT_TYPE, access_key='AKIDEXAMPLE', secret_key='SKEXAMPLE', now=NOW)
    baseline = sign_request(**args)
    args.update(change)
    assert sign_request(**args) != baseline


def test_signature_does_not_contain_the_secret_key():
    assert 'SKEXAMPLE' not in sign_request('GET', ONE, CONTENT_TYPE, 'AKIDEXAMPLE', 'SKEXAMPLE', now=NOW)


# ----- the client ----------------------------------------------------------------------------

@pytest.fixture
def http(http_for):
    """The HTTP layer wired as the engine wires it for this provider."""
    return http_for(ISales)


@pytest.fixture
def client(http):
    return ISales(http, dict(api_url='https://' + HOST, access_key='AKIDEXAMPLE', secret_key='SKEXAMPLE', token=None, vdn_id=12))


@pytest.fixture
def token_client(http):
    return ISales(http, dict(api_url='https://' + HOST, access_key=None, secret_key=None, token='GW-SIGNED abc', vdn_id=12))


ITEM = dict(campaign_id='1002003', vdn_id=12)


def assert_signed(request):
    """The request carries a valid AK/SK signature of itself (recomputed by hand)."""
    authorization = request.headers['Authorization']
    parts = authorization.split('/')
    assert parts[:2] == ['auth-v2', 'AKIDEXAMPLE']
    path, _sep, query = request.url.split(HOST, 1)[1].partition('?')
    query = '&'.join(sorted(query.split('&'))) if query else ''
    assert request.headers['Content-Type'] == CONTENT_TYPE
    assert request.headers['Host'] == HOST
    assert authorization == hand_signature(request.method, path, query, CONTENT_TYPE, HOST, 'AKIDEXAMPLE', 'SKEXAMPLE', parts[2])
    assert 'SKEXAMPLE' not in authorization


def test_read_from_data(client, rsps, sent):
    rsps.add(responses.GET, ONE, json=dict(OK, data={'campaignId': 1002003, 'campaignName': 'Renewals', 'status': 2}))
    campaign = client.read(dict(ITEM))
    assert (campaign.id, campaign.name, campaign.state, campaign.native_status) == ('1002003', 'Renewals', 'running', 2)
    assert sent() == [('GET', ONE)]
    assert_signed(rsps.calls[0].request)


def test_read_from_top_level(client, rsps):
    rsps.add(responses.GET, ONE, json=dict(OK, campaignId='1002003', status=3))
    campaign = client.read(dict(ITEM))
    assert (campaign.id, campaign.state, campaign.native_status) == ('1002003', 'paused', 3)


@pytest.mark.parametrize('status, state', [(2, 'running'), ('2', 'running'), (3, 'paused'), (4, 'completed'), (1, 'unknown'),
                                           (99, 'unknown'), ('x', 'unknown')])
def test_status_codes(client, rsps, status, state):
    rsps.add(responses.GET, ONE, json=dict(OK, data={'campaignId': 1002003, 'status': status}))
    assert client.read(dict(ITEM)).state == state


def test_read_with_a_ready_authorization_token(token_client, rsps):
    rsps.add(responses.GET, ONE, json=dict(OK, data={'status': 2}))
    token_client.read(dict(ITEM))
    assert rsps.calls[0].request.headers['Authorization'] == 'GW-SIGNED abc'


def test_http_200_with_0200007_is_not_found(client, rsps):
    rsps.add(responses.GET, ONE, json={'resultCode': '0200007', 'resultDesc': 'The outbound campaign does not exist.'})
    with pytest.raises(NotFoundError) as caught:
        client.read(dict(ITEM))
    assert caught.value.message == 'isales campaign 1002003: not found (resultCode 0200007: The outbound campaign does not exist.)'


def test_0200011_on_pause_is_a_wrong_state_error(client, rsps, sent):
    rsps.add(responses.PUT, ONE + '/pause',
             json={'resultCode': '0200011', 'resultDesc': 'The outbound campaign in the current status cannot be suspended.'})
    with pytest.raises(WrongStateError) as caught:
        client.apply(Campaign('1002003', 3, 'paused'), 'pause', dict(ITEM))
    assert '0200011' in caught.value.message
    assert 'cannot be suspended' in caught.value.message
    assert sent() == [('PUT', ONE + '/pause')]


def test_0200011_on_a_read_is_a_plain_vendor_error(client, rsps):
    rsps.add(responses.GET, ONE, json={'resultCode': '0200011', 'resultDesc': 'odd'})
    with pytest.raises(VendorError) as caught:
        client.read(dict(ITEM))
    assert caught.type is VendorError


@pytest.mark.parametrize('code, desc', [('0200006', 'Database operation error.'), ('0200001', 'Parameter error: vdnId'),
                                        ('02000002', 'The parameter contains invalid characters.')])
def test_other_codes_are_vendor_errors_naming_code_and_description(client, rsps, code, desc):
    rsps.add(responses.GET, ONE, json={'resultCode': code, 'resultDesc': desc, 'returnCode': code, 'returnDesc': desc})
    with pytest.raises(VendorError) as caught:
        client.read(dict(ITEM))
    assert caught.type is VendorError
    assert caught.value.message == 'isales campaign 1002003: failed although HTTP said 200 (resultCode {0}: {1})'.format(code, desc)


def test_body_without_result_code_is_a_failure(client, rsps):
    rsps.add(responses.GET, ONE, json={'status': 2})
    with pytest.raises(VendorError, match='resultCode None'):
        client.read(dict(ITEM))


def test_http_401_is_an_authentication_error(client, rsps):
    rsps.add(responses.GET, ONE, status=401, body='')
    with pytest.raises(AuthenticationError, match='isales campaign 1002003: HTTP 401'):
        client.read(dict(ITEM))


@pytest.mark.parametrize('action', ['pause', 'resume'])
def test_pause_and_resume(client, rsps, sent, action):
    rsps.add(responses.PUT, ONE + '/' + action, json=OK)
    client.apply(Campaign('1002003', 2, 'running'), action, dict(ITEM))
    assert sent() == [('PUT', ONE + '/' + action)]
    request = rsps.calls[0].request
    assert request.body is None
    assert_signed(request)


def test_list_follows_pagination(client, rsps, sent):
    first = [{'campaignId': n, 'campaignName': 'c{0}'.format(n), 'status': 2} for n in range(1, 101)]
    second = [{'campaignId': n, 'status': 3} for n in range(101, 151)]
    for page, rows in ((1, first), (2, second)):
        rsps.add(responses.GET, BASE, json=dict(OK, total=150, data=rows),
                 match=[matchers.query_param_matcher({'status': '0', 'curPage': str(page), 'rowsPerPage': '100'})])
    campaigns = client.list(dict(vdn_id=12))
    assert [c.id for c in campaigns] == [str(n) for n in range(1, 151)]
    assert campaigns[0].state == 'running' and campaigns[-1].state == 'paused'
    assert sent() == [('GET', BASE + '?status=0&curPage=1&rowsPerPage=100'), ('GET', BASE + '?status=0&curPage=2&rowsPerPage=100')]
    for call in rsps.calls:
        assert_signed(call.request)


def test_list_without_total_stops_on_a_short_page(client, rsps, sent):
    rsps.add(responses.GET, BASE, json=dict(OK, data=[{'campaignId': 1, 'status': 2}]))
    assert len(client.list(dict(vdn_id=12))) == 1
    assert len(sent()) == 1


def test_list_follows_total_past_short_pages(client, rsps, sent):
    # A server that caps rowsPerPage below ours still gets every page read.
    for page in (1, 2):
        rsps.add(responses.GET, BASE, json=dict(OK, total=2, data=[{'campaignId': page, 'status': 2}]),
                 match=[matchers.query_param_matcher({'status': '0', 'curPage': str(page), 'rowsPerPage': '100'})])
    assert [c.id for c in client.list(dict(vdn_id=12))] == ['1', '2']
    assert len(sent()) == 2


def test_list_without_total_reads_on_after_a_full_page(client, rsps, sent):
    full = [{'campaignId': n, 'status': 2} for n in range(100)]
    rsps.add(responses.GET, BASE, json=dict(OK, data=full),
             match=[matchers.query_param_matcher({'status': '0', 'curPage': '1', 'rowsPerPage': '100'})])
    rsps.add(responses.GET, BASE, json=dict(OK, data=[]),
             match=[matchers.query_param_matcher({'status': '0', 'curPage': '2', 'rowsPerPage': '100'})])
    assert len(client.list(dict(vdn_id=12))) == 100
    assert len(sent()) == 2


def test_list_with_an_error_code(client, rsps):
    rsps.add(responses.GET, BASE, json={'resultCode': '0200001', 'resultDesc': 'Parameter error: rowsPerPage'})
    with pytest.raises(VendorError, match='0200001: Parameter error: rowsPerPage'):
        client.list(dict(vdn_id=12))
