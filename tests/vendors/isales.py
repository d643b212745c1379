# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test data for Huawei CC-iSales: its payloads and URLs, and the facts the tests expect of it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

NAME = 'isales'

# ----- unit tests: payloads and URLs --------------------------------------------------------

# The answers below follow Huawei's CEC API reference: "Querying Details About an Outbound
# Campaign" (envelope + ``returnObject``), "Querying All Outbound Campaigns" (envelope + ``data``,
# ``totalSize``, ``curPage``, ``rowsPerPage``), "Suspending an Outbound Campaign" and "Resuming an
# Outbound Campaign" (envelope only; ``0200011`` when the status does not allow the call).
# The host is part of every AK/SK signature: the known signature vectors hold for this one.
HOST = 'isales.example.com:28090'
API_URL = 'https://' + HOST
VDN_ID = 12
CAMPAIGN_ID = '1002003'
CONTENT_TYPE = 'application/json; charset=UTF-8'
ACCESS_KEY = 'AKIDEXAMPLE'
SECRET_KEY = 'SKEXAMPLE'
# A client's options (AK/SK) and a module task's arguments (without vdn_id, which some tests take from the environment).
CLIENT_OPTIONS = dict(api_url=API_URL, access_key=ACCESS_KEY, secret_key=SECRET_KEY, token=None, vdn_id=VDN_ID)
MODULE_ARGS = dict(provider='isales', api_url=API_URL, access_key='AK-1', secret_key='isales-s3cret')
# The four mandatory parameters of a list request but the page.
LIST_QUERY = {'status': '0', 'deviceType': '0', 'rowsPerPage': '100'}


def campaigns_url(vdn_id=VDN_ID):
    return '{0}/rest/isales/v1/openapi/campaigns/{1}'.format(API_URL, vdn_id)


def campaign_url(campaign_id=CAMPAIGN_ID, action=None, vdn_id=VDN_ID):
    """A campaign (read), or ``pause`` / ``resume`` of it."""
    url = '{0}/{1}'.format(campaigns_url(vdn_id), campaign_id)
    return '{0}/{1}'.format(url, action) if action else url


def list_query(page):
    """The exact query of one list request, for ``matchers.query_param_matcher``."""
    return dict(LIST_QUERY, curPage=str(page))


def list_url(page, vdn_id=VDN_ID):
    return '{0}?status=0&deviceType=0&curPage={1}&rowsPerPage=100'.format(campaigns_url(vdn_id), page)


def envelope(code='0200000', desc=''):
    """What every answer carries; ``resultCode`` 0200000 is the only success, whatever HTTP says."""
    return {'resultCode': code, 'resultDesc': desc, 'returnCode': code, 'returnDesc': desc}


OK = envelope()


def read_answer(status, **fields):
    """A read answer: the campaign is ``returnObject``. The page's field table does not list an
    id (its example shows one), so the record leaves it out."""
    campaign = dict(name='Renewals', description=None, status=status, strBeginTime='2025-01-01 00:00:00',
                    strEndTime='2026-12-31 23:59:59', deviceType=2, callerNo='10086', maxAlertingTime=20)
    campaign.update(fields)
    return dict(OK, returnObject=campaign)


def row(campaign_id, status=2, **fields):
    """One row of a list answer's ``data``, with the fields of Huawei's example."""
    campaign = dict(id=campaign_id, name='c{0}'.format(campaign_id), status=status, strBeginTime='2018-11-30 16:00:47',
                    strEndTime='2018-11-30 23:11:43', deviceType=2, callerNo='10080')
    campaign.update(fields)
    return campaign


def list_page(rows, total, page, rows_per_page=100):
    return dict(OK, curPage=page, totalSize=total, rowsPerPage=rows_per_page, data=rows, curSkillQueueCount=total, curIvrCount=0)


# Answers as Huawei documents them, for the parser properties to mutate.
DOCUMENTED_ANSWERS = {
    'read': [read_answer(2, name='c'), dict(OK, returnObject={'status': 1})],
    'list': [list_page([row(1, name='c'), row(2, 4)], 2, 1)],
    'apply': [OK, envelope('0200011', 'cannot be suspended')],
}
# Answers with a number JSON cannot hold (parser bugs pinned down once).
NON_FINITE_ANSWERS = [
    ('read', b'{"resultCode": "0200000", "returnObject": {"status": Infinity}}'),
    ('list', b'{"resultCode": "0200000", "totalSize": Infinity, "data": [{"id": 1, "status": 2}]}'),
]

# (current, target) -> the call, per vendor-apis.md.
DOCUMENTED_TRANSITIONS = {
    ('running', 'paused'): 'pause',
    ('paused', 'running'): 'resume',
}
MULTI_STEP_PLANS = {}
SETTABLE_STATES = ['paused', 'running']
# The machine-wide limiter: None (Huawei documents no limit).
LIMITER = None


# ----- runner, converger and options tests ---------------------------------------------------

