# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared state and plumbing of the vendor simulator.

This module holds everything that is not specific to one vendor:

* ``Request`` / ``Response``: the small value objects the vendor handlers work with;
* ``SimState``: campaigns, settings, latency, faults, the request log and the
  per-token counters (Ocamba rate windows, Wolkvox in-flight requests), all
  guarded by one lock;
* helpers to build JSON answers.

Nothing here knows the HTTP server or lists the vendors: ``server.py`` turns sockets
into ``Request`` objects and ``Response`` objects back into bytes, and hands
``SimState`` the vendors of ``vendors/`` (their names, settings and secret headers).
"""

import copy
import json
import math
import threading
import time

FAULT_KINDS = (
    "http_500", "http_502", "http_503", "http_504", "http_429", "http_401",
    "slow", "reset_before", "reset_after", "malformed_json", "html_error",
    "wolkvox_403_concurrency", "business_error", "refused", "bad_request", "moved",
    "slow_answer", "late_apply", "hang", "trickle", "oversized",
)

FAULT_FIELDS = ("provider", "kind", "count", "method", "retry_after", "delay_s", "status", "interval_s", "size_bytes",
                "content_length")

# What an oversized answer sends unless told otherwise: the 300 MB of the report that led to it.
DEFAULT_OVERSIZED_BYTES = 300 * 1024 * 1024

FAULT_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

# Redacted in the request log for every vendor; a vendor adds its own in ``secret_headers``.
REDACTED_HEADERS = ("authorization",)


class AdminError(Exception):
    """A bad admin request; the message goes back to the caller with HTTP 400."""


class Request:
    """One vendor request as the handlers see it."""

    def __init__(self, method, path, query, query_pairs, headers, body, host):
        self.method = method
        self.path = path
        self.query = query
        self.query_pairs = query_pairs
        self.headers = headers
        self.body = body
        self.host = host
        self.json = None
        self.json_valid = False
        if body:
            try:
                self.json = json.loads(body.decode("utf-8"))
                self.json_valid = True
            except (ValueError, UnicodeDecodeError):
                self.json = None

    def header(self, name, default=None):
        """Return a request header, case-insensitively."""
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return default

    def redacted_json(self):
        """The JSON body, with a login's ``password`` replaced by ``<redacted>``."""
        if isinstance(self.json, dict) and "password" in self.json:
            return dict(self.json, password="<redacted>")
        return self.json

    def redacted_headers(self, secret_headers=REDACTED_HEADERS):
        """Request headers as a dict, those named in ``secret_headers`` (lower case) replaced by ``<redacted>``."""
        result = {}
        for key, value in self.headers:
            result[key] = "<redacted>" if key.lower() in secret_headers else value
        return result


class Response:
    """What a handler answers.

    ``status`` is None together with ``reset=True`` when the connection must be
    dropped without an answer. Faults may set ``stream`` (the body as an iterable of chunks,
    instead of ``body``) with its ``length`` (None: no Content-Length, the body ends when the
    connection closes), and ``pace_s`` (the whole answer goes out one byte every ``pace_s``).
    """

    def __init__(self, status, body=b"", headers=None, reset=False):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.reset = reset
        self.stream = None
        self.length = None
        self.pace_s = 0.0

    def set_header(self, name, value):
        """Add or replace a header."""
        self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
        self.headers.append((name, str(value)))


def json_response(status, obj, content_type="application/json", headers=None):
    """Build a ``Response`` with a JSON body."""
    body = json.dumps(obj).encode("utf-8")
    hdrs = [("Content-Type", content_type)] + list(headers or [])
    return Response(status, body, hdrs)


class OcambaLimiter:
    """Fixed-window rate counters per token (one 1 s window and one 60 s window).

    A window opens with the first request after the previous one expired, so a
    burst of requests is judged against one window whatever the wall clock says.
    Refused requests do not count.
    """

    WINDOWS = (("per_second", 1.0), ("per_minute", 60.0))

    def __init__(self):
        self._counters = {}

    def clear(self):
        """Forget every counter."""
        self._counters = {}

    def _windows(self, token, now):
        windows = self._counters.setdefault(token, {})
        for name, length in self.WINDOWS:
            start, count = windows.get(name, (None, 0))
            if start is None or now >= start + length:
                windows[name] = (now, 0)
            else:
                windows[name] = (start, count)
        return windows

    def check(self, token, limits, consume=True):
        """Count one request for ``token``.

        Returns ``(allowed, headers, retry_after)`` where headers are the
        ``X-RateLimit-*`` values of the most constrained window.
        """
        now = time.monotonic()
        windows = self._windows(token, now)
        allowed = True
        retry_after = 0
        for name, length in self.WINDOWS:
            limit = limits.get(name)
            if limit is None:
                continue
            start, count = windows[name]
            if count >= limit:
                allowed = False
                retry_after = max(retry_after, 1, math.ceil(start + length - now))
        if allowed and consume:
            for name, _length in self.WINDOWS:
                start, count = windows[name]
                windows[name] = (start, count + 1)
        candidates = []
        for name, length in self.WINDOWS:
            limit = limits.get(name)
            if limit is None:
                continue
            start, count = windows[name]
            candidates.append((max(0, limit - count), limit, max(1, math.ceil(start + length - now))))
        headers = []
        if candidates:
            remaining, limit, reset = min(candidates, key=lambda c: c[0])
            headers = [("X-RateLimit-Limit", str(limit)), ("X-RateLimit-Remaining", str(remaining)), ("X-RateLimit-Reset", str(reset))]
        return allowed, headers, retry_after


