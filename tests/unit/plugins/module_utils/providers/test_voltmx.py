# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""HCL Volt MX Engagement Services client."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
import responses

from responses import matchers

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    NotFoundError,
    TransportError,
    ValidationError,
    VendorError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Campaign
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.voltmx import VoltMX
from ansible_collections.campaignops.campaigns.plugins.modules import campaign_state
from ansible_collections.campaignops.campaigns.tests.vendors import voltmx as vendor

BASE = vendor.API_URL
ONE = vendor.campaign_url('42')
UNAUTHORIZED = vendor.message_body('Unauthorized request')


@pytest.fixture
def http(http_for):
    """The HTTP layer wired as the engine wires it for this provider."""
    return http_for(VoltMX)


@pytest.fixture
def basic_client(http):
    return VoltMX(http, dict(vendor.CLIENT_OPTIONS))


@pytest.fixture
def token_client(http):
    return VoltMX(http, dict(vendor.CLIENT_OPTIONS, username=None, password=None, token='claims-token-value'))


def test_read_with_basic_auth(basic_client, rsps, sent, basic_auth):
    rsps.add(responses.GET, ONE, json=vendor.record('42', 'Running', name='warm biz'))
    campaign = basic_client.read(dict(campaign_id='42'))
    assert (campaign.id, campaign.name, campaign.state, campaign.native_status) == ('42', 'warm biz', 'running', 'Running')
    assert sent() == [('GET', ONE)]
    headers = rsps.calls[0].request.headers
    assert headers['Authorization'] == basic_auth('admin', 's3cret-pw')
    assert headers['Content-Type'] == 'application/json;charset=UTF-8'
    assert 'X-VoltMX-Authorization' not in headers


def test_read_with_claims_token(token_client, rsps, sent):
    rsps.add(responses.GET, ONE, json=vendor.record('42', 'Paused'))
    assert token_client.read(dict(campaign_id='42')).state == 'paused'
    headers = rsps.calls[0].request.headers
    assert headers['X-VoltMX-Authorization'] == 'claims-token-value'
    assert 'Authorization' not in headers
    assert sent() == [('GET', ONE)]


def test_read_record_wrapped_in_campaign(basic_client, rsps):
    rsps.add(responses.GET, ONE, json={'campaign': vendor.record(42, 'Pending')})
    campaign = basic_client.read(dict(campaign_id='42'))
    assert (campaign.id, campaign.state) == ('42', 'scheduled')


@pytest.mark.parametrize('status, state', [
    ('Running', 'running'), ('RUNNING', 'running'), ('paused', 'paused'), ('Terminated', 'stopped'), ('Pending', 'scheduled'),
    ('Draft', 'draft'), ('Completed', 'completed'), (' Paused ', 'paused'), ('Exploded', 'unknown'),
])
def test_status_words_map_case_insensitively(basic_client, rsps, status, state):
    rsps.add(responses.GET, ONE, json=vendor.record('42', status))
    campaign = basic_client.read(dict(campaign_id='42'))
    assert campaign.state == state
    assert campaign.native_status == status


@pytest.mark.parametrize('kwargs', [dict(json=vendor.message_body(vendor.NOT_FOUND)), dict(body=vendor.NOT_FOUND, content_type='text/plain')])
def test_read_400_no_campaign_found_is_not_found(basic_client, rsps, kwargs):
    rsps.add(responses.GET, ONE, status=400, **kwargs)
    with pytest.raises(NotFoundError) as caught:
        basic_client.read(dict(campaign_id='42'))
    assert caught.value.message == 'voltmx campaign 42: not found (HTTP 400: {0})'.format(vendor.NOT_FOUND)


def test_read_401_is_an_authentication_error(basic_client, rsps):
    rsps.add(responses.GET, ONE, status=401, json=UNAUTHORIZED)
    with pytest.raises(AuthenticationError, match='voltmx campaign 42: HTTP 401: Unauthorized request'):
        basic_client.read(dict(campaign_id='42'))


def test_read_without_status_is_a_vendor_error(basic_client, rsps):
    rsps.add(responses.GET, ONE, json={'id': '42'})
    with pytest.raises(VendorError, match='voltmx campaign 42: the answer has no campaign "status"'):
        basic_client.read(dict(campaign_id='42'))


