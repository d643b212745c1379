# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test data for Huawei CC-iSales: its payloads and URLs, and the facts the tests expect of it."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

NAME = 'isales'

# ----- unit tests: payloads and URLs --------------------------------------------------------

# ----- runner, converger and options tests ---------------------------------------------------

# ----- integration tests: the simulator's campaigns and the playbook scenarios ---------------
