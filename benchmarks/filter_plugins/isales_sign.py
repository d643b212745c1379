# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``isales_sign``: the Huawei iSales AK/SK ``Authorization`` value for one request.

Used only by the benchmark's ``ansible.builtin.uri`` playbook (``benchmarks/fleet.py``): a
playbook that calls iSales with plain ``uri`` tasks needs exactly such a filter, because the
signature covers the method, the URL and the headers of every single request. It reuses the
collection's own signer, so its layout stays the one the simulator checks::

    headers:
      Content-Type: application/json; charset=UTF-8
      Authorization: "{{ url | isales_sign('GET', access_key, secret_key) }}"
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.isales import CONTENT_TYPE, sign_request


def isales_sign(url, method, access_key, secret_key, content_type=CONTENT_TYPE):
    """``url`` as sent (scheme, host, port, path, query); the header must carry ``content_type``."""
    return sign_request(method, url, content_type, access_key, secret_key)


class FilterModule:
    """Ansible filter plugin entry point."""

    def filters(self):
        return {'isales_sign': isales_sign}
