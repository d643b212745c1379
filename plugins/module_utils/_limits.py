# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Client-side limits per vendor account, shared by every module process on this machine.

Ansible forks and parallel tasks run separate processes, so an in-process counter would let
five forks send five times the vendor's limit. The limits therefore live in lock files under a
private directory: ``flock`` on one file per in-flight slot (a dead process releases its slot),
and a small state file per account for request-rate windows. Files are named by a hash of the
account, never by a credential.

When the vendor throttles a request anyway (other machines share the account, or the vendor
counts differently), the state file also makes the whole account back off on this machine: every
request of every process waits out the vendor's ``Retry-After`` (``pause_until``), and this
machine's share of the documented windows shrinks, then grows back (see ``share()``). The state
holds ``time.monotonic()`` values, which every process of one machine shares."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import contextlib
import fcntl
import hashlib
import json
import os
import stat
import tempfile
import threading
import time

# Margins so that a client that keeps exactly to a sliding window can never exceed the vendor's
# fixed windows, whatever the network jitter between our send and the vendor's count.
WINDOW_STRETCH = 1.02
WINDOW_SLACK = 0.05
SLOT_POLL = 0.02
# Adaptive pace, after the AWS SDKs' "adaptive" retry mode (botocore retries/adaptive.py and
# throttling.py): a throttled answer cuts the rate by BETA and the rate grows back along a cubic
# curve. botocore must measure the rate it cuts because AWS publishes no limits; the vendors here
# document theirs, so what shrinks is this machine's share of the documented windows. The curve
# climbs back to the share that was cut, flattens there and only then probes above it, so machines
# sharing an account settle near their fair share instead of throttling each other every few
# seconds. RECOVERY: how long the climb takes from a full share (less from a smaller one, which
# also grows back to a full share within about a minute): half of Ocamba's one-minute window.
BETA = 0.7
MIN_SHARE = 0.05
RECOVERY = 30.0
# CUBIC's scale, in share per second cubed, that makes the climb from a full share take RECOVERY.
CUBIC_SCALE = (1.0 - BETA) / RECOVERY ** 3
# A machine that used less than this part of its share in every window when refused is not the
# one crowding the account (it is waiting for others, e.g. retrying one request once a second).
MIN_USE_TO_CUT = 0.5
# The longest account-wide pause one throttled answer can impose; anything later in the state file
# is not a pause but a stale value (a clock from before a reboot).
MAX_PAUSE = 120.0


def account_key(*parts):
    """A stable name for one vendor account that reveals nothing about its credentials."""
    digest = hashlib.sha256('\0'.join(str(part) for part in parts).encode('utf-8')).hexdigest()
    return digest[:24]


def limits_directory():
    """A directory only this user can write, reused by every process of this user."""
    path = os.path.join(tempfile.gettempdir(), 'campaignops-limits-{0}'.format(os.getuid()))
    try:
        os.mkdir(path, 0o700)
    except OSError:
        pass
    info = os.lstat(path)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        # Someone else owns or can write the shared path: keep limits private to this process.
        return tempfile.mkdtemp(prefix='campaignops-limits-')
    return path


