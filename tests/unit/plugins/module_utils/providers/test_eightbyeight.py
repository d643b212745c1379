# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""8x8 Contact Center client: stats vs tstats, data vs action token, POST then PATCH."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest
import responses

from ansible_collections.campaignops.campaigns.plugins.module_utils._converger import Converger
from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import (
    NotFoundError,
    PreconditionError,
    ValidationError,
    VendorError,
    WrongStateError,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.eightbyeight import EightByEight
from ansible_collections.campaignops.campaigns.tests.vendors import eightbyeight as vendor

READ = vendor.read_url()
WRITE = vendor.write_url()
CHANGED = vendor.STATUS_CHANGED
METHOD_NOT_ALLOWED = vendor.message_body('Method Not Allowed')


def options(**extra):
    return dict(vendor.CLIENT_OPTIONS, **extra)


@pytest.fixture
def http(http_for):
    """The HTTP layer wired as the engine wires it for this provider."""
    return http_for(EightByEight)


@pytest.fixture
def client(http):
    return EightByEight(http, options())


def test_read_uses_stats_json_with_the_data_token(client, rsps, sent, basic_auth):
    rsps.add(responses.GET, READ, json=vendor.read_answer(3))
    campaign = client.read(dict(campaign_id='6561'))
    assert (campaign.id, campaign.name, campaign.state, campaign.native_status) == ('6561', 'My Callbacks', 'running', 3)
    assert sent() == [('GET', READ)]
    assert rsps.calls[0].request.headers['Authorization'] == basic_auth('tenant', 'data-secret')


@pytest.mark.parametrize('status, state', [
    (0, 'new'), (1, 'running'), (2, 'scheduled'), (3, 'running'), (4, 'running'), (5, 'stopped'), (6, 'stopped'), (7, 'stopped'),
    (8, 'paused'), (9, 'paused'), (10, 'purged'), (11, 'purged'), ('8', 'paused'), (12, 'unknown'), ('x', 'unknown'),
])
def test_status_codes(client, rsps, status, state):
    rsps.add(responses.GET, READ, json=vendor.read_answer(status))
    assert client.read(dict(campaign_id='6561')).state == state


@pytest.mark.parametrize('action, status', [('run', 'RUNNING'), ('pause', 'PAUSED'), ('purge', 'PURGED'), ('stop', 'STOPPED')])
def test_write_uses_tstats_with_the_action_token(client, rsps, sent, basic_auth, body_of, action, status):
    rsps.add(responses.GET, READ, json=vendor.read_answer(8))
    rsps.add(responses.POST, WRITE, json=CHANGED)
    campaign = client.read(dict(campaign_id='6561'))
    client.apply(campaign, action, dict(campaign_id='6561'))
    assert sent() == [('GET', READ), ('POST', WRITE)]
    request = rsps.calls[1].request
    assert request.headers['Authorization'] == basic_auth('tenant', 'action-secret')
    assert request.headers['Content-Type'] == 'application/json'
    assert body_of(rsps.calls[1]) == {'status': status}


def test_405_on_post_is_retried_once_as_patch(client, rsps, sent, basic_auth, body_of):
    rsps.add(responses.GET, READ, json=vendor.read_answer(3))
    rsps.add(responses.POST, WRITE, status=405, json=METHOD_NOT_ALLOWED)
    rsps.add(responses.PATCH, WRITE, json=CHANGED)
    client.apply(client.read(dict(campaign_id='6561')), 'pause', dict(campaign_id='6561'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('PATCH', WRITE)]
    assert body_of(rsps.calls[2]) == {'status': 'PAUSED'}
    assert rsps.calls[2].request.headers['Authorization'] == basic_auth('tenant', 'action-secret')


def test_405_on_patch_too_is_not_retried_again(client, rsps, sent):
    rsps.add(responses.GET, READ, json=vendor.read_answer(3))
    rsps.add(responses.POST, WRITE, status=405, json=METHOD_NOT_ALLOWED)
    rsps.add(responses.PATCH, WRITE, status=405, json=METHOD_NOT_ALLOWED)
    with pytest.raises(VendorError, match='8x8 campaign 6561: pause: HTTP 405: Method Not Allowed'):
        client.apply(client.read(dict(campaign_id='6561')), 'pause', dict(campaign_id='6561'))
    assert sent() == [('GET', READ), ('POST', WRITE), ('PATCH', WRITE)]


@pytest.mark.parametrize('extra, problem', [
    ({'dynamic-campaign': 'N'}, 'is not a dynamic campaign (dynamic-campaign: N)'),
    ({'enabled': 'N'}, 'is not enabled (enabled: N)'),
    ({'dynamic-campaign': None}, 'is not a dynamic campaign'),
])
def test_non_dynamic_or_disabled_campaign_is_refused_before_any_write(client, rsps, sent, extra, problem):
    rsps.add(responses.GET, READ, json=vendor.read_answer(3, **extra))
    with pytest.raises(PreconditionError) as caught:
        Converger(client).converge(dict(campaign_id='6561', state='paused'))
    assert '8x8 campaign 6561 ' + problem in caught.value.message
    assert sent() == [('GET', READ)]


def test_non_dynamic_campaign_already_in_state_is_fine(client, rsps, sent):
    rsps.add(responses.GET, READ, json=vendor.read_answer(8, **{'dynamic-campaign': 'N'}))
    assert Converger(client).converge(dict(campaign_id='6561', state='paused'))['changed'] is False
    assert sent() == [('GET', READ)]


def test_bc2_maps_to_bell(http, rsps, sent):
    bell = vendor.read_url(host='https://odcc2.bell.ca')
    rsps.add(responses.GET, bell, json=vendor.read_answer(3))
    EightByEight(http, options(platform='bc2')).read(dict(campaign_id='6561'))
    assert sent() == [('GET', bell)]


@pytest.mark.parametrize('platform, host', [('eu3', 'https://vcc-eu3.8x8.com'), ('ap1', 'https://vcc-ap1.8x8.com'),
                                            ('ca1', 'https://vcc-ca1.8x8.com')])
def test_platform_host(http, platform, host):
    assert EightByEight(http, options(platform=platform)).base_url == host


@pytest.mark.parametrize('platform, host', [('eu21', 'https://vcc-eu21.8x8.com'), ('sb1', 'https://vcc-sb1.8x8.com'),
                                            ('EU1', 'https://vcc-eu1.8x8.com')])
def test_platforms_outside_the_openapi_server_list_follow_the_pattern(http, platform, host):
    # eu21, eu1 and the sandbox sb1 exist although 8x8's OpenAPI server list omits them.
    opts = options(platform=platform)
    EightByEight.validate(opts, needs_write=True)
    assert EightByEight(http, opts).base_url == host


@pytest.mark.parametrize('platform', ['na', 'n12', 'na1234', 'na-12', 'sandbox'])
def test_platform_not_matching_the_pattern_is_refused(platform):
    with pytest.raises(ValidationError, match='is not an 8x8 platform'):
        EightByEight.validate(options(platform=platform), needs_write=True)


def test_bell_platform_other_than_bc2_needs_api_url():
    with pytest.raises(ValidationError, match='bc3 is a Bell Canada platform whose host 8x8 does not document: give api_url'):
        EightByEight.validate(options(platform='bc3'), needs_write=True)
    EightByEight.validate(options(platform='bc3', api_url='https://odcc3.bell.ca'), needs_write=True)


@pytest.mark.parametrize('answer', [dict(body=''), dict(json=CHANGED)])
def test_status_write_answered_200_without_a_body_is_a_success(answer, http_for, rsps, sent):
    # 8x8's OpenAPI documents the 200 with no body; its guide shows a message. Both succeed with one write.
    client = EightByEight(http_for(EightByEight), options())
    client.http.retry.retries = 0
    rsps.add(responses.GET, READ, json=vendor.read_answer(3))
    rsps.add(responses.POST, WRITE, status=200, **answer)
    result = Converger(client).converge(dict(campaign_id='6561', state='paused'))
    assert result['changed'] is True and result['actions'] == ['pause']
    assert sent() == [('GET', READ), ('POST', WRITE)]


def test_api_url_replaces_the_platform_host(http):
    assert EightByEight(http, options(api_url='http://127.0.0.1:8080')).base_url == 'http://127.0.0.1:8080'


def test_invalid_state_transition_is_a_wrong_state_error(client, rsps):
    rsps.add(responses.GET, READ, json=vendor.read_answer(3))
    rsps.add(responses.POST, WRITE, status=400, json=vendor.message_body('Invalid state transition'))
    with pytest.raises(WrongStateError) as caught:
        client.apply(client.read(dict(campaign_id='6561')), 'purge', dict(campaign_id='6561'))
    assert caught.value.message == '8x8 campaign 6561: purge: HTTP 400: Invalid state transition'


@pytest.mark.parametrize('message', ['Not a dynamic campaign', 'The campaign is not enabled.'])
def test_precondition_answers_on_write(client, rsps, message):
    rsps.add(responses.GET, READ, json=vendor.read_answer(3))
    rsps.add(responses.POST, WRITE, status=400, json=vendor.message_body(message))
    with pytest.raises(PreconditionError, match=message):
        client.apply(client.read(dict(campaign_id='6561')), 'pause', dict(campaign_id='6561'))


def test_500_on_write_hints_at_a_stopped_campaign(client, rsps):
    rsps.add(responses.GET, READ, json=vendor.read_answer(3))
    rsps.add(responses.POST, WRITE, status=500, json=vendor.message_body('Internal server error'))
    with pytest.raises(VendorError, match='HTTP 500: Internal server error \\(8x8 answers this when the campaign is stopped\\)'):
        client.apply(client.read(dict(campaign_id='6561')), 'stop', dict(campaign_id='6561'))
    assert len(rsps.calls) == 2


def test_read_404_is_not_found(client, rsps):
    rsps.add(responses.GET, READ, status=404, json=vendor.message_body('Campaign not found'))
    with pytest.raises(NotFoundError, match='8x8 campaign 6561: HTTP 404'):
        client.read(dict(campaign_id='6561'))


def test_read_without_campaign_is_a_vendor_error(client, rsps):
    rsps.add(responses.GET, READ, json=vendor.message_body('ok'))
    with pytest.raises(VendorError, match='the answer has no campaign "status"'):
        client.read(dict(campaign_id='6561'))


def test_native_status_is_described_with_its_name(client):
    assert client.describe_native(10) == '10 (Manual Purged)'
    assert client.describe_native(42) == '42'
