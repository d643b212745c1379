# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""read -> plan -> (check mode stops here) -> apply -> (wait), for one campaign or many.

Everything provider-specific sits behind the ``Provider`` interface; this module never asks
which provider it runs."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import CampaignError, TransitionError, ValidationError, WrongStateError
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, HttpClient, RetryPolicy
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    ENDPOINT_AND_CREDENTIAL_OPTIONS, ITEM_OPTIONS, env_name, foreign_options, resolve_connection, secret_values)
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.plugins.module_utils._states import describe_allowed, plan_path, waits_for_start

WAIT_FIRST_DELAY = 1.0
WAIT_MAX_DELAY = 10.0
READ_BACK_FIRST_DELAY = 0.5
READ_BACK_MIN_GRACE = 5.0
READ_BACK_MAX_GRACE = 60.0


class Converger:
    """Converges campaigns of one provider account with one HTTP session."""

    def __init__(self, client, check_mode=False, wait=False, wait_timeout=120, sleep=time.sleep, clock=time.monotonic):
        self.client = client
        self.check_mode = check_mode
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.sleep = sleep
        self.clock = clock

    def converge(self, item):
        """Bring one campaign to ``item['state']``; return the module result for it."""
        try:
            return self.converge_unlabelled(item)
        except CampaignError as exc:
            raise in_context(exc, self.client.what(item['campaign_id']))

    def converge_unlabelled(self, item):
        campaign = self.client.read(item)
        steps = self.plan(campaign, item)
        if steps:
            self.client.check_writable(campaign, item)
        actions = [action for action, _state in steps]
        final = campaign
        if steps and not self.check_mode:
            actions = self.apply(campaign, steps, item)
            try:
                final = self.wait_for(item) if self.wait else self.client.after(campaign, item['state'])
            except CampaignError as exc:
                # Every write was accepted: a failure while waiting must still report them.
                exc.details['actions'] = actions
                raise
        elif steps:
            final = self.client.after(campaign, item['state'])
        result = dict(
            changed=bool(actions),
            campaign=_public(final),
            previous_state=campaign.state,
            actions=actions,
            diff=dict(before=_diffable(campaign), after=_diffable(final)),
        )
        if not steps and waits_for_start(campaign.state, item['state']):
            result['warnings'] = [self.scheduled_warning(campaign, item['state'])]
        return result

    def scheduled_warning(self, campaign, desired):
        start = self.client.start_time(campaign)
        return ('{0} is scheduled (native status {1}): started, waiting for its start time{2}. It already satisfies state={3} '
                'and was left alone; set start_now: true to start it now').format(
                    self.client.what(campaign.id), self.client.describe_native(campaign.native_status),
                    ' ({0})'.format(start) if start else ', which the vendor did not report', desired)

    def plan(self, campaign, item):
        desired = item['state']
        try:
            return plan_path(self.client.transitions, campaign.state, desired, start_now=bool(item.get('start_now')))
        except TransitionError as exc:
            raise TransitionError(
                '{0} is {1} (native status {2}) and cannot be moved to {3}: {4} {5}'.format(
                    self.client.what(campaign.id), campaign.state, self.client.describe_native(campaign.native_status), desired,
                    self.client.name, describe_allowed(self.client.transitions, campaign.state)),
                current=campaign.state, desired=desired, allowed=exc.details.get('allowed'))

    def apply(self, campaign, steps, item):
        """Apply the steps; return the vendor calls that took effect.

        A write is never repeated blindly. When its outcome is unknown (no answer, 5xx) the
        status is read back: done means done, unchanged means try again within the retry
        budget. When the vendor refuses the call as if the campaign were in another state, the
        read-back decides: a campaign that moved under us is planned again, once; one that did
        not move shows the refusal is the vendor's answer to this write, so the task fails with
        it rather than send the same write again. "Did not move" includes a read-back that still
        shows a state this run already left, which is the vendor lagging behind an accepted
        write: planning from it would send that write a second time."""
        done = []
        passed_through = [campaign.state]
        unknown_outcomes_left = self.client.http.retry.retries
        replans_left = 1
        while steps:
            action, state = steps[0]
            try:
                self.client.apply(campaign, action, item)
            except CampaignError as exc:
                refused = isinstance(exc, WrongStateError)
                if not (exc.ambiguous or refused) or (exc.ambiguous and not unknown_outcomes_left) or (refused and not replans_left):
                    raise self.partial_failure(exc, done, campaign)
                unknown_outcomes_left -= 1 if exc.ambiguous else 0
                replans_left -= 1 if refused else 0
                campaign = self.read_back(item, exc, done, campaign.state)
                if refused and campaign.state in passed_through:
                    raise self.partial_failure(refusal_stands(exc, campaign), done, campaign)
                if exc.ambiguous and campaign.state == state:
                    # Our unanswered call did take effect; a refused one never did.
                    done.append(action)
                passed_through.append(campaign.state)
                steps = self.replan(campaign, item, exc, done)
                continue
            done.append(action)
            campaign = self.client.after(campaign, state)
            passed_through.append(state)
            steps = steps[1:]
        return done

    def read_back(self, item, cause, done, state_before):
        """Read the campaign after a failed write. A request that timed out may still be in the
        vendor's hands, so keep reading for a grace period until the status moves: sending
        the write again while the first one is still on its way would apply it twice."""
        deadline = self.clock() + (self.in_flight_grace() if cause.details.get('in_flight') else 0)
        delay = READ_BACK_FIRST_DELAY
        while True:
            self.client.forget()
            try:
                campaign = self.client.read(item)
            except CampaignError as exc:
                raise self.partial_failure(CampaignError('{0}; reading the status back failed too: {1}'.format(cause.message, exc.message)),
                                           done, None)
            if campaign.state != state_before or self.clock() + delay > deadline:
                return campaign
            self.sleep(delay)
            delay = min(delay * 2, WAIT_MAX_DELAY)

    def in_flight_grace(self):
        return min(READ_BACK_MAX_GRACE, max(READ_BACK_MIN_GRACE, 2 * self.client.http.timeout))

    def replan(self, campaign, item, cause, done):
        try:
            return self.plan(campaign, item)
        except TransitionError as exc:
            raise self.partial_failure(TransitionError('{0}; read back: {1}'.format(cause.message, exc.message)), done, campaign)

    def partial_failure(self, exc, done, campaign):
        """The error to raise, saying which calls did take effect before it."""
        if done:
            exc.message = '{0}; already applied: {1}{2}'.format(
                exc.message, ', '.join(done), ' (the campaign is now {0})'.format(campaign.state) if campaign else '')
        exc.details['actions'] = list(done)
        return exc

    def wait_for(self, item):
        """Poll until the vendor reports the target state, with doubling delays."""
        deadline = self.clock() + self.wait_timeout
        delay = WAIT_FIRST_DELAY
        while True:
            self.client.forget()
            campaign = self.client.read(item)
            if campaign.state == item['state']:
                return campaign
            if self.clock() + delay > deadline:
                raise CampaignError(
                    '{0}: the change was accepted but the campaign still reports {1} (native status {2}) after wait_timeout={3}s'.format(
                        self.client.what(campaign.id), campaign.state, self.client.describe_native(campaign.native_status), self.wait_timeout),
                    actions=[])
            self.sleep(delay)
            delay = min(delay * 2, WAIT_MAX_DELAY)

    def converge_all(self, items):
        """Converge every item concurrently (within the provider's concurrency); one result per
        item, in input order, a failure recorded without hiding the others."""
        workers = max(1, min(self.client.effective_concurrency(self.client.options), len(items)))
        try:
            self.client.prefetch(items)
        except CampaignError:
            # An optimisation only: each campaign's own read reports what is wrong.
            pass
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(self.converge_reporting_failure, items))

    def converge_reporting_failure(self, item):
        try:
            result = self.converge(item)
        except CampaignError as exc:
            result = dict(changed=bool(exc.details.get('actions')), failed=True, msg=str(exc.message),
                          actions=exc.details.get('actions', []))
        except Exception as exc:  # pylint: disable=broad-except
            # One campaign's surprise must not hide the others' results.
            result = dict(changed=False, failed=True, msg=unexpected(exc), actions=[])
        result['campaign_id'] = item['campaign_id']
        return result


