# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The campaigns inventory plugin, parsed as ansible-inventory parses it (an inventory file, a
DataLoader, InventoryData), with the vendors' answers mocked: the file and its sources, the hosts
and groups, the constructed options, the cache, failing sources and secrets."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib
import json
import os

import pytest
import responses
import yaml

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.utils.unsafe_proxy import AnsibleUnsafe

from ansible_collections.campaignops.campaigns.plugins.inventory import campaigns
from ansible_collections.campaignops.campaigns.plugins.module_utils import _limits, _runner
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import CONNECTION_ARGUMENT_SPEC
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS

try:
    from ansible.template import is_trusted_as_template
except ImportError:  # ansible-core before 2.19: untrusted text is AnsibleUnsafe
    is_trusted_as_template = None

# The group of a provider whose name is not a valid group name.
GROUP_NAMES = {'8x8': 'eightbyeight'}
HOST_VARIABLES = ('campaign_provider', 'campaign_id', 'campaign_state', 'campaign_native_status', 'campaign_name')


# ----- the plugin as the plugin loader sets it up ---------------------------------------------

def plugin_options():
    """The plugin's options as the plugin loader reads them: its documentation's options over those
    of its documentation fragments (ansible-core's own, importable without the collection loader)."""
    documentation = yaml.safe_load(campaigns.DOCUMENTATION)
    options = {}
    for fragment in documentation['extends_documentation_fragment']:
        module = importlib.import_module('ansible.plugins.doc_fragments.' + fragment.rsplit('.', 1)[1])
        options.update(yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION)['options'])
    options.update(documentation['options'])
    return options


def new_plugin():
    C.config.initialize_plugin_configuration_definitions('inventory', campaigns.InventoryModule.NAME, plugin_options())
    plugin = campaigns.InventoryModule()
    # What the plugin loader sets on a plugin it loads.
    plugin._load_name = campaigns.InventoryModule.NAME
    plugin._redirected_names = [campaigns.InventoryModule.NAME]
    return plugin


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch, tmp_path, sleeps):
    """Retry delays are recorded instead of slept, and the limiters keep their files in the test's
    own directory."""
    real_http_client = _runner.HttpClient

    def http_client(*args, **kwargs):
        client = real_http_client(*args, **kwargs)
        client.retry.sleep = sleeps.append
        return client
    monkeypatch.setattr(_runner, 'HttpClient', http_client)
    monkeypatch.setattr(_limits, 'limits_directory', lambda: str(tmp_path))


@pytest.fixture
def warnings(monkeypatch):
    """Every warning the plugin shows, in order."""
    shown = []
    monkeypatch.setattr(campaigns.display, 'warning', lambda message, *args, **kwargs: shown.append(message))
    return shown


@pytest.fixture
def inventory_file(tmp_path):
    """``inventory_file(config, name='campaigns.yml')``: the path of an inventory file holding ``config``."""
    def write(config, name='campaigns.yml'):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config) if not isinstance(config, str) else config)
        return str(path)
    return write


@pytest.fixture
def parse(inventory_file):
    """``parse(config, cache=True)``: the InventoryData that one run of ansible-inventory builds from
    an inventory file holding ``config`` (``cache=False`` is ``--flush-cache``)."""
    def run(config, cache=True):
        path = inventory_file(config)
        inventory = InventoryData()
        plugin = new_plugin()
        plugin.parse(inventory, DataLoader(), path, cache=cache)
        # What the inventory manager does after a parse.
        try:
            plugin.update_cache_if_changed()
        except AttributeError:  # no cache in use
            pass
        return inventory
    return run


def inventory_config(*sources, **options):
    config = dict(plugin=campaigns.InventoryModule.NAME, sources=list(sources))
    config.update(options)
    return config


def two_campaigns(name):
    """(id, native status, name) of a running and a paused campaign of this vendor."""
    statuses = VENDORS[name].INVENTORY_STATUSES
    return [('11', statuses['running'], 'Spring sale'), ('12', statuses['paused'], 'Renewals')]


