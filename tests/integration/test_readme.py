# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The README's ad-hoc commands work as written, with credentials from the environment."""

from __future__ import annotations

import os
import re
import shlex
import subprocess

import pytest

from tests.integration.playbook import REPO_ROOT, ansible_playbook
from tests.integration.vendor_tasks import environment

with open(os.path.join(REPO_ROOT, 'README.md'), encoding='utf-8') as handle:
    COMMANDS = [line.strip() for line in handle if line.startswith('ansible localhost -m campaignops.campaigns.')]


def test_readme_has_ad_hoc_examples():
    assert len(COMMANDS) >= 3


@pytest.mark.parametrize('command', COMMANDS)
def test_readme_ad_hoc_command_works_as_written(command, sim, playbook):
    words = shlex.split(command)
    provider = re.search(r'provider=([0-9a-z]+)', command).group(1)
    words[0] = os.path.join(os.path.dirname(ansible_playbook()), 'ansible')
    env = playbook.environment(environment(provider, sim.url))
    process = subprocess.run(words, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    assert '=> {' in process.stdout
    writes = sim.writes(provider)
    if '--check' in words or 'campaign_info' in command:
        assert writes == []
    else:
        assert len(writes) == 1