def refusal_stands(exc, campaign):
    """The error for a refused write whose campaign did not move: the vendor's own answer, as is."""
    exc.message = '{0}; read back: the campaign is still {1}, so the vendor refused this call (not sent again)'.format(
        exc.message, campaign.state)
    return exc


def in_context(exc, label):
    """Prefix the message with the provider and campaign unless it already names them."""
    if not exc.message.startswith(label):
        exc.message = '{0}: {1}'.format(label, exc.message)
    return exc


def unexpected(exc):
    return 'unexpected error ({0}: {1}); this is a bug in campaignops.campaigns, please report it'.format(type(exc).__name__, exc)


def _public(campaign):
    return dict(id=campaign.id, name=campaign.name, state=campaign.state, native_status=campaign.native_status)


def _diffable(campaign):
    return dict(state=campaign.state, native_status=campaign.native_status)


# ----- the modules' entry points ---------------------------------------------------------

def run_state_module(module):
    """``campaign_state``: validate everything, then converge one campaign or the bulk list."""
    _require_requests(module)
    bulk = module.params.get('campaigns') is not None
    try:
        groups = _state_groups(module, bulk)
        if not bulk:
            result = groups[0].converger.converge(groups[0].items[0])
    except CampaignError as exc:
        module.fail_json(msg=exc.message, **_failure_details(exc))
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg=unexpected(exc))
    if bulk:
        _exit_bulk(module, converge_groups(groups))
    if not module._diff:
        result.pop('diff')
    _warn(module, [result])
    module.exit_json(**result)


