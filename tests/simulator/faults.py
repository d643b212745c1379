# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How an injected fault turns into an answer.

Faults are queued through ``POST /_sim/faults`` and fire, in order, for the vendor
requests they match (provider, optional method), one per request, until their count
is used up. All kinds answer before the request is processed, except ``slow`` (sleeps
``delay_s`` then answers normally), ``reset_after`` (applies the request, then drops
the connection without an answer) and ``moved`` (someone else changes the campaign to the
native ``status`` just before the request is processed, which then answers normally).
"""

import time

from .core import Response

TRUNCATED_JSON = b'{"total": 1, "items": [{"id": "1", "status": "runn'

HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

PLAIN_STATUS = {"http_500": 500, "http_502": 502, "http_503": 503, "http_504": 504}


def apply_fault(state, vendor, wolkvox, fault, request, route):
    """Return the ``Response`` that ``fault`` gives for ``request`` (``wolkvox`` shapes the concurrency 403)."""
    kind = fault["kind"]
    if kind == "slow":
        time.sleep(fault["delay_s"])
        return vendor.handle(state, request, route)
    if kind == "reset_before":
        return Response(None, reset=True)
    if kind == "reset_after":
        vendor.handle(state, request, route)
        return Response(None, reset=True)
    if kind == "moved":
        with state.lock:
            record = vendor.find(state, route.campaign_id)
            if record is not None:
                record["status"] = fault["status"]
        return vendor.handle(state, request, route)
    if kind == "refused":
        return vendor.refused(state)
    if kind == "bad_request":
        return vendor.bad_request(state)
    if kind in PLAIN_STATUS:
        return vendor.http_error(PLAIN_STATUS[kind])
    if kind == "http_429":
        response = vendor.http_error(429)
        response.set_header("Retry-After", fault["retry_after"])
        return response
    if kind == "http_401":
        return vendor.unauthorized(state, request)
    if kind == "malformed_json":
        return Response(200, TRUNCATED_JSON, [("Content-Type", vendor.content_type)])
    if kind == "html_error":
        return Response(502, HTML_502, [("Content-Type", "text/html; charset=utf-8")])
    if kind == "wolkvox_403_concurrency":
        return wolkvox.concurrency_error(state)
    return vendor.business_error(state)
