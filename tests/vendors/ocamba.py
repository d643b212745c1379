# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test data for Ocamba Hood: its payloads and URLs, and the facts the tests expect of it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

NAME = 'ocamba'

# ----- unit tests: payloads and URLs --------------------------------------------------------

HOST = 'https://api.ocamba.com'
CAMPAIGNS_URL = HOST + '/v1/hood/campaigns'
# The trace id Ocamba puts in every error body.
TRACE_ID = '99a84211-f73d-4ff8-acdf-eb3e06bb9d62'
# Every list request names the fields it reads: the default view is not documented to carry the status.
LIST_FIELDS = 'id,name,status,scheduled_time'
# A client's options and a module task's arguments.
CLIENT_OPTIONS = dict(api_url=None, token='oc-bearer-token')
MODULE_ARGS = dict(provider='ocamba', token='oc-s3cret-token')


def campaign_url(campaign_id, action=None, host=HOST):
    """A campaign (read), or one of its actions (``pause``, ``resume``, ``cancel``)."""
    url = '{0}/v1/hood/campaigns/{1}'.format(host, campaign_id)
    return '{0}/{1}'.format(url, action) if action else url


def list_query(page):
    """The query of one list page, for ``matchers.query_param_matcher``."""
    return {'page': '{0},100'.format(page), 'fields': LIST_FIELDS}


def list_url(page, host=HOST):
    """One list page as requests sends it, commas encoded."""
    return '{0}/v1/hood/campaigns?page={1}%2C100&fields=id%2Cname%2Cstatus%2Cscheduled_time'.format(host, page)


def row(campaign_id, status='running', **fields):
    """One campaign of an answer's ``items``."""
    campaign = {'id': campaign_id, 'status': status}
    campaign.update(fields)
    return campaign


def answer(rows, total=None):
    """A read or list answer: ``items``, counted by ``total``."""
    return {'total': len(rows) if total is None else total, 'items': list(rows)}


def read_answer(campaign_id='4711', status='running', **fields):
    """The answer to a read of one campaign: a list of one."""
    fields.setdefault('name', 'Campaign {0}'.format(campaign_id))
    return answer([row(campaign_id, status, **fields)])


def error_body(code, title, message=None, trace_id=TRACE_ID):
    body = {'code': code, 'title': title, 'trace_id': trace_id}
    if message is not None:
        body['message'] = message
    return body


# Answers as Ocamba documents them, for the parser properties to mutate.
DOCUMENTED_ANSWERS = {
    'read': [read_answer('123', 'running', name='c')],
    'list': [answer([row('1', 'paused'), row('2', 'canceled')])],
    'apply': [error_body(400, 'Bad request.', 'no', 'abc')],
}
# An answer with a number JSON cannot hold (a parser bug pinned down once).
NON_FINITE_ANSWERS = [('list', b'{"total": 1e999, "items": [{"id": "1", "status": "running"}]}')]

# (current, target) -> the call, per vendor-apis.md.
DOCUMENTED_TRANSITIONS = {
    ('running', 'paused'): 'pause',
    ('scheduled', 'paused'): 'pause',
    ('paused', 'running'): 'resume',
    ('running', 'stopped'): 'cancel',
    ('scheduled', 'stopped'): 'cancel',
    ('paused', 'stopped'): 'cancel',
}
# (current, desired) that take more than one call: a scheduled campaign starts now (start_now) by pause, resume.
MULTI_STEP_PLANS = {
    ('scheduled', 'running'): [('pause', 'paused'), ('resume', 'running')],
}
SETTABLE_STATES = ['paused', 'running', 'stopped']
# The machine-wide limiter: (requests in flight, number of rate windows); Ocamba documents two windows.
LIMITER = (None, 2)


# ----- runner, converger and options tests ---------------------------------------------------

# (option, environment variable, value): the variables that configure an Ocamba task.
ENV_BINDINGS = [
    ('token', 'OCAMBA_TOKEN', 'oc-token'),
    ('api_url', 'OCAMBA_API_URL', 'http://127.0.0.1:8080'),
]
# (task options, message) of a task that lacks credentials.
MISSING_CREDENTIALS = [
    ({}, 'provider=ocamba needs credentials: set token (OCAMBA_TOKEN)'),
]
# (task options, message) of a task with credentials but no endpoint: none, Ocamba has a default one.
MISSING_ENDPOINT = None
NUMERIC_CAMPAIGN_IDS = False
# (default, maximum) of concurrency.
CONCURRENCY = (8, 32)
# One valid item of a bulk task's campaigns.
CAMPAIGNS_ITEM = dict(campaign_id='4711')


