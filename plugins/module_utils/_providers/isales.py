# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Huawei CEC CC-iSales outbound campaigns (``/rest/isales/v1/openapi/campaigns/{vdnId}``).

Follows Huawei's CEC API reference, pages "Querying Details About an Outbound Campaign" (the
campaign is ``returnObject``), "Querying All Outbound Campaigns" (``status``, ``deviceType``,
``curPage`` and ``rowsPerPage`` are mandatory; rows under ``data``, paged by ``totalSize``),
"Suspending an Outbound Campaign" and "Resuming an Outbound Campaign" (both refuse with
``0200011``). Huawei answers HTTP 200 for almost everything; success is
``resultCode == "0200000"`` only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac

from urllib.parse import quote, urlsplit

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    NotFoundError,
    ValidationError,
    VendorError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import validate_vdn_id
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import DIGITS, Provider, int_or_none

SUCCESS = '0200000'
NOT_FOUND_CODES = ('0200007',)
# Huawei publishes 0200011 ("the outbound campaign in the current status cannot be ...") on both
# the Suspending and the Resuming page.
WRONG_STATE_CODES = ('0200011',)
CONTENT_TYPE = 'application/json; charset=UTF-8'
# "Querying All Outbound Campaigns": rowsPerPage is at most 100; status=0 and deviceType=0 mean all.
ROWS_PER_PAGE = 100
LIST_QUERY = '?status=0&deviceType=0&curPage={page}&rowsPerPage={rows}'
# The campaign status codes Huawei documents (list page: 2 started, 3 suspended, 4 completed).
# Any other code is reported as observed (canonical "unknown") and never moved from.
STATUS_NAMES = {2: 'started', 3: 'suspended', 4: 'completed'}
SIGNED_HEADERS = 'content-type;host'