def test_list_follows_pagination(basic_client, rsps, sent):
    first = [vendor.record(str(n), 'Running', name='c{0}'.format(n)) for n in range(100)]
    second = [vendor.record(str(n), 'Paused') for n in range(100, 150)]
    rsps.add(responses.GET, vendor.CAMPAIGNS_URL, json=vendor.list_page(first, 150), match=[matchers.query_param_matcher(vendor.list_query(0))])
    rsps.add(responses.GET, vendor.CAMPAIGNS_URL, json=vendor.list_page(second, 150),
             match=[matchers.query_param_matcher(vendor.list_query(100))])
    campaigns = basic_client.list({})
    assert [c.id for c in campaigns] == [str(n) for n in range(150)]
    assert campaigns[0].name == 'c0' and campaigns[0].state == 'running'
    assert campaigns[149].state == 'paused'
    assert sent() == [('GET', vendor.list_url(0)), ('GET', vendor.list_url(100))]


def test_list_of_no_campaigns(basic_client, rsps, sent):
    rsps.add(responses.GET, vendor.CAMPAIGNS_URL, json=vendor.list_page([]))
    assert basic_client.list({}) == []
    assert len(sent()) == 1


@pytest.mark.parametrize('action', sorted(vendor.ACTION_MESSAGES))
def test_lifecycle_calls(basic_client, rsps, sent, basic_auth, action):
    url = vendor.campaign_url('42', action)
    rsps.add(responses.POST, url, json=vendor.action_answer(action))
    basic_client.apply(Campaign('42', 'Running', 'running'), action, dict(campaign_id='42'))
    assert sent() == [('POST', url)]
    request = rsps.calls[0].request
    assert request.headers['Authorization'] == basic_auth('admin', 's3cret-pw')
    assert request.headers['Content-Type'] == 'application/json;charset=UTF-8'
    assert request.body is None


def test_lifecycle_call_with_claims_token(token_client, rsps, sent):
    rsps.add(responses.POST, ONE + '/pause', json=vendor.action_answer('pause'))
    token_client.apply(Campaign('42', 'Running', 'running'), 'pause', dict(campaign_id='42'))
    headers = rsps.calls[0].request.headers
    assert headers['X-VoltMX-Authorization'] == 'claims-token-value'
    assert 'Authorization' not in headers


def test_write_400_is_a_wrong_state_error(basic_client, rsps):
    rsps.add(responses.POST, ONE + '/resume', status=400, json=vendor.message_body('Invalid request format'))
    with pytest.raises(WrongStateError, match='voltmx campaign 42: resume: HTTP 400: Invalid request format'):
        basic_client.apply(Campaign('42', 'Running', 'running'), 'resume', dict(campaign_id='42'))


def test_write_400_no_campaign_found_is_not_found(basic_client, rsps):
    rsps.add(responses.POST, ONE + '/pause', status=400, json=vendor.message_body(vendor.NOT_FOUND))
    with pytest.raises(NotFoundError):
        basic_client.apply(Campaign('42', 'Running', 'running'), 'pause', dict(campaign_id='42'))


def test_write_500_is_a_vendor_error(basic_client, rsps):
    rsps.add(responses.POST, ONE + '/terminate', status=500, body='Server failure to process request')
    with pytest.raises(VendorError) as caught:
        basic_client.apply(Campaign('42', 'Running', 'running'), 'terminate', dict(campaign_id='42'))
    assert caught.type is VendorError
    assert caught.value.message == 'voltmx campaign 42: terminate: HTTP 500: Server failure to process request'


def test_campaign_id_is_percent_encoded_into_one_segment(basic_client, rsps, sent):
    encoded = vendor.campaign_url('a%3Ab%40c')
    rsps.add(responses.GET, encoded, json=vendor.record('a:b@c'))
    basic_client.read(dict(campaign_id='a:b@c'))
    assert sent() == [('GET', encoded)]


# ----- the login at auth_url (HCL Volt MX Engagement API guide, "Authentication API") ----------

AUTH = vendor.AUTH_URL
LOGIN = vendor.LOGIN_URL
PASSWORD = 'pw-n0t-in-messages'