def _warn(module, results):
    """Show the warnings of each campaign's result the way Ansible shows a module's warnings."""
    for result in results:
        for warning in result.pop('warnings', []):
            module.warn(warning)


class Group:
    """The campaigns of one provider in a run: their positions in the task's list, their items
    and the converger (one client, one HTTP session, the account's limits) that serves them."""

    def __init__(self, name, converger, indices, items):
        self.name = name
        self.converger = converger
        self.indices = indices
        self.items = items


def converge_groups(groups):
    """Converge every provider's campaigns side by side, since each vendor's limits are its own;
    one result per campaign, in the order of the task's list."""
    results = [None] * sum(len(group.items) for group in groups)
    with ThreadPoolExecutor(max_workers=len(groups)) as pool:
        runs = [(group, pool.submit(group.converger.converge_all, group.items)) for group in groups]
        for group, run in runs:
            try:
                group_results = run.result()
            except Exception as exc:  # pylint: disable=broad-except
                # Only a bug gets here; the other providers' results must still be reported.
                group_results = [dict(changed=False, failed=True, msg=unexpected(exc), actions=[], campaign_id=item['campaign_id'])
                                 for item in group.items]
            for index, result in zip(group.indices, group_results):
                result['provider'] = group.name
                results[index] = result
    return results


def _exit_bulk(module, results):
    _warn(module, results)
    changed = any(result.get('changed') for result in results)
    diff = [result.pop('diff', {}) for result in results]
    failed = [result for result in results if result.get('failed')]
    extra = dict(diff=diff) if module._diff else {}
    if failed:
        module.fail_json(msg='{0} of {1} campaigns failed: {2}'.format(
            len(failed), len(results), '; '.join(result['msg'] for result in failed[:5])), changed=changed, results=results, **extra)
    module.exit_json(changed=changed, results=results, **extra)