def source_of(name, campaigns_read, **options):
    """This vendor's test account as a source that reads ``campaigns_read`` (a vendor without a list
    call names them)."""
    source = dict(VENDORS[name].INVENTORY_SOURCE, **options)
    if not PROVIDERS[name].can_list:
        source.setdefault('campaign_ids', [campaign_id for campaign_id, _status, _name in campaigns_read])
    return source


def answer(rsps, name, campaigns_read):
    """Register the vendor's answers; return the requests the inventory must send."""
    requests = []
    for method, url, body in VENDORS[name].inventory_answers(campaigns_read):
        rsps.add(method, url, json=body)
        requests.append((method, url))
    return requests


def host_name(name, source, campaign_id):
    vdn_id = source.get('vdn_id') if 'vdn_id' in PROVIDERS[name].own_options else None
    return '_'.join([name] + ([str(vdn_id)] if vdn_id is not None else []) + [campaign_id])


def group_of(name):
    return GROUP_NAMES.get(name, name)


def hosts_of(inventory, group):
    return sorted(host.name for host in inventory.groups[group].get_hosts())


def variables(inventory, host):
    return dict((name, value) for name, value in inventory.get_host(host).get_vars().items() if name.startswith('campaign_'))


def is_trusted(value):
    """Whether Ansible would evaluate ``value`` as a template."""
    if is_trusted_as_template is not None:
        return is_trusted_as_template(value)
    return not isinstance(value, AnsibleUnsafe)


def secrets_of(source):
    return [source[option] for option, spec in CONNECTION_ARGUMENT_SPEC.items() if spec.get('no_log') and source.get(option)]


# ----- the inventory file -------------------------------------------------------------------------

@pytest.mark.parametrize('file_name,accepted', [
    ('campaigns.yml', True),
    ('campaigns.yaml', True),
    ('prod.campaigns.yml', True),
    ('ocamba_campaigns.yaml', True),
    ('campaigns.yml.bak', False),
    ('hosts.yml', False),
    ('campaigns.json', False),
])
def test_verify_file_takes_files_named_campaigns_yml(inventory_file, file_name, accepted):
    path = inventory_file(inventory_config({'provider': NAMES[0]}), name=file_name)
    assert campaigns.InventoryModule().verify_file(path) is accepted


def test_verify_file_refuses_a_missing_file(tmp_path):
    assert campaigns.InventoryModule().verify_file(str(tmp_path / 'campaigns.yml')) is False


def test_documented_source_options_are_the_validated_ones():
    documented = plugin_options()['sources']['suboptions']
    spec = campaigns.source_spec()
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        assert documented[name]['type'] == option['type'], name
        assert documented[name].get('default') == option.get('default'), name
        assert documented[name].get('required', False) == option.get('required', False), name
        assert documented[name].get('elements') == option.get('elements'), name
    assert documented['provider']['choices'] == list(PROVIDERS)


@pytest.mark.parametrize('source,message', [
    ('ocamba', 'source 1: must be a dictionary of options, got text'),
    (['ocamba'], 'source 1: must be a dictionary of options, got a list'),
    (dict(provider='ocamba', tokn='x'), 'source 1: unknown option tokn (a source takes: '),
    (dict(provider='8x8', action_token='act-s3cret-value'),
     'source 1: option action_token is a credential for changes; an inventory only reads, so leave it out'),
    (dict(provider='ocamba', timeout='soon'), "source 1: argument 'timeout' is of type"),
    (dict(provider='ocamba', campaign_ids={'a': 1}), "source 1: argument 'campaign_ids' is of type"),
    (dict(provider='ocamba', ignore_errors='perhaps'), "source 1: argument 'ignore_errors' is of type"),
    (dict(provider='acme'), 'source 1: value of provider must be one of: ' + ', '.join(PROVIDERS) + ', got: acme'),
    (dict(token='x'), 'source 1: missing required arguments: provider'),
    (dict(provider='ocamba', campaign_ids=[]), 'source 1: campaign_ids is empty: leave it out to read every campaign'),
])
def test_a_bad_source_fails_the_inventory_before_any_request(parse, sent, source, message):
    with pytest.raises(AnsibleError) as caught:
        parse(inventory_config(source))
    assert 'campaigns inventory: ' + message in str(caught.value)
    assert 'act-s3cret-value' not in str(caught.value)
    assert sent() == []


