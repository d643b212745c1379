# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Wolkvox dialer campaigns (``/api/v2/information.php`` and ``/api/v2/campaign.php``).

* ``GET /api/v2/information.php?api=campaigns`` -> ``{"code": 200, "error": null, "msg": ..., "data": [rows]}``.
* ``PUT /api/v2/campaign.php?api=start|stop&type_campaign=preview|predictive&campaign_id=ID``
  -> ``{"code": 202, "error": null, "msg": "The ID campaign_id has been started successfully"}``
  with HTTP 200 (or 202 with the setting ``wolkvox_success_http_status``).

Errors use the envelope ``{"code": 4xx, "error": "...", "msg": "...", "data": null}``:
401 ``PLEASE ENTER THE WOLKVOX-TOKEN`` (no token), 403 ``PLEASE VALIDATE TOKEN`` (wrong token),
403 ``EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)`` (a third request of one token
while two are in flight, latency included), 400 ``THE API YOU WANT TO CONSULT DOES NOT EXIST``
(unknown ``api=``, unknown script or wrong method), 400 ``SOME PARAMETERS ARE REQUIRED``.
Start from Started, stop from Stopped, an unknown campaign or a ``type_campaign`` that does not
match the campaign answer 400 (the texts of those messages are the simulator's own).
"""

import hmac

from ..core import AdminError
from .base import REASONS, SAFE_ID, Route, Vendor

NO_TOKEN = "PLEASE ENTER THE WOLKVOX-TOKEN"
BAD_TOKEN = "PLEASE VALIDATE TOKEN"
NO_API = "THE API YOU WANT TO CONSULT DOES NOT EXIST"
MISSING = "SOME PARAMETERS ARE REQUIRED"
CONCURRENCY = "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (%d)"
UNKNOWN_CAMPAIGN = "THE CAMPAIGN DOES NOT EXIST"
BAD_TYPE = "THE TYPE_CAMPAIGN IS NOT VALID FOR THIS CAMPAIGN"
TYPES = ("preview", "predictive")

# api -> (status it may start from, resulting status, refusal, past participle)
ACTIONS = {
    "start": ("Stopped", "Started", "THE CAMPAIGN IS ALREADY STARTED", "started"),
    "stop": ("Started", "Stopped", "THE CAMPAIGN IS ALREADY STOPPED", "stopped"),
}


class Wolkvox(Vendor):
    """Wolkvox."""

    name = "wolkvox"
    prefixes = ("/api/v2",)
    id_key = "campaign_id"
    settings = {
        "wolkvox_success_http_status": 200,
        "wolkvox_max_in_flight": 2,
    }
    secret_headers = ("wolkvox-token",)

    def setting_value(self, name, value, current):
        if name == "wolkvox_success_http_status":
            if value not in (200, 202) or isinstance(value, bool):
                raise AdminError("wolkvox_success_http_status must be 200 or 202")
            return value
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise AdminError("wolkvox_max_in_flight must be an integer >= 1")
        return value

    def route(self, request):
        parts = self.segments(request.path)
        script = parts[0] if len(parts) == 1 else None
        if script == "information.php":
            return Route("information", None, api=request.query.get("api"))
        if script == "campaign.php":
            return Route("campaign", request.query.get("campaign_id"), api=request.query.get("api"))
        return Route("not_found")

    def error(self, status, error, msg=None):
        """A Wolkvox error envelope."""
        return self.json(status, {"code": status, "error": error, "msg": msg or error, "data": None})

    def http_error(self, status, message=None):
        text = message or REASONS.get(status, "Error")
        return self.error(status, text.upper(), text)

    def bad_request(self, state):
        return self.error(400, "SOME PARAMETERS ARE REQUIRED")

    def concurrency_error(self, state):
        """The 403 of a third simultaneous request."""
        return self.error(403, CONCURRENCY % state.setting("wolkvox_max_in_flight"))

    def unauthorized(self, state, request):
        if not request.header("wolkvox-token"):
            return self.error(401, NO_TOKEN)
        return self.error(403, BAD_TOKEN)

    def business_error(self, state):
        return self.error(400, "THE OPERATION COULD NOT BE COMPLETED", "The operation could not be completed, try again later")

    def before(self, state, request):
        token = request.header("wolkvox-token")
        if not token:
            return None, None
        if not state.acquire_slot(token, state.setting("wolkvox_max_in_flight")):
            return self.concurrency_error(state), None
        return None, lambda: state.release_slot(token)

    def authorized(self, state, request):
        """True when the token is one of the seeded ones."""
        creds = state.credentials.get(self.name, {})
        tokens = [creds.get("token")] + list(creds.get("extra_tokens", []))
        given = (request.header("wolkvox-token") or "").strip()
        return bool(given) and any(token and hmac.compare_digest(given, token) for token in tokens)

    def handle(self, state, request, route):
        if not self.authorized(state, request):
            return self.unauthorized(state, request)
        if route.op == "not_found":
            return self.error(400, NO_API)
        api = route.params["api"]
        if not api:
            return self.error(400, MISSING)
        if route.op == "information":
            if api != "campaigns" or request.method != "GET":
                return self.error(400, NO_API)
            with state.lock:
                rows = [dict(r) for r in self.campaigns(state)]
            return self.json(200, {"code": 200, "error": None, "msg": "Successful query", "data": rows})
        if api not in ACTIONS or request.method != "PUT":
            return self.error(400, NO_API)
        campaign_id = request.query.get("campaign_id")
        campaign_type = request.query.get("type_campaign")
        if not campaign_id or not campaign_type:
            return self.error(400, MISSING)
        source, target, refusal, done = ACTIONS[api]
        with state.lock:
            record = self.find(state, campaign_id) if SAFE_ID.match(campaign_id) else None
            if record is None:
                return self.error(400, UNKNOWN_CAMPAIGN, "The %s campaign_id does not exist" % campaign_id)
            if campaign_type not in TYPES or campaign_type != record.get("type_campaign"):
                return self.error(400, BAD_TYPE, "The type_campaign %s does not match the %s campaign_id" % (campaign_type, campaign_id))
            if record.get("status") != source:
                return self.error(400, refusal, "The %s campaign_id is already %s" % (campaign_id, done))
            record["status"] = target
            http_status = state.settings["wolkvox_success_http_status"]
        return self.json(http_status, {"code": 202, "error": None, "msg": "The %s campaign_id has been %s successfully" % (campaign_id, done)})

    def generate(self, campaign_id, index, spec):
        return {
            "campaign_id": campaign_id,
            "campaign_name": "Generated Wolkvox campaign %d" % index,
            "type_campaign": spec.get("type_campaign", "preview"),
            "status": spec.get("status", "Started"),
        }
