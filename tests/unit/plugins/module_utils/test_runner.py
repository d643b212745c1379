# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The runner: a task's campaigns as one group of validated items per provider, each provider's
connection scoped to what the task may set for it, the client factory, and the groups
converging side by side."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import re
import threading

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils import _limits, _runner
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import ValidationError
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    CONNECTION_ARGUMENT_SPEC, CONNECTIONS_ARGUMENT_SPEC, STATE_OPTION_SPEC, connection_options, env_name)
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS


def state_params(provider, campaigns, state='paused', **values):
    params = dict((name, spec.get('default')) for name, spec in CONNECTION_ARGUMENT_SPEC.items())
    params.update((name, None) for name in STATE_OPTION_SPEC)
    params.update(provider=provider, state=state, campaigns=campaigns, campaign_id=None, wait=False, wait_timeout=120, **values)
    return params


def build_groups(provider, campaigns, **values):
    return _runner.items_by_provider(state_params(provider, campaigns, **values), bulk=True)


def build_items(provider, campaigns, **values):
    return [item for group in build_groups(provider, campaigns, **values) for item in group.items]


def task_connection(name):
    """The endpoint and credential options a task of this vendor sets."""
    return dict((option, value) for option, value in VENDORS[name].MODULE_ARGS.items() if option != 'provider')


def campaign_of(name, **values):
    """A valid bulk item of this vendor, naming its provider."""
    return dict(VENDORS[name].CAMPAIGNS_ITEM, provider=name, **values)


@pytest.fixture(autouse=True)
def private_limits(monkeypatch, tmp_path):
    """The limiters of the clients built here keep their files in the test's own directory."""
    monkeypatch.setattr(_limits, 'limits_directory', lambda: str(tmp_path))


class TaskModule:
    """What the runner uses of an AnsibleModule before any request."""

    argument_spec = dict(CONNECTION_ARGUMENT_SPEC, connections=CONNECTIONS_ARGUMENT_SPEC)

    def __init__(self, params, check_mode=False):
        self.params = params
        self.check_mode = check_mode
        self.no_log_values = set()


# ----- one provider's campaigns ---------------------------------------------------------------

def test_bulk_duplicate_ids_are_refused():
    with pytest.raises(ValidationError, match='campaign 7 is listed twice in campaigns'):
        build_items('ocamba', [dict(campaign_id='7'), dict(campaign_id='8'), dict(campaign_id='7', state='running')])


def test_bulk_same_id_in_two_isales_vdns_is_allowed():
    items = build_items('isales', [dict(campaign_id='7', vdn_id=1), dict(campaign_id='7', vdn_id=2)])
    assert [(i['campaign_id'], i['vdn_id']) for i in items] == [('7', 1), ('7', 2)]


def test_bulk_items_inherit_top_level_state_and_options():
    items = build_items('ocamba', [dict(campaign_id='7'), dict(campaign_id='8', state='stopped', reason='own')], reason='shared')
    assert [(i['campaign_id'], i['state'], i['reason']) for i in items] == [('7', 'paused', 'shared'), ('8', 'stopped', 'own')]


def test_bulk_item_with_a_foreign_option_is_refused():
    with pytest.raises(ValidationError, match='campaign 7: option vdn_id cannot be used with provider=ocamba'):
        build_items('ocamba', [dict(campaign_id='7', vdn_id=3)])


def test_bulk_empty_list_is_refused():
    with pytest.raises(ValidationError, match='campaigns is empty'):
        build_items('ocamba', [])


def test_bulk_item_without_any_state_is_refused():
    with pytest.raises(ValidationError, match='campaign 7: state is required'):
        build_items('ocamba', [dict(campaign_id='7')], state=None)


def test_bulk_campaign_option_no_provider_of_the_run_takes_is_refused():
    with pytest.raises(ValidationError, match=r'option vdn_id applies to none of the providers of campaigns \(ocamba\)'):
        build_items(None, [dict(campaign_id='1', provider='ocamba')], vdn_id=3)


def test_bulk_item_with_an_unsettable_state_is_refused():
    with pytest.raises(ValidationError, match='provider=wolkvox cannot set state=stopped; it can set: paused, running'):
        build_items('wolkvox', [dict(campaign_id='7', state='stopped')])


# ----- campaigns of several providers -----------------------------------------------------------

