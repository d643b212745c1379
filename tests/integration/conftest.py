# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for end-to-end tests: the vendor simulator and real ``ansible-playbook`` runs."""

from __future__ import annotations

import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from tests.integration.playbook import PlaybookRunner, collections_path  # noqa: E402  pylint: disable=wrong-import-position
from tests.simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position


@pytest.fixture(scope='session')
def simulator_server():
    """The simulator itself (a ``Simulator``), one for the session; test_simulator.py tests it."""
    with Simulator() as server:
        yield server


@pytest.fixture()
def sim(simulator_server):
    """The simulator's admin API (a ``SimClient``: ``url``, request log, faults, settings, seed), the
    simulator reset to its seed (campaigns, log, faults, settings) before each test."""
    client = SimClient(simulator_server.url)
    client.reset()
    return client


@pytest.fixture(scope='session')
def ansible_collections_dir(tmp_path_factory):
    return collections_path(tmp_path_factory.mktemp('collections'))


@pytest.fixture()
def playbook(ansible_collections_dir, sim, tmp_path):
    return PlaybookRunner(ansible_collections_dir, tmp_path, sim.url)


class SimClient:
    """The simulator's admin API."""

    def __init__(self, url):
        import requests
        self.url = url
        self.session = requests.Session()

    def _call(self, method, path, body=None):
        response = self.session.request(method, self.url + '/_sim/' + path, json=body, timeout=10)
        response.raise_for_status()
        return response.json() if response.content else None

    def reset(self):
        return self._call('POST', 'reset')

    def requests(self, provider=None):
        log = self._call('GET', 'requests')
        entries = log['requests'] if isinstance(log, dict) else log
        return [entry for entry in entries if provider is None or entry['provider'] == provider]

    def writes(self, provider=None):
        return [entry for entry in self.requests(provider) if entry['write']]

    def clear_log(self):
        return self._call('DELETE', 'requests')

    def campaigns(self):
        return self._call('GET', 'campaigns')

    def fault(self, **fault):
        return self._call('POST', 'faults', fault)

    def settings(self, **settings):
        return self._call('POST', 'settings', settings)

    def latency(self, provider, ms):
        return self._call('POST', 'latency', {'provider': provider, 'ms': ms})

    def seed(self, body):
        return self._call('POST', 'seed', body)
