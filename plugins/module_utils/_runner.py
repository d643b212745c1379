# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""From a task to work: the task's options and campaigns become one ``Group`` of validated
campaigns per provider, each with its own connection and client, before any request; then the
groups converge side by side and the results go back to Ansible in the task's order.

``connect`` is the part that needs no AnsibleModule: the options of one provider account,
resolved from the task's values and the environment, validated, and a client for them."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.campaignops.campaigns.plugins.module_utils._converger import Converger, failure_of_a_bug, in_context, prefetch, unexpected
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import CampaignError, ValidationError
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, HttpClient, RetryPolicy
from ansible_collections.campaignops.campaigns.plugins.module_utils._limits import limits_fallback_warning
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    ENDPOINT_AND_CREDENTIAL_OPTIONS, ITEM_OPTIONS, connection_spec, env_name, foreign_options, resolve_connection, secret_values,
    with_spec_defaults)
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS


class Group:
    """The campaigns of one provider in a run: the provider's connection options, the campaigns'
    positions in the task's list and their validated items, and, once connected, the converger
    (one client, one HTTP session, the account's limits) that serves them.

    ``environment_only``: the provider is neither the task's own nor in ``connections``, so its
    endpoint and credentials come from the environment alone. ``in_connections``: it is not the
    task's own, and ``connections`` configures it (the environment fills in what that leaves out)."""

    def __init__(self, provider_cls, options, indices, items, environment_only=False, converger=None, in_connections=False):
        self.provider_cls = provider_cls
        self.name = provider_cls.name
        self.options = options
        self.indices = indices
        self.items = items
        self.environment_only = environment_only
        self.in_connections = in_connections
        self.converger = converger


# ----- one provider account, with or without a module -------------------------------------

def make_client(provider_cls, options):
    """The provider's client with one keep-alive session, its limits and retry budget."""
    concurrency = provider_cls.effective_concurrency(options)
    http = HttpClient(timeout=options['timeout'], validate_certs=options['validate_certs'], ca_path=options.get('ca_path'),
                      limiter=provider_cls.limiter(options), retry=RetryPolicy(retries=options['retries']), pool_size=concurrency,
                      throttled=provider_cls.is_throttled)
    return provider_cls(http, options)


def connect(params, provider_cls, needs_write=False, on_secrets=None):
    """``(options, client)`` for one account of ``provider_cls``: the connection options of
    ``params`` (a dict of module options; those it leaves out take the modules' defaults), else
    the provider's environment variables, validated; ``on_secrets`` gets every secret in effect
    before validation can fail."""
    options = resolve_connection(with_spec_defaults(params), provider_cls)
    if on_secrets:
        on_secrets(secret_values(options))
    provider_cls.validate(options, needs_write=needs_write)
    return options, make_client(provider_cls, options)


def read_campaigns(params, provider_cls, campaign_ids=None, on_secrets=None, ids_option='campaign_ids'):
    """Read one account: the campaigns of ``campaign_ids``, or every campaign the vendor lists.
    Never writes; used by ``campaign_info`` and the inventory plugin. Returns ``(options,
    campaigns)``: the connection options in effect (iSales' ``vdn_id`` may come from the
    environment) and the campaigns read."""
    options, client = connect(params, provider_cls, on_secrets=on_secrets)
    try:
        template = dict((name, options.get(name)) for name in ITEM_OPTIONS)
        if campaign_ids is None:
            if not provider_cls.can_list:
                raise ValidationError('provider={0} has no call that lists campaigns: give {1}'.format(provider_cls.name, ids_option))
            return options, client.list(template)
        items = [dict(template, campaign_id=campaign_id) for campaign_id in campaign_ids]
        for item in items:
            provider_cls.validate_item(item)
        if len(items) < 2:
            return options, [_read_labelled(client, item) for item in items]
        prefetch(client, items)
        # Many campaigns (an inventory's campaign_ids) are read side by side, as a bulk task reads them.
        with ThreadPoolExecutor(max_workers=min(provider_cls.effective_concurrency(options), len(items))) as pool:
            return options, list(pool.map(lambda item: _read_labelled(client, item), items))
    finally:
        client.http.close()


# ----- the modules' entry points ---------------------------------------------------------

def run_state_module(module):
    """``campaign_state``: validate everything, then converge one campaign or the bulk list."""
    _require_requests(module)
    bulk = module.params.get('campaigns') is not None
    try:
        groups = _connected_groups(module, bulk)
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


def run_info_module(module):
    """``campaign_info``: one campaign, or every campaign the vendor lists."""
    _require_requests(module)
    try:
        provider_cls = PROVIDERS[module.params['provider']]
        # Register secrets before anything can fail, so no failure can show them.
        module.no_log_values.update(secret_values(module.params))
        campaign_id = module.params.get('campaign_id')
        _options, campaigns = read_campaigns(module.params, provider_cls, campaign_ids=None if campaign_id is None else [campaign_id],
                                             on_secrets=module.no_log_values.update, ids_option='campaign_id')
    except CampaignError as exc:
        module.fail_json(msg=exc.message, **_failure_details(exc))
    except Exception as exc:  # pylint: disable=broad-except
        module.fail_json(msg=unexpected(exc))
    _warn(module, [])
    module.exit_json(changed=False, campaigns=[campaign.as_dict() for campaign in campaigns])


