# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The vendor simulator: one HTTP(S) server speaking every simulated vendor's campaign API.

Paths: each module of ``vendors/`` simulates one vendor and owns the path prefixes in its
``prefixes`` (its docstring shows its calls); the prefixes of two vendors never overlap, so
everything is served on one port. The admin API is ``/_sim/...`` (``admin.py``). To list the
routes: ``python -c 'from tests.simulator.vendors import VENDORS; print([(v.name, v.prefixes) for v in VENDORS])'``.

A vendor request goes through: log entry opened -> vendor pre-check (``Vendor.before``; Wolkvox
counts in-flight requests per token there) -> latency -> the next matching injected fault, if
any (``faults.py``) -> the vendor handler -> log entry closed. Unexpected errors answer
a plain 500 JSON body, never a traceback.

Use it in-process::

    with Simulator() as sim:
        requests.get(sim.url + "/_sim/health")

or from the repository root: ``python -m tests.simulator --port 8765``.
"""

import json
import os
import shutil
import socket
import socketserver
import ssl
import struct
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from .admin import handle_admin
from .core import Request, SimState, json_response
from .faults import apply_fault
from .vendors import BY_NAME, VENDORS, vendor_for

# The bundled seed: one ``<vendor name>.json`` per vendor.
DEFAULT_SEED_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seed")
MAX_BODY = 10 * 1024 * 1024


def _read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _read_seed_directory(path):
    """One seed from ``<vendor name>.json`` files, each ``{"credentials": {...}, "campaigns": [...]}``."""
    seed = {"credentials": {}, "campaigns": {}}
    for file_name in sorted(os.listdir(path)):
        provider, extension = os.path.splitext(file_name)
        if extension != ".json":
            continue
        part = _read_json(os.path.join(path, file_name))
        if not isinstance(part, dict) or not isinstance(part.get("campaigns", []), list) or not isinstance(part.get("credentials", {}), dict):
            raise ValueError("%s must be an object with a 'credentials' object and a 'campaigns' list" % file_name)
        seed["credentials"][provider] = part.get("credentials", {})
        seed["campaigns"][provider] = part.get("campaigns", [])
    return seed


def load_seed(path=None):
    """Read a seed: a file ``{"credentials": {provider: {...}}, "campaigns": {provider: [...]}}``, or a
    directory of one ``<provider>.json`` per vendor (the bundled ``seed/``). Returns the file's shape."""
    path = path or DEFAULT_SEED_PATH
    seed = _read_seed_directory(path) if os.path.isdir(path) else _read_json(path)
    if not isinstance(seed, dict) or not isinstance(seed.get("campaigns", {}), dict) or not isinstance(seed.get("credentials", {}), dict):
        raise ValueError("a seed file must be an object with 'credentials' and 'campaigns' objects")
    return seed


class _BadRequest(Exception):
    """The request could not be read (bad framing)."""


