# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
name: campaigns
short_description: Dialer and marketing campaigns of several vendor accounts as inventory hosts
version_added: 1.1.0
description:
  - Reads the campaigns of one or more vendor accounts and adds each campaign as a host, so that AWX
    inventories show every campaign's state in one place and job templates can be limited to a group
    such as C(ocamba_running).
  - Uses a YAML configuration file whose name ends in C(campaigns.yml) or C(campaigns.yaml).
  - Reads only, through the same HTTP layer as the modules (rate limits, retries, O(sources[].timeout),
    O(sources[].validate_certs) and O(sources[].ca_path)).
  - Each campaign is a host named C(<provider>_<campaign id>), for Huawei iSales C(isales_<vdn_id>_<campaign id>),
    with the host variables C(campaign_provider), C(campaign_id), C(campaign_state) (canonical state),
    C(campaign_native_status), C(campaign_name), and C(campaign_vdn_id) for iSales.
  - Each host is in the group of its provider (the provider's name, such as C(ocamba); C(eightbyeight) for 8x8, whose
    name is not a valid group name), in the group of its canonical state (C(running), C(paused), C(scheduled), ...)
    and in the group of both (C(ocamba_running), C(eightbyeight_paused)).
  - The hosts are campaigns, not machines. Plays over them gather no facts and run the modules on the controller
    (C(delegate_to) V(localhost)), one campaign per host, or in one bulk task that runs once (C(run_once)) for the
    whole group (see the examples).
  - A campaign id that no module could take (see M(campaignops.campaigns.campaign_state)) becomes no host; a warning
    names it. Text the vendor returns (campaign names, native statuses) is marked unsafe where it could hold a
    template, so no campaign name is ever evaluated as one.
  - No credential is written to the inventory, to its cache or to a warning.
author:
  - campaignops engineers (@campaignops)