def _read_labelled(client, item):
    try:
        return client.read(item)
    except CampaignError as exc:
        raise in_context(exc, client.label(item['campaign_id']))


def _require_requests(module):
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=REQUESTS_IMPORT_ERROR)


def _connected_groups(module, bulk):
    """Validate the whole task before any request: every campaign, every provider's connection
    and credentials. Return one connected ``Group`` per provider, in order of first appearance."""
    # Register secrets before anything can fail, so no failure can show them.
    module.no_log_values.update(secret_values(module.params))
    params = dict(module.params, connections=validated_connections(module.params.get('connections')))
    narrow_connections_masking(module, params['connections'])
    groups = items_by_provider(params, bulk, on_secrets=module.no_log_values.update)
    for group in groups:
        with connections_context(group.name, group.in_connections):
            group.provider_cls.validate(group.options, needs_write=not module.check_mode, environment_only=group.environment_only)
    for group in groups:
        group.converger = Converger(make_client(group.provider_cls, group.options), check_mode=module.check_mode, wait=params['wait'],
                                    wait_timeout=params['wait_timeout'])
    return groups


def _failure_details(exc):
    details = {}
    if 'actions' in exc.details:
        details['actions'] = exc.details['actions']
        details['changed'] = bool(exc.details['actions'])
    return details


def _warn(module, results):
    """Show the warnings of each campaign's result the way Ansible shows a module's warnings,
    and say so when the vendors' limits could not be shared with the machine's other runs."""
    for result in results:
        for warning in result.pop('warnings', []):
            module.warn(warning)
    limits_warning = limits_fallback_warning()
    if limits_warning:
        module.warn(limits_warning)


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


# ----- the task's campaigns, grouped by provider -------------------------------------------

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
                group_results = [dict(failure_of_a_bug(exc), campaign_id=item['campaign_id']) for item in group.items]
            for index, result in zip(group.indices, group_results):
                result['provider'] = group.name
                results[index] = result
    return results


def items_by_provider(params, bulk, on_secrets=None):
    """One ``Group`` (not yet connected) per provider of the task, in order of first appearance:
    its connection options and its validated items; ``on_secrets`` gets the secrets each
    provider resolves."""
    raw_items = _raw_items(params, bulk)
    names = _provider_names(params, raw_items)
    _refuse_unclaimed_options(params, names)
    _refuse_unused_connections(params, names)
    groups = [_group(params, raw_items, PROVIDERS[name], names, on_secrets) for name in names]
    _refuse_duplicates(groups)
    return groups


def _group(params, raw_items, provider_cls, names, on_secrets):
    own_provider = provider_cls.name == params.get('provider')
    in_connections = not own_provider and provider_cls.name in given_connections(params)
    with connections_context(provider_cls.name, in_connections):
        options = resolve_connection(scoped_params(params, provider_cls, names), provider_cls)
    if on_secrets:
        on_secrets(secret_values(options))
    indices = [index for index, raw in enumerate(raw_items) if _provider_of(raw, params) == provider_cls.name]
    items = [_item(raw_items[index], params, provider_cls, options) for index in indices]
    return Group(provider_cls, options, indices, items, environment_only=not own_provider and not in_connections,
                 in_connections=in_connections)


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


def _claimed_by_any(option, names):
    """Whether any of the providers ``names`` has ``option`` among its own options."""
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
                              'of other providers take theirs from connections (connections.{1}) or from environment variables '
                              'such as {2}'.format(problem, names[0], examples))
    for name in ITEM_OPTIONS:
        if params.get(name) is not None and not _claimed_by_any(name, names):
            raise ValidationError('option {0} applies to none of the providers of campaigns ({1})'.format(name, ', '.join(names)))


def _refuse_unused_connections(params, names):
    """An entry of ``connections`` for a provider none of the campaigns is on would be ignored."""
    unused = [name for name in given_connections(params) if name not in names]
    if unused:
        entries = ', '.join('connections.{0}'.format(name) for name in unused)
        raise ValidationError('connections sets {0}, but none of the campaigns is on {1}: remove {2}, or add campaigns of {1} (the '
                              'campaigns are on {3})'.format(entries, ', '.join(unused), 'them' if len(unused) > 1 else 'it', ', '.join(names)))


