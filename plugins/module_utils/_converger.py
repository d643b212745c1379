# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""read -> plan -> (check mode stops here) -> apply -> (wait), for one campaign or many of one
provider account side by side.

Everything provider-specific sits behind the ``Provider`` interface; this module never asks
which provider it runs, and takes its retry and timeout figures from its caller."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import time
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import CampaignError, TransitionError, WrongStateError
from ansible_collections.campaignops.campaigns.plugins.module_utils._states import describe_allowed, plan_path, waits_for_start

WAIT_FIRST_DELAY = 1.0
WAIT_MAX_DELAY = 10.0
READ_BACK_FIRST_DELAY = 0.5


class Converger:
    """Converges campaigns of one provider account with one client (one HTTP session).

    ``wait_timeout``: how long to poll for the target state with ``wait``, and how long a write
    whose outcome is unknown is waited for before the task says so."""

    def __init__(self, client, check_mode=False, wait=False, wait_timeout=120, sleep=time.sleep, clock=time.monotonic):
        self.client = client
        self.check_mode = check_mode
        self.wait = wait
        self.wait_timeout = wait_timeout
        self.sleep = sleep
        self.clock = clock

    def converge(self, item):
        """Bring one campaign to ``item['state']``; return the module result for it. Every error
        names the provider and the campaign."""
        try:
            return self.read_plan_apply(item)
        except CampaignError as exc:
            raise in_context(exc, self.client.label(item['campaign_id']))

    def read_plan_apply(self, item):
        campaign = self.client.read(item)
        steps = self.plan(campaign, item)
        if steps:
            self.client.check_writable(campaign, item)
        actions = [action for action, _state in steps]
        final = campaign
        if steps and not self.check_mode:
            actions = self.apply(campaign, steps, item)
            try:
                final = self.wait_for(item) if self.wait else self.client.after(campaign, item['state'])
            except CampaignError as exc:
                # Every write was accepted: a failure while waiting must still report them.
                exc.details['actions'] = actions
                raise
        elif steps:
            final = self.client.after(campaign, item['state'])
        result = dict(
            changed=bool(actions),
            campaign=_public(final),
            previous_state=campaign.state,
            actions=actions,
            diff=dict(before=_diffable(campaign), after=_diffable(final)),
        )
        if not steps and waits_for_start(campaign.state, item['state']):
            result['warnings'] = [self.scheduled_warning(campaign, item['state'])]
        return result

    def scheduled_warning(self, campaign, desired):
        start = self.client.start_time(campaign)
        return ('{0} is scheduled (native status {1}): started, waiting for its start time{2}. It already satisfies state={3} '
                'and was left alone; set start_now: true to start it now').format(
                    self.client.label(campaign.id), self.client.describe_native(campaign.native_status),
                    ' ({0})'.format(start) if start else ', which the vendor did not report', desired)

    def plan(self, campaign, item):
        desired = item['state']
        try:
            return plan_path(self.client.transitions, campaign.state, desired, start_now=bool(item.get('start_now')))
        except TransitionError as exc:
            raise TransitionError(
                '{0} is {1} (native status {2}) and cannot be moved to {3}: {4} {5}'.format(
                    self.client.label(campaign.id), campaign.state, self.client.describe_native(campaign.native_status), desired,
                    self.client.name, describe_allowed(self.client.transitions, campaign.state)),
                current=campaign.state, desired=desired, allowed=exc.details.get('allowed'))

    def apply(self, campaign, steps, item):
        """Apply the steps; return the vendor calls that took effect.

        A write is never sent twice. When its outcome is unknown (no complete answer, a 5xx) it
        may still be on its way or queued at the vendor, so the campaign is read until it shows
        the write took effect, for up to ``wait_timeout``; sending it again could apply it twice,
        or late, after a later task's write. When the vendor refuses the call as if the campaign
        were in another state, the read-back decides: a campaign that moved under us is planned
        again, once; one that did not move shows the refusal is the vendor's answer to this
        write, so the task fails with it. "Did not move" includes a read-back that still shows a
        state this run already left, which is the vendor lagging behind an accepted write:
        planning from it would send that write a second time."""
        done = []
        passed_through = [campaign.state]
        replans_left = 1
        while steps:
            action, state = steps[0]
            try:
                self.client.apply(campaign, action, item)
            except CampaignError as exc:
                if exc.ambiguous:
                    campaign = self.await_unknown_outcome(item, exc, action, state, done)
                elif isinstance(exc, WrongStateError) and replans_left:
                    replans_left -= 1
                    campaign = self.read_back(item, exc, done)
                    if campaign.state in passed_through:
                        raise self.partial_failure(refusal_stands(exc, campaign), done, campaign)
                    passed_through.append(campaign.state)
                    steps = self.replan(campaign, item, exc, done)
                    continue
                else:
                    raise self.partial_failure(exc, done, campaign)
            else:
                campaign = self.client.after(campaign, state)
            done.append(action)
            passed_through.append(state)
            steps = steps[1:]
        return done

    def read_back(self, item, cause, done):
        """Read the campaign after a refused write."""
        self.client.forget()
        try:
            return self.client.read(item)
        except CampaignError as exc:
            raise self.partial_failure(CampaignError('{0}; reading the status back failed too: {1}'.format(cause.message, exc.message)),
                                       done, None)

    def await_unknown_outcome(self, item, cause, action, target, done):
        """Read the campaign until it shows the unanswered ``action`` took effect (``target``),
        for up to ``wait_timeout``; a read that fails meanwhile is tried again. Return the
        campaign, or raise an error that says the outcome is unknown and the call was sent once."""
        reached, campaign, read_failure = self.poll_for_state(item, target, READ_BACK_FIRST_DELAY, retry_failed_reads=True)
        if reached:
            return campaign
        seen = ('reading it back failed: {0}'.format(read_failure.message) if read_failure is not None
                else 'the campaign still reports {0} (native status {1})'.format(
                    campaign.state, self.client.describe_native(campaign.native_status)))
        raise self.partial_failure(CampaignError(
            '{0}; the outcome is unknown: the {1} call was sent once and not again, and after wait_timeout={2}s {3}. It may still '
            'take effect: check the campaign before running the task again'.format(cause.message, action, self.wait_timeout, seen),
            outcome_unknown=True), done, campaign)

    def poll_for_state(self, item, target, first_delay, retry_failed_reads=False):
        """Read the campaign until it reports ``target``, with doubling delays, for up to
        ``wait_timeout``. Return ``(reached, campaign, read_failure)``: the last campaign read, or
        the failure of the last read when ``retry_failed_reads`` let reads fail meanwhile."""
        deadline = self.clock() + self.wait_timeout
        delay = first_delay
        while True:
            self.client.forget()
            campaign = read_failure = None
            try:
                campaign = self.client.read(item)
            except CampaignError as exc:
                if not retry_failed_reads:
                    raise
                read_failure = exc
            if campaign is not None and campaign.state == target:
                return True, campaign, None
            if self.clock() + delay > deadline:
                return False, campaign, read_failure
            self.sleep(delay)
            delay = min(delay * 2, WAIT_MAX_DELAY)

    def replan(self, campaign, item, cause, done):
        try:
            return self.plan(campaign, item)
        except TransitionError as exc:
            raise self.partial_failure(TransitionError('{0}; read back: {1}'.format(cause.message, exc.message)), done, campaign)

    def partial_failure(self, exc, done, campaign):
        """The error to raise, saying which calls did take effect before it."""
        if done:
            exc.message = '{0}; already applied: {1}{2}'.format(
                exc.message, ', '.join(done), ' (the campaign is now {0})'.format(campaign.state) if campaign else '')
        exc.details['actions'] = list(done)
        return exc

    def wait_for(self, item):
        """Poll until the vendor reports the target state, with doubling delays."""
        reached, campaign, _read_failure = self.poll_for_state(item, item['state'], WAIT_FIRST_DELAY)
        if not reached:
            raise CampaignError(
                '{0}: the change was accepted but the campaign still reports {1} (native status {2}) after wait_timeout={3}s'.format(
                    self.client.label(campaign.id), campaign.state, self.client.describe_native(campaign.native_status), self.wait_timeout),
                actions=[])
        return campaign

    def converge_all(self, items):
        """Converge every item concurrently (within the provider's concurrency); one result per
        item, in input order, a failure recorded without hiding the others."""
        workers = max(1, min(self.client.effective_concurrency(self.client.options), len(items)))
        prefetch(self.client, items)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(self.converge_reporting_failure, items))

    def converge_reporting_failure(self, item):
        try:
            result = self.converge(item)
        except CampaignError as exc:
            result = dict(changed=bool(exc.details.get('actions')), failed=True, msg=str(exc.message),
                          actions=exc.details.get('actions', []))
        except Exception as exc:  # pylint: disable=broad-except
            # One campaign's surprise must not hide the others' results.
            result = failure_of_a_bug(exc)
        result['campaign_id'] = item['campaign_id']
        return result


def prefetch(client, items):
    """Let the client read many campaigns at once before they are read one by one."""
    try:
        client.prefetch(items)
    except CampaignError:
        # An optimisation only: each campaign's own read reports what is wrong.
        pass


def refusal_stands(exc, campaign):
    """The error for a refused write whose campaign did not move: the vendor's own answer, as is."""
    exc.message = '{0}; read back: the campaign is still {1}, so the vendor refused this call (not sent again)'.format(
        exc.message, campaign.state)
    return exc


def in_context(exc, label):
    """Prefix the message with the provider and campaign unless it already names them."""
    if not exc.message.startswith(label):
        exc.message = '{0}: {1}'.format(label, exc.message)
    return exc


def unexpected(exc):
    return 'unexpected error ({0}: {1}); this is a bug in campaignops.campaigns, please report it'.format(type(exc).__name__, exc)


def failure_of_a_bug(exc):
    """The result of a campaign whose run raised something no provider raises on purpose."""
    return dict(changed=False, failed=True, msg=unexpected(exc), actions=[])


def _public(campaign):
    return dict(id=campaign.id, name=campaign.name, state=campaign.state, native_status=campaign.native_status)


def _diffable(campaign):
    return dict(state=campaign.state, native_status=campaign.native_status)