def test_bulk_campaign_option_of_another_provider_of_the_run_is_that_providers_default(monkeypatch):
    monkeypatch.setenv('ISALES_API_URL', 'https://isales.example.com')
    items = build_items('ocamba', [dict(campaign_id='1'), dict(campaign_id='7', provider='isales')], vdn_id=3, reason='why')
    assert [(i['campaign_id'], i['vdn_id'], i['reason']) for i in items] == [('1', None, 'why'), ('7', 3, None)]


@pytest.mark.parametrize('own', NAMES)
def test_bulk_other_providers_read_their_connection_from_the_environment_only(monkeypatch, tmp_path, own):
    others = [name for name in NAMES if name != own]
    task_bundle = tmp_path / 'task-ca.pem'
    task_bundle.write_text(u'not read here')
    bundles = {}
    for name in others:
        for _option, variable, value in VENDORS[name].ENV_BINDINGS:
            monkeypatch.setenv(variable, value)
    for name in others[::2]:
        bundle = tmp_path / '{0}-ca.pem'.format(name)
        bundle.write_text(u'not read here')
        bundles[name] = str(bundle)
        monkeypatch.setenv(env_name(PROVIDERS[name], 'ca_path'), bundles[name])
    task = task_connection(own)
    campaigns = [dict(VENDORS[own].CAMPAIGNS_ITEM)] + [campaign_of(name) for name in others]
    groups = build_groups(own, campaigns, timeout=7.0, concurrency=16, validate_certs=False, ca_path=str(task_bundle), **task)
    options = dict((group.name, group.options) for group in groups)
    assert dict((option, options[own][option]) for option in task) == task
    assert (options[own]['concurrency'], options[own]['validate_certs'], options[own]['ca_path']) == (16, False, str(task_bundle))
    for name in others:
        assert dict((option, options[name][option]) for option, _variable, _value in VENDORS[name].ENV_BINDINGS) == dict(
            (option, value) for option, _variable, value in VENDORS[name].ENV_BINDINGS)
        # Shared options apply to every provider, but a vendor's own concurrency limit (Wolkvox's one at a time) can only
        # be relaxed on its own task, and switching certificate checks off for the task's vendor (or giving its CA) must
        # not switch them off for the others.
        default_concurrency = VENDORS[name].CONCURRENCY[0]
        assert options[name]['timeout'] == 7.0
        assert options[name]['concurrency'] == (default_concurrency if PROVIDERS[name].concurrency_is_account_limit else 16)
        assert (options[name]['validate_certs'], options[name]['ca_path']) == (True, bundles.get(name))


def test_a_provider_other_than_the_tasks_own_is_configured_from_the_environment_only():
    own, other = NAMES[0], NAMES[1]
    groups = build_groups(own, [dict(VENDORS[own].CAMPAIGNS_ITEM), campaign_of(other)], **task_connection(own))
    assert [(group.name, group.environment_only) for group in groups] == [(own, False), (other, True)]


def test_without_a_task_provider_every_provider_is_configured_from_the_environment_only():
    groups = build_groups(None, [campaign_of(name) for name in NAMES])
    assert [(group.name, group.environment_only) for group in groups] == [(name, True) for name in NAMES]


def test_bulk_groups_by_provider_in_order_of_first_appearance(monkeypatch):
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    groups = build_groups(None, [dict(campaign_id='1', provider='ocamba'), dict(campaign_id='4001', provider='wolkvox'),
                                 dict(campaign_id='2', provider='ocamba')])
    assert [(group.name, group.indices, [i['campaign_id'] for i in group.items]) for group in groups] == [
        ('ocamba', [0, 2], ['1', '2']), ('wolkvox', [1], ['4001'])]


def test_bulk_same_id_on_two_providers_is_allowed(monkeypatch):
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    items = build_items('ocamba', [dict(campaign_id='7'), dict(campaign_id='7', provider='wolkvox')])
    assert [i['campaign_id'] for i in items] == ['7', '7']


def test_bulk_campaign_options_without_task_provider_go_to_the_items_that_take_them(monkeypatch):
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    items = build_items(None, [dict(campaign_id='1', provider='ocamba'), dict(campaign_id='4001', provider='wolkvox')],
                        reason='season end', campaign_type='predictive')
    assert [(i['campaign_id'], i['reason'], i['campaign_type']) for i in items] == [
        ('1', 'season end', None), ('4001', None, 'predictive')]


