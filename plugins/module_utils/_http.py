# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""The collection's one HTTP layer: a keep-alive ``requests.Session``, a deadline and a size
limit on every answer, retries with backoff for reads only, retries within a time budget for
requests the vendor throttled, client-side rate limiting, and the mapping of transport failures
and error answers to the collection's exceptions."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import random
import re
import socket
import threading
import time
import traceback
import weakref

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
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
except ImportError:  # pragma: no cover - exercised by the module's missing_required_lib path
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    HAS_REQUESTS = False
    # Stand-ins so that the classes below can be defined; nothing uses them without requests.
    HTTPAdapter = HTTPConnectionPool = HTTPSConnectionPool = object
else:
    HAS_REQUESTS = True

RETRYABLE_STATUS = (429, 502, 503, 504)
MAX_RETRY_AFTER = 60.0
USER_AGENT = 'campaignops.campaigns (Ansible collection)'
# A throttled request was certainly not processed, and the vendor's Retry-After, not a count of
# attempts, says when it will be: such a request is retried for up to this many request timeouts
# (300 s at the default timeout of 30 s) from its first throttled answer.
THROTTLE_BUDGET_TIMEOUTS = 10
# The largest answer read: far above any real one (a page of 100 campaigns is a few kilobytes), far
# below what would strain the machine. A larger answer fails without the rest being read.
MAX_ANSWER_BYTES = 16 * 1024 * 1024
READ_CHUNK = 64 * 1024


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
        adapter = _WatchedAdapter(pool_connections=pool_size, pool_maxsize=pool_size)
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
        kwargs = dict(headers=headers, params=params, auth=_basic_auth_bytes(auth), timeout=self.timeout, allow_redirects=False,
                      stream=True)
        if json_body is not None:
            kwargs['data'] = json.dumps(json_body)
        self.limiter.acquire()
        try:
            with Deadline(self.timeout) as deadline:
                return self._exchange(method, url, kwargs, deadline)
        finally:
            self.limiter.release()

    def _exchange(self, method, url, kwargs, deadline):
        """One attempt: send, then read the whole answer before ``deadline``."""
        try:
            response = self.session.request(method, url, **kwargs)
        except requests.exceptions.RequestException as exc:
            raise request_failure(method, url, exc, deadline)
        except (IOError, OSError) as exc:
            # requests reads ca_path only when it connects.
            raise TransportError('{0} {1}: {2}'.format(method, _without_query(url), exc), retryable=False)
        try:
            read_body(response, deadline)
        except AnswerTooLarge as exc:
            raise too_large_error(method, url, response, exc.declared)
        except DeadlinePassed:
            raise deadline.error(method, url)
        except (IOError, OSError) as exc:
            # requests' exceptions too: the connection broke while the answer came in.
            raise deadline.error(method, url) if deadline.passed() else broken_answer_error(method, url, exc)
        finally:
            if response._content is False:
                # Not read to the end: the connection cannot serve another request.
                response.close()
        return response

    def close(self):
        self.session.close()


class Deadline:
    """The end of one attempt, ``seconds`` after it starts: connection, request and the whole
    answer. The socket's timeout bounds each read only (an answer trickling in a byte a second
    never trips it), so when the deadline passes a timer shuts the attempt's connection down,
    which ends any read blocked on it."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.fired = False
        self._connection = None
        self._timer = threading.Timer(seconds, self._fire)
        # A pending timer must not keep the module's process alive.
        self._timer.daemon = True

    def __enter__(self):
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info):
        self._timer.cancel()
        _current.deadline = None

    def passed(self):
        return self.fired or time.monotonic() >= self.end

    def watch(self, connection):
        """The pool lent ``connection`` to this attempt."""
        with _owners_lock:
            self._connection = connection
            _owners[connection] = self

    def _fire(self):
        with _owners_lock:
            self.fired = True
            connection = self._connection
            # Shut down only a connection this attempt still holds, never one the pool has since
            # lent to another request.
            if connection is not None and _owners.get(connection) is self:
                _shut_down(getattr(connection, 'sock', None))

    def error(self, method, url):
        """The failure of an attempt whose deadline passed: for a write, an unknown outcome."""
        return TransportError('{0} {1}: no complete answer within the timeout of {2:g} s'.format(method, _without_query(url), self.seconds),
                              ambiguous=method != 'GET', in_flight=True)


# The deadline of the attempt each thread is sending, and which attempt holds each connection.
_current = threading.local()
_owners = weakref.WeakKeyDictionary()
_owners_lock = threading.Lock()


def _shut_down(sock):
    if sock is None:
        return
    try:
        # The plain socket's shutdown, also under TLS: the reading thread still owns the TLS state.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except (OSError, ValueError):
        pass


class _Watched:
    """A connection pool that tells the sending thread's ``Deadline`` which connection it lent."""

    def _get_conn(self, timeout=None):
        connection = super(_Watched, self)._get_conn(timeout)
        deadline = getattr(_current, 'deadline', None)
        if deadline is not None:
            deadline.watch(connection)
        return connection

    def _put_conn(self, conn):
        if conn is not None:
            with _owners_lock:
                _owners.pop(conn, None)
        super(_Watched, self)._put_conn(conn)