def login_options(**extra):
    options = dict(api_url=BASE, auth_url=AUTH, username='ops', password=PASSWORD, token=None)
    options.update(extra)
    return options


@pytest.fixture
def login_client(http):
    return VoltMX(http, login_options())


def assert_claims_only(call, token):
    headers = call.request.headers
    assert headers['X-VoltMX-Authorization'] == token
    assert 'Authorization' not in headers


def test_login_once_then_read_and_write_with_the_claims_token(login_client, rsps, sent, body_of):
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-1'))
    rsps.add(responses.GET, ONE, json=vendor.record('42'))
    rsps.add(responses.POST, ONE + '/pause', json=vendor.action_answer('pause'))
    campaign = login_client.read(dict(campaign_id='42'))
    login_client.apply(campaign, 'pause', dict(campaign_id='42'))
    assert sent() == [('POST', LOGIN), ('GET', ONE), ('POST', ONE + '/pause')]
    login = rsps.calls[0].request
    assert body_of(rsps.calls[0]) == {'userid': 'ops', 'password': PASSWORD}
    assert login.headers['Content-Type'] == 'application/json;charset=UTF-8'
    assert 'Authorization' not in login.headers and 'X-VoltMX-Authorization' not in login.headers
    for call in rsps.calls[1:]:
        assert_claims_only(call, 'claims-1')


@pytest.mark.parametrize('extra, sent_extra', [
    (dict(auth_provider='ActiveDirectory'), dict(provider='ActiveDirectory')),
    (dict(auth_domain='corp'), dict(domain='corp')),
    (dict(auth_provider='ActiveDirectory', auth_domain='corp'), dict(provider='ActiveDirectory', domain='corp')),
])
def test_login_sends_provider_and_domain_only_when_given(http, rsps, body_of, extra, sent_extra):
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer())
    rsps.add(responses.GET, ONE, json=vendor.record('42'))
    VoltMX(http, login_options(**extra)).read(dict(campaign_id='42'))
    assert body_of(rsps.calls[0]) == dict(userid='ops', password=PASSWORD, **sent_extra)


def test_an_auth_url_ending_in_login_is_the_login_url(http, rsps, sent):
    cloud = 'https://accounts.auth.voltmxcloud.com/login'
    rsps.add(responses.POST, cloud, json=vendor.login_answer())
    rsps.add(responses.GET, ONE, json=vendor.record('42'))
    VoltMX(http, login_options(auth_url=cloud)).read(dict(campaign_id='42'))
    assert sent() == [('POST', cloud), ('GET', ONE)]


def test_read_401_logs_in_again_once_and_resends(login_client, rsps, sent):
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-1'))
    rsps.add(responses.GET, ONE, status=401, json=UNAUTHORIZED)
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-2'))
    rsps.add(responses.GET, ONE, json=vendor.record('42', 'Paused'))
    assert login_client.read(dict(campaign_id='42')).state == 'paused'
    assert sent() == [('POST', LOGIN), ('GET', ONE), ('POST', LOGIN), ('GET', ONE)]
    assert_claims_only(rsps.calls[1], 'claims-1')
    assert_claims_only(rsps.calls[3], 'claims-2')


def test_write_401_logs_in_again_once_and_resends_the_write(login_client, rsps, sent):
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-1'))
    rsps.add(responses.POST, ONE + '/resume', status=401, json=UNAUTHORIZED)
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-2'))
    rsps.add(responses.POST, ONE + '/resume', json=vendor.action_answer('resume'))
    login_client.apply(Campaign('42', 'Paused', 'paused'), 'resume', dict(campaign_id='42'))
    assert sent() == [('POST', LOGIN), ('POST', ONE + '/resume'), ('POST', LOGIN), ('POST', ONE + '/resume')]
    assert_claims_only(rsps.calls[3], 'claims-2')