def sign_request(method, url, content_type, access_key, secret_key, now=None):
    """The ``Authorization`` value for one request (CEC "C2" AK/SK authentication).

    The layout is **inferred**: Huawei publishes the rule only as a figure and a Java demo
    (``SignInfo``, ``CmsParameters``); its text confirms only the lower-cased, sorted,
    ``;``-joined signed header names and HTTP 401 on failure. Inferred here: a canonical request
    signed with HMAC-SHA256 under a key derived from the SK and the ``auth-v2/AK/timestamp``
    prefix, with a UTC ``%Y-%m-%dT%H:%M:%SZ`` timestamp. The layout lives in this function only,
    so it is one place to adjust; a deployment behind its own gateway can pass a ready
    ``Authorization`` value as ``token`` instead."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    timestamp = now.strftime('%Y-%m-%dT%H:%M:%SZ')
    prefix = 'auth-v2/{0}/{1}'.format(access_key, timestamp)
    parts = urlsplit(url)
    canonical_request = '\n'.join([
        method.upper(),
        quote(parts.path, safe='/-_.~'),
        _canonical_query(parts.query),
        'content-type:{0}\nhost:{1}'.format(content_type.strip(), parts.netloc.strip()),
    ])
    signing_key = _hmac_hex(secret_key, prefix)
    return '{0}/{1}/{2}'.format(prefix, SIGNED_HEADERS, _hmac_hex(signing_key, canonical_request))


def _canonical_query(query):
    pairs = [pair.partition('=') for pair in query.split('&') if pair]
    return '&'.join(sorted('{0}={1}'.format(quote(key, safe='-_.~'), quote(value, safe='-_.~')) for key, _sep, value in pairs))


def _hmac_hex(key, message):
    return hmac.new(key.encode('utf-8'), message.encode('utf-8'), hashlib.sha256).hexdigest()


class ISales(Provider):
    name = 'isales'
    env_prefix = 'ISALES'
    title = 'Huawei CC-iSales'
    own_options = ('api_url', 'access_key', 'secret_key', 'token', 'vdn_id')
    # ``token`` is a ready Authorization value, for deployments behind their own gateway.
    read_credentials = (('access_key', 'secret_key'), ('token',))
    id_pattern = DIGITS
    native_states = {2: 'running', 3: 'paused', 4: 'completed'}
    native_after = {'running': 2, 'paused': 3}
    transitions = {
        'running': {'paused': 'pause'},
        'paused': {'running': 'resume'},
    }

    @classmethod
    def canonical(cls, native_status):
        return cls.native_states.get(int_or_none(native_status), 'unknown')

    @classmethod
    def validate_item(cls, item):
        super(ISales, cls).validate_item(item)
        if item.get('vdn_id') is None:
            raise ValidationError('provider=isales needs vdn_id (an integer from 1 to 9999; or ISALES_VDN_ID) for campaign {0}'.format(
                item['campaign_id']))
        item['vdn_id'] = validate_vdn_id(item['vdn_id'])

    def base(self, vdn_id):
        return self.url('rest', 'isales', 'v1', 'openapi', 'campaigns', vdn_id)

    def send(self, method, url):
        headers = {'Content-Type': CONTENT_TYPE, 'Accept': 'application/json', 'Host': urlsplit(url).netloc}
        if self.options.get('access_key') and self.options.get('secret_key'):
            headers['Authorization'] = sign_request(method, url, CONTENT_TYPE, self.options['access_key'], self.options['secret_key'])
        else:
            headers['Authorization'] = self.options['token']
        return self.http.request(method, url, headers=headers)

    def call(self, method, url, what, write=False):
        """Send and judge by ``resultCode``: HTTP 200 alone means nothing here."""
        body = self.json_or_error(self.send(method, url), what, write)
        if not isinstance(body, dict):
            raise VendorError('{0}: the answer is not a JSON object'.format(what))
        code = str(body.get('resultCode', body.get('returnCode')))
        if code == SUCCESS:
            return body
        detail = 'resultCode {0}: {1}'.format(code, body.get('resultDesc') or body.get('returnDesc') or 'no description')
        if code in NOT_FOUND_CODES:
            raise NotFoundError('{0}: not found ({1})'.format(what, detail))
        if write and code in WRONG_STATE_CODES:
            raise WrongStateError('{0}: refused in the current status ({1})'.format(what, detail))
        raise VendorError('{0}: failed although HTTP said 200 ({1})'.format(what, detail))

    def read(self, item):
        """One campaign (Huawei's page "Querying Details About an Outbound Campaign"): the record
        is ``returnObject`` (``name``, ``description``, ``status``, ``strBeginTime``, ...). The page
        does not promise the id inside it, so the campaign keeps the id that was asked for."""
        what = self.label(item['campaign_id'])
        body = self.call('GET', self.base(item['vdn_id']) + '/' + quote(item['campaign_id'], safe=''), what)
        record = body.get('returnObject')
        if not isinstance(record, dict):
            raise VendorError('{0}: the answer has no campaign "returnObject"'.format(what))
        return self.to_campaign(record, what, item['campaign_id'])

    def list(self, item):
        """Every campaign of the VDN (Huawei's page "Querying All Outbound Campaigns"): ``status``,
        ``deviceType``, ``curPage`` and ``rowsPerPage`` are all mandatory; the rows are ``data``,
        each with its ``id``, and ``totalSize`` counts them across pages."""
        if item.get('vdn_id') is None:
            raise ValidationError('provider=isales needs vdn_id (1-9999, or ISALES_VDN_ID) to list campaigns')

        def fetch_page(index, _collected):
            url = self.base(item['vdn_id']) + LIST_QUERY.format(page=index + 1, rows=ROWS_PER_PAGE)
            return self.call('GET', url, self.label())
        return self.collect_pages(fetch_page, ROWS_PER_PAGE, 'data', total_key='totalSize')

    def apply(self, campaign, action, item):
        url = '{0}/{1}/{2}'.format(self.base(item['vdn_id']), quote(campaign.id, safe=''), action)
        self.call('PUT', url, '{0}: {1}'.format(self.label(campaign.id), action), write=True)

    def to_campaign(self, record, what, campaign_id):
        """A campaign from a ``returnObject`` (``campaign_id`` is the id asked for) or from a
        list row (``campaign_id`` is None: the row's own ``id``)."""
        if not isinstance(record, dict) or record.get('status') is None:
            raise VendorError('{0}: the answer has no campaign "status"'.format(what))
        if campaign_id is None:
            if record.get('id') in (None, ''):
                raise VendorError('{0}: a campaign in the list answer has no "id"'.format(what))
            campaign_id = record['id']
        return self.campaign(str(campaign_id), record['status'], name=record.get('name'), raw=record)

    def describe_native(self, native_status):
        name = STATUS_NAMES.get(int_or_none(native_status))
        if name:
            return '{0} ({1})'.format(native_status, name)
        return '{0!r}, a status code Huawei does not document (only 2 started, 3 suspended, 4 completed)'.format(native_status)
