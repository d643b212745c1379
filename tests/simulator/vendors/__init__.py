# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The five simulated vendors, in routing order."""

from .eightbyeight import EightByEight
from .isales import ISales
from .ocamba import Ocamba
from .voltmx import VoltMX
from .wolkvox import Wolkvox

VENDORS = (VoltMX(), ISales(), Ocamba(), Wolkvox(), EightByEight())
BY_NAME = {vendor.name: vendor for vendor in VENDORS}


def vendor_for(path):
    """The vendor owning ``path``, or None."""
    for vendor in VENDORS:
        if vendor.matches(path):
            return vendor
    return None
