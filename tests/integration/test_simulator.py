# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Tests of the vendor simulator itself (tests/simulator), over real HTTP.

Run from the repository root: ``python3 -m pytest -q tests/integration/test_simulator.py``.
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

VOLTMX_AUTH = (DEFAULT_CREDENTIALS["voltmx"]["username"], DEFAULT_CREDENTIALS["voltmx"]["password"])
OCAMBA = {"Authorization": "Bearer " + DEFAULT_CREDENTIALS["ocamba"]["token"]}
WOLKVOX = {"wolkvox-token": DEFAULT_CREDENTIALS["wolkvox"]["token"]}
ISALES_CT = "application/json; charset=UTF-8"
TIMEOUT = 10


def _basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()


EIGHT_READ = {"Authorization": _basic("tenant1", DEFAULT_CREDENTIALS["8x8"]["data_token"])}
EIGHT_WRITE = {"Authorization": _basic("tenant1", DEFAULT_CREDENTIALS["8x8"]["action_token"])}


@pytest.fixture(scope="module")
def sim():
    """One simulator for the module."""
    with Simulator() as server:
        yield server


@pytest.fixture(autouse=True)
def fresh(sim):
    """Every test starts from the seed."""
    assert requests.post(sim.url + "/_sim/reset", timeout=TIMEOUT).json() == {"ok": True}
    yield


