# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The vendors as they document themselves, end to end: scheduled campaigns and ``start_now``,
8x8's body-less 200, Ocamba's list ``fields``, and refused writes that must not be sent twice.

Each test pins what the vendor saw in the simulator's request log."""

from __future__ import annotations

import pytest

from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.vendor_tasks import state_task

# A campaign each vendor has started but that waits for its start time (the simulator's seed), the
# start time the vendor reports, and the vendor's own calls that start it now: SCHEDULED in
# tests/vendors/<vendor>.py, for the vendors that have such campaigns.
SCHEDULED = dict((name, VENDORS[name].SCHEDULED) for name in NAMES if VENDORS[name].SCHEDULED)


def writes(sim, provider):
    return [(entry['method'], entry['path']) for entry in sim.writes(provider)]


@pytest.mark.parametrize('provider', sorted(SCHEDULED))
def test_scheduled_campaign_already_satisfies_running_and_nothing_is_sent(provider, sim, playbook):
    campaign_id, start, _calls = SCHEDULED[provider]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, 'running')])
    assert run.rc == 0, run.output
    assert run[0]['changed'] is False
    assert run[0]['actions'] == []
    assert run[0]['campaign']['state'] == 'scheduled'
    assert sim.writes(provider) == []
    # The warning names the campaign, says when it will start and how to start it now.
    warning = ' '.join(run.output.split())
    assert '{0} campaign {1} is scheduled'.format(provider, campaign_id) in warning
    assert start in warning and 'set start_now: true' in warning


@pytest.mark.parametrize('provider', sorted(SCHEDULED))
def test_start_now_in_check_mode_reports_the_calls_and_sends_none(provider, sim, playbook):
    campaign_id, _start, calls = SCHEDULED[provider]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, 'running', start_now=True)], check=True)
    assert run.rc == 0, run.output
    assert run[0]['changed'] is True and len(run[0]['actions']) == len(calls)
    assert sim.writes(provider) == []


@pytest.mark.parametrize('provider', sorted(SCHEDULED))
def test_start_now_sends_exactly_the_vendors_start_calls(provider, sim, playbook):
    campaign_id, _start, calls = SCHEDULED[provider]
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, 'running', start_now=True)])
    assert run.rc == 0, run.output
    assert run[0]['changed'] is True
    assert run[0]['campaign']['state'] == 'running'
    assert writes(sim, provider) == calls
    if provider == 'ocamba':
        assert sim.writes(provider)[1]['body'] == {'run_immediately': 1}
    if provider == '8x8':
        assert [entry['body'] for entry in sim.writes(provider)] == [{'status': 'PAUSED'}, {'status': 'RUNNING'}]


def test_start_now_per_campaigns_item(sim, playbook):
    task = state_task('ocamba', sim.url, '302', 'running')
    args = task['campaignops.campaigns.campaign_state']
    del args['campaign_id']
    args['campaigns'] = [dict(campaign_id='302'), dict(campaign_id='309', start_now=True)]
    run = playbook.run_tasks([task])
    assert run.rc == 0, run.output
    assert [result['actions'] for result in run[0]['results']] == [[], ['pause', 'resume']]
    assert writes(sim, 'ocamba') == [('POST', '/v1/hood/campaigns/309/pause'), ('POST', '/v1/hood/campaigns/309/resume')]


@pytest.mark.parametrize('message_body', [False, True])
def test_8x8_status_write_answered_200_without_a_body_is_a_success(message_body, sim, playbook):
    sim.settings(eightbyeight_status_message=message_body)
    run = playbook.run_tasks([state_task('8x8', sim.url, '6503', 'paused', retries=0)])
    assert run.rc == 0, run.output
    assert run[0]['changed'] is True and run[0]['actions'] == ['pause']
    writes_seen = sim.writes('8x8')
    assert [(entry['method'], entry['status']) for entry in writes_seen] == [('POST', 200)]
    # One read, one write: a body-less 200 is not an unknown outcome to read back.
    assert len(sim.requests('8x8')) == 2


