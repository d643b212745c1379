# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Base class of the simulated vendors.

A vendor is a small object: which paths it owns, how it parses them into a
route (operation + campaign id), how it answers, how its errors look so
injected faults can be shaped like the real thing, and which settings a test
may change.
"""

import base64
import binascii
import re
import uuid

from ..core import AdminError, json_response

SAFE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
DIGITS = re.compile(r"^[0-9]+$")

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def parse_basic(header):
    """``(user, password)`` from an ``Authorization: Basic`` value, or None."""
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if ":" not in decoded:
        return None
    user, password = decoded.split(":", 1)
    return user, password


def new_trace_id():
    """A fresh trace id (uuid4 text)."""
    return str(uuid.uuid4())


class Route:
    """The parsed meaning of a vendor path."""

    def __init__(self, op, campaign_id=None, **params):
        self.op = op
        self.campaign_id = campaign_id
        self.params = params


class Vendor:
    """Default behaviour shared by every simulated vendor."""

    name = ""
    prefixes = ()
    id_key = "id"
    content_type = "application/json"
    # Settings a test may change through ``POST /_sim/settings``: name -> default, which
    # ``/_sim/reset`` restores. Each name starts with its vendor's prefix, so none collide.
    settings = {}
    # Request headers (lower case) that carry this vendor's credentials: the request log redacts them.
    secret_headers = ()

    def matches(self, path):
        """True when this vendor owns ``path``."""
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)

    def segments(self, path):
        """The path segments after this vendor's prefix (one trailing slash ignored)."""
        for prefix in self.prefixes:
            if path == prefix or path.startswith(prefix + "/"):
                rest = path[len(prefix):]
                if rest.endswith("/"):
                    rest = rest[:-1]
                return rest[1:].split("/") if rest else []
        return []

    def collection_route(self, request):
        """Routes of a REST collection: list, read one, ``{id}/{action}``."""
        parts = self.segments(request.path)
        if not parts:
            return Route("list")
        if len(parts) == 1:
            return Route("read", parts[0])
        if len(parts) == 2:
            return Route("action", parts[0], action=parts[1])
        return Route("not_found")

    def route(self, request):
        """Parse the request path (and query) into a ``Route``."""
        raise NotImplementedError

    def setting_value(self, name, value, current):  # pylint: disable=unused-argument
        """The new value of this vendor's setting ``name`` (now ``current``), or ``AdminError``.

        A setting whose default is a boolean takes booleans; a vendor checks its other settings itself."""
        if isinstance(self.settings[name], bool) and not isinstance(value, bool):
            raise AdminError("%s must be a boolean" % name)
        return value

    def settings_changed(self, state, names):  # pylint: disable=unused-argument
        """Called with ``state.lock`` held once the settings ``names`` of this vendor changed."""

    def before(self, state, request):  # pylint: disable=unused-argument
        """Hook run before latency and faults; returns ``(response or None, release callable or None)``."""
        return None, None

    def handle(self, state, request, route):
        """Answer one request."""
        raise NotImplementedError

    def is_write(self, request, route):  # pylint: disable=unused-argument
        """Whether the request log counts this call as a write (every non-GET, unless a vendor says otherwise)."""
        return request.method != "GET"

    def decorate(self, state, request, response):
        """Add vendor headers to any answer (including injected faults)."""

    def json(self, status, obj, headers=None):
        """A JSON answer with this vendor's content type."""
        return json_response(status, obj, self.content_type, headers)

    def http_error(self, status, message=None):
        """A vendor-shaped error body for a plain HTTP failure."""
        return self.json(status, {"message": message or REASONS.get(status, "Error")})

    def unauthorized(self, state, request):  # pylint: disable=unused-argument
        """The vendor's answer to bad or missing credentials."""
        return self.http_error(401, "Unauthorized")

    def business_error(self, state):  # pylint: disable=unused-argument
        """The vendor's own business failure."""
        return self.http_error(500, "Internal server error")

    def refused(self, state):  # pylint: disable=unused-argument
        """The vendor's answer to a call the campaign's status does not allow."""
        return self.http_error(400, "Invalid request format")

    def bad_request(self, state):  # pylint: disable=unused-argument
        """The vendor's answer to a request it cannot parse."""
        return self.http_error(400, "Invalid request format")

    # ------------------------------------------------------------------ campaigns
    def campaigns(self, state):
        """The live list of campaign records (call with ``state.lock`` held)."""
        return state.campaigns[self.name]

    def find(self, state, campaign_id):
        """The live record of one campaign or None (call with ``state.lock`` held)."""
        for record in self.campaigns(state):
            if str(record.get(self.id_key)) == str(campaign_id):
                return record
        return None

    def used_ids(self, state):
        """Every campaign id of this vendor (text)."""
        return {str(record.get(self.id_key)) for record in self.campaigns(state)}

    def generate(self, campaign_id, index, spec):
        """Build one generated campaign record."""
        raise NotImplementedError

    numeric_ids = False

    def generate_many(self, state, spec):
        """Append ``spec["count"]`` generated campaigns; returns their ids."""
        count = spec.get("count", 1)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0 or count > 100000:
            raise ValueError("count must be an integer from 0 to 100000")
        with state.lock:
            used = self.used_ids(state)
            ids = []
            number = 100000 if self.numeric_ids else 1
            while len(ids) < count:
                candidate = str(number) if self.numeric_ids else "gen-%s-%d" % (self.name, number)
                if candidate not in used:
                    ids.append(candidate)
                number += 1
            records = [self.generate(cid, position + 1, spec) for position, cid in enumerate(ids)]
            state.add_campaigns(self.name, records)
        return ids
