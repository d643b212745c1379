# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""8x8 Contact Center dynamic campaigns: read with the data token on ``/api/stats/…/{id}.json``,
write with the action token on ``/api/tstats/…/{id}``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    PreconditionError,
    ValidationError,
    VendorError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import DIGITS, Provider, int_or_none

# From 8x8's OpenAPI servers list: the one platform whose host does not follow vcc-{platform}.8x8.com.
PLATFORM_HOSTS = {'bc2': 'https://odcc2.bell.ca'}
BELL_PREFIX = 'bc'
STATUS_NAMES = {
    0: 'New', 1: 'Manual Started', 2: 'Scheduled', 3: 'Manual Running', 4: 'Schedule Running', 5: 'Manual Stopped',
    6: 'Completed', 7: 'Schedule Stopped', 8: 'Manual Paused', 9: 'Schedule Paused', 10: 'Manual Purged', 11: 'Schedule Purged',
}
ACTION_STATUS = {'run': 'RUNNING', 'pause': 'PAUSED', 'purge': 'PURGED', 'stop': 'STOPPED'}
PRECONDITION_MESSAGES = ('not a dynamic campaign', 'not enabled')
# The platform becomes part of the host name (vcc-na12.8x8.com): two letters and a number.
PLATFORM = re.compile(r'^[a-z]{2}[0-9]{1,3}\Z')


def validate_platform(value):
    platform = (value or '').lower()
    if not PLATFORM.match(platform):
        raise ValidationError('platform {0!r} is not an 8x8 platform such as na12, eu3 or bc2'.format(value))
    return platform


class EightByEight(Provider):
    name = '8x8'
    env_prefix = 'EIGHTBYEIGHT'
    title = '8x8 Contact Center'
    own_options = ('api_url', 'platform', 'username', 'data_token', 'action_token')
    read_credentials = (('username', 'data_token'),)
    write_credentials = (('username', 'action_token'),)
    id_pattern = DIGITS
    # 2 (Scheduled: started, start time not reached) is treated like Running for transitions (inferred).
    native_states = {0: 'new', 1: 'running', 2: 'scheduled', 3: 'running', 4: 'running', 5: 'stopped', 6: 'stopped',
                     7: 'stopped', 8: 'paused', 9: 'paused', 10: 'purged', 11: 'purged'}
    native_after = {'running': 3, 'paused': 8, 'purged': 10, 'stopped': 5}
    # 8x8's state-machine diagram; there is no direct running -> purged and no new -> paused.
    transitions = {
        'new': {'running': 'run'},
        'running': {'paused': 'pause', 'stopped': 'stop'},
        'scheduled': {'paused': 'pause', 'stopped': 'stop'},
        'paused': {'running': 'run', 'purged': 'purge', 'stopped': 'stop'},
        'purged': {'running': 'run', 'stopped': 'stop'},
    }
    can_list = False
    start_time_fields = ('start-time',)

    @classmethod
    def canonical(cls, native_status):
        return cls.native_states.get(int_or_none(native_status), 'unknown')

    @classmethod
    def validate_endpoint(cls, options):
        if options.get('platform'):
            options['platform'] = validate_platform(options['platform'])
        if not options.get('api_url') and not options.get('platform'):
            raise ValidationError('provider=8x8 needs platform (EIGHTBYEIGHT_PLATFORM), e.g. na12, or api_url (EIGHTBYEIGHT_API_URL)')
        if not options.get('api_url') and options['platform'].startswith(BELL_PREFIX) and options['platform'] not in PLATFORM_HOSTS:
            # Bell Canada hosts its platforms itself; 8x8 documents the host of bc2 only.
            raise ValidationError('platform {0} is a Bell Canada platform whose host 8x8 does not document: give api_url, the '
                                  'scheme and host you use for Configuration Manager'.format(options['platform']))

    @classmethod
    def resolve_base_url(cls, options):
        platform = options.get('platform')
        return options.get('api_url') or PLATFORM_HOSTS.get(platform) or 'https://vcc-{0}.8x8.com'.format(platform)

    def read(self, item):
        campaign_id = item['campaign_id']
        what = self.label(campaign_id)
        url = self.url('api', 'stats', 'campaigns', campaign_id + '.json')
        response = self.http.request('GET', url, headers={'Accept': 'application/json'}, auth=self.credentials('data_token'))
        body = self.json_or_error(response, what)
        record = body.get('campaign') if isinstance(body, dict) else None
        if not isinstance(record, dict) or record.get('status') is None:
            raise VendorError('{0}: the answer has no campaign "status"'.format(what))
        return self.campaign(str(record.get('campaign-id', campaign_id)), record['status'], name=record.get('campaign-name'), raw=record)

    def check_writable(self, campaign, item):
        record = campaign.raw or {}
        if record.get('dynamic-campaign') != 'Y':
            raise PreconditionError('{0} is not a dynamic campaign (dynamic-campaign: {1}); 8x8 changes the status of dynamic campaigns '
                                    'only: enable it in Configuration Manager'.format(self.label(campaign.id), record.get('dynamic-campaign')))
        if record.get('enabled') != 'Y':
            raise PreconditionError('{0} is not enabled (enabled: {1}); enable it in Configuration Manager first'.format(
                self.label(campaign.id), record.get('enabled')))

    def apply(self, campaign, action, item):
        what = '{0}: {1}'.format(self.label(campaign.id), action)
        url = self.url('api', 'tstats', 'campaigns', campaign.id)
        body = {'status': ACTION_STATUS[action]}
        response = self.write('POST', url, body)
        if response.status_code == 405:
            # The guide says POST, 8x8's OpenAPI says PATCH: a deployment refusing one takes the other.
            response = self.write('PATCH', url, body)
        if response.status_code >= 400:
            raise self.error(response, what, write=True)
        # 8x8's OpenAPI documents the 200 with no body; its guide shows {"message": ...}.
        self.require_success_body(response, what, empty_allowed=True)

    def write(self, method, url, body):
        headers = {'Accept': 'application/json', 'Content-Type': 'application/json'}
        return self.http.request(method, url, headers=headers, json_body=body, auth=self.credentials('action_token'))

    def credentials(self, token_option):
        return (self.options['username'], self.options[token_option])

    def error(self, response, what, write):
        detail = self.error_detail(response)
        if response.status_code == 400 and any(marker in detail.lower() for marker in PRECONDITION_MESSAGES):
            return PreconditionError('{0}: HTTP 400: {1}'.format(what, detail), status=400)
        if write and response.status_code == 400:
            return WrongStateError('{0}: HTTP 400: {1}'.format(what, detail), status=400)
        if write and response.status_code == 500:
            return VendorError('{0}: HTTP 500: {1} (8x8 answers this when the campaign is stopped)'.format(what, detail), status=500)
        return super(EightByEight, self).error(response, what, write)

    def describe_native(self, native_status):
        name = STATUS_NAMES.get(int_or_none(native_status))
        return '{0} ({1})'.format(native_status, name) if name else repr(native_status)
