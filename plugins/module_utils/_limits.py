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

import atexit
import contextlib
import fcntl
import hashlib
import json
import math
import os
import re
import shutil
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
# A state file holds a few hundred bytes; a larger one is not ours and counts as no state.
MAX_STATE_BYTES = 1024 * 1024


def account_key(*parts):
    """A stable name for one vendor account that reveals nothing about its credentials."""
    digest = hashlib.sha256('\0'.join(str(part) for part in parts).encode('utf-8')).hexdigest()
    return digest[:24]


# Where the limits live, first usable wins: the user's runtime directory (systemd's tmpfs, private
# to the user, gone at logout), the user's cache directory, then the shared temporary directory.
LIMITS_NAME = 'campaignops-limits'

# The limits directory of this process when no shared one is usable: created once, shared by every
# limiter of the process, removed when the run ends.
_PROCESS = dict(directory=None, warning=None, lock=threading.Lock())


def limits_directory():
    """A directory only this user can write, reused by every process of this user on this
    machine; else one private to this process (see ``limits_fallback_warning()``)."""
    if _PROCESS['directory'] is not None:
        return _PROCESS['directory']
    refusals = []
    for base, names in _candidate_directories():
        path, refusal = _private_directory(base, names)
        if path:
            return path
        refusals.append(refusal)
    return _process_directory(refusals)


def limits_fallback_warning():
    """Why the limits of this process are not shared with the other processes of this user, or
    None while they are (or no limiter was made)."""
    return _PROCESS['warning']


def remove_process_directory():
    """Remove the directory ``limits_directory()`` made for this process alone, if it made one.
    Call it once the run is over; it also runs when the process exits."""
    with _PROCESS['lock']:
        path, _PROCESS['directory'] = _PROCESS['directory'], None
    if path:
        shutil.rmtree(path, ignore_errors=True)


def _candidate_directories():
    """``(base, names)`` pairs, best first: the directory ``base/names...``, where ``base`` must
    exist and each of ``names`` is made if missing."""
    candidates = []
    runtime = os.environ.get('XDG_RUNTIME_DIR')
    if runtime and os.path.isabs(runtime) and _is_private(runtime, strict=True):
        candidates.append((runtime, (LIMITS_NAME,)))
    # The state holds this machine's monotonic clock: a home shared over NFS needs one directory
    # per machine.
    per_machine = 'limits-{0}'.format(_host_name())
    cache = os.environ.get('XDG_CACHE_HOME')
    home = os.path.expanduser('~')
    if cache and os.path.isabs(cache):
        candidates.append((cache, ('campaignops', per_machine)))
    elif os.path.isabs(home):
        candidates.append((home, ('.cache', 'campaignops', per_machine)))
    candidates.append((tempfile.gettempdir(), ('{0}-{1}'.format(LIMITS_NAME, os.getuid()),)))
    return candidates


def _host_name():
    return re.sub(r'[^A-Za-z0-9.-]', '_', os.uname()[1]) or 'localhost'


def _private_directory(base, names):
    """``(path, None)`` when ``base/names...`` is, or could be made, a directory of this user that
    no one else can write, below directories no one else can write; else ``(None, why not)``."""
    path = base
    for name in names:
        path = os.path.join(path, name)
        try:
            os.mkdir(path, 0o700)
        except OSError as exc:
            # EEXIST: made earlier, or by another process just now; checked below either way.
            if not os.path.lexists(path):
                return None, 'cannot create {0}: {1}'.format(path, exc.strerror or exc)
        refusal = _refusal(path)
        if refusal:
            return None, refusal
    return path, None


def _is_private(path, strict=False):
    """Whether ``path`` is a real directory of this user that no one else can write (``strict``:
    nor read or enter)."""
    return _refusal(path, 0o077 if strict else 0o022) is None