def test_bulk_endpoint_options_of_a_provider_no_campaign_is_on_are_refused():
    # module_defaults may set provider: wolkvox; an api_url meant for Ocamba must not be dropped silently.
    with pytest.raises(ValidationError, match='api_url configure provider=wolkvox, which none of the campaigns is on'):
        build_items('wolkvox', [dict(campaign_id='1', provider='ocamba')], api_url='https://ocamba-staging.example.com')


# ----- connections: the endpoint, credentials and TLS of each provider -------------------------

def connections_param(entries):
    """``connections`` as Ansible hands it to the module: every provider, those without an entry
    None, and every option an entry leaves out None."""
    filled = dict.fromkeys(NAMES)
    filled.update((name, dict(dict.fromkeys(connection_options(PROVIDERS[name])), **entry)) for name, entry in entries.items())
    return filled


def campaigns_of(names):
    return [campaign_of(name) for name in names]


def set_environment_of(monkeypatch, names, value=None):
    """Every variable that configures the providers ``names``: the test data's values, or ``value``."""
    for name in names:
        for _option, variable, bound in VENDORS[name].ENV_BINDINGS:
            monkeypatch.setenv(variable, value or bound)


@pytest.mark.parametrize('own', NAMES)
def test_connections_configure_the_other_providers_before_their_environment(monkeypatch, own):
    others = [name for name in NAMES if name != own]
    set_environment_of(monkeypatch, NAMES, 'from-the-environment')
    entries = dict((name, task_connection(name)) for name in others)
    groups = build_groups(own, campaigns_of(NAMES), connections=connections_param(entries), **task_connection(own))
    options = dict((group.name, group.options) for group in groups)
    assert dict((option, options[own][option]) for option in task_connection(own)) == task_connection(own)
    for name in others:
        assert dict((option, options[name][option]) for option in entries[name]) == entries[name]
    assert [(group.name, group.environment_only, group.in_connections) for group in groups] == [
        (name, False, name != own) for name in NAMES]


def test_what_a_connections_entry_leaves_out_comes_from_the_environment(monkeypatch):
    own, other = 'ocamba', 'wolkvox'
    monkeypatch.setenv('WOLKVOX_TOKEN', 'wv-from-the-environment')
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    groups = build_groups(own, campaigns_of([own, other]), connections=connections_param({other: dict(token='wv-from-connections')}),
                          **task_connection(own))
    assert (groups[1].options['token'], groups[1].options['server']) == ('wv-from-connections', '0032')


def test_without_a_task_provider_connections_configure_every_provider():
    entries = dict((name, task_connection(name)) for name in NAMES)
    groups = build_groups(None, campaigns_of(NAMES), connections=connections_param(entries))
    for group in groups:
        assert dict((option, group.options[option]) for option in entries[group.name]) == entries[group.name]
    assert [(group.environment_only, group.in_connections) for group in groups] == [(False, True)] * len(NAMES)


def test_tls_options_in_connections_apply_to_their_provider_only(tmp_path):
    own, relaxed, private = NAMES[:3]
    bundle = tmp_path / 'private-ca.pem'
    bundle.write_text(u'not read here')
    entries = {relaxed: dict(task_connection(relaxed), validate_certs=False), private: dict(task_connection(private), ca_path=str(bundle))}
    module = TaskModule(state_params(own, campaigns_of([own, relaxed, private]), connections=connections_param(entries),
                                     **task_connection(own)))
    groups = _runner._connected_groups(module, bulk=True)
    assert dict((group.name, group.converger.client.http.session.verify) for group in groups) == {
        own: True, relaxed: False, private: str(bundle)}


def test_a_connections_entry_of_a_provider_no_campaign_is_on_is_refused():
    own, unused = NAMES[:2]
    message = 'connections sets connections.{0}, but none of the campaigns is on {0}: remove it, or add campaigns of {0}'.format(unused)
    with pytest.raises(ValidationError, match='^' + re.escape(message)):
        build_groups(own, campaigns_of([own]), connections=connections_param({unused: task_connection(unused)}), **task_connection(own))


def test_connections_without_any_entry_configure_nothing():
    own = NAMES[0]
    groups = build_groups(own, campaigns_of([own]), connections=connections_param({}), **task_connection(own))
    assert [group.name for group in groups] == [own]


