#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

# The lines between "BEGIN GENERATED" and "END GENERATED" are written from the provider registry by
# tests/update_generated.py.
DOCUMENTATION = r'''
module: campaign_state
short_description: Put a dialer or marketing campaign into a running, paused, purged or stopped state
version_added: 1.0.0
description:
  - Reads the campaign's current status from the vendor, plans the shortest path to the desired
    state along the transitions the vendor allows, and applies it. Nothing is written when the
    campaign is already in the desired state, or when it is scheduled to start and the desired
    state is V(running) (see O(start_now)).
  - A multi-step path may pass through V(paused) or V(purged), never through V(running) unless
    V(running) is the target, because a running dialer calls real customers.
  - A transition the vendor does not allow fails before any write, naming the current state, the
    desired state and what the vendor allows from there.
  - Many campaigns, of one provider or of several, can be converged in one task with O(campaigns).
author:
  - campaignops engineers (@campaignops)
requirements:
  - requests
extends_documentation_fragment:
  - campaignops.campaigns.connection
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details: Reads the campaign and reports the vendor calls that would be made in RV(actions); never writes.
  diff_mode:
    support: full
  action_group:
    support: full
    membership: [campaignops.campaigns.campaigns]
  platform:
    platforms: posix
options:
  provider:
    # The description comes from the connection fragment; here each item of campaigns may name its own.
    required: false
  campaign_id:
    description:
      - The vendor's id of the campaign.
      - "Letters, digits and C(. _ : @ ~ -) only; Huawei iSales and 8x8 ids are numbers."
      - Mutually exclusive with O(campaigns).
    type: str
  state:
    description:
      - The desired state. Each provider accepts a subset; the vendor calls that reach each state are in parentheses.
      # BEGIN GENERATED provider-states
      - V(voltmx) accepts V(running) (C(start), C(resume)), V(paused) (C(pause)) and V(stopped) (C(terminate)).
      - V(isales) accepts V(running) (C(resume)) and V(paused) (C(pause)).
      - V(ocamba) accepts V(running) (C(resume)), V(paused) (C(pause)) and V(stopped) (C(cancel)).
      - V(wolkvox) accepts V(running) (C(start)) and V(paused) (C(stop)).
      - V(8x8) accepts V(running) (C(run)), V(paused) (C(pause)), V(purged) (C(purge)) and V(stopped) (C(stop)).
      # END GENERATED
      - V(stopped) is final on every vendor that has it.
      - Required with O(campaign_id); with O(campaigns), the default for items that set no state.
    type: str
    choices: [running, paused, purged, stopped]
  campaigns:
    description:
      - Converge several campaigns in one task, concurrently within each vendor's limits. Results come back in
        RV(results) in the same order.
      - The items may belong to several providers (see C(provider) below); each provider's campaigns are
        converged side by side with the others', over one HTTP session per provider.
      - The endpoint and credential options of the task (O(api_url), O(token), O(platform) and so on), O(validate_certs)
        and O(ca_path) configure O(provider) only, and are refused when no item is on O(provider). Items of another
        provider take that provider's endpoint, credentials and CA bundle from its entry of O(connections), else from
        its environment variables (see each option), as the collection's AWX credential types inject them, and have
        their certificates verified unless that entry turns it off.
      - O(timeout), O(retries), O(wait) and O(concurrency) apply to every provider; O(concurrency) up to each
        provider's maximum, and for Wolkvox, whose limit is per token, only up to its default of V(1) unless Wolkvox
        is O(provider).
      - O(vdn_id), O(campaign_type) and O(reason) set on the task are the defaults of the items whose provider takes them;
        O(start_now) is the default of every item.
      - Mutually exclusive with O(campaign_id).
    type: list
    elements: dict
    suboptions:
      provider:
        description:
          - The vendor platform of this campaign; defaults to O(provider).
          - For a provider other than O(provider), the endpoint and credentials come from its entry of O(connections),
            else from that provider's environment variables, for example E(OCAMBA_TOKEN) or E(WOLKVOX_SERVER) and
            E(WOLKVOX_TOKEN).
        type: str
        # BEGIN GENERATED provider-choices
        choices: [voltmx, isales, ocamba, wolkvox, 8x8]
        # END GENERATED
      campaign_id:
        description: The vendor's id of the campaign.
        type: str
        required: true
      state:
        description: The desired state of this campaign; defaults to O(state).
        type: str
        choices: [running, paused, purged, stopped]
      vdn_id:
        description: Huawei iSales VDN of this campaign; defaults to O(vdn_id), else E(ISALES_VDN_ID).
        type: int
      campaign_type:
        description: Wolkvox campaign type of this campaign; defaults to O(campaign_type).
        type: str
        choices: [preview, predictive]
      reason:
        description: Ocamba pause or cancel reason for this campaign; defaults to O(reason).
        type: str
      start_now:
        description: Start this campaign now if it is scheduled; defaults to O(start_now).
        type: bool
  connections:
    description:
      - The endpoint, credential and TLS options of the providers of O(campaigns), keyed by provider name, so that a
        task can reach several vendors without environment variables. Each provider's entry takes that provider's own
        endpoint and credential options and O(validate_certs) and O(ca_path), with the same meaning as on the task; the
        secrets among them are masked in results and failures like the task's own.
      - The task's own options still configure O(provider); an entry configures its provider. Refused before any
        request are an option the entry's provider does not take, an option set both on the task and in the entry of
        O(provider), and an entry of a provider that none of the campaigns is on (it would be ignored).
      - What an entry leaves out comes from that provider's environment variables; a provider other than O(provider)
        without an entry takes everything from them, and has its certificates verified unless its entry sets
        C(validate_certs=false), whatever the task's O(validate_certs).
      - Pass secrets here (from Ansible Vault, say) rather than with the task keyword C(environment), which Ansible
        prints at C(-vvv) and which shows in the process list while the module runs. AWX credentials do not have
        this problem, since they set the environment of the job itself.
    type: dict
    suboptions:
      # BEGIN GENERATED provider-connections
      voltmx:
        description:
          - Endpoint, credentials and TLS of the campaigns of V(voltmx) (HCL Volt MX Engagement).
        type: dict
        suboptions:
          api_url:
            description:
              - As O(api_url), for V(voltmx). If not set, the environment variable E(VOLTMX_API_URL) is used.
            type: str
          auth_url:
            description:
              - As O(auth_url), for V(voltmx). If not set, the environment variable E(VOLTMX_AUTH_URL) is used.
            type: str
          auth_provider:
            description:
              - As O(auth_provider), for V(voltmx). If not set, the environment variable E(VOLTMX_AUTH_PROVIDER) is
                used.
            type: str
          auth_domain:
            description:
              - As O(auth_domain), for V(voltmx). If not set, the environment variable E(VOLTMX_AUTH_DOMAIN) is used.
            type: str
          token:
            description:
              - As O(token), for V(voltmx). If not set, the environment variable E(VOLTMX_TOKEN) is used.
            type: str
          username:
            description:
              - As O(username), for V(voltmx). If not set, the environment variable E(VOLTMX_USERNAME) is used.
            type: str
          password:
            description:
              - As O(password), for V(voltmx). If not set, the environment variable E(VOLTMX_PASSWORD) is used.
            type: str
          validate_certs:
            description:
              - As O(validate_certs), for V(voltmx). If not set, V(true), or for O(provider) the task's
                O(validate_certs).
            type: bool
          ca_path:
            description:
              - As O(ca_path), for V(voltmx). If not set, the environment variable E(VOLTMX_CA_PATH) is used.
            type: path
      isales:
        description:
          - Endpoint, credentials and TLS of the campaigns of V(isales) (Huawei CC-iSales).
        type: dict
        suboptions:
          api_url:
            description:
              - As O(api_url), for V(isales). If not set, the environment variable E(ISALES_API_URL) is used.
            type: str
          token:
            description:
              - As O(token), for V(isales). If not set, the environment variable E(ISALES_TOKEN) is used.
            type: str
          access_key:
            description:
              - As O(access_key), for V(isales). If not set, the environment variable E(ISALES_ACCESS_KEY) is used.
            type: str
          secret_key:
            description:
              - As O(secret_key), for V(isales). If not set, the environment variable E(ISALES_SECRET_KEY) is used.
            type: str
          validate_certs:
            description:
              - As O(validate_certs), for V(isales). If not set, V(true), or for O(provider) the task's
                O(validate_certs).
            type: bool
          ca_path:
            description:
              - As O(ca_path), for V(isales). If not set, the environment variable E(ISALES_CA_PATH) is used.
            type: path
      ocamba:
        description:
          - Endpoint, credentials and TLS of the campaigns of V(ocamba) (Ocamba Hood).
        type: dict
        suboptions:
          api_url:
            description:
              - As O(api_url), for V(ocamba). If not set, the environment variable E(OCAMBA_API_URL) is used.
            type: str
          token:
            description:
              - As O(token), for V(ocamba). If not set, the environment variable E(OCAMBA_TOKEN) is used.
            type: str
          validate_certs:
            description:
              - As O(validate_certs), for V(ocamba). If not set, V(true), or for O(provider) the task's
                O(validate_certs).
            type: bool
          ca_path:
            description:
              - As O(ca_path), for V(ocamba). If not set, the environment variable E(OCAMBA_CA_PATH) is used.
            type: path
      wolkvox:
        description:
          - Endpoint, credentials and TLS of the campaigns of V(wolkvox) (Wolkvox).
        type: dict
        suboptions:
          api_url:
            description:
              - As O(api_url), for V(wolkvox). If not set, the environment variable E(WOLKVOX_API_URL) is used.
            type: str
          server:
            description:
              - As O(server), for V(wolkvox). If not set, the environment variable E(WOLKVOX_SERVER) is used.
            type: str
          token:
            description:
              - As O(token), for V(wolkvox). If not set, the environment variable E(WOLKVOX_TOKEN) is used.
            type: str
          validate_certs:
            description:
              - As O(validate_certs), for V(wolkvox). If not set, V(true), or for O(provider) the task's
                O(validate_certs).
            type: bool
          ca_path:
            description:
              - As O(ca_path), for V(wolkvox). If not set, the environment variable E(WOLKVOX_CA_PATH) is used.
            type: path
      "8x8":
        description:
          - Endpoint, credentials and TLS of the campaigns of V(8x8) (8x8 Contact Center).
        type: dict
        suboptions:
          api_url:
            description:
              - As O(api_url), for V(8x8). If not set, the environment variable E(EIGHTBYEIGHT_API_URL) is used.
            type: str
          platform:
            description:
              - As O(platform), for V(8x8). If not set, the environment variable E(EIGHTBYEIGHT_PLATFORM) is used.
            type: str
          username:
            description:
              - As O(username), for V(8x8). If not set, the environment variable E(EIGHTBYEIGHT_USERNAME) is used.
            type: str
          data_token:
            description:
              - As O(data_token), for V(8x8). If not set, the environment variable E(EIGHTBYEIGHT_DATA_TOKEN) is used.
            type: str
          action_token:
            description:
              - As O(action_token), for V(8x8). If not set, the environment variable E(EIGHTBYEIGHT_ACTION_TOKEN) is
                used.
            type: str
          validate_certs:
            description:
              - As O(validate_certs), for V(8x8). If not set, V(true), or for O(provider) the task's O(validate_certs).
            type: bool
          ca_path:
            description:
              - As O(ca_path), for V(8x8). If not set, the environment variable E(EIGHTBYEIGHT_CA_PATH) is used.
            type: path
  # END GENERATED
  campaign_type:
    description:
      - Wolkvox only. The campaign type sent with start and stop calls.
      - When omitted, it is taken from the campaign's row in the Wolkvox campaign list. When given and the
        list disagrees, the task fails before writing.
    type: str
    choices: [preview, predictive]
  reason:
    description:
      - Ocamba only. The reason recorded with a pause or cancel.
      - Defaults to a note that Ansible made the change.
    type: str
  start_now:
    description:
      - A campaign the vendor has started but that waits for its start time (Volt MX C(Pending), Ocamba
        C(scheduled), 8x8 C(2 Scheduled); canonical state V(scheduled)) will run by itself, so it already
        satisfies O(state=running). Nothing is sent, the result is C(changed=false), and a warning says when it
        will start if the vendor reports it.
      - V(true) starts such a campaign now, by the vendor's own call (Volt MX C(start); 8x8 C(pause) then C(run);
        Ocamba C(pause) then C(resume) with C(run_immediately)). A running dialer calls real customers, so this
        is never the default.
      - Only matters for O(state=running) and a scheduled campaign; Huawei iSales and Wolkvox have no such state.
      - For 8x8 and Ocamba, starting now takes two calls. If the pause is accepted and the second call fails, the
        campaign is left paused and no longer starts at its start time; the failure message says the campaign
        is now paused, and RV(actions) lists the pause.
    type: bool
    default: false
  wait:
    description:
      - After a change, poll the campaign's status until the vendor reports the desired state.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait for the desired state when O(wait=true).
    type: int
    default: 120
notes:
  - After a change without O(wait), RV(campaign.native_status) is the status the vendor documents for the
    new state; with O(wait=true) it is the status read back.
seealso:
  - module: campaignops.campaigns.campaign_info
'''