class AccountLimiter:
    """``acquire()`` before each request and ``release()`` after it; ``throttled(pause)`` when
    the vendor refused the request for load.

    ``max_in_flight``: at most that many requests of this account at once, machine-wide.
    ``windows``: ``(count, seconds)`` pairs; at most ``count`` sends in any ``seconds`` (times the
    machine's current ``share()``)."""

    def __init__(self, key, max_in_flight=None, windows=(), directory=None, clock=time.monotonic, sleep=time.sleep):
        self.directory = directory or limits_directory()
        self.key = key
        self.max_in_flight = max_in_flight
        self.windows = tuple((count, seconds * WINDOW_STRETCH + WINDOW_SLACK) for count, seconds in windows)
        self.clock = clock
        self.sleep = sleep
        self._held = threading.local()

    def acquire(self):
        if self.max_in_flight:
            self._held.fd = self._take_slot()
        # Every account goes through the state file: a pause applies even where no window does.
        self._wait_for_rate()

    def release(self):
        fd = getattr(self._held, 'fd', None)
        if fd is not None:
            self._held.fd = None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _path(self, suffix):
        return os.path.join(self.directory, '{0}.{1}'.format(self.key, suffix))

    def _take_slot(self):
        """Hold one of ``max_in_flight`` slot files, waiting until one is free."""
        while True:
            for slot in range(self.max_in_flight):
                fd = os.open(self._path('slot{0}'.format(slot)), os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except (IOError, OSError):
                    os.close(fd)
                    continue
                return fd
            self.sleep(SLOT_POLL)

    def _wait_for_rate(self):
        while True:
            delay = self._record_send_or_delay()
            if delay <= 0:
                return
            self.sleep(delay)

    def _record_send_or_delay(self):
        """Under the account's lock: record a send now if the account is not paused and every
        window allows it (return 0), else return how long to wait before asking again."""
        with self._state() as state:
            now = self.clock()
            windows = self._windows(state, now)
            longest = max([seconds for _count, seconds in windows] + [0])
            state['sent'] = [moment for moment in state['sent'] if now - moment < longest]
            delay = max([state['pause_until'] - now] + [_window_delay(state['sent'], now, count, seconds) for count, seconds in windows])
            if delay <= 0:
                state['sent'].append(now)
                self._held.sent_at = now
            return delay

    def throttled(self, pause):
        """The vendor refused a request for load: pause every request of the account on this
        machine for ``pause`` seconds, and cut this machine's share of the windows if that slows
        it down. Answers to requests sent before the last cut were caused by the old pace, so they
        cut nothing more (else one burst of refusals would cut the share once per request in
        flight); and a machine that hardly uses its share (others take the account) is not the one
        to slow down: a cut would only make it crawl once the others are done."""
        sent_at = getattr(self._held, 'sent_at', None)
        with self._state() as state:
            now = self.clock()
            state['pause_until'] = max(state['pause_until'], now + min(max(pause, 0.0), MAX_PAUSE))
            new_pace = state.get('cut') is None or sent_at is None or sent_at > state['cut']
            if new_pace and self._used(state, now) >= MIN_USE_TO_CUT:
                state.update(peak=share(state, now), cut=now, since=state['pause_until'])

    def _used(self, state, now):
        """The part of its current share this machine used, in its fullest window."""
        return max([sum(1 for moment in state['sent'] if now - moment < seconds) / float(count)
                    for count, seconds in self._windows(state, now)] + [0.0])

    def _windows(self, state, now):
        """The account's windows at this machine's current share."""
        part = share(state, now)
        return [_scaled(count, seconds, part) for count, seconds in self.windows]

    @contextlib.contextmanager
    def _state(self):
        """The account's state file, locked, read and written back after the block."""
        fd = os.open(self._path('rate'), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            state = _read_state(fd, self.clock())
            yield state
            _write_state(fd, state)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def share(state, now):
    """This machine's share of the documented windows: 1 until the vendor throttles; then BETA
    times the share at that moment (``peak``), held through the pause, then CUBIC's curve
    ``peak + CUBIC_SCALE * (t - K) ** 3``, which is back at ``peak`` after K seconds."""
    peak = state.get('peak')
    if peak is None:
        return 1.0
    back_at_peak = (peak * (1.0 - BETA) / CUBIC_SCALE) ** (1.0 / 3.0)
    elapsed = max(0.0, now - state['since'])
    return max(MIN_SHARE, min(1.0, peak + CUBIC_SCALE * (elapsed - back_at_peak) ** 3))


def _scaled(count, seconds, part):
    """A window of ``count`` sends per ``seconds`` reduced to ``part`` of its rate: fewer sends
    per window while at least one remains, else one send per longer window."""
    allowed = count * part
    if allowed >= 1:
        return int(allowed), seconds
    return 1, seconds / allowed


def _window_delay(sent, now, count, seconds):
    recent = [moment for moment in sent if now - moment < seconds]
    if len(recent) < count:
        return 0
    return recent[-count] + seconds - now


def _read_state(fd, now):
    """The account's state; anything unreadable or later than a pause could reach (a file from
    before a reboot, or from a version that kept wall-clock times) counts as no state."""
    os.lseek(fd, 0, os.SEEK_SET)
    data = b''
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    try:
        state = json.loads(data.decode('utf-8')) if data else {}
    except ValueError:
        state = {}
    state = state if isinstance(state, dict) else {}
    sent = state.get('sent') if isinstance(state.get('sent'), list) else []
    fresh = dict(sent=sorted(float(moment) for moment in sent if _is_number(moment) and moment <= now), pause_until=0.0)
    if _is_number(state.get('pause_until')) and state['pause_until'] <= now + MAX_PAUSE:
        fresh['pause_until'] = float(state['pause_until'])
    if (all(_is_number(state.get(name)) for name in ('peak', 'cut', 'since')) and 0.0 < state['peak'] <= 1.0 and state['cut'] <= now
            and state['since'] <= now + MAX_PAUSE):
        fresh.update(peak=float(state['peak']), cut=float(state['cut']), since=float(state['since']))
    return fresh


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _write_state(fd, state):
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(state).encode('utf-8'))
