# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei CEC CC-iSales outbound campaigns (``/rest/isales/v1/openapi/campaigns/{vdnId}``).

Every shape below follows Huawei's CEC API reference; each handler names its page.

* ``GET .../campaigns/{vdnId}?status=&deviceType=&curPage=&rowsPerPage=`` ("Querying All Outbound
  Campaigns") -> envelope + ``curPage``, ``totalSize``, ``rowsPerPage``, ``curSkillQueueCount``,
  ``curIvrCount`` and ``data``, whose rows carry exactly the fields of Huawei's example (``id``,
  ``name``, ``status``, ``strBeginTime``, ``strEndTime``, ``deviceType``, ``callerNo``). All four
  parameters are mandatory (a missing one: ``0200001``, "parameter error, the detail in
  resultDesc"); ``status`` 0/2/3/4 and ``deviceType`` 0/1/2/3/5/6 (0 = all); ``curPage`` below 1
  is corrected to 1; ``rowsPerPage`` at most 100.
* ``GET .../campaigns/{vdnId}/{campaignId}`` ("Querying Details About an Outbound Campaign") ->
  envelope + ``returnObject`` (``id``, ``name``, ``description``, ``status``, ``strBeginTime``,
  ``strEndTime``, ``deviceType``, ``callerNo``, ``maxAlertingTime`` as in Huawei's example; the
  page's field table does not list ``id``, so the client does not rely on it).
* ``PUT .../{campaignId}/pause`` ("Suspending an Outbound Campaign", from 2 only) and
  ``.../resume`` ("Resuming an Outbound Campaign", from 3 only); a campaign in another status:
  ``0200011`` (published on both pages).

Every answer except an authentication failure (HTTP 401) is HTTP 200 with
``{"resultCode", "resultDesc", "returnCode", "returnDesc"}``; success is ``0200000``.
Status codes: 2 started, 3 suspended, 4 completed (the list page); the seed also holds a 1, the
code Huawei's own list example shows without documenting it.

Records are kept in the read shape plus ``vdnId``, the simulator's own association of a
campaign with its VDN (never sent).
"""

import re
from urllib.parse import unquote

from ..signing import verify_authorization
from .base import DIGITS, REASONS, Route, Vendor

SUCCESS = "0200000"
PARAM_ERROR = "0200001"
DB_ERROR = "0200006"
NOT_FOUND = "0200007"
WRONG_STATUS = "0200011"

MESSAGES = {
    DB_ERROR: "Database operation error.",
    NOT_FOUND: "The outbound campaign does not exist.",
}

# action -> (status it may start from, resulting status, refusal code, refusal description).
# "Suspending an Outbound Campaign" and "Resuming an Outbound Campaign" both publish 0200011.
ACTIONS = {
    "pause": (2, 3, WRONG_STATUS, "The outbound campaign in the current status cannot be suspended."),
    "resume": (3, 2, WRONG_STATUS, "The outbound campaign in the current status cannot be resumed."),
}

# "Querying All Outbound Campaigns", Table 1: the mandatory query parameters and their values.
LIST_STATUSES = (0, 2, 3, 4)
DEVICE_TYPES = (0, 1, 2, 3, 5, 6)
MAX_ROWS_PER_PAGE = 100
# The fields of one ``data`` row in the example of "Querying All Outbound Campaigns".
LIST_FIELDS = ("id", "name", "status", "strBeginTime", "strEndTime", "deviceType", "callerNo")
# Device types by kind, for curSkillQueueCount and curIvrCount (Table 1 of the same page).
SKILL_QUEUE_TYPES = (2, 5, 6)
IVR_TYPES = (1, 3)
# Simulator-only fields of a stored record, never part of an answer.
PRIVATE_FIELDS = ("vdnId",)

VDN = re.compile(r"^[0-9]{1,4}$")


def envelope(code, desc=""):
    """The Huawei result envelope."""
    return {"resultCode": code, "resultDesc": desc, "returnCode": code, "returnDesc": desc}


class ISales(Vendor):
    """Huawei CC-iSales."""

    name = "isales"
    prefixes = ("/rest/isales/v1/openapi/campaigns",)
    id_key = "id"
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

    def refused(self, state):
        # The "refused" fault does not know the action: Huawei's 0200011 with the pause wording
        # ("Suspending an Outbound Campaign"; the resume page uses the same code).
        return self.json(200, envelope(WRONG_STATUS, ACTIONS["pause"][3]))

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

    @staticmethod
    def _row(record):
        """A stored record as one ``data`` row of the list answer."""
        return {key: record.get(key) for key in LIST_FIELDS}

    def _list(self, state, request, vdn):
        """Shape from Huawei's page "Querying All Outbound Campaigns"; all four parameters are mandatory (Table 1)."""
        values = {}
        for name in ("status", "deviceType", "curPage", "rowsPerPage"):
            raw = request.query.get(name)
            if raw is None or raw == "":
                return self.json(200, envelope(PARAM_ERROR, "Parameter error: %s is mandatory and empty." % name))
            if not re.match(r"^-?[0-9]+$", raw):
                return self.json(200, envelope(PARAM_ERROR, "Parameter error: %s must be an integer." % name))
            values[name] = int(raw)
        if values["status"] not in LIST_STATUSES:
            return self.json(200, envelope(PARAM_ERROR, "Parameter error: status must be 0 (all), 2, 3 or 4."))
        if values["deviceType"] not in DEVICE_TYPES:
            return self.json(200, envelope(PARAM_ERROR, "Parameter error: deviceType must be 0 (all), 1, 2, 3, 5 or 6."))
        if not 1 <= values["rowsPerPage"] <= MAX_ROWS_PER_PAGE:
            return self.json(200, envelope(PARAM_ERROR, "Parameter error: rowsPerPage must be from 1 to %d." % MAX_ROWS_PER_PAGE))
        # "If the input value is less than 1, the system automatically changes the value to 1."
        values["curPage"] = max(values["curPage"], 1)
        with state.lock:
            records = [self._row(r) for r in self.campaigns(state) if int(r.get("vdnId", 1)) == vdn]
        if values["status"]:
            records = [r for r in records if r.get("status") == values["status"]]
        if values["deviceType"]:
            records = [r for r in records if r.get("deviceType") == values["deviceType"]]
        first = (values["curPage"] - 1) * values["rowsPerPage"]
        body = envelope(SUCCESS)
        body["curPage"] = values["curPage"]
        body["totalSize"] = len(records)
        body["rowsPerPage"] = values["rowsPerPage"]
        body["data"] = records[first:first + values["rowsPerPage"]]
        body["curSkillQueueCount"] = sum(1 for r in records if r.get("deviceType") in SKILL_QUEUE_TYPES)
        body["curIvrCount"] = sum(1 for r in records if r.get("deviceType") in IVR_TYPES)
        return self.json(200, body)

    def _read(self, state, vdn, campaign_id):
        """Shape from Huawei's page "Querying Details About an Outbound Campaign" (its example): ``returnObject``."""
        with state.lock:
            record = self._find(state, vdn, campaign_id)
            if record is None:
                return self.json(200, envelope(NOT_FOUND, MESSAGES[NOT_FOUND]))
            record = {key: value for key, value in record.items() if key not in PRIVATE_FIELDS}
        body = envelope(SUCCESS)
        body["returnObject"] = record
        return self.json(200, body)

    def _act(self, state, vdn, campaign_id, action):
        """Shape from Huawei's pages "Suspending an Outbound Campaign" / "Resuming an Outbound Campaign": envelope only."""
        source, target, refusal, description = ACTIONS[action]
        with state.lock:
            record = self._find(state, vdn, campaign_id)
            if record is None:
                return self.json(200, envelope(NOT_FOUND, MESSAGES[NOT_FOUND]))
            if record.get("status") != source:
                return self.json(200, envelope(refusal, description))
            record["status"] = target
        return self.json(200, envelope(SUCCESS))

    def generate(self, campaign_id, index, spec):
        return {
            "vdnId": spec.get("vdnId", 1),
            "id": int(campaign_id),
            "name": "Generated iSales campaign %d" % index,
            "description": None,
            "status": spec.get("status", 2),
            "strBeginTime": "2025-01-01 00:00:00",
            "strEndTime": "2026-12-31 23:59:59",
            "deviceType": spec.get("deviceType", 2),
            "callerNo": "4008000000",
            "maxAlertingTime": 20,
        }
