# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HCL Volt MX Foundry Engagement Services campaigns (``/api/v1/campaigns``).

* ``GET /api/v1/campaigns?start=0&pageSize=N`` -> ``{"total": N, "campaigns": [...]}``
  (``start`` is an offset, default 0; ``pageSize`` defaults to 20).
* ``GET /api/v1/campaigns/{id}`` -> the campaign object.
* ``POST /api/v1/campaigns/{id}/start|pause|resume|terminate`` -> ``{"id": ..., "message": ...}``.

Auth: ``Authorization: Basic`` with the seeded user (unless the setting
``voltmx_basic_auth`` is false, as on Volt MX cloud), or ``X-VoltMX-Authorization`` with
the seeded claims token or one issued by the login; anything else answers 401.

Login (MBaaS authentication): ``POST /authService/accounts/login`` with ``userid`` and
``password`` (plus optional ``provider`` and ``domain``), as JSON or form-urlencoded. The
request and the success answer are shaped as HCL's Volt MX Engagement API guide,
"Authentication API" (section "MBaaS Authentication"), documents them: ``profile``,
``refresh_token`` and ``claims_token: {value, exp}`` with ``exp`` in epoch milliseconds.
Every login issues a fresh claims token, good for ``TOKEN_LIFETIME_MS`` and, with the
setting ``voltmx_token_max_uses``, for that many campaign calls; then it answers 401.
The guide documents no error answer for the login: a wrong or missing ``userid`` or
``password`` answers 401 with the code and message of HCL's "VoltMX Identity Service Error
Codes" (``-4``, "Invalid User Credentials") in an envelope of the simulator's own
(``opstatus``, ``message``, ``httpStatusCode``). The request log counts a login as a read
(``write: false``: it changes no campaign) and shows its ``password`` as ``<redacted>``.
"""

import hmac
import secrets
import time
from urllib.parse import parse_qsl

from ..core import AdminError
from .base import SAFE_ID, Route, Vendor, parse_basic

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

LOGIN_PATH = "/authService/accounts/login"
TOKEN_LIFETIME_MS = 3600 * 1000
# HCL "VoltMX Identity Service Error Codes": -4 FAILURE_INVALID_USER_CREDENTIALS.
INVALID_USER_CREDENTIALS = (-4, "Invalid User Credentials")


class VoltMX(Vendor):
    """Volt MX Engagement Services."""

    name = "voltmx"
    prefixes = ("/api/v1/campaigns", LOGIN_PATH)
    content_type = "application/json;charset=UTF-8"
    settings = {
        # Volt MX cloud takes no Basic auth: false refuses it with 401, like the cloud.
        "voltmx_basic_auth": True,
        # Campaign calls each claims token from the login is good for before it answers 401 (expired); null: no limit.
        "voltmx_token_max_uses": None,
    }
    secret_headers = ("x-voltmx-authorization",)

    def setting_value(self, name, value, current):
        if name != "voltmx_token_max_uses":
            return super().setting_value(name, value, current)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise AdminError("voltmx_token_max_uses must be an integer >= 1 or null (no limit)")
        return value

    def route(self, request):
        if request.path.startswith(LOGIN_PATH):
            return Route("not_found" if self.segments(request.path) else "login")
        return self.collection_route(request)

    def is_write(self, request, route):
        return route.op != "login" and request.method != "GET"

    def authorized(self, state, request):
        """True when the request carries valid Volt MX credentials."""
        creds = state.credentials.get(self.name, {})
        token = request.header("X-VoltMX-Authorization")
        if token is not None:
            token = token.strip()
            if creds.get("claims_token") and hmac.compare_digest(token, creds["claims_token"]):
                return True
            return self._use_issued_token(state, token)
        pair = parse_basic(request.header("Authorization"))
        if pair is None or not state.setting("voltmx_basic_auth"):
            return False
        return self._user_matches(creds, pair[0], pair[1])

    @staticmethod
    def _user_matches(creds, userid, password):
        def same(given, expected):
            return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))
        return same(userid, creds.get("username", "")) and same(password, creds.get("password", ""))

    @staticmethod
    def _use_issued_token(state, token):
        """Count one use of a claims token the login issued; False when unknown or expired."""
        with state.lock:
            session = state.sessions.get(token)
            if session is None or session["exp"] <= time.time() * 1000:
                return False
            if session["uses_left"] is not None:
                if session["uses_left"] < 1:
                    return False
                session["uses_left"] -= 1
            return True

    def _login(self, state, request):
        """HCL's MBaaS login: a fresh claims token for the right ``userid`` and ``password``.

        Request and answer: HCL Volt MX Engagement API guide, "Authentication API", section
        "MBaaS Authentication" (https://help.hcl-software.com/voltmx/v9.2/Foundry/engagement_api_guide/
        Content/APIs_for_VoltMX_Messaging_Services/Authentication_API.html). Error code and message:
        HCL's "VoltMX Identity Service Error Codes"; the error envelope is the simulator's own."""
        if request.method != "POST":
            return self.http_error(405)
        fields = request.json if isinstance(request.json, dict) else dict(parse_qsl(request.body.decode("utf-8", "replace")))
        creds = state.credentials.get(self.name, {})
        userid, password = fields.get("userid"), fields.get("password")
        if not isinstance(userid, str) or not isinstance(password, str) or not self._user_matches(creds, userid, password):
            code, message = INVALID_USER_CREDENTIALS
            return self.json(401, {"opstatus": code, "message": message, "httpStatusCode": 401})
        value = "voltmx-claims-" + secrets.token_urlsafe(24)
        exp = int(time.time() * 1000) + TOKEN_LIFETIME_MS
        with state.lock:
            state.sessions[value] = {"exp": exp, "uses_left": state.setting("voltmx_token_max_uses")}
        return self.json(200, {
            "profile": {"email": userid + "@example.com", "userid": userid, "firstname": "Volt", "lastname": "Admin"},
            "refresh_token": "voltmx-refresh-" + secrets.token_urlsafe(24),
            "claims_token": {"value": value, "exp": exp},
        })

    def unauthorized(self, state, request):
        return self.json(401, {"message": "Unauthorized request"})

    def business_error(self, state):
        return self.json(500, {"message": "Server failure to process request"})

    def handle(self, state, request, route):
        if route.op == "login":
            return self._login(state, request)
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
            "startDateStr": "01/01/2025 12:00:00 AM",
            "endDateStr": "12/31/2026 11:59:59 PM",
        }
