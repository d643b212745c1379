# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Huawei CC-iSales client: the AK/SK signer, resultCode judging, read, list, pause, resume.

The answers (``tests/vendors/isales.py``) follow Huawei's CEC API reference."""

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
from ansible_collections.campaignops.campaigns.plugins.modules import campaign_state
from ansible_collections.campaignops.campaigns.tests.vendors import isales as vendor

HOST = vendor.HOST
BASE = vendor.campaigns_url()
ONE = vendor.campaign_url()
CONTENT_TYPE = vendor.CONTENT_TYPE
NOW = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def page_matcher(page):
    """The exact query of one list request: all four mandatory parameters, nothing else."""
    return matchers.query_param_matcher(vendor.list_query(page))


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
    return ISales(http, dict(vendor.CLIENT_OPTIONS))


@pytest.fixture
def token_client(http):
    return ISales(http, dict(vendor.CLIENT_OPTIONS, access_key=None, secret_key=None, token='GW-SIGNED abc'))


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


def test_read_takes_the_campaign_from_return_object_and_keeps_the_asked_id(client, rsps, sent):
    answer = vendor.read_answer(2)
    rsps.add(responses.GET, ONE, json=answer)
    campaign = client.read(dict(ITEM))
    assert (campaign.id, campaign.name, campaign.state, campaign.native_status) == ('1002003', 'Renewals', 'running', 2)
    assert campaign.raw == answer['returnObject']
    assert sent() == [('GET', ONE)]
    assert_signed(rsps.calls[0].request)


def test_read_keeps_the_asked_id_whatever_return_object_holds(client, rsps):
    rsps.add(responses.GET, ONE, json=vendor.read_answer(3, id=99, campaignId=98))
    assert client.read(dict(ITEM)).id == '1002003'


@pytest.mark.parametrize('answer', [
    dict(vendor.OK, data={'campaignId': 1002003, 'status': 2}),    # the old, wrong assumption
    dict(vendor.OK, campaignId='1002003', status=3),               # the record at the top level
    dict(vendor.OK, returnObject=None),
    dict(vendor.OK, returnObject=[{'status': 2}]),
])
def test_read_without_a_return_object_fails_clearly(client, rsps, answer):
    rsps.add(responses.GET, ONE, json=answer)
    with pytest.raises(VendorError, match='isales campaign 1002003: the answer has no campaign "returnObject"'):
        client.read(dict(ITEM))


def test_read_with_a_return_object_without_status_fails(client, rsps):
    rsps.add(responses.GET, ONE, json=dict(vendor.OK, returnObject={'name': 'x'}))
    with pytest.raises(VendorError, match='no campaign "status"'):
        client.read(dict(ITEM))


@pytest.mark.parametrize('status, state', [(2, 'running'), ('2', 'running'), (3, 'paused'), (4, 'completed'), (1, 'unknown'),
                                           (0, 'unknown'), (99, 'unknown'), ('x', 'unknown')])
def test_status_codes(client, rsps, status, state):
    rsps.add(responses.GET, ONE, json=vendor.read_answer(status))
    assert client.read(dict(ITEM)).state == state


@pytest.mark.parametrize('status, text', [(2, '2 (started)'), (3, '3 (suspended)'), (4, '4 (completed)')])
def test_documented_status_codes_are_described_by_name(client, status, text):
    assert client.describe_native(status) == text


def test_unknown_status_code_fails_clearly_without_any_write(run_module, rsps, sent):
    # Huawei's own list example shows a status 1, which its status table does not document.
    rsps.add(responses.GET, ONE, json=vendor.read_answer(1))
    result = run_module(campaign_state.main, dict(provider='isales', api_url=vendor.API_URL, access_key='AKIDEXAMPLE',
                                                  secret_key='SKEXAMPLE', vdn_id=12, campaign_id='1002003', state='running'))
    assert result['failed'] is True
    assert not result.get('changed')
    assert 'isales campaign 1002003 is unknown (native status 1, a status code Huawei does not document' in result['msg']
    assert 'cannot be moved to running' in result['msg']
    assert sent() == [('GET', ONE)]


