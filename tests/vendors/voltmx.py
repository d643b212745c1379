# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test data for HCL Volt MX Engagement: its payloads and URLs, and the facts the tests expect of it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

NAME = 'voltmx'

# ----- unit tests: payloads and URLs --------------------------------------------------------

API_URL = 'https://voltmx.example.com:8443'
CAMPAIGNS_URL = API_URL + '/api/v1/campaigns'
# Volt MX's answer (HTTP 400) for a campaign it does not have.
NOT_FOUND = 'Invalid campaign ID provided or no campaign found with given ID'
# A client's options (basic authentication) and a module task's arguments (a claims token).
CLIENT_OPTIONS = dict(api_url=API_URL, username='admin', password='s3cret-pw', token=None)
MODULE_ARGS = dict(provider='voltmx', api_url=API_URL, token='vm-claims-token')
# The login at auth_url (HCL Volt MX Engagement API guide, "Authentication API").
AUTH_URL = 'https://auth.example.com:8443'
LOGIN_URL = AUTH_URL + '/authService/accounts/login'
# What each lifecycle call answers, as HCL's guide shows it (with its typo and trailing space).
ACTION_MESSAGES = {
    'start': 'Campaign execution intiated successfully. ',
    'pause': 'Campaign execution paused successfully. ',
    'resume': 'Campaign execution resumed successfully. ',
    'terminate': 'Campaign execution stopped successfully. ',
}


def campaign_url(campaign_id='42', action=None, api_url=API_URL):
    """A campaign (read), or one of its lifecycle calls."""
    url = '{0}/api/v1/campaigns/{1}'.format(api_url, campaign_id)
    return '{0}/{1}'.format(url, action) if action else url


def list_query(start):
    """The query of the list page starting at ``start``, for ``matchers.query_param_matcher``."""
    return {'start': str(start), 'pageSize': '100'}


def list_url(start, api_url=API_URL):
    return '{0}/api/v1/campaigns?start={1}&pageSize=100'.format(api_url, start)


def record(campaign_id='42', status='Running', **fields):
    """A campaign as a read answers it (and as a list page holds it)."""
    campaign = {'id': campaign_id, 'status': status}
    campaign.update(fields)
    return campaign


def list_page(campaigns, total=None):
    return {'total': len(campaigns) if total is None else total, 'campaigns': list(campaigns)}


def action_answer(action, campaign_id='42'):
    return {'id': campaign_id, 'message': ACTION_MESSAGES[action]}


def message_body(message):
    """Volt MX's error body: one ``message``."""
    return {'message': message}


def login_answer(value='claims-1'):
    """The login answer as HCL's "Authentication API" page shows it."""
    return {'profile': {'email': 'ops@example.com', 'userid': 'ops', 'firstname': 'Op', 'lastname': 'S'},
            'refresh_token': 'refresh-' + value, 'claims_token': {'value': value, 'exp': 1408953838000}}


# The login's answer (HTTP 401) to a wrong user or password.
LOGIN_REFUSED = {'opstatus': -4, 'message': 'Invalid User Credentials', 'httpStatusCode': 401}


# Answers as HCL documents them, for the parser properties to mutate.
DOCUMENTED_ANSWERS = {
    'read': [record('123', 'Running', name='c'), {'campaign': record('123', 'Paused')}],
    'list': [list_page([record('1', 'Running'), record('2', 'Draft')])],
    'apply': [action_answer('pause', '123'), message_body('Invalid request format')],
}
# An answer with a number JSON cannot hold (a parser bug pinned down once).
NON_FINITE_ANSWERS = [('list', b'{"total": Infinity, "campaigns": [{"id": "1", "status": "Running"}]}')]

# (current, target) -> the lifecycle call, per vendor-apis.md.
DOCUMENTED_TRANSITIONS = {
    ('scheduled', 'running'): 'start',
    ('scheduled', 'stopped'): 'terminate',  # inferred in vendor-apis.md
    ('running', 'paused'): 'pause',
    ('running', 'stopped'): 'terminate',
    ('paused', 'running'): 'resume',
    ('paused', 'stopped'): 'terminate',
}
MULTI_STEP_PLANS = {}
SETTABLE_STATES = ['paused', 'running', 'stopped']
# The machine-wide limiter: None (Volt MX documents no limit).
LIMITER = None


# ----- runner, converger and options tests ---------------------------------------------------

