# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HCL Volt MX Foundry Engagement Services campaigns (``/api/v1/campaigns``).

* ``GET /api/v1/campaigns?start=0&pageSize=N`` -> ``{"total": N, "campaigns": [...]}``
  (``start`` is an offset, default 0; ``pageSize`` defaults to 20).
* ``GET /api/v1/campaigns/{id}`` -> the campaign object.
* ``POST /api/v1/campaigns/{id}/start|pause|resume|terminate`` -> ``{"id": ..., "message": ...}``.

Auth: ``Authorization: Basic`` with the seeded user, or ``X-VoltMX-Authorization``
with the seeded claims token; anything else answers 401.
"""

import hmac

from .base import SAFE_ID, Vendor, parse_basic

INVALID_ID = "Invalid campaign ID provided or no campaign found with given ID"
INVALID_REQUEST = "Invalid request format"

# action -> (statuses it may start from (lower case), resulting status, success message)
ACTIONS = {
    "start": (("pending",), "Running", "Campaign execution intiated successfully. "),
    "pause": (("running",), "Paused", "Campaign execution paused successfully. "),
    "resume": (("paused",), "Running", "Campaign execution resumed successfully. "),
    "terminate": (("running", "paused", "pending"), "Terminated", "Campaign execution stopped successfully. "),
}

DEFAULT_PAGE_SIZE = 20


class VoltMX(Vendor):
    """Volt MX Engagement Services."""

    name = "voltmx"
    prefixes = ("/api/v1/campaigns",)
    content_type = "application/json;charset=UTF-8"

    def route(self, request):
        return self.collection_route(request)

    def authorized(self, state, request):
        """True when the request carries valid Volt MX credentials."""
        creds = state.credentials.get(self.name, {})
        token = request.header("X-VoltMX-Authorization")
        if token is not None and creds.get("claims_token") and hmac.compare_digest(token.strip(), creds["claims_token"]):
            return True
        pair = parse_basic(request.header("Authorization"))
        if pair is None:
            return False
        return hmac.compare_digest(pair[0], creds.get("username", "")) and hmac.compare_digest(pair[1], creds.get("password", ""))

    def unauthorized(self, state, request):
        return self.json(401, {"message": "Unauthorized request"})

    def business_error(self, state):
        return self.json(500, {"message": "Server failure to process request"})

    def handle(self, state, request, route):
        if not self.authorized(state, request):
            return self.unauthorized(state, request)
        if route.op == "list":
            if request.method != "GET":
                return self.http_error(405)
            return self._list(state, request)
        if route.op == "read":
            if request.method != "GET":
                return self.http_error(405)
            return self._read(state, route.campaign_id)
        if route.op == "action":
            action = route.params["action"]
            if action not in ACTIONS:
                return self.http_error(404)
            if request.method != "POST":
                return self.http_error(405)
            return self._act(state, route.campaign_id, action)
        return self.http_error(404)

    def _list(self, state, request):
        try:
            start = int(request.query.get("start", "0"))
            size = int(request.query.get("pageSize", str(DEFAULT_PAGE_SIZE)))
        except ValueError:
            return self.json(400, {"message": INVALID_REQUEST})
        if start < 0 or size < 1:
            return self.json(400, {"message": INVALID_REQUEST})
        with state.lock:
            records = list(self.campaigns(state))
            page = [dict(r) for r in records[start:start + size]]
        return self.json(200, {"total": len(records), "campaigns": page})

    def _read(self, state, campaign_id):
        if not SAFE_ID.match(campaign_id):
            return self.json(400, {"message": INVALID_ID})
        with state.lock:
            record = self.find(state, campaign_id)
            if record is None:
                return self.json(400, {"message": INVALID_ID})
            return self.json(200, dict(record))

    def _act(self, state, campaign_id, action):
        if not SAFE_ID.match(campaign_id):
            return self.json(400, {"message": INVALID_ID})
        allowed, target, message = ACTIONS[action]
        with state.lock:
            record = self.find(state, campaign_id)
            if record is None:
                return self.json(400, {"message": INVALID_ID})
            if str(record.get("status", "")).lower() not in allowed:
                return self.json(400, {"message": INVALID_REQUEST})
            record["status"] = target
        return self.json(200, {"id": str(campaign_id), "message": message})

    def generate(self, campaign_id, index, spec):
        return {
            "id": campaign_id,
            "name": "Generated Volt MX campaign %d" % index,
            "description": "Generated by the simulator",
            "status": spec.get("status", "Running"),
            "type": "Push",
            "startDate": "2025-01-01T00:00:00Z",
            "endDate": "2026-12-31T23:59:59Z",
        }