EXAMPLES = r'''
- name: Pause 8x8 campaign 6561
  campaignops.campaigns.campaign_state:
    provider: 8x8
    platform: na12
    username: "{{ eight_by_eight_tenant }}"
    data_token: "{{ eight_by_eight_data_token }}"
    action_token: "{{ eight_by_eight_action_token }}"
    campaign_id: "6561"
    state: paused

- name: Resume an Ocamba campaign, credentials from OCAMBA_TOKEN
  campaignops.campaigns.campaign_state:
    provider: ocamba
    campaign_id: "4711"
    state: running

- name: Flush an 8x8 campaign's queue (running -> paused -> purged)
  campaignops.campaigns.campaign_state:
    provider: 8x8
    platform: eu3
    campaign_id: "6561"
    state: purged
  register: purge
  # purge.actions == ["pause", "purge"]

- name: Pause every listed Wolkvox campaign in one task
  campaignops.campaigns.campaign_state:
    provider: wolkvox
    server: "0032"
    state: paused
    campaigns:
      - campaign_id: "4001"
      - campaign_id: "4002"
        campaign_type: predictive
      - campaign_id: "4003"
        state: running

- name: Pause a season's campaigns on three vendors in one task, each vendor's credentials from vaulted variables
  campaignops.campaigns.campaign_state:
    state: paused
    campaigns:
      - {provider: ocamba, campaign_id: "4711"}
      - {provider: wolkvox, campaign_id: "4001"}
      - {provider: 8x8, campaign_id: "6561"}
      - {provider: 8x8, campaign_id: "6562", state: purged}
    # Not the task keyword "environment": Ansible prints it at -vvv, and the process list shows it.
    connections:
      ocamba:
        token: "{{ vault_ocamba_token }}"
      wolkvox:
        server: "0032"
        token: "{{ vault_wolkvox_token }}"
      8x8:
        platform: na12
        username: "{{ eight_by_eight_tenant }}"
        data_token: "{{ vault_eight_by_eight_data_token }}"
        action_token: "{{ vault_eight_by_eight_action_token }}"

- name: The same in AWX, with one credential of each vendor attached to the job template (they set its environment)
  campaignops.campaigns.campaign_state:
    state: paused
    campaigns:
      - {provider: ocamba, campaign_id: "4711"}
      - {provider: wolkvox, campaign_id: "4001"}
      - {provider: 8x8, campaign_id: "6561"}

- name: Set provider and credentials once for a whole play
  module_defaults:
    group/campaignops.campaigns.campaigns:
      provider: isales
      api_url: https://isales.example.com:28090
      vdn_id: 12
  block:
    - name: Pause an iSales campaign (AK/SK from ISALES_ACCESS_KEY and ISALES_SECRET_KEY)
      campaignops.campaigns.campaign_state:
        campaign_id: "1002003"
        state: paused
'''