def test_every_source_is_validated_before_the_first_request(parse, sent):
    name = NAMES[0]
    with pytest.raises(AnsibleError, match='source 2: unknown option'):
        parse(inventory_config(source_of(name, two_campaigns(name)), dict(provider=name, colour='blue')))
    assert sent() == []


@pytest.mark.parametrize('sources', [[], None])
def test_no_sources_fails_the_inventory(parse, sent, sources):
    config = inventory_config()
    config['sources'] = sources
    with pytest.raises(AnsibleError, match='sources'):
        parse(config)
    assert sent() == []


def test_a_source_without_its_credentials_names_the_environment_variable(parse, sent):
    name = 'ocamba'
    with pytest.raises(AnsibleError) as caught:
        parse(inventory_config(dict(provider=name)))
    assert str(caught.value) == ('campaigns inventory: source 1 (provider=ocamba) could not be read: provider=ocamba needs '
                                 'credentials: set token (OCAMBA_TOKEN)')
    assert sent() == []


def test_8x8_needs_campaign_ids(parse, sent):
    source = dict(VENDORS['8x8'].INVENTORY_SOURCE)
    with pytest.raises(AnsibleError) as caught:
        parse(inventory_config(source))
    assert str(caught.value) == ('campaigns inventory: source 1 (provider=8x8) could not be read: provider=8x8 has no call '
                                 'that lists campaigns: give campaign_ids')
    assert sent() == []


# ----- hosts, variables and groups ----------------------------------------------------------------

@pytest.mark.parametrize('name', NAMES)
def test_each_campaign_becomes_a_host_with_its_variables_and_groups(parse, rsps, sent, warnings, name):
    campaigns_read = two_campaigns(name)
    source = source_of(name, campaigns_read)
    expected_requests = answer(rsps, name, campaigns_read)
    inventory = parse(inventory_config(source))
    group = group_of(name)
    hosts = [host_name(name, source, campaign_id) for campaign_id, _status, _name in campaigns_read]
    assert sorted(inventory.hosts) == sorted(hosts)
    for host, (campaign_id, status, title), state in zip(hosts, campaigns_read, ['running', 'paused']):
        expected = dict(campaign_provider=name, campaign_id=campaign_id, campaign_state=state, campaign_native_status=status,
                        campaign_name=title)
        if 'vdn_id' in PROVIDERS[name].own_options:
            expected['campaign_vdn_id'] = source['vdn_id']
        assert variables(inventory, host) == expected
        assert sorted(member.name for member in inventory.get_host(host).get_groups()) == sorted(
            [group, state, '{0}_{1}'.format(group, state)])
    assert hosts_of(inventory, group) == sorted(hosts)
    assert hosts_of(inventory, group + '_running') == [hosts[0]]
    assert hosts_of(inventory, 'paused') == [hosts[1]]
    # Reads only: what the vendor answers to reads, nothing more.
    assert sorted(sent()) == sorted(expected_requests)
    assert all(method == 'GET' for method, _url in sent())
    assert warnings == []


def test_isales_host_names_carry_the_vdn(parse, rsps):
    vendor = VENDORS['isales']
    for method, url, body in vendor.inventory_answers([('7', 2, 'R')]):
        rsps.add(method, url, json=body)
    other_vdn = vendor.VDN_ID + 1
    for method, url, body in vendor.inventory_answers([('7', 3, 'S')]):
        rsps.add(method, url.replace('/campaigns/{0}?'.format(vendor.VDN_ID), '/campaigns/{0}?'.format(other_vdn)), json=body)
    inventory = parse(inventory_config(dict(vendor.INVENTORY_SOURCE), dict(vendor.INVENTORY_SOURCE, vdn_id=other_vdn)))
    first, second = 'isales_{0}_7'.format(vendor.VDN_ID), 'isales_{0}_7'.format(other_vdn)
    assert sorted(inventory.hosts) == sorted([first, second])
    assert variables(inventory, first)['campaign_vdn_id'] == vendor.VDN_ID
    assert variables(inventory, second)['campaign_vdn_id'] == other_vdn
    assert hosts_of(inventory, 'isales_running') == [first]
    assert hosts_of(inventory, 'isales_paused') == [second]


