# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""The collection's one HTTP layer: a keep-alive ``requests.Session``, a timeout on every
request, retries with backoff for reads only, retries within a time budget for requests the
vendor throttled, client-side rate limiting, and the mapping of transport failures and error
answers to the collection's exceptions."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import re
import time
import traceback

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    NotFoundError,
    TransportError,
    VendorError,
)

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:  # pragma: no cover - exercised by the module's missing_required_lib path
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HAS_REQUESTS = False
else:
    HAS_REQUESTS = True

RETRYABLE_STATUS = (429, 502, 503, 504)
MAX_RETRY_AFTER = 60.0
USER_AGENT = 'campaignops.campaigns (Ansible collection)'
# A throttled request was certainly not processed, and the vendor's Retry-After, not a count of
# attempts, says when it will be: such a request is retried for up to this many request timeouts
# (300 s at the default timeout of 30 s) from its first throttled answer.
THROTTLE_BUDGET_TIMEOUTS = 10


class RetryPolicy:
    """How reads are retried: ``retries`` extra attempts, exponential backoff with full jitter."""

    def __init__(self, retries=3, backoff=0.5, max_backoff=8.0, max_retry_after=MAX_RETRY_AFTER, sleep=time.sleep):
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self.sleep = sleep

    def delay(self, attempt, response=None):
        """Seconds to wait before retry number ``attempt`` (1-based)."""
        retry_after = _retry_after_seconds(response)
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        ceiling = min(self.max_backoff, self.backoff * (2 ** (attempt - 1)))
        return random.uniform(ceiling / 2.0, ceiling)


def _retry_after_seconds(response):
    if response is None:
        return None
    value = response.headers.get('Retry-After')
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    # Ocamba answers -1 for "too many parallel requests": no time given, so back off normally.
    return seconds if seconds >= 0 else None


class NullLimiter:
    """A limiter that never waits (vendors without a documented limit)."""

    def acquire(self):
        return None

    def release(self):
        return None

    def throttled(self, pause):
        return None


class HttpClient:
    """One session per module run; every provider client sends through it."""

    def __init__(self, timeout=30.0, validate_certs=True, ca_path=None, limiter=None, retry=None, pool_size=10, throttled=None,
                 throttle_budget=None, clock=time.monotonic):
        self.timeout = timeout
        self.limiter = limiter or NullLimiter()
        self.retry = retry or RetryPolicy()
        self.throttled = throttled or is_rate_limited
        self.throttle_budget = THROTTLE_BUDGET_TIMEOUTS * timeout if throttle_budget is None else throttle_budget
        self.clock = clock
        self.session = requests.Session()
        self.session.verify = ca_path if (validate_certs and ca_path) else validate_certs
        self.session.headers['User-Agent'] = USER_AGENT
        # Environment proxies and netrc credentials must not change where, or as whom, we connect.
        self.session.trust_env = False
        adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)

    def request(self, method, url, headers=None, params=None, json_body=None, auth=None):
        """Send one request and return the response whatever its status: judging the answer is
        the provider's business. Reads are retried on transport errors and 429/502/503/504;
        a write is retried only when it certainly was not processed (refused connection,
        throttled), never after an answer or a silence that may hide an applied change.

        A throttled request (the provider's ``is_throttled``) is retried within the throttle
        budget rather than ``retries`` times, and raises ``VendorError`` once the budget is spent;
        ``retries`` 0 turns every retry off, throttled ones included."""
        is_read = method == 'GET'
        failures = 0
        throttling = _Throttling(self, method, url)
        while True:
            try:
                response = self._send(method, url, headers, params, json_body, auth)
            except TransportError as exc:
                failures += 1
                if exc.ambiguous or not exc.retryable or failures > self.retry.retries:
                    raise
                self.retry.sleep(self.retry.delay(failures))
                continue
            if self.retry.retries and self.throttled(response):
                throttling.wait(response)
                continue
            if is_read and response.status_code in RETRYABLE_STATUS and failures < self.retry.retries:
                failures += 1
                self.retry.sleep(self.retry.delay(failures, response))
                continue
            return response

    def _send(self, method, url, headers, params, json_body, auth):
        kwargs = dict(headers=headers, params=params, auth=auth, timeout=self.timeout, allow_redirects=False)
        if json_body is not None:
            kwargs['data'] = json.dumps(json_body)
        self.limiter.acquire()
        try:
            return self.session.request(method, url, **kwargs)
        except requests.exceptions.RequestException as exc:
            raise transport_error(method, url, exc)
        except (IOError, OSError) as exc:
            # requests reads ca_path only when it connects.
            raise TransportError('{0} {1}: {2}'.format(method, _without_query(url), exc), retryable=False)
        finally:
            self.limiter.release()

    def close(self):
        self.session.close()


