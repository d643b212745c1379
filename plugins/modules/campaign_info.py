#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type

DOCUMENTATION = r'''
module: campaign_info
short_description: Read the state of one campaign or of every campaign of a vendor account
version_added: 1.0.0
description:
  - Reads one campaign, or lists every campaign the vendor lists when O(campaign_id) is omitted,
    and reports each with its canonical state and the vendor's own status.
  - Never changes anything.
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
    details: The module never changes anything.
  diff_mode:
    support: N/A
  action_group:
    support: full
    membership: [campaignops.campaigns.campaigns]
  platform:
    platforms: posix
options:
  campaign_id:
    description:
      - The vendor's id of the campaign to read.
      - When omitted, every campaign the vendor lists is returned. 8x8 has no list call, so O(campaign_id)
        is required for O(provider=8x8); Huawei iSales lists the campaigns of O(vdn_id).
    type: str
notes:
  - Only the action token of 8x8 is never needed here.
seealso:
  - module: campaignops.campaigns.campaign_state
'''

EXAMPLES = r'''
- name: Read one 8x8 campaign
  campaignops.campaigns.campaign_info:
    provider: 8x8
    platform: na12
    username: "{{ eight_by_eight_tenant }}"
    data_token: "{{ eight_by_eight_data_token }}"
    campaign_id: "6561"
  register: campaign

- name: List every Ocamba campaign (token from OCAMBA_TOKEN)
  campaignops.campaigns.campaign_info:
    provider: ocamba
  register: ocamba

- name: Show the running ones
  ansible.builtin.debug:
    msg: "{{ ocamba.campaigns | selectattr('state', 'equalto', 'running') | map(attribute='id') | list }}"
'''

RETURN = r'''
campaigns:
  description: The campaigns read, in the vendor's order.
  returned: success
  type: list
  elements: dict
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
      sample: running
    native_status:
      description: The vendor's own status word or code.
      type: raw
      sample: 3
    raw:
      description: The vendor's record of the campaign, as it answered.
      type: dict
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.campaignops.campaigns.plugins.module_utils._options import CONNECTION_ARGUMENT_SPEC
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.plugins.module_utils._runner import run_info_module


def main():
    argument_spec = dict(campaign_id=dict(type='str'))
    argument_spec.update(CONNECTION_ARGUMENT_SPEC)
    argument_spec['provider'] = dict(argument_spec['provider'], choices=list(PROVIDERS))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    run_info_module(module)


if __name__ == '__main__':
    main()