def admin(sim, method, path, body=None):
    """Call the admin API and return the parsed answer."""
    response = requests.request(method, sim.url + "/_sim/" + path, json=body, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.json()


def campaign(sim, provider, campaign_id):
    """The simulator's current record of one campaign."""
    return admin(sim, "GET", "campaigns/%s/%s" % (provider, campaign_id))


def voltmx(sim, method, path, auth=VOLTMX_AUTH, **kwargs):
    """A Volt MX call."""
    return requests.request(method, sim.url + "/api/v1/campaigns" + path, auth=auth, timeout=TIMEOUT, **kwargs)


def isales(sim, method, path, params=None, ak="isales-ak", sk="isales-sk-secret", now=None, signed_path=None, headers=None):
    """An iSales call, signed like the client does."""
    full = "/rest/isales/v1/openapi/campaigns" + path
    pairs = [(k, str(v)) for k, v in (params or {}).items()]
    host = urlsplit(sim.url).netloc
    hdrs = {"Content-Type": ISALES_CT, "Authorization": sign(ak, sk, method, signed_path or full, pairs, ISALES_CT, host, now)}
    hdrs.update(headers or {})
    return requests.request(method, sim.url + full, params=params, headers=hdrs, timeout=TIMEOUT)


def ocamba(sim, method, path, body=None, headers=None):
    """An Ocamba call."""
    return requests.request(method, sim.url + "/v1/hood/campaigns" + path, json=body, headers=OCAMBA if headers is None else headers, timeout=TIMEOUT)


def wolkvox_list(sim, headers=None, api="campaigns"):
    """The Wolkvox campaign list."""
    params = {"api": api} if api is not None else {}
    return requests.get(sim.url + "/api/v2/information.php", params=params, headers=WOLKVOX if headers is None else headers, timeout=TIMEOUT)


def wolkvox_act(sim, api, campaign_type, campaign_id, headers=None):
    """A Wolkvox start/stop."""
    params = {"api": api, "type_campaign": campaign_type, "campaign_id": campaign_id}
    params = {k: v for k, v in params.items() if v is not None}
    return requests.put(sim.url + "/api/v2/campaign.php", params=params, headers=WOLKVOX if headers is None else headers, timeout=TIMEOUT)


def eight_read(sim, campaign_id, headers=None):
    """An 8x8 status read."""
    return requests.get(sim.url + "/api/stats/campaigns/%s.json" % campaign_id, headers=EIGHT_READ if headers is None else headers, timeout=TIMEOUT)


def eight_write(sim, campaign_id, status, method="POST", headers=None):
    """An 8x8 status change."""
    return requests.request(method, sim.url + "/api/tstats/campaigns/%s" % campaign_id, json={"status": status},
                            headers=EIGHT_WRITE if headers is None else headers, timeout=TIMEOUT)


def is_uuid4(text):
    """True for a uuid4 string."""
    return uuid.UUID(text).version == 4


# ---------------------------------------------------------------------------------------- Volt MX

def test_voltmx_auth(sim):
    assert voltmx(sim, "GET", "/103", auth=None).status_code == 401
    assert voltmx(sim, "GET", "/103", auth=("voltmx-admin", "nope")).status_code == 401
    assert voltmx(sim, "GET", "/103", auth=None, headers={"X-VoltMX-Authorization": "wrong"}).status_code == 401
    assert voltmx(sim, "GET", "/103", auth=None, headers={"X-VoltMX-Authorization": "voltmx-claims-token"}).status_code == 200
    response = voltmx(sim, "GET", "/103")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.json()["status"] == "Running"
    assert response.json()["name"]


def test_voltmx_read_errors_and_list(sim):
    unknown = voltmx(sim, "GET", "/999")
    assert unknown.status_code == 400
    assert unknown.json() == {"message": "Invalid campaign ID provided or no campaign found with given ID"}
    assert voltmx(sim, "GET", "/a.b").status_code == 400
    first = voltmx(sim, "GET", "", params={"start": 0, "pageSize": 5}).json()
    assert first["total"] == 12 and [c["id"] for c in first["campaigns"]] == ["101", "102", "103", "104", "105"]
    last = voltmx(sim, "GET", "", params={"start": 10, "pageSize": 5}).json()
    assert last["total"] == 12 and [c["id"] for c in last["campaigns"]] == ["111", "112"]
    assert voltmx(sim, "GET", "", params={"start": 0, "pageSize": "x"}).status_code == 400


VOLTMX_OK = [
    ("102", "start", "Running", "Campaign execution intiated successfully. "),
    ("103", "pause", "Paused", "Campaign execution paused successfully. "),
    ("104", "resume", "Running", "Campaign execution resumed successfully. "),
    ("103", "terminate", "Terminated", "Campaign execution stopped successfully. "),
    ("104", "terminate", "Terminated", "Campaign execution stopped successfully. "),
    ("107", "terminate", "Terminated", "Campaign execution stopped successfully. "),
]


@pytest.mark.parametrize("campaign_id,action,status,message", VOLTMX_OK)
def test_voltmx_allowed_transitions(sim, campaign_id, action, status, message):
    response = voltmx(sim, "POST", "/%s/%s" % (campaign_id, action))
    assert response.status_code == 200
    assert response.json() == {"id": campaign_id, "message": message}
    assert campaign(sim, "voltmx", campaign_id)["status"] == status


@pytest.mark.parametrize("campaign_id,action", [
    ("103", "start"), ("101", "start"), ("104", "pause"), ("102", "pause"), ("103", "resume"),
    ("106", "resume"), ("106", "terminate"), ("105", "terminate"), ("101", "terminate"),
])
def test_voltmx_refused_transitions(sim, campaign_id, action):
    before = campaign(sim, "voltmx", campaign_id)["status"]
    response = voltmx(sim, "POST", "/%s/%s" % (campaign_id, action))
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid request format"}
    assert campaign(sim, "voltmx", campaign_id)["status"] == before


def test_voltmx_unknown_campaign_action(sim):
    response = voltmx(sim, "POST", "/998/start")
    assert response.status_code == 400
    assert response.json() == {"message": "Invalid campaign ID provided or no campaign found with given ID"}


# ---------------------------------------------------------------------------------------- Huawei iSales

def test_isales_signature_function():
    header = sign("ak", "sk", "PUT", "/a b/c", [("x", "1 2"), ("a", "z")], ISALES_CT, "h:1")
    assert header.startswith("auth-v2/ak/") and "/content-type;host/" in header
    assert verify_authorization(header, {"ak": "sk"}, "PUT", "/a b/c", [("a", "z"), ("x", "1 2")], ISALES_CT, "h:1") is None
    assert verify_authorization(header, {"ak": "other"}, "PUT", "/a b/c", [("a", "z"), ("x", "1 2")], ISALES_CT, "h:1") == "signature mismatch"
    assert verify_authorization(header, {"ak": "sk"}, "GET", "/a b/c", [("a", "z"), ("x", "1 2")], ISALES_CT, "h:1") == "signature mismatch"
    assert verify_authorization(header, {}, "PUT", "/a b/c", [], ISALES_CT, "h:1") == "unknown access key"


def test_isales_auth(sim):
    assert isales(sim, "GET", "/1/201").status_code == 200
    no_auth = requests.get(sim.url + "/rest/isales/v1/openapi/campaigns/1/201", headers={"Content-Type": ISALES_CT}, timeout=TIMEOUT)
    assert no_auth.status_code == 401
    assert isales(sim, "GET", "/1/201", sk="wrong").status_code == 401
    assert isales(sim, "GET", "/1/201", ak="other-ak").status_code == 401
    old = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=16)
    assert isales(sim, "GET", "/1/201", now=old).status_code == 401
    recent = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=14)
    assert isales(sim, "GET", "/1/201", now=recent).status_code == 200
    assert isales(sim, "GET", "/1/201", signed_path="/rest/isales/v1/openapi/campaigns/1/202").status_code == 401
    assert isales(sim, "PUT", "/1/201/pause", headers={"Content-Type": "text/plain"}).status_code == 401
    assert campaign(sim, "isales", "201")["status"] == 2


