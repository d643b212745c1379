# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei CEC CC-iSales outbound campaigns (``/rest/isales/v1/openapi/campaigns/{vdnId}``).

* ``GET .../campaigns/{vdnId}?status=0&curPage=1&rowsPerPage=100`` -> envelope + ``data`` (list) + ``total``.
  ``status`` is optional (0 = all); ``curPage`` (>= 1) and ``rowsPerPage`` (1-100) are required.
* ``GET .../campaigns/{vdnId}/{campaignId}`` -> envelope + ``data`` (the record), or the record's
  fields at the top level when the setting ``isales_record_at_top_level`` is on.
* ``PUT .../campaigns/{vdnId}/{campaignId}/pause`` (from 2 only) and ``.../resume`` (from 3 only).

Every answer except an authentication failure (HTTP 401) is HTTP 200 with
``{"resultCode", "resultDesc", "returnCode", "returnDesc"}``; success is ``0200000``.
Status codes: 1 draft (the real code is unknown), 2 executing, 3 suspended, 4 completed.
"""

import re
from urllib.parse import unquote

from ..signing import verify_authorization
from .base import DIGITS, REASONS, Route, Vendor

SUCCESS = "0200000"
PARAM_ERROR = "0200001"
DB_ERROR = "0200006"
NOT_FOUND = "0200007"
CANNOT_SUSPEND = "0200011"
CANNOT_RESUME = "0200012"

MESSAGES = {
    DB_ERROR: "Database operation error.",
    NOT_FOUND: "The outbound campaign does not exist.",
    CANNOT_SUSPEND: "The outbound campaign in the current status cannot be suspended.",
    CANNOT_RESUME: "The outbound campaign in the current status cannot be resumed.",
}

# action -> (status it may start from, resulting status, refusal code)
ACTIONS = {
    "pause": (2, 3, CANNOT_SUSPEND),
    "resume": (3, 2, CANNOT_RESUME),
}

VDN = re.compile(r"^[0-9]{1,4}$")


def envelope(code, desc=""):
    """The Huawei result envelope."""
    return {"resultCode": code, "resultDesc": desc, "returnCode": code, "returnDesc": desc}


class ISales(Vendor):
    """Huawei CC-iSales."""

    name = "isales"
    prefixes = ("/rest/isales/v1/openapi/campaigns",)
    id_key = "campaignId"
    numeric_ids = True
    content_type = "application/json;charset=UTF-8"

    def route(self, request):
        parts = self.segments(request.path)
        if len(parts) == 1:
            return Route("list", None, vdn=parts[0])
        if len(parts) == 2:
            return Route("read", parts[1], vdn=parts[0])
        if len(parts) == 3:
            return Route("action", parts[1], vdn=parts[0], action=parts[2])
        return Route("not_found")

    def http_error(self, status, message=None):
        return self.json(status, {"error_code": str(status), "error_msg": message or REASONS.get(status, "Error")})

    def auth_failure(self, state, request):
        """None when the AK/SK signature is valid, else the reason."""
        creds = state.credentials.get(self.name, {})
        keys = {}
        if creds.get("access_key"):
            keys[creds["access_key"]] = creds.get("secret_key", "")
        return verify_authorization(
            request.header("Authorization"), keys, request.method, unquote(request.path), request.query_pairs,
            request.header("Content-Type", ""), request.header("Host", ""))

    def unauthorized(self, state, request):
        return self.http_error(401, "Authentication failed.")

    def business_error(self, state):
        return self.json(200, envelope(DB_ERROR, MESSAGES[DB_ERROR]))

    def handle(self, state, request, route):
        reason = self.auth_failure(state, request)
        if reason is not None:
            return self.http_error(401, "Authentication failed: %s." % reason)
        if route.op == "not_found" or (route.op == "action" and route.params["action"] not in ACTIONS):
            return self.http_error(404)
        expected = "PUT" if route.op == "action" else "GET"
        if request.method != expected:
            return self.http_error(405)
        vdn = route.params["vdn"]
        if not VDN.match(vdn) or not 1 <= int(vdn) <= 9999:
            return self.json(200, envelope(PARAM_ERROR, "Parameter error: vdnId must be an integer from 1 to 9999."))
        vdn = int(vdn)
        if route.op == "list":
            return self._list(state, request, vdn)
        if not DIGITS.match(route.campaign_id):
            return self.json(200, envelope(PARAM_ERROR, "Parameter error: campaignId must be an integer."))
        if route.op == "read":
            return self._read(state, vdn, route.campaign_id)
        return self._act(state, vdn, route.campaign_id, route.params["action"])

    def _find(self, state, vdn, campaign_id):
        record = self.find(state, campaign_id)
        if record is None or int(record.get("vdnId", 1)) != vdn:
            return None
        return record

    def _list(self, state, request, vdn):
        values = {}
        for name, required, low, high in (("status", False, 0, None), ("curPage", True, 1, None), ("rowsPerPage", True, 1, 100)):
            raw = request.query.get(name)
            if raw is None or raw == "":
                if required:
                    return self.json(200, envelope(PARAM_ERROR, "Parameter error: %s is empty." % name))
                values[name] = 0
                continue
            if not DIGITS.match(raw) or int(raw) < low or (high is not None and int(raw) > high):
                limit = "from %d to %d" % (low, high) if high else "at least %d" % low
                return self.json(200, envelope(PARAM_ERROR, "Parameter error: %s must be an integer %s." % (name, limit)))
            values[name] = int(raw)
        with state.lock:
            records = [dict(r) for r in self.campaigns(state) if int(r.get("vdnId", 1)) == vdn]
        if values["status"]:
            records = [r for r in records if r.get("status") == values["status"]]
        first = (values["curPage"] - 1) * values["rowsPerPage"]
        body = envelope(SUCCESS)
        body["data"] = records[first:first + values["rowsPerPage"]]
        body["total"] = len(records)
        return self.json(200, body)

    def _read(self, state, vdn, campaign_id):
        with state.lock:
            record = self._find(state, vdn, campaign_id)
            if record is None:
                return self.json(200, envelope(NOT_FOUND, MESSAGES[NOT_FOUND]))
            record = dict(record)
            top_level = state.settings["isales_record_at_top_level"]
        body = envelope(SUCCESS)
        if top_level:
            for key, value in record.items():
                body.setdefault(key, value)
        else:
            body["data"] = record
        return self.json(200, body)

    def _act(self, state, vdn, campaign_id, action):
        source, target, refusal = ACTIONS[action]
        with state.lock:
            record = self._find(state, vdn, campaign_id)
            if record is None:
                return self.json(200, envelope(NOT_FOUND, MESSAGES[NOT_FOUND]))
            if record.get("status") != source:
                return self.json(200, envelope(refusal, MESSAGES[refusal]))
            record["status"] = target
        return self.json(200, envelope(SUCCESS))

    def generate(self, campaign_id, index, spec):
        return {
            "vdnId": spec.get("vdnId", 1),
            "campaignId": campaign_id,
            "campaignName": "Generated iSales campaign %d" % index,
            "status": spec.get("status", 2),
            "beginDate": "2025-01-01",
            "endDate": "2026-12-31",
            "callerNo": "4008000000",
        }