@pytest.mark.parametrize('name', NAMES)
def test_the_tasks_own_provider_may_take_its_connection_from_its_entry(name):
    [group] = build_groups(name, campaigns_of([name]), connections=connections_param({name: task_connection(name)}))
    assert dict((option, group.options[option]) for option in task_connection(name)) == task_connection(name)
    assert (group.environment_only, group.in_connections) == (False, False)


@pytest.mark.parametrize('name', NAMES)
def test_an_option_set_on_the_task_and_in_the_entry_of_its_provider_is_refused(name):
    option, value = sorted(task_connection(name).items())[0]
    with pytest.raises(ValidationError, match=re.escape('connections.{0} sets {1}, which the task sets too: the task\'s options '
                                                        'configure its own provider={0}; set each option in one place'.format(name, option))):
        build_groups(name, campaigns_of([name]), connections=connections_param({name: {option: value}}), **task_connection(name))


def test_validate_certs_in_the_entry_of_the_tasks_own_provider_must_agree_with_the_task():
    name = NAMES[0]
    entry = connections_param({name: dict(validate_certs=False)})
    with pytest.raises(ValidationError, match=re.escape('sets validate_certs, which the task sets too (validate_certs is true unless '
                                                        'the task sets it)')):
        build_groups(name, campaigns_of([name]), connections=entry, **task_connection(name))
    [group] = build_groups(name, campaigns_of([name]), connections=entry, validate_certs=False, **task_connection(name))
    assert group.options['validate_certs'] is False


@pytest.mark.parametrize('name', NAMES)
def test_failures_of_a_provider_configured_by_connections_name_its_entry(name):
    own = next(other for other in NAMES if other != name)
    entry, message = VENDORS[name].MISSING_CREDENTIALS[0]
    module = TaskModule(state_params(own, campaigns_of([own, name]), connections=connections_param({name: entry}), **task_connection(own)))
    with pytest.raises(ValidationError) as caught:
        _runner._connected_groups(module, bulk=True)
    assert caught.value.message == 'connections.{0}: {1}'.format(name, message)


def test_a_password_in_an_entrys_api_url_is_registered_before_anything_can_fail():
    own, other = NAMES[:2]
    entry = dict(task_connection(other), api_url='https://user:pw-in-entry@host.example.com')
    module = TaskModule(state_params(own, campaigns_of([own, other]), connections=connections_param({other: entry}),
                                     **task_connection(own)))
    with pytest.raises(ValidationError, match='must not carry credentials'):
        _runner._connected_groups(module, bulk=True)
    assert 'pw-in-entry' in module.no_log_values


def test_only_the_secrets_of_connections_stay_masked_once_its_entries_are_valid():
    # Ansible masks every string of connections (a no_log option) until the runner knows which are secrets.
    own, other = 'ocamba', 'wolkvox'
    entry = dict(server='0032', token='wv-conn-s3cret', api_url='https://user:pw-in-entry@wv.example.com')
    params = state_params(own, campaigns_of([own, other]), connections=connections_param({other: entry}), token='0032')
    module = TaskModule(params)
    module.no_log_values.update(['0032', 'wv-conn-s3cret', entry['api_url']])
    with pytest.raises(ValidationError, match='must not carry credentials'):
        _runner._connected_groups(module, bulk=True)
    # The server code stays masked because the task's token (a no_log option) is the same text.
    assert module.no_log_values == set(['0032', 'wv-conn-s3cret', 'pw-in-entry'])
    module = TaskModule(dict(params, token='oc-s3cret-token'))
    module.no_log_values.update(['0032', 'wv-conn-s3cret', entry['api_url']])
    with pytest.raises(ValidationError):
        _runner._connected_groups(module, bulk=True)
    assert module.no_log_values == set(['oc-s3cret-token', 'wv-conn-s3cret', 'pw-in-entry'])


@pytest.mark.parametrize('connections, message', [
    ({'acme': {}}, 'connections.acme: there is no provider acme; the providers are: {0}'.format(', '.join(NAMES))),
    ({NAMES[1]: 'a token'}, 'connections.{0} must be a dict of options of provider={0} ('.format(NAMES[1])),
    ({NAMES[1]: dict(vdn_id=3, campaign_type='x')}, 'connections.{0}: options campaign_type, vdn_id cannot be used with provider={0}; '
                                                    'connections.{0} accepts: '.format(NAMES[1])),
    ({NAMES[1]: dict(validate_certs='maybe')}, "connections.{0}: argument 'validate_certs' is of type ".format(NAMES[1])),
], ids=['unknown-provider', 'not-a-dict', 'options-of-no-entry', 'wrong-type'])
def test_entries_of_connections_are_validated_against_their_providers_options(connections, message):
    own, other = NAMES[:2]
    module = TaskModule(state_params(own, campaigns_of([own, other]), connections=connections, **task_connection(own)))
    with pytest.raises(ValidationError) as caught:
        _runner._connected_groups(module, bulk=True)
    assert caught.value.message.startswith(message)


