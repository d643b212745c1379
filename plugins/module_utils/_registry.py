# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""The registry of providers: adding a vendor is one file plus one line here.

(It lives outside the ``_providers`` package because ansible-core 2.17's sanity test ``empty-init``
requires that package's ``__init__.py`` to be empty.)"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.eightbyeight import EightByEight
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.isales import ISales
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.ocamba import Ocamba
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.voltmx import VoltMX
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.wolkvox import Wolkvox

PROVIDERS = dict((cls.name, cls) for cls in (VoltMX, ISales, Ocamba, Wolkvox, EightByEight))
