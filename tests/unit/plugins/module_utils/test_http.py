# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The HTTP layer: retries (reads; writes only when they certainly were not processed),
Retry-After, transport errors."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import requests
import responses
import urllib3

from ansible_collections.campaignops.campaigns.plugins.module_utils import _http
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    NotFoundError,
    TransportError,
    VendorError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import error_for_status, parse_json

URL = 'https://api.example.com/v1/things/7'


def refused(host='api.example.com', port=443):
    """The exception requests raises for a refused connection, built the way requests builds it."""
    conn = urllib3.connection.HTTPSConnection(host, port)
    reason = urllib3.exceptions.NewConnectionError(conn, 'Failed to establish a new connection: [Errno 111] Connection refused')
    return requests.exceptions.ConnectionError(urllib3.exceptions.MaxRetryError(None, '/v1/things/7', reason))


def reset():
    return requests.exceptions.ConnectionError(
        urllib3.exceptions.ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer')))


@pytest.fixture
def top_of_jitter(monkeypatch):
    """Make the jittered backoff deterministic: always the top of its range."""
    monkeypatch.setattr(_http.random, 'uniform', lambda low, high: high)


@pytest.mark.parametrize('status', [429, 502, 503, 504])
def test_read_is_retried_on_transient_status(http, rsps, sleeps, top_of_jitter, status):
    rsps.add(responses.GET, URL, status=status, json={})
    rsps.add(responses.GET, URL, status=200, json={'ok': True})
    response = http.request('GET', URL)
    assert response.status_code == 200
    assert len(rsps.calls) == 2
    assert sleeps == [0.5]


@pytest.mark.parametrize('status', [400, 401, 403, 404, 409, 500])
def test_read_is_not_retried_on_other_errors(http, rsps, sleeps, status):
    rsps.add(responses.GET, URL, status=status, json={})
    assert http.request('GET', URL).status_code == status
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_read_backoff_doubles_then_gives_up_with_the_last_answer(http, rsps, sleeps, top_of_jitter):
    for _attempt in range(4):
        rsps.add(responses.GET, URL, status=503, json={})
    response = http.request('GET', URL)
    assert response.status_code == 503
    assert len(rsps.calls) == 4
    assert sleeps == [0.5, 1.0, 2.0]


def test_backoff_is_jittered_within_its_range(http, rsps, sleeps):
    for _attempt in range(4):
        rsps.add(responses.GET, URL, status=502, json={})
    http.request('GET', URL)
    assert 0.25 <= sleeps[0] <= 0.5
    assert 0.5 <= sleeps[1] <= 1.0
    assert 1.0 <= sleeps[2] <= 2.0


@pytest.mark.parametrize('retry_after, delay', [('7', 7.0), ('0', 0.0), ('2.5', 2.5), ('3600', 60.0), ('60', 60.0)])
def test_retry_after_is_honoured_and_clamped(http, rsps, sleeps, retry_after, delay):
    rsps.add(responses.GET, URL, status=429, headers={'Retry-After': retry_after}, json={})
    rsps.add(responses.GET, URL, status=200, json={})
    http.request('GET', URL)
    assert sleeps == [delay]


@pytest.mark.parametrize('retry_after', ['-1', 'Wed, 21 Oct 2015 07:28:00 GMT', 'soon'])
def test_unusable_retry_after_falls_back_to_backoff(http, rsps, sleeps, top_of_jitter, retry_after):
    # Ocamba answers Retry-After: -1 for "too many parallel requests".
    rsps.add(responses.GET, URL, status=429, headers={'Retry-After': retry_after}, json={})
    rsps.add(responses.GET, URL, status=200, json={})
    http.request('GET', URL)
    assert sleeps == [0.5]


@pytest.mark.parametrize('failure', [refused, reset, lambda: requests.exceptions.ReadTimeout('Read timed out.'),
                                     lambda: requests.exceptions.ConnectTimeout('timed out')])
def test_read_is_retried_on_transport_errors(http, rsps, sleeps, top_of_jitter, failure):
    rsps.add(responses.GET, URL, body=failure())
    rsps.add(responses.GET, URL, body=failure())
    rsps.add(responses.GET, URL, status=200, json={'ok': True})
    assert http.request('GET', URL).json() == {'ok': True}
    assert len(rsps.calls) == 3
    assert sleeps == [0.5, 1.0]


def test_read_transport_error_after_the_last_retry(http, rsps, sleeps):
    for _attempt in range(4):
        rsps.add(responses.GET, URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    with pytest.raises(TransportError) as caught:
        http.request('GET', URL)
    assert caught.value.message == 'GET {0}: no answer within the timeout'.format(URL)
    assert caught.value.ambiguous is False
    assert len(rsps.calls) == 4
    assert len(sleeps) == 3


@pytest.mark.parametrize('method', ['POST', 'PUT', 'PATCH'])
@pytest.mark.parametrize('status', [500, 502, 503, 504])
def test_write_is_never_retried_after_an_answer(http, rsps, sleeps, method, status):
    # A 5xx may hide an applied change: sending the write again could apply it twice.
    rsps.add(method, URL, status=status, headers={'Retry-After': '1'}, json={})
    assert http.request(method, URL, json_body={'status': 'PAUSED'}).status_code == status
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize('method', ['POST', 'PUT'])
def test_read_timeout_on_a_write_is_ambiguous_and_not_retried(http, rsps, sleeps, method):
    rsps.add(method, URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    with pytest.raises(TransportError) as caught:
        http.request(method, URL, json_body={'reason': 'x'})
    assert caught.value.ambiguous is True
    assert caught.value.message == '{0} {1}: no answer within the timeout'.format(method, URL)
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_connection_reset_on_a_write_is_ambiguous_and_not_retried(http, rsps, sleeps):
    rsps.add(responses.POST, URL, body=reset())
    with pytest.raises(TransportError) as caught:
        http.request('POST', URL)
    assert caught.value.ambiguous is True
    assert caught.value.message == 'POST {0}: connection failed: Connection aborted'.format(URL)
    assert len(rsps.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize('method', ['POST', 'PUT', 'PATCH'])
def test_throttled_write_is_retried_as_told(http, rsps, sleeps, body_of, method):
    # 429 means the vendor refused the request before processing it: sending it again is safe.
    rsps.add(method, URL, status=429, headers={'Retry-After': '2'}, json={})
    rsps.add(method, URL, status=204)
    assert http.request(method, URL, json_body={'reason': 'x'}).status_code == 204
    assert [body_of(call) for call in rsps.calls] == [{'reason': 'x'}, {'reason': 'x'}]
    assert sleeps == [2.0]


def test_throttled_answers_do_not_use_up_the_retries(http, rsps, sleeps):
    # Issue 11: a fourth 429 in a row failed the campaign although the vendor had processed nothing.
    for _attempt in range(6):
        rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '1'}, json={})
    rsps.add(responses.POST, URL, status=204)
    assert http.request('POST', URL, json_body={'reason': 'x'}).status_code == 204
    assert len(rsps.calls) == 7
    assert sleeps == [1.0] * 6


def test_throttled_write_gives_up_when_the_time_budget_is_spent(http, rsps, sleeps):
    # The fixture's timeout is 7 s, so the budget is 70 s: seven waits of 10 s, then no more.
    rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '10'},
             json={'code': 429, 'title': 'Too many requests.', 'trace_id': 'T-1'})
    with pytest.raises(VendorError) as caught:
        http.request('POST', URL, json_body={'reason': 'x'})
    assert sleeps == [10.0] * 7
    assert len(rsps.calls) == 8
    message = caught.value.message
    assert message.startswith('POST {0}: still throttled by the vendor (HTTP 429) after 70 s; nothing was applied. '
                              'A throttled request is retried for up to 70 s (10 x timeout)'.format(URL))
    assert 'T-1' in message
    # Refused before processing: the engine must not read back and send it again as if unknown.
    assert caught.value.ambiguous is False


