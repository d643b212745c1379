# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test data for Wolkvox: its payloads and URLs, and the facts the tests expect of it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

NAME = 'wolkvox'

# ----- unit tests: payloads and URLs --------------------------------------------------------

# The host of server 0032.
HOST = 'https://wv0032.wolkvox.com'
INFORMATION_URL = HOST + '/api/v2/information.php'
ACTION_URL = HOST + '/api/v2/campaign.php'
# Wolkvox's answer when a token has more requests in flight than it allows.
SIMULTANEOUS = 'EXCEEDS THE LIMIT OF SIMULTANEOUS REQUESTS PER TOKEN (2)'
# A client's options and a module task's arguments.
CLIENT_OPTIONS = dict(api_url=None, server='0032', token='wv-token-value', campaign_type=None)
MODULE_ARGS = dict(provider='wolkvox', server='0032', token='wv-s3cret')


def list_url(host=HOST):
    """The campaign list: the only read Wolkvox has, once per run."""
    return '{0}/api/v2/information.php?api=campaigns'.format(host)


def action_url(action, type_campaign, campaign_id, host=HOST):
    """``start`` or ``stop`` of a campaign of the given type."""
    return '{0}/api/v2/campaign.php?api={1}&type_campaign={2}&campaign_id={3}'.format(host, action, type_campaign, campaign_id)


def action_query(action, type_campaign, campaign_id):
    """The query of an action, for ``matchers.query_param_matcher``."""
    return {'api': action, 'type_campaign': type_campaign, 'campaign_id': campaign_id}


def row(campaign_id, status='Started', type_campaign='preview', **fields):
    """One campaign of the list's ``data``."""
    campaign = {'campaign_id': campaign_id, 'type_campaign': type_campaign, 'status': status}
    campaign.update(fields)
    return campaign


def envelope(rows, code=200, msg='OK'):
    """The list answer: success is the body's ``code``, whatever the HTTP status."""
    return {'code': code, 'error': None, 'msg': msg, 'data': rows}


def action_answer(action, campaign_id):
    return {'code': 202, 'error': None, 'msg': 'The {0} campaign_id has been {1} successfully'.format(
        campaign_id, 'started' if action == 'start' else 'stopped')}


def error_body(code, error):
    return {'code': code, 'error': error, 'msg': None}


# Answers as Wolkvox documents them, for the parser properties to mutate; a read is a list read.
DOCUMENTED_ANSWERS = {
    'read': [envelope([row('123', campaign_name='c')], msg='Successful query')],
    'apply': [action_answer('start', '123'), dict(error_body(403, SIMULTANEOUS), data=None)],
}
DOCUMENTED_ANSWERS['list'] = DOCUMENTED_ANSWERS['read']
# An answer with a number JSON cannot hold (a parser bug pinned down once).
NON_FINITE_ANSWERS = [('read', b'{"code": Infinity, "data": []}')]

# (current, target) -> the call, per vendor-apis.md.
DOCUMENTED_TRANSITIONS = {
    ('running', 'paused'): 'stop',
    ('paused', 'running'): 'start',
}
MULTI_STEP_PLANS = {}
SETTABLE_STATES = ['paused', 'running']
# The machine-wide limiter: one request in flight per token, no rate window.
LIMITER = (1, 0)


# ----- runner, converger and options tests ---------------------------------------------------

# (option, environment variable, value): the variables that configure a Wolkvox task.
ENV_BINDINGS = [
    ('token', 'WOLKVOX_TOKEN', 'wv-token'),
    ('server', 'WOLKVOX_SERVER', '0032'),
    ('api_url', 'WOLKVOX_API_URL', 'http://127.0.0.1:8080'),
]
# (task options, message) of a task that lacks credentials.
MISSING_CREDENTIALS = [
    (dict(server='0032'), 'provider=wolkvox needs credentials: set token (WOLKVOX_TOKEN)'),
]
# (task options, part of the message) of a task with credentials but no endpoint.
MISSING_ENDPOINT = (dict(token='t'), 'needs server (WOLKVOX_SERVER)')
NUMERIC_CAMPAIGN_IDS = False
# (default, maximum) of concurrency: Wolkvox allows 2 requests in flight per token and asks for 1.
CONCURRENCY = (1, 2)
# One valid item of a bulk task's campaigns.
CAMPAIGNS_ITEM = dict(campaign_id='4001')


