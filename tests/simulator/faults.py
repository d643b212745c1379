# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How an injected fault turns into an answer.

Faults are queued through ``POST /_sim/faults`` and fire, in order, for the vendor
requests they match (provider, optional method), one per request, until their count
is used up. Most kinds answer instead of processing the request. The others process it
(a write is applied) with the answer delayed, lost or spoiled:

========================  ==================================  =====================================
kind                      the request is processed            the answer
========================  ==================================  =====================================
``slow``                  after ``delay_s``                   then, normally
``slow_answer``           at once                             after ``delay_s``
``late_apply``            after ``delay_s``                   never: the connection is then dropped
``hang``                  never                               never: dropped after ``delay_s``
``reset_after``           at once                             never: the connection is dropped
``trickle``               at once                             one byte every ``interval_s``
``oversized``             at once                             200 with ``size_bytes`` of JSON instead
``moved``                 at once, after someone else moved   normally
                          the campaign to ``status``
========================  ==================================  =====================================

A ``/_sim/reset`` while a delayed request waits cancels it: the request is dropped unprocessed,
so a late write never lands in the campaigns of the next test.
"""

import time

from .core import Response

TRUNCATED_JSON = b'{"total": 1, "items": [{"id": "1", "status": "runn'

HTML_502 = (
    b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    b"<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)

PLAIN_STATUS = {"http_500": 500, "http_502": 502, "http_503": 503, "http_504": 504}

# The padding of an oversized answer: valid JSON of the exact size asked, written in chunks so
# that the simulator never holds it in memory.
PADDING_HEAD = b'{"padding": "'
PADDING_TAIL = b'"}'
PADDING_CHUNK = 64 * 1024


def _dropped():
    return Response(None, reset=True)


def _after_delay(state, fault, then):
    """``then()`` after ``delay_s``, unless the simulator was reset meanwhile (then the request
    is dropped unprocessed)."""
    epoch = state.epoch
    time.sleep(fault["delay_s"])
    if state.epoch != epoch:
        return _dropped()
    return then()


def _dropped_after(process):
    process()
    return _dropped()


def _answer_later(response, delay_s):
    time.sleep(delay_s)
    return response


def padding_chunks(size):
    """Valid JSON of exactly ``size`` bytes (at least the braces and key), chunk by chunk."""
    fill = max(0, size - len(PADDING_HEAD) - len(PADDING_TAIL))
    yield PADDING_HEAD
    while fill > 0:
        step = min(fill, PADDING_CHUNK)
        yield b"x" * step
        fill -= step
    yield PADDING_TAIL


def oversized_answer(vendor, fault):
    size = max(fault["size_bytes"], len(PADDING_HEAD) + len(PADDING_TAIL))
    response = Response(200, b"", [("Content-Type", vendor.content_type)])
    response.stream = padding_chunks(size)
    response.length = size if fault["content_length"] else None
    return response


def apply_fault(state, vendor, wolkvox, fault, request, route, process):
    """Return the ``Response`` that ``fault`` gives for ``request``; ``process()`` has the vendor
    handle it (a write is applied) and returns its answer. ``wolkvox`` shapes the concurrency 403."""
    kind = fault["kind"]
    if kind == "slow":
        return _after_delay(state, fault, process)
    if kind == "slow_answer":
        return _answer_later(process(), fault["delay_s"])
    if kind == "late_apply":
        return _after_delay(state, fault, lambda: _dropped_after(process))
    if kind == "hang":
        time.sleep(fault["delay_s"])
        return _dropped()
    if kind == "trickle":
        response = process()
        response.pace_s = fault["interval_s"]
        return response
    if kind == "oversized":
        process()
        return oversized_answer(vendor, fault)
    if kind == "reset_before":
        return _dropped()
    if kind == "reset_after":
        return _dropped_after(process)
    if kind == "moved":
        with state.lock:
            record = vendor.find(state, route.campaign_id)
            if record is not None:
                record["status"] = fault["status"]
        return process()
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