def test_budget_is_ten_request_timeouts():
    assert _http.HttpClient(timeout=30.0).throttle_budget == 300.0
    assert _http.HttpClient(timeout=2.5).throttle_budget == 25.0


def test_a_wait_longer_than_the_rest_of_the_budget_fails_now(rsps, sleeps):
    http = _http.HttpClient(timeout=7.0, retry=_http.RetryPolicy(sleep=sleeps.append), throttle_budget=30.0)
    rsps.add(responses.PUT, URL, status=429, headers={'Retry-After': '20'}, json={})
    with pytest.raises(VendorError, match=r'after 20 s; nothing was applied'):
        http.request('PUT', URL)
    assert sleeps == [20.0]


class ClockedLimiter:
    """A limiter whose acquire() takes ``hold`` seconds of the fake clock (another machine's
    pause, say), recording every throttled() call."""

    def __init__(self, clock, hold=0.0):
        self.clock = clock
        self.hold = hold
        self.pauses = []

    def acquire(self):
        self.clock.now += self.hold

    def release(self):
        return None

    def throttled(self, pause):
        self.pauses.append(pause)


def test_time_spent_waiting_for_the_account_counts_against_the_budget(rsps, sleeps, clock):
    limiter = ClockedLimiter(clock, hold=25.0)
    http = _http.HttpClient(timeout=3.0, limiter=limiter, retry=_http.RetryPolicy(sleep=clock.sleep), clock=clock)
    rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '1'}, json={})
    with pytest.raises(VendorError, match='after 52 s'):
        http.request('POST', URL)
    # The budget (30 s) starts at the first refusal; each attempt then spends 1 s of Retry-After
    # and 25 s in the limiter: 26 s spent at the second refusal, 52 s at the third.
    assert len(rsps.calls) == 3
    assert sleeps == [1.0, 1.0]