def test_isales_vdn_from_the_environment(parse, rsps, monkeypatch):
    vendor = VENDORS['isales']
    monkeypatch.setenv('ISALES_VDN_ID', str(vendor.VDN_ID))
    answer(rsps, 'isales', [('7', 2, 'R')])
    source = dict(vendor.INVENTORY_SOURCE)
    del source['vdn_id']
    inventory = parse(inventory_config(source))
    assert list(inventory.hosts) == ['isales_{0}_7'.format(vendor.VDN_ID)]


def test_8x8_campaigns_are_in_the_eightbyeight_groups(parse, rsps, sent):
    vendor = VENDORS['8x8']
    answer(rsps, '8x8', [('6561', 3, 'My Callbacks'), ('6562', 8, 'Winback')])
    inventory = parse(inventory_config(dict(vendor.INVENTORY_SOURCE, campaign_ids=['6561', '6562', '6561'])))
    assert sorted(inventory.hosts) == ['8x8_6561', '8x8_6562']
    assert hosts_of(inventory, 'eightbyeight') == ['8x8_6561', '8x8_6562']
    assert hosts_of(inventory, 'eightbyeight_running') == ['8x8_6561']
    assert hosts_of(inventory, 'eightbyeight_paused') == ['8x8_6562']
    assert variables(inventory, '8x8_6562') == dict(campaign_provider='8x8', campaign_id='6562', campaign_state='paused',
                                                    campaign_native_status=8, campaign_name='Winback')
    # Each named campaign is read once, the repeated one too.
    assert sorted(sent()) == sorted(('GET', vendor.read_url(campaign_id)) for campaign_id in ('6561', '6562'))


def test_every_vendor_in_one_inventory(parse, rsps, warnings):
    sources = []
    for name in NAMES:
        answer(rsps, name, two_campaigns(name))
        sources.append(source_of(name, two_campaigns(name)))
    inventory = parse(inventory_config(*sources))
    assert len(inventory.hosts) == 2 * len(NAMES)
    assert len(hosts_of(inventory, 'running')) == len(NAMES)
    assert set(variables(inventory, host)['campaign_provider'] for host in hosts_of(inventory, 'paused')) == set(NAMES)
    assert warnings == []


def test_a_listed_campaign_whose_id_no_module_takes_is_left_out_with_a_warning(parse, rsps, warnings):
    answer(rsps, 'ocamba', [('11', 'running', 'Good'), ('../admin', 'running', 'Odd'), ('{{ 7 * 7 }}', 'paused', 'Odder')])
    inventory = parse(inventory_config(dict(VENDORS['ocamba'].INVENTORY_SOURCE)))
    assert list(inventory.hosts) == ['ocamba_11']
    assert len(warnings) == 2
    assert all(warning.startswith('campaigns inventory: source 1 (provider=ocamba) lists a campaign that is left out: ')
               for warning in warnings)
    assert "'../admin' is not a valid campaign id" in warnings[0]


def test_vendor_text_that_could_be_a_template_is_never_evaluated(parse, rsps):
    name = "{{ lookup('pipe', 'id') }}"
    answer(rsps, 'ocamba', [('11', 'running', name), ('12', '{% raw %}', 'Plain name')])
    inventory = parse(inventory_config(dict(VENDORS['ocamba'].INVENTORY_SOURCE)))
    assert variables(inventory, 'ocamba_11')['campaign_name'] == name
    assert not is_trusted(variables(inventory, 'ocamba_11')['campaign_name'])
    assert not is_trusted(variables(inventory, 'ocamba_12')['campaign_native_status'])
    if is_trusted_as_template is None:
        # Text without braces stays plain: ansible-inventory would print every marked value as an
        # "__ansible_unsafe" object, which AWX imports as it is.
        assert not isinstance(variables(inventory, 'ocamba_12')['campaign_name'], AnsibleUnsafe)


