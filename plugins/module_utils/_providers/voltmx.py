# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""HCL Volt MX Foundry Engagement Services campaigns (``/api/v1/campaigns``).

Authentication, after HCL's Volt MX Engagement API guide, "Authentication API": Basic auth of an
Engagement database user, a given claims token, or (with ``auth_url``) a login at
``{auth_url}/authService/accounts/login`` whose ``claims_token.value`` is sent as
``X-VoltMX-Authorization``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import copy
import threading

from urllib.parse import urlsplit

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    AuthenticationError,
    CampaignError,
    NotFoundError,
    TransportError,
    ValidationError,
    VendorError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import decode_json
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import is_printable_ascii, require_credentials, validate_api_url
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Provider

PAGE_SIZE = 100
NOT_FOUND_MARKER = 'no campaign found'
JSON_HEADERS = {'Content-Type': 'application/json;charset=UTF-8', 'Accept': 'application/json'}
LOGIN_PATH = '/authService/accounts/login'
# An auth_url ending so is the login URL itself (Volt MX cloud: https://accounts.auth.voltmxcloud.com/login).
LOGIN_SUFFIX = '/login'
# The login body's optional fields and the options that fill them.
LOGIN_EXTRAS = (('provider', 'auth_provider'), ('domain', 'auth_domain'))


