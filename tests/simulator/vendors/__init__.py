# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The simulated vendors: every module of this package but ``base`` simulates one vendor.

A vendor is found by its module alone (no list to keep in step): a new vendor is one new module
here with one ``Vendor`` subclass, plus its campaigns and credentials in ``seed/<name>.json``.
The simulator runs without the collection (``python -m tests.simulator``), so this package does
not read the collection's provider registry; a test checks that both name the same vendors."""

import importlib
import pkgutil

from .base import Vendor


def _vendor_classes(module):
    """The ``Vendor`` subclasses a module defines (not the ones it imports)."""
    return [value for value in vars(module).values()
            if isinstance(value, type) and issubclass(value, Vendor) and value.__module__ == module.__name__]


def _discover():
    vendors = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module_info.name != "base":
            module = importlib.import_module("%s.%s" % (__name__, module_info.name))
            vendors.extend(cls() for cls in _vendor_classes(module))
    return tuple(vendors)


# Every simulated vendor, in the order of their module names; their paths never overlap.
VENDORS = _discover()
BY_NAME = {vendor.name: vendor for vendor in VENDORS}


def vendor_for(path):
    """The vendor owning ``path``, or None."""
    for vendor in VENDORS:
        if vendor.matches(path):
            return vendor
    return None