def _refusal(path, forbidden=0o022):
    """Why ``path`` is not a real directory of this user without the ``forbidden`` mode bits, or
    None when it is."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        return 'cannot use {0}: {1}'.format(path, exc.strerror or exc)
    if not stat.S_ISDIR(info.st_mode):
        return '{0} is not a directory'.format(path)
    if info.st_uid != os.getuid():
        return '{0} belongs to another user'.format(path)
    if info.st_mode & forbidden:
        return '{0} is open to other users (mode {1:04o})'.format(path, stat.S_IMODE(info.st_mode))
    return None


def _process_directory(refusals):
    """This process's own limits directory, made on first use; the warning says why."""
    with _PROCESS['lock']:
        if _PROCESS['directory'] is None:
            _PROCESS['directory'] = tempfile.mkdtemp(prefix=LIMITS_NAME + '-process-')
            atexit.register(remove_process_directory)
            _PROCESS['warning'] = (
                'The vendor request limits are kept for this task only, not shared with the other tasks and forks of this user on '
                'this machine ({0}), so together they may exceed a vendor\'s rate or concurrency limits. Make one of these paths a '
                'directory of this user that no one else can write.'.format('; '.join(refusals)))
        return _PROCESS['directory']


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
            delay = max([min(state['pause_until'] - now, MAX_PAUSE)] +
                        [_window_delay(state['sent'], now, count, seconds) for count, seconds in windows])
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
    # Long after the cut the curve is far above a full share; the bound keeps its cube finite.
    elapsed = min(max(0.0, now - state['since']), back_at_peak + 100 * RECOVERY)
    return max(MIN_SHARE, min(1.0, peak + CUBIC_SCALE * (elapsed - back_at_peak) ** 3))


def _scaled(count, seconds, part):
    """A window of ``count`` sends per ``seconds`` reduced to ``part`` of its rate: fewer sends
    per window while at least one remains, else one send per longer window."""
    allowed = count * part
    if allowed >= 1:
        return int(allowed), seconds
    return 1, seconds / allowed


def _window_delay(sent, now, count, seconds):
    """How long until the window allows one more send: never longer than the window."""
    recent = [moment for moment in sent if 0 <= now - moment < seconds]
    if len(recent) < count:
        return 0
    return min(recent[-count] + seconds - now, seconds)


def _read_state(fd, now):
    """The account's state. The file holds ``time.monotonic()`` values of this boot, so a value
    later than now (a file from before a reboot, from a version that kept wall-clock times, or
    corrupted) cannot be a send or the start of a pause: it is dropped, as is anything that is not
    a finite number; a file that cannot be read at all counts as no state."""
    state = _load(_read_all(fd))
    fresh = dict(sent=sorted(moment for moment in map(_finite, _list(state.get('sent'))) if moment is not None and moment <= now),
                 pause_until=0.0)
    pause_until = _finite(state.get('pause_until'))
    if pause_until is not None and now - MAX_PAUSE <= pause_until <= now + MAX_PAUSE:
        fresh['pause_until'] = pause_until
    peak, cut, since = (_finite(state.get(name)) for name in ('peak', 'cut', 'since'))
    if None not in (peak, cut, since) and 0.0 < peak <= 1.0 and cut <= now and since <= now + MAX_PAUSE:
        fresh.update(peak=peak, cut=cut, since=since)
    return fresh


def _read_all(fd):
    """The file's bytes, or nothing when it is larger than any state this module writes."""
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    size = 0
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return b''.join(chunks)
        size += len(chunk)
        if size > MAX_STATE_BYTES:
            return b''
        chunks.append(chunk)


def _load(data):
    try:
        state = json.loads(data.decode('utf-8')) if data else {}
    except (ValueError, RecursionError):
        return {}
    return state if isinstance(state, dict) else {}


def _list(value):
    return value if isinstance(value, list) else []


def _finite(value):
    """``value`` as a float when it is a finite JSON number, else None."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _write_state(fd, state):
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(state).encode('utf-8'))
