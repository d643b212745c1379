# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Huawei CEC CC-iSales outbound campaigns (``/rest/isales/v1/openapi/campaigns/{vdnId}``).

Huawei answers HTTP 200 for almost everything; success is ``resultCode == "0200000"`` only."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import datetime
import hashlib
import hmac

from ansible.module_utils.six.moves.urllib.parse import quote, urlsplit

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
# 0200011 is documented for pause; the code for "cannot be resumed in current status" is not
# published (inferred: 0200012).
WRONG_STATE_CODES = ('0200011', '0200012')
CONTENT_TYPE = 'application/json; charset=UTF-8'
ROWS_PER_PAGE = 100
SIGNED_HEADERS = 'content-type;host'


def sign_request(method, url, content_type, access_key, secret_key, now=None):
    """The ``Authorization`` value for one request, following the CEC AK/SK demo (``SignInfo``):
    a canonical request signed with HMAC-SHA256 under a key derived from the SK and the
    ``auth-v2/AK/timestamp`` prefix. The layout lives here only, so it is one place to adjust."""
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
        what = self.what(item['campaign_id'])
        body = self.call('GET', self.base(item['vdn_id']) + '/' + quote(item['campaign_id'], safe=''), what)
        # Huawei does not say where the record sits: under "data" when present, else top level.
        record = body.get('data') if isinstance(body.get('data'), dict) else body
        return self.to_campaign(record, what, item['campaign_id'])

    def list(self, item):
        if item.get('vdn_id') is None:
            raise ValidationError('provider=isales needs vdn_id (1-9999, or ISALES_VDN_ID) to list campaigns')

        def fetch_page(index, _collected):
            url = '{0}?status=0&curPage={1}&rowsPerPage={2}'.format(self.base(item['vdn_id']), index + 1, ROWS_PER_PAGE)
            return self.call('GET', url, self.what())
        return self.collect_pages(fetch_page, ROWS_PER_PAGE, 'data')

    def apply(self, campaign, action, item):
        url = '{0}/{1}/{2}'.format(self.base(item['vdn_id']), quote(campaign.id, safe=''), action)
        self.call('PUT', url, '{0}: {1}'.format(self.what(campaign.id), action), write=True)

    def to_campaign(self, record, what, campaign_id):
        if not isinstance(record, dict) or record.get('status') is None:
            raise VendorError('{0}: the answer has no campaign "status"'.format(what))
        campaign_id = str(record.get('campaignId', record.get('id', campaign_id)))
        return self.campaign(campaign_id, record['status'], name=record.get('campaignName') or record.get('name'), raw=record)
