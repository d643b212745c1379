# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The planner against the vendors' state machines as vendor-apis.md documents them.

The expected tables (``DOCUMENTED_TRANSITIONS``, ``MULTI_STEP_PLANS``, ``SETTABLE_STATES`` in
``tests/vendors/<vendor>.py``) are transcribed from the vendor documentation, not from the code,
so a wrong edge in a provider's table fails here."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from hypothesis import given, strategies as st

from ansible_collections.campaignops.campaigns.plugins.module_utils._converger import Converger
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import TransitionError
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Campaign
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.plugins.module_utils._states import ALL_STATES, SETTABLE_STATES, plan_path
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS

# Provider -> {(current, target): the vendor's verb}, per vendor-apis.md.
VENDOR_EDGES = dict((name, VENDORS[name].DOCUMENTED_TRANSITIONS) for name in NAMES)

# Every reachable (provider, current, desired) that needs more than one call. Running is only
# ever the last state of a path. A scheduled campaign is only moved to running with start_now.
MULTI_STEP = dict(((name, current, desired), plan)
                  for name in NAMES for (current, desired), plan in VENDORS[name].MULTI_STEP_PLANS.items())


def client(provider):
    return PROVIDERS[provider](None, dict(VENDORS[provider].CLIENT_OPTIONS))


def edges(provider):
    return dict(((current, target), action)
                for current, targets in PROVIDERS[provider].transitions.items() for target, action in targets.items())


def expected_plan(provider, current, desired, start_now=True):
    """The documented plan, or None when the vendor does not allow it."""
    if current == desired or (current, desired, start_now) == ('scheduled', 'running', False):
        return []
    if (provider, current, desired) in MULTI_STEP:
        return MULTI_STEP[(provider, current, desired)]
    action = VENDOR_EDGES[provider].get((current, desired))
    return [(action, desired)] if action else None


ALL_CASES = [(provider, current, desired)
             for provider in sorted(VENDOR_EDGES) for current in ALL_STATES for desired in SETTABLE_STATES]
FORBIDDEN = [case for case in ALL_CASES if expected_plan(*case) is None]
ONE_STEP = [(provider, current, target, action)
            for provider in sorted(VENDOR_EDGES) for (current, target), action in sorted(VENDOR_EDGES[provider].items())]


@pytest.mark.parametrize('provider', sorted(VENDOR_EDGES))
def test_transition_table_is_the_vendors(provider):
    assert edges(provider) == VENDOR_EDGES[provider]


def test_every_provider_is_covered():
    assert sorted(PROVIDERS) == sorted(VENDOR_EDGES)


@pytest.mark.parametrize('provider, current, target, action', ONE_STEP)
def test_allowed_one_step_transition(provider, current, target, action):
    assert plan_path(PROVIDERS[provider].transitions, current, target, start_now=True) == [(action, target)]


@pytest.mark.parametrize('case', sorted(MULTI_STEP), ids='-'.join)
def test_multi_step_plan(case):
    provider, current, desired = case
    assert plan_path(PROVIDERS[provider].transitions, current, desired, start_now=True) == MULTI_STEP[case]


@pytest.mark.parametrize('provider', [p for p in sorted(VENDOR_EDGES) if 'scheduled' in PROVIDERS[p].transitions])
def test_scheduled_campaign_already_satisfies_running_unless_start_now(provider):
    # Started and waiting for its start time: it will dial by itself; dialing early is opt-in.
    assert plan_path(PROVIDERS[provider].transitions, 'scheduled', 'running') == []
    assert plan_path(PROVIDERS[provider].transitions, 'scheduled', 'running', start_now=True) != []


@pytest.mark.parametrize('provider', [p for p in sorted(VENDOR_EDGES) if 'scheduled' in PROVIDERS[p].transitions])
def test_start_now_changes_nothing_but_scheduled_to_running(provider):
    transitions = PROVIDERS[provider].transitions
    for current in ALL_STATES:
        for desired in SETTABLE_STATES:
            if (current, desired) == ('scheduled', 'running'):
                continue
            try:
                plain = plan_path(transitions, current, desired)
            except TransitionError:
                with pytest.raises(TransitionError):
                    plan_path(transitions, current, desired, start_now=True)
                continue
            assert plan_path(transitions, current, desired, start_now=True) == plain


def test_8x8_running_to_purged_is_pause_then_purge():
    assert plan_path(PROVIDERS['8x8'].transitions, 'running', 'purged') == [('pause', 'paused'), ('purge', 'purged')]


@pytest.mark.parametrize('desired', ['paused', 'purged'])
def test_8x8_new_cannot_reach_paused_or_purged_because_the_path_runs_the_campaign(desired):
    # new -> running -> paused exists in the graph, but would call customers on the way.
    with pytest.raises(TransitionError) as caught:
        plan_path(PROVIDERS['8x8'].transitions, 'new', desired)
    assert caught.value.details['current'] == 'new'
    assert caught.value.details['desired'] == desired
    assert caught.value.details['allowed'] == ['running (run)']


def test_voltmx_scheduled_cannot_be_paused_through_running():
    with pytest.raises(TransitionError):
        plan_path(PROVIDERS['voltmx'].transitions, 'scheduled', 'paused')


def test_8x8_purged_to_paused_is_refused():
    # 8x8 allows purged -> running and purged -> stopped only; going via running is forbidden.
    with pytest.raises(TransitionError):
        plan_path(PROVIDERS['8x8'].transitions, 'purged', 'paused')