requirements:
  - requests
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin; it makes the file an inventory source of this plugin.
    required: true
    type: str
    choices: [campaignops.campaigns.campaigns]
  sources:
    description:
      - The vendor accounts to read, one entry per account.
      - Each entry takes O(sources[].provider) and the endpoint, credential and connection options of
        M(campaignops.campaigns.campaign_info) (O(campaignops.campaigns.campaign_info#module:api_url),
        O(campaignops.campaigns.campaign_info#module:token) and so on), with the same environment variables
        and the same validation. An option that the entry does not set is read from the provider's environment
        variable (E(OCAMBA_TOKEN), for example), as the collection's AWX credential types inject them.
    type: list
    elements: dict
    required: true
    suboptions:
      provider:
        description: The vendor platform of this account (see M(campaignops.campaigns.campaign_info)).
        type: str
        required: true
        # BEGIN GENERATED provider-choices
        choices: [voltmx, isales, ocamba, wolkvox, 8x8]
        # END GENERATED
      campaign_ids:
        description:
          - Read these campaigns instead of every campaign the vendor lists.
          - Required for 8x8, which has no call that lists campaigns.
          - Must not be empty; leave it out to read every campaign.
        type: list
        elements: str
      vdn_id:
        description: Huawei iSales only. The VDN whose campaigns are read; defaults to E(ISALES_VDN_ID).
        type: int
      ignore_errors:
        description:
          - When this account cannot be read (wrong credentials, vendor down), show a warning naming the provider
            and the reason and load the other sources, instead of failing the whole inventory.
          - A source with a mistake in its options (an unknown option, a wrong type, a missing credential) fails the
            inventory all the same.
          - With O(cache=true), an inventory in which a source failed is not cached, so that the next run reads
            that account again.
        type: bool
        default: false
      api_url:
        description: See O(campaignops.campaigns.campaign_info#module:api_url).
        type: str
      auth_url:
        description: See O(campaignops.campaigns.campaign_info#module:auth_url).
        type: str
      auth_provider:
        description: See O(campaignops.campaigns.campaign_info#module:auth_provider).
        type: str
      auth_domain:
        description: See O(campaignops.campaigns.campaign_info#module:auth_domain).
        type: str
      server:
        description: See O(campaignops.campaigns.campaign_info#module:server).
        type: str
      platform:
        description: See O(campaignops.campaigns.campaign_info#module:platform).
        type: str
      token:
        description: See O(campaignops.campaigns.campaign_info#module:token).
        type: str
      username:
        description: See O(campaignops.campaigns.campaign_info#module:username).
        type: str
      password:
        description: See O(campaignops.campaigns.campaign_info#module:password).
        type: str
      data_token:
        description: See O(campaignops.campaigns.campaign_info#module:data_token).
        type: str
      access_key:
        description: See O(campaignops.campaigns.campaign_info#module:access_key).
        type: str
      secret_key:
        description: See O(campaignops.campaigns.campaign_info#module:secret_key).
        type: str
      validate_certs:
        description: See O(campaignops.campaigns.campaign_info#module:validate_certs).
        type: bool
        default: true
      ca_path:
        description: See O(campaignops.campaigns.campaign_info#module:ca_path).
        type: path
      timeout:
        description: See O(campaignops.campaigns.campaign_info#module:timeout).
        type: float
        default: 30
      retries:
        description: See O(campaignops.campaigns.campaign_info#module:retries).
        type: int
        default: 3
      concurrency:
        description: See O(campaignops.campaigns.campaign_info#module:concurrency).
        type: int
notes:
  - Secrets in the inventory file are best avoided; leave them out and let the environment (an AWX credential)
    provide them, or use C(!vault) values.
  - Write-only credentials (8x8's O(campaignops.campaigns.campaign_state#module:action_token)) are refused in a source, since
    an inventory only reads.
  - A source that fails fails the inventory file as any inventory plugin does. ansible-playbook and ansible-inventory
    then only warn that they could not parse it and go on without its hosts, unless E(ANSIBLE_INVENTORY_UNPARSED_FAILED)
    or E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED) is true; AWX fails the inventory sync.
  - In AWX, an inventory source takes one credential of a custom credential type; give each vendor account its own
    inventory source, all in the same inventory. The collection's C(extensions/awx/inventory/) holds one inventory file
    per vendor and an example inventory source.
seealso:
  - module: campaignops.campaigns.campaign_state
  - module: campaignops.campaigns.campaign_info
'''

EXAMPLES = r'''
# campaigns.yml: every Ocamba campaign (OCAMBA_TOKEN from the environment), the campaigns of iSales VDN 12,
# and two 8x8 campaigns, which 8x8 cannot list; the inventory loads even when 8x8 cannot be read.
plugin: campaignops.campaigns.campaigns
sources:
  - provider: ocamba
  - provider: isales
    api_url: https://isales.example.com:28090
    vdn_id: 12
  - provider: 8x8
    platform: na12
    campaign_ids: ["6561", "6562"]
    ignore_errors: true

# Extra groups from the host variables, and the inventory cached for an hour.
# plugin: campaignops.campaigns.campaigns
# sources:
#   - provider: wolkvox
#     server: "0032"
# keyed_groups:
#   - key: campaign_native_status
#     prefix: wolkvox_status
# groups:
#   dialing: campaign_state == 'running'
# compose:
#   campaign_label: campaign_provider ~ '/' ~ campaign_id
# cache: true
# cache_plugin: ansible.builtin.jsonfile
# cache_connection: /tmp/campaigns-inventory-cache
# cache_timeout: 3600

# Using the hosts, pattern 1: a play over a group, one campaign per host. The hosts are campaigns, so
# nothing connects to them: the module runs on the controller, credentials from the environment.
# $ ansible-playbook -i campaigns.yml pause.yml
# - name: Pause every running Ocamba campaign
#   hosts: ocamba_running
#   gather_facts: false
#   tasks:
#     - name: Pause the campaign
#       campaignops.campaigns.campaign_state:
#         provider: "{{ campaign_provider }}"
#         campaign_id: "{{ campaign_id }}"
#         vdn_id: "{{ campaign_vdn_id | default(omit) }}"
#         state: paused
#       delegate_to: localhost

# Using the hosts, pattern 2 (faster for many campaigns): one bulk task for the whole group, run once,
# with its campaigns list built from the hosts' variables; ansible_play_hosts honours --limit.
# - name: Pause every running Ocamba campaign in one task
#   hosts: ocamba_running
#   gather_facts: false
#   tasks:
#     - name: Describe each campaign as an item of the bulk task
#       ansible.builtin.set_fact:
#         campaign_item:
#           provider: "{{ campaign_provider }}"
#           campaign_id: "{{ campaign_id }}"
#           vdn_id: "{{ campaign_vdn_id | default(omit) }}"
#     - name: Pause them all, within each vendor's limits
#       campaignops.campaigns.campaign_state:
#         provider: "{{ campaign_provider }}"
#         state: paused
#         campaigns: "{{ ansible_play_hosts | map('extract', hostvars, 'campaign_item') | list }}"
#       run_once: true
#       delegate_to: localhost
'''

from concurrent.futures import ThreadPoolExecutor

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.display import Display

from ansible_collections.campaignops.campaigns.plugins.module_utils._converger import unexpected
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import CampaignError
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import HAS_REQUESTS
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import CONNECTION_ARGUMENT_SPEC, validate_campaign_id
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.plugins.module_utils._runner import read_campaigns

try:
    from ansible.utils.unsafe_proxy import wrap_var
except ImportError:  # pragma: no cover - a later ansible-core: every string a plugin sets is untrusted anyway
    wrap_var = None

display = Display()

MAX_PARALLEL_SOURCES = 8
REDACTED = '********'
HOST_VARIABLES = ('campaign_provider', 'campaign_id', 'campaign_state', 'campaign_native_status', 'campaign_name',
                  'campaign_vdn_id')


def write_only_options():
    """Credentials only a write needs (8x8's action token): an inventory never writes, so a
    source that carries one is refused rather than sent nowhere."""
    read = set(name for cls in PROVIDERS.values() for method in cls.read_credentials for name in method)
    write = set(name for cls in PROVIDERS.values() for method in (cls.write_credentials or ()) for name in method)
    return write - read


def source_spec():
    """The argument spec of one ``sources`` entry: the modules' connection options, minus the
    write-only credentials, plus the inventory's own."""
    spec = dict((name, option) for name, option in CONNECTION_ARGUMENT_SPEC.items() if name not in write_only_options())
    spec.update(
        provider=dict(type='str', required=True, choices=list(PROVIDERS)),
        campaign_ids=dict(type='list', elements='str'),
        ignore_errors=dict(type='bool', default=False),
    )
    return spec


def provider_group(provider_cls):
    """The provider's group name: its name, or its environment prefix where the name is not a
    valid group name (8x8 -> eightbyeight)."""
    return provider_cls.name if provider_cls.name.isidentifier() else provider_cls.env_prefix.lower()


def make_unsafe(value):
    """Text a vendor returned, as a value no template expands: campaign names are typed by the
    vendor's users, and a ``{{ }}`` in one must never run on the controller. (From ansible-core
    2.19 on, no text a plugin sets is trusted anyway.) Only text that could hold a template is
    marked: before 2.19, ansible-inventory prints marked text as ``__ansible_unsafe`` objects,
    which AWX imports as they are (community.general issue 8212)."""
    if wrap_var is not None and isinstance(value, str) and ('{' in value or '}' in value):
        return wrap_var(value)
    return value


class Reading:
    """What reading one source gave: its host records, warnings, and the reason it failed."""

    def __init__(self, records=(), warnings=(), failure=None):
        self.records = list(records)
        self.warnings = list(warnings)
        self.failure = failure


class Source:
    """One entry of ``sources``: validated before any request, then read."""

    def __init__(self, number, raw):
        self.number = number
        if not isinstance(raw, dict):
            raise self.error('must be a dictionary of options, got {0}'.format(kind_of(raw)))
        result = ArgumentSpecValidator(source_spec()).validate(raw)
        # Every secret of the entry, so that no message shows one; those the environment supplies
        # are added when the source is read.
        self.secrets = set(value for value in result._no_log_values if value)
        if result.error_messages:
            raise self.error(self.redact(describe_errors(raw, result)))
        self.params = result.validated_parameters
        self.provider_cls = PROVIDERS[self.params['provider']]
        self.ignore_errors = self.params['ignore_errors']
        self.campaign_ids = self.unique_campaign_ids(self.params['campaign_ids'])

    def error(self, message):
        return AnsibleParserError('campaigns inventory: source {0}: {1}'.format(self.number, message))

    def unique_campaign_ids(self, campaign_ids):
        if campaign_ids is None:
            return None
        if not campaign_ids:
            raise self.error('campaign_ids is empty: leave it out to read every campaign, or name at least one')
        return list(dict.fromkeys(campaign_ids))

    def redact(self, text):
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, REDACTED)
        return text

    def describe(self):
        return 'source {0} (provider={1})'.format(self.number, self.provider_cls.name)

    def read(self):
        """This account's host records; a failure is reported, not raised, so that the other
        sources still load when the inventory tolerates it."""
        try:
            options, campaigns = read_campaigns(self.params, self.provider_cls, campaign_ids=self.campaign_ids,
                                                on_secrets=self.secrets.update)
        except CampaignError as exc:
            return Reading(failure=self.redact(exc.message))
        except Exception as exc:  # pylint: disable=broad-except
            return Reading(failure=self.redact(unexpected(exc)))
        reading = Reading()
        for campaign in campaigns:
            problem = self.unusable_id(campaign.id)
            if problem:
                reading.warnings.append('campaigns inventory: {0} lists a campaign that is left out: {1}'.format(
                    self.describe(), self.redact(problem)))
            else:
                reading.records.append(self.host_record(campaign, options))
        return reading

    def unusable_id(self, campaign_id):
        """Why a listed campaign cannot be a host, or None: its id becomes the host name and the
        modules' campaign_id, so it must be one the modules take."""
        try:
            validate_campaign_id(None if campaign_id is None else str(campaign_id), self.provider_cls.id_pattern)
        except CampaignError as exc:
            return exc.message
        return None

    def host_record(self, campaign, options):
        """What the inventory and its cache keep of one campaign: no credential, no raw record.
        A campaign id is unique within a VDN only, so the VDN is part of the host name."""
        group = provider_group(self.provider_cls)
        vdn_id = options.get('vdn_id') if 'vdn_id' in self.provider_cls.own_options else None
        name_parts = [self.provider_cls.name] + ([str(vdn_id)] if vdn_id is not None else []) + [str(campaign.id)]
        record = dict(
            host='_'.join(name_parts),
            groups=[group, campaign.state, '{0}_{1}'.format(group, campaign.state)],
            campaign_provider=self.provider_cls.name,
            campaign_id=str(campaign.id),
            campaign_state=campaign.state,
            campaign_native_status=self.redact_text(campaign.native_status),
            campaign_name=self.redact_text(campaign.name),
        )
        if vdn_id is not None:
            record['campaign_vdn_id'] = vdn_id
        return record

    def redact_text(self, value):
        return self.redact(value) if isinstance(value, str) else value


def kind_of(value):
    """What a YAML value is, in words (ansible-core 2.19 hands over tagged subclasses of str)."""
    for kinds, words in (((bool,), 'a boolean'), ((str,), 'text'), ((int, float), 'a number'), ((list, tuple), 'a list')):
        if isinstance(value, kinds):
            return words
    return 'nothing' if value is None else type(value).__name__


def describe_errors(raw, result):
    """The validator's messages, with unknown options named in the inventory's words."""
    errors = result.errors.errors
    messages = [error.msg for error in errors if not isinstance(error, UnsupportedError)]
    if len(messages) < len(errors):
        messages.extend(describe_unknown_option(name) for name in sorted(set(raw) - set(source_spec()), key=str))
    return '; '.join(messages)


def describe_unknown_option(name):
    if name in write_only_options():
        return 'option {0} is a credential for changes; an inventory only reads, so leave it out'.format(name)
    return 'unknown option {0} (a source takes: {1})'.format(name, ', '.join(sorted(source_spec())))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):

    NAME = 'campaignops.campaigns.campaigns'

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(('campaigns.yml', 'campaigns.yaml'))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        # Validated on every run, even one served from the cache: a mistake in the file shows at once.
        sources = self.validated_sources()
        cache_key = self.get_cache_key(path)
        records = None
        if self.get_option('cache') and cache:
            try:
                records = self._cache[cache_key]
            except KeyError:
                records = None
        if records is None:
            records, complete = self.read_sources(sources)
            if self.get_option('cache') and complete:
                self._cache[cache_key] = records
        for record in records:
            self.add_campaign(record)

    def validated_sources(self):
        if not HAS_REQUESTS:
            raise AnsibleParserError('campaigns inventory: the Python library requests is required on the controller '
                                     '(in AWX, in the execution environment)')
        raw_sources = self.get_option('sources')
        if not raw_sources:
            raise AnsibleParserError('campaigns inventory: sources is empty; list at least one vendor account')
        return [Source(number, raw) for number, raw in enumerate(raw_sources, 1)]

    def read_sources(self, sources):
        """``(host records, whether every source was read)``; the accounts are read side by side."""
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_SOURCES, len(sources))) as pool:
            readings = list(pool.map(lambda source: source.read(), sources))
        records = []
        complete = True
        for source, reading in zip(sources, readings):
            for warning in reading.warnings:
                display.warning(warning)
            if reading.failure is not None:
                message = 'campaigns inventory: {0} could not be read: {1}'.format(source.describe(), reading.failure)
                if not source.ignore_errors:
                    raise AnsibleParserError(message)
                display.warning(message + '. Its campaigns are left out (ignore_errors)')
                complete = False
            records.extend(reading.records)
        warn_about_duplicates(sources, readings)
        return records, complete

    def add_campaign(self, record):
        host = self.inventory.add_host(record['host'])
        for name in HOST_VARIABLES:
            if name in record:
                self.inventory.set_variable(host, name, make_unsafe(record[name]))
        for group in record['groups']:
            self.inventory.add_group(group)
            self.inventory.add_child(group, host)
        strict = self.get_option('strict')
        hostvars = self.inventory.get_host(host).get_vars()
        self._set_composite_vars(self.get_option('compose'), hostvars, host, strict=strict)
        self._add_host_to_composed_groups(self.get_option('groups'), hostvars, host, strict=strict)
        self._add_host_to_keyed_groups(self.get_option('keyed_groups'), hostvars, host, strict=strict)


def warn_about_duplicates(sources, readings):
    """Two sources that give the same host (the same campaign in two accounts of one vendor, or
    overlapping campaign_ids) leave one host with the later source's variables."""
    first_source = {}
    for source, reading in zip(sources, readings):
        for record in reading.records:
            earlier = first_source.setdefault(record['host'], source.number)
            if earlier != source.number:
                display.warning('campaigns inventory: host {0} comes from source {1} and from source {2}; the later '
                                'source\'s variables win'.format(record['host'], earlier, source.number))