class VoltMX(Provider):
    name = 'voltmx'
    env_prefix = 'VOLTMX'
    title = 'HCL Volt MX Engagement'
    own_options = ('api_url', 'auth_url', 'auth_provider', 'auth_domain', 'username', 'password', 'token')
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
    # HCL's "Get Campaign Details by ID": "startDateStr ... Date on which the campaign starts", zone apart.
    start_time_fields = ('startDateStr',)

    def __init__(self, http, options):
        super(VoltMX, self).__init__(http, options)
        self._login_lock = threading.Lock()
        self._claims_token = None
        self._login_failure = None
        # One more login per run when the vendor refuses a token (it expired): a 401 for want of
        # rights would otherwise cost a login per campaign.
        self._relogins_left = 1

    @classmethod
    def validate(cls, options, needs_write, environment_only=False):
        if options.get('auth_url'):
            if options.get('token'):
                raise ValidationError('provider=voltmx: set auth_url (log in with username and password) or token (a claims token '
                                      'obtained elsewhere), not both')
            require_credentials(options, cls, (('username', 'password'),), environment_only)
            options['auth_url'] = validate_api_url(options['auth_url'], option='auth_url', path_suffix=LOGIN_SUFFIX)
        elif options.get('auth_provider') or options.get('auth_domain'):
            raise ValidationError('provider=voltmx: auth_provider and auth_domain are sent with the login at auth_url '
                                  '(VOLTMX_AUTH_URL): set auth_url, or remove them')
        super(VoltMX, cls).validate(options, needs_write, environment_only)

    def headers(self, claims_token=None):
        headers = dict(JSON_HEADERS)
        token = claims_token or self.options.get('token')
        if token:
            headers['X-VoltMX-Authorization'] = token
        return headers

    def auth(self):
        if self.options.get('token'):
            return None
        return (self.options['username'], self.options['password'])

    def send(self, method, url, params=None):
        if not self.options.get('auth_url'):
            return self.http.request(method, url, headers=self.headers(), params=params, auth=self.auth())
        token = self.claims_token()
        response = self.http.request(method, url, headers=self.headers(token), params=params)
        if response.status_code != 401:
            return response
        # A 401 was not processed (the token expired, most likely): log in again once, resend once.
        response = self.http.request(method, url, headers=self.headers(self.claims_token(refused=token)), params=params)
        if response.status_code == 401:
            raise AuthenticationError('HTTP 401 again with a claims token fresh from the login at {0}: {1} (check that this user may '
                                      'use Engagement Services, and that auth_url and api_url belong to the same Volt MX '
                                      'environment)'.format(self.auth_host(), self.error_detail(response)), status=401)
        return response

    # ----- the login at auth_url -----------------------------------------------------------

    def claims_token(self, refused=None):
        """The run's claims token: one login on first use, for every thread, and one more when a
        call refused the current token (``refused``). A failed login fails every later call."""
        with self._login_lock:
            relogin = refused is not None and self._claims_token == refused and self._relogins_left > 0
            if self._login_failure is None and (self._claims_token is None or relogin):
                self._relogins_left -= 1 if relogin else 0
                try:
                    self._claims_token = self.login()
                except CampaignError as exc:
                    self._login_failure = exc
            if self._login_failure is not None:
                failure = copy.copy(self._login_failure)
                failure.details = dict(failure.details)
                raise failure
            return self._claims_token

    def login(self):
        """POST the user's credentials to the login URL; return the answer's ``claims_token.value``."""
        what = 'provider=voltmx: login at {0} failed'.format(self.auth_host())
        body = dict(userid=self.options['username'], password=self.options['password'])
        body.update((key, self.options[option]) for key, option in LOGIN_EXTRAS if self.options.get(option))
        try:
            response = self.http.request('POST', self.login_url(), headers=dict(JSON_HEADERS), json_body=body)
        except TransportError as exc:
            # No campaign call was sent: never an ambiguous outcome.
            raise TransportError('{0}: {1}'.format(what, exc.message), retryable=False)
        if response.status_code in (401, 403):
            raise AuthenticationError('{0}: HTTP {1}: {2} (check username and password, VOLTMX_USERNAME and VOLTMX_PASSWORD{3})'.format(
                what, response.status_code, self.error_detail(response), self.login_extras_hint()), status=response.status_code)
        if response.status_code >= 400:
            raise VendorError('{0}: HTTP {1}: {2}'.format(what, response.status_code, self.error_detail(response)))
        return self.claims_of(response, what)

    @staticmethod
    def claims_of(response, what):
        """``claims_token.value`` of a login answer; never shows the answer, which holds tokens."""
        try:
            body = decode_json(response)
        except ValueError:
            raise VendorError('{0}: HTTP {1} with an answer that is not JSON (Content-Type {2!r})'.format(
                what, response.status_code, response.headers.get('Content-Type')))
        claims = body.get('claims_token') if isinstance(body, dict) else None
        value = claims.get('value') if isinstance(claims, dict) else None
        # Sent as a header value as it is; requests would quote an unusable one in its error.
        if not is_printable_ascii(value):
            raise VendorError('{0}: HTTP {1} without a usable claims token (claims_token.value) in the answer'.format(
                what, response.status_code))
        return value

    def login_url(self):
        """``{auth_url}/authService/accounts/login``; an auth_url that already ends in ``/login`` (Volt MX
        cloud's ``https://accounts.auth.voltmxcloud.com/login``) is the login URL itself."""
        auth_url = self.options['auth_url']
        return auth_url if urlsplit(auth_url).path.endswith(LOGIN_SUFFIX) else auth_url + LOGIN_PATH

    def auth_host(self):
        return urlsplit(self.options['auth_url']).netloc

    def login_extras_hint(self):
        given = [option for _key, option in LOGIN_EXTRAS if self.options.get(option)]
        return ', and ' + ' and '.join(given) if given else ''

    def start_time(self, campaign):
        """``startDateStr`` with the record's ``zone``, which HCL keeps apart."""
        start = super(VoltMX, self).start_time(campaign)
        zone = (campaign.raw or {}).get('zone')
        return '{0} {1}'.format(start, zone) if start and zone else start

    def read(self, item):
        campaign_id = item['campaign_id']
        what = self.label(campaign_id)
        response = self.send('GET', self.url('api', 'v1', 'campaigns', campaign_id))
        self.raise_not_found(response, what)
        body = self.json_or_error(response, what)
        record = body.get('campaign', body) if isinstance(body, dict) else None
        return self.to_campaign(record, what, campaign_id)

    def list(self, item):
        def fetch_page(_index, collected):
            response = self.send('GET', self.url('api', 'v1', 'campaigns'), params={'start': collected, 'pageSize': PAGE_SIZE})
            return self.json_or_error(response, self.label())
        return self.collect_pages(fetch_page, PAGE_SIZE, 'campaigns')

    def apply(self, campaign, action, item):
        what = self.label(campaign.id)
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
