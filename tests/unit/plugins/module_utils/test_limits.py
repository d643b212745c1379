# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client-side limits: Ocamba's request-rate windows and Wolkvox's one-request-per-token rule,
kept across processes through files (here: one test directory and a fake clock)."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os
import threading

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils._limits import AccountLimiter, account_key
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers import PROVIDERS


def send_times(limiter, clock, count):
    times = []
    for _send in range(count):
        limiter.acquire()
        times.append(clock())
        limiter.release()
    return times


def limiter(tmp_path, clock, key='account', **kwargs):
    return AccountLimiter(key, directory=str(tmp_path), clock=clock, sleep=clock.sleep, **kwargs)


def test_ocamba_windows_are_never_exceeded(tmp_path, clock):
    times = send_times(limiter(tmp_path, clock, windows=PROVIDERS['ocamba'].rate_limits), clock, 320)
    # Burst: at most 10 sends in any 1 s. Steady: at most 150 in any 60 s.
    assert all(times[i + 10] - times[i] >= 1.0 for i in range(len(times) - 10))
    assert all(times[i + 150] - times[i] >= 60.0 for i in range(len(times) - 150))
    # ... and the limiter does not crawl: 320 sends fit in about two minutes.
    assert times[-1] - times[0] < 2 * 60 * 1.1


def test_sends_under_the_limit_do_not_wait(tmp_path, clock):
    send_times(limiter(tmp_path, clock, windows=((10, 1.0),)), clock, 10)
    assert clock.sleeps == []


def test_the_budget_is_shared_by_every_process_of_the_account(tmp_path, clock):
    first = limiter(tmp_path, clock, windows=((10, 1.0),))
    second = limiter(tmp_path, clock, windows=((10, 1.0),))
    send_times(first, clock, 10)
    send_times(second, clock, 1)
    assert len(clock.sleeps) >= 1 and sum(clock.sleeps) >= 1.0


def test_other_accounts_have_their_own_budget(tmp_path, clock):
    send_times(limiter(tmp_path, clock, key='one', windows=((10, 1.0),)), clock, 10)
    send_times(limiter(tmp_path, clock, key='two', windows=((10, 1.0),)), clock, 10)
    assert clock.sleeps == []


def test_one_in_flight_waits_for_the_release(tmp_path):
    slots = AccountLimiter('wolkvox-account', max_in_flight=1, directory=str(tmp_path))
    other = AccountLimiter('wolkvox-account', max_in_flight=1, directory=str(tmp_path))
    acquired = threading.Event()

    def second_request():
        other.acquire()
        acquired.set()
        other.release()

    slots.acquire()
    thread = threading.Thread(target=second_request)
    thread.start()
    try:
        assert not acquired.wait(0.15)
    finally:
        slots.release()
    assert acquired.wait(2)
    thread.join(2)


def test_account_files_do_not_reveal_credentials(tmp_path, clock):
    key = account_key('ocamba', 'https://api.ocamba.com', 'oc-s3cret-token')
    assert 'oc-s3cret-token' not in key
    send_times(limiter(tmp_path, clock, key=key, windows=((10, 1.0),), max_in_flight=1), clock, 2)
    for name in os.listdir(str(tmp_path)):
        assert 'oc-s3cret' not in name
        with open(os.path.join(str(tmp_path), name), 'rb') as handle:
            assert b'oc-s3cret' not in handle.read()


OPTIONS = {
    'voltmx': dict(api_url='https://voltmx.example.com', token='vm'),
    'isales': dict(api_url='https://isales.example.com', access_key='AK', secret_key='SK'),
    'ocamba': dict(api_url=None, token='oc'),
    'wolkvox': dict(api_url=None, server='0032', token='wv'),
    '8x8': dict(api_url=None, platform='na12', username='tenant', data_token='d'),
}


@pytest.mark.parametrize('provider, in_flight, windows', [
    ('voltmx', None, None), ('isales', None, None), ('8x8', None, None),
    ('ocamba', None, 2), ('wolkvox', 1, 0),
])
def test_which_providers_are_limited(monkeypatch, tmp_path, provider, in_flight, windows):
    monkeypatch.setattr('ansible_collections.campaignops.campaigns.plugins.module_utils._limits.limits_directory', lambda: str(tmp_path))
    made = PROVIDERS[provider].limiter(dict(OPTIONS[provider]))
    if windows is None:
        assert made is None
    else:
        assert made.max_in_flight == in_flight
        assert len(made.windows) == windows


def test_wolkvox_concurrency_option_raises_the_in_flight_limit(monkeypatch, tmp_path):
    monkeypatch.setattr('ansible_collections.campaignops.campaigns.plugins.module_utils._limits.limits_directory', lambda: str(tmp_path))
    assert PROVIDERS['wolkvox'].limiter(dict(OPTIONS['wolkvox'], concurrency=2)).max_in_flight == 2


def test_different_tokens_are_different_accounts(monkeypatch, tmp_path):
    monkeypatch.setattr('ansible_collections.campaignops.campaigns.plugins.module_utils._limits.limits_directory', lambda: str(tmp_path))
    one = PROVIDERS['ocamba'].limiter(dict(OPTIONS['ocamba'], token='a-token'))
    two = PROVIDERS['ocamba'].limiter(dict(OPTIONS['ocamba'], token='b-token'))
    same = PROVIDERS['ocamba'].limiter(dict(OPTIONS['ocamba'], token='a-token'))
    assert one.key != two.key
    assert one.key == same.key