# (option, environment variable, value): the variables that configure an iSales task (vdn_id aside).
ENV_BINDINGS = [
    ('api_url', 'ISALES_API_URL', 'https://isales.example.com:28090'),
    ('access_key', 'ISALES_ACCESS_KEY', 'AK1'),
    ('secret_key', 'ISALES_SECRET_KEY', 'SK1'),
    ('token', 'ISALES_TOKEN', 'ready-authorization'),
]
# (task options, message) of a task that lacks credentials.
MISSING_CREDENTIALS = [
    (dict(api_url='https://is.example.com', access_key='AK'),
     'provider=isales needs credentials: set access_key (ISALES_ACCESS_KEY) and secret_key (ISALES_SECRET_KEY) or token (ISALES_TOKEN)'),
]
# (task options, part of the message) of a task with credentials but no endpoint.
MISSING_ENDPOINT = (dict(token='t'), 'needs api_url (ISALES_API_URL)')
NUMERIC_CAMPAIGN_IDS = True
# (default, maximum) of concurrency.
CONCURRENCY = (8, 32)
# One valid item of a bulk task's campaigns (a campaign id is unique within its VDN only).
CAMPAIGNS_ITEM = dict(campaign_id='1002003', vdn_id=12)


# ----- integration tests: the simulator's campaigns and the playbook scenarios ---------------
# Campaign ids are those of the simulator's seed (tests/simulator/seed/isales.json).

# Each native status the simulator stores -> its canonical state, written out here rather than
# taken from the provider, so that the tests judge the provider's own table; the seed holds each.
SIM_STATES = {1: 'unknown', 2: 'running', 3: 'paused', 4: 'completed'}
# The HTTP method of a status write.
WRITE_METHOD = 'PUT'


def connection(url, creds):
    """Task options that reach the simulator at ``url`` with its credentials ``creds``."""
    return {'api_url': url, 'access_key': creds['access_key'], 'secret_key': creds['secret_key'], 'vdn_id': 1}


# A campaign a task can move: (id, canonical state, target state, the actions that move it).
MOVE = ('201', 'running', 'paused', ['pause'])
# A campaign to read and its canonical state (the AWX credential tests).
SEEDED = ('201', 'running')
# Transitions the vendor forbids: (campaign id, current canonical state, desired state).
FORBIDDEN = [
    ('203', 'completed', 'running'),
    ('203', 'completed', 'paused'),
    ('204', 'unknown', 'running'),
]
# Options that make the credentials wrong.
WRONG_CREDENTIAL = {'secret_key': 'wrong-secret'}
# The simulator's business_error fault on writes: what the failure message says, the pattern the
# fault matrix expects, and whether the failure is final (a refusal). Final:
# a business failure code is not ambiguous.
BUSINESS_ERROR_TEXT = 'resultCode 0200006'
BUSINESS_ERROR_PATTERN = r'resultCode 0200006'
BUSINESS_ERROR_IS_FINAL = True
# Refused writes (fault kind, campaign id, target, what the failure says): one write, never resent.
REFUSED_WRITES = [('refused', '201', 'paused', '0200011')]
# The fault matrix (test_faults.py): a paused campaign started again (id, target, actions), and
# two running campaigns moved in one bulk task.
FAULT_READ_CELL = ('202', 'running', ['resume'])
FAULT_WRITE_CELLS = [('201', 'paused', ['pause']), ('205', 'paused', ['pause'])]
# A campaign the vendor started that waits for its start time, that start time as the vendor
# reports it, and the vendor calls that start it now (start_now); None: no such campaign.
SCHEDULED = None
# Credential options whose values travel in a request header (CR/LF in them must be refused).
HEADER_CREDENTIALS = ['secret_key', 'access_key']
# Bad values given through the provider's environment variables: (option, value), with ``{url}``
# and the keys of the simulator's credentials filled in.
ENVIRONMENT_ATTACKS = [('vdn_id', '1; DROP'), ('vdn_id', '0')]
# AWX: the writes of playbooks/demo.yml (campaign id, method, last path segment, ``api=`` or body
# status), and a set_campaign_state.yml job (campaign id, state, its write).
DEMO_WRITES = [('201', 'PUT', 'pause', None)]
SURVEY_JOB = ('202', 'running', ('PUT', 'resume', None))

# ----- example playbooks (tests/integration/test_example_playbooks.py) -----------------------

# Seeded campaigns that maintenance_window.yml holds, and the running ones among them, which it
# pauses and then resumes.
MAINTENANCE_WINDOW = (['201', '202', '203', '205'], ['201', '205'])


# ----- inventory plugin (tests/unit/plugins/inventory/test_campaigns.py) ---------------------

# A sources entry that reads this account's VDN, and a native status the vendor lists for each of
# two canonical states.
INVENTORY_SOURCE = dict(MODULE_ARGS, vdn_id=VDN_ID)
INVENTORY_STATUSES = {'running': 2, 'paused': 3}


def inventory_answers(campaigns):
    """The requests the inventory sends to read ``campaigns`` ((id, native status, name) each), as
    (method, URL, JSON answer): one list page of the VDN."""
    rows = [row(int(campaign_id), status, name=name) for campaign_id, status, name in campaigns]
    return [('GET', list_url(1), list_page(rows, len(rows), 1))]
