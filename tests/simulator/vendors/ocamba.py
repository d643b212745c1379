# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ocamba Hood push campaigns (``/v1/hood/campaigns``).

* ``GET /v1/hood/campaigns/{id}`` -> ``{"total": 1, "items": [record]}``; unknown id: 404.
* ``GET /v1/hood/campaigns?fields=...&page=N,M&sort=...&q=...&status=...`` -> ``{"total": N, "items": [...]}``.
  ``page=N,M`` follows Ocamba's documentation: N is the page number (from 1), M the items per
  page (default 10, at most 1000). Ocamba's "List campaigns" page says the list returns "the 10
  last created campaigns ... in the default view" and that ``fields`` selects the fields; it does
  not say the default view carries ``status``, so this simulator's default view leaves it out
  (``DEFAULT_VIEW``) and only ``fields=...,status`` brings it. An unknown field answers 400. ``sort`` takes comma-separated fields with an optional ``-``
  (default ``-create_time``: the last created first, as Ocamba does); ``q`` searches name and
  description; ``status`` filters with Ocamba's ``eq:``/``neq:``/``in:``/``nin:`` operators.
* ``POST /{id}/pause`` ``{"reason": str}`` from running/scheduled -> paused.
* ``POST /{id}/resume`` with exactly one of ``{"run_immediately": 1}`` (-> running) or
  ``{"scheduled_time": "YYYY-MM-DD HH:MM:SS"}`` (-> scheduled), from paused.
* ``POST /{id}/cancel`` ``{"reason": str}`` from running/scheduled/paused -> canceled (final).

Success of a write is 204 with ``Content-Type: application/json`` and no body. Errors are
``{"code", "title", "message", "trace_id"}`` (500 has no ``message``); a refused transition is 400.

Rate limits per token (the ``Authorization`` value): fixed windows of 1 s and 60 s, limits from
the setting ``ocamba_limits`` (default 10 and 150). A window opens with the first request
after the previous one ended. Over the limit: 429 with ``Retry-After`` (whole seconds to the end
of the exhausted window, at least 1). Every answer carries ``X-RateLimit-Limit``,
``X-RateLimit-Remaining`` and ``X-RateLimit-Reset`` (seconds to the window end) of the window
with the fewest requests left.
"""

import datetime
import hmac
import re

from ..core import AdminError, Response
from .base import REASONS, SAFE_ID, Vendor, new_trace_id

TITLES = {
    400: "Bad request.",
    401: "Unauthorized.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    429: "Too many requests.",
    500: "Internal server error.",
    502: "Bad gateway.",
    503: "Service unavailable.",
    504: "Gateway timeout.",
}

BODY_INVALID = "The request body is not valid."
SCHEDULED_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$")
SORTABLE = ("id", "name", "status", "next_run_time", "run_counter", "create_time", "update_time")
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 10
# The strictest reading of "the default view": nothing Ocamba does not promise, so no status.
DEFAULT_VIEW = ("id", "name", "create_time", "update_time")
LISTABLE_FIELDS = ("id", "company_id", "name", "description", "status", "send_strategy", "scheduled_time",
                   "next_run_time", "run_counter", "was_launched", "create_time", "update_time")

# action -> (statuses it may start from, refusal message)
ACTIONS = {
    "pause": (("running", "scheduled"), "Only campaign in status 'running' or 'scheduled' can be paused."),
    "resume": (("paused",), "Only campaign in status 'paused' can be resumed."),
    "cancel": (("running", "scheduled", "paused"), "Only campaign in status 'running', 'scheduled' or 'paused' can be canceled."),
}


def error_body(status, message=None):
    """Ocamba's error JSON (no ``message`` for 500)."""
    body = {"code": status, "title": TITLES.get(status, REASONS.get(status, "Error") + ".")}
    if status != 500:
        body["message"] = message or REASONS.get(status, "Error")
    body["trace_id"] = new_trace_id()
    return body


def _reason_ok(body):
    return isinstance(body, dict) and set(body) == {"reason"} and isinstance(body["reason"], str)


