# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Canonical campaign states and the transition planner shared by every provider.

A provider describes its vendor's state machine as data: ``{current: {target: action}}`` with
canonical state names and the vendor's own verb for each edge. The planner finds the shortest
path; only the target may be ``running``, because passing through ``running`` would make a
dialer call real customers on the way to another state."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

from collections import deque

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import TransitionError

SETTABLE_STATES = ('running', 'paused', 'purged', 'stopped')
OBSERVED_STATES = ('new', 'draft', 'scheduled', 'completed', 'unknown')
ALL_STATES = SETTABLE_STATES + OBSERVED_STATES
NEVER_PASS_THROUGH = 'running'
# A campaign the vendor has started but that waits for its start time will run by itself:
# it already satisfies these desired states, unless the task asks to start it now.
SATISFIED_UNTIL_START_NOW = {'scheduled': 'running'}


def waits_for_start(current, desired):
    """Whether ``current`` is a started campaign waiting for its start time and ``desired`` is
    the state it will reach by itself."""
    return SATISFIED_UNTIL_START_NOW.get(current) == desired


def plan_path(transitions, current, desired, start_now=False):
    """Return the list of ``(action, state_after)`` steps from ``current`` to ``desired``.

    An empty list means nothing to do, which includes a scheduled campaign asked to run, unless
    ``start_now``: making a dialer call customers before its start time is never the default.
    Raises ``TransitionError`` when no allowed path exists."""
    if current == desired or (waits_for_start(current, desired) and not start_now):
        return []
    previous = {current: None}
    queue = deque([current])
    while queue:
        state = queue.popleft()
        for target, action in transitions.get(state, {}).items():
            if target in previous or (target == NEVER_PASS_THROUGH and target != desired):
                continue
            previous[target] = (state, action)
            if target == desired:
                return _unwind(previous, desired)
            queue.append(target)
    raise TransitionError(
        'cannot move from {0} to {1}'.format(current, desired),
        current=current, desired=desired, allowed=allowed_from(transitions, current))


def _unwind(previous, desired):
    steps = []
    state = desired
    while previous[state] is not None:
        before, action = previous[state]
        steps.append((action, state))
        state = before
    steps.reverse()
    return steps


def allowed_from(transitions, current):
    """The states the vendor allows directly from ``current``, as ``['paused (pause)', …]``."""
    return ['{0} ({1})'.format(target, action) for target, action in transitions.get(current, {}).items()]


def describe_allowed(transitions, current):
    allowed = allowed_from(transitions, current)
    if not allowed:
        return 'allows no transition from {0}'.format(current)
    return 'allows from {0}: {1}'.format(current, ', '.join(allowed))