def run_info_module(module):
    """``campaign_info``: one campaign, or every campaign the vendor lists."""
    _require_requests(module)
    try:
        provider_cls, options = _connection(module)
        provider_cls.validate(options, needs_write=False)
        item = dict((name, options.get(name)) for name in ITEM_OPTIONS)
        client = _client(provider_cls, options)
        if module.params.get('campaign_id') is not None:
            item['campaign_id'] = module.params['campaign_id']
            provider_cls.validate_item(item)
            campaigns = [_read_labelled(client, item)]
        elif not provider_cls.can_list:
            raise ValidationError('provider={0} has no call that lists campaigns: give campaign_id'.format(provider_cls.name))
        else:
            campaigns = client.list(item)
    except CampaignError as exc:
        module.fail_json(msg=exc.message, **_failure_details(exc))
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg=unexpected(exc))
    module.exit_json(changed=False, campaigns=[campaign.as_dict() for campaign in campaigns])


def _read_labelled(client, item):
    try:
        return client.read(item)
    except CampaignError as exc:
        raise in_context(exc, client.what(item['campaign_id']))


def _require_requests(module):
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)


def _connection(module):
    provider_cls = PROVIDERS[module.params['provider']]
    # Register secrets before anything can fail, so no failure can show them.
    module.no_log_values.update(secret_values(module.params))
    options = resolve_connection(module.params, provider_cls)
    module.no_log_values.update(secret_values(options))
    return provider_cls, options


def _client(provider_cls, options):
    """The provider's client with one keep-alive session, its limits and retry budget."""
    concurrency = provider_cls.effective_concurrency(options)
    http = HttpClient(timeout=options['timeout'], validate_certs=options['validate_certs'], ca_path=options.get('ca_path'),
                      limiter=provider_cls.limiter(options), retry=RetryPolicy(retries=options['retries']), pool_size=concurrency,
                      throttled=provider_cls.is_throttled)
    return provider_cls(http, options)


def _state_groups(module, bulk):
    """Validate the whole task before any request: every campaign, every provider's connection
    and credentials. Return one ``Group`` per provider, in order of first appearance."""
    params = module.params
    # Register secrets before anything can fail, so no failure can show them.
    module.no_log_values.update(secret_values(params))
    groups = items_by_provider(params, bulk, on_secrets=module.no_log_values.update)
    for provider_cls, options, _indices, _items in groups:
        provider_cls.validate(options, needs_write=not module.check_mode)
    return [Group(provider_cls.name, Converger(_client(provider_cls, options), check_mode=module.check_mode,
                                               wait=params['wait'], wait_timeout=params['wait_timeout']), indices, items)
            for provider_cls, options, indices, items in groups]


def items_by_provider(params, bulk, on_secrets=None):
    """``(provider class, its connection options, positions in the task's list, validated
    items)`` per provider of the task; ``on_secrets`` gets the secrets each provider resolves."""
    raw_items = _raw_items(params, bulk)
    names = _provider_names(params, raw_items)
    _refuse_unclaimed_options(params, names)
    groups = []
    for name in names:
        provider_cls = PROVIDERS[name]
        options = resolve_connection(scoped_params(params, provider_cls, names), provider_cls)
        options['environment_only'] = name != params.get('provider')
        if on_secrets:
            on_secrets(secret_values(options))
        indices = [index for index, raw in enumerate(raw_items) if _provider_of(raw, params) == name]
        groups.append((provider_cls, options, indices, [_item(raw_items[index], params, provider_cls, options) for index in indices]))
    _refuse_duplicates([(provider_cls.name, item) for provider_cls, _options, _indices, items in groups for item in items])
    return groups


def _raw_items(params, bulk):
    if not bulk:
        return [dict(campaign_id=params['campaign_id'])]
    if not params['campaigns']:
        raise ValidationError('campaigns is empty: list at least one campaign')
    return params['campaigns']


def _provider_of(raw, params):
    return raw.get('provider') or params.get('provider')


def _provider_names(params, raw_items):
    names = []
    for raw in raw_items:
        name = _provider_of(raw, params)
        if name is None:
            raise ValidationError('campaign {0}: provider is required (set provider, or provider in every campaigns item)'.format(
                raw.get('campaign_id')))
        if name not in names:
            names.append(name)
    return names


def _taken_by(option, names):
    return any(option in PROVIDERS[name].own_options for name in names)