# ----- integration tests: the simulator's campaigns and the playbook scenarios ---------------
# Campaign ids are those of the simulator's seed (tests/simulator/seed/ocamba.json).

# Each native status the simulator stores -> its canonical state, written out here rather than
# taken from the provider, so that the tests judge the provider's own table; the seed holds each.
SIM_STATES = {'draft': 'draft', 'scheduled': 'scheduled', 'running': 'running', 'paused': 'paused',
              'completed': 'completed', 'canceled': 'stopped'}
# The HTTP method of a status write.
WRITE_METHOD = 'POST'


def connection(url, creds):
    """Task options that reach the simulator at ``url`` with its credentials ``creds``."""
    return {'api_url': url, 'token': creds['token']}


# A campaign a task can move: (id, canonical state, target state, the actions that move it).
MOVE = ('304', 'paused', 'running', ['resume'])
# A campaign to read and its canonical state (the AWX credential tests).
SEEDED = ('304', 'paused')
# Transitions the vendor forbids: (campaign id, current canonical state, desired state).
FORBIDDEN = [
    ('301', 'draft', 'running'),
    ('301', 'draft', 'stopped'),
    ('305', 'completed', 'running'),
    ('306', 'stopped', 'running'),
    ('306', 'stopped', 'paused'),
]
# Options that make the credentials wrong.
WRONG_CREDENTIAL = {'token': 'wrong-token'}
# The simulator's business_error fault on writes: what the failure message says, the pattern the
# fault matrix expects, and whether the failure is final (a refusal). Not final: a 5xx leaves
# the outcome unknown, so the write is read back (never sent again) until wait_timeout.
BUSINESS_ERROR_TEXT = 'trace_id'
BUSINESS_ERROR_PATTERN = r'HTTP 500.*trace_id'
BUSINESS_ERROR_IS_FINAL = False
# Refused writes (fault kind, campaign id, target, what the failure says): one write, never resent.
REFUSED_WRITES = [
    ('bad_request', '303', 'paused', 'The request body is not valid.'),
    ('refused', '303', 'paused', 'can be paused.'),
]
# The fault matrix (test_faults.py): a paused campaign started again (id, target, actions), and
# two running campaigns moved in one bulk task.
FAULT_READ_CELL = ('304', 'running', ['resume'])
FAULT_WRITE_CELLS = [('303', 'paused', ['pause']), ('307', 'paused', ['pause'])]
# A campaign the vendor started that waits for its start time, that start time as the vendor
# reports it, and the vendor calls that start it now (start_now); None: no such campaign.
SCHEDULED = ('302', '2026-06-01 10:00:00', [('POST', '/v1/hood/campaigns/302/pause'), ('POST', '/v1/hood/campaigns/302/resume')])
# Credential options whose values travel in a request header (CR/LF in them must be refused).
HEADER_CREDENTIALS = ['token']
# Bad values given through the provider's environment variables: (option, value), with ``{url}``
# and the keys of the simulator's credentials filled in.
ENVIRONMENT_ATTACKS = [('api_url', 'http://user:pass@127.0.0.1:1'), ('token', '{token}\r\nX-Injected: 1')]
# AWX: the writes of playbooks/demo.yml (campaign id, method, last path segment, ``api=`` or body
# status), and a set_campaign_state.yml job (campaign id, state, its write).
DEMO_WRITES = [('304', 'POST', 'resume', None)]
SURVEY_JOB = ('303', 'stopped', ('POST', 'cancel', None))

# ----- example playbooks (tests/integration/test_example_playbooks.py) -----------------------

# Seeded campaigns that maintenance_window.yml holds, and the running ones among them, which it
# pauses and then resumes.
MAINTENANCE_WINDOW = (['303', '304', '302', '307'], ['303', '307'])


# ----- inventory plugin (tests/unit/plugins/inventory/test_campaigns.py) ---------------------

# A sources entry that reads this account, and a native status the vendor lists for each of two
# canonical states.
INVENTORY_SOURCE = dict(provider='ocamba', token='oc-inventory-s3cret')
INVENTORY_STATUSES = {'running': 'running', 'paused': 'paused'}


def inventory_answers(campaigns):
    """The requests the inventory sends to read ``campaigns`` ((id, native status, name) each), as
    (method, URL, JSON answer): one list page that names its fields."""
    return [('GET', list_url(1), answer([row(campaign_id, status, name=name) for campaign_id, status, name in campaigns]))]
