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

Nothing here knows the HTTP server; ``server.py`` turns sockets into ``Request``
objects and ``Response`` objects back into bytes.
"""

import copy
import json
import math
import threading
import time

# The settings a test may change through ``POST /_sim/settings``; ``reset`` restores these.
DEFAULT_SETTINGS = {
    "wolkvox_success_http_status": 200,
    "eightbyeight_post_405": False,
    # 8x8's OpenAPI documents the status write's 200 with no body; its guide shows a message.
    "eightbyeight_status_message": False,
    # An Ocamba that answers its default view whatever ``fields`` asks (the view is not documented).
    "ocamba_ignore_fields": False,
    "ocamba_limits": {"per_second": 10, "per_minute": 150},
    "wolkvox_max_in_flight": 2,
    # Volt MX cloud takes no Basic auth: false refuses it with 401, like the cloud.
    "voltmx_basic_auth": True,
    # Campaign calls each claims token from the login is good for before it answers 401 (expired); null: no limit.
    "voltmx_token_max_uses": None,
}

PROVIDERS = ("voltmx", "isales", "ocamba", "wolkvox", "8x8")

FAULT_KINDS = (
    "http_500", "http_502", "http_503", "http_504", "http_429", "http_401",
    "slow", "reset_before", "reset_after", "malformed_json", "html_error",
    "wolkvox_403_concurrency", "business_error", "refused", "bad_request", "moved",
)

FAULT_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

REDACTED_HEADERS = ("authorization", "wolkvox-token", "x-voltmx-authorization")


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

    def redacted_headers(self):
        """Request headers as a dict, with credentials replaced by ``<redacted>``."""
        result = {}
        for key, value in self.headers:
            result[key] = "<redacted>" if key.lower() in REDACTED_HEADERS else value
        return result


class Response:
    """What a handler answers.

    ``status`` is None together with ``reset=True`` when the connection must be
    dropped without an answer.
    """

    def __init__(self, status, body=b"", headers=None, reset=False):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.reset = reset

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


class SimState:
    """All mutable simulator state, behind one re-entrant lock."""

    def __init__(self, seed, base_latency_ms=0):
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
            for provider in PROVIDERS:
                self.campaigns[provider] = copy.deepcopy(seed_campaigns.get(provider, []))
            self.settings = copy.deepcopy(DEFAULT_SETTINGS)
            self.latency = {"*": self.base_latency_ms} if self.base_latency_ms else {}
            self.faults = []
            self.log = []
            self.seq = 0
            self.ocamba_limiter.clear()
            # Tokens issued by a vendor's login endpoint (Volt MX claims tokens): token -> its record.
            self.sessions = {}

    def replace_campaigns(self, provider, records):
        """Replace every campaign of one provider."""
        if provider not in PROVIDERS:
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
        """Merge new settings after validating them."""
        if not isinstance(values, dict):
            raise AdminError("settings must be a JSON object")
        with self.lock:
            new = copy.deepcopy(self.settings)
            for key, value in values.items():
                if key not in DEFAULT_SETTINGS:
                    raise AdminError("unknown setting %r" % (key,))
                if isinstance(DEFAULT_SETTINGS[key], bool):
                    if not isinstance(value, bool):
                        raise AdminError("%s must be a boolean" % key)
                    new[key] = value
                elif key == "wolkvox_success_http_status":
                    if value not in (200, 202) or isinstance(value, bool):
                        raise AdminError("wolkvox_success_http_status must be 200 or 202")
                    new[key] = value
                elif key == "wolkvox_max_in_flight":
                    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                        raise AdminError("wolkvox_max_in_flight must be an integer >= 1")
                    new[key] = value
                elif key == "voltmx_token_max_uses":
                    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
                        raise AdminError("voltmx_token_max_uses must be an integer >= 1 or null (no limit)")
                    new[key] = value
                else:
                    if not isinstance(value, dict):
                        raise AdminError("ocamba_limits must be an object")
                    for lname, lvalue in value.items():
                        if lname not in ("per_second", "per_minute"):
                            raise AdminError("unknown ocamba limit %r" % (lname,))
                        if lvalue is not None and (not isinstance(lvalue, int) or isinstance(lvalue, bool) or lvalue < 1):
                            raise AdminError("ocamba limits must be integers >= 1 or null (unlimited)")
                        new[key][lname] = lvalue
                    self.ocamba_limiter.clear()
            self.settings = new
            return copy.deepcopy(new)

    def setting(self, name):
        """Read one setting."""
        with self.lock:
            return copy.deepcopy(self.settings[name])

    # ------------------------------------------------------------------ latency
    def set_latency(self, provider, ms):
        """Set the added latency of one provider (or ``*`` for all)."""
        if provider != "*" and provider not in PROVIDERS:
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
    @staticmethod
    def _fault(spec):
        """Validate one fault specification; returns the normalised fault."""
        if not isinstance(spec, dict):
            raise AdminError("a fault must be a JSON object")
        unknown = set(spec) - {"provider", "kind", "count", "method", "retry_after", "delay_s", "status"}
        if unknown:
            raise AdminError("unknown fault fields: %s" % ", ".join(sorted(unknown)))
        provider = spec.get("provider")
        if provider != "*" and provider not in PROVIDERS:
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
        delay_s = spec.get("delay_s", 5.0)
        if isinstance(delay_s, bool) or not isinstance(delay_s, (int, float)) or delay_s < 0:
            raise AdminError("delay_s must be a number >= 0")
        if (kind == "moved") != ("status" in spec):
            raise AdminError("status (the vendor's native status the campaign moves to) goes with, and only with, a moved fault")
        return {"provider": provider, "kind": kind, "count": count, "method": method,
                "retry_after": str(spec.get("retry_after", "1")), "delay_s": float(delay_s), "status": spec.get("status")}

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
                "started": time.monotonic(),
                "finished": None,
                "headers": request.redacted_headers(),
            }
            self.log.append(entry)
            return entry

    def log_finish(self, entry, status, fault):
        """Close a log entry."""
        with self.lock:
            entry["status"] = status
            entry["fault"] = fault
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
