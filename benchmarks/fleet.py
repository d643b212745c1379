# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fleet benchmark of campaignops.campaigns against the bundled vendor simulator.

Run from the repository root with the Python of the environment that has ansible-core:

    .venv/bin/python benchmarks/fleet.py [--latency-ms 50] [--quick] [--figures 0,1,2,3,4,5,6]

It starts ``tests.simulator.Simulator`` in this process with an injected latency on every
vendor call, runs real ``ansible-playbook`` processes (the one next to ``sys.executable``)
against it and prints one table with every figure side by side, plus the same table in
Markdown. Results also go to ``benchmarks/results/latest.md`` and ``latest.json``, the
generated playbooks to ``benchmarks/results/playbooks/``. See ``benchmarks/README.md``.

Targets are shown as PASS/FAIL next to the figures; the exit status is 0 whatever they say
(this is a measurement, not a test), 1 when a run broke (a playbook failed or a campaign did
not reach its desired state), 2 when the benchmark could not start.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import datetime
import http.client
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

import yaml

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(BENCH_DIR)
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from tests.simulator import DEFAULT_CREDENTIALS, Simulator  # noqa: E402  pylint: disable=wrong-import-position
from tests.simulator.vendors import BY_NAME as SIMULATED  # noqa: E402  pylint: disable=wrong-import-position


def importable_collection():
    """A temporary directory, removed at exit, holding ``ansible_collections/campaignops/campaigns``
    as a link to this checkout: the benchmark reads the vendors from the collection's registry."""
    base = tempfile.mkdtemp(prefix='campaignops-fleet-import-')
    atexit.register(shutil.rmtree, base, True)
    parent = os.path.join(base, 'ansible_collections', 'campaignops')
    os.makedirs(parent)
    os.symlink(REPO_ROOT, os.path.join(parent, 'campaigns'))
    return base


sys.path.insert(0, importable_collection())
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS  # noqa: E402  pylint: disable=wrong-import-position
from tests.integration.vendor_tasks import environment  # noqa: E402  pylint: disable=wrong-import-position

VENDORS = tuple(PROVIDERS)
# The vendors the scaling figure can use: no rate limit and several requests in flight.
UNLIMITED_VENDORS = [name for name, cls in PROVIDERS.items() if not cls.rate_limits and cls.concurrency > 1]

# The figure-2 mix: (current state, desired state, vendor writes, weight). Half the campaigns
# need a change; on 8x8 some need two writes (running -> purged is pause, then purge).
GENERIC_MIX = (('running', 'paused', 1, 1), ('running', 'running', 0, 1), ('paused', 'running', 1, 1), ('paused', 'paused', 0, 1))
EIGHT_MIX = (('running', 'paused', 1, 2), ('running', 'purged', 2, 1), ('running', 'running', 0, 2),
             ('paused', 'running', 1, 2), ('paused', 'paused', 0, 3))

# Ocamba's documented limits (figures 4 and 6), from its provider: requests per window of seconds.
OCAMBA_LIMITS = dict((seconds, requests) for requests, seconds in PROVIDERS['ocamba'].rate_limits)
OCAMBA_PER_MINUTE = OCAMBA_LIMITS[60.0]
OCAMBA_PER_SECOND = OCAMBA_LIMITS[1.0]

RSS_WRAPPER = '''#!{python}
"""Module interpreter wrapper of the fleet benchmark: runs the real interpreter as a child and
appends the child's peak RSS (getrusage RUSAGE_CHILDREN ru_maxrss, KiB) to $FLEET_RSS_LOG."""
import json
import os
import resource
import subprocess
import sys
import time

started = time.monotonic()
code = subprocess.call([{python!r}] + sys.argv[1:])
log = os.environ.get('FLEET_RSS_LOG')
if log:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, 'a', encoding='utf-8') as handle:
        handle.write(json.dumps({{'argv': sys.argv[1:], 'peak_rss_kib': usage.ru_maxrss,
                                  'seconds': time.monotonic() - started}}) + '\\n')
sys.exit(code)
'''


class _NoAliasDumper(yaml.SafeDumper):
    """Writes a dict used twice in full both times (no ``&id001`` anchors), for readable playbooks."""

    def ignore_aliases(self, data):
        return True


def dump_yaml(data, handle):
    yaml.dump(data, handle, Dumper=_NoAliasDumper, sort_keys=False, width=160, default_flow_style=False)


class RunBroke(Exception):
    """A playbook failed or the fleet did not converge: the figure is not a measurement."""


# ----------------------------------------------------------------------------------------------
# the simulator's admin API (plain http.client: no dependency beyond the standard library)

class Admin:
    def __init__(self, sim):
        self.sim = sim

    def call(self, method, path, body=None):
        connection = http.client.HTTPConnection('127.0.0.1', self.sim.port, timeout=60)
        try:
            payload = json.dumps(body).encode('utf-8') if body is not None else None
            connection.request(method, '/_sim/' + path, body=payload, headers={'Content-Type': 'application/json'})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        if response.status != 200:
            raise RunBroke('simulator admin {0} /_sim/{1}: HTTP {2}: {3}'.format(method, path, response.status, data[:300]))
        return json.loads(data.decode('utf-8')) if data else None

    def reset(self):
        self.call('POST', 'reset')

    def seed(self, body):
        return self.call('POST', 'seed', body)

    def campaigns(self):
        return self.call('GET', 'campaigns')

    def requests(self):
        log = self.call('GET', 'requests')
        return log['requests'] if isinstance(log, dict) else log

    def settings(self):
        return self.call('GET', 'settings')['settings']

    def latency(self):
        return self.call('GET', 'latency')['latency']


def calibrate(sim, admin, count=20):
    """Median time of one Volt MX read on a keep-alive connection: the latency the modules see."""
    admin.reset()
    creds = DEFAULT_CREDENTIALS['voltmx']
    token = base64.b64encode('{0}:{1}'.format(creds['username'], creds['password']).encode('utf-8')).decode('ascii')
    connection = http.client.HTTPConnection('127.0.0.1', sim.port, timeout=30)
    times = []
    try:
        for _index in range(count + 1):
            started = time.monotonic()
            connection.request('GET', '/api/v1/campaigns/103', headers={'Authorization': 'Basic ' + token})
            connection.getresponse().read()
            times.append(time.monotonic() - started)
    finally:
        connection.close()
    admin.reset()
    return round(statistics.median(times[1:]) * 1000.0, 1)


# ----------------------------------------------------------------------------------------------
# fleets: which campaigns exist, in which state, and where each should go

