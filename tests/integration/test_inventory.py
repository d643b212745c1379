# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The campaigns inventory plugin against the vendor simulator, through the real commands.

- ``ansible-inventory --list`` and ``--graph`` over every vendor: exactly the hosts, variables and
  groups that the simulator's seed and the providers' status tables call for; only reads in the
  simulator's request log; no secret in the output or in the inventory cache.
- The two documented ways to use the hosts (the plugin's EXAMPLES, run as they are written): a play
  over ``ocamba_running`` that pauses one campaign per host, and one bulk task run once for the
  whole ``running`` group of every vendor; each run again with ``changed=0``.
- The AWX inventory files of extensions/awx/inventory/, run by ansible-runner with nothing but the
  environment an AWX credential of the vendor's type injects, as an AWX inventory update runs them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
import yaml

from ansible_collections.campaignops.campaigns.plugins.inventory import campaigns as plugin
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import CREDENTIAL_OPTIONS
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.playbook import REPO_ROOT, vendor_env_prefixes
from tests.integration.test_awx import awx_inject, credential_type, simulator_inputs
from tests.integration.vendor_tasks import environment
from tests.simulator import DEFAULT_CREDENTIALS, load_seed
from tests.simulator.vendors import BY_NAME as SIMULATED

AWX_DIR = os.path.join(REPO_ROOT, 'extensions', 'awx')
# The group of a provider whose name is not a valid group name.
GROUP_NAMES = {'8x8': 'eightbyeight'}
# Options of the awx.awx.inventory_source module that inventory_source.yml may use.
AWX_INVENTORY_SOURCE_OPTIONS = {
    'name', 'new_name', 'description', 'inventory', 'organization', 'source', 'source_path', 'source_vars', 'scm_branch',
    'credential', 'execution_environment', 'custom_virtualenv', 'enabled_var', 'enabled_value', 'host_filter', 'limit',
    'overwrite', 'overwrite_vars', 'timeout', 'verbosity', 'update_on_launch', 'update_cache_timeout', 'source_project',
    'notification_templates_started', 'notification_templates_success', 'notification_templates_error', 'state',
}


# ----- what the simulator's seed calls for --------------------------------------------------------

def seed_records(name):
    return load_seed()['campaigns'][name]


def seed_id(name, record):
    return str(record[SIMULATED[name].id_key])


def seed_name(name, record):
    # Every simulated vendor names a campaign's name field as it names its id field:
    # id/name, campaign_id/campaign_name, campaign-id/campaign-name.
    return record[SIMULATED[name].id_key[:-len('id')] + 'name']


def source_for(name, campaign_ids=None):
    """The inventory's source for this vendor: endpoint and credentials from the environment; a
    vendor without a list call names ``campaign_ids`` (by default every seeded campaign)."""
    source = {'provider': name}
    if not PROVIDERS[name].can_list:
        source['campaign_ids'] = campaign_ids or [seed_id(name, record) for record in seed_records(name)]
    return source


def expected_hosts(name, source, url):
    """host -> variables of every campaign the source shows."""
    provider_cls = PROVIDERS[name]
    vdn_id = int(environment(name, url)['{0}_VDN_ID'.format(provider_cls.env_prefix)]) if 'vdn_id' in provider_cls.own_options else None
    hosts = {}
    for record in seed_records(name):
        campaign_id = seed_id(name, record)
        if 'campaign_ids' in source and campaign_id not in source['campaign_ids']:
            continue
        # The simulator keeps the VDN of a campaign in its own field vdnId (default 1).
        if vdn_id is not None and int(record.get('vdnId', 1)) != vdn_id:
            continue
        variables = dict(campaign_provider=name, campaign_id=campaign_id, campaign_state=provider_cls.canonical(record['status']),
                         campaign_native_status=record['status'], campaign_name=seed_name(name, record))
        parts = [name, campaign_id]
        if vdn_id is not None:
            variables['campaign_vdn_id'] = vdn_id
            parts.insert(1, str(vdn_id))
        hosts['_'.join(parts)] = variables
    assert hosts, 'the seed has campaigns for {0}'.format(name)
    return hosts


def expected_groups(hostvars):
    groups = {}
    for host, variables in hostvars.items():
        provider_group = GROUP_NAMES.get(variables['campaign_provider'], variables['campaign_provider'])
        state = variables['campaign_state']
        for group in (provider_group, state, '{0}_{1}'.format(provider_group, state)):
            groups.setdefault(group, []).append(host)
    return dict((group, sorted(hosts)) for group, hosts in groups.items())


def secrets():
    return sorted(value for creds in DEFAULT_CREDENTIALS.values() for key, value in creds.items()
                  if key not in ('username', 'access_key') and isinstance(value, str))


def assert_no_secret(text):
    for secret in secrets():
        assert secret not in text


# ----- running the commands -------------------------------------------------------------------------

def plain(value):
    """ansible-inventory's JSON without its marks: from ansible-core 2.19 on, text that an inventory
    plugin set prints as {"__ansible_unsafe": text}."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def listed_groups(listing):
    return dict((group, sorted(body['hosts'])) for group, body in listing.items() if group != '_meta' and body.get('hosts'))


def graphed_groups(text):
    """group -> hosts of ``ansible-inventory --graph`` (every group is a child of all)."""
    groups = {}
    group = None
    for line in text.splitlines():
        match = re.match(r'^  \|--@(\S+):$', line)
        if match:
            group = match.group(1)
            continue
        match = re.match(r'^  \|  \|--([^@\s]\S*)$', line)
        if match:
            groups.setdefault(group, []).append(match.group(1))
    return dict((group, sorted(hosts)) for group, hosts in groups.items())


def recap(output):
    """host -> {'ok': n, 'changed': n, 'failed': n} of a play recap."""
    pattern = re.compile(r'^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=\d+\s+failed=(\d+)', re.M)
    return dict((host, dict(ok=int(ok), changed=int(changed), failed=int(failed))) for host, ok, changed, failed in pattern.findall(output))


def vendor_environment(url):
    """Every vendor's endpoint and credentials, as environment variables."""
    env = {}
    for name in NAMES:
        env.update(environment(name, url))
    return env


@pytest.fixture()
def inventory(tmp_path, playbook, sim):
    """``inventory(sources, **options)``: the path of a campaigns.yml holding those sources."""
    def write(sources, **options):
        config = dict(plugin=plugin.InventoryModule.NAME, sources=sources)
        config.update(options)
        path = tmp_path / 'campaigns.yml'
        path.write_text(yaml.safe_dump(config, sort_keys=False))
        return str(path)
    return write


@pytest.fixture()
def ansible_inventory(playbook, sim):
    """``ansible_inventory(path, *args, env=None)``: a finished ansible-inventory run with every
    vendor's credentials in the environment."""
    def run(path, *args, **kwargs):
        env = vendor_environment(sim.url)
        env.update(kwargs.get('env') or {})
        command = [os.path.join(os.path.dirname(sys.executable), 'ansible-inventory'), '-i', path] + list(args)
        return subprocess.run(command, env=playbook.environment(env), capture_output=True, text=True, timeout=300, check=False)
    return run


def example_playbook(number):
    """Pattern ``number`` of the plugin's EXAMPLES: the commented play after "pattern <number>"."""
    block = plugin.EXAMPLES.split('pattern {0}'.format(number), 1)[1].split('\n\n', 1)[0]
    lines = block.splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith('# - name:'))
    return '\n'.join(line[2:] for line in lines[start:]) + '\n'