def test_a_second_401_is_an_authentication_error(login_client, rsps, sent):
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-1'))
    rsps.add(responses.GET, ONE, status=401, json=UNAUTHORIZED)
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-2'))
    rsps.add(responses.GET, ONE, status=401, json=UNAUTHORIZED)
    with pytest.raises(AuthenticationError) as caught:
        login_client.read(dict(campaign_id='42'))
    assert sent() == [('POST', LOGIN), ('GET', ONE), ('POST', LOGIN), ('GET', ONE)]
    assert caught.value.message.startswith('HTTP 401 again with a claims token fresh from the login at auth.example.com:8443: '
                                           'Unauthorized request')
    assert 'claims-' not in caught.value.message


def test_a_run_logs_in_again_at_most_once(login_client, rsps, sent):
    # A 401 for want of rights, not an expired token: the second campaign gets no third login.
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-1'))
    rsps.add(responses.GET, ONE, status=401, json=UNAUTHORIZED)
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-2'))
    rsps.add(responses.GET, ONE, status=401, json=UNAUTHORIZED)
    rsps.add(responses.GET, vendor.campaign_url('43'), status=401, json=UNAUTHORIZED)
    rsps.add(responses.GET, vendor.campaign_url('43'), status=401, json=UNAUTHORIZED)
    for campaign_id in ('42', '43'):
        with pytest.raises(AuthenticationError):
            login_client.read(dict(campaign_id=campaign_id))
    assert [url for method, url in sent() if method == 'POST'] == [LOGIN, LOGIN]


@pytest.mark.parametrize('answer, error, reason', [
    (dict(status=401, json=vendor.LOGIN_REFUSED), AuthenticationError,
     'HTTP 401: Invalid User Credentials (check username and password'),
    (dict(status=403, json=vendor.message_body('Forbidden')), AuthenticationError, 'HTTP 403: Forbidden'),
    (dict(status=500, body='Internal Server Error'), VendorError, 'HTTP 500: Internal Server Error'),
    (dict(status=200, json={'profile': {}, 'refresh_token': 'refresh-secret-value'}), VendorError,
     'HTTP 200 without a usable claims token (claims_token.value)'),
    (dict(status=200, json={'claims_token': {'value': 'bad\ntoken-secret-value', 'exp': 1}}), VendorError,
     'HTTP 200 without a usable claims token'),
    # requests would quote a header value with a leading space in its error message.
    (dict(status=200, json={'claims_token': {'value': ' token-secret-value', 'exp': 1}}), VendorError,
     'HTTP 200 without a usable claims token'),
    (dict(status=200, json={'claims_token': {'value': 'token-secret-value\u20ac', 'exp': 1}}), VendorError,
     'HTTP 200 without a usable claims token'),
    (dict(status=200, body='<html>token-secret-value</html>', content_type='text/html'), VendorError,
     "HTTP 200 with an answer that is not JSON (Content-Type 'text/html')"),
])
def test_a_failed_login_is_clear_and_shows_no_secret(login_client, rsps, sent, answer, error, reason):
    rsps.add(responses.POST, LOGIN, **answer)
    with pytest.raises(error) as caught:
        login_client.read(dict(campaign_id='42'))
    message = caught.value.message
    assert message.startswith('provider=voltmx: login at auth.example.com:8443 failed: ')
    assert reason in message
    assert PASSWORD not in message and 'secret-value' not in message
    assert not caught.value.ambiguous
    assert sent() == [('POST', LOGIN)]


def test_a_failed_login_is_not_repeated_for_later_calls(login_client, rsps, sent):
    rsps.add(responses.POST, LOGIN, status=401, json=vendor.LOGIN_REFUSED)
    for campaign_id in ('42', '43'):
        with pytest.raises(AuthenticationError, match='^provider=voltmx: login at auth.example.com:8443 failed: HTTP 401'):
            login_client.read(dict(campaign_id=campaign_id))
    assert sent() == [('POST', LOGIN)]


def test_a_login_without_an_answer_is_a_transport_error_that_names_the_login(login_client, rsps, sent):
    with pytest.raises(TransportError) as caught:
        login_client.read(dict(campaign_id='42'))
    assert caught.value.message.startswith('provider=voltmx: login at auth.example.com:8443 failed: ')
    assert not caught.value.ambiguous
    assert set(sent()) == {('POST', LOGIN)}