class _Throttling:
    """The throttled answers of one request: how long to wait before the next attempt, and when
    the budget is spent."""

    def __init__(self, client, method, url):
        self.client = client
        self.method = method
        self.url = url
        self.count = 0
        self.first = None
        self.waited = 0.0

    def wait(self, response):
        """Wait before sending again, making the whole account wait too; raise when the budget
        does not allow that wait."""
        client = self.client
        self.count += 1
        if self.first is None:
            self.first = client.clock()
        delay = client.retry.delay(self.count, response)
        if self.count > 1:
            # A vendor that keeps answering Retry-After: 0 must not be hammered.
            delay = max(delay, client.retry.backoff)
        client.limiter.throttled(delay)
        # The waits asked for count even where the clock did not see them pass (a test's clock).
        spent = max(client.clock() - self.first, self.waited)
        if spent + delay > client.throttle_budget:
            raise throttled_error(self.method, self.url, response, spent, client.throttle_budget)
        self.waited += delay
        client.retry.sleep(delay)


def throttled_error(method, url, response, spent, budget):
    """The failure of a request the vendor still throttles when the budget is spent: it was never
    processed, so nothing was applied (not an unknown outcome)."""
    outcome = 'nothing was applied' if method != 'GET' else 'nothing was read'
    return VendorError('{0} {1}: still throttled by the vendor (HTTP {2}) after {3:.0f} s; {4}. A throttled request is retried for up to '
                       '{5:g} s ({6} x timeout); the last answer: {7}'.format(
                           method, _without_query(url), response.status_code, spent, outcome, budget, THROTTLE_BUDGET_TIMEOUTS,
                           excerpt(response) or 'no body'),
                       status=response.status_code, throttled=True)


def is_rate_limited(response):
    return response.status_code == 429


def transport_error(method, url, exc):
    """Turn a ``requests`` exception into a ``TransportError`` that says what to do."""
    target = _without_query(url)
    if isinstance(exc, requests.exceptions.SSLError):
        return TransportError(
            'TLS certificate verification failed for {0}: {1}. Set ca_path to the CA bundle that signed the '
            "server's certificate (or validate_certs=false, for tests only)".format(target, _short(exc)), retryable=False)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return TransportError('could not connect to {0}: timed out'.format(target))
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return TransportError('{0} {1}: no answer within the timeout'.format(method, target), ambiguous=method != 'GET', in_flight=True)
    if isinstance(exc, requests.exceptions.ConnectionError) and _is_refused(exc):
        return TransportError('could not connect to {0}: {1}'.format(target, _short(exc)))
    if isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout)):
        return TransportError('{0} {1}: connection failed: {2}'.format(method, target, _short(exc)), ambiguous=method != 'GET')
    # InvalidURL, InvalidHeader and the like: the request was never sent and never will be.
    return TransportError('{0} {1}: {2}'.format(method, target, _short(exc)), retryable=False)


def _is_refused(exc):
    text = str(exc)
    markers = ('NewConnectionError', 'Connection refused', 'Name or service not known', 'nodename nor servname', 'Failed to resolve',
               'No route to host')
    return any(marker in text for marker in markers)


def _short(exc):
    """The innermost reason of a urllib3/requests error (``Connection refused``), without the
    wrapper classes and object addresses around it."""
    text = str(exc)
    for pattern in (r'\[Errno -?\d+\] ([^\'"()]+)', r'\[SSL: [A-Z_]+\] ([^\'"()]+)', r'(Remote end closed connection without response)',
                    r'(Connection aborted|Connection reset by peer|Read timed out)'):
        match = re.search(pattern, text)
        if match:
            return match.group(1).strip()
    return re.sub(r'<[^>]*object at 0x[0-9a-f]+>:?\s*', '', text)[:300]


def _without_query(url):
    return url.split('?', 1)[0]


def decode_json(response):
    """The body as JSON; ``ValueError`` for anything unreadable, including NaN/Infinity, numbers
    too large for a float, and nesting too deep for Python to parse."""
    try:
        return json.loads(response.text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise ValueError('JSON nested too deeply')


def _refuse_constant(name):
    raise ValueError('{0} is not a JSON number'.format(name))


def _finite_float(text):
    number = float(text)
    if number in (float('inf'), float('-inf')):
        raise ValueError('number out of range')
    return number


def parse_json(response, what):
    """The response body as JSON, or a ``VendorError`` that shows a short, safe excerpt."""
    try:
        return decode_json(response)
    except ValueError:
        raise VendorError('{0}: HTTP {1} with a body that is not JSON: {2!r}'.format(what, response.status_code, excerpt(response)),
                          status=response.status_code, unreadable=True)


def excerpt(response, limit=120):
    text = response.text if response.content else ''
    return re.sub(r'\s+', ' ', text).strip()[:limit]


def error_for_status(response, what, detail):
    """The default mapping of an HTTP error status to an exception; providers may refine it."""
    status = response.status_code
    message = '{0}: HTTP {1}{2}'.format(what, status, ': ' + detail if detail else '')
    if status in (401, 403):
        return AuthenticationError(message + ' (check the credentials for this provider)', status=status)
    if status == 404:
        return NotFoundError(message, status=status)
    return VendorError(message, status=status)
