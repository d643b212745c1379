# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bounds of one request: ``timeout`` from connect to the answer's last byte, and a size
limit on the answer.

The deadline tests need a real socket: a trickling answer blocks a read inside the socket layer,
where only the deadline's timer can end it. They use a server on the loopback interface that
trickles for far longer than the test's timeout, so they take about one timeout each."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import io
import os
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests
import responses

from ansible_collections.campaignops.campaigns.plugins.module_utils import _http
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import TransportError, VendorError

URL = 'https://api.example.com/v1/things/7'
TIMEOUT = 0.4
# A trickling answer that would take this long; every test must end far sooner.
TRICKLE_SECONDS = 30.0


class Server:
    """An HTTP server on the loopback interface: ``answer(sock)`` writes the answer to each
    request; ``requests`` counts the requests, ``connections`` the connections."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = 0
        self.connections = 0
        self.listener = socket.socket()
        self.listener.bind(('127.0.0.1', 0))
        self.listener.listen(8)
        self.url = 'http://127.0.0.1:{0}/v1/things/7'.format(self.listener.getsockname()[1])
        self.threads = []
        self._start(self._accept)

    def _start(self, target, *args):
        thread = threading.Thread(target=target, args=args)
        thread.daemon = True
        thread.start()
        self.threads.append(thread)

    def _accept(self):
        while True:
            try:
                sock, _address = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            self._start(self._serve, sock)

    def _serve(self, sock):
        reader = sock.makefile('rb')
        try:
            while self._read_request(reader):
                self.requests += 1
                self.answer(sock)
        except OSError:
            pass
        finally:
            reader.close()
            sock.close()

    @staticmethod
    def _read_request(reader):
        length = 0
        line = reader.readline()
        if not line:
            return False
        while line not in (b'\r\n', b''):
            if line.lower().startswith(b'content-length:'):
                length = int(line.split(b':', 1)[1])
            line = reader.readline()
        reader.read(length)
        return True

    def close(self):
        """Stop, and wait for the threads: a later test forks, which threads must not outlive."""
        # Closing alone does not wake a thread blocked in accept().
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        for thread in self.threads:
            thread.join(TRICKLE_SECONDS)


@pytest.fixture
def serve():
    servers = []

    def start(answer):
        servers.append(Server(answer))
        return servers[-1]
    yield start
    for server in servers:
        server.close()


def trickled(sock):
    """An answer whose headers come at once and whose body then comes a byte at a time."""
    sock.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n')
    trickle(sock, b' ' * 100000)


def trickled_from_the_status_line(sock):
    """An answer that comes a byte at a time from its first byte on."""
    trickle(sock, b'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}')


def trickle(sock, data):
    """Send ``data`` a byte every 50 ms, until the client hangs up or TRICKLE_SECONDS pass."""
    ends = time.monotonic() + TRICKLE_SECONDS
    for position in range(len(data)):
        if time.monotonic() > ends:
            return
        sock.sendall(data[position:position + 1])
        time.sleep(0.05)


def quick(sock):
    sock.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n{"ok": true}')


def client(timeout=TIMEOUT, retries=0, sleeps=None):
    sleeps = [] if sleeps is None else sleeps
    return _http.HttpClient(timeout=timeout, retry=_http.RetryPolicy(retries=retries, sleep=sleeps.append))


def timed_failure(http, method, url):
    started = time.monotonic()
    with pytest.raises(TransportError) as caught:
        http.request(method, url, json_body={'status': 'PAUSED'} if method != 'GET' else None)
    return caught.value, time.monotonic() - started


# ----- the deadline ----------------------------------------------------------------------------

@pytest.mark.parametrize('method', ['POST', 'PUT'])
def test_a_trickling_answer_to_a_write_ends_at_the_timeout_with_an_unknown_outcome(serve, method):
    server = serve(trickled)
    error, elapsed = timed_failure(client(), method, server.url)
    assert elapsed < 10 * TIMEOUT
    assert error.message == '{0} {1}: no complete answer within the timeout of {2:g} s'.format(method, server.url, TIMEOUT)
    assert error.ambiguous is True
    assert error.details['in_flight'] is True
    # Sent once: a write whose outcome is unknown is never sent again.
    assert server.requests == 1


def test_a_trickling_answer_to_a_read_is_retried_like_a_read_timeout(serve):
    server = serve(trickled)
    sleeps = []
    error, elapsed = timed_failure(client(retries=1, sleeps=sleeps), 'GET', server.url)
    assert elapsed < 20 * TIMEOUT
    assert error.message == 'GET {0}: no complete answer within the timeout of {1:g} s'.format(server.url, TIMEOUT)
    assert error.ambiguous is False
    assert error.retryable is True
    assert server.requests == 2
    assert len(sleeps) == 1


def test_the_deadline_covers_the_status_line_and_headers(serve):
    server = serve(trickled_from_the_status_line)
    error, elapsed = timed_failure(client(), 'POST', server.url)
    assert elapsed < 10 * TIMEOUT
    assert 'no complete answer within the timeout' in error.message
    assert error.ambiguous is True


def test_answers_within_the_deadline_keep_the_connection_alive(serve):
    server = serve(quick)
    http = client(timeout=5.0)
    started = time.monotonic()
    answers = [http.request('GET', server.url).json() for _request in range(5)]
    assert answers == [{'ok': True}] * 5
    # Each request's deadline timer is cancelled when the answer is complete, never left to fire.
    assert time.monotonic() - started < 5.0
    assert server.connections == 1
    http.close()


def refused():
    return requests.exceptions.ConnectionError('HTTPConnectionPool: Max retries exceeded (Caused by NewConnectionError: '
                                               '[Errno 111] Connection refused)')


@pytest.mark.parametrize('failure, message, ambiguous, retryable', [
    # Never sent: what ended at the deadline was the connection being made.
    (requests.exceptions.ConnectTimeout('timed out'), 'could not connect to {url}: timed out', False, True),
    (requests.exceptions.SSLError('EOF occurred in violation of protocol'),
     'could not connect to {url}: no TLS handshake within the timeout of 0.4 s', False, False),
    (refused(), 'could not connect to {url}: Connection refused', False, True),
    # Sent, and the deadline cut the answer short.
    (requests.exceptions.ConnectionError('Connection aborted'), 'POST {url}: no complete answer within the timeout of 0.4 s', True, True),
    (requests.exceptions.ReadTimeout('Read timed out'), 'POST {url}: no complete answer within the timeout of 0.4 s', True, True),
])
def test_what_failed_at_the_deadline_decides_whether_a_write_may_have_been_sent(failure, message, ambiguous, retryable):
    deadline = _http.Deadline(TIMEOUT)
    deadline.fired = True
    error = _http.request_failure('POST', URL, failure, deadline)
    assert (error.message, error.ambiguous, error.retryable) == (message.format(url=URL), ambiguous, retryable)


def test_a_passed_deadline_shuts_down_the_connection_its_attempt_holds():
    connection = FakeConnection()
    with _http.Deadline(0.05) as deadline:
        deadline.watch(connection)
        assert eventually(lambda: deadline.fired)
    assert connection.was_shut_down()


def test_a_passed_deadline_leaves_a_connection_given_back_to_the_pool_alone():
    # The answer was read to its end, so urllib3 gave the connection back; another request may
    # already be using it when the timer fires.
    connection = FakeConnection()
    with _http.Deadline(0.05) as deadline:
        deadline.watch(connection)
        _http._WatchedHTTPPool('127.0.0.1', 9)._put_conn(connection)
        assert eventually(lambda: deadline.fired)
    assert not connection.was_shut_down()


def eventually(condition, seconds=10.0):
    ends = time.monotonic() + seconds
    while not condition() and time.monotonic() < ends:
        time.sleep(0.01)
    return condition()


class FakeConnection:
    """A pooled connection, as far as the deadline sees it: its socket."""

    def __init__(self):
        self.sock, self.peer = socket.socketpair()

    def close(self):
        pass

    def was_shut_down(self):
        self.sock.setblocking(False)
        try:
            return self.sock.recv(1) == b''
        except BlockingIOError:
            return False


# ----- the size limit --------------------------------------------------------------------------

@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(_http, 'MAX_ANSWER_BYTES', 1024)
    monkeypatch.setattr(_http, 'READ_CHUNK', 100)


def test_the_limit_is_far_above_any_real_answer():
    # A page of 100 campaigns is a few kilobytes.
    assert _http.MAX_ANSWER_BYTES == 16 * 1024 * 1024


@pytest.mark.parametrize('size', [0, 1, 1024])
def test_answers_up_to_the_limit_are_read_whole(rsps, small_limit, size):
    rsps.add(responses.GET, URL, status=200, body=b'7' * size)
    response = _http.HttpClient(retry=_http.RetryPolicy(retries=0)).request('GET', URL)
    assert response.content == b'7' * size
    assert response.text == '7' * size


@pytest.mark.parametrize('method', ['GET', 'POST'])
def test_a_larger_answer_fails_clearly_without_being_read_to_its_end(rsps, small_limit, method):
    body = Counted(b'x' * 100000)
    rsps.add(method, URL, status=200, body=body.reader)
    with pytest.raises(VendorError) as caught:
        _http.HttpClient(retry=_http.RetryPolicy(retries=0)).request(method, URL)
    assert caught.value.message == '{0} {1}: HTTP 200: answer larger than 1024 bytes, the most this collection reads (the rest not read)'.format(
        method, URL)
    # Unreadable: for a write the outcome is unknown, so the converger reads the campaign back.
    assert caught.value.ambiguous is True
    assert caught.value.details == dict(status=200, unreadable=True)
    assert body.read_so_far <= 1024 + 2 * 100
    # Not retried: the same answer would come again.
    assert len(rsps.calls) == 1


def test_a_declared_size_above_the_limit_is_refused_before_reading(rsps):
    body = Counted(b'{}')
    rsps.add(responses.GET, URL, status=200, body=body.reader, headers={'Content-Length': str(300 * 1000 * 1000)})
    with pytest.raises(VendorError) as caught:
        _http.HttpClient(retry=_http.RetryPolicy(retries=0)).request('GET', URL)
    assert caught.value.message == (
        'GET {0}: HTTP 200: answer larger than 16 MiB, the most this collection reads (Content-Length: 300000000 bytes, not read)'.format(URL))
    assert body.read_so_far == 0


class Counted(io.RawIOBase):
    """A response body that counts the bytes read from it (``reader``: the body to answer)."""

    def __init__(self, data):
        super(Counted, self).__init__()
        self.data = data
        self.read_so_far = 0
        self.reader = io.BufferedReader(self, buffer_size=100)

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self.data[self.read_so_far:self.read_so_far + len(buffer)]
        buffer[:len(chunk)] = chunk
        self.read_so_far += len(chunk)
        return len(chunk)


# ----- memory ----------------------------------------------------------------------------------

MEMORY_CLIENT = """
import resource, sys
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import HttpClient, RetryPolicy
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import VendorError
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    HttpClient(retry=RetryPolicy(retries=0)).request('GET', sys.argv[1])
except VendorError as exc:
    print(exc)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
"""


def three_hundred_megabytes(sock):
    # No Content-Length: only reading tells the size.
    sock.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n')
    megabyte = b' ' * (1024 * 1024)
    for _megabyte in range(300):
        sock.sendall(megabyte)


def test_a_300_mb_answer_keeps_the_memory_of_the_process_bounded(serve):
    server = serve(three_hundred_megabytes)
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    output = subprocess.check_output([sys.executable, '-c', MEMORY_CLIENT, server.url], env=environment).decode('utf-8').splitlines()
    assert 'answer larger than 16 MiB' in output[0]
    # ru_maxrss is in KiB on Linux: the peak grew by about the 16 MiB read, not by 300 MB.
    assert int(output[1]) < 64 * 1024


def test_basic_auth_carries_any_password_as_utf8(http, rsps):
    rsps.add(responses.GET, 'https://vendor.example.com/x', json={})
    http.request('GET', 'https://vendor.example.com/x', auth=('tenant', 'pa\u20acss'))
    expected = base64.b64encode('tenant:pa\u20acss'.encode('utf-8')).decode('ascii')
    assert rsps.calls[0].request.headers['Authorization'] == 'Basic ' + expected
