# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Vendor simulator for the campaignops.campaigns collection (tests, demo, benchmarks).

``Simulator`` serves every simulated vendor's API (``vendors/``) on one port;
``DEFAULT_CREDENTIALS`` are the credentials of the bundled seed (``seed/<vendor>.json``).
See ``README.md`` in this directory.
"""

from .server import DEFAULT_SEED_PATH, Simulator, load_seed

DEFAULT_CREDENTIALS = load_seed(DEFAULT_SEED_PATH)["credentials"]

__all__ = ["Simulator", "DEFAULT_CREDENTIALS", "DEFAULT_SEED_PATH", "load_seed"]
