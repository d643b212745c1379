# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test data for 8x8 Contact Center: its payloads and URLs, and the facts the tests expect of it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

NAME = '8x8'

# ----- unit tests: payloads and URLs --------------------------------------------------------

# The na12 platform's host, and the campaign of 8x8's guide.
HOST = 'https://vcc-na12.8x8.com'
CAMPAIGN_ID = '6561'
# A client's options (data token to read, action token to write) and a module task's arguments.
CLIENT_OPTIONS = dict(api_url=None, platform='na12', username='tenant', data_token='data-secret', action_token='action-secret')
MODULE_ARGS = dict(provider='8x8', platform='na12', username='tenant', data_token='data-s3cret', action_token='action-s3cret')


def read_url(campaign_id=CAMPAIGN_ID, host=HOST):
    """The campaign's statistics (``stats``), read with the data token."""
    return '{0}/api/stats/campaigns/{1}.json'.format(host, campaign_id)


def write_url(campaign_id=CAMPAIGN_ID, host=HOST):
    """The campaign's status (``tstats``), written with the action token."""
    return '{0}/api/tstats/campaigns/{1}'.format(host, campaign_id)


def record(status=3, **fields):
    """The campaign as a read answer carries it: dynamic and enabled, so any write may be tried.
    Fields with a dash go in as ``**{'dynamic-campaign': 'N'}``."""
    campaign = {'campaign-id': 6561, 'campaign-name': 'My Callbacks', 'status': status, 'enabled': 'Y', 'dynamic-campaign': 'Y',
                'queue-id': 598}
    campaign.update(fields)
    return campaign


def read_answer(status=3, **fields):
    return {'campaign': record(status, **fields)}


def message_body(message):
    """8x8's answer to a write, and its error body: one ``message``."""
    return {'message': message}


STATUS_CHANGED = message_body('Campaign status changed.')

# Answers as 8x8 documents them, for the parser properties to mutate (8x8 has no list call).
DOCUMENTED_ANSWERS = {
    'read': [read_answer(3)],
    'apply': [STATUS_CHANGED, message_body('Invalid state transition')],
}
# An answer with a number JSON cannot hold (a parser bug pinned down once).
NON_FINITE_ANSWERS = [('read', b'{"campaign": {"campaign-id": 123, "status": 1e999}}')]

# 8x8's state-machine diagram: (current, target) -> the status written.
DOCUMENTED_TRANSITIONS = {
    ('new', 'running'): 'run',
    ('running', 'paused'): 'pause',
    ('paused', 'running'): 'run',
    ('paused', 'purged'): 'purge',
    ('purged', 'running'): 'run',
    ('running', 'stopped'): 'stop',
    ('paused', 'stopped'): 'stop',
    ('purged', 'stopped'): 'stop',
    # Scheduled (2) is treated like the Running node (inferred in vendor-apis.md).
    ('scheduled', 'paused'): 'pause',
    ('scheduled', 'stopped'): 'stop',
}
# (current, desired) that take more than one call; running is only ever the last state of a path.
MULTI_STEP_PLANS = {
    ('running', 'purged'): [('pause', 'paused'), ('purge', 'purged')],
    ('scheduled', 'purged'): [('pause', 'paused'), ('purge', 'purged')],
    ('scheduled', 'running'): [('pause', 'paused'), ('run', 'running')],
}
SETTABLE_STATES = ['paused', 'purged', 'running', 'stopped']
# The machine-wide limiter: None (8x8 documents no limit), or (requests in flight, number of rate windows).
LIMITER = None


# ----- runner, converger and options tests ---------------------------------------------------

# (option, environment variable, value): the variables that configure an 8x8 task.
ENV_BINDINGS = [
    ('username', 'EIGHTBYEIGHT_USERNAME', 'tenant'),
    ('data_token', 'EIGHTBYEIGHT_DATA_TOKEN', 'data-secret'),
    ('action_token', 'EIGHTBYEIGHT_ACTION_TOKEN', 'action-secret'),
    ('platform', 'EIGHTBYEIGHT_PLATFORM', 'na12'),
    ('api_url', 'EIGHTBYEIGHT_API_URL', 'http://127.0.0.1:8080'),
]
# (task options, message) of a task that lacks credentials.
MISSING_CREDENTIALS = [
    (dict(platform='na12'),
     'provider=8x8 needs credentials: set username (EIGHTBYEIGHT_USERNAME) and data_token (EIGHTBYEIGHT_DATA_TOKEN)'),
    (dict(platform='na12', username='tenant'),
     'provider=8x8 needs credentials: set username (EIGHTBYEIGHT_USERNAME) and data_token (EIGHTBYEIGHT_DATA_TOKEN)'),
]
# (task options, part of the message) of a task with credentials but no endpoint.
MISSING_ENDPOINT = (dict(username='u', data_token='d'), 'needs platform (EIGHTBYEIGHT_PLATFORM)')
NUMERIC_CAMPAIGN_IDS = True
# (default, maximum) of concurrency.
CONCURRENCY = (8, 32)
# One valid item of a bulk task's campaigns.
CAMPAIGNS_ITEM = dict(campaign_id='6561')