def test_a_provider_in_neither_place_is_told_of_connections(monkeypatch):
    own, other = 'ocamba', 'wolkvox'
    monkeypatch.setenv('WOLKVOX_SERVER', '0032')
    module = TaskModule(state_params(own, campaigns_of([own, other]), **task_connection(own)))
    with pytest.raises(ValidationError, match=re.escape('set WOLKVOX_TOKEN in the environment, or token in connections.wolkvox')):
        _runner._connected_groups(module, bulk=True)


# ----- connecting ------------------------------------------------------------------------------

@pytest.mark.parametrize('name', NAMES)
def test_connect_needs_no_module_and_fills_the_modules_defaults(name):
    options, client = _runner.connect(dict(VENDORS[name].MODULE_ARGS), PROVIDERS[name])
    assert isinstance(client, PROVIDERS[name])
    assert (options['timeout'], options['retries'], options['validate_certs']) == (30.0, 3, True)
    assert (client.http.timeout, client.http.retry.retries) == (30.0, 3)
    assert dict((option, options[option]) for option in task_connection(name)) == task_connection(name)


def test_connect_reports_the_secrets_before_it_validates():
    # A password put in api_url by mistake must be masked in the very failure that refuses it.
    name = NAMES[0]
    secrets = []
    with pytest.raises(ValidationError, match='must not carry credentials'):
        _runner.connect(dict(VENDORS[name].MODULE_ARGS, api_url='https://user:pw-in-url@host.example.com'), PROVIDERS[name],
                        on_secrets=secrets.extend)
    assert 'pw-in-url' in secrets


@pytest.mark.parametrize('name', NAMES)
def test_each_client_gets_the_tasks_retries_and_timeout(name):
    module = TaskModule(state_params(name, [dict(VENDORS[name].CAMPAIGNS_ITEM)], retries=5, timeout=12.0, **task_connection(name)))
    [group] = _runner._connected_groups(module, bulk=True)
    converger = group.converger
    assert (converger.client.http.retry.retries, converger.client.http.timeout) == (5, 12.0)
    assert (converger.check_mode, converger.wait, converger.wait_timeout) == (False, False, 120)


# ----- the groups side by side -----------------------------------------------------------------

def test_groups_converge_side_by_side_and_results_keep_the_task_order():
    # Each group waits for the other at a barrier, which only works if they run at the same time.
    barrier = threading.Barrier(2, timeout=10)
    first, second = NAMES[:2]

    class Meets:
        def converge_all(self, items):
            barrier.wait()
            return [dict(campaign_id=item['campaign_id'], changed=True) for item in items]

    groups = [_runner.Group(PROVIDERS[first], {}, [0, 2], [dict(campaign_id='1'), dict(campaign_id='2')], converger=Meets()),
              _runner.Group(PROVIDERS[second], {}, [1], [dict(campaign_id='4001')], converger=Meets())]
    results = _runner.converge_groups(groups)
    assert [(r['provider'], r['campaign_id'], r.get('failed')) for r in results] == [
        (first, '1', None), (second, '4001', None), (first, '2', None)]


def test_a_group_that_breaks_still_leaves_the_others_results():
    broken, fine = NAMES[:2]

    class Broken:
        def converge_all(self, items):
            raise KeyError('surprise')

    class Fine:
        def converge_all(self, items):
            return [dict(campaign_id=item['campaign_id'], changed=True, actions=['pause']) for item in items]

    results = _runner.converge_groups([_runner.Group(PROVIDERS[broken], {}, [0], [dict(campaign_id='1')], converger=Broken()),
                                       _runner.Group(PROVIDERS[fine], {}, [1], [dict(campaign_id='6561')], converger=Fine())])
    assert results[0]['failed'] is True and 'this is a bug' in results[0]['msg']
    assert results[1] == dict(campaign_id='6561', changed=True, actions=['pause'], provider=fine)