def _resume_target(body):
    """The status a resume body leads to, or None when the body is not valid."""
    if not isinstance(body, dict) or len(body) != 1:
        return None
    if "run_immediately" in body:
        value = body["run_immediately"]
        if isinstance(value, int) and not isinstance(value, bool) and value == 1:
            return "running"
        return None
    value = body.get("scheduled_time")
    if not isinstance(value, str) or not SCHEDULED_TIME.match(value):
        return None
    try:
        datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return "scheduled"


def _status_filter(expression):
    """A predicate on a status word from Ocamba's filter syntax, or None when invalid."""
    operator, sep, value = expression.partition(":")
    if not sep:
        operator, value = "eq", expression
    values = [v for v in value.split(",") if v]
    tests = {
        "eq": lambda s: s == value,
        "neq": lambda s: s != value,
        "in": lambda s: s in values,
        "nin": lambda s: s not in values,
    }
    return tests.get(operator)


class Ocamba(Vendor):
    """Ocamba Hood."""

    name = "ocamba"
    prefixes = ("/v1/hood/campaigns",)
    settings = {
        # An Ocamba that answers its default view whatever ``fields`` asks (the view is not documented).
        "ocamba_ignore_fields": False,
        "ocamba_limits": {"per_second": 10, "per_minute": 150},
    }

    def setting_value(self, name, value, current):
        if name != "ocamba_limits":
            return super().setting_value(name, value, current)
        if not isinstance(value, dict):
            raise AdminError("ocamba_limits must be an object")
        limits = dict(current)
        for lname, lvalue in value.items():
            if lname not in ("per_second", "per_minute"):
                raise AdminError("unknown ocamba limit %r" % (lname,))
            if lvalue is not None and (not isinstance(lvalue, int) or isinstance(lvalue, bool) or lvalue < 1):
                raise AdminError("ocamba limits must be integers >= 1 or null (unlimited)")
            limits[lname] = lvalue
        return limits

    def settings_changed(self, state, names):
        if "ocamba_limits" in names:
            state.ocamba_limiter.clear()

    def route(self, request):
        return self.collection_route(request)

    def http_error(self, status, message=None):
        return self.json(status, error_body(status, message))

    def _token(self, request):
        return request.header("Authorization", "") or ""

    def decorate(self, state, request, response):
        if any(k.lower() == "x-ratelimit-limit" for k, _v in response.headers):
            return
        with state.lock:
            _allowed, headers, _retry = state.ocamba_limiter.check(self._token(request), state.settings["ocamba_limits"], consume=False)
        for key, value in headers:
            response.set_header(key, value)

    def unauthorized(self, state, request):
        return self.http_error(401, "The access token is missing or invalid.")

    def business_error(self, state):
        return self.http_error(500)

    def refused(self, state):
        return self.http_error(400, ACTIONS["pause"][1])

    def bad_request(self, state):
        # The one 400 Ocamba's own pages show (the seed's "Cancel a Campaign").
        return self.http_error(400, BODY_INVALID)

    def authorized(self, state, request):
        """True when the bearer token is one of the seeded ones."""
        creds = state.credentials.get(self.name, {})
        tokens = [creds.get("token")] + list(creds.get("extra_tokens", []))
        header = self._token(request)
        if not header[:7].lower() == "bearer ":
            return False
        given = header[7:].strip()
        return any(token and hmac.compare_digest(given, token) for token in tokens)

    def handle(self, state, request, route):
        with state.lock:
            allowed, headers, retry_after = state.ocamba_limiter.check(self._token(request), state.settings["ocamba_limits"])
        if not allowed:
            response = self.http_error(429, "Rate limit exceeded.")
            response.set_header("Retry-After", retry_after)
        else:
            response = self._dispatch(state, request, route)
        for key, value in headers:
            response.set_header(key, value)
        return response

    def _dispatch(self, state, request, route):
        if not self.authorized(state, request):
            return self.unauthorized(state, request)
        if route.op == "not_found" or (route.op == "action" and route.params["action"] not in ACTIONS):
            return self.http_error(404, "The requested resource was not found.")
        expected = "POST" if route.op == "action" else "GET"
        if request.method != expected:
            return self.http_error(405, "The method is not allowed for this resource.")
        if route.op == "list":
            return self._list(state, request)
        if not SAFE_ID.match(route.campaign_id):
            return self.http_error(404, "Campaign not found.")
        if route.op == "read":
            with state.lock:
                record = self.find(state, route.campaign_id)
                if record is None:
                    return self.http_error(404, "Campaign not found.")
                return self.json(200, {"total": 1, "items": [dict(record)]})
        return self._act(state, request, route.campaign_id, route.params["action"])

    def _list(self, state, request):
        page, size = 1, DEFAULT_PAGE_SIZE
        raw_page = request.query.get("page")
        if raw_page is not None:
            pieces = raw_page.split(",")
            if len(pieces) > 2 or not all(p.isdigit() for p in pieces) or int(pieces[0]) < 1:
                return self.http_error(400, "The page parameter is not valid.")
            page = int(pieces[0])
            if len(pieces) == 2:
                size = int(pieces[1])
                if not 1 <= size <= MAX_PAGE_SIZE:
                    return self.http_error(400, "The page parameter is not valid.")
        sort_fields = [f for f in request.query.get("sort", "-create_time").split(",") if f]
        if not all(f.lstrip("-") in SORTABLE for f in sort_fields):
            return self.http_error(400, "The sort parameter is not valid.")
        predicate = None
        if "status" in request.query:
            predicate = _status_filter(request.query["status"])
            if predicate is None:
                return self.http_error(400, "The status parameter is not valid.")
        fields = [f for f in request.query.get("fields", "").split(",") if f] or list(DEFAULT_VIEW)
        if not all(f in LISTABLE_FIELDS for f in fields):
            return self.http_error(400, "The fields parameter is not valid.")
        if state.setting("ocamba_ignore_fields"):
            fields = list(DEFAULT_VIEW)
        query = request.query.get("q", "").lower()
        with state.lock:
            records = [dict(r) for r in self.campaigns(state)]
        if query:
            records = [r for r in records if query in str(r.get("name", "")).lower() or query in str(r.get("description", "")).lower()]
        if predicate is not None:
            records = [r for r in records if predicate(r.get("status"))]
        records.sort(key=lambda r: str(r.get("id")))
        for field in reversed(sort_fields):
            key = field.lstrip("-")
            records.sort(key=lambda r, k=key: (r.get(k) is None, str(r.get(k, ""))), reverse=field.startswith("-"))
        first = (page - 1) * size
        rows = [dict((f, r.get(f)) for f in fields) for r in records[first:first + size]]
        return self.json(200, {"total": len(records), "items": rows})

    def _act(self, state, request, campaign_id, action):
        body = request.json if request.json_valid else None
        if action == "resume":
            target = _resume_target(body)
        else:
            target = "paused" if action == "pause" else "canceled"
            if not _reason_ok(body):
                target = None
        allowed, refusal = ACTIONS[action]
        with state.lock:
            record = self.find(state, campaign_id)
            if record is None:
                return self.http_error(404, "Campaign not found.")
            if target is None:
                return self.http_error(400, BODY_INVALID)
            if record.get("status") not in allowed:
                return self.http_error(400, refusal)
            record["status"] = target
            if action == "resume" and target == "scheduled":
                record["scheduled_time"] = body["scheduled_time"]
            record["update_time"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        return Response(204, b"", [("Content-Type", "application/json")])

    def generate(self, campaign_id, index, spec):
        stamp = datetime.datetime(2025, 1, 1) + datetime.timedelta(seconds=index)
        return {
            "id": campaign_id,
            "company_id": "1000000",
            "name": "Generated Ocamba campaign %d" % index,
            "description": "Generated by the simulator",
            "status": spec.get("status", "running"),
            "send_strategy": "manual",
            "scheduled_time": None,
            "create_time": stamp.strftime("%Y-%m-%d %H:%M:%S"),
            "update_time": stamp.strftime("%Y-%m-%d %H:%M:%S"),
        }