class _WatchedHTTPPool(_Watched, HTTPConnectionPool):
    pass


class _WatchedHTTPSPool(_Watched, HTTPSConnectionPool):
    pass


class _WatchedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super(_WatchedAdapter, self).init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {'http': _WatchedHTTPPool, 'https': _WatchedHTTPSPool}


class DeadlinePassed(Exception):
    """The answer was still coming in when the attempt's deadline passed."""


class AnswerTooLarge(Exception):
    """The answer is larger than ``MAX_ANSWER_BYTES``; ``declared``: its Content-Length, if that
    told."""

    def __init__(self, declared=None):
        super(AnswerTooLarge, self).__init__(declared)
        self.declared = declared


def read_body(response, deadline):
    """Read the whole answer into ``response`` (its ``content``, ``text`` and ``json()`` then work
    as usual), checking its size and ``deadline`` as it comes; the rest of a too large answer is
    never read."""
    declared = _content_length(response)
    if declared is not None and declared > MAX_ANSWER_BYTES:
        raise AnswerTooLarge(declared)
    body = bytearray()
    for chunk in response.iter_content(READ_CHUNK):
        body += chunk
        if len(body) > MAX_ANSWER_BYTES:
            raise AnswerTooLarge()
        if deadline.passed():
            break
    # The deadline's shutdown can end a body early without an error: what was read is not the answer.
    if deadline.passed():
        raise DeadlinePassed()
    response._content = bytes(body)


def _content_length(response):
    try:
        return int(response.headers.get('Content-Length'))
    except (TypeError, ValueError):
        return None


def too_large_error(method, url, response, declared):
    """An answer too large to read: for a write, the outcome is unknown."""
    what = 'Content-Length: {0} bytes, not read'.format(declared) if declared is not None else 'the rest not read'
    return VendorError('{0} {1}: HTTP {2}: answer larger than {3}, the most this collection reads ({4})'.format(
        method, _without_query(url), response.status_code, _size(MAX_ANSWER_BYTES), what), status=response.status_code, unreadable=True)


def _size(count):
    return '{0:g} MiB'.format(count / 1048576.0) if count >= 1048576 else '{0} bytes'.format(count)


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


def _basic_auth_bytes(auth):
    """requests encodes Basic credentials given as text in Latin-1, which cannot carry every
    password (a euro sign makes it raise); UTF-8, the charset RFC 7617 lets servers announce and
    what they expect today, carries any."""
    if isinstance(auth, tuple):
        return tuple(part.encode('utf-8') if isinstance(part, str) else part for part in auth)
    return auth


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


def request_failure(method, url, exc, deadline):
    """The ``TransportError`` of a request that failed before its answer began."""
    if not deadline.passed() or isinstance(exc, requests.exceptions.ConnectTimeout) or _is_refused(exc):
        return transport_error(method, url, exc)
    if isinstance(exc, requests.exceptions.SSLError):
        # The deadline cut the TLS handshake short, which no request follows; retried where safe,
        # as every TLS failure is.
        return TransportError('could not connect to {0}: no TLS handshake within the timeout of {1:g} s'.format(
            _without_query(url), deadline.seconds), retryable=method == 'GET')
    return deadline.error(method, url)


def broken_answer_error(method, url, exc):
    """The connection broke while the answer came in: the request arrived, so a write's outcome is
    unknown."""
    return TransportError('{0} {1}: the answer broke off: {2}'.format(method, _without_query(url), _short(exc)), ambiguous=method != 'GET')


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