def test_the_same_host_from_two_sources_is_shown(parse, rsps, warnings):
    vendor = VENDORS['8x8']
    answer(rsps, '8x8', [('6561', 3, 'My Callbacks')])
    answer(rsps, '8x8', [('6561', 8, 'My Callbacks')])
    inventory = parse(inventory_config(dict(vendor.INVENTORY_SOURCE, campaign_ids=['6561']),
                                       dict(vendor.INVENTORY_SOURCE, campaign_ids=['6561'])))
    assert list(inventory.hosts) == ['8x8_6561']
    assert warnings == ["campaigns inventory: host 8x8_6561 comes from source 1 and from source 2; the later source's "
                        "variables win"]


# ----- constructed options --------------------------------------------------------------------------

def test_compose_groups_and_keyed_groups(parse, rsps):
    name = 'wolkvox'
    answer(rsps, name, two_campaigns(name))
    inventory = parse(inventory_config(
        source_of(name, two_campaigns(name)),
        compose=dict(campaign_label="campaign_provider ~ '/' ~ campaign_id", ansible_connection="'local'"),
        groups=dict(dialing="campaign_state == 'running'"),
        keyed_groups=[dict(key='campaign_native_status', prefix='native')]))
    assert inventory.get_host('wolkvox_11').get_vars()['campaign_label'] == 'wolkvox/11'
    assert inventory.get_host('wolkvox_11').get_vars()['ansible_connection'] == 'local'
    assert hosts_of(inventory, 'dialing') == ['wolkvox_11']
    assert hosts_of(inventory, 'native_Started') == ['wolkvox_11']
    assert hosts_of(inventory, 'native_Stopped') == ['wolkvox_12']


@pytest.mark.parametrize('strict', [False, True])
def test_strict_fails_on_a_compose_error_only_when_asked(parse, rsps, strict):
    name = 'wolkvox'
    answer(rsps, name, two_campaigns(name))
    config = inventory_config(source_of(name, two_campaigns(name)), strict=strict, compose=dict(label='no_such_variable ~ "x"'),
                              keyed_groups=[dict(key='no_such_variable', prefix='k')])
    if strict:
        with pytest.raises(AnsibleError):
            parse(config)
    else:
        inventory = parse(config)
        assert 'label' not in inventory.get_host('wolkvox_11').get_vars()
        assert sorted(inventory.hosts) == ['wolkvox_11', 'wolkvox_12']


# ----- cache ------------------------------------------------------------------------------------------

def cached(tmp_path, **options):
    # The short name: without the collection loader, which ansible-inventory installs, no FQCN resolves.
    options.update(cache=True, cache_plugin='jsonfile', cache_connection=str(tmp_path / 'cache'))
    return options


def cache_text(tmp_path):
    directory = tmp_path / 'cache'
    return ''.join((directory / name).read_text() for name in sorted(os.listdir(str(directory))))


def test_a_second_run_with_the_cache_sends_no_request(parse, rsps, sent, tmp_path):
    name = 'ocamba'
    answer(rsps, name, two_campaigns(name))
    config = inventory_config(source_of(name, two_campaigns(name)), **cached(tmp_path))
    first = parse(config)
    requests = sent()
    again = parse(config)
    assert sent() == requests
    assert sorted(again.hosts) == sorted(first.hosts) == ['ocamba_11', 'ocamba_12']
    assert variables(again, 'ocamba_12') == variables(first, 'ocamba_12')
    assert hosts_of(again, 'ocamba_paused') == ['ocamba_12']


def test_flushing_the_cache_reads_again(parse, rsps, sent, tmp_path):
    name = 'ocamba'
    config = inventory_config(source_of(name, two_campaigns(name)), **cached(tmp_path))
    answer(rsps, name, two_campaigns(name))
    parse(config)
    parse(config, cache=False)
    assert len(sent()) == 2