def every_vendor_sources(campaign_ids=None):
    return [source_for(name, campaign_ids) for name in NAMES]


# ----- ansible-inventory over every vendor ----------------------------------------------------------

def test_list_and_graph_show_every_vendors_campaigns(sim, inventory, ansible_inventory, tmp_path):
    sources = every_vendor_sources()
    hostvars = {}
    for name, source in zip(NAMES, sources):
        hostvars.update(expected_hosts(name, source, sim.url))
    cache = tmp_path / 'cache'
    path = inventory(sources, cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(cache))

    listed = ansible_inventory(path, '--list')
    assert listed.returncode == 0, listed.stderr
    listing = plain(json.loads(listed.stdout))
    assert listing['_meta']['hostvars'] == hostvars
    assert listed_groups(listing) == expected_groups(hostvars)
    assert sorted(listing['all']['children']) == sorted(set(expected_groups(hostvars)) | {'ungrouped'})
    assert '[WARNING]' not in listed.stderr

    # Reads only, in bulk: the listing vendors are listed (no campaign read one by one), the others
    # have each named campaign read once; nothing is written.
    log = sim.requests()
    assert log and not sim.writes()
    assert set(entry['method'] for entry in log) == {'GET'}
    for name, source in zip(NAMES, sources):
        requests = sim.requests(name)
        if PROVIDERS[name].can_list:
            assert requests and all(entry['campaign_id'] is None for entry in requests), name
        else:
            assert sorted(entry['campaign_id'] for entry in requests) == sorted(source['campaign_ids'])
    assert len(sim.requests('wolkvox')) == 1
    assert all('status' in entry['query']['fields'].split(',') for entry in sim.requests('ocamba'))

    # --graph, from the cache the first run wrote: no request at all.
    sim.clear_log()
    graphed = ansible_inventory(path, '--graph')
    assert graphed.returncode == 0, graphed.stderr
    assert graphed_groups(graphed.stdout) == expected_groups(hostvars)
    assert sim.requests() == []

    for text in (listed.stdout, listed.stderr, graphed.stdout, graphed.stderr,
                 ''.join((cache / name).read_text() for name in os.listdir(str(cache)))):
        assert_no_secret(text)


