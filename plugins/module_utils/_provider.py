# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""What a provider is: a table of facts about its vendor (options, credentials, status words,
allowed transitions) plus a small client that reads, lists and applies one transition.

The runner and the converger only talk to this interface; they never ask which provider they run."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from urllib.parse import quote

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import ValidationError, VendorError, WrongStateError
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import decode_json, error_for_status, excerpt, parse_json
from ansible_collections.campaignops.campaigns.plugins.module_utils._limits import AccountLimiter, account_key
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    require_credentials,
    validate_api_url,
    validate_campaign_id,
)

DIGITS = (r'^[0-9]+$', 'it must be a number')
MAX_PAGES = 1000


def int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


class Campaign:
    """One campaign as read from the vendor."""

    def __init__(self, campaign_id, native_status, state, name=None, raw=None):
        self.id = campaign_id
        self.native_status = native_status
        self.state = state
        self.name = name
        self.raw = raw

    def as_dict(self):
        return dict(id=self.id, name=self.name, state=self.state, native_status=self.native_status, raw=self.raw)


class Provider:
    """Base class of the five vendor clients. Subclasses set the class attributes below and
    implement ``read``, ``apply`` and (where the vendor has one) ``list``."""

    name = None
    env_prefix = None
    title = None
    own_options = ()
    read_credentials = ()
    write_credentials = None
    id_pattern = None
    default_api_url = None
    native_states = {}
    native_after = {}
    transitions = {}
    can_list = True
    # Requests in flight at once for a bulk run, unless the task sets concurrency.
    concurrency = 8
    max_concurrency = 32
    # (count, seconds) windows the vendor enforces per account, kept machine-wide.
    rate_limits = ()
    # Whether concurrency also bounds requests in flight across every process using the account.
    concurrency_is_account_limit = False
    # Fields of the vendor's record that may give a scheduled campaign's start time, in order.
    start_time_fields = ()

    def __init__(self, http, options):
        self.http = http
        self.options = options
        self.base_url = self.resolve_base_url(options)

    # ----- facts derived from the tables -------------------------------------------------

    @classmethod
    def settable_states(cls):
        return sorted(set(target for targets in cls.transitions.values() for target in targets))

    @classmethod
    def canonical(cls, native_status):
        """The canonical state of a native status; ``unknown`` for statuses nobody documented."""
        key = native_status.strip().lower() if isinstance(native_status, str) else native_status
        return cls.native_states.get(key, 'unknown')

    # ----- validation before any request -------------------------------------------------

    @classmethod
    def validate(cls, options, needs_write, environment_only=False):
        """Check credentials and endpoint options; raise ``ValidationError`` naming what is missing.

        ``environment_only``: the options came from the environment alone (a provider other than
        the task's own in a bulk run), so a message names the environment variables only."""
        require_credentials(options, cls, cls.read_credentials, environment_only)
        if needs_write and cls.write_credentials:
            require_credentials(options, cls, cls.write_credentials, environment_only)
        if options.get('api_url'):
            options['api_url'] = validate_api_url(options['api_url'])
        cls.validate_endpoint(options)

    @classmethod
    def validate_endpoint(cls, options):
        if not options.get('api_url') and not cls.default_api_url:
            raise ValidationError('provider={0} needs api_url ({1}_API_URL), e.g. https://host.example.com:8443'.format(
                cls.name, cls.env_prefix))

    @classmethod
    def validate_item(cls, item):
        """Check one campaign's options (id and provider-specific per-campaign options)."""
        item['campaign_id'] = validate_campaign_id(item['campaign_id'], cls.id_pattern)

    @classmethod
    def resolve_base_url(cls, options):
        return options.get('api_url') or cls.default_api_url

    @classmethod
    def effective_concurrency(cls, options):
        value = options.get('concurrency')
        if value is None:
            value = cls.concurrency
        if not 1 <= value <= cls.max_concurrency:
            raise ValidationError('concurrency={0} is out of range for provider={1}: use 1 to {2}'.format(
                value, cls.name, cls.max_concurrency))
        return value

    @classmethod
    def scoped_concurrency(cls, requested, own_task):
        """The ``concurrency`` of a task as it applies to this provider. On the task's own provider
        it applies as given; for the other providers of a bulk run it is capped at what this
        provider allows unasked: its default where concurrency is the vendor's own account limit
        (only a task naming the provider may raise that), else its maximum."""
        if requested is None or own_task:
            return requested
        return min(requested, cls.concurrency if cls.concurrency_is_account_limit else cls.max_concurrency)

    @classmethod
    def limiter(cls, options):
        """The machine-wide limiter of this account, or None when the vendor documents no limit."""
        if not cls.rate_limits and not cls.concurrency_is_account_limit:
            return None
        identity = [options.get(name) or '' for method in cls.read_credentials for name in method]
        return AccountLimiter(account_key(cls.name, cls.resolve_base_url(options), *identity),
                              max_in_flight=cls.effective_concurrency(options) if cls.concurrency_is_account_limit else None,
                              windows=cls.rate_limits)

    @staticmethod
    def is_throttled(response):
        """Whether the vendor refused the request for load, before processing it."""
        return response.status_code == 429

    # ----- the client --------------------------------------------------------------------

    def read(self, item):
        raise NotImplementedError

    def list(self, item):
        raise NotImplementedError

    def apply(self, campaign, action, item):
        raise NotImplementedError

    def check_writable(self, campaign, item):
        """Raise when the vendor would refuse any write to this campaign, so that the run fails
        before its first write (and check mode predicts the failure)."""

    def prefetch(self, items):
        """Before a bulk run: read many campaigns at once where the vendor's list call makes that
        cheaper than one read each. Later reads of those campaigns use the result once."""

    def forget(self):
        """Drop anything cached from earlier reads, so that the next read asks the vendor."""

    def start_time(self, campaign):
        """When a scheduled campaign will start, as the vendor's record says, or None."""
        record = campaign.raw if isinstance(campaign.raw, dict) else {}
        return next((str(record[name]) for name in self.start_time_fields if record.get(name) not in (None, '')), None)

    def describe_native(self, native_status):
        """The native status as the vendor names it, for messages."""
        return repr(native_status)

    def campaign(self, campaign_id, native_status, name=None, raw=None):
        return Campaign(campaign_id, native_status, self.canonical(native_status), name=name, raw=raw)

    def after(self, campaign, state):
        """The campaign as the vendor documents it after a transition to ``state``."""
        return Campaign(campaign.id, self.native_after.get(state, campaign.native_status), state, campaign.name, campaign.raw)

    # ----- helpers for subclasses --------------------------------------------------------

    def collect_pages(self, fetch_page, page_size, key, total_key='total'):
        """Every record of a paged list. ``fetch_page(index, collected)`` returns the decoded
        body of page ``index`` (from 0); ``key`` names its list of records and ``total_key`` the
        vendor's count of every record (``total`` unless the vendor names it otherwise).

        Stops at an empty page, when the total is reached, or (when the vendor sends no total)
        at a short page, so a server that caps the page size below ours still lists everything."""
        campaigns = []
        for index in range(MAX_PAGES):
            body = fetch_page(index, len(campaigns))
            records = body.get(key) if isinstance(body, dict) else None
            if not isinstance(records, list):
                raise VendorError('{0}: the campaign list answer has no "{1}" list'.format(self.label(), key))
            campaigns.extend(self.to_listed_campaign(record, self.label()) for record in records)
            total = int_or_none(body.get(total_key))
            if not records or (total is not None and len(campaigns) >= total) or (total is None and len(records) < page_size):
                return campaigns
        raise VendorError('{0}: the campaign list has more than {1} pages; stopped reading'.format(self.label(), MAX_PAGES))

    def to_listed_campaign(self, record, what):
        """One row of the vendor's campaign list as a campaign."""
        return self.to_campaign(record, what, None)

    def url(self, *segments):
        """``base_url`` plus path segments, each percent-encoded so no value can alter the path."""
        return self.base_url + ''.join('/' + quote(str(segment), safe='') for segment in segments)

    def label(self, campaign_id=None):
        """How messages name this provider (``ocamba``) or one of its campaigns (``ocamba campaign 4711``)."""
        if campaign_id is None:
            return '{0}'.format(self.name)
        return '{0} campaign {1}'.format(self.name, campaign_id)

    def json_or_error(self, response, what, write=False):
        """The JSON body of a successful answer, else the mapped exception."""
        if response.status_code >= 400:
            raise self.error(response, what, write)
        return parse_json(response, what)

    def require_success_body(self, response, what, empty_allowed=False):
        """A write answered 2xx must also carry the body the vendor documents; anything else leaves
        the outcome unknown (``unreadable``), so the converger reads the status back."""
        if empty_allowed and not response.content.strip():
            return None
        body = parse_json(response, what)
        if not isinstance(body, dict):
            raise VendorError('{0}: HTTP {1} with an answer that is not a JSON object: {2!r}'.format(
                what, response.status_code, excerpt(response)), status=response.status_code, unreadable=True)
        return body

    def error(self, response, what, write):
        detail = self.error_detail(response)
        if write and response.status_code in self.wrong_state_statuses:
            return WrongStateError('{0}: HTTP {1}: {2}'.format(what, response.status_code, detail), status=response.status_code)
        return error_for_status(response, what, detail)

    wrong_state_statuses = ()

    def error_detail(self, response):
        """The vendor's own code and message from an error answer, as one short string."""
        try:
            body = decode_json(response)
        except ValueError:
            return excerpt(response)
        if isinstance(body, dict):
            parts = [str(body[key]) for key in ('code', 'title', 'error', 'message', 'msg') if body.get(key) not in (None, '')]
            if parts:
                return ' '.join(parts)
        return excerpt(response)