def test_read_with_a_ready_authorization_token(token_client, rsps):
    rsps.add(responses.GET, ONE, json=vendor.read_answer(2))
    token_client.read(dict(ITEM))
    assert rsps.calls[0].request.headers['Authorization'] == 'GW-SIGNED abc'


def test_http_200_with_0200007_is_not_found(client, rsps):
    rsps.add(responses.GET, ONE, json={'resultCode': '0200007', 'resultDesc': 'The outbound campaign does not exist.'})
    with pytest.raises(NotFoundError) as caught:
        client.read(dict(ITEM))
    assert caught.value.message == 'isales campaign 1002003: not found (resultCode 0200007: The outbound campaign does not exist.)'


@pytest.mark.parametrize('action, desc', [
    ('pause', 'The outbound campaign in the current status cannot be suspended.'),   # "Suspending an Outbound Campaign"
    ('resume', 'The outbound campaign in the current status cannot be resumed.'),    # "Resuming an Outbound Campaign"
])
def test_0200011_on_pause_and_resume_is_a_wrong_state_error(client, rsps, sent, action, desc):
    rsps.add(responses.PUT, ONE + '/' + action, json=vendor.envelope('0200011', desc))
    with pytest.raises(WrongStateError) as caught:
        client.apply(Campaign('1002003', 3, 'paused'), action, dict(ITEM))
    assert caught.value.message == 'isales campaign 1002003: {0}: refused in the current status (resultCode 0200011: {1})'.format(action, desc)
    assert sent() == [('PUT', ONE + '/' + action)]


def test_0200012_is_not_a_published_refusal(client, rsps):
    rsps.add(responses.PUT, ONE + '/resume', json={'resultCode': '0200012', 'resultDesc': 'odd'})
    with pytest.raises(VendorError) as caught:
        client.apply(Campaign('1002003', 2, 'running'), 'resume', dict(ITEM))
    assert caught.type is VendorError


def test_0200011_on_a_read_is_a_plain_vendor_error(client, rsps):
    rsps.add(responses.GET, ONE, json={'resultCode': '0200011', 'resultDesc': 'odd'})
    with pytest.raises(VendorError) as caught:
        client.read(dict(ITEM))
    assert caught.type is VendorError


@pytest.mark.parametrize('code, desc', [('0200006', 'Database operation error.'), ('0200001', 'Parameter error: vdnId'),
                                        ('02000002', 'The parameter contains invalid characters.')])
def test_other_codes_are_vendor_errors_naming_code_and_description(client, rsps, code, desc):
    rsps.add(responses.GET, ONE, json=vendor.envelope(code, desc))
    with pytest.raises(VendorError) as caught:
        client.read(dict(ITEM))
    assert caught.type is VendorError
    assert caught.value.message == 'isales campaign 1002003: failed although HTTP said 200 (resultCode {0}: {1})'.format(code, desc)


def test_body_without_result_code_is_a_failure(client, rsps):
    rsps.add(responses.GET, ONE, json={'returnObject': {'status': 2}})
    with pytest.raises(VendorError, match='resultCode None'):
        client.read(dict(ITEM))


def test_http_401_is_an_authentication_error(client, rsps):
    rsps.add(responses.GET, ONE, status=401, body='')
    with pytest.raises(AuthenticationError, match='isales campaign 1002003: HTTP 401'):
        client.read(dict(ITEM))


@pytest.mark.parametrize('action', ['pause', 'resume'])
def test_pause_and_resume(client, rsps, sent, action):
    # "Suspending an Outbound Campaign" / "Resuming an Outbound Campaign": PUT, no body, envelope only.
    rsps.add(responses.PUT, ONE + '/' + action, json=vendor.OK)
    client.apply(Campaign('1002003', 2, 'running'), action, dict(ITEM))
    assert sent() == [('PUT', ONE + '/' + action)]
    request = rsps.calls[0].request
    assert request.body is None
    assert_signed(request)