class _Handler(BaseHTTPRequestHandler):
    """Turns HTTP requests into ``Request`` objects and answers them."""

    protocol_version = "HTTP/1.1"
    server_version = "CampaignSimulator/1.0"
    sys_version = ""
    timeout = 300

    def setup(self):
        super().setup()
        # Headers and body go out in two writes: without this, Nagle's algorithm holds the body
        # until the client's delayed ACK (~40 ms a request), which no real vendor adds.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.connection, ssl.SSLSocket):
            self.connection.do_handshake()
        self.server.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def version_string(self):
        """The ``Server`` header value."""
        return self.server_version

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the request log is available through the admin API."""

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            total = 0
            while True:
                line = self.rfile.readline(65537)
                try:
                    size = int(line.split(b";")[0].strip(), 16)
                except ValueError as exc:
                    raise _BadRequest("bad chunk size") from exc
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY:
                    raise _BadRequest("body too large")
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            size = int(length)
        except ValueError as exc:
            raise _BadRequest("bad Content-Length") from exc
        if size < 0 or size > MAX_BODY:
            raise _BadRequest("bad Content-Length")
        return self.rfile.read(size)

    def _dispatch(self):
        try:
            body = self._read_body()
        except _BadRequest as exc:
            self.close_connection = True
            self._send(json_response(400, {"message": str(exc)}))
            return
        split = urlsplit(self.path)
        query_pairs = parse_qsl(split.query, keep_blank_values=True)
        query = {}
        for key, value in query_pairs:
            query.setdefault(key, value)
        request = Request(self.command, split.path or "/", query, query_pairs, list(self.headers.items()), body, self.headers.get("Host", ""))
        try:
            if request.path == "/_sim" or request.path.startswith("/_sim/"):
                response = handle_admin(self.server.sim.state, request)
            else:
                response = self.server.sim.vendor_call(request)
        except Exception as exc:  # pylint: disable=broad-except
            sys.stderr.write("simulator: internal error on %s %s: %r\n" % (self.command, split.path, exc))
            response = json_response(500, {"message": "Internal simulator error"})
        self._send(response)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def _send(self, response):
        if response.reset:
            self.close_connection = True
            try:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            except OSError:
                pass
            self.server.mark_reset(self.connection)
            return
        if response.stream is not None:
            self._send_stream(response)
            return
        has_body = response.status != 204 and response.status >= 200
        head = self._head(response, len(response.body) if has_body else None)
        answer = head + (response.body if has_body else b"")
        if response.pace_s:
            self._trickle(answer, response.pace_s)
        else:
            self.wfile.write(answer)

    def _head(self, response, length):
        """Status line and headers, as bytes."""
        self.send_response(response.status)
        for key, value in response.headers:
            self.send_header(key, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        head = b"".join(self._headers_buffer) + b"\r\n"
        self._headers_buffer = []
        return head

    def _send_stream(self, response):
        """A body too large to hold, written as it is produced; without a length, it ends when the
        connection closes."""
        if response.length is None:
            self.close_connection = True
            response.set_header("Connection", "close")
        self.wfile.write(self._head(response, response.length))
        for chunk in response.stream:
            self.wfile.write(chunk)

    def _trickle(self, answer, pace_s):
        """The whole answer, status line included, one byte at a time: a body-less answer trickles too."""
        for index in range(len(answer)):
            self.wfile.write(answer[index:index + 1])
            time.sleep(pace_s)


class _Server(ThreadingHTTPServer):
    """Threading HTTP server with optional TLS, connection tracking and abortive closes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, sim, ssl_context=None):
        self.sim = sim
        self.ssl_context = ssl_context
        self._conn_lock = threading.Lock()
        self._connections = set()
        self._reset = set()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)

    def server_bind(self):
        """Bind without the reverse DNS lookup ``HTTPServer`` does."""
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = self.server_address[1]

    def get_request(self):
        sock, address = super().get_request()
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, address

    def track(self, sock, active):
        """Remember open connections so ``stop()`` can close them."""
        with self._conn_lock:
            if active:
                self._connections.add(sock)
            else:
                self._connections.discard(sock)

    def mark_reset(self, sock):
        """Close this connection abortively (RST) instead of a clean shutdown."""
        with self._conn_lock:
            self._reset.add(id(sock))

    def shutdown_request(self, request):
        with self._conn_lock:
            abort = id(request) in self._reset
            self._reset.discard(id(request))
        if abort:
            self.close_request(request)
        else:
            super().shutdown_request(request)

    def close_connections(self):
        """Shut every open connection down (used when stopping)."""
        with self._conn_lock:
            connections = list(self._connections)
        for sock in connections:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request, client_address):
        """One line instead of a traceback; client disconnects are normal here."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, socket.timeout, BrokenPipeError)):
            return
        sys.stderr.write("simulator: error serving %s: %r\n" % (client_address, exc))


class Simulator:
    """The vendor simulator; ``start()`` serves in a background thread.

    ``seed_path`` None uses the bundled ``seed/``. ``port`` 0 picks a free port.
    With ``https`` a CA and a server certificate are created in ``cert_dir`` (a temporary
    directory when None) and ``ca_cert_path`` points at the CA file. ``latency_ms`` is a
    base latency for every vendor call that survives ``/_sim/reset``.
    """

    def __init__(self, seed_path=None, host="127.0.0.1", port=0, https=False, cert_dir=None, latency_ms=0):
        self.seed_path = seed_path or DEFAULT_SEED_PATH
        self.host = host
        self.requested_port = port
        self.https = https
        self.cert_dir = cert_dir
        self.ca_cert_path = None
        self.state = SimState(load_seed(self.seed_path), VENDORS, latency_ms)
        self._server = None
        self._thread = None
        self._temp_dir = None

    # ------------------------------------------------------------------ lifecycle
    def start(self):
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            return self
        context = None
        if self.https:
            from .tls import create_certificates  # pylint: disable=import-outside-toplevel
            cert_dir = self.cert_dir
            if cert_dir is None:
                self._temp_dir = tempfile.mkdtemp(prefix="campaign-sim-tls-")
                cert_dir = self._temp_dir
            self.ca_cert_path, cert_path, key_path = create_certificates(cert_dir, [self.host])
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.minimum_version = ssl.TLSVersion.TLSv1_2
            context.load_cert_chain(cert_path, key_path)
        self._server = _Server((self.host, self.requested_port), self, context)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, name="campaign-simulator", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        """Stop serving and close every connection."""
        if self._server is None:
            return
        server, self._server = self._server, None
        server.shutdown()
        server.server_close()
        server.close_connections()
        self._thread.join(timeout=5)
        self._thread = None
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)
            self._temp_dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def port(self):
        """The bound port (None before ``start()``)."""
        return self._server.server_address[1] if self._server is not None else None

    @property
    def url(self):
        """Base URL, e.g. ``http://127.0.0.1:41234``."""
        host = self.host
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = "[%s]" % host
        return "%s://%s:%s" % ("https" if self.https else "http", host, self.port)

    # ------------------------------------------------------------------ in-process helpers
    def reset(self):
        """Same as ``POST /_sim/reset``."""
        self.state.reset()

    def request_log(self):
        """Same as ``GET /_sim/requests``."""
        return self.state.read_log()

    def campaign(self, provider, campaign_id):
        """A copy of one campaign record, or None."""
        vendor = BY_NAME[provider]
        with self.state.lock:
            record = vendor.find(self.state, campaign_id)
            return dict(record) if record is not None else None

    # ------------------------------------------------------------------ vendor calls
    def vendor_call(self, request):
        """Answer one vendor request (logging, latency, faults, then the vendor)."""
        state = self.state
        vendor = vendor_for(request.path)
        if vendor is None:
            entry = state.log_start(request, None, None)
            response = json_response(404, {"message": "Not Found"})
            state.log_finish(entry, 404)
            return response
        route = vendor.route(request)
        entry = state.log_start(request, vendor.name, route.campaign_id, vendor.is_write(request, route))

        def process():
            answer = vendor.handle(state, request, route)
            # Logged at once: the answer may come much later, or never.
            state.log_update(entry, applied_status=answer.status)
            return answer

        response, release = vendor.before(state, request)
        try:
            if response is None:
                latency = state.latency_for(vendor.name)
                if latency > 0:
                    time.sleep(latency)
                fault = state.take_fault(vendor.name, request.method)
                if fault is not None:
                    state.log_update(entry, fault=fault["kind"])
                    response = apply_fault(state, vendor, BY_NAME["wolkvox"], fault, request, route, process)
                else:
                    response = process()
        finally:
            if release is not None:
                release()
        if not response.reset:
            vendor.decorate(state, request, response)
        state.log_finish(entry, None if response.reset else response.status)
        return response
