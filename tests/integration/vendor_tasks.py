# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each vendor pointed at the simulator: task options, environment variables and tasks.

The vendors are the provider registry's; the options come from each vendor's test data
(``connection`` in tests/vendors/<vendor>.py) and the simulator's credentials."""

from __future__ import annotations

from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import VENDORS
from tests.simulator import DEFAULT_CREDENTIALS


def connection(provider, url):
    """Explicit task options for ``provider`` against the simulator at ``url``."""
    return VENDORS[provider].connection(url, DEFAULT_CREDENTIALS[provider])


def environment(provider, url):
    """The same settings as environment variables, the way ad-hoc users and AWX pass them."""
    prefix = PROVIDERS[provider].env_prefix
    return dict(('{0}_{1}'.format(prefix, key.upper()), str(value)) for key, value in connection(provider, url).items())


def state_task(provider, url, campaign_id, state, **extra):
    """A campaign_state task for one campaign of ``provider``, with explicit options."""
    args = dict(provider=provider, campaign_id=campaign_id, state=state)
    args.update(connection(provider, url))
    args.update(extra)
    return {'campaignops.campaigns.campaign_state': args}
