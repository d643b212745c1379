# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Client-side limits: Ocamba's request-rate windows and Wolkvox's one-request-per-token rule,
kept across processes through files (here: one test directory and a fake clock); the account-wide
pause after a throttled answer and the adaptive share of the windows."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import math
import multiprocessing
import os
import threading
import time

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils import _limits
from ansible_collections.campaignops.campaigns.plugins.module_utils._limits import AccountLimiter, account_key
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS


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


def options(provider, **extra):
    return dict(VENDORS[provider].CLIENT_OPTIONS, **extra)


@pytest.mark.parametrize('provider', NAMES)
def test_which_providers_are_limited(monkeypatch, tmp_path, provider):
    monkeypatch.setattr('ansible_collections.campaignops.campaigns.plugins.module_utils._limits.limits_directory', lambda: str(tmp_path))
    made = PROVIDERS[provider].limiter(options(provider))
    expected = VENDORS[provider].LIMITER
    if expected is None:
        assert made is None
    else:
        in_flight, windows = expected
        assert made.max_in_flight == in_flight
        assert len(made.windows) == windows


def test_wolkvox_concurrency_option_raises_the_in_flight_limit(monkeypatch, tmp_path):
    monkeypatch.setattr('ansible_collections.campaignops.campaigns.plugins.module_utils._limits.limits_directory', lambda: str(tmp_path))
    assert PROVIDERS['wolkvox'].limiter(options('wolkvox', concurrency=2)).max_in_flight == 2


def test_different_tokens_are_different_accounts(monkeypatch, tmp_path):
    monkeypatch.setattr('ansible_collections.campaignops.campaigns.plugins.module_utils._limits.limits_directory', lambda: str(tmp_path))
    one = PROVIDERS['ocamba'].limiter(options('ocamba', token='a-token'))
    two = PROVIDERS['ocamba'].limiter(options('ocamba', token='b-token'))
    same = PROVIDERS['ocamba'].limiter(options('ocamba', token='a-token'))
    assert one.key != two.key
    assert one.key == same.key


# ----- the account-wide pause after a throttled answer --------------------------------------

def share_at(limiter, moment):
    with limiter._state() as state:
        return _limits.share(state, moment)


def test_a_throttled_answer_pauses_every_process_of_the_account(tmp_path, clock):
    first = limiter(tmp_path, clock, windows=((10, 1.0),))
    second = limiter(tmp_path, clock, windows=((10, 1.0),))
    send_times(first, clock, 1)
    first.throttled(5.0)
    assert send_times(second, clock, 1) == [1005.0]
    assert clock.sleeps == [5.0]


def test_the_pause_holds_accounts_without_windows_and_spares_other_accounts(tmp_path, clock):
    # Wolkvox has no rate window, only its in-flight limit: a 403 "simultaneous requests" pauses it too.
    wolkvox = limiter(tmp_path, clock, max_in_flight=1)
    send_times(wolkvox, clock, 1)
    wolkvox.throttled(0.5)
    send_times(limiter(tmp_path, clock, key='other'), clock, 1)
    assert clock.sleeps == []
    send_times(limiter(tmp_path, clock, max_in_flight=1), clock, 1)
    assert clock.sleeps == [0.5]


def test_a_later_shorter_pause_does_not_shorten_the_pause(tmp_path, clock):
    first = limiter(tmp_path, clock)
    first.throttled(30.0)
    first.throttled(1.0)
    send_times(first, clock, 1)
    assert clock.sleeps == [30.0]


def acquire_in_child(directory, results):
    AccountLimiter('account', directory=directory).acquire()
    results.put(time.monotonic())


def throttle_in_child(directory, pause, results):
    AccountLimiter('account', directory=directory).throttled(pause)
    results.put(time.monotonic())


def test_the_pause_holds_other_processes(tmp_path):
    context = multiprocessing.get_context('fork')
    results = context.Queue()
    AccountLimiter('account', directory=str(tmp_path)).throttled(0.6)
    paused_at = time.monotonic()
    children = [context.Process(target=acquire_in_child, args=(str(tmp_path), results)) for _child in range(2)]
    for child in children:
        child.start()
    sent = [results.get(timeout=20) for _child in children]
    for child in children:
        child.join(20)
    # time.monotonic() is one clock for every process of a machine.
    assert all(moment >= paused_at + 0.55 for moment in sent)


