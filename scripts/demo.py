# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The demo: run playbooks/demo.yml twice against the bundled vendor simulator (the second run
changes nothing), or once against real vendors when their endpoints are configured.

Run by the nox session ``demo`` (``bash scripts/demo.sh [ansible-playbook arguments]``) with the
Python of ``.venv``; the arguments go to ``ansible-playbook``. A vendor counts as configured when
the environment variable that points at it is set: ``<PREFIX>_API_URL``, ``_SERVER`` or
``_PLATFORM`` (whichever options it has), or for a vendor with a built-in endpoint its credential
(e.g. ``OCAMBA_TOKEN``). The providers and their prefixes come from the provider registry.
``DEMO_SIMULATOR=1`` forces the simulator even then."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Options that say where a vendor is.
ENDPOINT_OPTIONS = ('api_url', 'server', 'platform')
# Settings the simulator's seeded campaigns need besides credentials: iSales lists one VDN.
SIMULATOR_SETTINGS = {'isales': {'vdn_id': 1}}


def providers(collections):
    """The provider registry, imported through a collection tree that links to this checkout."""
    link = os.path.join(collections, 'ansible_collections', 'campaignops')
    os.makedirs(link)
    os.symlink(ROOT, os.path.join(link, 'campaigns'))
    sys.path.insert(0, collections)
    sys.dont_write_bytecode = True
    from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS  # pylint: disable=import-outside-toplevel
    return PROVIDERS


def real_vendor_variables(registry):
    names = []
    for cls in registry.values():
        if getattr(cls, 'default_api_url', None):
            options = [option for method in getattr(cls, 'read_credentials', ()) for option in method]
        else:
            options = [option for option in ENDPOINT_OPTIONS if option in cls.own_options]
        names.extend('{0}_{1}'.format(cls.env_prefix, option.upper()) for option in options)
    return names


def simulator_environment(registry, url):
    """Endpoint and the simulator's own test credentials of every provider, as AWX passes them."""
    from tests.simulator import DEFAULT_CREDENTIALS  # pylint: disable=import-outside-toplevel
    env = {}
    for name, cls in registry.items():
        settings = dict((key, value) for key, value in DEFAULT_CREDENTIALS[name].items() if key in cls.own_options)
        settings.update(SIMULATOR_SETTINGS.get(name, {}), api_url=url)
        env.update(('{0}_{1}'.format(cls.env_prefix, key.upper()), str(value)) for key, value in settings.items())
    return env


def run_demo(args, env, keep=False):
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), '-i', 'localhost,', '-c', 'local',
               os.path.join(ROOT, 'playbooks', 'demo.yml')] + list(args)
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors='replace')
    output = []
    for line in process.stdout:
        sys.stdout.write(line)
        sys.stdout.flush()
        if keep:
            output.append(line)
    return process.wait(), ''.join(output)


def main(args):
    with tempfile.TemporaryDirectory() as work:
        collections = os.path.join(work, 'collections')
        registry = providers(collections)
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                   ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', ANSIBLE_RETRY_FILES_ENABLED='0')
        if os.environ.get('DEMO_SIMULATOR', '0') != '1' and any(os.environ.get(name) for name in real_vendor_variables(registry)):
            print('== real vendor endpoints configured: running the demo once against them', flush=True)
            return run_demo(args, env)[0]

        sys.path.insert(0, ROOT)
        from tests.simulator import Simulator  # pylint: disable=import-outside-toplevel
        print('== starting the vendor simulator (tests/simulator)', flush=True)
        with Simulator() as simulator:
            print('   listening on {0}'.format(simulator.url), flush=True)
            env.update(simulator_environment(registry, simulator.url))
            print('== first run: move campaigns of every vendor (with --diff)', flush=True)
            rc = run_demo(['--diff'] + list(args), env)[0]
            if rc:
                return rc
            print('== second run: everything is already in its desired state, so nothing changes', flush=True)
            rc, output = run_demo(args, env, keep=True)
            if rc:
                return rc
            if not re.search(r'changed=0 +unreachable=0 +failed=0', output):
                print('== the second run changed something', flush=True)
                return 1
        print('== demo finished: the second run changed nothing', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