@pytest.mark.parametrize('platform', ['eu21', 'sb1', 'EU21'])
def test_8x8_platforms_outside_the_openapi_server_list_are_accepted(platform, sim, playbook):
    run = playbook.run_tasks([state_task('8x8', sim.url, '6503', 'running', platform=platform)])
    assert run.rc == 0, run.output


@pytest.mark.parametrize('platform', ['eu', 'sandbox1', 'e21', 'eu1234'])
def test_8x8_platform_not_matching_the_pattern_is_refused_before_any_request(platform, sim, playbook):
    run = playbook.run_tasks([state_task('8x8', sim.url, '6503', 'running', platform=platform)])
    assert run[0]['failed'] is True
    assert 'platform' in run[0]['msg']
    assert sim.requests() == []


def ocamba_list_queries(sim):
    return [entry['query'] for entry in sim.requests('ocamba') if entry['method'] == 'GET' and entry['path'] == '/v1/hood/campaigns']


def test_ocamba_list_asks_for_the_status_field(sim, playbook):
    run = playbook.run_tasks([{'campaignops.campaigns.campaign_info': dict(
        provider='ocamba', api_url=sim.url, token=state_task('ocamba', sim.url, '1', 'running')[
            'campaignops.campaigns.campaign_state']['token'])}])
    assert run.rc == 0, run.output
    assert all(campaign['state'] != 'unknown' for campaign in run[0]['campaigns'])
    queries = ocamba_list_queries(sim)
    assert queries and all('status' in query['fields'].split(',') for query in queries)


@pytest.mark.parametrize('ignore_fields', [False, True])
def test_ocamba_bulk_never_takes_a_list_row_without_status_for_a_read(ignore_fields, sim, playbook):
    # With an Ocamba whose list answers its default view (no status), each campaign is read itself.
    sim.settings(ocamba_ignore_fields=ignore_fields)
    task = state_task('ocamba', sim.url, '303', 'paused')
    args = task['campaignops.campaigns.campaign_state']
    del args['campaign_id']
    args['campaigns'] = [dict(campaign_id=cid) for cid in ('303', '307', '311')]
    run = playbook.run_tasks([task])
    assert run.rc == 0, run.output
    assert [result['actions'] for result in run[0]['results']] == [['pause']] * 3
    reads = [entry['path'] for entry in sim.requests('ocamba') if entry['method'] == 'GET' and entry['path'] != '/v1/hood/campaigns']
    assert len(ocamba_list_queries(sim)) == 1
    assert sorted(reads) == (['/v1/hood/campaigns/303', '/v1/hood/campaigns/307', '/v1/hood/campaigns/311'] if ignore_fields else [])


# ----- refused writes: the read-back decides ------------------------------------------------

@pytest.mark.parametrize('provider, kind, campaign_id, target, expected',
                         [(name,) + refused for name in NAMES for refused in VENDORS[name].REFUSED_WRITES])
def test_refused_write_of_a_campaign_that_did_not_move_fails_with_one_write(provider, kind, campaign_id, target, expected, sim, playbook):
    sim.fault(provider=provider, kind=kind, method=VENDORS[provider].WRITE_METHOD, count=5)
    run = playbook.run_tasks([state_task(provider, sim.url, campaign_id, target)])
    assert run[0]['failed'] is True
    assert expected in run[0]['msg']
    assert 'not sent again' in run[0]['msg']
    assert run[0]['actions'] == [] and run[0]['changed'] is False
    assert len(sim.writes(provider)) == 1
    if provider == 'ocamba':
        assert 'trace_id' in run[0]['msg']


def test_refused_write_of_a_campaign_that_moved_is_planned_again_once(sim, playbook):
    # Planned from running (pause, purge); someone pauses it just before our pause lands.
    sim.fault(provider='8x8', kind='moved', status=8, method='POST', count=1)
    run = playbook.run_tasks([state_task('8x8', sim.url, '6503', 'purged')])
    assert run.rc == 0, run.output
    assert run[0]['actions'] == ['purge']
    assert [(entry['body'], entry['status']) for entry in sim.writes('8x8')] == [({'status': 'PAUSED'}, 400), ({'status': 'PURGED'}, 200)]
