# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator's admin API under ``/_sim/`` (no auth, JSON in and out, never logged).

=======  ==============================  =====================================================
method   path                            effect
=======  ==============================  =====================================================
GET      /_sim/health                    ``{"ok": true}``
POST     /_sim/reset                     seed campaigns back; log, faults, latency, rate
                                         counters and settings back to defaults
POST     /_sim/seed                      ``{"campaigns": {provider: [records]}}`` replaces the
                                         campaigns of each provider given; ``{"generate":
                                         {provider: {"count": N, "status": native, ...}}}``
                                         appends generated campaigns (``gen-<provider>-<n>``, or
                                         numbers from 100000 for a vendor with ``numeric_ids``)
GET      /_sim/campaigns[/P[/ID]]        current campaigns (all, one provider, one campaign)
POST     /_sim/campaigns/P/ID            merge fields into one campaign (e.g. force a status)
GET      /_sim/requests                  the request log; DELETE clears it
GET/POST /_sim/latency                   ``{"provider": name or "*", "ms": 50}``
GET/POST /_sim/settings                  each vendor's ``settings`` (``vendors/*.py``)
GET/POST /_sim/faults                    queue one fault (object) or several (list); DELETE clears
=======  ==============================  =====================================================
"""

from .core import AdminError, json_response
from .vendors import BY_NAME


def _ok(obj=None, status=200):
    body = {"ok": True}
    body.update(obj or {})
    return json_response(status, body)


def _error(status, message):
    return json_response(status, {"ok": False, "error": message})


def _body(request):
    if not request.body:
        return {}
    if not request.json_valid:
        raise AdminError("the body is not valid JSON")
    return request.json


def _seed(state, body):
    if not isinstance(body, dict):
        raise AdminError("the body must be a JSON object")
    unknown = set(body) - {"campaigns", "generate"}
    if unknown:
        raise AdminError("unknown keys: %s" % ", ".join(sorted(unknown)))
    campaigns = body.get("campaigns", {})
    generate = body.get("generate", {})
    if not isinstance(campaigns, dict) or not isinstance(generate, dict):
        raise AdminError("campaigns and generate must be objects keyed by provider")
    for provider, records in campaigns.items():
        if provider not in BY_NAME:
            raise AdminError("unknown provider %r" % (provider,))
        if not isinstance(records, list) or not all(isinstance(r, dict) and BY_NAME[provider].id_key in r for r in records):
            raise AdminError("campaigns of %s must be objects with %r" % (provider, BY_NAME[provider].id_key))
    for provider, spec in generate.items():
        if provider not in BY_NAME:
            raise AdminError("unknown provider %r" % (provider,))
        if not isinstance(spec, dict):
            raise AdminError("generate.%s must be an object" % provider)
    with state.lock:
        for provider, records in campaigns.items():
            state.replace_campaigns(provider, records)
        generated = {}
        for provider, spec in generate.items():
            try:
                generated[provider] = BY_NAME[provider].generate_many(state, spec)
            except ValueError as exc:
                raise AdminError("generate.%s: %s" % (provider, exc)) from exc
        counts = {provider: len(records) for provider, records in state.campaigns.items()}
    return _ok({"counts": counts, "generated": generated})


def _campaigns(state, request, parts):
    snapshot = state.snapshot_campaigns()
    if not parts:
        if request.method != "GET":
            return _error(405, "method not allowed")
        return json_response(200, snapshot)
    provider = parts[0]
    if provider not in BY_NAME or len(parts) > 2:
        return _error(404, "unknown provider %r" % (provider,))
    if len(parts) == 1:
        return json_response(200, snapshot[provider]) if request.method == "GET" else _error(405, "method not allowed")
    vendor = BY_NAME[provider]
    with state.lock:
        record = vendor.find(state, parts[1])
        if record is None:
            return _error(404, "no %s campaign %r" % (provider, parts[1]))
        if request.method == "POST":
            changes = _body(request)
            if not isinstance(changes, dict):
                raise AdminError("the body must be a JSON object")
            record.update(changes)
        elif request.method != "GET":
            return _error(405, "method not allowed")
        return json_response(200, dict(record))


def handle_admin(state, request):
    """Answer one admin request."""
    parts = [p for p in request.path.split("/") if p][1:]
    if not parts:
        return _error(404, "unknown admin endpoint")
    name, rest, method = parts[0], parts[1:], request.method
    try:
        if name == "campaigns":
            return _campaigns(state, request, rest)
        if rest:
            return _error(404, "unknown admin endpoint")
        if name == "health" and method == "GET":
            return _ok()
        if name == "reset" and method == "POST":
            state.reset()
            return _ok()
        if name == "seed" and method == "POST":
            return _seed(state, _body(request))
        if name == "requests" and method in ("GET", "DELETE"):
            if method == "DELETE":
                state.clear_log()
                return _ok()
            return json_response(200, state.read_log())
        if name == "latency" and method in ("GET", "POST"):
            if method == "POST":
                body = _body(request)
                if not isinstance(body, dict):
                    raise AdminError("the body must be a JSON object")
                return _ok({"latency": state.set_latency(body.get("provider", "*"), body.get("ms", 0))})
            with state.lock:
                return _ok({"latency": dict(state.latency)})
        if name == "settings" and method in ("GET", "POST"):
            if method == "POST":
                return _ok({"settings": state.update_settings(_body(request))})
            with state.lock:
                return _ok({"settings": dict(state.settings)})
        if name == "faults" and method in ("GET", "POST", "DELETE"):
            if method == "POST":
                body = _body(request)
                state.add_faults(body if isinstance(body, list) else [body])
            elif method == "DELETE":
                state.clear_faults()
            return _ok({"faults": state.list_faults()})
    except AdminError as exc:
        return _error(400, str(exc))
    if name in ("health", "reset", "seed", "requests", "latency", "settings", "faults"):
        return _error(405, "method not allowed")
    return _error(404, "unknown admin endpoint")