def validated_connections(connections):
    """``connections`` with each entry checked against its provider's options by Ansible's own
    validator (option names and types, ``ca_path`` expanded), as the argument spec cannot do it."""
    validated = {}
    for name, entry in (connections or {}).items():
        if name not in PROVIDERS:
            raise ValidationError('connections.{0}: there is no provider {0}; the providers are: {1}'.format(name, ', '.join(PROVIDERS)))
        spec = connection_spec(PROVIDERS[name])
        if entry is not None and not isinstance(entry, dict):
            raise ValidationError('connections.{0} must be a dict of options of provider={0} ({1})'.format(name, ', '.join(sorted(spec))))
        result = ArgumentSpecValidator(spec).validate(entry or {})
        if result.unsupported_parameters:
            raise ValidationError('connections.{0}: option{1} {2} cannot be used with provider={0}; connections.{0} accepts: {3}'.format(
                name, 's' if len(result.unsupported_parameters) > 1 else '', ', '.join(sorted(result.unsupported_parameters)),
                ', '.join(sorted(spec))))
        if result.error_messages:
            raise ValidationError('connections.{0}: {1}'.format(name, '; '.join(result.error_messages)))
        validated[name] = None if entry is None else result.validated_parameters
    return validated


def narrow_connections_masking(module, connections):
    """Ansible masks every string of ``connections`` (a no_log option); once the entries are valid,
    mask only their secrets, so that a server or platform code is not starred out wherever it
    appears in messages. A string that another no_log option holds too stays masked."""
    kept = set(leaf for name, spec in module.argument_spec.items() if spec.get('no_log') and name != 'connections'
               for leaf in _leaves(module.params.get(name)))
    for entry in connections.values():
        kept.update(secret_values(entry or {}))
    module.no_log_values.difference_update(set(_leaves(module.params.get('connections'))) - kept)
    module.no_log_values.update(kept)


def _leaves(value):
    """The texts Ansible masks of a no_log value: its strings and numbers, however nested."""
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    if isinstance(value, (list, tuple, set)):
        return [leaf for item in value for leaf in _leaves(item)]
    if value is None or isinstance(value, bool):
        return []
    return [str(value)]


def given_connections(params):
    """``connections`` as the task gives it: provider name -> the options its entry sets. (Ansible
    fills in every provider and option the task leaves out with None.)"""
    return dict((name, dict((option, value) for option, value in entry.items() if value is not None))
                for name, entry in (params.get('connections') or {}).items() if entry is not None)


@contextmanager
def connections_context(name, in_connections):
    """Messages about a provider that ``connections`` configures say so, since the same option set
    on the task would configure another provider."""
    try:
        yield
    except ValidationError as exc:
        if in_connections:
            in_context(exc, 'connections.{0}'.format(name))
        raise


def scoped_params(params, provider_cls, names):
    """The task's options as they apply to one provider of the run.

    The endpoint and credential options, ``validate_certs`` and ``ca_path`` belong to the task's
    own ``provider``; any other provider reads them from its entry of ``connections``, else from
    the environment (as AWX credentials inject them), and verifies certificates unless its entry
    turns that off. The task's own provider may take options from ``connections`` too, but not
    one the task sets as well (which would win is not obvious). A campaign option (``reason``,
    say) is the default of the campaigns whose provider takes it, and the provider decides how
    far a shared ``concurrency`` applies to it."""
    own_provider = provider_cls.name == params.get('provider')
    scoped = dict(params, provider=provider_cls.name)
    for name in ITEM_OPTIONS:
        if name not in provider_cls.own_options and (not own_provider or _claimed_by_any(name, names)):
            scoped[name] = None
    if not own_provider:
        scoped.update(dict.fromkeys(ENDPOINT_AND_CREDENTIAL_OPTIONS), validate_certs=True, ca_path=None)
    scoped.update(_connections_entry(params, provider_cls.name, own_provider))
    scoped['concurrency'] = provider_cls.scoped_concurrency(scoped.get('concurrency'), own_provider)
    return scoped


def _connections_entry(params, name, own_provider):
    """The options ``connections`` sets for provider ``name``, refusing on the task's own provider
    those the task sets too. ``validate_certs`` is always set on the task (true by default), so
    there only a different value is refused."""
    entry = given_connections(params).get(name, {})
    if own_provider:
        both = [option for option, value in entry.items()
                if params.get(option) is not None and (option != 'validate_certs' or params[option] != value)]
        if both:
            raise ValidationError('connections.{0} sets {1}, which the task sets too{2}: the task\'s options configure its own '
                                  'provider={0}; set each option in one place'.format(
                                      name, ', '.join(both), ' (validate_certs is true unless the task sets it)'
                                      if 'validate_certs' in both else ''))
    return entry


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


def _refuse_duplicates(groups):
    seen = set()
    for group in groups:
        for item in group.items:
            key = (group.name, item['campaign_id'], item.get('vdn_id'))
            if key in seen:
                raise ValidationError('{0} campaign {1} is listed twice in campaigns; list each campaign once'.format(
                    group.name, item['campaign_id']))
            seen.add(key)