RETURN = r'''
campaign:
  description: The campaign after the task (single form).
  returned: success, single form
  type: dict
  contains:
    id:
      description: The vendor's campaign id.
      type: str
      sample: "6561"
    name:
      description: The campaign name, when the vendor reports one.
      type: str
      sample: My Callbacks
    state:
      description: The canonical state (V(running), V(paused), V(purged), V(stopped), V(new), V(draft), V(scheduled),
        V(completed) or V(unknown)).
      type: str
      sample: paused
    native_status:
      description: The vendor's own status word or code.
      type: raw
      sample: 8
previous_state:
  description: The canonical state read before any change (single form).
  returned: success, single form
  type: str
  sample: running
actions:
  description:
    - The vendor calls made, in order, or in check mode those that would be made; the vendor's own verbs.
    - On a failure part way through a multi-step change, the calls that did succeed.
  returned: always, single form
  type: list
  elements: str
  sample: [pause, purge]
results:
  description: One result per item of O(campaigns), in the same order, each with RV(campaign), RV(previous_state),
    RV(actions), C(changed), C(campaign_id), C(provider) and, for an item that failed, C(failed) and C(msg).
  returned: always, bulk form
  type: list
  elements: dict
diff:
  description: The campaign's state and native status before and after (a list of those in the bulk form).
  returned: when diff mode is on
  type: raw
  sample: {before: {state: running, native_status: 3}, after: {state: paused, native_status: 8}}
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    CONNECTION_ARGUMENT_SPEC, CONNECTIONS_ARGUMENT_SPEC, STATE_OPTION_SPEC)
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.plugins.module_utils._runner import run_state_module

STATES = ['running', 'paused', 'purged', 'stopped']


def main():
    argument_spec = dict(
        campaign_id=dict(type='str'),
        state=dict(type='str', choices=STATES),
        campaigns=dict(type='list', elements='dict', options=dict(
            provider=dict(type='str', choices=list(PROVIDERS)),
            campaign_id=dict(type='str', required=True),
            state=dict(type='str', choices=STATES),
            vdn_id=dict(type='int'),
            campaign_type=dict(type='str', choices=['preview', 'predictive']),
            reason=dict(type='str'),
            start_now=dict(type='bool'),
        )),
        connections=CONNECTIONS_ARGUMENT_SPEC,
        wait=dict(type='bool', default=False),
        wait_timeout=dict(type='int', default=120),
    )
    argument_spec.update(CONNECTION_ARGUMENT_SPEC)
    argument_spec.update(STATE_OPTION_SPEC)
    # With campaigns, each item may name its own provider.
    argument_spec['provider'] = dict(argument_spec['provider'], required=False, choices=list(PROVIDERS))
    module = AnsibleModule(
        argument_spec=argument_spec,
        required_one_of=[('campaign_id', 'campaigns')],
        mutually_exclusive=[('campaign_id', 'campaigns')],
        required_by={'campaign_id': ['state', 'provider']},
        supports_check_mode=True,
    )
    run_state_module(module)


if __name__ == '__main__':
    main()