def test_isales_read(sim):
    # Huawei's page "Querying Details About an Outbound Campaign": envelope + returnObject, as in its example.
    response = isales(sim, "GET", "/1/201")
    assert response.status_code == 200
    body = response.json()
    assert body["resultCode"] == "0200000" and body["returnCode"] == "0200000"
    assert set(body) == {"resultCode", "resultDesc", "returnCode", "returnDesc", "returnObject"}
    record = body["returnObject"]
    assert record["status"] == 2 and record["name"] == "Renewal Reminder Calls" and record["strBeginTime"] == "2025-01-01 00:00:00"
    assert record["id"] == 201 and record["description"] is None and record["deviceType"] == 2 and "vdnId" not in record
    assert isales(sim, "GET", "/1/202").json()["returnObject"]["status"] == 3


@pytest.mark.parametrize("path,code", [
    ("/1/999", "0200007"), ("/1/210", "0200007"), ("/2/201", "0200007"), ("/0/201", "0200001"),
    ("/10000/201", "0200001"), ("/abc/201", "0200001"), ("/1/abc", "0200001"),
])
def test_isales_read_errors_are_http_200(sim, path, code):
    response = isales(sim, "GET", path)
    assert response.status_code == 200
    assert response.json()["resultCode"] == code
    assert response.json()["returnCode"] == code


ALL = {"status": 0, "deviceType": 0}


def test_isales_list(sim):
    # Huawei's page "Querying All Outbound Campaigns": the envelope, the paging fields and the
    # rows with exactly the fields of its example.
    body = isales(sim, "GET", "/1", dict(ALL, curPage=1, rowsPerPage=100)).json()
    assert body["resultCode"] == "0200000" and body["totalSize"] == 9 and len(body["data"]) == 9
    assert set(body) == {"resultCode", "resultDesc", "returnCode", "returnDesc", "curPage", "totalSize", "rowsPerPage",
                         "curSkillQueueCount", "curIvrCount", "data"}
    assert (body["curSkillQueueCount"], body["curIvrCount"]) == (6, 3)
    assert body["data"][0] == {"id": 201, "name": "Renewal Reminder Calls", "status": 2, "strBeginTime": "2025-01-01 00:00:00",
                               "strEndTime": "2026-12-31 23:59:59", "deviceType": 2, "callerNo": "4008000201"}
    page = isales(sim, "GET", "/1", dict(ALL, curPage=2, rowsPerPage=4)).json()
    assert (page["totalSize"], page["curPage"], page["rowsPerPage"]) == (9, 2, 4)
    assert [r["id"] for r in page["data"]] == [205, 206, 207, 208]
    running = isales(sim, "GET", "/1", {"status": 2, "deviceType": 0, "curPage": 1, "rowsPerPage": 100}).json()
    assert {r["id"] for r in running["data"]} == {201, 205, 207}
    ivr = isales(sim, "GET", "/1", {"status": 0, "deviceType": 3, "curPage": 1, "rowsPerPage": 100}).json()
    assert {r["id"] for r in ivr["data"]} == {203, 207}
    # "If the input value is less than 1, the system automatically changes the value to 1."
    assert isales(sim, "GET", "/1", dict(ALL, curPage=0, rowsPerPage=4)).json()["curPage"] == 1
    assert isales(sim, "GET", "/2", dict(ALL, curPage=1, rowsPerPage=10)).json()["totalSize"] == 1


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
def test_isales_list_parameter_errors(sim, params, detail):
    response = isales(sim, "GET", "/1", params)
    assert response.status_code == 200
    body = response.json()
    assert body["resultCode"] == "0200001" and body["returnCode"] == "0200001"
    assert body["resultDesc"].startswith("Parameter error: ") and detail in body["resultDesc"]
    assert "data" not in body


def test_isales_pause_and_resume(sim):
    paused = isales(sim, "PUT", "/1/201/pause")
    assert paused.status_code == 200
    assert paused.json() == {"resultCode": "0200000", "resultDesc": "", "returnCode": "0200000", "returnDesc": ""}
    assert campaign(sim, "isales", "201")["status"] == 3
    resumed = isales(sim, "PUT", "/1/202/resume")
    assert resumed.json()["resultCode"] == "0200000"
    assert campaign(sim, "isales", "202")["status"] == 2


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
def test_isales_refused(sim, path, code, desc):
    response = isales(sim, "PUT", path)
    assert response.status_code == 200
    body = response.json()
    assert body["resultCode"] == code and body["returnCode"] == code
    if desc:
        assert body["resultDesc"] == desc
    assert campaign(sim, "isales", "201")["status"] == 2


# ---------------------------------------------------------------------------------------- Ocamba