def test_concurrent_calls_share_one_login_and_one_relogin(login_client, rsps, sent):
    """Eight threads, the first token expired: one login, one more login, each read sent at most twice."""
    logins = []

    def login(request):
        logins.append(request)
        return 200, {}, json.dumps(vendor.login_answer('claims-{0}'.format(len(logins))))

    def read(request):
        if request.headers['X-VoltMX-Authorization'] == 'claims-1':
            return 401, {}, json.dumps(UNAUTHORIZED)
        return 200, {}, json.dumps(vendor.record(request.url.rsplit('/', 1)[-1]))

    rsps.add_callback(responses.POST, LOGIN, callback=login)
    rsps.add_callback(responses.GET, re.compile(re.escape(vendor.CAMPAIGNS_URL) + r'/\d+'), callback=read)
    with ThreadPoolExecutor(max_workers=8) as pool:
        campaigns = list(pool.map(lambda n: login_client.read(dict(campaign_id=str(n))), range(16)))
    assert [c.id for c in campaigns] == [str(n) for n in range(16)]
    assert len(logins) == 2
    assert len(sent()) <= 2 + 2 * 16


@pytest.mark.parametrize('options, message', [
    (login_options(token='claims-token-value'), 'provider=voltmx: set auth_url (log in with username and password) or token'),
    (login_options(password=None), 'provider=voltmx needs credentials: set username (VOLTMX_USERNAME) and password (VOLTMX_PASSWORD)'),
    (login_options(auth_url='https://ops:pw@auth.example.com'), "auth_url 'https://<credentials>@auth.example.com' is not usable"),
    (login_options(auth_url='ftp://auth.example.com'), "auth_url 'ftp://auth.example.com' is not usable: it must start with http"),
    (dict(api_url=BASE, username='ops', password=PASSWORD, auth_domain='corp'), 'auth_provider and auth_domain are sent with the login'),
])
def test_login_options_are_validated_before_any_request(options, message):
    with pytest.raises(ValidationError) as caught:
        VoltMX.validate(dict(options), needs_write=True)
    assert message in caught.value.message


def test_validation_strips_a_trailing_slash_of_auth_url():
    options = login_options(auth_url=AUTH + '/')
    VoltMX.validate(options, needs_write=True)
    assert options['auth_url'] == AUTH


def test_bulk_run_logs_in_once_and_never_sends_basic_auth(run_module, rsps, sent, monkeypatch):
    monkeypatch.setenv('VOLTMX_AUTH_URL', AUTH)
    monkeypatch.setenv('VOLTMX_PASSWORD', PASSWORD)
    rsps.add(responses.POST, LOGIN, json=vendor.login_answer('claims-bulk'))
    ids = [str(n) for n in range(40, 52)]
    for campaign_id in ids:
        rsps.add(responses.GET, vendor.campaign_url(campaign_id), json=vendor.record(campaign_id))
        rsps.add(responses.POST, vendor.campaign_url(campaign_id, 'pause'), json=vendor.action_answer('pause', campaign_id))
    result = run_module(campaign_state.main, dict(provider='voltmx', api_url=BASE, username='ops', state='paused',
                                                  campaigns=[dict(campaign_id=campaign_id) for campaign_id in ids]))
    assert result['changed'] is True, result
    assert [r['actions'] for r in result['results']] == [['pause']] * len(ids)
    assert sent().count(('POST', LOGIN)) == 1
    assert len(sent()) == 1 + 2 * len(ids)
    for call in rsps.calls:
        if call.request.url != LOGIN:
            assert_claims_only(call, 'claims-bulk')
    assert 'claims-bulk' not in repr(result) and PASSWORD not in repr(result)


def test_a_failed_login_fails_the_task_without_secrets(run_module, rsps, sent):
    rsps.add(responses.POST, LOGIN, status=401, json=vendor.LOGIN_REFUSED)
    result = run_module(campaign_state.main, dict(provider='voltmx', api_url=BASE, auth_url=AUTH, username='ops', password=PASSWORD,
                                                  campaign_id='42', state='paused'))
    assert result['failed'] is True
    assert 'provider=voltmx: login at auth.example.com:8443 failed: HTTP 401: Invalid User Credentials' in result['msg']
    assert PASSWORD not in repr(result)
    assert sent() == [('POST', LOGIN)]
