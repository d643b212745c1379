# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Wolkvox dialer campaigns (``/api/v2/``): no single-campaign read (one list serves every
campaign of a run), success judged from the body's ``code``, and "stop" is a pause."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import threading

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    NotFoundError,
    ValidationError,
    VendorError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Provider, int_or_none

SUCCESS_CODES = (200, 202)
CAMPAIGN_TYPES = ('preview', 'predictive')
BAD_TOKEN_MARKERS = ('VALIDATE TOKEN', 'ENTER THE WOLKVOX-TOKEN')
SIMULTANEOUS_MARKER = 'SIMULTANEOUS REQUESTS'
# The server code becomes part of the host name (wv0032.wolkvox.com): digits only.
SERVER = re.compile(r'^[0-9]{1,6}\Z')


def validate_server(value):
    if not SERVER.match(value or ''):
        raise ValidationError('server {0!r} is not a Wolkvox server code: use its digits, e.g. 0032'.format(value))
    return value


class Wolkvox(Provider):
    name = 'wolkvox'
    env_prefix = 'WOLKVOX'
    title = 'Wolkvox'
    own_options = ('api_url', 'server', 'token', 'campaign_type')
    read_credentials = (('token',),)
    native_states = {'started': 'running', 'stopped': 'paused'}
    native_after = {'running': 'Started', 'paused': 'Stopped'}
    transitions = {
        'running': {'paused': 'stop'},
        'paused': {'running': 'start'},
    }
    # Inferred: starting a started campaign (and similar) most likely answers 400.
    wrong_state_statuses = (400,)
    # The vendor allows 2 simultaneous requests per token but asks not to use one token
    # concurrently at all: one in flight by default, machine-wide.
    concurrency = 1
    max_concurrency = 2
    concurrency_is_account_limit = True

    def __init__(self, http, options):
        super(Wolkvox, self).__init__(http, options)
        self._rows = None
        self._lock = threading.Lock()

    @classmethod
    def validate_endpoint(cls, options):
        if options.get('server'):
            options['server'] = validate_server(options['server'])
        if not options.get('api_url') and not options.get('server'):
            raise ValidationError('provider=wolkvox needs server (WOLKVOX_SERVER), the digits of your operation\'s server, e.g. 0032, '
                                  'or api_url (WOLKVOX_API_URL)')

    @classmethod
    def resolve_base_url(cls, options):
        return options.get('api_url') or 'https://wv{0}.wolkvox.com'.format(options['server'])

    @staticmethod
    def is_throttled(response):
        return response.status_code == 429 or (response.status_code == 403 and SIMULTANEOUS_MARKER in response.text.upper())

    def send(self, method, url, params):
        headers = {'wolkvox-token': self.options['token'], 'Accept': 'application/json'}
        return self.http.request(method, url, headers=headers, params=params)

    def rows(self):
        """The campaign list, read once per run and shared by every campaign of the run."""
        with self._lock:
            if self._rows is None:
                self._rows = self.fetch_rows()
            return self._rows

    def forget(self):
        with self._lock:
            self._rows = None

    def fetch_rows(self):
        what = '{0} campaign list'.format(self.name)
        body = self.envelope(self.send('GET', self.url('api', 'v2', 'information.php'), {'api': 'campaigns'}), what)
        rows = body.get('data')
        if not isinstance(rows, list):
            raise VendorError('{0}: the answer has no "data" list'.format(what))
        return dict((str(row.get('campaign_id')), row) for row in rows if isinstance(row, dict))

    def read(self, item):
        campaign_id = item['campaign_id']
        row = self.rows().get(campaign_id)
        if row is None:
            raise NotFoundError('{0}: not found in the campaign list of this token\'s operation'.format(self.label(campaign_id)))
        return self.to_campaign(row, self.label(campaign_id))

    def list(self, item):
        return [self.to_campaign(row, self.label()) for row in self.rows().values()]

    def apply(self, campaign, action, item):
        what = '{0}: {1}'.format(self.label(campaign.id), action)
        params = {'api': action, 'type_campaign': self.campaign_type(campaign, item), 'campaign_id': campaign.id}
        self.envelope(self.send('PUT', self.url('api', 'v2', 'campaign.php'), params), what, write=True)

    def check_writable(self, campaign, item):
        self.campaign_type(campaign, item)

    def campaign_type(self, campaign, item):
        listed = (campaign.raw or {}).get('type_campaign')
        wanted = item.get('campaign_type') or listed
        if wanted not in CAMPAIGN_TYPES:
            raise ValidationError('{0}: campaign_type is not given and the list reports {1!r}; set campaign_type to preview or '
                                  'predictive'.format(self.label(campaign.id), listed))
        if listed in CAMPAIGN_TYPES and wanted != listed:
            raise ValidationError('{0}: campaign_type={1} but Wolkvox lists the campaign as {2}'.format(self.label(campaign.id), wanted, listed))
        return wanted

    def envelope(self, response, what, write=False):
        """Wolkvox's envelope: success needs a 2xx status AND a 200/202 ``code`` in the body."""
        body = self.json_or_error(response, what, write)
        code = int_or_none(body.get('code')) if isinstance(body, dict) else None
        if code not in SUCCESS_CODES:
            message = '{0}: HTTP {1} but the answer reports failure: {2}'.format(what, response.status_code, self.error_detail(response))
            if write and code in self.wrong_state_statuses:
                raise WrongStateError(message, status=code)
            raise VendorError(message, status=code)
        return body

    def error(self, response, what, write):
        detail = self.error_detail(response)
        if response.status_code == 403 and not any(marker in detail.upper() for marker in BAD_TOKEN_MARKERS):
            # Quota, concurrency and maintenance answers are 403 too, but the token is fine.
            return VendorError('{0}: HTTP 403: {1}'.format(what, detail), status=403)
        if response.status_code in (401, 403):
            return AuthenticationError('{0}: HTTP {1}: {2} (check the wolkvox token)'.format(what, response.status_code, detail),
                                       status=response.status_code)
        return super(Wolkvox, self).error(response, what, write)

    def to_campaign(self, row, what):
        if not isinstance(row.get('status'), str):
            raise VendorError('{0}: the list row has no "status"'.format(what))
        return self.campaign(str(row.get('campaign_id')), row['status'], name=row.get('campaign_name'), raw=row)
