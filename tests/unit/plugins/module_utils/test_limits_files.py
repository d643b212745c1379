# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The files behind the machine-wide limits: a state file that holds impossible or unreadable
values cannot stall a run, and the directory they live in is one no other user can take over,
or else the run says that its limits are its own and removes what it made."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import json
import os
import stat
import tempfile
import time

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils import _limits
from ansible_collections.campaignops.campaigns.plugins.module_utils._limits import MAX_PAUSE, AccountLimiter
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS

WINDOWS = PROVIDERS['ocamba'].rate_limits


def limiter(tmp_path, clock, **kwargs):
    return AccountLimiter('account', directory=str(tmp_path), clock=clock, sleep=clock.sleep, **kwargs)


def write_state(tmp_path, content):
    with open(str(tmp_path / 'account.rate'), 'wb') as handle:
        handle.write(content if isinstance(content, bytes) else json.dumps(content).encode('utf-8'))


def read_state(tmp_path):
    with open(str(tmp_path / 'account.rate'), 'rb') as handle:
        return json.loads(handle.read().decode('utf-8'))


def longest_window(limiter_):
    return max(seconds for _count, seconds in limiter_.windows)


# ----- values that cannot be: dropped ----------------------------------------------------------

def test_send_times_in_the_future_are_dropped_not_waited_for(tmp_path, clock):
    # A wall clock stepped back, or a file from another boot: 500 sends "an hour from now".
    write_state(tmp_path, dict(sent=[clock() + 3600.0] * 500, pause_until=clock() + 3600.0))
    limited = limiter(tmp_path, clock, windows=WINDOWS)
    limited.acquire()
    limited.release()
    assert clock.sleeps == []
    assert read_state(tmp_path)['sent'] == [clock()]


def test_a_future_cut_does_not_shrink_the_share(tmp_path, clock):
    write_state(tmp_path, dict(sent=[], pause_until=0, peak=0.05, cut=clock() + 3600.0, since=clock() + 3600.0))
    limited = limiter(tmp_path, clock, windows=((10, 1.0),))
    for _send in range(10):
        limited.acquire()
        limited.release()
    assert clock.sleeps == []


@pytest.mark.parametrize('content', [
    b'\x00\xff\xfe garbage',
    b'{"sent": [1, 2',
    b'[1, 2, 3]',
    b'"sent"',
    b'{"sent": "1000", "pause_until": "2000"}',
    b'{"sent": [true, null, "999", {"a": 1}, [999]], "pause_until": true}',
    b'{"sent": [NaN, Infinity, -Infinity, 1e400, -1e400], "pause_until": NaN}',
    # Integers too large for a float.
    b'{"sent": [-1' + b'0' * 400 + b'], "pause_until": 1' + b'0' * 400 + b'}',
    b'{"sent": [], "peak": 0.5, "cut": 900, "since": -1e300}',
    b'{"sent": [], "peak": NaN, "cut": 900, "since": 900}',
    b'[' * 100000 + b']' * 100000,
    b'{"sent": [' + b'999.5, ' * 300000 + b'999.5]}',
], ids=['binary', 'truncated', 'list', 'string', 'strings', 'wrong-types', 'non-finite', 'huge-integers', 'ancient-cut', 'nan-peak',
        'deep', 'oversized'])
def test_an_unreadable_state_file_counts_as_empty_and_is_rewritten(tmp_path, clock, content):
    write_state(tmp_path, content)
    limited = limiter(tmp_path, clock, windows=WINDOWS)
    limited.acquire()
    limited.release()
    assert clock.sleeps == []
    state = read_state(tmp_path)
    assert state['sent'] == [clock()]
    assert state['pause_until'] <= clock()


def test_an_oversized_state_file_is_not_read(tmp_path, clock):
    write_state(tmp_path, b' ' * (_limits.MAX_STATE_BYTES + 1))
    limiter(tmp_path, clock).acquire()
    assert read_state(tmp_path)['sent'] == [clock()]