def test_ocamba_auth(sim):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}):
        response = ocamba(sim, "GET", "/303", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["code"] == 401 and body["title"] and body["message"] and is_uuid4(body["trace_id"])
        assert "X-RateLimit-Limit" in response.headers
    assert ocamba(sim, "GET", "/303", headers={"Authorization": "Bearer ocamba-token-second"}).status_code == 200


def test_ocamba_read_and_list(sim):
    response = ocamba(sim, "GET", "/303")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["items"][0]["id"] == "303" and body["items"][0]["status"] == "running"
    for key in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        assert key in response.headers
    missing = ocamba(sim, "GET", "/999")
    assert missing.status_code == 404 and missing.json()["code"] == 404 and is_uuid4(missing.json()["trace_id"])
    assert ocamba(sim, "GET", "/a.b").status_code == 404
    page1 = ocamba(sim, "GET", "?page=1,5&sort=id").json()
    assert page1["total"] == 12 and [i["id"] for i in page1["items"]] == ["301", "302", "303", "304", "305"]
    page3 = ocamba(sim, "GET", "?page=3,5&sort=id").json()
    assert [i["id"] for i in page3["items"]] == ["311", "312"]
    default = ocamba(sim, "GET", "").json()
    assert default["total"] == 12 and len(default["items"]) == 10 and default["items"][0]["id"] == "312"
    running = ocamba(sim, "GET", "?status=running&page=1,100").json()
    assert {i["id"] for i in running["items"]} == {"303", "307", "311"}
    bad = ocamba(sim, "GET", "?page=x")
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
def test_ocamba_allowed(sim, campaign_id, action, body, status):
    response = ocamba(sim, "POST", "/%s/%s" % (campaign_id, action), body)
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Content-Type"] == "application/json"
    record = campaign(sim, "ocamba", campaign_id)
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
def test_ocamba_refused(sim, campaign_id, action, body, message):
    before = campaign(sim, "ocamba", campaign_id)["status"]
    response = ocamba(sim, "POST", "/%s/%s" % (campaign_id, action), body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == 400 and error["title"] == "Bad request." and is_uuid4(error["trace_id"])
    if message:
        assert error["message"] == message
    assert campaign(sim, "ocamba", campaign_id)["status"] == before


def test_ocamba_cancel_is_final(sim):
    assert ocamba(sim, "POST", "/303/cancel", {"reason": "x"}).status_code == 204
    assert ocamba(sim, "POST", "/303/resume", {"run_immediately": 1}).status_code == 400
    assert ocamba(sim, "POST", "/303/pause", {"reason": "x"}).status_code == 400
    assert ocamba(sim, "POST", "/999/pause", {"reason": "x"}).status_code == 404


def test_ocamba_burst_limit(sim):
    admin(sim, "POST", "settings", {"ocamba_limits": {"per_second": 10, "per_minute": 150}})
    session = requests.Session()
    started = time.monotonic()
    statuses = []
    for _attempt in range(11):
        response = session.get(sim.url + "/v1/hood/campaigns/303", headers=OCAMBA, timeout=TIMEOUT)
        statuses.append(response.status_code)
    assert time.monotonic() - started < 1.0
    assert statuses == [200] * 10 + [429]
    assert response.headers["X-RateLimit-Remaining"] == "0"
    retry_after = int(response.headers["Retry-After"])
    assert 1 <= retry_after <= 1
    body = response.json()
    assert body["code"] == 429 and body["message"] and is_uuid4(body["trace_id"])
    # per token: another token still has its own window
    assert ocamba(sim, "GET", "/303", headers={"Authorization": "Bearer ocamba-token-second"}).status_code == 200
    time.sleep(1.05)
    assert session.get(sim.url + "/v1/hood/campaigns/303", headers=OCAMBA, timeout=TIMEOUT).status_code == 200


def test_ocamba_minute_limit(sim):
    admin(sim, "POST", "settings", {"ocamba_limits": {"per_second": 100, "per_minute": 5}})
    statuses = [ocamba(sim, "GET", "/303").status_code for _attempt in range(6)]
    assert statuses == [200] * 5 + [429]
    response = ocamba(sim, "GET", "/303")
    assert response.status_code == 429 and 30 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-RateLimit-Limit"] == "5"
    admin(sim, "POST", "settings", {"ocamba_limits": {"per_second": None, "per_minute": None}})
    assert all(ocamba(sim, "GET", "/303").status_code == 200 for _attempt in range(12))


# ---------------------------------------------------------------------------------------- Wolkvox

def test_wolkvox_auth(sim):
    missing = wolkvox_list(sim, headers={})
    assert missing.status_code == 401
    assert missing.json() == {"code": 401, "error": "PLEASE ENTER THE WOLKVOX-TOKEN", "msg": "PLEASE ENTER THE WOLKVOX-TOKEN", "data": None}
    wrong = wolkvox_list(sim, headers={"wolkvox-token": "nope"})
    assert wrong.status_code == 403 and wrong.json()["error"] == "PLEASE VALIDATE TOKEN" and wrong.json()["code"] == 403
    assert wolkvox_act(sim, "start", "preview", "402", headers={"wolkvox-token": "nope"}).status_code == 403
    assert campaign(sim, "wolkvox", "402")["status"] == "Stopped"


def test_wolkvox_list_and_api_errors(sim):
    response = wolkvox_list(sim)
    assert response.status_code == 200
    body = response.json()
    assert body["code"] == 200 and body["error"] is None and body["msg"]
    assert len(body["data"]) == 6
    row = body["data"][0]
    assert set(row) >= {"campaign_id", "campaign_name", "type_campaign", "status"}
    assert {r["status"] for r in body["data"]} == {"Started", "Stopped"}
    assert {r["type_campaign"] for r in body["data"]} == {"preview", "predictive"}
    for bad in (wolkvox_list(sim, api="agents"), wolkvox_act(sim, "pause", "preview", "402")):
        assert bad.status_code == 400 and bad.json()["error"] == "THE API YOU WANT TO CONSULT DOES NOT EXIST"
    for bad in (wolkvox_list(sim, api=None), wolkvox_act(sim, "start", None, "402"), wolkvox_act(sim, "start", "preview", None)):
        assert bad.status_code == 400 and bad.json()["error"] == "SOME PARAMETERS ARE REQUIRED"


def test_wolkvox_start_and_stop(sim):
    started = wolkvox_act(sim, "start", "preview", "402")
    assert started.status_code == 200
    assert started.json() == {"code": 202, "error": None, "msg": "The 402 campaign_id has been started successfully"}
    assert campaign(sim, "wolkvox", "402")["status"] == "Started"
    stopped = wolkvox_act(sim, "stop", "predictive", "403")
    assert stopped.json() == {"code": 202, "error": None, "msg": "The 403 campaign_id has been stopped successfully"}
    assert campaign(sim, "wolkvox", "403")["status"] == "Stopped"
    admin(sim, "POST", "settings", {"wolkvox_success_http_status": 202})
    assert wolkvox_act(sim, "start", "predictive", "404").status_code == 202


@pytest.mark.parametrize("api,campaign_type,campaign_id", [
    ("start", "preview", "401"), ("stop", "preview", "402"), ("start", "preview", "404"),
    ("stop", "predictive", "401"), ("start", "preview", "499"), ("start", "preview", "a.b"), ("start", "outbound", "402"),
])
def test_wolkvox_refused(sim, api, campaign_type, campaign_id):
    response = wolkvox_act(sim, api, campaign_type, campaign_id)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == 400 and body["error"] and body["msg"]
    assert {r["campaign_id"]: r["status"] for r in wolkvox_list(sim).json()["data"]} == {
        "401": "Started", "402": "Stopped", "403": "Started", "404": "Stopped", "405": "Started", "406": "Stopped"}


def test_wolkvox_concurrency_limit(sim):
    admin(sim, "POST", "latency", {"provider": "wolkvox", "ms": 400})
    barrier = threading.Barrier(3)
    results = []

    def call():
        barrier.wait()
        response = wolkvox_list(sim)
        results.append((response.status_code, response.json()))

    threads = [threading.Thread(target=call) for _attempt in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(status for status, _unused in results) == [200, 200, 403]
    refused = [body for status, body in results if status == 403][0]
    assert refused["error"] == "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"
    log = admin(sim, "GET", "requests")
    assert len(log) == 3 and sorted(e["status"] for e in log) == [200, 200, 403]
    # the slots are free again afterwards
    assert wolkvox_list(sim).status_code == 200


# ---------------------------------------------------------------------------------------- 8x8

def test_eight_auth(sim):
    assert eight_read(sim, 6561, headers={}).status_code == 401
    assert eight_read(sim, 6561, headers=EIGHT_WRITE).status_code == 401
    assert eight_read(sim, 6561, headers={"Authorization": _basic("tenant2", "eight-data-secret")}).status_code == 401
    assert eight_write(sim, 6503, "PAUSED", headers=EIGHT_READ).status_code == 401
    assert eight_write(sim, 6503, "PAUSED", headers={}).status_code == 401
    assert campaign(sim, "8x8", "6503")["status"] == 3


def test_eight_read(sim):
    response = eight_read(sim, 6561)
    assert response.status_code == 200
    record = response.json()["campaign"]
    assert record["campaign-name"] == "My Callbacks" and record["campaign-id"] == 6561
    assert record["enabled"] == "Y" and record["status"] == 3 and record["dynamic-campaign"] == "Y"
    for key in ("no-of-records", "caller-id", "queue-id", "start-time", "end-time", "actual-run-time", "actual-stop-time",
                "daily-start-time", "daily-end-time", "retry-interval", "max-retry", "abandon-max-retry", "max-ring-time",
                "integration-type", "calling-window", "schedule-name", "timezone", "sequential"):
        assert key in record
    assert eight_read(sim, 9999).status_code == 404
    assert eight_read(sim, "abc").status_code == 404


EIGHT_OK = [
    (6500, "RUNNING", 3), (6501, "PAUSED", 8), (6502, "PAUSED", 8), (6503, "PAUSED", 8), (6504, "PAUSED", 8),
    (6501, "STOPPED", 5), (6502, "STOPPED", 5), (6503, "STOPPED", 5), (6504, "STOPPED", 5),
    (6508, "RUNNING", 3), (6508, "PURGED", 10), (6508, "STOPPED", 5), (6509, "RUNNING", 3), (6509, "PURGED", 10), (6509, "STOPPED", 5),
    (6510, "RUNNING", 3), (6510, "STOPPED", 5), (6511, "RUNNING", 3), (6511, "STOPPED", 5),
]


@pytest.mark.parametrize("campaign_id,target,result", EIGHT_OK)
def test_eight_allowed(sim, campaign_id, target, result):
    # 8x8's OpenAPI documents the 200 with no body.
    response = eight_write(sim, campaign_id, target)
    assert response.status_code == 200
    assert response.content == b""
    assert eight_read(sim, campaign_id).json()["campaign"]["status"] == result


def test_eight_status_message_setting_answers_as_the_guide_shows(sim):
    admin(sim, "POST", "settings", {"eightbyeight_status_message": True})
    response = eight_write(sim, 6508, "RUNNING")
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
def test_eight_refused(sim, campaign_id, target, status, message):
    before = campaign(sim, "8x8", campaign_id)["status"]
    response = eight_write(sim, campaign_id, target)
    assert response.status_code == status
    assert response.json() == {"message": message}
    assert campaign(sim, "8x8", campaign_id)["status"] == before


def test_eight_patch_and_post_405(sim):
    assert eight_write(sim, 6503, "PAUSED", method="PATCH").status_code == 200
    assert campaign(sim, "8x8", "6503")["status"] == 8
    assert eight_write(sim, 6503, "PAUSED", method="PATCH").status_code == 400
    assert eight_write(sim, 9999, "PAUSED").status_code == 404
    admin(sim, "POST", "settings", {"eightbyeight_post_405": True})
    refused = eight_write(sim, 6504, "PAUSED")
    assert refused.status_code == 405
    assert campaign(sim, "8x8", "6504")["status"] == 4
    assert eight_write(sim, 6504, "PAUSED", method="PATCH").status_code == 200
    assert campaign(sim, "8x8", "6504")["status"] == 8


# ---------------------------------------------------------------------------------------- faults

def fault(sim, **spec):
    """Queue one fault."""
    return admin(sim, "POST", "faults", spec)


@pytest.mark.parametrize("kind,status", [("http_500", 500), ("http_502", 502), ("http_503", 503), ("http_504", 504)])
def test_fault_http_status(sim, kind, status):
    fault(sim, provider="ocamba", kind=kind, count=2)
    for _attempt in range(2):
        response = ocamba(sim, "GET", "/303")
        assert response.status_code == status
        body = response.json()
        assert body["code"] == status and is_uuid4(body["trace_id"])
        assert ("message" in body) == (status != 500)
    assert ocamba(sim, "GET", "/303").status_code == 200
    log = admin(sim, "GET", "requests")
    assert [e["fault"] for e in log] == [kind, kind, None]


def test_fault_method_filter_and_wildcard(sim):
    fault(sim, provider="voltmx", kind="http_503", method="POST")
    assert voltmx(sim, "GET", "/103").status_code == 200
    assert voltmx(sim, "POST", "/103/pause").status_code == 503
    assert campaign(sim, "voltmx", "103")["status"] == "Running"
    fault(sim, provider="*", kind="http_500")
    assert eight_read(sim, 6561).status_code == 500
    assert admin(sim, "GET", "faults")["faults"] == []


def test_fault_429(sim):
    fault(sim, provider="voltmx", kind="http_429", retry_after="2")
    fault(sim, provider="wolkvox", kind="http_429")
    limited = voltmx(sim, "GET", "/103")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    wolk = wolkvox_list(sim)
    assert wolk.status_code == 429 and wolk.headers["Retry-After"] == "1" and wolk.json()["code"] == 429


def test_fault_401(sim):
    fault(sim, provider="8x8", kind="http_401")
    assert eight_read(sim, 6561).status_code == 401
    assert eight_read(sim, 6561).status_code == 200


def test_fault_slow(sim):
    fault(sim, provider="isales", kind="slow", delay_s=0.3)
    started = time.monotonic()
    response = isales(sim, "PUT", "/1/201/pause")
    assert time.monotonic() - started >= 0.3
    assert response.json()["resultCode"] == "0200000"
    assert campaign(sim, "isales", "201")["status"] == 3


def test_fault_reset_before(sim):
    fault(sim, provider="voltmx", kind="reset_before", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        voltmx(sim, "POST", "/103/pause")
    assert campaign(sim, "voltmx", "103")["status"] == "Running"
    entry = admin(sim, "GET", "requests")[-1]
    assert entry["fault"] == "reset_before" and entry["status"] is None


def test_fault_reset_after(sim):
    fault(sim, provider="voltmx", kind="reset_after", method="POST")
    with pytest.raises(requests.exceptions.ConnectionError):
        voltmx(sim, "POST", "/103/pause")
    assert campaign(sim, "voltmx", "103")["status"] == "Paused"
    assert admin(sim, "GET", "requests")[-1]["fault"] == "reset_after"


def test_fault_malformed_json(sim):
    fault(sim, provider="ocamba", kind="malformed_json")
    response = ocamba(sim, "GET", "/303")
    assert response.status_code == 200
    with pytest.raises(ValueError):
        response.json()


def test_fault_html_error(sim):
    fault(sim, provider="8x8", kind="html_error")
    response = eight_read(sim, 6561)
    assert response.status_code == 502
    assert response.headers["Content-Type"].startswith("text/html") and "<html>" in response.text


def test_fault_wolkvox_concurrency(sim):
    fault(sim, provider="wolkvox", kind="wolkvox_403_concurrency")
    response = wolkvox_act(sim, "start", "preview", "402")
    assert response.status_code == 403
    assert response.json()["error"] == "EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)"
    assert campaign(sim, "wolkvox", "402")["status"] == "Stopped"


def test_fault_business_errors(sim):
    for provider in ("isales", "voltmx", "ocamba", "wolkvox", "8x8"):
        fault(sim, provider=provider, kind="business_error")
    response = isales(sim, "PUT", "/1/201/pause")
    assert response.status_code == 200 and response.json()["resultCode"] == "0200006"
    assert campaign(sim, "isales", "201")["status"] == 2
    assert voltmx(sim, "POST", "/103/pause").status_code == 500
    assert campaign(sim, "voltmx", "103")["status"] == "Running"
    response = ocamba(sim, "POST", "/303/pause", {"reason": "x"})
    assert response.status_code == 500 and "message" not in response.json() and is_uuid4(response.json()["trace_id"])
    response = wolkvox_act(sim, "start", "preview", "402")
    assert response.status_code == 400 and response.json()["code"] == 400
    response = eight_write(sim, 6503, "PAUSED")
    assert response.status_code == 500 and response.json() == {"message": "Internal server error"}
    assert campaign(sim, "8x8", "6503")["status"] == 3


def test_fault_admin_errors_and_clear(sim):
    assert requests.post(sim.url + "/_sim/faults", json={"provider": "ocamba", "kind": "boom"}, timeout=TIMEOUT).status_code == 400
    assert requests.post(sim.url + "/_sim/faults", json={"provider": "nope", "kind": "http_500"}, timeout=TIMEOUT).status_code == 400
    fault(sim, provider="ocamba", kind="http_500", count=5)
    assert len(admin(sim, "GET", "faults")["faults"]) == 1
    admin(sim, "DELETE", "faults")
    assert ocamba(sim, "GET", "/303").status_code == 200


# ---------------------------------------------------------------------------------------- admin API

def test_admin_reset(sim):
    voltmx(sim, "POST", "/103/pause")
    fault(sim, provider="ocamba", kind="http_500")
    admin(sim, "POST", "latency", {"provider": "*", "ms": 100})
    admin(sim, "POST", "settings", {"eightbyeight_post_405": True})
    admin(sim, "POST", "reset")
    assert campaign(sim, "voltmx", "103")["status"] == "Running"
    assert admin(sim, "GET", "requests") == []
    assert admin(sim, "GET", "faults")["faults"] == []
    assert admin(sim, "GET", "latency")["latency"] == {}
    assert admin(sim, "GET", "settings")["settings"]["eightbyeight_post_405"] is False
    assert admin(sim, "GET", "health") == {"ok": True}


def test_admin_seed_replace_and_generate(sim):
    admin(sim, "POST", "seed", {"campaigns": {"ocamba": [{"id": "900", "name": "Only One", "status": "paused", "create_time": "2025-01-01 00:00:00"}]}})
    assert ocamba(sim, "GET", "").json()["total"] == 1
    started = time.monotonic()
    answer = admin(sim, "POST", "seed", {"generate": {"ocamba": {"count": 600, "status": "running"}, "isales": {"count": 400, "status": 3},
                                                      "8x8": {"count": 3}, "wolkvox": {"count": 2}, "voltmx": {"count": 2}}})
    assert time.monotonic() - started < 2
    assert answer["counts"]["ocamba"] == 601 and answer["counts"]["isales"] == 410
    assert answer["generated"]["ocamba"][0] == "gen-ocamba-1" and answer["generated"]["isales"][0] == "100000"
    assert answer["generated"]["8x8"] == ["100000", "100001", "100002"]
    assert ocamba(sim, "GET", "?page=1,1000").json()["total"] == 601
    assert ocamba(sim, "GET", "/gen-ocamba-600").json()["items"][0]["status"] == "running"
    assert isales(sim, "GET", "/1/100399").json()["returnObject"]["status"] == 3
    assert eight_read(sim, 100002).json()["campaign"]["status"] == 3
    assert wolkvox_act(sim, "stop", "preview", "gen-wolkvox-1").status_code == 200
    assert voltmx(sim, "POST", "/gen-voltmx-2/pause").status_code == 200
    again = admin(sim, "POST", "seed", {"generate": {"ocamba": {"count": 1}}})
    assert again["generated"]["ocamba"] == ["gen-ocamba-601"]
    bad = requests.post(sim.url + "/_sim/seed", json={"campaigns": {"nope": []}}, timeout=TIMEOUT)
    assert bad.status_code == 400
    admin(sim, "POST", "reset")
    assert ocamba(sim, "GET", "").json()["total"] == 12


def test_admin_request_log(sim):
    requests.get(sim.url + "/_sim/campaigns", timeout=TIMEOUT)
    voltmx(sim, "GET", "/103", auth=None, headers={"X-VoltMX-Authorization": "voltmx-claims-token"})
    ocamba(sim, "POST", "/303/pause", {"reason": "log me"})
    wolkvox_act(sim, "start", "preview", "402")
    eight_read(sim, 6561)
    isales(sim, "GET", "/1/201")
    requests.get(sim.url + "/nowhere", timeout=TIMEOUT)
    log = admin(sim, "GET", "requests")
    assert [e["provider"] for e in log] == ["voltmx", "ocamba", "wolkvox", "8x8", "isales", None]
    assert [e["seq"] for e in log] == sorted(e["seq"] for e in log)
    first, pause, wolk, eight, huawei, nowhere = log
    assert first["method"] == "GET" and first["write"] is False and first["campaign_id"] == "103" and first["status"] == 200
    assert first["headers"]["X-VoltMX-Authorization"] == "<redacted>"
    assert pause["write"] is True and pause["body"] == {"reason": "log me"} and pause["status"] == 204
    assert pause["headers"]["Authorization"] == "<redacted>" and pause["path"] == "/v1/hood/campaigns/303/pause"
    assert wolk["query"] == {"api": "start", "type_campaign": "preview", "campaign_id": "402"} and wolk["campaign_id"] == "402"
    assert wolk["headers"]["wolkvox-token"] == "<redacted>" and wolk["write"] is True and wolk["method"] == "PUT"
    assert eight["headers"]["Authorization"] == "<redacted>" and eight["campaign_id"] == "6561"
    assert huawei["headers"]["Authorization"] == "<redacted>" and huawei["body"] is None
    assert nowhere["status"] == 404
    for entry in log:
        assert entry["finished"] >= entry["started"] and entry["fault"] is None
    text = json.dumps(log)
    for secret in ("secret", "claims-token"):
        assert secret not in text
    admin(sim, "DELETE", "requests")
    assert admin(sim, "GET", "requests") == []


def test_admin_latency(sim):
    admin(sim, "POST", "latency", {"provider": "ocamba", "ms": 250})
    started = time.monotonic()
    ocamba(sim, "GET", "/303")
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    voltmx(sim, "GET", "/103")
    assert time.monotonic() - started < 0.2
    started = time.monotonic()
    requests.get(sim.url + "/_sim/health", timeout=TIMEOUT)
    assert time.monotonic() - started < 0.2
    admin(sim, "POST", "latency", {"provider": "*", "ms": 150})
    started = time.monotonic()
    eight_read(sim, 6561)
    assert time.monotonic() - started >= 0.15


def test_admin_settings_validation(sim):
    for body in ({"nope": 1}, {"wolkvox_success_http_status": 201}, {"ocamba_limits": {"per_hour": 3}}, {"eightbyeight_post_405": "yes"},
                 {"isales_record_at_top_level": True}):
        assert requests.post(sim.url + "/_sim/settings", json=body, timeout=TIMEOUT).status_code == 400
    settings = admin(sim, "POST", "settings", {"wolkvox_max_in_flight": 3})["settings"]
    assert settings["wolkvox_max_in_flight"] == 3 and settings["ocamba_limits"] == {"per_second": 10, "per_minute": 150}
    assert requests.get(sim.url + "/_sim/nothing", timeout=TIMEOUT).status_code == 404


def test_admin_campaign_override(sim):
    admin(sim, "POST", "campaigns/8x8/6561", {"status": 9})
    assert eight_read(sim, 6561).json()["campaign"]["status"] == 9
    assert requests.get(sim.url + "/_sim/campaigns/8x8/1", timeout=TIMEOUT).status_code == 404
    everything = admin(sim, "GET", "campaigns")
    assert set(everything) == {"voltmx", "isales", "ocamba", "wolkvox", "8x8"}


def test_seed_covers_every_status(sim):
    everything = admin(sim, "GET", "campaigns")
    expected = {
        "voltmx": {"Draft", "Pending", "Running", "Paused", "Completed", "Terminated"},
        "isales": {1, 2, 3, 4},
        "ocamba": {"draft", "scheduled", "running", "paused", "completed", "canceled"},
        "wolkvox": {"Started", "Stopped"},
        "8x8": set(range(12)),
    }
    for provider, statuses in expected.items():
        assert {c["status"] for c in everything[provider]} >= statuses
        assert all(c.get("name") or c.get("campaign_name") or c.get("campaign-name") for c in everything[provider])


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