def test_throttled_answer_pauses_the_whole_account(rsps, sleeps, clock, top_of_jitter):
    limiter = ClockedLimiter(clock)
    http = _http.HttpClient(limiter=limiter, retry=_http.RetryPolicy(sleep=clock.sleep), clock=clock)
    rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '3'}, json={})
    rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '-1'}, json={})
    rsps.add(responses.POST, URL, status=204)
    assert http.request('POST', URL).status_code == 204
    # Retry-After as told; Ocamba's -1 (too many parallel requests) gives no time: backoff.
    assert limiter.pauses == [3.0, 1.0]
    assert sleeps == [3.0, 1.0]


def test_repeated_retry_after_zero_is_not_hammered(http, rsps, sleeps):
    for _attempt in range(3):
        rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '0'}, json={})
    rsps.add(responses.POST, URL, status=204)
    assert http.request('POST', URL).status_code == 204
    assert sleeps == [0.0, 0.5, 0.5]


def test_no_retries_means_no_retries_when_throttled_either(rsps, sleeps):
    http = _http.HttpClient(retry=_http.RetryPolicy(retries=0, sleep=sleeps.append))
    rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '1'}, json={})
    assert http.request('POST', URL).status_code == 429
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_a_write_with_an_unknown_outcome_is_still_never_sent_again(rsps, sleeps, clock):
    # Throttled first (certainly not processed, so sent again), then no answer: not sent a third time.
    http = _http.HttpClient(retry=_http.RetryPolicy(sleep=clock.sleep), clock=clock)
    rsps.add(responses.POST, URL, status=429, headers={'Retry-After': '1'}, json={})
    rsps.add(responses.POST, URL, body=requests.exceptions.ReadTimeout('Read timed out.'))
    with pytest.raises(TransportError) as caught:
        http.request('POST', URL)
    assert caught.value.ambiguous is True
    assert len(rsps.calls) == 2


def test_throttling_rule_is_the_providers(rsps, sleeps, top_of_jitter):
    # Wolkvox answers 403 "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS" instead of 429.
    http = _http.HttpClient(retry=_http.RetryPolicy(sleep=sleeps.append), throttled=lambda response: response.status_code == 403)
    rsps.add(responses.PUT, URL, status=403, json={})
    rsps.add(responses.PUT, URL, status=202, json={})
    assert http.request('PUT', URL).status_code == 202
    assert sleeps == [0.5]


@pytest.mark.parametrize('failure', [refused, lambda: requests.exceptions.ConnectTimeout('timed out')])
def test_write_that_never_reached_the_vendor_is_retried(http, rsps, sleeps, top_of_jitter, failure):
    rsps.add(responses.PUT, URL, body=failure())
    rsps.add(responses.PUT, URL, status=200, json={})
    assert http.request('PUT', URL).status_code == 200
    assert len(rsps.calls) == 2
    assert sleeps == [0.5]