def _refuse_unclaimed_options(params, names):
    """Endpoint and credential options set on the task configure the task's provider; when no
    campaign is on that provider (or there is none) they would be ignored, and a campaign would
    go to an endpoint the task did not mean. A campaign option must suit some campaign."""
    task_provider = params.get('provider')
    if task_provider in names:
        return
    connection = [name for name in ENDPOINT_AND_CREDENTIAL_OPTIONS if params.get(name) is not None]
    if connection:
        listed = ', '.join(connection)
        if task_provider is None:
            problem = 'set provider to use {0}'.format(listed)
        else:
            problem = '{0} configure provider={1}, which none of the campaigns is on: remove them, or set provider to their vendor'.format(
                listed, task_provider)
        examples = ', '.join(env_name(PROVIDERS[name], PROVIDERS[name].read_credentials[0][-1]) for name in names[:2])
        raise ValidationError('{0}. Endpoint and credential options set on the task belong to the task\'s provider; the campaigns '
                              'of other providers take theirs from environment variables such as {1}'.format(problem, examples))
    for name in ITEM_OPTIONS:
        if params.get(name) is not None and not _taken_by(name, names):
            raise ValidationError('option {0} applies to none of the providers of campaigns ({1})'.format(name, ', '.join(names)))


def scoped_params(params, provider_cls, names):
    """The task's options as they apply to one provider of the run.

    The endpoint and credential options, ``validate_certs`` and ``ca_path`` belong to the task's
    own ``provider``; any other provider reads its endpoint, credentials and CA from the
    environment (as AWX credentials inject them) and always verifies certificates. A campaign
    option (``reason``, say) is the default of the campaigns whose provider takes it."""
    own_provider = provider_cls.name == params.get('provider')
    scoped = dict(params, provider=provider_cls.name)
    for name in ITEM_OPTIONS:
        if name not in provider_cls.own_options and (not own_provider or _taken_by(name, names)):
            scoped[name] = None
    if not own_provider:
        scoped.update(dict.fromkeys(ENDPOINT_AND_CREDENTIAL_OPTIONS), validate_certs=True, ca_path=None)
        if scoped.get('concurrency') is not None:
            # Where concurrency is the vendor's own limit (Wolkvox), only the task's provider may raise it.
            ceiling = provider_cls.concurrency if provider_cls.concurrency_is_account_limit else provider_cls.max_concurrency
            scoped['concurrency'] = min(scoped['concurrency'], ceiling)
    return scoped


def _item(raw, params, provider_cls, options):
    foreign = sorted(foreign_options(raw, provider_cls, ITEM_OPTIONS))
    if foreign:
        raise ValidationError('campaign {0}: option {1} cannot be used with provider={2}'.format(
            raw.get('campaign_id'), ', '.join(foreign), provider_cls.name))
    item = dict((name, raw.get(name) if raw.get(name) is not None else options.get(name)) for name in ITEM_OPTIONS)
    item['campaign_id'] = raw.get('campaign_id')
    item['state'] = raw.get('state') or params.get('state')
    item['start_now'] = bool(params.get('start_now') if raw.get('start_now') is None else raw['start_now'])
    if item['state'] is None:
        raise ValidationError('campaign {0}: state is required (set state, or state in the campaigns item)'.format(item['campaign_id']))
    settable = provider_cls.settable_states()
    if item['state'] not in settable:
        raise ValidationError('provider={0} cannot set state={1}; it can set: {2}'.format(provider_cls.name, item['state'], ', '.join(settable)))
    provider_cls.validate_item(item)
    return item


def _refuse_duplicates(provider_items):
    seen = set()
    for name, item in provider_items:
        key = (name, item['campaign_id'], item.get('vdn_id'))
        if key in seen:
            raise ValidationError('{0} campaign {1} is listed twice in campaigns; list each campaign once'.format(name, item['campaign_id']))
        seen.add(key)


def _failure_details(exc):
    details = {}
    if 'actions' in exc.details:
        details['actions'] = exc.details['actions']
        details['changed'] = bool(exc.details['actions'])
    return details