def _number(spec, name, default):
    value = spec.get(name, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise AdminError("%s must be a number >= 0" % name)
    return float(value)


class SimState:
    """All mutable simulator state, behind one re-entrant lock, for the simulated ``vendors``."""

    def __init__(self, seed, vendors, base_latency_ms=0):
        self.providers = tuple(vendor.name for vendor in vendors)
        self.default_settings = {}
        self._setting_vendor = {}
        for vendor in vendors:
            for name, default in vendor.settings.items():
                if name in self._setting_vendor:
                    raise ValueError("the setting %r is declared by %s and %s" % (name, self._setting_vendor[name].name, vendor.name))
                self.default_settings[name] = default
                self._setting_vendor[name] = vendor
        self.secret_headers = REDACTED_HEADERS + tuple(header for vendor in vendors for header in vendor.secret_headers)
        self.lock = threading.RLock()
        self.seed = copy.deepcopy(seed)
        self.credentials = copy.deepcopy(seed.get("credentials", {}))
        self.base_latency_ms = base_latency_ms
        self.campaigns = {}
        self.settings = {}
        self.latency = {}
        self.faults = []
        self.log = []
        self.seq = 0
        # Counts resets, so that a request held back by a fault can tell it belongs to an earlier test.
        self.epoch = 0
        self.ocamba_limiter = OcambaLimiter()
        self.in_flight = {}
        self.sessions = {}
        self.reset()

    # ------------------------------------------------------------------ reset/seed
    def reset(self):
        """Back to the seed: campaigns, log, faults, latency, counters and settings."""
        with self.lock:
            self.campaigns = {}
            seed_campaigns = self.seed.get("campaigns", {})
            for provider in self.providers:
                self.campaigns[provider] = copy.deepcopy(seed_campaigns.get(provider, []))
            self.settings = copy.deepcopy(self.default_settings)
            self.latency = {"*": self.base_latency_ms} if self.base_latency_ms else {}
            self.faults = []
            self.log = []
            self.seq = 0
            self.epoch += 1
            self.ocamba_limiter.clear()
            # Tokens issued by a vendor's login endpoint (Volt MX claims tokens): token -> its record.
            self.sessions = {}

    def replace_campaigns(self, provider, records):
        """Replace every campaign of one provider."""
        if provider not in self.providers:
            raise AdminError("unknown provider %r" % (provider,))
        if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
            raise AdminError("campaigns of %s must be a list of objects" % provider)
        with self.lock:
            self.campaigns[provider] = copy.deepcopy(records)

    def add_campaigns(self, provider, records):
        """Append campaigns to one provider."""
        with self.lock:
            self.campaigns[provider].extend(records)

    def snapshot_campaigns(self):
        """A deep copy of every campaign, per provider."""
        with self.lock:
            return copy.deepcopy(self.campaigns)

    # ------------------------------------------------------------------ settings
    def update_settings(self, values):
        """Merge new settings, each validated by the vendor that declares it (all or none)."""
        if not isinstance(values, dict):
            raise AdminError("settings must be a JSON object")
        with self.lock:
            new = copy.deepcopy(self.settings)
            changed = {}
            for key, value in values.items():
                vendor = self._setting_vendor.get(key)
                if vendor is None:
                    raise AdminError("unknown setting %r" % (key,))
                new[key] = vendor.setting_value(key, value, copy.deepcopy(new[key]))
                changed.setdefault(vendor, []).append(key)
            self.settings = new
            for vendor, names in changed.items():
                vendor.settings_changed(self, names)
            return copy.deepcopy(new)

    def setting(self, name):
        """Read one setting."""
        with self.lock:
            return copy.deepcopy(self.settings[name])

    # ------------------------------------------------------------------ latency
    def set_latency(self, provider, ms):
        """Set the added latency of one provider (or ``*`` for all)."""
        if provider != "*" and provider not in self.providers:
            raise AdminError("unknown provider %r" % (provider,))
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or ms < 0:
            raise AdminError("ms must be a number >= 0")
        with self.lock:
            self.latency[provider] = ms
            return dict(self.latency)

    def latency_for(self, provider):
        """Latency in seconds for one provider's calls."""
        with self.lock:
            ms = self.latency.get(provider, self.latency.get("*", 0))
        return ms / 1000.0

    # ------------------------------------------------------------------ faults
    def _fault(self, spec):
        """Validate one fault specification; returns the normalised fault."""
        if not isinstance(spec, dict):
            raise AdminError("a fault must be a JSON object")
        unknown = set(spec) - set(FAULT_FIELDS)
        if unknown:
            raise AdminError("unknown fault fields: %s" % ", ".join(sorted(unknown)))
        provider = spec.get("provider")
        if provider != "*" and provider not in self.providers:
            raise AdminError("unknown provider %r" % (provider,))
        kind = spec.get("kind")
        if kind not in FAULT_KINDS:
            raise AdminError("unknown fault kind %r (known: %s)" % (kind, ", ".join(FAULT_KINDS)))
        count = spec.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise AdminError("count must be an integer >= 1")
        method = spec.get("method")
        if method is not None:
            method = str(method).upper()
            if method not in FAULT_METHODS:
                raise AdminError("method must be one of %s or null" % ", ".join(FAULT_METHODS))
        delay_s = _number(spec, "delay_s", 5.0)
        interval_s = _number(spec, "interval_s", 1.0)
        size_bytes = spec.get("size_bytes", DEFAULT_OVERSIZED_BYTES)
        if isinstance(size_bytes, bool) or not isinstance(size_bytes, int) or size_bytes < 0:
            raise AdminError("size_bytes must be an integer >= 0")
        content_length = spec.get("content_length", True)
        if not isinstance(content_length, bool):
            raise AdminError("content_length must be true or false")
        if (kind == "moved") != ("status" in spec):
            raise AdminError("status (the vendor's native status the campaign moves to) goes with, and only with, a moved fault")
        return {"provider": provider, "kind": kind, "count": count, "method": method,
                "retry_after": str(spec.get("retry_after", "1")), "delay_s": delay_s, "status": spec.get("status"),
                "interval_s": interval_s, "size_bytes": size_bytes, "content_length": content_length}

    def add_faults(self, specs):
        """Queue faults (all or none); see ``faults.py`` for the kinds."""
        faults = [self._fault(spec) for spec in specs]
        with self.lock:
            self.faults.extend(faults)
            return copy.deepcopy(self.faults)

    def clear_faults(self):
        """Drop every queued fault."""
        with self.lock:
            self.faults = []

    def take_fault(self, provider, method):
        """Return (a copy of) the first fault matching this request and use one of its count."""
        with self.lock:
            for fault in self.faults:
                if fault["provider"] not in ("*", provider):
                    continue
                if fault["method"] is not None and fault["method"] != method:
                    continue
                fault["count"] -= 1
                if fault["count"] <= 0:
                    self.faults.remove(fault)
                return dict(fault)
        return None

    def list_faults(self):
        """The queued faults."""
        with self.lock:
            return copy.deepcopy(self.faults)

    # ------------------------------------------------------------------ request log
    def log_start(self, request, provider, campaign_id, write=None):
        """Open a log entry for a vendor request; returns the (live) entry."""
        with self.lock:
            self.seq += 1
            entry = {
                "seq": self.seq,
                "provider": provider,
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "status": None,
                "write": request.method != "GET" if write is None else write,
                "campaign_id": campaign_id,
                "body": request.redacted_json(),
                "fault": None,
                "applied_status": None,
                "started": time.monotonic(),
                "finished": None,
                "headers": request.redacted_headers(self.secret_headers),
            }
            self.log.append(entry)
            return entry

    def log_update(self, entry, **fields):
        """Record in an open log entry what is known before its answer: the ``fault`` that fired,
        the ``applied_status`` of the vendor when it processed the request."""
        with self.lock:
            entry.update(fields)

    def log_finish(self, entry, status):
        """Close a log entry: ``status`` is the answer sent (None: none)."""
        with self.lock:
            entry["status"] = status
            entry["finished"] = time.monotonic()

    def read_log(self):
        """A copy of the request log."""
        with self.lock:
            return copy.deepcopy(self.log)

    def clear_log(self):
        """Empty the request log (sequence numbers keep counting)."""
        with self.lock:
            self.log = []

    # ------------------------------------------------------------------ in-flight counting
    def acquire_slot(self, token, limit):
        """Count one more in-flight request for ``token``; False when already at ``limit``."""
        with self.lock:
            current = self.in_flight.get(token, 0)
            if current >= limit:
                return False
            self.in_flight[token] = current + 1
            return True

    def release_slot(self, token):
        """Count one in-flight request less for ``token``."""
        with self.lock:
            current = self.in_flight.get(token, 0)
            if current <= 1:
                self.in_flight.pop(token, None)
            else:
                self.in_flight[token] = current - 1
