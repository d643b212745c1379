# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""HCL Volt MX Foundry Engagement Services campaigns (``/api/v1/campaigns``)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import NotFoundError, VendorError
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Provider

PAGE_SIZE = 100
NOT_FOUND_MARKER = 'no campaign found'


class VoltMX(Provider):
    name = 'voltmx'
    env_prefix = 'VOLTMX'
    title = 'HCL Volt MX Engagement'
    own_options = ('api_url', 'username', 'password', 'token')
    read_credentials = (('token',), ('username', 'password'))
    native_states = {
        'draft': 'draft',
        'pending': 'scheduled',
        'running': 'running',
        'paused': 'paused',
        'completed': 'completed',
        'terminated': 'stopped',
    }
    native_after = {'running': 'Running', 'paused': 'Paused', 'stopped': 'Terminated'}
    # terminate from Pending is inferred: the vendor documents it for running and paused campaigns.
    transitions = {
        'scheduled': {'running': 'start', 'stopped': 'terminate'},
        'running': {'paused': 'pause', 'stopped': 'terminate'},
        'paused': {'running': 'resume', 'stopped': 'terminate'},
    }
    # Inferred: the vendor documents 400 for bad requests; a refused transition most likely answers 400.
    wrong_state_statuses = (400,)

    def headers(self):
        headers = {'Content-Type': 'application/json;charset=UTF-8', 'Accept': 'application/json'}
        if self.options.get('token'):
            headers['X-VoltMX-Authorization'] = self.options['token']
        return headers

    def auth(self):
        if self.options.get('token'):
            return None
        return (self.options['username'], self.options['password'])

    def send(self, method, url, params=None):
        return self.http.request(method, url, headers=self.headers(), params=params, auth=self.auth())

    def read(self, item):
        campaign_id = item['campaign_id']
        what = self.what(campaign_id)
        response = self.send('GET', self.url('api', 'v1', 'campaigns', campaign_id))
        self.raise_not_found(response, what)
        body = self.json_or_error(response, what)
        record = body.get('campaign', body) if isinstance(body, dict) else None
        return self.to_campaign(record, what, campaign_id)

    def list(self, item):
        def fetch_page(_index, collected):
            response = self.send('GET', self.url('api', 'v1', 'campaigns'), params={'start': collected, 'pageSize': PAGE_SIZE})
            return self.json_or_error(response, self.what())
        return self.collect_pages(fetch_page, PAGE_SIZE, 'campaigns')

    def apply(self, campaign, action, item):
        what = self.what(campaign.id)
        response = self.send('POST', self.url('api', 'v1', 'campaigns', campaign.id, action))
        self.raise_not_found(response, what)
        if response.status_code >= 400:
            raise self.error(response, '{0}: {1}'.format(what, action), write=True)
        self.require_success_body(response, '{0}: {1}'.format(what, action))

    def raise_not_found(self, response, what):
        if response.status_code == 400 and NOT_FOUND_MARKER in self.error_detail(response).lower():
            raise NotFoundError('{0}: not found (HTTP 400: {1})'.format(what, self.error_detail(response)), status=400)

    def to_campaign(self, record, what, campaign_id):
        if not isinstance(record, dict) or not isinstance(record.get('status'), str):
            raise VendorError('{0}: the answer has no campaign "status"'.format(what))
        return self.campaign(str(record.get('id', campaign_id)), record['status'], name=record.get('name'), raw=record)