def test_connection_refused_on_a_write_is_not_ambiguous(http, rsps, sleeps):
    for _attempt in range(4):
        rsps.add(responses.PUT, URL, body=refused())
    with pytest.raises(TransportError) as caught:
        http.request('PUT', URL)
    assert caught.value.ambiguous is False
    assert len(rsps.calls) == 4


def test_no_retries_when_the_budget_is_zero(rsps, sleeps):
    http = _http.HttpClient(retry=_http.RetryPolicy(retries=0, sleep=sleeps.append))
    rsps.add(responses.GET, URL, status=503, json={})
    assert http.request('GET', URL).status_code == 503
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_connection_refused_message(http, rsps, sleeps):
    for _attempt in range(4):
        rsps.add(responses.GET, URL, body=refused())
    with pytest.raises(TransportError) as caught:
        http.request('GET', URL, params={'page': '1,100'})
    assert caught.value.message == 'could not connect to {0}: Connection refused'.format(URL)


def test_connect_timeout_message(http, rsps, sleeps):
    for _attempt in range(4):
        rsps.add(responses.POST, URL, body=requests.exceptions.ConnectTimeout('Connection to api.example.com timed out.'))
    with pytest.raises(TransportError) as caught:
        http.request('POST', URL)
    assert caught.value.message == 'could not connect to {0}: timed out'.format(URL)
    assert caught.value.ambiguous is False


def test_tls_failure_says_what_to_do_and_is_not_retried(http, rsps, sleeps):
    # A certificate that failed verification will fail again: retrying only delays the message.
    for _attempt in range(1):
        rsps.add(responses.GET, URL, body=requests.exceptions.SSLError(
            "HTTPSConnectionPool(host='api.example.com', port=443): Max retries exceeded (Caused by SSLError(SSLCertVerificationError(1, "
            "'[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)')))"))
    with pytest.raises(TransportError) as caught:
        http.request('GET', URL)
    assert caught.value.message.startswith('TLS certificate verification failed for {0}: certificate verify failed'.format(URL))
    assert 'ca_path' in caught.value.message
    assert len(rsps.calls) == 1
    assert sleeps == []


def test_request_carries_timeout_user_agent_and_body(http, rsps, body_of):
    rsps.add(responses.POST, URL, status=204)
    http.request('POST', URL, headers={'Content-Type': 'application/json'}, json_body={'run_immediately': 1})
    call = rsps.calls[0]
    assert call.request.req_kwargs['timeout'] == 7.0
    assert call.request.headers['User-Agent'] == 'campaignops.campaigns (Ansible collection)'
    assert body_of(call) == {'run_immediately': 1}


def test_redirects_are_not_followed(http, rsps):
    rsps.add(responses.GET, URL, status=302, headers={'Location': 'https://elsewhere.example.com/'})
    assert http.request('GET', URL).status_code == 302
    assert len(rsps.calls) == 1


def test_non_json_body_is_a_clear_vendor_error(rsps, http):
    rsps.add(responses.GET, URL, status=200, body='<html>\n  <body>Bad   gateway</body>\n</html>' + 'x' * 300,
             content_type='text/html')
    with pytest.raises(VendorError) as caught:
        parse_json(http.request('GET', URL), 'ocamba campaign 7')
    message = caught.value.message
    assert message.startswith("ocamba campaign 7: HTTP 200 with a body that is not JSON: '<html> <body>Bad gateway</body> </html>xxx")
    assert len(message) < 250


def test_empty_body_is_a_clear_vendor_error(rsps, http):
    rsps.add(responses.GET, URL, status=200, body='')
    with pytest.raises(VendorError, match="voltmx campaign 7: HTTP 200 with a body that is not JSON: ''"):
        parse_json(http.request('GET', URL), 'voltmx campaign 7')


@pytest.mark.parametrize('status, error', [(401, AuthenticationError), (403, AuthenticationError), (404, NotFoundError),
                                           (400, VendorError), (500, VendorError), (429, VendorError)])
def test_default_status_mapping(rsps, sleeps, status, error):
    http = _http.HttpClient(retry=_http.RetryPolicy(retries=0, sleep=sleeps.append))
    rsps.add(responses.GET, URL, status=status, json={})
    exc = error_for_status(http.request('GET', URL), 'x campaign 7', 'boom')
    assert exc.__class__ is error
    assert exc.message.startswith('x campaign 7: HTTP {0}: boom'.format(status))
    assert exc.details['status'] == status