# (option, environment variable, value): the variables that configure a Volt MX task.
ENV_BINDINGS = [
    ('api_url', 'VOLTMX_API_URL', 'https://voltmx.example.com:8443'),
    ('username', 'VOLTMX_USERNAME', 'admin'),
    ('password', 'VOLTMX_PASSWORD', 'vm-password'),
    ('token', 'VOLTMX_TOKEN', 'vm-claims'),
]
# (task options, message) of a task that lacks credentials.
MISSING_CREDENTIALS = [
    (dict(api_url='https://vm.example.com', username='admin'),
     'provider=voltmx needs credentials: set token (VOLTMX_TOKEN) or username (VOLTMX_USERNAME) and password (VOLTMX_PASSWORD)'),
]
# (task options, part of the message) of a task with credentials but no endpoint.
MISSING_ENDPOINT = (dict(token='t'), 'needs api_url (VOLTMX_API_URL)')
NUMERIC_CAMPAIGN_IDS = False
# (default, maximum) of concurrency.
CONCURRENCY = (8, 32)
# One valid item of a bulk task's campaigns.
CAMPAIGNS_ITEM = dict(campaign_id='42')


# ----- integration tests: the simulator's campaigns and the playbook scenarios ---------------
# Campaign ids are those of the simulator's seed (tests/simulator/seed/voltmx.json).

# Each native status the simulator stores -> its canonical state, written out here rather than
# taken from the provider, so that the tests judge the provider's own table; the seed holds each.
SIM_STATES = {'Draft': 'draft', 'Pending': 'scheduled', 'Running': 'running', 'Paused': 'paused',
              'Completed': 'completed', 'Terminated': 'stopped'}
# The HTTP method of a status write.
WRITE_METHOD = 'POST'


def connection(url, creds):
    """Task options that reach the simulator at ``url`` with its credentials ``creds``."""
    return {'api_url': url, 'username': creds['username'], 'password': creds['password']}


# A campaign a task can move: (id, canonical state, target state, the actions that move it).
MOVE = ('103', 'running', 'paused', ['pause'])
# A campaign to read and its canonical state (the AWX credential tests).
SEEDED = ('103', 'running')
# Transitions the vendor forbids: (campaign id, current canonical state, desired state).
FORBIDDEN = [
    ('101', 'draft', 'running'),
    ('105', 'completed', 'running'),
    ('106', 'stopped', 'running'),
    ('106', 'stopped', 'paused'),
    ('102', 'scheduled', 'paused'),
]
# Options that make the credentials wrong.
WRONG_CREDENTIAL = {'password': 'wrong-password'}
# The simulator's business_error fault on writes: what the failure message says, the pattern the
# fault matrix expects, and whether the failure is final (a refusal). Not final: an HTTP 500
# leaves the outcome unknown, so the write is read back (never sent again) until wait_timeout.
BUSINESS_ERROR_TEXT = 'HTTP 500'
BUSINESS_ERROR_PATTERN = r'HTTP 500'
BUSINESS_ERROR_IS_FINAL = False
# Refused writes (fault kind, campaign id, target, what the failure says): one write, never resent.
REFUSED_WRITES = [('refused', '103', 'paused', 'Invalid request format')]
# The fault matrix (test_faults.py): a paused campaign started again (id, target, actions), and
# two running campaigns moved in one bulk task.
FAULT_READ_CELL = ('104', 'running', ['resume'])
FAULT_WRITE_CELLS = [('103', 'paused', ['pause']), ('108', 'paused', ['pause'])]
# A campaign the vendor started that waits for its start time, that start time as the vendor
# reports it, and the vendor calls that start it now (start_now); None: no such campaign.
SCHEDULED = ('102', '06/01/2026 09:00:00 AM', [('POST', '/api/v1/campaigns/102/start')])
# Credential options whose values travel in a request header (CR/LF in them must be refused).
HEADER_CREDENTIALS = ['password']
# Bad values given through the provider's environment variables: (option, value), with ``{url}``
# and the keys of the simulator's credentials filled in.
ENVIRONMENT_ATTACKS = [('api_url', '{url}/1/../x')]
# AWX: the writes of playbooks/demo.yml (campaign id, method, last path segment, ``api=`` or body
# status), and a set_campaign_state.yml job (campaign id, state, its write).
DEMO_WRITES = [('103', 'POST', 'pause', None)]
SURVEY_JOB = ('103', 'paused', ('POST', 'pause', None))

# ----- example playbooks (tests/integration/test_example_playbooks.py) -----------------------

# Seeded campaigns that maintenance_window.yml holds, and the running ones among them, which it
# pauses and then resumes.
MAINTENANCE_WINDOW = (['103', '104', '106', '108'], ['103', '108'])


# ----- inventory plugin (tests/unit/plugins/inventory/test_campaigns.py) ---------------------

# A sources entry that reads this account, and a native status the vendor lists for each of two
# canonical states.
INVENTORY_SOURCE = dict(MODULE_ARGS)
INVENTORY_STATUSES = {'running': 'Running', 'paused': 'Paused'}


def inventory_answers(campaigns):
    """The requests the inventory sends to read ``campaigns`` ((id, native status, name) each), as
    (method, URL, JSON answer): one list page."""
    return [('GET', list_url(0), list_page([record(campaign_id, status, name=name) for campaign_id, status, name in campaigns]))]
