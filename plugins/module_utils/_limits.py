# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Client-side limits per vendor account, shared by every module process on this machine.

Ansible forks and parallel tasks run separate processes, so an in-process counter would let
five forks send five times the vendor's limit. The limits therefore live in lock files under a
private directory: ``flock`` on one file per in-flight slot (a dead process releases its slot),
and a small file of recent send times for request-rate windows. Files are named by a hash of the
account, never by a credential."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

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
    """``acquire()`` before each request and ``release()`` after it.

    ``max_in_flight``: at most that many requests of this account at once, machine-wide.
    ``windows``: ``(count, seconds)`` pairs; at most ``count`` sends in any ``seconds``."""

    def __init__(self, key, max_in_flight=None, windows=(), directory=None, clock=time.time, sleep=time.sleep):
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
        if self.windows:
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
        """Under the account's lock: record a send now if every window allows it (return 0),
        else return how long to wait before asking again."""
        fd = os.open(self._path('rate'), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            sent = _read_times(fd)
            now = self.clock()
            longest = max(seconds for _count, seconds in self.windows)
            sent = [moment for moment in sent if now - moment < longest]
            delay = max([_window_delay(sent, now, count, seconds) for count, seconds in self.windows])
            if delay <= 0:
                sent.append(now)
            _write_times(fd, sent)
            return delay
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _window_delay(sent, now, count, seconds):
    recent = [moment for moment in sent if now - moment < seconds]
    if len(recent) < count:
        return 0
    return recent[-count] + seconds - now


def _read_times(fd):
    os.lseek(fd, 0, os.SEEK_SET)
    data = b''
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        data += chunk
    try:
        times = json.loads(data.decode('utf-8')) if data else []
    except ValueError:
        return []
    return sorted(float(moment) for moment in times if isinstance(moment, (int, float))) if isinstance(times, list) else []


def _write_times(fd, times):
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, json.dumps(times).encode('utf-8'))