# ----- integration tests: the simulator's campaigns and the playbook scenarios ---------------
# Campaign ids are those of the simulator's seed (tests/simulator/seed/8x8.json).

# Each native status the simulator stores -> its canonical state, written out here rather than
# taken from the provider, so that the tests judge the provider's own table; the seed holds each.
SIM_STATES = {0: 'new', 1: 'running', 2: 'scheduled', 3: 'running', 4: 'running', 5: 'stopped', 6: 'stopped',
              7: 'stopped', 8: 'paused', 9: 'paused', 10: 'purged', 11: 'purged'}
# The HTTP method of a status write.
WRITE_METHOD = 'POST'


def connection(url, creds):
    """Task options that reach the simulator at ``url`` with its credentials ``creds``."""
    return {'api_url': url, 'username': creds['username'], 'data_token': creds['data_token'],
            'action_token': creds['action_token']}


# A campaign a task can move: (id, canonical state, target state, the actions that move it).
MOVE = ('6508', 'paused', 'running', ['run'])
# A campaign to read and its canonical state (the AWX credential tests).
SEEDED = ('6561', 'running')
# Transitions the vendor forbids: (campaign id, current canonical state, desired state).
FORBIDDEN = [
    ('6505', 'stopped', 'running'),
    ('6506', 'stopped', 'paused'),
    ('6507', 'stopped', 'purged'),
    ('6500', 'new', 'paused'),
    ('6500', 'new', 'purged'),
    ('6510', 'purged', 'paused'),
]
# Options that make the credentials wrong.
WRONG_CREDENTIAL = {'data_token': 'wrong-token'}
# The simulator's business_error fault on writes: what the failure message says, the pattern the
# fault matrix expects, and whether the failure is final (a refusal). Not final: an HTTP 500
# leaves the outcome unknown, so the write is read back (never sent again) until wait_timeout.
BUSINESS_ERROR_TEXT = 'HTTP 500'
BUSINESS_ERROR_PATTERN = r'HTTP 500'
BUSINESS_ERROR_IS_FINAL = False
# Refused writes (fault kind, campaign id, target, what the failure says): one write, never resent.
REFUSED_WRITES = [('refused', '6503', 'paused', 'Invalid state transition')]
# The fault matrix (test_faults.py): a paused campaign started again (id, target, actions), and
# two running campaigns moved in one bulk task.
FAULT_READ_CELL = ('6508', 'running', ['run'])
FAULT_WRITE_CELLS = [('6503', 'paused', ['pause']), ('6523', 'purged', ['pause', 'purge'])]
# A campaign the vendor started that waits for its start time, that start time as the vendor
# reports it, and the vendor calls that start it now (start_now); None: no such campaign.
SCHEDULED = ('6502', '2026-06-01T09:00:00+00:00', [('POST', '/api/tstats/campaigns/6502')] * 2)
# Credential options whose values travel in a request header (CR/LF in them must be refused).
HEADER_CREDENTIALS = ['data_token', 'action_token', 'username']
# Bad values given through the provider's environment variables: (option, value), with ``{url}``
# and the keys of the simulator's credentials filled in.
ENVIRONMENT_ATTACKS = [('platform', 'na12.evil.com')]
# AWX: the writes of playbooks/demo.yml (campaign id, method, last path segment, ``api=`` or body
# status), and a set_campaign_state.yml job (campaign id, state, its write).
DEMO_WRITES = [('6561', 'POST', '6561', 'PAUSED'), ('6561', 'POST', '6561', 'PURGED')]
SURVEY_JOB = ('6508', 'running', ('POST', '6508', 'RUNNING'))

# ----- example playbooks (tests/integration/test_example_playbooks.py) -----------------------

# Seeded campaigns that maintenance_window.yml holds, and the running ones among them, which it
# pauses and then resumes.
MAINTENANCE_WINDOW = (['6561', '6508', '6505', '6504', '6510'], ['6561', '6504'])


# ----- inventory plugin (tests/unit/plugins/inventory/test_campaigns.py) ---------------------

# A sources entry that reads this account (without the campaign_ids a test adds, and without the
# action token, which an inventory refuses), and a native status the vendor reports for each of
# two canonical states.
INVENTORY_SOURCE = dict(provider='8x8', platform='na12', username='tenant', data_token='data-inventory-s3cret')
INVENTORY_STATUSES = {'running': 3, 'paused': 8}


def inventory_answers(campaigns):
    """The requests the inventory sends to read ``campaigns`` ((id, native status, name) each), as
    (method, URL, JSON answer): one read each, as 8x8 has no list."""
    return [('GET', read_url(campaign_id), read_answer(status, **{'campaign-id': int(campaign_id), 'campaign-name': name}))
            for campaign_id, status, name in campaigns]