def split_counts(total, weights):
    """``total`` split by ``weights`` (largest remainder), so every count is a whole number."""
    whole = sum(weights)
    exact = [total * weight / float(whole) for weight in weights]
    counts = [int(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda index: exact[index] - counts[index], reverse=True)
    for index in order[:total - sum(counts)]:
        counts[index] += 1
    return counts


def build_fleet(admin, per_vendor):
    """Replace every vendor's campaigns by generated ones in a mixed-state fleet.

    Returns ``{vendor: [{'campaign_id', 'current', 'state', 'writes'}, ...]}`` (interleaved, so
    that changes and no-ops alternate the way a real inventory would list them)."""
    plan = {}
    for vendor in per_vendor:
        mix = EIGHT_MIX if vendor == '8x8' else GENERIC_MIX
        counts = split_counts(per_vendor[vendor], [weight for _c, _d, _w, weight in mix])
        plan[vendor] = [(current, desired, writes, count) for (current, desired, writes, _weight), count in zip(mix, counts) if count]
    admin.seed({'campaigns': dict((vendor, []) for vendor in VENDORS)})
    ids = dict((vendor, {}) for vendor in per_vendor)
    for current in ('running', 'paused'):
        generate = {}
        for vendor, buckets in plan.items():
            count = sum(bucket[3] for bucket in buckets if bucket[0] == current)
            if count:
                generate[vendor] = generate_spec(vendor, count, current)
        answer = admin.seed({'generate': generate})
        for vendor, generated in answer['generated'].items():
            ids[vendor][current] = list(generated)
    fleet = {}
    for vendor, buckets in plan.items():
        pools = dict((current, list(values)) for current, values in ids[vendor].items())
        groups = []
        for current, desired, writes, count in buckets:
            taken, pools[current] = pools[current][:count], pools[current][count:]
            groups.append([dict(campaign_id=str(cid), current=current, state=desired, writes=writes) for cid in taken])
        fleet[vendor] = interleave(groups)
    return fleet


# Wolkvox campaign types, so that both occur.
WOLKVOX_TYPES = {'running': 'preview', 'paused': 'predictive'}


def generate_spec(vendor, count, state):
    """The simulator's ``generate`` order for ``count`` campaigns of ``vendor`` in ``state``."""
    spec = {'count': count, 'status': PROVIDERS[vendor].native_after[state]}
    if vendor == 'wolkvox':
        spec['type_campaign'] = WOLKVOX_TYPES[state]
    return spec


def interleave(groups):
    items = []
    groups = [list(group) for group in groups]
    while any(groups):
        for group in groups:
            if group:
                items.append(group.pop(0))
    return items


def canonical(vendor, native):
    return PROVIDERS[vendor].canonical(native)


def check_converged(admin, fleet):
    """Raise unless every campaign of ``fleet`` is in its desired state in the simulator."""
    records = admin.campaigns()
    wrong = []
    for vendor, items in fleet.items():
        id_key = SIMULATED[vendor].id_key
        states = dict((str(record.get(id_key)), canonical(vendor, record.get('status'))) for record in records[vendor])
        wrong.extend('{0} {1}: {2} (wanted {3})'.format(vendor, item['campaign_id'], states.get(item['campaign_id']), item['state'])
                     for item in items if states.get(item['campaign_id']) != item['state'])
    if wrong:
        raise RunBroke('{0} campaigns did not reach their desired state: {1}'.format(len(wrong), '; '.join(wrong[:5])))


def minimum_requests(fleet):
    """One read per campaign (Wolkvox: one list read for all of them) plus one write per step."""
    result = {}
    for vendor, items in fleet.items():
        reads = 1 if vendor == 'wolkvox' else len(items)
        writes = sum(item['writes'] for item in items)
        result[vendor] = dict(reads=reads, writes=writes, total=reads + writes)
    return result


def summarize_log(log, run_started=None):
    """Per vendor: reads, writes, 429s, and the span of its HTTP activity (also as offsets from
    ``run_started``, a ``time.monotonic()`` value: the simulator logs with the same clock)."""
    result = {}
    for entry in log:
        vendor = entry.get('provider')
        if vendor is None:
            continue
        stats = result.setdefault(vendor, dict(reads=0, writes=0, total=0, throttled=0, other_errors=0, first=None, last=None))
        stats['writes' if entry['write'] else 'reads'] += 1
        stats['total'] += 1
        if entry.get('status') == 429:
            stats['throttled'] += 1
        elif entry.get('status') is None or entry['status'] >= 400:
            stats['other_errors'] += 1
        started, finished = entry.get('started'), entry.get('finished') or entry.get('started')
        stats['first'] = started if stats['first'] is None else min(stats['first'], started)
        stats['last'] = finished if stats['last'] is None else max(stats['last'], finished)
    for stats in result.values():
        if run_started is not None:
            stats['from_s'] = round(stats['first'] - run_started, 3)
            stats['to_s'] = round(stats['last'] - run_started, 3)
        stats['span_s'] = round(stats.pop('last') - stats.pop('first'), 3)
    return result


def totals(per_vendor, keys=('reads', 'writes', 'total', 'throttled', 'other_errors')):
    return dict((key, sum(stats.get(key, 0) for stats in per_vendor.values())) for key in keys)


# ----------------------------------------------------------------------------------------------
# ansible-playbook runs

def vendor_environment(url):
    """The endpoint and the simulator's credentials of every vendor as environment variables, from
    the vendors' test data (tests/vendors/<vendor>.py); iSales campaigns, seeded and generated, are in
    the VDN it names (1)."""
    env = {}
    for vendor in VENDORS:
        env.update(environment(vendor, url))
    return env


class Ansible:
    """Writes playbooks and runs them with the ansible-playbook next to ``sys.executable``."""

    def __init__(self, workdir, sim, saved_dir):
        self.workdir = workdir
        self.sim = sim
        self.saved_dir = saved_dir
        self.counter = 0
        self.playbook_bin = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
        self.collections = os.path.join(workdir, 'collections')
        link_parent = os.path.join(self.collections, 'ansible_collections', 'campaignops')
        os.makedirs(link_parent)
        os.symlink(REPO_ROOT, os.path.join(link_parent, 'campaigns'))
        self.config = os.path.join(workdir, 'ansible.cfg')
        with open(self.config, 'w', encoding='utf-8') as handle:
            handle.write('[defaults]\n')
        self.rss_python = os.path.join(workdir, 'rss-python')
        with open(self.rss_python, 'w', encoding='utf-8') as handle:
            handle.write(RSS_WRAPPER.format(python=sys.executable))
        os.chmod(self.rss_python, 0o755)

    def version(self):
        output = subprocess.run([self.playbook_bin, '--version'], capture_output=True, text=True, check=False, env=self.environment()).stdout
        first = output.splitlines()[0] if output else ''
        return first.split('[core', 1)[-1].strip(' ]') if '[core' in first else first

    def environment(self, extra=None):
        prefixes = ('ANSIBLE_',) + tuple(cls.env_prefix + '_' for cls in PROVIDERS.values())
        env = dict((name, value) for name, value in os.environ.items() if not name.startswith(prefixes))
        env.update({
            'ANSIBLE_CONFIG': self.config,
            'ANSIBLE_COLLECTIONS_PATH': self.collections,
            'ANSIBLE_FILTER_PLUGINS': os.path.join(BENCH_DIR, 'filter_plugins'),
            'ANSIBLE_HOME': os.path.join(self.workdir, 'ansible-home'),
            'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
            'ANSIBLE_NOCOLOR': '1',
            'ANSIBLE_RETRY_FILES_ENABLED': '0',
            'ANSIBLE_LOCALHOST_WARNING': '0',
            'ANSIBLE_INVENTORY_UNPARSED_WARNING': '0',
        })
        # campaign_state takes endpoints and credentials from the environment, as in AWX.
        env.update(vendor_environment(self.sim.url))
        env.update(extra or {})
        return env

    def run(self, name, tasks, variables=None, measure_rss=False):
        """Run one play on localhost; return ``{'wall_s', 'started', 'rss'}``: the wall time, the
        ``time.monotonic()`` at its start (the simulator's request log uses the same clock) and,
        with ``measure_rss``, one record per module process. A failed run raises ``RunBroke``."""
        self.counter += 1
        run_dir = os.path.join(self.workdir, 'run-{0:02d}-{1}'.format(self.counter, name))
        os.makedirs(run_dir)
        play = {'name': name, 'hosts': 'localhost', 'gather_facts': False}
        if variables is not None:
            with open(os.path.join(run_dir, 'fleet_vars.yml'), 'w', encoding='utf-8') as handle:
                dump_yaml(variables, handle)
            play['vars_files'] = ['fleet_vars.yml']
        play['tasks'] = tasks
        path = os.path.join(run_dir, 'playbook.yml')
        with open(path, 'w', encoding='utf-8') as handle:
            dump_yaml([play], handle)
        self.save(name, path)
        # A fresh TMPDIR per run: the collection keeps its machine-wide rate-limit state under
        # the temp dir, and the simulator's counters are reset before every run, so both start
        # from zero (otherwise one run's Ocamba sends would slow down the next one).
        extra = {'TMPDIR': os.path.join(run_dir, 'tmp')}
        os.makedirs(extra['TMPDIR'])
        rss_log = os.path.join(run_dir, 'rss.jsonl')
        if measure_rss:
            extra.update(ANSIBLE_PYTHON_INTERPRETER=self.rss_python, FLEET_RSS_LOG=rss_log)
        output = os.path.join(run_dir, 'output.txt')
        with open(output, 'w', encoding='utf-8') as handle:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.monotonic()
            process = subprocess.run([self.playbook_bin, '-i', 'localhost,', '-c', 'local', path], cwd=run_dir, env=self.environment(extra),
                                     stdout=handle, stderr=subprocess.STDOUT, check=False)
            wall = time.monotonic() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU seconds of ansible-playbook and everything it waited for (workers, modules).
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if process.returncode != 0:
            with open(output, encoding='utf-8') as handle:
                tail = handle.read()[-3000:]
            raise RunBroke('{0}: ansible-playbook exited {1}; last output:\n{2}'.format(name, process.returncode, tail))
        rss = []
        if measure_rss and os.path.exists(rss_log):
            with open(rss_log, encoding='utf-8') as handle:
                rss = [json.loads(line) for line in handle if line.strip()]
        return dict(wall_s=wall, cpu_s=cpu, started=started, rss=rss, loadavg=[round(value, 2) for value in os.getloadavg()])

    def save(self, name, path):
        """Keep the playbook and its vars file as ``<saved_dir>/<name>/`` (the last run of each name)."""
        if self.saved_dir:
            target = os.path.join(self.saved_dir, name)
            os.makedirs(target, exist_ok=True)
            shutil.copy(path, os.path.join(target, 'playbook.yml'))
            variables = os.path.join(os.path.dirname(path), 'fleet_vars.yml')
            if os.path.exists(variables):
                shutil.copy(variables, os.path.join(target, 'fleet_vars.yml'))


# ----------------------------------------------------------------------------------------------
# the playbooks

# The uri playbook of each vendor, registered by ``uri_form``.
URI_FORMS = {}


def uri_form(vendor):
    """Registers the uri playbook of ``vendor``: a function of the vendor's credentials returning
    ``(variables, tasks)``, what a uri user has to spell out (credentials, status words or codes,
    the call for each change) and a looped read task, then a looped conditional write task."""
    def register(function):
        URI_FORMS[vendor] = function
        return function
    return register


def uri_vars(sim_url, fleet=None):
    variables = {'sim_url': sim_url}
    for vendor, form in URI_FORMS.items():
        variables.update(form(DEFAULT_CREDENTIALS[vendor])[0])
    if fleet is not None:
        variables['fleet'] = dict((vendor, [dict(campaign_id=item['campaign_id'], state=item['state']) for item in items])
                                  for vendor, items in fleet.items())
        # The whole fleet as one list, the vendors mixed as in a season's plan.
        variables['fleet_items'] = interleave([[dict(provider=vendor, **item) for item in items] for vendor, items in variables['fleet'].items()])
    return variables


def missing_uri_forms():
    return [vendor for vendor in VENDORS if vendor not in URI_FORMS]


def label(expression):
    return {'label': '{{ ' + expression + ' }}'}


@uri_form('voltmx')
def voltmx_uri(creds):
    basic = {'url_username': '{{ voltmx_username }}', 'url_password': '{{ voltmx_password }}', 'force_basic_auth': True}
    variables = {'voltmx_username': creds['username'], 'voltmx_password': creds['password'],
                 'voltmx_action': {'paused': 'pause', 'running': 'resume'}}
    return variables, [
        {'name': 'Volt MX: read each campaign',
         'ansible.builtin.uri': dict(url='{{ sim_url }}/api/v1/campaigns/{{ item.campaign_id }}', **basic),
         'loop': '{{ fleet.voltmx }}', 'loop_control': label('item.campaign_id'), 'register': 'voltmx_read'},
        {'name': 'Volt MX: change the campaigns not in their desired state',
         'ansible.builtin.uri': dict(url='{{ sim_url }}/api/v1/campaigns/{{ item.item.campaign_id }}/{{ voltmx_action[item.item.state] }}',
                                     method='POST', headers={'Content-Type': 'application/json;charset=UTF-8'}, **basic),
         'loop': '{{ voltmx_read.results }}', 'loop_control': label('item.item.campaign_id'),
         'when': '(item.json.campaign | default(item.json)).status | lower != item.item.state'},
    ]


@uri_form('isales')
def isales_uri(creds):
    headers = {'Content-Type': 'application/json; charset=UTF-8', 'Authorization': "{{ url | isales_sign(method, isales_ak, isales_sk) }}"}
    failed = "{0}.json.resultCode != '0200000'"
    variables = {'isales_ak': creds['access_key'], 'isales_sk': creds['secret_key'],
                 'isales_base': '{{ sim_url }}/rest/isales/v1/openapi/campaigns/1',
                 'isales_code': {'running': 2, 'paused': 3}, 'isales_action': {'paused': 'pause', 'running': 'resume'}}
    return variables, [
        {'name': 'iSales: read each campaign (AK/SK signed)',
         'ansible.builtin.uri': {'url': '{{ url }}', 'headers': headers},
         'vars': {'url': '{{ isales_base }}/{{ item.campaign_id }}', 'method': 'GET'},
         'loop': '{{ fleet.isales }}', 'loop_control': label('item.campaign_id'), 'register': 'isales_read',
         'failed_when': failed.format('isales_read')},
        {'name': 'iSales: change the campaigns not in their desired state',
         'ansible.builtin.uri': {'url': '{{ url }}', 'method': '{{ method }}', 'headers': headers},
         'vars': {'url': '{{ isales_base }}/{{ item.item.campaign_id }}/{{ isales_action[item.item.state] }}', 'method': 'PUT'},
         'loop': '{{ isales_read.results }}', 'loop_control': label('item.item.campaign_id'), 'register': 'isales_write',
         'when': 'item.json.returnObject.status != isales_code[item.item.state]',
         'failed_when': failed.format('isales_write')},
    ]


@uri_form('ocamba')
def ocamba_uri(creds):
    bearer = {'Authorization': 'Bearer {{ ocamba_token }}'}
    variables = {'ocamba_token': creds['token'],
                 'ocamba_body': {'paused': {'reason': 'fleet benchmark'}, 'running': {'run_immediately': 1}},
                 'ocamba_action': {'paused': 'pause', 'running': 'resume'}}
    return variables, [
        {'name': 'Ocamba: read each campaign',
         'ansible.builtin.uri': {'url': '{{ sim_url }}/v1/hood/campaigns/{{ item.campaign_id }}', 'headers': bearer},
         'loop': '{{ fleet.ocamba }}', 'loop_control': label('item.campaign_id'), 'register': 'ocamba_read'},
        {'name': 'Ocamba: change the campaigns not in their desired state',
         'ansible.builtin.uri': {'url': '{{ sim_url }}/v1/hood/campaigns/{{ item.item.campaign_id }}/{{ ocamba_action[item.item.state] }}',
                                 'method': 'POST', 'headers': bearer, 'body_format': 'json',
                                 'body': '{{ ocamba_body[item.item.state] }}', 'status_code': 204},
         'loop': '{{ ocamba_read.results }}', 'loop_control': label('item.item.campaign_id'),
         'when': "item.json['items'][0].status != item.item.state"},
    ]


@uri_form('wolkvox')
def wolkvox_uri(creds):
    token = {'wolkvox-token': '{{ wolkvox_token }}'}
    variables = {'wolkvox_token': creds['token'],
                 'wolkvox_status': {'running': 'Started', 'paused': 'Stopped'}, 'wolkvox_action': {'running': 'start', 'paused': 'stop'}}
    return variables, [
        {'name': 'Wolkvox: read the campaign list (no single-campaign read exists)',
         'ansible.builtin.uri': {'url': '{{ sim_url }}/api/v2/information.php?api=campaigns', 'headers': token},
         'register': 'wolkvox_list'},
        {'name': 'Wolkvox: index the list by campaign id',
         'ansible.builtin.set_fact': {
             'wolkvox_rows': "{{ dict(wolkvox_list.json.data | map(attribute='campaign_id') | zip(wolkvox_list.json.data)) }}"}},
        {'name': 'Wolkvox: change the campaigns not in their desired state',
         'ansible.builtin.uri': {'url': '{{ sim_url }}/api/v2/campaign.php?api={{ wolkvox_action[item.state] }}'
                                        '&type_campaign={{ wolkvox_rows[item.campaign_id].type_campaign }}&campaign_id={{ item.campaign_id }}',
                                 'method': 'PUT', 'headers': token},
         'loop': '{{ fleet.wolkvox }}', 'loop_control': label('item.campaign_id'),
         'when': 'wolkvox_rows[item.campaign_id].status != wolkvox_status[item.state]'},
    ]


@uri_form('8x8')
def eight_uri(creds):
    variables = {'eight_username': creds['username'], 'eight_data_token': creds['data_token'], 'eight_action_token': creds['action_token'],
                 'eight_canonical': dict(PROVIDERS['8x8'].native_states),
                 # 8x8 has no running -> purged: pause first, purge in a second task.
                 'eight_first_step': {'running>paused': 'PAUSED', 'running>purged': 'PAUSED', 'paused>running': 'RUNNING',
                                      'paused>purged': 'PURGED', 'purged>running': 'RUNNING', 'purged>paused': 'PAUSED'}}
    return variables, eight_uri_tasks('{{ fleet["8x8"] }}')


def eight_uri_tasks(loop, single=False):
    data = {'url_username': '{{ eight_username }}', 'url_password': '{{ eight_data_token }}', 'force_basic_auth': True}
    action = {'url_username': '{{ eight_username }}', 'url_password': '{{ eight_action_token }}', 'force_basic_auth': True,
              'method': 'POST', 'body_format': 'json'}
    current = 'eight_canonical[item.json.campaign.status]'
    read = {'name': '8x8: read each campaign',
            'ansible.builtin.uri': dict(url='{{ sim_url }}/api/stats/campaigns/{{ item.campaign_id }}.json', **data),
            'loop': loop, 'loop_control': label('item.campaign_id'), 'register': 'eight_read'}
    first = {'name': '8x8: first (or only) step towards the desired state',
             'ansible.builtin.uri': dict(url='{{ sim_url }}/api/tstats/campaigns/{{ item.item.campaign_id }}',
                                         body={'status': "{{ eight_first_step[" + current + " ~ '>' ~ item.item.state] }}"}, **action),
             'loop': '{{ eight_read.results }}', 'loop_control': label('item.item.campaign_id'),
             'when': current + ' != item.item.state'}
    second = {'name': '8x8: second step (running -> purged is pause, then purge)',
              'ansible.builtin.uri': dict(url='{{ sim_url }}/api/tstats/campaigns/{{ item.item.campaign_id }}', body={'status': 'PURGED'}, **action),
              'loop': '{{ eight_read.results }}', 'loop_control': label('item.item.campaign_id'),
              'when': "item.item.state == 'purged' and " + current + " == 'running'"}
    return [read, first] if single else [read, first, second]


def bulk_tasks(fleet):
    """The bulk form: one ``campaign_state`` task for the whole fleet, each item naming its
    provider; endpoints and credentials come from the environment, as AWX injects them."""
    return [{'name': 'Every campaign of {0} in one task'.format(', '.join(PROVIDERS[vendor].title for vendor in fleet)),
             'campaignops.campaigns.campaign_state': {'campaigns': '{{ fleet_items }}'}}]


def per_vendor_bulk_tasks(fleet):
    """The bulk form with one task per vendor, ``provider`` set on the task (informational)."""
    return [{'name': '{0}: every campaign in one task'.format(PROVIDERS[vendor].title),
             'campaignops.campaigns.campaign_state': {'provider': vendor, 'campaigns': '{{ fleet["' + vendor + '"] }}'}}
            for vendor in fleet]


def uri_fleet_tasks(fleet):
    return [task for vendor in fleet for task in URI_FORMS[vendor](DEFAULT_CREDENTIALS[vendor])[1]]


def loop_tasks(fleet):
    return [{'name': '{0}: one task per campaign'.format(PROVIDERS[vendor].title),
             'campaignops.campaigns.campaign_state': {'provider': vendor, 'campaign_id': '{{ item.campaign_id }}', 'state': '{{ item.state }}'},
             'loop': '{{ fleet["' + vendor + '"] }}', 'loop_control': label('item.campaign_id')} for vendor in fleet]


# ----------------------------------------------------------------------------------------------
# the figures

def repeat_runs(ansible, admin, name, tasks, variables, repeat, after=None):
    walls = []
    cpus = []
    for _index in range(repeat):
        admin.reset()
        run = ansible.run(name, tasks, variables)
        if after is not None:
            after()
        walls.append(run['wall_s'])
        cpus.append(run['cpu_s'])
    return dict(median_s=round(statistics.median(walls), 3), runs_s=[round(wall, 3) for wall in walls],
                cpu_median_s=round(statistics.median(cpus), 3))


def figure_baseline(ansible, admin, args):
    tasks = [{'name': 'Nothing but a debug task', 'ansible.builtin.debug': {'msg': 'baseline'}}]
    return repeat_runs(ansible, admin, 'baseline-debug', tasks, None, args.repeat)


# Figure 1: 8x8's documented sample campaign.
SINGLE_CAMPAIGN = ('8x8', '6561', 'running', 'paused')


def figure_single(ansible, admin, args):
    vendor, campaign_id, before, desired = SINGLE_CAMPAIGN
    requests_seen = []

    def check():
        record = admin.call('GET', 'campaigns/{0}/{1}'.format(vendor, campaign_id))
        if canonical(vendor, record['status']) != desired:
            raise RunBroke('single campaign {0} {1} is {2}, not {3}'.format(vendor, campaign_id, record['status'], desired))
        requests_seen.append(totals(summarize_log(admin.requests())))

    module = [{'name': 'Pause 8x8 campaign {0}'.format(campaign_id),
               'campaignops.campaigns.campaign_state': {'provider': vendor, 'campaign_id': campaign_id, 'state': desired}}]
    uri = eight_uri_tasks([{'campaign_id': campaign_id, 'state': desired}], single=True)
    result = dict(campaign='{0} {1}: {2} -> {3}'.format(vendor, campaign_id, before, desired))
    result['campaign_state'] = repeat_runs(ansible, admin, 'single-campaign-state', module, None, args.repeat, check)
    result['campaign_state']['requests'] = requests_seen[-1]
    requests_seen[:] = []
    result['uri'] = repeat_runs(ansible, admin, 'single-uri', uri, uri_vars(admin.sim.url), args.repeat, check)
    result['uri']['requests'] = requests_seen[-1]
    return result


def figure_fleet(ansible, admin, args):
    """Figures 2 and 3: the same fleet converged several ways, the simulator reset in between."""
    if missing_uri_forms():
        raise RunBroke('no uri playbook for {0}: write one in benchmarks/fleet.py (see uri_form)'.format(', '.join(missing_uri_forms())))
    per_vendor = dict(zip(VENDORS, split_counts(args.campaigns, [1] * len(VENDORS))))
    variants = [('bulk', bulk_tasks), ('campaign_state_loop', loop_tasks), ('uri_loop', uri_fleet_tasks)]
    if not args.no_per_vendor:
        variants.insert(1, ('bulk_per_vendor', per_vendor_bulk_tasks))
    result = dict(campaigns=args.campaigns, per_vendor=per_vendor)
    for variant, make_tasks in variants:
        admin.reset()
        fleet = build_fleet(admin, per_vendor)
        run = ansible.run('fleet-' + variant.replace('_', '-'), make_tasks(fleet), uri_vars(admin.sim.url, fleet))
        check_converged(admin, fleet)
        log = admin.requests()
        per = summarize_log(log, run['started'])
        result[variant] = dict(wall_s=round(run['wall_s'], 3), cpu_s=round(run['cpu_s'], 3), loadavg_after=run['loadavg'],
                               requests=totals(per), per_vendor=per)
        result['minimum'] = dict(per_vendor=minimum_requests(fleet))
        result['minimum']['total'] = sum(stats['total'] for stats in result['minimum']['per_vendor'].values())
        result['needs_change'] = sum(1 for items in fleet.values() for item in items if item['writes'])
        print('  fleet {0}: {1:.1f} s, {2} requests'.format(variant, run['wall_s'], result[variant]['requests']['total']), file=sys.stderr)
    for variant in ('uri_loop', 'campaign_state_loop'):
        result['speedup_bulk_vs_' + variant] = round(result[variant]['wall_s'] / result['bulk']['wall_s'], 2)
        result['cpu_ratio_bulk_vs_' + variant] = round(result[variant]['cpu_s'] / result['bulk']['cpu_s'], 2)
        if 'bulk_per_vendor' in result:
            result['speedup_bulk_per_vendor_vs_' + variant] = round(result[variant]['wall_s'] / result['bulk_per_vendor']['wall_s'], 2)
    return result


def sustained_rate(starts, quota):
    """Requests per minute over whole quotas: from the first request to the first request of
    the last quota begun (the request numbered ``1 + k * quota``). A client that keeps to the
    vendor's windows exactly scores the documented limit; bursts inside a window do not count
    as going faster."""
    starts = sorted(starts)
    whole = ((len(starts) - 1) // quota) * quota
    if whole == 0:
        whole = len(starts) - 1
    if whole <= 0:
        return None
    return whole * 60.0 / (starts[whole] - starts[0])


def figure_ocamba(ansible, admin, args):
    count = args.ocamba_campaigns
    admin.reset()
    limits = admin.settings()['ocamba_limits']
    changes = int(round(count * args.ocamba_change_share))
    admin.seed({'campaigns': {'ocamba': []}})
    running = admin.seed({'generate': {'ocamba': {'count': changes, 'status': 'running'}}})['generated']['ocamba']
    paused = admin.seed({'generate': {'ocamba': {'count': count - changes, 'status': 'paused'}}})['generated']['ocamba']
    items = interleave([[dict(campaign_id=cid, current='running', state='paused', writes=1) for cid in running],
                        [dict(campaign_id=cid, current='paused', state='paused', writes=0) for cid in paused]])
    fleet = {'ocamba': items}
    # The bulk form reads the campaigns through Ocamba's list call, 100 per page.
    print('  ocamba: {0} campaigns, {1} to pause; this takes about {2:.0f} min'.format(
        count, changes, (-(-count // 100) + changes) / float(OCAMBA_PER_MINUTE)), file=sys.stderr)
    run = ansible.run('ocamba-{0}'.format(count), bulk_tasks(fleet), uri_vars(admin.sim.url, fleet))
    wall = run['wall_s']
    check_converged(admin, fleet)
    log = [entry for entry in admin.requests() if entry.get('provider') == 'ocamba']
    starts = sorted(entry['started'] for entry in log)
    rate = sustained_rate(starts, OCAMBA_PER_MINUTE)
    per_second_peak = max(sum(1 for other in starts if start <= other < start + 1.0) for start in starts) if starts else 0
    per_minute_peak = max(sum(1 for other in starts if start <= other < start + 60.0) for start in starts) if starts else 0
    span = starts[-1] - starts[0] if len(starts) > 1 else 0.0
    minimum = minimum_requests(fleet)['ocamba']['total']
    # The shortest first-to-last span the vendor's fixed windows allow for the requests sent.
    ideal_s = ((len(log) - 1) // OCAMBA_PER_MINUTE) * 60.0 + ((len(log) - 1) % OCAMBA_PER_MINUTE) // OCAMBA_PER_SECOND
    return dict(campaigns=count, to_change=changes, simulator_limits=limits, wall_s=round(wall, 3), cpu_s=round(run['cpu_s'], 3), requests=len(log),
                minimum_requests=minimum, throttled_429=sum(1 for entry in log if entry.get('status') == 429),
                sustained_per_min=round(rate, 1) if rate else None,
                share_of_limit=round(rate / OCAMBA_PER_MINUTE, 4) if rate else None,
                first_to_last_s=round(span, 2), per_wall_per_min=round(len(log) * 60.0 / wall, 1),
                ideal_first_to_last_s=round(ideal_s, 1), peak_in_any_1s=per_second_peak, peak_in_any_60s=per_minute_peak)


def figure_two_machines(ansible, admin, args):
    """Figure 6: two machines on one Ocamba account. Two ansible-playbook processes at once, each
    with its own TMPDIR (so its own limit files, as on two AWX execution nodes), each pausing its
    own half of the campaigns, simulator limits at the documented 10/s and 150/min."""
    count = args.two_machines_campaigns
    admin.reset()
    admin.seed({'campaigns': {'ocamba': []}})
    ids = admin.seed({'generate': {'ocamba': {'count': count, 'status': 'running'}}})['generated']['ocamba']
    fleets = [{'ocamba': [dict(campaign_id=cid, current='running', state='paused', writes=1) for cid in ids[half::2]]} for half in (0, 1)]
    print('  two machines: {0} campaigns on one Ocamba account; this takes about {1:.0f} min'.format(
        count, count / float(OCAMBA_PER_MINUTE)), file=sys.stderr)
    started = time.monotonic()
    with ThreadPoolExecutor(2) as pool:
        machines = list(pool.map(lambda index: run_machine(ansible, admin, index, fleets[index]), (0, 1)))
    wall = time.monotonic() - started
    states = dict((str(record['id']), record.get('status')) for record in admin.campaigns()['ocamba'])
    lost = sum(1 for cid in ids if canonical('ocamba', states.get(str(cid))) != 'paused')
    log = [entry for entry in admin.requests() if entry.get('provider') == 'ocamba']
    accepted = sorted(entry['started'] for entry in log if entry.get('status') != 429)
    rate = sustained_rate(accepted, OCAMBA_PER_MINUTE)
    applied = {}
    for entry in log:
        if entry['write'] and entry.get('status') == 204:
            applied[entry['campaign_id']] = applied.get(entry['campaign_id'], 0) + 1
    return dict(campaigns=count, wall_s=round(wall, 3), machines=machines, requests=len(log), accepted=len(accepted),
                throttled_429=len(log) - len(accepted), lost=lost, applied_twice=sum(1 for times in applied.values() if times > 1),
                sustained_per_min=round(rate, 1) if rate else None, share_of_limit=round(rate / OCAMBA_PER_MINUTE, 4) if rate else None,
                per_wall_per_min=round(len(accepted) * 60.0 / wall, 1))


def run_machine(ansible, admin, index, fleet):
    """One machine's run; a failed playbook is part of the measurement here (campaigns lost), not a broken run."""
    try:
        run = ansible.run('two-machines-{0}'.format(index + 1), bulk_tasks(fleet), uri_vars(admin.sim.url, fleet))
    except RunBroke as exc:
        return dict(failed=True, error=str(exc)[-500:])
    return dict(failed=False, wall_s=round(run['wall_s'], 3))


def figure_scaling(ansible, admin, args):
    rows = []
    for count in args.scale:
        admin.reset()
        changes = count // 2
        admin.seed({'campaigns': {args.scale_vendor: []}})
        running = admin.seed({'generate': {args.scale_vendor: generate_spec(args.scale_vendor, changes, 'running')}})
        paused = admin.seed({'generate': {args.scale_vendor: generate_spec(args.scale_vendor, count - changes, 'paused')}})
        items = interleave([
            [dict(campaign_id=str(cid), current='running', state='paused', writes=1) for cid in running['generated'][args.scale_vendor]],
            [dict(campaign_id=str(cid), current='paused', state='paused', writes=0) for cid in paused['generated'][args.scale_vendor]]])
        fleet = {args.scale_vendor: items}
        run = ansible.run('scale-{0}-{1}'.format(args.scale_vendor, count), bulk_tasks(fleet), uri_vars(admin.sim.url, fleet),
                          measure_rss=True)
        wall, rss = run['wall_s'], run['rss']
        check_converged(admin, fleet)
        per = summarize_log(admin.requests()).get(args.scale_vendor, {})
        module = [record for record in rss if 'campaign_state' in ' '.join(record['argv'])]
        peak = max(record['peak_rss_kib'] for record in module) if module else None
        module_s = sum(record['seconds'] for record in module) if module else None
        rows.append(dict(campaigns=count, wall_s=round(wall, 3), cpu_s=round(run['cpu_s'], 3), requests=per.get('total', 0),
                         minimum_requests=minimum_requests(fleet)[args.scale_vendor]['total'],
                         http_span_s=per.get('span_s'), module_process_s=round(module_s, 3) if module_s else None,
                         requests_per_s_http=round(per['total'] / per['span_s'], 1) if per.get('span_s') else None,
                         requests_per_s_wall=round(per.get('total', 0) / wall, 1),
                         peak_rss_mib=round(peak / 1024.0, 1) if peak else None))
        print('  scale {0}: {1:.1f} s'.format(count, wall), file=sys.stderr)
    return dict(vendor=args.scale_vendor, rows=rows)


# ----------------------------------------------------------------------------------------------
# report

def machine_info(ansible):
    cpu = ''
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as handle:
            for line in handle:
                if line.startswith('model name'):
                    cpu = line.split(':', 1)[1].strip()
                    break
    except OSError:
        pass
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else os.cpu_count()
    return dict(nproc=affinity, cpu_count=os.cpu_count(), cpu=cpu, python=platform.python_version(), python_executable=sys.executable,
                ansible_core=ansible.version(), platform=platform.platform(), loadavg_start=[round(value, 2) for value in os.getloadavg()])


def verdict(ok):
    return 'PASS' if ok else 'FAIL'


def seconds(value):
    return '{0:.2f} s'.format(value)


def timed(measured):
    return '{0} (CPU {1}; median of {2})'.format(seconds(measured['median_s']), seconds(measured['cpu_median_s']), len(measured['runs_s']))


def rows_for(results):
    """(figure, measurement, value, target, verdict) rows of the main table."""
    rows = []
    figures = results['figures']
    base = figures.get('baseline')
    if base:
        rows.append(('0', 'playbook overhead: a play with one debug task', timed(base), '', ''))
    single = figures.get('single')
    if single:
        rows.append(('1', 'one campaign ({0}): campaign_state task'.format(single['campaign']), timed(single['campaign_state']), '', ''))
        rows.append(('1', 'one campaign: uri read task + conditional uri write task', timed(single['uri']), '', ''))
    fleet = figures.get('fleet')
    if fleet:
        count = fleet['campaigns']
        bulk_title = '{0} campaigns, {1} vendors ({2} need a change): bulk form (campaigns:), one task'.format(
            count, len(fleet['per_vendor']), fleet['needs_change'])
        titles = [('bulk', bulk_title),
                  ('bulk_per_vendor', '{0} campaigns: bulk form, one task per vendor'.format(count)),
                  ('campaign_state_loop', '{0} campaigns: loop over campaign_state'.format(count)),
                  ('uri_loop', '{0} campaigns: loop over uri (read task + conditional write task)'.format(count))]
        for variant, title in titles:
            if variant in fleet:
                rows.append(('2', title, '{0} (CPU {1})'.format(seconds(fleet[variant]['wall_s']), seconds(fleet[variant]['cpu_s'])), '', ''))
        rows.append(('2', 'speed-up bulk vs uri loop, wall time (CPU time)', '{0:.1f}x ({1:.1f}x)'.format(
            fleet['speedup_bulk_vs_uri_loop'], fleet['cpu_ratio_bulk_vs_uri_loop']), '>= 20x', verdict(fleet['speedup_bulk_vs_uri_loop'] >= 20)))
        rows.append(('2', 'speed-up bulk vs campaign_state loop, wall time (CPU time)', '{0:.1f}x ({1:.1f}x)'.format(
            fleet['speedup_bulk_vs_campaign_state_loop'], fleet['cpu_ratio_bulk_vs_campaign_state_loop']), '', ''))
        if 'bulk_per_vendor' in fleet:
            rows.append(('2', 'speed-up bulk, one task per vendor, vs uri loop, wall time', '{0:.1f}x'.format(
                fleet['speedup_bulk_per_vendor_vs_uri_loop']), '', ''))
        minimum = fleet['minimum']['total']
        bulk = fleet['bulk']['requests']
        rows.append(('3', 'HTTP requests, bulk (reads + writes; 429s)', '{0} ({1} + {2}; {3}) vs minimum {4}'.format(
            bulk['total'], bulk['reads'], bulk['writes'], bulk['throttled'], minimum), '<= minimum', verdict(bulk['total'] <= minimum)))
        for variant, title in (('campaign_state_loop', 'loop over campaign_state'), ('uri_loop', 'loop over uri')):
            seen = fleet[variant]['requests']
            rows.append(('3', 'HTTP requests, {0}'.format(title), '{0} ({1} + {2}; {3})'.format(
                seen['total'], seen['reads'], seen['writes'], seen['throttled']), '', ''))
    ocamba = figures.get('ocamba')
    if ocamba:
        rows.append(('4', 'Ocamba {0} campaigns ({1} to pause), bulk: wall time'.format(ocamba['campaigns'], ocamba['to_change']),
                     seconds(ocamba['wall_s']), '', ''))
        rows.append(('4', 'Ocamba: requests sent / minimum', '{0} / {1}'.format(ocamba['requests'], ocamba['minimum_requests']), '', ''))
        if ocamba['sustained_per_min'] is not None:
            rows.append(('4', 'Ocamba: sustained rate vs documented 150/min', '{0:.1f}/min ({1:.1f} %)'.format(
                ocamba['sustained_per_min'], 100 * ocamba['share_of_limit']), '>= 90 %', verdict(ocamba['share_of_limit'] >= 0.9)))
        rows.append(('4', 'Ocamba: 429 answers seen', str(ocamba['throttled_429']), '0', verdict(ocamba['throttled_429'] == 0)))
    two = figures.get('two_machines')
    if two:
        rows.append(('6', 'two machines on one Ocamba account, {0} campaigns to pause ({1} each), at once: wall time'.format(
            two['campaigns'], two['campaigns'] // 2), seconds(two['wall_s']), '', ''))
        if two['sustained_per_min'] is not None:
            rows.append(('6', 'two machines: accepted requests per minute vs documented 150/min', '{0:.1f}/min ({1:.1f} %)'.format(
                two['sustained_per_min'], 100 * two['share_of_limit']), '', ''))
        rows.append(('6', 'two machines: requests sent (429 answers received)', '{0} ({1})'.format(two['requests'], two['throttled_429']), '', ''))
        rows.append(('6', 'two machines: campaigns lost (not paused) / applied twice', '{0} / {1}'.format(two['lost'], two['applied_twice']),
                     '0 / 0', verdict(two['lost'] == 0 and two['applied_twice'] == 0)))
    scaling = figures.get('scaling')
    if scaling:
        for row in scaling['rows']:
            rows.append(('5', '{0} bulk, {1} campaigns: wall / req/s (HTTP phase) / module peak RSS'.format(
                PROVIDERS[scaling['vendor']].title, row['campaigns']), '{0} / {1} / {2} MiB'.format(
                seconds(row['wall_s']), row['requests_per_s_http'], row['peak_rss_mib']), '', ''))
    for name, error in results.get('errors', {}).items():
        rows.append(('!', 'run broke: {0}'.format(name), error.splitlines()[0][:100], '', 'ERROR'))
    return rows


def header_lines(results):
    machine = results['machine']
    limits = results.get('ocamba_limits') or {}
    lines = ['campaignops.campaigns fleet benchmark, {0}'.format(results['date']),
             'machine: {0} CPUs ({1}), Python {2}, ansible-core {3}; load average at start / end: {4} / {5}'.format(
                 machine['nproc'], machine['cpu'] or 'cpu unknown', machine['python'], machine['ansible_core'],
                 ' '.join(str(value) for value in machine.get('loadavg_start', [])),
                 ' '.join(str(value) for value in machine.get('loadavg_end', []))),
             'simulator latency: {0:g} ms injected per vendor request, {1} ms measured per request ({2}); Ocamba limits {3}/s and {4}/min; '
             'total run time {5:.0f} s'.format(
                 results['latency_ms'], results.get('effective_latency_ms'),
                 "TCP_NODELAY set on the simulator's sockets",
                 limits.get('per_second'), limits.get('per_minute'), results['total_s'])]
    loads = [(machine.get('loadavg_start') or [0])[0], (machine.get('loadavg_end') or [0])[0]]
    if max(loads) > 0.75 * (machine.get('nproc') or 1):
        lines.append('WARNING: other processes kept the machine busy (1-minute load above 75 % of the CPUs): '
                     'wall times are inflated, CPU times less so')
    return lines


def plain_table(headers, rows):
    widths = [max(len(str(row[index])) for row in [headers] + rows) for index in range(len(headers))]
    line = '  '.join('-' * width for width in widths)
    out = ['  '.join(str(cell).ljust(width) for cell, width in zip(headers, widths)), line]
    out.extend('  '.join(str(cell).ljust(width) for cell, width in zip(row, widths)) for row in rows)
    return '\n'.join(line.rstrip() for line in out)


def markdown_table(headers, rows):
    out = ['| ' + ' | '.join(headers) + ' |', '|' + '|'.join('---' for _header in headers) + '|']
    out.extend('| ' + ' | '.join(str(cell).replace('|', '\\|') for cell in row) + ' |' for row in rows)
    return '\n'.join(out)


def detail_tables(results):
    """Secondary tables: per-vendor breakdown of figure 2/3 and the scaling series."""
    tables = []
    fleet = results['figures'].get('fleet')
    if fleet:
        headers = ('vendor', 'campaigns', 'bulk requests', 'minimum', 'bulk HTTP from - to', 'bulk HTTP span', 'campaign_state loop requests',
                   'uri loop requests')
        rows = []
        for vendor in VENDORS:
            bulk = fleet['bulk']['per_vendor'].get(vendor, {})
            rows.append((PROVIDERS[vendor].title, fleet['per_vendor'][vendor], bulk.get('total', 0), fleet['minimum']['per_vendor'][vendor]['total'],
                         '{0:.2f} - {1:.2f} s'.format(bulk.get('from_s', 0), bulk.get('to_s', 0)), seconds(bulk.get('span_s', 0)),
                         fleet['campaign_state_loop']['per_vendor'].get(vendor, {}).get('total', 0),
                         fleet['uri_loop']['per_vendor'].get(vendor, {}).get('total', 0)))
        tables.append(('Figures 2 and 3 per vendor (bulk run: when its first request was sent and its last answer came, '
                       'in seconds from the start of ansible-playbook, of {0:.2f} s)'.format(fleet['bulk']['wall_s']), headers, rows))
    scaling = results['figures'].get('scaling')
    if scaling:
        headers = ('campaigns', 'wall', 'CPU', 'module process', 'HTTP span', 'requests (minimum)', 'req/s HTTP phase', 'req/s wall',
                   'module peak RSS')
        rows = [(row['campaigns'], seconds(row['wall_s']), seconds(row['cpu_s']), seconds(row['module_process_s'] or 0),
                 seconds(row['http_span_s'] or 0),
                 '{0} ({1})'.format(row['requests'], row['minimum_requests']), row['requests_per_s_http'], row['requests_per_s_wall'],
                 '{0} MiB'.format(row['peak_rss_mib'])) for row in scaling['rows']]
        tables.append(('Figure 5: {0} bulk form, half of the campaigns paused by the run'.format(PROVIDERS[scaling['vendor']].title), headers, rows))
    ocamba = results['figures'].get('ocamba')
    if ocamba:
        headers = ('requests', 'first to last request', 'ideal (fixed windows)', 'sustained rate', 'requests per wall minute',
                   'peak in any 1 s', 'peak in any 60 s', '429s')
        rows = [(ocamba['requests'], seconds(ocamba['first_to_last_s']), seconds(ocamba['ideal_first_to_last_s']),
                 '{0}/min'.format(ocamba['sustained_per_min']), '{0}/min'.format(ocamba['per_wall_per_min']), ocamba['peak_in_any_1s'],
                 ocamba['peak_in_any_60s'], ocamba['throttled_429'])]
        tables.append(('Figure 4: Ocamba {0} campaigns, bulk form'.format(ocamba['campaigns']), headers, rows))
    return tables


def render(results, markdown):
    headers = ('#', 'measurement', 'value', 'target', 'result')
    rows = rows_for(results)
    table = markdown_table if markdown else plain_table
    lines = [('**' + line + '**' if index == 0 else line) + ('  ' if markdown else '') for index, line in enumerate(header_lines(results))]
    parts = ['\n'.join(lines), table(headers, rows)]
    for title, detail_headers, detail_rows in detail_tables(results):
        parts.append((('**' + title + '**') if markdown else title) + '\n\n' + table(detail_headers, detail_rows))
    return '\n\n'.join(parts) + '\n'


# ----------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description='Fleet benchmark of campaignops.campaigns against the vendor simulator.')
    parser.add_argument('--latency-ms', type=float, default=50.0, help='latency the simulator adds to every vendor request (default 50)')
    parser.add_argument('--quick', action='store_true',
                        help='a short run: 50 campaigns in figure 2, no Ocamba rate or two-machine run, scaling 50 and 200, one repetition')
    parser.add_argument('--figures', default='0,1,2,4,5,6', help='figures to run (3 comes with 2; default 0,1,2,4,5,6)')
    parser.add_argument('--repeat', type=int, default=None, help='repetitions of figures 0 and 1, median reported (default 3)')
    parser.add_argument('--campaigns', type=int, default=None, help='campaigns in figure 2, split over the vendors (default 200)')
    parser.add_argument('--ocamba-campaigns', type=int, default=None, help='campaigns in figure 4 (default 600; 0 skips it)')
    parser.add_argument('--ocamba-change-share', type=float, default=1.0,
                        help='share of the figure-4 campaigns that need a change (default 1: one list read of 6 pages plus 600 writes, '
                             'about 4 minutes)')
    parser.add_argument('--two-machines-campaigns', type=int, default=None,
                        help='campaigns in figure 6, split over two machines on one Ocamba account (default 300; 0 skips it)')
    parser.add_argument('--scale', default=None, help='campaign counts of figure 5 (default 50,200,1000)')
    parser.add_argument('--scale-vendor', default='voltmx', choices=UNLIMITED_VENDORS, help='vendor of figure 5 (no rate limit; default voltmx)')
    parser.add_argument('--no-per-vendor', action='store_true', help='skip the extra figure-2 run with one bulk task per vendor')
    parser.add_argument('--output-dir', default=os.path.join(BENCH_DIR, 'results'), help='where latest.md and latest.json go')
    parser.add_argument('--keep-temp', action='store_true', help='keep the temporary directory (playbook outputs) and print its path')
    args = parser.parse_args(argv)
    args.figures = set(part.strip() for part in args.figures.split(',') if part.strip())
    args.repeat = args.repeat or (1 if args.quick else 3)
    args.campaigns = args.campaigns or (50 if args.quick else 200)
    if args.ocamba_campaigns is None:
        args.ocamba_campaigns = 0 if args.quick else 600
    if args.two_machines_campaigns is None:
        args.two_machines_campaigns = 0 if args.quick else 300
    args.scale = [int(part) for part in (args.scale or ('50,200' if args.quick else '50,200,1000')).split(',') if part.strip()]
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.monotonic()
    if not os.path.exists(os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')):
        print('no ansible-playbook next to {0}: run this with the Python of the environment that has ansible-core, e.g. '
              '.venv/bin/python benchmarks/fleet.py'.format(sys.executable), file=sys.stderr)
        return 2
    workdir = tempfile.mkdtemp(prefix='campaignops-fleet-')
    saved = os.path.join(args.output_dir, 'playbooks')
    shutil.rmtree(saved, ignore_errors=True)
    results = dict(date=datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC'), latency_ms=args.latency_ms,
                   options=dict(figures=sorted(args.figures), repeat=args.repeat, campaigns=args.campaigns,
                                ocamba_campaigns=args.ocamba_campaigns, ocamba_change_share=args.ocamba_change_share,
                                two_machines_campaigns=args.two_machines_campaigns,
                                scale=args.scale, scale_vendor=args.scale_vendor, quick=args.quick),
                   figures={}, errors={})
    try:
        with Simulator(latency_ms=args.latency_ms) as sim:
            admin = Admin(sim)
            ansible = Ansible(workdir, sim, saved)
            results['machine'] = machine_info(ansible)
            results['effective_latency_ms'] = calibrate(sim, admin)
            results['simulator_latency'] = admin.latency()
            results['ocamba_limits'] = admin.settings()['ocamba_limits']
            steps = (('0', 'baseline', figure_baseline), ('1', 'single', figure_single), ('2', 'fleet', figure_fleet),
                     ('4', 'ocamba', figure_ocamba), ('5', 'scaling', figure_scaling), ('6', 'two_machines', figure_two_machines))
            for number, name, function in steps:
                if number not in args.figures and not (number == '2' and '3' in args.figures):
                    continue
                if (name == 'ocamba' and args.ocamba_campaigns <= 0) or (name == 'two_machines' and args.two_machines_campaigns <= 0):
                    continue
                print('figure {0} ({1}) ...'.format(number, name), file=sys.stderr)
                try:
                    results['figures'][name] = function(ansible, admin, args)
                except RunBroke as exc:
                    results['errors'][name] = str(exc)
                    print('figure {0} broke: {1}'.format(number, exc), file=sys.stderr)
    finally:
        if args.keep_temp:
            print('temporary directory kept: {0}'.format(workdir), file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    results['total_s'] = round(time.monotonic() - started, 1)
    if 'machine' in results:
        results['machine']['loadavg_end'] = [round(value, 2) for value in os.getloadavg()]
    plain = render(results, markdown=False)
    markdown = render(results, markdown=True)
    os.makedirs(args.output_dir, exist_ok=True)
    with open(os.path.join(args.output_dir, 'latest.md'), 'w', encoding='utf-8') as handle:
        handle.write(markdown)
    with open(os.path.join(args.output_dir, 'latest.json'), 'w', encoding='utf-8') as handle:
        json.dump(results, handle, indent=2, sort_keys=True)
        handle.write('\n')
    print(plain)
    print('Markdown (also in {0}):\n'.format(os.path.join(args.output_dir, 'latest.md')))
    print(markdown)
    return 1 if results['errors'] else 0


if __name__ == '__main__':
    sys.exit(main())
