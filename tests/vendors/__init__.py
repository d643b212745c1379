# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test data, one module per vendor, found through the provider registry.

The module of a provider has the name of its client's module (``_providers/ocamba.py`` ->
``tests/vendors/ocamba.py``), so a provider added to the registry without its test data fails
every test at import, naming the file to write."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib

from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS


def _data_module(provider_cls):
    return importlib.import_module('{0}.{1}'.format(__name__, provider_cls.__module__.rsplit('.', 1)[1]))


# Provider name -> its test data module, in the registry's order.
VENDORS = dict((name, _data_module(provider_cls)) for name, provider_cls in PROVIDERS.items())
NAMES = list(VENDORS)