# ----- every wait is bounded -------------------------------------------------------------------

def test_a_pause_is_never_longer_than_max_pause(tmp_path, clock):
    write_state(tmp_path, dict(sent=[], pause_until=clock() + MAX_PAUSE))
    limiter(tmp_path, clock).acquire()
    assert clock.sleeps == [MAX_PAUSE]


def test_a_full_window_waits_no_longer_than_the_window(tmp_path, clock):
    limited = limiter(tmp_path, clock, windows=WINDOWS)
    write_state(tmp_path, dict(sent=[clock()] * 1000, pause_until=0))
    limited.acquire()
    assert clock.sleeps and all(0 < delay <= longest_window(limited) for delay in clock.sleeps)


def test_the_smallest_share_still_sends(tmp_path, clock):
    # The share was just cut to its minimum and the pause holds for MAX_PAUSE: the waits stay
    # within the pause and the scaled windows.
    write_state(tmp_path, dict(sent=[], pause_until=clock() + MAX_PAUSE, peak=_limits.MIN_SHARE, cut=clock(), since=clock() + MAX_PAUSE))
    limited = limiter(tmp_path, clock, windows=WINDOWS)
    for _send in range(3):
        limited.acquire()
        limited.release()
    assert max(clock.sleeps) <= MAX_PAUSE
    assert sum(clock.sleeps) <= MAX_PAUSE + 3 * longest_window(limited) / _limits.MIN_SHARE


def test_with_the_real_clock_a_future_state_sends_at_once(tmp_path):
    now = time.monotonic()
    write_state(tmp_path, dict(sent=[now + 3600.0] * 1000, pause_until=now + 3600.0, peak=0.05, cut=now + 3600.0, since=now + 3600.0))
    waits = []
    limited = AccountLimiter('account', windows=WINDOWS, directory=str(tmp_path), sleep=waits.append)
    limited.acquire()
    limited.release()
    assert waits == []


# ----- the directory ---------------------------------------------------------------------------

@pytest.fixture
def places(monkeypatch, tmp_path):
    """Every place the limits could live, under this test's directory, and a fresh process state."""
    monkeypatch.setattr(_limits, '_PROCESS', dict(directory=None, warning=None, lock=_limits._PROCESS['lock']))
    paths = dict((name, tmp_path / name) for name in ('runtime', 'home', 'tmp'))
    for path in paths.values():
        path.mkdir(mode=0o700)
    monkeypatch.setenv('XDG_RUNTIME_DIR', str(paths['runtime']))
    monkeypatch.delenv('XDG_CACHE_HOME', raising=False)
    monkeypatch.setenv('HOME', str(paths['home']))
    monkeypatch.setattr(tempfile, 'tempdir', str(paths['tmp']))
    yield paths
    _limits.remove_process_directory()


def cache_path(places):
    return places['home'] / '.cache' / 'campaignops' / 'limits-{0}'.format(_limits._host_name())


def tmp_path_of_today(places):
    return places['tmp'] / 'campaignops-limits-{0}'.format(os.getuid())


def mode(path):
    return stat.S_IMODE(os.lstat(str(path)).st_mode)


def test_the_users_runtime_directory_comes_first(places):
    assert _limits.limits_directory() == str(places['runtime'] / 'campaignops-limits')
    assert mode(places['runtime'] / 'campaignops-limits') == 0o700
    assert _limits.limits_fallback_warning() is None


def test_a_runtime_directory_others_can_enter_is_not_used(places):
    places['runtime'].chmod(0o755)
    assert _limits.limits_directory() == str(cache_path(places))


def test_without_a_runtime_directory_the_users_cache_is_used_made_private(places, monkeypatch):
    monkeypatch.delenv('XDG_RUNTIME_DIR')
    assert _limits.limits_directory() == str(cache_path(places))
    for path in (places['home'] / '.cache', places['home'] / '.cache' / 'campaignops', cache_path(places)):
        assert mode(path) == 0o700
    assert _limits.limits_fallback_warning() is None