def test_the_cache_is_off_by_default(parse, rsps, sent, tmp_path):
    name = 'ocamba'
    config = inventory_config(source_of(name, two_campaigns(name)))
    answer(rsps, name, two_campaigns(name))
    parse(config)
    parse(config)
    assert len(sent()) == 2


def test_constructed_options_apply_to_cached_hosts(parse, rsps, tmp_path):
    name = 'ocamba'
    answer(rsps, name, two_campaigns(name))
    source = source_of(name, two_campaigns(name))
    parse(inventory_config(source, **cached(tmp_path)))
    inventory = parse(inventory_config(source, groups=dict(dialing="campaign_state == 'running'"), **cached(tmp_path)))
    assert hosts_of(inventory, 'dialing') == ['ocamba_11']


def test_the_cache_holds_no_secret(parse, rsps, tmp_path, monkeypatch):
    sources = []
    secrets = []
    for name in NAMES:
        answer(rsps, name, two_campaigns(name))
        source = source_of(name, two_campaigns(name))
        secrets.extend(secrets_of(source))
        sources.append(source)
    # One vendor's credential comes from the environment, as an AWX credential injects it.
    env_source = sources[-1]
    env_secret = secrets_of(env_source)[0]
    for option in [option for option, value in env_source.items() if value == env_secret]:
        monkeypatch.setenv('{0}_{1}'.format(PROVIDERS[env_source['provider']].env_prefix, option.upper()), env_secret)
        del env_source[option]
    parse(inventory_config(*sources, **cached(tmp_path)))
    text = cache_text(tmp_path)
    assert 'ocamba_11' in text
    for secret in secrets:
        assert secret not in text


def test_an_inventory_with_a_failed_source_is_not_cached(parse, rsps, sent, tmp_path, warnings):
    good, bad = 'ocamba', 'wolkvox'
    answer(rsps, good, two_campaigns(good))
    rsps.add(responses.GET, VENDORS[bad].list_url(), status=401, json=VENDORS[bad].error_body(401, 'Invalid token'))
    config = inventory_config(source_of(good, two_campaigns(good)), source_of(bad, [], ignore_errors=True, retries=0),
                              **cached(tmp_path))
    parse(config)
    requests = len(sent())
    parse(config)
    # Both accounts are read again: the first run's hosts were not kept.
    assert len(sent()) == 2 * requests
    assert len(warnings) == 2


def test_a_cached_inventory_still_fails_on_a_bad_source(parse, rsps, tmp_path):
    name = 'ocamba'
    answer(rsps, name, two_campaigns(name))
    source = source_of(name, two_campaigns(name))
    parse(inventory_config(source, **cached(tmp_path)))
    with pytest.raises(AnsibleError, match='unknown option colour'):
        parse(inventory_config(dict(source, colour='blue'), **cached(tmp_path)))


# ----- failing sources and secrets -----------------------------------------------------------------

@pytest.mark.parametrize('name', NAMES)
def test_a_source_that_cannot_be_read_fails_the_inventory_naming_provider_and_reason(parse, rsps, name):
    campaigns_read = two_campaigns(name)[:1]
    method, url, _body = VENDORS[name].inventory_answers(campaigns_read)[0]
    rsps.add(method, url, status=401, json={'message': 'Unauthorized'})
    source = source_of(name, campaigns_read, retries=0)
    with pytest.raises(AnsibleError) as caught:
        parse(inventory_config(source))
    message = str(caught.value)
    assert message.startswith('campaigns inventory: source 1 (provider={0}) could not be read: '.format(name))
    assert '401' in message
    for secret in secrets_of(source):
        assert secret not in message