def test_list_sends_the_four_mandatory_parameters(client, rsps, sent):
    rsps.add(responses.GET, BASE, json=vendor.list_page([vendor.row(1, name='Renewals'), vendor.row(2, 3)], 2, 1), match=[page_matcher(1)])
    campaigns = client.list(dict(vdn_id=12))
    assert [(c.id, c.name, c.state) for c in campaigns] == [('1', 'Renewals', 'running'), ('2', 'c2', 'paused')]
    assert campaigns[0].raw == vendor.row(1, name='Renewals')
    assert sent() == [('GET', vendor.list_url(1))]
    assert_signed(rsps.calls[0].request)


def test_list_pages_through_total_size(client, rsps, sent):
    pages = {1: range(1, 101), 2: range(101, 201), 3: range(201, 251)}
    for page, ids in pages.items():
        rsps.add(responses.GET, BASE, json=vendor.list_page([vendor.row(n, 2 if n % 2 else 3) for n in ids], 250, page), match=[page_matcher(page)])
    campaigns = client.list(dict(vdn_id=12))
    assert [c.id for c in campaigns] == [str(n) for n in range(1, 251)]
    assert campaigns[0].state == 'running' and campaigns[1].state == 'paused'
    assert sent() == [('GET', vendor.list_url(page)) for page in (1, 2, 3)]
    for call in rsps.calls:
        assert_signed(call.request)


def test_list_follows_total_size_past_short_pages(client, rsps, sent):
    # A server that caps rowsPerPage below ours (10 here) still gets every page read.
    for page in (1, 2, 3):
        ids = range(10 * page - 9, min(10 * page, 25) + 1)
        rsps.add(responses.GET, BASE, json=vendor.list_page([vendor.row(n) for n in ids], 25, page, rows_per_page=10), match=[page_matcher(page)])
    assert [c.id for c in client.list(dict(vdn_id=12))] == [str(n) for n in range(1, 26)]
    assert len(sent()) == 3


def test_list_ignores_a_plain_total(client, rsps, sent):
    # Huawei's count is totalSize; a "total" key is not Huawei's and must not stop the paging.
    rsps.add(responses.GET, BASE, json=dict(vendor.list_page([vendor.row(n) for n in range(1, 101)], 101, 1), total=100), match=[page_matcher(1)])
    rsps.add(responses.GET, BASE, json=vendor.list_page([vendor.row(101)], 101, 2), match=[page_matcher(2)])
    assert len(client.list(dict(vdn_id=12))) == 101
    assert len(sent()) == 2


def test_list_without_total_size_stops_on_a_short_page(client, rsps, sent):
    rsps.add(responses.GET, BASE, json=dict(vendor.OK, data=[vendor.row(1)]))
    assert len(client.list(dict(vdn_id=12))) == 1
    assert len(sent()) == 1


def test_list_without_total_size_reads_on_after_a_full_page(client, rsps, sent):
    rsps.add(responses.GET, BASE, json=dict(vendor.OK, data=[vendor.row(n) for n in range(1, 101)]), match=[page_matcher(1)])
    rsps.add(responses.GET, BASE, json=dict(vendor.OK, data=[]), match=[page_matcher(2)])
    assert len(client.list(dict(vdn_id=12))) == 100
    assert len(sent()) == 2


def test_list_row_without_id_fails_clearly(client, rsps):
    rsps.add(responses.GET, BASE, json=vendor.list_page([{'campaignId': 1, 'name': 'old shape', 'status': 2}], 1, 1))
    with pytest.raises(VendorError, match='isales: a campaign in the list answer has no "id"'):
        client.list(dict(vdn_id=12))


def test_list_with_an_error_code(client, rsps):
    rsps.add(responses.GET, BASE, json=vendor.envelope('0200001', 'Parameter error: deviceType is mandatory and empty.'))
    with pytest.raises(VendorError, match='0200001: Parameter error: deviceType is mandatory and empty.'):
        client.list(dict(vdn_id=12))
