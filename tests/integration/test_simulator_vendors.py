# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulator against the provider registry: it simulates every registered provider and no
other, and its seed has credentials and a campaign in every native status of each.

The simulator finds its vendors by their modules (tests/simulator/vendors/) and runs without the
collection, so nothing else keeps the two lists in step: a provider added to the registry
without its simulator vendor and seed file fails here."""

from __future__ import annotations

import pytest

from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.simulator import DEFAULT_CREDENTIALS
from tests.simulator.vendors import BY_NAME


def test_simulates_exactly_the_registered_providers():
    assert sorted(BY_NAME) == sorted(NAMES)


def test_seed_has_credentials_for_every_registered_provider():
    assert sorted(DEFAULT_CREDENTIALS) == sorted(NAMES)
    assert all(DEFAULT_CREDENTIALS[name] for name in NAMES)


@pytest.mark.parametrize('provider', NAMES)
def test_seed_covers_every_status(provider, sim):
    campaigns = sim.campaigns()[provider]
    # SIM_STATES (tests/vendors/<vendor>.py) lists every native status the vendor has.
    assert {campaign['status'] for campaign in campaigns} >= set(VENDORS[provider].SIM_STATES)
    assert all(campaign.get('name') or campaign.get('campaign_name') or campaign.get('campaign-name') for campaign in campaigns)
