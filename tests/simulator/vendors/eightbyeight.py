# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""8x8 Contact Center dynamic campaigns.

* ``GET /api/stats/campaigns/{id}.json`` (Basic tenant:data token) -> ``{"campaign": {...}}``.
* ``POST /api/tstats/campaigns/{id}`` (Basic tenant:action token, ``PATCH`` accepted too)
  with ``{"status": "RUNNING"|"PAUSED"|"PURGED"|"STOPPED"}`` -> 200 with no body, as 8x8's
  OpenAPI file (``../shared/vendor-specs/8x8_dynamic_campaigns.openapi.json``, response "200: The
  campaign status has changed.") documents it; with the setting ``eightbyeight_status_message``
  the body is ``{"message": "Campaign status changed."}``, as 8x8's "CC Managing Campaign Status"
  guide shows it.

Using the action token to read or the data token to write answers 401. Ids are digits;
anything else or an unknown id answers 404. Write checks, in order: not a dynamic campaign
(400), not enabled (400), already stopped (5, 6, 7: 500 ``Internal server error``), transition
not in 8x8's state machine (400 ``Invalid state transition``). With the setting
``eightbyeight_post_405`` a POST answers 405 so a client's PATCH fallback can be tested.
"""

import datetime
import hmac

from ..core import Response
from .base import DIGITS, Route, Vendor, parse_basic

# target -> numeric statuses it may be reached from (8x8's state machine)
TRANSITIONS = {
    "RUNNING": (0, 8, 9, 10, 11),
    "PAUSED": (1, 2, 3, 4),
    "PURGED": (8, 9),
    "STOPPED": (1, 2, 3, 4, 8, 9, 10, 11),
}
RESULT = {"RUNNING": 3, "PAUSED": 8, "PURGED": 10, "STOPPED": 5}
STOPPED = (5, 6, 7)


class EightByEight(Vendor):
    """8x8 Contact Center."""

    name = "8x8"
    prefixes = ("/api/stats/campaigns", "/api/tstats/campaigns")
    id_key = "campaign-id"
    numeric_ids = True
    settings = {
        "eightbyeight_post_405": False,
        # 8x8's OpenAPI documents the status write's 200 with no body; its guide shows a message.
        "eightbyeight_status_message": False,
    }

    def route(self, request):
        parts = self.segments(request.path)
        if request.path.startswith("/api/stats/"):
            if len(parts) == 1 and parts[0].endswith(".json"):
                return Route("read", parts[0][:-5])
            return Route("not_found")
        if len(parts) == 1:
            return Route("write", parts[0])
        return Route("not_found")

    def refused(self, state):
        # 8x8's OpenAPI example "InvalidStateTransition".
        return self.json(400, {"message": "Invalid state transition"})

    def authorized(self, state, request, token_name):
        """True when Basic auth carries the tenant and the named token."""
        creds = state.credentials.get(self.name, {})
        pair = parse_basic(request.header("Authorization"))
        if pair is None or not creds.get(token_name):
            return False
        return hmac.compare_digest(pair[0], creds.get("username", "")) and hmac.compare_digest(pair[1], creds[token_name])

    def handle(self, state, request, route):
        if route.op == "write" and request.method == "POST" and state.setting("eightbyeight_post_405"):
            return self.json(405, {"message": "Method Not Allowed"}, [("Allow", "PATCH")])
        token_name = "data_token" if request.method == "GET" else "action_token"
        if not self.authorized(state, request, token_name):
            return self.unauthorized(state, request)
        if route.op == "not_found":
            return self.http_error(404, "The campaign cannot be found.")
        if route.op == "read":
            if request.method != "GET":
                return self.http_error(405)
            return self._read(state, route.campaign_id)
        if request.method not in ("POST", "PATCH"):
            return self.http_error(405)
        return self._write(state, request, route.campaign_id)

    def _read(self, state, campaign_id):
        with state.lock:
            record = self.find(state, campaign_id) if DIGITS.match(campaign_id) else None
            if record is None:
                return self.http_error(404, "The campaign cannot be found.")
            return self.json(200, {"campaign": dict(record)})

    def _write(self, state, request, campaign_id):
        body = request.json if request.json_valid else None
        target = body.get("status") if isinstance(body, dict) else None
        with state.lock:
            record = self.find(state, campaign_id) if DIGITS.match(campaign_id) else None
            if record is None:
                return self.http_error(404, "The campaign cannot be found.")
            if record.get("dynamic-campaign") != "Y":
                return self.json(400, {"message": "Not a dynamic campaign"})
            if record.get("enabled") != "Y":
                return self.json(400, {"message": "The campaign is not enabled."})
            current = record.get("status")
            if current in STOPPED:
                return self.json(500, {"message": "Internal server error"})
            if not isinstance(target, str) or target not in TRANSITIONS or current not in TRANSITIONS[target]:
                return self.json(400, {"message": "Invalid state transition"})
            record["status"] = RESULT[target]
            stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S+00:00")
            if target == "RUNNING":
                record["actual-run-time"] = stamp
            elif target == "STOPPED":
                record["actual-stop-time"] = stamp
        if state.setting("eightbyeight_status_message"):
            return self.json(200, {"message": "Campaign status changed."})
        return Response(200, b"", [])

    def generate(self, campaign_id, index, spec):
        return {
            "campaign-name": "Generated 8x8 campaign %d" % index,
            "campaign-id": int(campaign_id),
            "enabled": spec.get("enabled", "Y"),
            "status": spec.get("status", 3),
            "no-of-records": 0,
            "caller-id": 13125550000,
            "queue-id": 598,
            "start-time": "",
            "end-time": "",
            "actual-run-time": "",
            "actual-stop-time": "",
            "daily-start-time": "",
            "daily-end-time": "",
            "retry-interval": 30,
            "max-retry": 1,
            "abandon-max-retry": "",
            "max-ring-time": 15,
            "integration-type": "contactual",
            "calling-window": 2,
            "schedule-name": "",
            "timezone": "EST5EST",
            "dynamic-campaign": spec.get("dynamic-campaign", "Y"),
            "sequential": "N",
        }