def test_a_pause_from_another_process_holds_every_thread(tmp_path):
    context = multiprocessing.get_context('fork')
    results = context.Queue()
    child = context.Process(target=throttle_in_child, args=(str(tmp_path), 0.6, results))
    child.start()
    paused_at = results.get(timeout=20)
    child.join(20)
    shared = AccountLimiter('account', directory=str(tmp_path))
    sent = []

    def request():
        shared.acquire()
        sent.append(time.monotonic())
        shared.release()
    threads = [threading.Thread(target=request) for _thread in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(sent) == 3
    assert all(moment >= paused_at + 0.55 for moment in sent)


def test_stale_or_foreign_state_is_ignored(tmp_path, clock):
    # A file of wall-clock send times (as earlier versions kept), and a pause from before a reboot.
    path = os.path.join(str(tmp_path), 'account.rate')
    with open(path, 'w') as handle:
        json.dump([time.time()] * 20, handle)
    send_times(limiter(tmp_path, clock, windows=((10, 1.0),)), clock, 1)
    with open(path, 'w') as handle:
        json.dump({'sent': [], 'pause_until': clock() + 10 ** 6, 'peak': 1.0, 'cut': clock() + 10 ** 6, 'since': clock()}, handle)
    send_times(limiter(tmp_path, clock, windows=((10, 1.0),)), clock, 10)
    clock.now += 2.0
    with open(path, 'w') as handle:
        handle.write('{"sent": [NaN, "x", true], "pause_until": NaN, "peak": -8, "cut": 0, "since": 0}')
    send_times(limiter(tmp_path, clock, windows=((10, 1.0),)), clock, 10)
    assert clock.sleeps == []


# ----- the adaptive share of the windows -----------------------------------------------------

def test_throttling_cuts_the_share_of_the_windows(tmp_path, clock):
    paced = limiter(tmp_path, clock, windows=((10, 1.0),))
    send_times(paced, clock, 10)
    clock.now += 0.1
    paced.throttled(1.0)
    times = send_times(paced, clock, 21)
    assert times[0] == pytest.approx(1001.1)
    # 7 sends per window (0.7 of 10) instead of 10, no burst above that.
    assert all(times[index + 7] - times[index] >= 1.0 for index in range(len(times) - 7))
    assert times[7] - times[0] < 1.1


def test_one_burst_of_refusals_cuts_the_share_once(tmp_path, clock):
    first = limiter(tmp_path, clock, windows=((10, 1.0),))
    second = limiter(tmp_path, clock, windows=((10, 1.0),))
    send_times(first, clock, 5)
    send_times(second, clock, 5)
    clock.now += 0.1
    first.throttled(0.0)
    # Sent before the cut: refused because of the old pace, so no second cut.
    second.throttled(0.0)
    assert share_at(first, clock()) == pytest.approx(0.7, abs=0.01)
    # Sent after the cut and refused all the same: the new pace is still too fast.
    clock.now += 0.1
    send_times(second, clock, 5)
    clock.now += 0.1
    before = share_at(first, clock())
    second.throttled(0.0)
    assert share_at(first, clock()) == pytest.approx(0.7 * before, abs=0.01)
    assert before > 0.7 * before > 0.45


def test_a_machine_that_hardly_uses_its_share_is_paused_but_not_slowed(tmp_path, clock):
    # Another machine takes the account; this one retries its one request once a second.
    waiting = limiter(tmp_path, clock, windows=((10, 1.0), (150, 60.0)))
    for _refusal in range(10):
        send_times(waiting, clock, 1)
        clock.now += 0.05
        waiting.throttled(1.0)
    assert share_at(waiting, clock()) == 1.0
    # Each refusal still paused it until the vendor's Retry-After.
    assert clock.sleeps == [pytest.approx(1.0)] * 9


def test_the_share_grows_back_gradually(tmp_path, clock):
    paced = limiter(tmp_path, clock, windows=((10, 1.0),))
    for _cut in range(2):
        send_times(paced, clock, 7)
        clock.now += 0.1
        paced.throttled(2.0)
    resumed = clock() + 2.0
    assert share_at(paced, resumed - 1.0) == pytest.approx(0.49, abs=0.005)
    curve = [share_at(paced, resumed + seconds) for seconds in range(0, 121, 5)]
    assert curve == sorted(curve)
    assert curve[0] == pytest.approx(0.49, abs=0.005)
    # Back where it was cut (0.7) within RECOVERY seconds, flat there for a while, then above.
    back = [seconds for seconds, value in zip(range(0, 121, 5), curve) if value >= 0.695]
    assert 20 <= back[0] <= _limits.RECOVERY
    assert share_at(paced, resumed + _limits.RECOVERY + 5) < 0.72
    assert curve[-1] == 1.0


def test_the_share_never_drops_below_its_floor_and_recovers_from_it(tmp_path, clock):
    paced = limiter(tmp_path, clock, windows=((10, 1.0),))
    for _cut in range(20):
        send_times(paced, clock, max(1, int(10 * share_at(paced, clock()))))
        clock.now += 0.01
        paced.throttled(0.0)
    cut_at = clock()
    assert share_at(paced, cut_at) == pytest.approx(_limits.MIN_SHARE, abs=0.001)
    # 10 per second at 5 %: one send every 2 s (stretched like every window).
    times = send_times(paced, clock, 3)
    assert times[2] - times[1] == pytest.approx(1.07 / 0.5, abs=0.05)
    # A machine that a busier one pushed to the floor is back to a full share within a minute.
    assert share_at(paced, cut_at + 2 * _limits.RECOVERY) == 1.0


class MachineClock:
    """One machine's own fake monotonic clock."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


class FixedWindowVendor:
    """Ocamba as the simulator plays it: fixed 1 s and 60 s windows, refused requests not counted,
    Retry-After in whole seconds to the end of the exhausted window."""

    def __init__(self, per_second, per_minute):
        self.limits = ((per_second, 1.0), (per_minute, 60.0))
        self.windows = [(None, 0), (None, 0)]
        self.accepted = []
        self.refused = 0

    def call(self, now):
        self.windows = [(now, 0) if start is None or now >= start + length else (start, count)
                        for (start, count), (_limit, length) in zip(self.windows, self.limits)]
        waits = [math.ceil(start + length - now) for (start, count), (limit, length) in zip(self.windows, self.limits) if count >= limit]
        if waits:
            self.refused += 1
            return max(waits + [1])
        self.windows = [(start, count + 1) for start, count in self.windows]
        self.accepted.append(now)
        return 0


def test_machines_sharing_an_account_settle_under_its_limits(tmp_path):
    """Three machines (their own limit files and clocks), each with 200 requests for one Ocamba
    account, simulated event by event: the machine whose clock is earliest acts next."""
    vendor = FixedWindowVendor(10, 150)
    machines = []
    for index in range(3):
        own = MachineClock(1000.0 + index * 0.013)
        directory = tmp_path / 'machine{0}'.format(index)
        directory.mkdir()
        machines.append(dict(clock=own, left=200, limiter=AccountLimiter(
            'account', windows=PROVIDERS['ocamba'].rate_limits, directory=str(directory), clock=own, sleep=own.sleep)))
    while any(machine['left'] for machine in machines):
        machine = min((machine for machine in machines if machine['left']), key=lambda machine: machine['clock']())
        # What acquire() and the HTTP layer do, one step at a time: wait, send, or wait as told.
        delay = machine['limiter']._record_send_or_delay()
        if delay > 0:
            machine['clock'].now += delay
            continue
        retry_after = vendor.call(machine['clock']())
        if retry_after:
            machine['limiter'].throttled(retry_after)
            machine['clock'].now += retry_after
        else:
            machine['left'] -= 1
            machine['clock'].now += 0.05
    # Every request got through, with few refusals, at most of the vendor's rate (over whole quotas).
    assert len(vendor.accepted) == 600
    assert vendor.refused <= 40
    assert 450 * 60.0 / (vendor.accepted[450] - vendor.accepted[0]) >= 0.85 * 150