def test_voltmx_login_at_the_auth_url_is_the_only_post(sim, inventory, ansible_inventory, playbook):
    path = inventory([{'provider': 'voltmx', 'auth_url': sim.url}])
    listed = ansible_inventory(path, '--list')
    assert listed.returncode == 0, listed.stderr
    assert plain(json.loads(listed.stdout))['_meta']['hostvars'] == expected_hosts('voltmx', {}, sim.url)
    log = sim.requests('voltmx')
    # The login reads a claims token; it changes no campaign, and the simulator counts it as a read.
    assert [entry['method'] for entry in log if entry['method'] != 'GET'] == ['POST']
    assert log[0]['path'] == '/authService/accounts/login'
    assert not sim.writes()
    assert_no_secret(listed.stdout + listed.stderr)


def test_a_source_that_fails_names_its_provider_and_the_others_load_with_ignore_errors(sim, inventory, ansible_inventory, playbook):
    good, bad = 'wolkvox', 'ocamba'
    sources = [source_for(good), dict(source_for(bad), token='not-the-token', retries=0)]
    # Ansible only warns about an inventory source that fails, unless told otherwise, as AWX tells it.
    failed = ansible_inventory(inventory(sources), '--list', env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': '1'})
    assert failed.returncode != 0
    assert 'campaigns inventory: source 2 (provider=ocamba) could not be read: ' in ' '.join(failed.stderr.split())
    assert 'not-the-token' not in failed.stderr

    sources[1]['ignore_errors'] = True
    listed = ansible_inventory(inventory(sources), '--list', env={'ANSIBLE_INVENTORY_UNPARSED_FAILED': '1'})
    assert listed.returncode == 0, listed.stderr
    assert sorted(plain(json.loads(listed.stdout))['_meta']['hostvars']) == sorted(expected_hosts(good, {}, sim.url))
    assert 'source 2 (provider=ocamba) could not be read' in ' '.join(listed.stderr.split())
    assert 'not-the-token' not in listed.stderr
    assert_no_secret(listed.stdout + listed.stderr)


# ----- playbooks over the inventory's groups ----------------------------------------------------------

def writes_by_campaign(sim):
    return sorted((entry['provider'], entry['campaign_id']) for entry in sim.writes())


def group_campaigns(hostvars, group):
    return sorted((hostvars[host]['campaign_provider'], hostvars[host]['campaign_id']) for host in expected_groups(hostvars)[group])


def run_twice(sim, playbook, inventory_path, text, tmp_path):
    """Run the play, then again on the same (cached) inventory; return both processes."""
    path = tmp_path / 'play.yml'
    path.write_text(text)
    env = vendor_environment(sim.url)
    first = playbook.run_playbook(str(path), env=env, extra_args=['-i', inventory_path])
    assert first.returncode == 0, first.stdout + first.stderr
    writes = writes_by_campaign(sim)
    sim.clear_log()
    second = playbook.run_playbook(str(path), env=env, extra_args=['-i', inventory_path])
    assert second.returncode == 0, second.stdout + second.stderr
    return first, writes, second


def e2e_inventory(sim, inventory, tmp_path):
    # 8x8 shows the campaigns its test data reads and moves: its seed also holds a campaign that
    # 8x8 refuses to change (not dynamic), which a play over "running" would fail on.
    unlisted = [name for name in NAMES if not PROVIDERS[name].can_list]
    campaign_ids = sorted(set(VENDORS[name].SEEDED[0] for name in unlisted) | set(VENDORS[name].MOVE[0] for name in unlisted))
    sources = every_vendor_sources(campaign_ids)
    hostvars = {}
    for name, source in zip(NAMES, sources):
        hostvars.update(expected_hosts(name, source, sim.url))
    # Cached, as AWX keeps what the last sync imported: the second run sees the same hosts.
    path = inventory(sources, cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache'))
    return path, hostvars, sources


def read_afresh(inventory, ansible_inventory, sources):
    """The groups of a new read, without the cache (ansible-core 2.17's ansible-inventory has no --flush-cache)."""
    fresh = ansible_inventory(inventory(sources), '--list')
    assert fresh.returncode == 0, fresh.stderr
    return listed_groups(plain(json.loads(fresh.stdout)))


def test_a_play_over_ocamba_running_pauses_one_campaign_per_host(sim, inventory, playbook, ansible_inventory, tmp_path):
    path, hostvars, sources = e2e_inventory(sim, inventory, tmp_path)
    text = example_playbook(1)
    assert 'hosts: ocamba_running' in text and 'delegate_to: localhost' in text
    first, writes, second = run_twice(sim, playbook, path, text, tmp_path)
    hosts = expected_groups(hostvars)['ocamba_running']
    assert len(hosts) > 1
    assert recap(first.stdout) == dict((host, dict(ok=1, changed=1, failed=0)) for host in hosts)
    assert writes == group_campaigns(hostvars, 'ocamba_running')
    assert recap(second.stdout) == dict((host, dict(ok=1, changed=0, failed=0)) for host in hosts)
    assert sim.requests() and not sim.writes()
    # Read afresh, the campaigns are now paused.
    groups = read_afresh(inventory, ansible_inventory, sources)
    assert 'ocamba_running' not in groups
    assert set(hosts) <= set(groups['ocamba_paused'])
    assert_no_secret(first.stdout + first.stderr + second.stdout + second.stderr)


def test_one_bulk_task_pauses_the_running_group_of_every_vendor(sim, inventory, playbook, ansible_inventory, tmp_path):
    path, hostvars, sources = e2e_inventory(sim, inventory, tmp_path)
    text = example_playbook(2)
    assert 'run_once: true' in text and "map('extract', hostvars, 'campaign_item')" in text
    first, writes, second = run_twice(sim, playbook, path, text.replace('hosts: ocamba_running', 'hosts: running'), tmp_path)
    hosts = expected_groups(hostvars)['running']
    assert set(hostvars[host]['campaign_provider'] for host in hosts) == set(NAMES)
    # One task changed, reported once for the play; one write for each campaign.
    assert sorted(recap(first.stdout)) == sorted(hosts)
    assert sum(counts['changed'] for counts in recap(first.stdout).values()) == 1
    assert writes == group_campaigns(hostvars, 'running')
    assert sum(counts['changed'] for counts in recap(second.stdout).values()) == 0
    assert not any(counts['failed'] for counts in recap(second.stdout).values())
    assert sim.requests() and not sim.writes()
    assert 'running' not in read_afresh(inventory, ansible_inventory, sources)
    assert_no_secret(first.stdout + first.stderr + second.stdout + second.stderr)


# ----- AWX --------------------------------------------------------------------------------------------

def awx_inventory_file(name):
    return os.path.join(AWX_DIR, 'inventory', '{0}.campaigns.yml'.format(name))


def test_one_awx_inventory_file_per_vendor_without_secrets():
    files = sorted(os.listdir(os.path.join(AWX_DIR, 'inventory')))
    assert files == sorted(os.path.basename(awx_inventory_file(name)) for name in NAMES)
    for name in NAMES:
        with open(awx_inventory_file(name), encoding='utf-8') as handle:
            config = yaml.safe_load(handle)
        assert config['plugin'] == plugin.InventoryModule.NAME
        assert [source['provider'] for source in config['sources']] == [name]
        # Endpoint and credentials come from the inventory source's credential only.
        assert not set(config['sources'][0]) & set(CREDENTIAL_OPTIONS + ('api_url',))
        assert ('campaign_ids' in config['sources'][0]) == (not PROVIDERS[name].can_list)


def test_awx_inventory_source_definition():
    with open(os.path.join(AWX_DIR, 'inventory_source.yml'), encoding='utf-8') as handle:
        source = yaml.safe_load(handle)
    assert set(source) <= AWX_INVENTORY_SOURCE_OPTIONS, sorted(set(source) - AWX_INVENTORY_SOURCE_OPTIONS)
    assert source['source'] == 'scm'
    path = os.path.join(REPO_ROOT, source['source_path'])
    assert os.path.dirname(path) == os.path.join(AWX_DIR, 'inventory') and os.path.isfile(path)
    with open(path, encoding='utf-8') as handle:
        provider = yaml.safe_load(handle)['sources'][0]['provider']
    # The credential is one of the vendor's type, named as the example job template names them.
    assert source['credential'] == PROVIDERS[provider].title
    assert source['update_on_launch'] is True and source['overwrite'] is True and source['overwrite_vars'] is True


@pytest.mark.parametrize('name', NAMES)
def test_awx_inventory_update_with_only_the_injected_credential(name, sim, ansible_collections_dir, tmp_path, monkeypatch):
    """The inventory update AWX runs: ansible-runner runs ``ansible-inventory --list --export`` on
    the project's file, with the environment the source's credential injects and nothing else."""
    ansible_runner = pytest.importorskip('ansible_runner', reason='ansible-runner is not installed (see requirements-dev.txt)')
    for variable in list(os.environ):
        if variable.startswith(vendor_env_prefixes()):
            monkeypatch.delenv(variable)  # a developer's real vendor credentials must never reach a test job
    env = awx_inject(credential_type(name), simulator_inputs(name, sim.url))
    env.update({
        'PATH': os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''),
        'ANSIBLE_COLLECTIONS_PATH': ansible_collections_dir,
        'ANSIBLE_HOME': str(tmp_path / 'ansible-home'),
        'ANSIBLE_NOCOLOR': '1',
        # AWX fails an inventory update whose source does not parse.
        'ANSIBLE_INVENTORY_UNPARSED_FAILED': '1',
    })
    response, error = ansible_runner.get_inventory(
        'list', [awx_inventory_file(name)], response_format='json', export=True, playbook_dir=REPO_ROOT,
        private_data_dir=str(tmp_path / 'runner'), host_cwd=REPO_ROOT, envvars=env, quiet=True, timeout=300)
    assert isinstance(response, dict), error
    with open(awx_inventory_file(name), encoding='utf-8') as handle:
        source = yaml.safe_load(handle)['sources'][0]
    hostvars = expected_hosts(name, source, sim.url)
    assert plain(response)['_meta']['hostvars'] == hostvars
    assert listed_groups(plain(response)) == expected_groups(hostvars)
    assert set(entry['provider'] for entry in sim.requests()) == {name}
    assert not sim.writes()
    assert_no_secret(json.dumps(response) + error)
