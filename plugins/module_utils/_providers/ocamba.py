# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Ocamba Hood push campaigns (``/v1/hood/campaigns``): 204 with no body on success, errors
with a ``trace_id`` that Ocamba support asks for, and per-account rate limits."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import NotFoundError, ValidationError, VendorError
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import decode_json
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import validate_campaign_id
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Provider, int_or_none

PAGE_SIZE = 100
# Below this, reading the campaigns one by one costs no more than the list's first page.
PREFETCH_MIN_CAMPAIGNS = 3
DEFAULT_REASON = 'Changed by Ansible (campaignops.campaigns.campaign_state)'
# Ocamba lists "in the default view" unless asked for fields, and does not document that view to
# carry the status: every list call names what the module reads from its rows.
LIST_FIELDS = 'id,name,status,scheduled_time'


class Ocamba(Provider):
    name = 'ocamba'
    env_prefix = 'OCAMBA'
    title = 'Ocamba Hood'
    own_options = ('api_url', 'token', 'reason')
    read_credentials = (('token',),)
    default_api_url = 'https://api.ocamba.com'
    # completed and canceled are inferred: the docs show them only in prose.
    native_states = {
        'draft': 'draft',
        'scheduled': 'scheduled',
        'running': 'running',
        'paused': 'paused',
        'completed': 'completed',
        'canceled': 'stopped',
        'cancelled': 'stopped',
    }
    native_after = {'running': 'running', 'paused': 'paused', 'stopped': 'canceled'}
    transitions = {
        'running': {'paused': 'pause', 'stopped': 'cancel'},
        'scheduled': {'paused': 'pause', 'stopped': 'cancel'},
        'paused': {'running': 'resume', 'stopped': 'cancel'},
    }
    # Inferred: a call in the wrong state most likely answers 400.
    wrong_state_statuses = (400,)
    # Documented per account: burst 10 requests/s, steady 150 requests/min.
    rate_limits = ((10, 1.0), (150, 60.0))
    start_time_fields = ('scheduled_time', 'next_run_time')

    def send(self, method, url, params=None, body=None):
        headers = {'Authorization': 'Bearer {0}'.format(self.options['token']), 'Accept': 'application/json'}
        if body is not None:
            headers['Content-Type'] = 'application/json'
        return self.http.request(method, url, headers=headers, params=params, json_body=body)

    def __init__(self, http, options):
        super(Ocamba, self).__init__(http, options)
        self._prefetched = {}

    def prefetch(self, items):
        """Read the campaign list instead of one campaign at a time when that takes fewer
        requests: every request counts against Ocamba's 10/s and 150/min."""
        wanted = set(item['campaign_id'] for item in items)
        if len(wanted) < PREFETCH_MIN_CAMPAIGNS:
            return
        body = self.list_page(0)
        found = self.pick(body, wanted)
        pages = -(-(int_or_none(body.get('total')) or 0) // PAGE_SIZE)
        if 0 < pages - 1 < len(wanted) - len(found):
            for index in range(1, pages):
                found.update(self.pick(self.list_page(index), wanted))
        self._prefetched = found

    def pick(self, body, wanted):
        items = body.get('items') if isinstance(body, dict) else None
        if not isinstance(items, list):
            return {}
        return dict((str(record.get('id')), record) for record in items if has_status(record) and str(record.get('id')) in wanted)

    def list_page(self, index):
        params = {'page': '{0},{1}'.format(index + 1, PAGE_SIZE), 'fields': LIST_FIELDS}
        return self.json_or_error(self.send('GET', self.url('v1', 'hood', 'campaigns'), params=params), self.label())

    def read(self, item):
        campaign_id = item['campaign_id']
        what = self.label(campaign_id)
        # Each prefetched record serves one read; read-backs and waits ask the vendor again.
        record = self._prefetched.pop(campaign_id, None)
        if record is not None:
            return self.to_campaign(record, what, campaign_id)
        body = self.json_or_error(self.send('GET', self.url('v1', 'hood', 'campaigns', campaign_id)), what)
        items = body.get('items') if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise VendorError('{0}: the answer has no "items" list'.format(what))
        if not items:
            raise NotFoundError('{0}: not found (the answer lists no campaign)'.format(what))
        return self.to_campaign(items[0], what, campaign_id)

    def list(self, item):
        return self.collect_pages(lambda index, _collected: self.list_page(index), PAGE_SIZE, 'items')

    def to_listed_campaign(self, record, what):
        """A list row stands in for a read only when it carries the status; else read the campaign."""
        if has_status(record) or not isinstance(record, dict) or record.get('id') in (None, ''):
            return self.to_campaign(record, what, None)
        try:
            campaign_id = validate_campaign_id(str(record['id']))
        except ValidationError as exc:
            # The id goes into the read's URL: an odd one must not reach another resource.
            raise VendorError('{0}: a campaign list row has an id no campaign URL can carry ({1})'.format(what, exc.message))
        return self.read(dict(campaign_id=campaign_id))

    def apply(self, campaign, action, item):
        if action == 'resume':
            body = {'run_immediately': 1}
        else:
            body = {'reason': item.get('reason') or DEFAULT_REASON}
        what = '{0}: {1}'.format(self.label(campaign.id), action)
        response = self.send('POST', self.url('v1', 'hood', 'campaigns', campaign.id, action), body=body)
        if response.status_code >= 400:
            raise self.error(response, what, write=True)
        # Ocamba documents 204 with no body.
        self.require_success_body(response, what, empty_allowed=True)

    def error_detail(self, response):
        """Ocamba's ``title``, ``message`` and, always, the ``trace_id``."""
        detail = super(Ocamba, self).error_detail(response)
        try:
            trace_id = decode_json(response).get('trace_id')
        except (ValueError, AttributeError):
            trace_id = None
        return '{0} (trace_id {1})'.format(detail, trace_id) if trace_id else detail

    def to_campaign(self, record, what, campaign_id):
        if not has_status(record):
            raise VendorError('{0}: the answer has no campaign "status"'.format(what))
        return self.campaign(str(record.get('id', campaign_id)), record['status'], name=record.get('name'), raw=record)


def has_status(record):
    return isinstance(record, dict) and isinstance(record.get('status'), str)