def test_with_ignore_errors_the_other_sources_load_and_a_warning_names_the_failure(parse, rsps, warnings):
    good, bad = 'voltmx', 'ocamba'
    answer(rsps, good, two_campaigns(good))
    rsps.add(responses.GET, VENDORS[bad].list_url(1), status=503, json={'message': 'down for maintenance'})
    inventory = parse(inventory_config(source_of(bad, [], ignore_errors=True, retries=0), source_of(good, two_campaigns(good))))
    assert sorted(inventory.hosts) == ['voltmx_11', 'voltmx_12']
    assert bad not in inventory.groups
    assert len(warnings) == 1
    assert warnings[0].startswith('campaigns inventory: source 1 (provider=ocamba) could not be read: ')
    assert 'HTTP 503' in warnings[0]
    assert warnings[0].endswith('. Its campaigns are left out (ignore_errors)')


def test_ignore_errors_does_not_excuse_a_mistake_in_the_file(parse, sent):
    with pytest.raises(AnsibleError, match='unknown option tokn'):
        parse(inventory_config(dict(provider='ocamba', tokn='x', ignore_errors=True)))
    assert sent() == []


def test_no_secret_in_a_failure_even_when_the_vendor_echoes_it(parse, rsps):
    source = dict(VENDORS['ocamba'].INVENTORY_SOURCE, retries=0)
    rsps.add(responses.GET, VENDORS['ocamba'].list_url(1), status=401,
             json=VENDORS['ocamba'].error_body(401, 'Token {0} is not valid'.format(source['token'])))
    with pytest.raises(AnsibleError) as caught:
        parse(inventory_config(source))
    assert 'could not be read' in str(caught.value)
    assert source['token'] not in str(caught.value)
    assert campaigns.REDACTED in str(caught.value)


def test_no_secret_from_the_environment_in_a_warning(parse, rsps, warnings, monkeypatch):
    vendor = VENDORS['wolkvox']
    token = 'wv-env-s3cret-token'
    monkeypatch.setenv('WOLKVOX_TOKEN', token)
    source = dict(vendor.INVENTORY_SOURCE, ignore_errors=True, retries=0)
    del source['token']
    rsps.add(responses.GET, vendor.list_url(), json=vendor.error_body(401, 'token {0} refused'.format(token)))
    inventory = parse(inventory_config(source))
    assert not inventory.hosts
    assert len(warnings) == 1 and 'could not be read' in warnings[0]
    assert token not in warnings[0]


def test_no_secret_echoed_in_a_campaign_name(parse, rsps):
    source = dict(VENDORS['ocamba'].INVENTORY_SOURCE)
    answer(rsps, 'ocamba', [('11', 'running', 'token={0}'.format(source['token']))])
    inventory = parse(inventory_config(source))
    assert variables(inventory, 'ocamba_11')['campaign_name'] == 'token=' + campaigns.REDACTED


def test_an_unexpected_error_is_a_failure_of_its_source_without_secrets(parse, monkeypatch):
    source = dict(VENDORS['ocamba'].INVENTORY_SOURCE)

    def broken(params, *args, **kwargs):
        raise RuntimeError('boom with {0}'.format(params['token']))
    monkeypatch.setattr(campaigns, 'read_campaigns', broken)
    with pytest.raises(AnsibleError) as caught:
        parse(inventory_config(source))
    message = str(caught.value)
    assert 'source 1 (provider=ocamba) could not be read: unexpected error (RuntimeError: boom with ********)' in message
    assert source['token'] not in message


def test_without_requests_the_inventory_says_so(parse, monkeypatch, sent):
    monkeypatch.setattr(campaigns, 'HAS_REQUESTS', False)
    with pytest.raises(AnsibleError, match='the Python library requests is required'):
        parse(inventory_config(dict(VENDORS['ocamba'].INVENTORY_SOURCE)))
    assert sent() == []


def test_host_records_are_plain_data(rsps):
    """The cache stores the records as JSON: nothing but text, numbers and lists."""
    name = 'isales'
    answer(rsps, name, two_campaigns(name))
    source = campaigns.Source(1, source_of(name, two_campaigns(name)))
    records = source.read().records
    assert json.loads(json.dumps(records)) == records
    assert set(records[0]) == set(('host', 'groups') + HOST_VARIABLES + ('campaign_vdn_id',))