@pytest.mark.parametrize('provider, state', [(p, s) for p in sorted(VENDOR_EDGES) for s in ALL_STATES])
def test_already_there_is_an_empty_plan(provider, state):
    assert plan_path(PROVIDERS[provider].transitions, state, state) == []


@pytest.mark.parametrize('provider, current, desired', FORBIDDEN)
def test_forbidden_transition_names_current_desired_and_allowed(provider, current, desired):
    campaign = Campaign('42', 'native-{0}'.format(current), current)
    with pytest.raises(TransitionError) as caught:
        Converger(client(provider)).plan(campaign, dict(state=desired, start_now=True))
    message = caught.value.message
    assert message.startswith('{0} campaign 42 is {1} '.format(provider, current))
    assert 'cannot be moved to {0}'.format(desired) in message
    allowed = ['{0} ({1})'.format(target, action) for (source, target), action in sorted(VENDOR_EDGES[provider].items())
               if source == current]
    if allowed:
        assert 'allows from {0}: '.format(current) in message
        for entry in allowed:
            assert entry in message
    else:
        assert 'allows no transition from {0}'.format(current) in message
    assert caught.value.details['current'] == current
    assert caught.value.details['desired'] == desired
    assert sorted(caught.value.details['allowed']) == sorted(allowed)


def test_forbidden_message_example():
    campaign = Campaign('6561', 5, 'stopped')
    with pytest.raises(TransitionError) as caught:
        Converger(client('8x8')).plan(campaign, dict(state='running'))
    assert caught.value.message == ('8x8 campaign 6561 is stopped (native status 5 (Manual Stopped)) and cannot be moved to '
                                    'running: 8x8 allows no transition from stopped')


@pytest.mark.parametrize('provider', [p for p in sorted(VENDOR_EDGES) if 'stopped' in PROVIDERS[p].settable_states()])
def test_stopped_is_final(provider):
    assert not PROVIDERS[provider].transitions.get('stopped')
    for desired in SETTABLE_STATES:
        if desired != 'stopped':
            with pytest.raises(TransitionError):
                plan_path(PROVIDERS[provider].transitions, 'stopped', desired)


@pytest.mark.parametrize('provider', NAMES)
def test_settable_states(provider):
    assert PROVIDERS[provider].settable_states() == VENDORS[provider].SETTABLE_STATES


# ----- properties ------------------------------------------------------------------------

def _all_valid_paths(transitions, current, desired, limit=6):
    """Brute force: every simple path current -> desired that never passes through running."""
    found = []

    def walk(state, path, seen):
        if len(path) > limit:
            return
        for target, action in transitions.get(state, {}).items():
            if target in seen or (target == 'running' and target != desired):
                continue
            step = path + [(action, target)]
            if target == desired:
                found.append(step)
            else:
                walk(target, step, seen | {target})
    walk(current, [], {current})
    return found


def _check_plan(transitions, current, desired, plan):
    state = current
    for action, target in plan:
        assert transitions[state][target] == action, 'an edge the vendor does not allow'
        if target == 'running':
            assert target == desired, 'the plan passes through running'
        state = target
    assert state == desired
    assert plan_path(transitions, state, desired) == []


@given(provider=st.sampled_from(sorted(PROVIDERS)), current=st.sampled_from(ALL_STATES),
       desired=st.sampled_from(SETTABLE_STATES))
def test_property_provider_plans(provider, current, desired):
    transitions = PROVIDERS[provider].transitions
    try:
        plan = plan_path(transitions, current, desired, start_now=True)
    except TransitionError as exc:
        assert current != desired
        assert _all_valid_paths(transitions, current, desired) == []
        assert exc.details['current'] == current and exc.details['desired'] == desired
        return
    _check_plan(transitions, current, desired, plan)
    assert plan == expected_plan(provider, current, desired)


STATE_NAMES = st.sampled_from(ALL_STATES)
ACTIONS = st.sampled_from(['go', 'halt', 'flush', 'end'])
GRAPHS = st.dictionaries(STATE_NAMES, st.dictionaries(STATE_NAMES, ACTIONS, max_size=5), max_size=9).map(
    lambda graph: dict((source, dict((t, a) for t, a in targets.items() if t != source)) for source, targets in graph.items()))


@given(transitions=GRAPHS, current=STATE_NAMES, desired=st.sampled_from(SETTABLE_STATES))
def test_property_any_graph(transitions, current, desired):
    """On any state machine: a plan is a shortest valid path, and a refusal means there is none."""
    valid = _all_valid_paths(transitions, current, desired, limit=len(ALL_STATES))
    try:
        plan = plan_path(transitions, current, desired, start_now=True)
    except TransitionError:
        assert current != desired and valid == []
        return
    _check_plan(transitions, current, desired, plan)
    if current != desired:
        assert len(plan) == min(len(path) for path in valid)


def test_property_cases_are_exhaustive():
    # The parametrized tests above cover every (provider, current, desired) combination.
    assert len(ALL_CASES) == len(PROVIDERS) * len(ALL_STATES) * len(SETTABLE_STATES)
    assert len(FORBIDDEN) + len(ONE_STEP) + len(MULTI_STEP) + sum(
        1 for p, c, d in ALL_CASES if c == d) == len(ALL_CASES)