# ----- integration tests: the simulator's campaigns and the playbook scenarios ---------------
# Campaign ids are those of the simulator's seed (tests/simulator/seed/wolkvox.json).

# Each native status the simulator stores -> its canonical state, written out here rather than
# taken from the provider, so that the tests judge the provider's own table; the seed holds each.
SIM_STATES = {'Started': 'running', 'Stopped': 'paused'}
# The HTTP method of a status write.
WRITE_METHOD = 'PUT'


def connection(url, creds):
    """Task options that reach the simulator at ``url`` with its credentials ``creds``."""
    return {'api_url': url, 'token': creds['token']}


# A campaign a task can move: (id, canonical state, target state, the actions that move it).
MOVE = ('402', 'paused', 'running', ['start'])
# A campaign to read and its canonical state (the AWX credential tests).
SEEDED = ('402', 'paused')
# Transitions the vendor forbids: (campaign id, current canonical state, desired state).
FORBIDDEN = []
# Options that make the credentials wrong.
WRONG_CREDENTIAL = {'token': 'wrong-token'}
# The simulator's business_error fault on writes: what the failure message says, the pattern the
# fault matrix expects, and whether the failure is final (a refusal). Final:
# a refusal, and the read-back shows the campaign did not move.
BUSINESS_ERROR_TEXT = 'HTTP 400'
BUSINESS_ERROR_PATTERN = r'HTTP 400|THE OPERATION COULD NOT BE COMPLETED'
BUSINESS_ERROR_IS_FINAL = True
# Refused writes (fault kind, campaign id, target, what the failure says): one write, never resent.
REFUSED_WRITES = [('refused', '401', 'paused', 'INVALID REQUEST FORMAT')]
# The fault matrix (test_faults.py): a paused campaign started again (id, target, actions), and
# two running campaigns moved in one bulk task.
FAULT_READ_CELL = ('402', 'running', ['start'])
FAULT_WRITE_CELLS = [('401', 'paused', ['stop']), ('403', 'paused', ['stop'])]
# A campaign the vendor started that waits for its start time, that start time as the vendor
# reports it, and the vendor calls that start it now (start_now); None: no such campaign.
SCHEDULED = None
# Credential options whose values travel in a request header (CR/LF in them must be refused).
HEADER_CREDENTIALS = ['token']
# Bad values given through the provider's environment variables: (option, value), with ``{url}``
# and the keys of the simulator's credentials filled in.
ENVIRONMENT_ATTACKS = [('server', '0032.evil.com/')]
# AWX: the writes of playbooks/demo.yml (campaign id, method, last path segment, ``api=`` or body
# status), and a set_campaign_state.yml job (campaign id, state, its write).
DEMO_WRITES = [('402', 'PUT', 'campaign.php', 'start')]
SURVEY_JOB = ('401', 'paused', ('PUT', 'campaign.php', 'stop'))

# ----- example playbooks (tests/integration/test_example_playbooks.py) -----------------------

# Seeded campaigns that maintenance_window.yml holds, and the running ones among them, which it
# pauses and then resumes.
MAINTENANCE_WINDOW = (['401', '402', '403'], ['401', '403'])


# ----- inventory plugin (tests/unit/plugins/inventory/test_campaigns.py) ---------------------

# A sources entry that reads this account, and a native status the vendor lists for each of two
# canonical states.
INVENTORY_SOURCE = dict(MODULE_ARGS)
INVENTORY_STATUSES = {'running': 'Started', 'paused': 'Stopped'}


def inventory_answers(campaigns):
    """The requests the inventory sends to read ``campaigns`` ((id, native status, name) each), as
    (method, URL, JSON answer): the one campaign list."""
    return [('GET', list_url(), envelope([row(campaign_id, status, 'preview', campaign_name=name)
                                          for campaign_id, status, name in campaigns]))]