def test_xdg_cache_home_is_honoured(places, monkeypatch, tmp_path):
    monkeypatch.delenv('XDG_RUNTIME_DIR')
    monkeypatch.setenv('XDG_CACHE_HOME', str(tmp_path / 'home' / 'cache'))
    (tmp_path / 'home' / 'cache').mkdir(mode=0o700)
    assert _limits.limits_directory() == str(tmp_path / 'home' / 'cache' / 'campaignops' / 'limits-{0}'.format(_limits._host_name()))


def test_a_taken_temporary_path_does_not_matter_while_the_cache_is_usable(places, monkeypatch):
    # The case: another user made /tmp/campaignops-limits-<uid> first.
    monkeypatch.delenv('XDG_RUNTIME_DIR')
    tmp_path_of_today(places).mkdir(mode=0o777)
    tmp_path_of_today(places).chmod(0o777)
    assert _limits.limits_directory() == str(cache_path(places))
    assert _limits.limits_fallback_warning() is None


def test_the_temporary_path_of_today_comes_last(places, monkeypatch):
    monkeypatch.delenv('XDG_RUNTIME_DIR')
    # A home where nothing can be made: .cache is a file.
    (places['home'] / '.cache').write_text(u'')
    assert _limits.limits_directory() == str(tmp_path_of_today(places))
    assert _limits.limits_fallback_warning() is None


@pytest.mark.parametrize('spoil, refusal', [
    ('others-can-write', '{0} is open to other users (mode 0777)'),
    ('symlink', '{0} is not a directory'),
    ('another-user', '{0} belongs to another user'),
])
def test_a_directory_someone_else_controls_is_never_used(places, monkeypatch, tmp_path, spoil, refusal):
    monkeypatch.delenv('XDG_RUNTIME_DIR')
    (places['home'] / '.cache').write_text(u'')
    if spoil == 'another-user':
        uid = os.getuid()
        monkeypatch.setattr(_limits.os, 'getuid', lambda: uid + 1)
    taken = tmp_path_of_today(places)
    if spoil == 'symlink':
        (tmp_path / 'elsewhere').mkdir(mode=0o700)
        taken.symlink_to(tmp_path / 'elsewhere')
    else:
        taken.mkdir(mode=0o700)
        taken.chmod(0o777 if spoil == 'others-can-write' else 0o700)
    directory = _limits.limits_directory()
    assert directory not in (str(taken), str(tmp_path / 'elsewhere'))
    assert os.path.dirname(directory) == str(places['tmp'])
    assert refusal.format(taken) in _limits.limits_fallback_warning()


def test_limits_that_cannot_be_shared_say_so_and_are_removed_at_the_end(places, monkeypatch):
    monkeypatch.delenv('XDG_RUNTIME_DIR')
    (places['home'] / '.cache').write_text(u'')
    tmp_path_of_today(places).mkdir()
    tmp_path_of_today(places).chmod(0o777)
    first = AccountLimiter('one', max_in_flight=1)
    second = AccountLimiter('two', windows=WINDOWS)
    # One directory for the whole process, so its limiters still hold between its threads.
    assert first.directory == second.directory
    assert os.path.dirname(first.directory) == str(places['tmp'])
    assert mode(first.directory) == 0o700
    warning = _limits.limits_fallback_warning()
    assert 'not shared with the other tasks and forks of this user on this machine' in warning
    assert '{0} is not a directory'.format(places['home'] / '.cache') in warning
    assert '{0} is open to other users (mode 0777)'.format(tmp_path_of_today(places)) in warning
    first.acquire()
    first.release()
    _limits.remove_process_directory()
    assert not os.path.exists(first.directory)
    _limits.remove_process_directory()


def test_no_warning_while_limits_are_shared(places):
    AccountLimiter('one', max_in_flight=1)
    assert _limits.limits_fallback_warning() is None
    _limits.remove_process_directory()
    assert os.path.isdir(str(places['runtime'] / 'campaignops-limits'))
