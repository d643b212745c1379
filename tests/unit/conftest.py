# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Shared fixtures of the unit tests.

- No test sleeps: every retry and wait delay is recorded instead (``sleeps``).
- No test talks to the network: ``rsps`` is a strict ``responses`` mock; a request nobody
  registered is recorded and answered with a connection error, so a stray write is both
  visible in ``sent()`` and fails the test.
- No test sees the developer's own vendor credentials: every provider's environment variables
  are removed first.
"""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import base64
import contextlib
import functools
import json
import os
import tempfile

import pytest
import responses

from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir

from ansible.module_utils import basic
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.common.text.converters import to_bytes

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 has no helper: hand the arguments over the way it reads them
    @contextlib.contextmanager
    def patch_module_args(args):
        args = dict(args, _ansible_remote_tmp=tempfile.gettempdir(), _ansible_keep_remote_files=False)
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

from ansible_collections.campaignops.campaigns.plugins.module_utils import _limits, _runner
from ansible_collections.campaignops.campaigns.plugins.module_utils._http import HttpClient, RetryPolicy
from ansible_collections.campaignops.campaigns.plugins.module_utils._limits import AccountLimiter
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS

# Keep Hypothesis' caches out of the collection tree (ansible-test copies and checks that tree).
set_hypothesis_home_dir(os.path.join(tempfile.gettempdir(), 'campaignops-campaigns-hypothesis'))
settings.register_profile('unit', deadline=None, database=None, max_examples=200,
                          suppress_health_check=[HealthCheck.function_scoped_fixture])
settings.load_profile('unit')

ENV_PREFIXES = tuple(provider_cls.env_prefix + '_' for provider_cls in PROVIDERS.values())


@pytest.fixture(autouse=True)
def clean_vendor_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(ENV_PREFIXES):
            monkeypatch.delenv(name)


@pytest.fixture
def sleeps():
    """Every delay the code under test asked to sleep, in order."""
    return []


@pytest.fixture
def http_for(sleeps):
    """``http_for(provider_cls)``: the collection's real HTTP layer as the runner wires it for that
    provider (its throttling rule), with retry sleeps recorded instead of slept and no limiter."""
    clients = []

    def make(provider_cls=None):
        throttled = provider_cls.is_throttled if provider_cls is not None else None
        client = HttpClient(timeout=7.0, retry=RetryPolicy(sleep=sleeps.append), throttled=throttled)
        clients.append(client)
        return client
    yield make
    for client in clients:
        client.close()


@pytest.fixture
def http(http_for):
    """The HTTP layer with its default throttling rule (429)."""
    return http_for()


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


@pytest.fixture
def sent(rsps):
    """``sent()``: the requests that reached the (mocked) network, as ``(method, url)``."""
    def calls():
        return [(call.request.method, call.request.url) for call in rsps.calls]
    return calls


@pytest.fixture
def basic_auth():
    def header(user, password):
        return 'Basic ' + base64.b64encode('{0}:{1}'.format(user, password).encode('utf-8')).decode('ascii')
    return header


def request_json(call):
    body = call.request.body
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode('utf-8')
    return json.loads(body)


@pytest.fixture
def body_of():
    """``body_of(call)``: the JSON body a request carried, ``None`` when it had none."""
    return request_json


# ----- running a module's main() -----------------------------------------------------------

class ModuleExit(Exception):
    """Raised instead of exit_json / fail_json. ``result`` is what Ansible would print: the
    keyword arguments after the module's no_log values have been masked."""

    def __init__(self, result):
        super(ModuleExit, self).__init__(result)
        self.result = result


def _exit_json(self, **kwargs):
    kwargs.setdefault('changed', False)
    raise ModuleExit(remove_values(_with_warnings(self, kwargs), self.no_log_values))


def _fail_json(self, msg, exception=None, **kwargs):
    kwargs.update(failed=True, msg=str(msg))
    raise ModuleExit(remove_values(_with_warnings(self, kwargs), self.no_log_values))


def _warn(self, warning, **_kwargs):
    # Ansible keeps warnings process-wide and prints them with the result; tests share a process.
    self.__dict__.setdefault('_test_warnings', []).append(warning)


def _with_warnings(module, result):
    warnings = module.__dict__.get('_test_warnings')
    return dict(result, warnings=list(warnings)) if warnings else result


class Clock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self, sleeps):
        self.now = 1000.0
        self.sleeps = sleeps

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(sleeps):
    return Clock(sleeps)


@pytest.fixture
def limiter_sleeps():
    """Every delay a client-side rate limiter asked to sleep, in order."""
    return []


@pytest.fixture
def run_module(monkeypatch, tmp_path, clock, limiter_sleeps):
    """``run_module(main, args, check_mode=False, diff=False)`` -> the result dict.

    The module really runs (argument spec, runner, converger, providers, HTTP layer, limiters); only
    exiting is intercepted, and time is the fake ``clock``: retry and wait delays land in
    ``sleeps``, rate-limiter delays in ``limiter_sleeps``, and the limiters keep their files in
    this test's own directory."""
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', _exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', _fail_json)
    monkeypatch.setattr(basic.AnsibleModule, 'warn', _warn)

    def limiter_sleep(seconds):
        limiter_sleeps.append(seconds)
        clock.now += seconds

    real_http_client = _runner.HttpClient

    def http_client(*args, **kwargs):
        client = real_http_client(*args, **kwargs)
        client.retry.sleep = clock.sleep
        if isinstance(client.limiter, AccountLimiter):
            client.limiter.directory = str(tmp_path)
            client.limiter.clock = clock
            client.limiter.sleep = limiter_sleep
        return client

    monkeypatch.setattr(_runner, 'HttpClient', http_client)
    monkeypatch.setattr(_limits, 'limits_directory', lambda: str(tmp_path))
    monkeypatch.setattr(_runner, 'Converger', functools.partial(_runner.Converger, sleep=clock.sleep, clock=clock))

    def run(main, args, check_mode=False, diff=False):
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        with patch_module_args(args):
            with pytest.raises(ModuleExit) as caught:
                main()
        return caught.value.result
    return run


@pytest.fixture
def assert_no_secret():
    """``assert_no_secret(result, *secrets)``: no secret appears anywhere in the JSON of a result."""
    def check(result, *secrets):
        text = json.dumps(result, default=str)
        for secret in secrets:
            assert secret not in text
    return check
