# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of the vendor simulator itself (tests/simulator), over real HTTP: one section per
vendor (its credentials, its calls, its answers), then faults, the admin API, HTTPS and the CLI.

Run from the repository root: ``python3 -m pytest -q tests/integration/test_simulator.py`` (the
collection need not be importable; test_simulator_vendors.py checks the simulator against the
provider registry). The fixture ``server`` is the ``Simulator`` (not conftest's admin client ``sim``).
"""

import base64
import datetime
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

# pylint: disable=wrong-import-position,redefined-outer-name
from tests.simulator import DEFAULT_CREDENTIALS, Simulator  # noqa: E402
from tests.simulator.signing import sign, verify_authorization  # noqa: E402
from tests.simulator.vendors import BY_NAME  # noqa: E402

TIMEOUT = 10


@pytest.fixture()
def server(simulator_server):
    """The simulator itself (conftest's, one per session), back to its seed for each test."""
    assert requests.post(simulator_server.url + "/_sim/reset", timeout=TIMEOUT).json() == {"ok": True}
    return simulator_server


def admin(server, method, path, body=None):
    """Call the admin API and return the parsed answer."""
    response = requests.request(method, server.url + "/_sim/" + path, json=body, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def campaign(server, provider, campaign_id):
    """The simulator's current record of one campaign."""
    return admin(server, "GET", "campaigns/%s/%s" % (provider, campaign_id))


def fault(server, **spec):
    """Queue one fault."""
    return admin(server, "POST", "faults", spec)


def setting_refused(server, body):
    """True when ``POST /_sim/settings`` refuses ``body`` with 400."""
    return requests.post(server.url + "/_sim/settings", json=body, timeout=TIMEOUT).status_code == 400


def logged(server):
    """The request log, checked for what every entry must show: timing, no fault, no secret."""
    log = admin(server, "GET", "requests")
    for entry in log:
        assert entry["finished"] >= entry["started"] and entry["fault"] is None
    text = json.dumps(log)
    for secret in ("secret", "claims-token"):
        assert secret not in text
    return log


def _basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


def is_uuid4(text):
    """True for a uuid4 string."""
    return uuid.UUID(text).version == 4


# ---------------------------------------------------------------------------------------- Volt MX

VOLTMX_AUTH = (DEFAULT_CREDENTIALS["voltmx"]["username"], DEFAULT_CREDENTIALS["voltmx"]["password"])


def voltmx(server, method, path, auth=VOLTMX_AUTH, **kwargs):
    """A Volt MX call."""
    return requests.request(method, server.url + "/api/v1/campaigns" + path, auth=auth, timeout=TIMEOUT, **kwargs)


def test_voltmx_auth(server):
    assert voltmx(server, "GET", "/103", auth=None).status_code == 401
    assert voltmx(server, "GET", "/103", auth=("voltmx-admin", "nope")).status_code == 401
    assert voltmx(server, "GET", "/103", auth=None, headers={"X-VoltMX-Authorization": "wrong"}).status_code == 401
    assert voltmx(server, "GET", "/103", auth=None, headers={"X-VoltMX-Authorization": "voltmx-claims-token"}).status_code == 200
    response = voltmx(server, "GET", "/103")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.json()["status"] == "Running"
    assert response.json()["name"]


def test_voltmx_read_errors_and_list(server):
    unknown = voltmx(server, "GET", "/999")
    assert unknown.status_code == 400
    assert unknown.json() == {"message": "Invalid campaign ID provided or no campaign found with given ID"}
    assert voltmx(server, "GET", "/a.b").status_code == 400
    first = voltmx(server, "GET", "", params={"start": 0, "pageSize": 5}).json()
    assert first["total"] == 12 and [c["id"] for c in first["campaigns"]] == ["101", "102", "103", "104", "105"]
    last = voltmx(server, "GET", "", params={"start": 10, "pageSize": 5}).json()
    assert last["total"] == 12 and [c["id"] for c in last["campaigns"]] == ["111", "112"]
    assert voltmx(server, "GET", "", params={"start": 0, "pageSize": "x"}).status_code == 400


VOLTMX_OK = [
    ("102", "start", "Running", "Campaign execution intiated successfully. "),
    ("103", "pause", "Paused", "Campaign execution paused successfully. "),
    ("104", "resume", "Running", "Campaign execution resumed successfully. "),
    ("103", "terminate", "Terminated", "Campaign execution stopped successfully. "),
    ("104", "terminate", "Terminated", "Campaign execution stopped successfully. "),
    ("107", "terminate", "Terminated", "Campaign execution stopped successfully. "),
]


@pytest.mark.parametrize("campaign_id,action,status,message", VOLTMX_OK)
def test_voltmx_allowed_transitions(server, campaign_id, action, status, message):
    response = voltmx(server, "POST", "/%s/%s" % (campaign_id, action))
    assert response.status_code == 200
    assert response.json() == {"id": campaign_id, "message": message}
    assert campaign(server, "voltmx", campaign_id)["status"] == status


@pytest.mark.parametrize("campaign_id,action", [
    ("103", "start"), ("101", "start"), ("104", "pause"), ("102", "pause"), ("103", "resume"),
    ("106", "resume"), ("106", "terminate"), ("105", "terminate"), ("101", "terminate"),
])
def test_voltmx_refused_transitions(server, campaign_id, action):
    before = campaign(server, "voltmx", campaign_id)["status"]
    response = voltmx(server, "POST", "/%s/%s" % (campaign_id, action))
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid request format"}
    assert campaign(server, "voltmx", campaign_id)["status"] == before


def test_voltmx_unknown_campaign_action(server):
    response = voltmx(server, "POST", "/998/start")
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid campaign ID provided or no campaign found with given ID"}


def test_voltmx_business_error(server):
    fault(server, provider="voltmx", kind="business_error")
    assert voltmx(server, "POST", "/103/pause").status_code == 500
    assert campaign(server, "voltmx", "103")["status"] == "Running"


def test_voltmx_generated_campaigns(server):
    admin(server, "POST", "seed", {"generate": {"voltmx": {"count": 2}}})
    assert voltmx(server, "POST", "/gen-voltmx-2/pause").status_code == 200


def test_voltmx_request_log_entry(server):
    voltmx(server, "GET", "/103", auth=None, headers={"X-VoltMX-Authorization": "voltmx-claims-token"})
    [entry] = logged(server)
    assert entry["provider"] == "voltmx" and entry["method"] == "GET" and entry["write"] is False
    assert entry["campaign_id"] == "103" and entry["status"] == 200
    assert entry["headers"]["X-VoltMX-Authorization"] == "<redacted>"


# ---------------------------------------------------------------------------------------- Huawei iSales

ISALES_CT = "application/json; charset=UTF-8"


def isales(server, method, path, params=None, ak="isales-ak", sk="isales-sk-secret", now=None, signed_path=None, headers=None):
    """An iSales call, signed like the client does."""
    full = "/rest/isales/v1/openapi/campaigns" + path
    pairs = [(k, str(v)) for k, v in (params or {}).items()]
    host = urlsplit(server.url).netloc
    hdrs = {"Content-Type": ISALES_CT, "Authorization": sign(ak, sk, method, signed_path or full, pairs, ISALES_CT, host, now)}
    hdrs.update(headers or {})
    return requests.request(method, server.url + full, params=params, headers=hdrs, timeout=TIMEOUT)


def test_isales_signature_function():
    header = sign("ak", "sk", "PUT", "/a b/c", [("x", "1 2"), ("a", "z")], ISALES_CT, "h:1")
    assert header.startswith("auth-v2/ak/") and "/content-type;host/" in header
    assert verify_authorization(header, {"ak": "sk"}, "PUT", "/a b/c", [("a", "z"), ("x", "1 2")], ISALES_CT, "h:1") is None
    assert verify_authorization(header, {"ak": "other"}, "PUT", "/a b/c", [("a", "z"), ("x", "1 2")], ISALES_CT, "h:1") == "signature mismatch"
    assert verify_authorization(header, {"ak": "sk"}, "GET", "/a b/c", [("a", "z"), ("x", "1 2")], ISALES_CT, "h:1") == "signature mismatch"
    assert verify_authorization(header, {}, "PUT", "/a b/c", [], ISALES_CT, "h:1") == "unknown access key"


def test_isales_auth(server):
    assert isales(server, "GET", "/1/201").status_code == 200
    no_auth = requests.get(server.url + "/rest/isales/v1/openapi/campaigns/1/201", headers={"Content-Type": ISALES_CT}, timeout=TIMEOUT)
    assert no_auth.status_code == 401
    assert isales(server, "GET", "/1/201", sk="wrong").status_code == 401
    assert isales(server, "GET", "/1/201", ak="other-ak").status_code == 401
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)
    assert isales(server, "GET", "/1/201", now=old).status_code == 401
    recent = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=14)
    assert isales(server, "GET", "/1/201", now=recent).status_code == 200
    assert isales(server, "GET", "/1/201", signed_path="/rest/isales/v1/openapi/campaigns/1/202").status_code == 401
    assert isales(server, "PUT", "/1/201/pause", headers={"Content-Type": "text/plain"}).status_code == 401
    assert campaign(server, "isales", "201")["status"] == 2


def test_isales_read(server):
    # Huawei's page "Querying Details About an Outbound Campaign": envelope + returnObject, as in its example.
    response = isales(server, "GET", "/1/201")
    assert response.status_code == 200
    body = response.json()
    assert body["resultCode"] == "0200000" and body["returnCode"] == "0200000"
    assert set(body) == {"resultCode", "resultDesc", "returnCode", "returnDesc", "returnObject"}
    record = body["returnObject"]
    assert record["status"] == 2 and record["name"] == "Renewal Reminder Calls" and record["strBeginTime"] == "2025-01-01 00:00:00"
    assert record["id"] == 201 and record["description"] is None and record["deviceType"] == 2 and "vdnId" not in record
    assert isales(server, "GET", "/1/202").json()["returnObject"]["status"] == 3


@pytest.mark.parametrize("path,code", [
    ("/1/999", "0200007"), ("/1/210", "0200007"), ("/2/201", "0200007"), ("/0/201", "0200001"),
    ("/10000/201", "0200001"), ("/abc/201", "0200001"), ("/1/abc", "0200001"),
])
def test_isales_read_errors_are_http_200(server, path, code):
    response = isales(server, "GET", path)
    assert response.status_code == 200
    assert response.json()["resultCode"] == code
    assert response.json()["returnCode"] == code


ALL = {"status": 0, "deviceType": 0}


def test_isales_list(server):
    # Huawei's page "Querying All Outbound Campaigns": the envelope, the paging fields and the
    # rows with exactly the fields of its example.
    body = isales(server, "GET", "/1", dict(ALL, curPage=1, rowsPerPage=100)).json()
    assert body["resultCode"] == "0200000" and body["totalSize"] == 9 and len(body["data"]) == 9
    assert set(body) == {"resultCode", "resultDesc", "returnCode", "returnDesc", "curPage", "totalSize", "rowsPerPage",
                         "curSkillQueueCount", "curIvrCount", "data"}
    assert (body["curSkillQueueCount"], body["curIvrCount"]) == (6, 3)
    assert body["data"][0] == {"id": 201, "name": "Renewal Reminder Calls", "status": 2, "strBeginTime": "2025-01-01 00:00:00",
                               "strEndTime": "2026-12-31 23:59:59", "deviceType": 2, "callerNo": "4008000201"}
    page = isales(server, "GET", "/1", dict(ALL, curPage=2, rowsPerPage=4)).json()
    assert (page["totalSize"], page["curPage"], page["rowsPerPage"]) == (9, 2, 4)
    assert [r["id"] for r in page["data"]] == [205, 206, 207, 208]
    running = isales(server, "GET", "/1", {"status": 2, "deviceType": 0, "curPage": 1, "rowsPerPage": 100}).json()
    assert {r["id"] for r in running["data"]} == {201, 205, 207}
    ivr = isales(server, "GET", "/1", {"status": 0, "deviceType": 3, "curPage": 1, "rowsPerPage": 100}).json()
    assert {r["id"] for r in ivr["data"]} == {203, 207}
    # "If the input value is less than 1, the system automatically changes the value to 1."
    assert isales(server, "GET", "/1", dict(ALL, curPage=0, rowsPerPage=4)).json()["curPage"] == 1
    assert isales(server, "GET", "/2", dict(ALL, curPage=1, rowsPerPage=10)).json()["totalSize"] == 1


@pytest.mark.parametrize("params,detail", [
    ({"deviceType": 0, "curPage": 1, "rowsPerPage": 100}, "status is mandatory"),
    ({"status": 0, "curPage": 1, "rowsPerPage": 100}, "deviceType is mandatory"),
    ({"status": 0, "deviceType": 0, "rowsPerPage": 100}, "curPage is mandatory"),
    ({"status": 0, "deviceType": 0, "curPage": 1}, "rowsPerPage is mandatory"),
    ({"status": 0, "deviceType": 0, "curPage": 1, "rowsPerPage": 101}, "rowsPerPage must be from 1 to 100"),
    ({"status": 1, "deviceType": 0, "curPage": 1, "rowsPerPage": 100}, "status must be"),
    ({"status": 0, "deviceType": 4, "curPage": 1, "rowsPerPage": 100}, "deviceType must be"),
    ({"status": "x", "deviceType": 0, "curPage": 1, "rowsPerPage": 100}, "status must be an integer"),
])
def test_isales_list_parameter_errors(server, params, detail):
    response = isales(server, "GET", "/1", params)
    assert response.status_code == 200
    body = response.json()
    assert body["resultCode"] == "0200001" and body["returnCode"] == "0200001"
    assert body["resultDesc"].startswith("Parameter error: ") and detail in body["resultDesc"]
    assert "data" not in body


def test_isales_pause_and_resume(server):
    paused = isales(server, "PUT", "/1/201/pause")
    assert paused.status_code == 200
    assert paused.json() == {"resultCode": "0200000", "resultDesc": "", "returnCode": "0200000", "returnDesc": ""}
    assert campaign(server, "isales", "201")["status"] == 3
    resumed = isales(server, "PUT", "/1/202/resume")
    assert resumed.json()["resultCode"] == "0200000"
    assert campaign(server, "isales", "202")["status"] == 2


@pytest.mark.parametrize("path,code,desc", [
    ("/1/206/pause", "0200011", "The outbound campaign in the current status cannot be suspended."),
    ("/1/203/pause", "0200011", "The outbound campaign in the current status cannot be suspended."),
    ("/1/204/pause", "0200011", "The outbound campaign in the current status cannot be suspended."),
    ("/1/205/resume", "0200011", "The outbound campaign in the current status cannot be resumed."),
    ("/1/203/resume", "0200011", "The outbound campaign in the current status cannot be resumed."),
    ("/1/204/resume", "0200011", "The outbound campaign in the current status cannot be resumed."),
    ("/1/999/pause", "0200007", "The outbound campaign does not exist."),
    ("/0/201/pause", "0200001", None),
])
def test_isales_refused(server, path, code, desc):
    response = isales(server, "PUT", path)
    assert response.status_code == 200
    body = response.json()
    assert body["resultCode"] == code and body["returnCode"] == code
    if desc:
        assert body["resultDesc"] == desc
    assert campaign(server, "isales", "201")["status"] == 2


def test_isales_business_error(server):
    fault(server, provider="isales", kind="business_error")
    response = isales(server, "PUT", "/1/201/pause")
    assert response.status_code == 200 and response.json()["resultCode"] == "0200006"
    assert campaign(server, "isales", "201")["status"] == 2


def test_isales_request_log_entry(server):
    isales(server, "GET", "/1/201")
    [entry] = logged(server)
    assert entry["provider"] == "isales" and entry["headers"]["Authorization"] == "<redacted>" and entry["body"] is None


# ---------------------------------------------------------------------------------------- Ocamba

OCAMBA = {"Authorization": "Bearer " + DEFAULT_CREDENTIALS["ocamba"]["token"]}


def ocamba(server, method, path, body=None, headers=None):
    """An Ocamba call."""
    return requests.request(method, server.url + "/v1/hood/campaigns" + path, json=body, headers=OCAMBA if headers is None else headers, timeout=TIMEOUT)


def test_ocamba_auth(server):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        response = ocamba(server, "GET", "/303", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == 401 and body["title"] and body["message"] and is_uuid4(body["trace_id"])
        assert "X-RateLimit-Limit" in response.headers
    assert ocamba(server, "GET", "/303", headers={"Authorization": "Bearer ocamba-token-second"}).status_code == 200


def test_ocamba_read_and_list(server):
    response = ocamba(server, "GET", "/303")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["items"][0]["id"] == "303" and body["items"][0]["status"] == "running"
    for key in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert key in response.headers
    missing = ocamba(server, "GET", "/999")
    assert missing.status_code == 404 and missing.json()["code"] == 404 and is_uuid4(missing.json()["trace_id"])
    assert ocamba(server, "GET", "/a.b").status_code == 404
    page1 = ocamba(server, "GET", "?page=1,5&sort=id").json()
    assert page1["total"] == 12 and [i["id"] for i in page1["items"]] == ["301", "302", "303", "304", "305"]
    page3 = ocamba(server, "GET", "?page=3,5&sort=id").json()
    assert [i["id"] for i in page3["items"]] == ["311", "312"]
    default = ocamba(server, "GET", "").json()
    assert default["total"] == 12 and len(default["items"]) == 10 and default["items"][0]["id"] == "312"
    running = ocamba(server, "GET", "?status=running&page=1,100").json()
    assert {i["id"] for i in running["items"]} == {"303", "307", "311"}
    bad = ocamba(server, "GET", "?page=x")
    assert bad.status_code == 400 and bad.json()["title"] == "Bad request."


@pytest.mark.parametrize("campaign_id,action,body,status", [
    ("303", "pause", {"reason": "quiet hours"}, "paused"),
    ("302", "pause", {"reason": "quiet hours"}, "paused"),
    ("304", "resume", {"run_immediately": 1}, "running"),
    ("308", "resume", {"scheduled_time": "2026-07-01 08:30:00"}, "scheduled"),
    ("303", "cancel", {"reason": "done"}, "canceled"),
    ("302", "cancel", {"reason": "done"}, "canceled"),
    ("304", "cancel", {"reason": "done"}, "canceled"),
])
def test_ocamba_allowed(server, campaign_id, action, body, status):
    response = ocamba(server, "POST", "/%s/%s" % (campaign_id, action), body)
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Content-Type"] == "application/json"
    record = campaign(server, "ocamba", campaign_id)
    assert record["status"] == status
    if "scheduled_time" in body:
        assert record["scheduled_time"] == body["scheduled_time"]


@pytest.mark.parametrize("campaign_id,action,body,message", [
    ("304", "pause", {"reason": "x"}, None),
    ("301", "pause", {"reason": "x"}, None),
    ("303", "resume", {"run_immediately": 1}, None),
    ("302", "resume", {"run_immediately": 1}, None),
    ("305", "cancel", {"reason": "x"}, None),
    ("306", "cancel", {"reason": "x"}, None),
    ("306", "resume", {"run_immediately": 1}, None),
    ("301", "cancel", {"reason": "x"}, None),
    ("303", "pause", {}, "The request body is not valid."),
    ("303", "pause", None, "The request body is not valid."),
    ("304", "resume", {"run_immediately": 1, "scheduled_time": "2026-07-01 08:30:00"}, "The request body is not valid."),
    ("304", "resume", {}, "The request body is not valid."),
    ("304", "resume", {"run_immediately": True}, "The request body is not valid."),
    ("304", "resume", {"run_immediately": 0}, "The request body is not valid."),
    ("304", "resume", {"scheduled_time": "2026-07-01T08:30:00"}, "The request body is not valid."),
    ("304", "resume", {"scheduled_time": "2026-13-01 08:30:00"}, "The request body is not valid."),
])
def test_ocamba_refused(server, campaign_id, action, body, message):
    before = campaign(server, "ocamba", campaign_id)["status"]
    response = ocamba(server, "POST", "/%s/%s" % (campaign_id, action), body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == 400 and error["title"] == "Bad request." and is_uuid4(error["trace_id"])
    if message:
        assert error["message"] == message
    assert campaign(server, "ocamba", campaign_id)["status"] == before


def test_ocamba_cancel_is_final(server):
    assert ocamba(server, "POST", "/303/cancel", {"reason": "x"}).status_code == 204
    assert ocamba(server, "POST", "/303/resume", {"run_immediately": 1}).status_code == 400
    assert ocamba(server, "POST", "/303/pause", {"reason": "x"}).status_code == 400
    assert ocamba(server, "POST", "/999/pause", {"reason": "x"}).status_code == 404


def test_ocamba_burst_limit(server):
    admin(server, "POST", "settings", {"ocamba_limits": {"per_second": 10, "per_minute": 150}})
    session = requests.Session()
    started = time.monotonic()
    statuses = []
    for _attempt in range(11):
        response = session.get(server.url + "/v1/hood/campaigns/303", headers=OCAMBA, timeout=TIMEOUT)
        statuses.append(response.status_code)
    assert time.monotonic() - started < 1.0
    assert statuses == [200] * 10 + [429]
    assert response.headers["X-RateLimit-Remaining"] == "0"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 1
    body = response.json()
    assert body["code"] == 429 and body["message"] and is_uuid4(body["trace_id"])
    # per token: another token still has its own window
    assert ocamba(server, "GET", "/303", headers={"Authorization": "Bearer ocamba-token-second"}).status_code == 200
    time.sleep(1.05)
    assert session.get(server.url + "/v1/hood/campaigns/303", headers=OCAMBA, timeout=TIMEOUT).status_code == 200


def test_ocamba_minute_limit(server):
    admin(server, "POST", "settings", {"ocamba_limits": {"per_second": 100, "per_minute": 5}})
    statuses = [ocamba(server, "GET", "/303").status_code for _attempt in range(6)]
    assert statuses == [200] * 5 + [429]
    response = ocamba(server, "GET", "/303")
    assert response.status_code == 429 and 30 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-RateLimit-Limit"] == "5"
    admin(server, "POST", "settings", {"ocamba_limits": {"per_second": None, "per_minute": None}})
    assert all(ocamba(server, "GET", "/303").status_code == 200 for _attempt in range(12))


def test_ocamba_business_error(server):
    fault(server, provider="ocamba", kind="business_error")
    response = ocamba(server, "POST", "/303/pause", {"reason": "x"})
    assert response.status_code == 500 and "message" not in response.json() and is_uuid4(response.json()["trace_id"])


def test_ocamba_limits_setting_is_checked(server):
    assert admin(server, "GET", "settings")["settings"]["ocamba_limits"] == {"per_second": 10, "per_minute": 150}
    assert setting_refused(server, {"ocamba_limits": {"per_hour": 3}})


def test_ocamba_request_log_entry(server):
    ocamba(server, "POST", "/303/pause", {"reason": "log me"})
    [entry] = logged(server)
    assert entry["provider"] == "ocamba" and entry["write"] is True and entry["body"] == {"reason": "log me"} and entry["status"] == 204
    assert entry["headers"]["Authorization"] == "<redacted>" and entry["path"] == "/v1/hood/campaigns/303/pause"


# ---------------------------------------------------------------------------------------- Wolkvox

WOLKVOX = {"wolkvox-token": DEFAULT_CREDENTIALS["wolkvox"]["token"]}


def wolkvox_list(server, headers=None, api="campaigns"):
    """The Wolkvox campaign list."""
    params = {"api": api} if api is not None else {}
    return requests.get(server.url + "/api/v2/information.php", params=params, headers=WOLKVOX if headers is None else headers, timeout=TIMEOUT)


def wolkvox_act(server, api, campaign_type, campaign_id, headers=None):
    """A Wolkvox start/stop."""
    params = {"api": api, "type_campaign": campaign_type, "campaign_id": campaign_id}
    params = {k: v for k, v in params.items() if v is not None}
    return requests.put(server.url + "/api/v2/campaign.php", params=params, headers=WOLKVOX if headers is None else headers, timeout=TIMEOUT)


def test_wolkvox_auth(server):
    missing = wolkvox_list(server, headers={})
    assert missing.status_code == 401
    assert missing.json() == {"code": 401, "error": "PLEASE ENTER THE WOLKVOX-TOKEN", "msg": "PLEASE ENTER THE WOLKVOX-TOKEN", "data": None}
    wrong = wolkvox_list(server, headers={"wolkvox-token": "nope"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "PLEASE VALIDATE TOKEN" and wrong.json()["code"] == 403
    assert wolkvox_act(server, "start", "preview", "402", headers={"wolkvox-token": "nope"}).status_code == 403
    assert campaign(server, "wolkvox", "402")["status"] == "Stopped"


def test_wolkvox_list_and_api_errors(server):
    response = wolkvox_list(server)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == 200 and body["error"] is None and body["msg"]
    assert len(body["data"]) == 6
    row = body["data"][0]
    assert set(row) >= {"campaign_id", "campaign_name", "type_campaign", "status"}
    assert {r["status"] for r in body["data"]} == {"Started", "Stopped"}
    assert {r["type_campaign"] for r in body["data"]} == {"preview", "predictive"}
    for bad in (wolkvox_list(server, api="agents"), wolkvox_act(server, "pause", "preview", "402")):
        assert bad.status_code == 400 and bad.json()["error"] == "THE API YOU WANT TO CONSULT DOES NOT EXIST"
    for bad in (wolkvox_list(server, api=None), wolkvox_act(server, "start", None, "402"), wolkvox_act(server, "start", "preview", None)):
        assert bad.status_code == 400 and bad.json()["error"] == "SOME PARAMETERS ARE REQUIRED"


def test_wolkvox_start_and_stop(server):
    started = wolkvox_act(server, "start", "preview", "402")
    assert started.status_code == 200
    assert started.json() == {"code": 202, "error": None, "msg": "The 402 campaign_id has been started successfully"}
    assert campaign(server, "wolkvox", "402")["status"] == "Started"
    stopped = wolkvox_act(server, "stop", "predictive", "403")
    assert stopped.json() == {"code": 202, "error": None, "msg": "The 403 campaign_id has been stopped successfully"}
    assert campaign(server, "wolkvox", "403")["status"] == "Stopped"
    admin(server, "POST", "settings", {"wolkvox_success_http_status": 202})
    assert wolkvox_act(server, "start", "predictive", "404").status_code == 202


@pytest.mark.parametrize("api,campaign_type,campaign_id", [
    ("start", "preview", "401"), ("stop", "preview", "402"), ("start", "preview", "404"),
    ("stop", "predictive", "401"), ("start", "preview", "499"), ("start", "preview", "a.b"), ("start", "outbound", "402"),
])
def test_wolkvox_refused(server, api, campaign_type, campaign_id):
    response = wolkvox_act(server, api, campaign_type, campaign_id)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400 and body["error"] and body["msg"]
    assert {r["campaign_id"]: r["status"] for r in wolkvox_list(server).json()["data"]} == {
        "401": "Started", "402": "Stopped", "403": "Started", "404": "Stopped", "405": "Started", "406": "Stopped"}


def test_wolkvox_concurrency_limit(server):
    admin(server, "POST", "latency", {"provider": "wolkvox", "ms": 400})
    barrier = threading.Barrier(3)
    results = []

    def call():
        barrier.wait()
        response = wolkvox_list(server)
        results.append((response.status_code, response.json()))

    threads = [threading.Thread(target=call) for _attempt in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _unused in results) == [200, 200, 403]
    refused = [body for status, body in results if status == 403][0]
    assert refused["error"] == "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"
    log = admin(server, "GET", "requests")
    assert len(log) == 3 and sorted(e["status"] for e in log) == [200, 200, 403]
    # the slots are free again afterwards
    assert wolkvox_list(server).status_code == 200


def test_wolkvox_business_error(server):
    fault(server, provider="wolkvox", kind="business_error")
    response = wolkvox_act(server, "start", "preview", "402")
    assert response.status_code == 400 and response.json()["code"] == 400


def test_wolkvox_generated_campaigns(server):
    admin(server, "POST", "seed", {"generate": {"wolkvox": {"count": 2}}})
    assert wolkvox_act(server, "stop", "preview", "gen-wolkvox-1").status_code == 200


def test_wolkvox_settings_are_checked(server):
    assert setting_refused(server, {"wolkvox_success_http_status": 201})
    settings = admin(server, "POST", "settings", {"wolkvox_max_in_flight": 3})["settings"]
    assert settings["wolkvox_max_in_flight"] == 3


def test_wolkvox_request_log_entry(server):
    wolkvox_act(server, "start", "preview", "402")
    [entry] = logged(server)
    assert entry["query"] == {"api": "start", "type_campaign": "preview", "campaign_id": "402"} and entry["campaign_id"] == "402"
    assert entry["headers"]["wolkvox-token"] == "<redacted>" and entry["write"] is True and entry["method"] == "PUT"


# ---------------------------------------------------------------------------------------- 8x8

EIGHT_READ = {"Authorization": _basic("tenant1", DEFAULT_CREDENTIALS["8x8"]["data_token"])}
EIGHT_WRITE = {"Authorization": _basic("tenant1", DEFAULT_CREDENTIALS["8x8"]["action_token"])}


def eight_read(server, campaign_id, headers=None):
    """An 8x8 status read."""
    return requests.get(server.url + "/api/stats/campaigns/%s.json" % campaign_id, headers=EIGHT_READ if headers is None else headers, timeout=TIMEOUT)


def eight_write(server, campaign_id, status, method="POST", headers=None):
    """An 8x8 status change."""
    return requests.request(method, server.url + "/api/tstats/campaigns/%s" % campaign_id, json={"status": status},
                            headers=EIGHT_WRITE if headers is None else headers, timeout=TIMEOUT)


def test_eight_auth(server):
    assert eight_read(server, 6561, headers={}).status_code == 401
    assert eight_read(server, 6561, headers=EIGHT_WRITE).status_code == 401
    assert eight_read(server, 6561, headers={"Authorization": _basic("tenant2", "eight-data-secret")}).status_code == 401
    assert eight_write(server, 6503, "PAUSED", headers=EIGHT_READ).status_code == 401
    assert eight_write(server, 6503, "PAUSED", headers={}).status_code == 401
    assert campaign(server, "8x8", "6503")["status"] == 3


def test_eight_read(server):
    response = eight_read(server, 6561)
    assert response.status_code == 200
    record = response.json()["campaign"]
    assert record["campaign-name"] == "My Callbacks" and record["campaign-id"] == 6561
    assert record["enabled"] == "Y" and record["status"] == 3 and record["dynamic-campaign"] == "Y"
    for key in ("no-of-records", "caller-id", "queue-id", "start-time", "end-time", "actual-run-time", "actual-stop-time",
                "daily-start-time", "daily-end-time", "retry-interval", "max-retry", "abandon-max-retry", "max-ring-time",
                "integration-type", "calling-window", "schedule-name", "timezone", "sequential"):
        assert key in record
    assert eight_read(server, 9999).status_code == 404
    assert eight_read(server, "abc").status_code == 404


EIGHT_OK = [
    (6500, "RUNNING", 3), (6501, "PAUSED", 8), (6502, "PAUSED", 8), (6503, "PAUSED", 8), (6504, "PAUSED", 8),
    (6501, "STOPPED", 5), (6502, "STOPPED", 5), (6503, "STOPPED", 5), (6504, "STOPPED", 5),
    (6508, "RUNNING", 3), (6508, "PURGED", 10), (6508, "STOPPED", 5), (6509, "RUNNING", 3), (6509, "PURGED", 10), (6509, "STOPPED", 5),
    (6510, "RUNNING", 3), (6510, "STOPPED", 5), (6511, "RUNNING", 3), (6511, "STOPPED", 5),
]


@pytest.mark.parametrize("campaign_id,target,result", EIGHT_OK)
def test_eight_allowed(server, campaign_id, target, result):
    # 8x8's OpenAPI documents the 200 with no body.
    response = eight_write(server, campaign_id, target)
    assert response.status_code == 200
    assert response.content == b""
    assert eight_read(server, campaign_id).json()["campaign"]["status"] == result


def test_eight_status_message_setting_answers_as_the_guide_shows(server):
    admin(server, "POST", "settings", {"eightbyeight_status_message": True})
    response = eight_write(server, 6508, "RUNNING")
    assert response.status_code == 200
    assert response.json() == {"message": "Campaign status changed."}


EIGHT_REFUSED = [
    (6500, "PAUSED", 400, "Invalid state transition"), (6500, "PURGED", 400, "Invalid state transition"),
    (6500, "STOPPED", 400, "Invalid state transition"), (6503, "PURGED", 400, "Invalid state transition"),
    (6503, "RUNNING", 400, "Invalid state transition"), (6502, "RUNNING", 400, "Invalid state transition"),
    (6508, "PAUSED", 400, "Invalid state transition"), (6510, "PAUSED", 400, "Invalid state transition"),
    (6510, "PURGED", 400, "Invalid state transition"), (6503, "GO", 400, "Invalid state transition"),
    (6505, "RUNNING", 500, "Internal server error"), (6506, "STOPPED", 500, "Internal server error"),
    (6507, "PAUSED", 500, "Internal server error"),
    (6590, "PAUSED", 400, "Not a dynamic campaign"), (6591, "RUNNING", 400, "The campaign is not enabled."),
]


@pytest.mark.parametrize("campaign_id,target,status,message", EIGHT_REFUSED)
def test_eight_refused(server, campaign_id, target, status, message):
    before = campaign(server, "8x8", campaign_id)["status"]
    response = eight_write(server, campaign_id, target)
    assert response.status_code == status
    assert response.json() == {"message": message}
    assert campaign(server, "8x8", campaign_id)["status"] == before


def test_eight_patch_and_post_405(server):
    assert eight_write(server, 6503, "PAUSED", method="PATCH").status_code == 200
    assert campaign(server, "8x8", "6503")["status"] == 8
    assert eight_write(server, 6503, "PAUSED", method="PATCH").status_code == 400
    assert eight_write(server, 9999, "PAUSED").status_code == 404
    admin(server, "POST", "settings", {"eightbyeight_post_405": True})
    refused = eight_write(server, 6504, "PAUSED")
    assert refused.status_code == 405
    assert campaign(server, "8x8", "6504")["status"] == 4
    assert eight_write(server, 6504, "PAUSED", method="PATCH").status_code == 200
    assert campaign(server, "8x8", "6504")["status"] == 8


def test_eight_business_error(server):
    fault(server, provider="8x8", kind="business_error")
    response = eight_write(server, 6503, "PAUSED")
    assert response.status_code == 500 and response.json() == {"message": "Internal server error"}
    assert campaign(server, "8x8", "6503")["status"] == 3


def test_eight_generated_campaigns(server):
    answer = admin(server, "POST", "seed", {"generate": {"8x8": {"count": 3}}})
    assert answer["generated"]["8x8"] == ["100000", "100001", "100002"]
    assert eight_read(server, 100002).json()["campaign"]["status"] == 3


def test_eight_settings_are_checked(server):
    assert setting_refused(server, {"eightbyeight_post_405": "yes"})


def test_eight_request_log_entry(server):
    eight_read(server, 6561)
    [entry] = logged(server)
    assert entry["provider"] == "8x8" and entry["headers"]["Authorization"] == "<redacted>" and entry["campaign_id"] == "6561"


# ---------------------------------------------------------------------------------------- faults

@pytest.mark.parametrize("kind,status", [("http_500", 500), ("http_502", 502), ("http_503", 503), ("http_504", 504)])
def test_fault_http_status(server, kind, status):
    fault(server, provider="ocamba", kind=kind, count=2)
    for _attempt in range(2):
        response = ocamba(server, "GET", "/303")
        assert response.status_code == status
        body = response.json()
        assert body["code"] == status and is_uuid4(body["trace_id"])
        assert ("message" in body) == (status != 500)
    assert ocamba(server, "GET", "/303").status_code == 200
    log = admin(server, "GET", "requests")
    assert [e["fault"] for e in log] == [kind, kind, None]


def test_fault_method_filter_and_wildcard(server):
    fault(server, provider="voltmx", kind="http_503", method="POST")
    assert voltmx(server, "GET", "/103").status_code == 200
    assert voltmx(server, "POST", "/103/pause").status_code == 503
    assert campaign(server, "voltmx", "103")["status"] == "Running"
    fault(server, provider="*", kind="http_500")
    assert eight_read(server, 6561).status_code == 500
    assert admin(server, "GET", "faults")["faults"] == []


def test_fault_429(server):
    fault(server, provider="voltmx", kind="http_429", retry_after="2")
    fault(server, provider="wolkvox", kind="http_429")
    limited = voltmx(server, "GET", "/103")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    wolk = wolkvox_list(server)
    assert wolk.status_code == 429 and wolk.headers["Retry-After"] == "1" and wolk.json()["code"] == 429


def test_fault_401(server):
    fault(server, provider="8x8", kind="http_401")
    assert eight_read(server, 6561).status_code == 401
    assert eight_read(server, 6561).status_code == 200


def test_fault_slow(server):
    fault(server, provider="isales", kind="slow", delay_s=0.3)
    started = time.monotonic()
    response = isales(server, "PUT", "/1/201/pause")
    assert time.monotonic() - started >= 0.3
    assert response.json()["resultCode"] == "0200000"
    assert campaign(server, "isales", "201")["status"] == 3


def last_entry(server):
    return admin(server, "GET", "requests")[-1]


def ocamba_pause_within(server, campaign_id, timeout):
    """An Ocamba pause that gives up after ``timeout`` s; True when it got an answer."""
    try:
        requests.post(server.url + "/v1/hood/campaigns/%s/pause" % campaign_id, json={"reason": "x"}, headers=OCAMBA, timeout=timeout)
    except requests.exceptions.RequestException:
        return False
    return True


def test_fault_slow_answer_applies_first(server):
    fault(server, provider="ocamba", kind="slow_answer", delay_s=1.0, method="POST")
    assert not ocamba_pause_within(server, "303", 0.3)
    assert campaign(server, "ocamba", "303")["status"] == "paused"
    # what is known is logged at once, the answer when it goes out
    entry = last_entry(server)
    assert (entry["fault"], entry["applied_status"], entry["status"], entry["finished"]) == ("slow_answer", 204, None, None)
    time.sleep(1.0)
    entry = last_entry(server)
    assert (entry["fault"], entry["status"], entry["applied_status"]) == ("slow_answer", 204, 204)


def test_fault_late_apply_lands_after_the_client_gave_up(server):
    fault(server, provider="ocamba", kind="late_apply", delay_s=0.6, method="POST")
    assert not ocamba_pause_within(server, "303", 5)
    assert campaign(server, "ocamba", "303")["status"] == "paused"
    entry = last_entry(server)
    assert (entry["fault"], entry["status"], entry["applied_status"]) == ("late_apply", None, 204)
    assert entry["finished"] - entry["started"] >= 0.6
    fault(server, provider="ocamba", kind="late_apply", delay_s=0.6, method="POST")
    assert not ocamba_pause_within(server, "307", 0.2)
    assert campaign(server, "ocamba", "307")["status"] == "running"
    time.sleep(0.8)
    assert campaign(server, "ocamba", "307")["status"] == "paused"


def test_fault_hang_never_applies(server):
    fault(server, provider="ocamba", kind="hang", delay_s=0.3, method="POST")
    started = time.monotonic()
    assert not ocamba_pause_within(server, "303", 5)
    assert time.monotonic() - started >= 0.3
    assert campaign(server, "ocamba", "303")["status"] == "running"
    entry = last_entry(server)
    assert (entry["fault"], entry["status"], entry["applied_status"]) == ("hang", None, None)


def test_reset_cancels_a_held_back_write(server):
    fault(server, provider="ocamba", kind="late_apply", delay_s=0.5, method="POST")
    assert not ocamba_pause_within(server, "303", 0.1)
    admin(server, "POST", "reset")
    time.sleep(0.7)
    assert campaign(server, "ocamba", "303")["status"] == "running"
    assert admin(server, "GET", "requests") == []


def test_fault_trickle(server):
    normal = ocamba(server, "GET", "/303")
    fault(server, provider="ocamba", kind="trickle", interval_s=0.002)
    started = time.monotonic()
    trickled = ocamba(server, "GET", "/303")
    assert trickled.status_code == 200 and trickled.json() == normal.json()
    assert time.monotonic() - started >= 0.002 * len(trickled.content)
    # a body-less answer trickles too: the status line and headers
    fault(server, provider="ocamba", kind="trickle", interval_s=0.002, method="POST")
    assert ocamba(server, "POST", "/303/pause", {"reason": "x"}).status_code == 204
    assert campaign(server, "ocamba", "303")["status"] == "paused"


@pytest.mark.parametrize("content_length", [True, False])
def test_fault_oversized(server, content_length):
    size = 3 * 1024 * 1024 + 7
    fault(server, provider="ocamba", kind="oversized", size_bytes=size, content_length=content_length, method="POST")
    response = ocamba(server, "POST", "/303/pause", {"reason": "x"})
    assert response.status_code == 200 and len(response.content) == size
    assert response.headers.get("Content-Length") == (str(size) if content_length else None)
    assert set(response.json()) == {"padding"}
    assert campaign(server, "ocamba", "303")["status"] == "paused"
    assert last_entry(server)["applied_status"] == 204


def test_fault_oversized_default_size_is_streamed(server):
    fault(server, provider="ocamba", kind="oversized")
    assert admin(server, "GET", "faults")["faults"][0]["size_bytes"] == 300 * 1024 * 1024
    with requests.get(server.url + "/v1/hood/campaigns/303", headers=OCAMBA, stream=True, timeout=TIMEOUT) as response:
        assert response.headers["Content-Length"] == str(300 * 1024 * 1024)
        assert next(response.iter_content(1024)).startswith(b'{"padding": "x')


@pytest.mark.parametrize("field,value", [("interval_s", -1), ("delay_s", "1"), ("size_bytes", 1.5), ("size_bytes", -1),
                                         ("content_length", "no")])
def test_fault_fields_refused(server, field, value):
    spec = {"provider": "ocamba", "kind": "trickle", field: value}
    assert requests.post(server.url + "/_sim/faults", json=spec, timeout=TIMEOUT).status_code == 400


def test_fault_reset_before(server):
    fault(server, provider="voltmx", kind="reset_before", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        voltmx(server, "POST", "/103/pause")
    assert campaign(server, "voltmx", "103")["status"] == "Running"
    entry = admin(server, "GET", "requests")[-1]
    assert entry["fault"] == "reset_before" and entry["status"] is None


def test_fault_reset_after(server):
    fault(server, provider="voltmx", kind="reset_after", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        voltmx(server, "POST", "/103/pause")
    assert campaign(server, "voltmx", "103")["status"] == "Paused"
    assert admin(server, "GET", "requests")[-1]["fault"] == "reset_after"


def test_fault_malformed_json(server):
    fault(server, provider="ocamba", kind="malformed_json")
    response = ocamba(server, "GET", "/303")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_fault_html_error(server):
    fault(server, provider="8x8", kind="html_error")
    response = eight_read(server, 6561)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html") and "<html>" in response.text


def test_fault_wolkvox_concurrency(server):
    fault(server, provider="wolkvox", kind="wolkvox_403_concurrency")
    response = wolkvox_act(server, "start", "preview", "402")
    assert response.status_code == 403
    assert response.json()["error"] == "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"
    assert campaign(server, "wolkvox", "402")["status"] == "Stopped"


def test_fault_admin_errors_and_clear(server):
    assert requests.post(server.url + "/_sim/faults", json={"provider": "ocamba", "kind": "boom"}, timeout=TIMEOUT).status_code == 400
    assert requests.post(server.url + "/_sim/faults", json={"provider": "nope", "kind": "http_500"}, timeout=TIMEOUT).status_code == 400
    fault(server, provider="ocamba", kind="http_500", count=5)
    assert len(admin(server, "GET", "faults")["faults"]) == 1
    admin(server, "DELETE", "faults")
    assert ocamba(server, "GET", "/303").status_code == 200


# ---------------------------------------------------------------------------------------- admin API

def test_admin_reset(server):
    defaults = admin(server, "GET", "settings")["settings"]
    voltmx(server, "POST", "/103/pause")
    fault(server, provider="*", kind="http_500")
    admin(server, "POST", "latency", {"provider": "*", "ms": 100})
    admin(server, "POST", "settings", {"eightbyeight_post_405": True})
    admin(server, "POST", "reset")
    assert campaign(server, "voltmx", "103")["status"] == "Running"
    assert admin(server, "GET", "requests") == []
    assert admin(server, "GET", "faults")["faults"] == []
    assert admin(server, "GET", "latency")["latency"] == {}
    assert admin(server, "GET", "settings")["settings"]["eightbyeight_post_405"] is False
    assert admin(server, "GET", "settings")["settings"] == defaults
    assert admin(server, "GET", "health") == {"ok": True}


def test_admin_seed_replace_and_generate(server):
    admin(server, "POST", "seed", {"campaigns": {"ocamba": [{"id": "900", "name": "Only One", "status": "paused", "create_time": "2025-01-01 00:00:00"}]}})
    assert ocamba(server, "GET", "").json()["total"] == 1
    started = time.monotonic()
    answer = admin(server, "POST", "seed", {"generate": {"ocamba": {"count": 600, "status": "running"}, "isales": {"count": 400, "status": 3}}})
    assert time.monotonic() - started < 2
    assert answer["counts"]["ocamba"] == 601 and answer["counts"]["isales"] == 410
    assert answer["generated"]["ocamba"][0] == "gen-ocamba-1" and answer["generated"]["isales"][0] == "100000"
    assert ocamba(server, "GET", "?page=1,1000").json()["total"] == 601
    assert ocamba(server, "GET", "/gen-ocamba-600").json()["items"][0]["status"] == "running"
    assert isales(server, "GET", "/1/100399").json()["returnObject"]["status"] == 3
    again = admin(server, "POST", "seed", {"generate": {"ocamba": {"count": 1}}})
    assert again["generated"]["ocamba"] == ["gen-ocamba-601"]
    bad = requests.post(server.url + "/_sim/seed", json={"campaigns": {"nope": []}}, timeout=TIMEOUT)
    assert bad.status_code == 400
    admin(server, "POST", "reset")
    assert ocamba(server, "GET", "").json()["total"] == 12


def test_admin_request_log(server):
    # Each vendor's own entry (its credentials redacted) is checked in its section.
    requests.get(server.url + "/_sim/campaigns", timeout=TIMEOUT)
    ocamba(server, "POST", "/303/pause", {"reason": "log me"})
    eight_read(server, 6561)
    requests.get(server.url + "/nowhere", timeout=TIMEOUT)
    log = logged(server)
    assert [e["provider"] for e in log] == ["ocamba", "8x8", None]
    assert [e["seq"] for e in log] == sorted(e["seq"] for e in log)
    assert log[-1]["status"] == 404
    admin(server, "DELETE", "requests")
    assert admin(server, "GET", "requests") == []


def test_admin_latency(server):
    admin(server, "POST", "latency", {"provider": "ocamba", "ms": 250})
    started = time.monotonic()
    ocamba(server, "GET", "/303")
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    voltmx(server, "GET", "/103")
    assert time.monotonic() - started < 0.2
    started = time.monotonic()
    requests.get(server.url + "/_sim/health", timeout=TIMEOUT)
    assert time.monotonic() - started < 0.2
    admin(server, "POST", "latency", {"provider": "*", "ms": 150})
    started = time.monotonic()
    eight_read(server, 6561)
    assert time.monotonic() - started >= 0.15


def test_admin_settings_validation(server):
    # Each vendor's own settings are checked in its section.
    defaults = admin(server, "GET", "settings")["settings"]
    for body in ({"nope": 1}, {"isales_record_at_top_level": True}):
        assert setting_refused(server, body)
    settings = admin(server, "POST", "settings", {"wolkvox_max_in_flight": 3})["settings"]
    assert settings == dict(defaults, wolkvox_max_in_flight=3)
    assert requests.get(server.url + "/_sim/nothing", timeout=TIMEOUT).status_code == 404


def test_admin_campaign_override(server):
    admin(server, "POST", "campaigns/8x8/6561", {"status": 9})
    assert eight_read(server, 6561).json()["campaign"]["status"] == 9
    assert requests.get(server.url + "/_sim/campaigns/8x8/1", timeout=TIMEOUT).status_code == 404
    everything = admin(server, "GET", "campaigns")
    assert set(everything) == set(BY_NAME)


# ---------------------------------------------------------------------------------------- HTTPS and CLI

def test_https(tmp_path):
    with Simulator(https=True, cert_dir=str(tmp_path)) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert server.ca_cert_path == str(tmp_path / "ca.pem") and os.path.exists(server.ca_cert_path)
        assert requests.get(server.url + "/_sim/health", verify=server.ca_cert_path, timeout=TIMEOUT).json() == {"ok": True}
        response = requests.get(server.url + "/v1/hood/campaigns/303", headers=OCAMBA, verify=server.ca_cert_path, timeout=TIMEOUT)
        assert response.status_code == 200
        localhost = "https://localhost:%d/_sim/health" % server.port
        assert requests.get(localhost, verify=server.ca_cert_path, timeout=TIMEOUT).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(server.url + "/_sim/health", timeout=TIMEOUT)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_cli(tmp_path, signum):
    port_file = tmp_path / "port"
    process = subprocess.Popen(  # pylint: disable=consider-using-with
        [sys.executable, "-m", "tests.simulator", "--port", "0", "--port-file", str(port_file), "--latency-ms", "1"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("simulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert port_file.read_text().strip() == url.rsplit(":", 1)[1]
        assert requests.get(url + "/_sim/health", timeout=TIMEOUT).json() == {"ok": True}
        assert requests.get(url + "/api/v1/campaigns/103", auth=VOLTMX_AUTH, timeout=TIMEOUT).status_code == 200
        process.send_signal(signum)
        assert process.wait(timeout=10) == 0
        assert process.stderr.read() == ""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
