# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Options: environment binding per provider, foreign options, credentials, and the validation
of every value that ends up in a URL."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import pytest

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import ValidationError
from ansible_collections.campaignops.campaigns.plugins.module_utils._options import (
    CONNECTION_ARGUMENT_SPEC,
    ENV_BOUND_OPTIONS,
    PROVIDER_SPECIFIC_OPTIONS,
    STATE_OPTION_SPEC,
    resolve_connection,
    secret_values,
    validate_api_url,
    validate_campaign_id,
    validate_vdn_id,
)
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.eightbyeight import validate_platform
from ansible_collections.campaignops.campaigns.plugins.module_utils._providers.wolkvox import validate_server
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS


def params(provider, **values):
    """What AnsibleModule hands the engine: every option present, unset ones as None/defaults."""
    result = dict((name, spec.get('default')) for name, spec in CONNECTION_ARGUMENT_SPEC.items())
    result.update((name, None) for name in STATE_OPTION_SPEC)
    result.update(provider=provider, **values)
    return result


def resolve(provider, environ=None, **values):
    return resolve_connection(params(provider, **values), PROVIDERS[provider], environ=environ or {})


# ----- environment binding ---------------------------------------------------------------

def test_ca_path_from_the_providers_environment_variable(tmp_path):
    bundle = tmp_path / 'ca.pem'
    bundle.write_text(u'-----BEGIN CERTIFICATE-----')
    assert resolve('voltmx', environ={'VOLTMX_CA_PATH': str(bundle), 'OCAMBA_CA_PATH': '/nowhere'})['ca_path'] == str(bundle)
    assert resolve('ocamba', environ={'VOLTMX_CA_PATH': str(bundle)})['ca_path'] is None
    with pytest.raises(ValidationError, match="ca_path '/nowhere' is not a file"):
        resolve('ocamba', environ={'OCAMBA_CA_PATH': '/nowhere'})


# (provider, option, environment variable, value), from each vendor's test data.
ENV_BINDINGS = [(name,) + binding for name in NAMES for binding in VENDORS[name].ENV_BINDINGS]


@pytest.mark.parametrize('provider, option, variable, value', ENV_BINDINGS)
def test_environment_variable_binds_to_the_selected_provider(provider, option, variable, value):
    assert resolve(provider)[option] is None
    assert resolve(provider, environ={variable: value})[option] == value


def test_isales_vdn_id_from_environment_is_an_integer():
    assert resolve('isales', environ={'ISALES_VDN_ID': '12'})['vdn_id'] == 12


def test_isales_vdn_id_from_environment_is_validated():
    with pytest.raises(ValidationError, match='vdn_id must be an integer from 1 to 9999'):
        resolve('isales', environ={'ISALES_VDN_ID': '0'})


@pytest.mark.parametrize('provider, option, variable, value', ENV_BINDINGS)
def test_task_value_wins_over_environment(provider, option, variable, value):
    task_value = 'http://task.example.com' if option == 'api_url' else ('0099' if option == 'server' else
                                                                        ('eu3' if option == 'platform' else 'from-task'))
    assert resolve(provider, environ={variable: value}, **{option: task_value})[option] == task_value


@pytest.mark.parametrize('provider', NAMES)
def test_variables_of_another_provider_are_ignored(provider):
    environ = dict((variable, value) for name in NAMES if name != provider for _option, variable, value in VENDORS[name].ENV_BINDINGS)
    options = resolve(provider, environ=environ)
    assert [name for name in ENV_BOUND_OPTIONS if options[name] is not None] == []


def test_empty_environment_variable_counts_as_unset():
    assert resolve('ocamba', environ={'OCAMBA_TOKEN': ''})['token'] is None


def test_environment_secrets_are_reported_for_masking():
    options = resolve('8x8', environ={'EIGHTBYEIGHT_DATA_TOKEN': 'd-secret', 'EIGHTBYEIGHT_ACTION_TOKEN': 'a-secret',
                                      'EIGHTBYEIGHT_USERNAME': 'tenant'})
    assert sorted(secret_values(options)) == ['a-secret', 'd-secret']


# ----- options of another provider ------------------------------------------------------

# (provider, option) for every option that only other providers take.
FOREIGN_OPTIONS = [(name, option) for name, provider_cls in PROVIDERS.items()
                   for option in PROVIDER_SPECIFIC_OPTIONS if option not in provider_cls.own_options]


@pytest.mark.parametrize('provider, option', FOREIGN_OPTIONS)
def test_option_of_another_provider_fails_naming_it(provider, option):
    with pytest.raises(ValidationError) as caught:
        resolve(provider, **{option: 12 if option == 'vdn_id' else 'x'})
    assert 'option {0} cannot be used with provider={1}'.format(option, provider) in caught.value.message


def test_several_foreign_options_are_all_named():
    with pytest.raises(ValidationError) as caught:
        resolve('ocamba', vdn_id=3, platform='na12')
    assert 'options platform, vdn_id cannot be used with provider=ocamba; ocamba accepts: api_url, reason, token' == caught.value.message


def test_foreign_option_is_refused_even_when_the_environment_would_not_set_it():
    with pytest.raises(ValidationError):
        resolve('wolkvox', environ={'WOLKVOX_TOKEN': 't'}, secret_key='s')


# ----- credentials and endpoints ---------------------------------------------------------

@pytest.mark.parametrize('provider, values, expected', [
    (name, values, expected) for name in NAMES for values, expected in VENDORS[name].MISSING_CREDENTIALS])
def test_missing_credentials_name_the_option_and_the_environment_variable(provider, values, expected):
    options = resolve(provider, **values)
    with pytest.raises(ValidationError) as caught:
        PROVIDERS[provider].validate(options, needs_write=False)
    assert caught.value.message == expected


def test_8x8_write_needs_the_action_token_but_a_read_does_not():
    options = resolve('8x8', platform='na12', username='tenant', data_token='d')
    PROVIDERS['8x8'].validate(dict(options), needs_write=False)
    with pytest.raises(ValidationError) as caught:
        PROVIDERS['8x8'].validate(dict(options), needs_write=True)
    assert 'action_token (EIGHTBYEIGHT_ACTION_TOKEN)' in caught.value.message


def test_credentials_from_environment_satisfy_validation():
    options = resolve('8x8', environ={'EIGHTBYEIGHT_USERNAME': 't', 'EIGHTBYEIGHT_DATA_TOKEN': 'd',
                                      'EIGHTBYEIGHT_ACTION_TOKEN': 'a', 'EIGHTBYEIGHT_PLATFORM': 'NA12'})
    PROVIDERS['8x8'].validate(options, needs_write=True)
    assert options['platform'] == 'na12'


@pytest.mark.parametrize('provider, values, expected', [
    (name,) + VENDORS[name].MISSING_ENDPOINT for name in NAMES if VENDORS[name].MISSING_ENDPOINT is not None])
def test_missing_endpoint_names_the_option_and_the_environment_variable(provider, values, expected):
    with pytest.raises(ValidationError) as caught:
        PROVIDERS[provider].validate(resolve(provider, **values), needs_write=False)
    assert expected in caught.value.message


def test_ocamba_has_a_default_endpoint():
    options = resolve('ocamba', token='t')
    PROVIDERS['ocamba'].validate(options, needs_write=True)
    assert PROVIDERS['ocamba'](None, options).base_url == 'https://api.ocamba.com'


# ----- campaign ids ------------------------------------------------------------------------

@pytest.mark.parametrize('value', [
    '1/../x', '1/2', '..', 'a..b', '1?a=b', 'a#b', 'a b', ' 1', '1 ', 'a&b=c', '%2F', '1%2e%2e',
    '1\x00', '1\x1f2', '1\t2', '1\n', '1\r\n', '\n1', '1\x7f', 'a\\b', '-1', '.hidden', '1;2',
    'x' * 129, '',
])
def test_malformed_campaign_id_is_rejected(value):
    with pytest.raises(ValidationError) as caught:
        validate_campaign_id(value)
    assert 'campaign_id' in caught.value.message


def test_missing_campaign_id_is_rejected():
    with pytest.raises(ValidationError, match='campaign_id is required'):
        validate_campaign_id(None)


def test_too_long_campaign_id_message_gives_the_limit():
    with pytest.raises(ValidationError, match='129 characters long; the limit is 128'):
        validate_campaign_id('1' * 129)


@pytest.mark.parametrize('value', ['6561', 'abc-DEF_1.2', 'a:b@c~d', 'x' * 128, '0'])
def test_well_formed_campaign_id_is_accepted(value):
    assert validate_campaign_id(value) == value


NUMERIC_IDS = [name for name in NAMES if VENDORS[name].NUMERIC_CAMPAIGN_IDS]


@pytest.mark.parametrize('provider', NUMERIC_IDS)
@pytest.mark.parametrize('value', ['abc', '12a', '1.5', '1-2'])
def test_numeric_ids_must_be_digits(provider, value):
    with pytest.raises(ValidationError, match='it must be a number'):
        PROVIDERS[provider].validate_item(dict(campaign_id=value, vdn_id=1))


@pytest.mark.parametrize('provider', NUMERIC_IDS)
def test_numeric_ids_of_digits_are_accepted(provider):
    item = dict(campaign_id='6561', vdn_id=1)
    PROVIDERS[provider].validate_item(item)
    assert item['campaign_id'] == '6561'


@pytest.mark.parametrize('provider', [name for name in NAMES if name not in NUMERIC_IDS])
def test_other_providers_accept_non_numeric_ids(provider):
    PROVIDERS[provider].validate_item(dict(campaign_id='camp-7'))


def test_isales_item_needs_a_vdn_id():
    with pytest.raises(ValidationError, match='provider=isales needs vdn_id'):
        PROVIDERS['isales'].validate_item(dict(campaign_id='5', vdn_id=None))


# ----- platform, server, api_url, vdn_id ----------------------------------------------------

@pytest.mark.parametrize('value', ['evil.example/#', 'na12.evil.com', 'n12', 'na1234', 'na', '12na', 'na12\n', 'na-12', ''])
def test_bad_platform_is_rejected(value):
    with pytest.raises(ValidationError, match='is not an 8x8 platform'):
        validate_platform(value)


@pytest.mark.parametrize('value, expected', [('NA12', 'na12'), ('eu3', 'eu3'), ('bc2', 'bc2'), ('Sb123', 'sb123')])
def test_platform_is_lowered(value, expected):
    assert validate_platform(value) == expected


@pytest.mark.parametrize('value', ['abc', '0032.evil.com', '32a', '0032\n', '1234567', '', '-1', ' 0032'])
def test_server_must_be_digits(value):
    with pytest.raises(ValidationError, match='is not a Wolkvox server code'):
        validate_server(value)


@pytest.mark.parametrize('value', ['0032', '7', '123456'])
def test_server_digits_are_accepted(value):
    assert validate_server(value) == value


def test_server_is_validated_even_when_api_url_is_given():
    options = resolve('wolkvox', token='t', api_url='http://127.0.0.1:8080', server='evil.com/')
    with pytest.raises(ValidationError, match='server'):
        PROVIDERS['wolkvox'].validate(options, needs_write=False)


def test_platform_is_validated_even_when_api_url_is_given():
    options = resolve('8x8', username='u', data_token='d', api_url='http://127.0.0.1:8080', platform='evil.example/#')
    with pytest.raises(ValidationError, match='platform'):
        PROVIDERS['8x8'].validate(options, needs_write=False)


@pytest.mark.parametrize('value, problem', [
    ('ftp://files.example.com', 'must start with http:// or https://'),
    ('api.example.com', 'must start with http:// or https://'),
    ('https://', 'has no host'),
    ('http:///path', 'has no host'),
    ('https://api.example.com/?debug=1', 'must not have a query or fragment'),
    ('https://api.example.com?', 'must not have a query or fragment'),
    ('https://api.example.com/#top', 'must not have a query or fragment'),
    ('https://api.example.com/../admin', 'no path'),
    ('https://api.example.com/a%2Fb', 'no path'),
    ('https://voltmx.example.com:8443/prefix/', 'no path'),
    ('https://api.example.com/a b', 'printable ASCII characters only'),
    ('https://api.example.com/\n', 'printable ASCII characters only'),
    ('https://api.example.com\u202e/x', 'printable ASCII characters only'),
    ('https://a..b.example.com', 'neither a DNS name'),
    ('https://' + 'a' * 64 + '.example.com', 'neither a DNS name'),
    ('https://1&api=stop', 'neither a DNS name'),
])
def test_bad_api_url_is_rejected(value, problem):
    with pytest.raises(ValidationError) as caught:
        validate_api_url(value)
    assert problem in caught.value.message


@pytest.mark.parametrize('value', [
    'https://admin:hunter2@api.example.com',
    'https://admin:hunter2@api.example.com:8443/x',
    'https://:hunter2@api.example.com',
    'https://admin:hunter2@api.example.com:notaport',
    'https://admin:hunter2@[::1',
    'https://admin:hunter2/x@api.example.com',
    'https://admin:x@hunter2@api.example.com:1',
])
def test_api_url_with_credentials_is_rejected_without_echoing_the_password(value):
    with pytest.raises(ValidationError) as caught:
        validate_api_url(value)
    assert 'hunter2' not in caught.value.message
    assert 'api_url' in caught.value.message


@pytest.mark.parametrize('value', [
    'http://admin:2024/Spring@host.example.com:8080',
    'http://admin:2024/Spring@host.example.com',
    'https://admin:Sp ring@host.example.com',
    'http://admin:20x4/Spring@host.example.com',
])
def test_a_password_in_api_url_is_refused_and_never_shown(value):
    # The first parses as host "admin", port 2024 and a path: what the user meant as a password
    # must appear nowhere, not even in the message that refuses it.
    with pytest.raises(ValidationError) as caught:
        validate_api_url(value)
    assert 'api_url' in caught.value.message
    for part in ('2024', 'Spring', 'Sp ring', '20x4'):
        assert part not in caught.value.message


@pytest.mark.parametrize('option', ['token', 'data_token', 'action_token', 'access_key'])
@pytest.mark.parametrize('value', ['tok\u20acen', 'tok en', 'caf\xe9'])
def test_a_token_http_cannot_carry_is_refused_naming_the_option_only(option, value):
    provider = next(name for name, cls in PROVIDERS.items() if option in cls.own_options)
    with pytest.raises(ValidationError) as caught:
        resolve(provider, **{option: value})
    assert caught.value.message.startswith(option + ' contains characters that an HTTP header cannot carry')
    assert value not in caught.value.message and 'position' not in caught.value.message


def test_api_url_with_credentials_says_why():
    with pytest.raises(ValidationError, match='must not carry credentials'):
        validate_api_url('https://admin:hunter2@api.example.com')


@pytest.mark.parametrize('value, expected', [
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
    ('https://api.example.com/', 'https://api.example.com'),
    ('http://[::1]:8080', 'http://[::1]:8080'),
])
def test_good_api_url_is_accepted(value, expected):
    assert validate_api_url(value) == expected


@pytest.mark.parametrize('value', [0, 10000, -1, 'abc', True, False, '1.5', 1.5, None, '', '0x10'])
def test_bad_vdn_id_is_rejected(value):
    with pytest.raises(ValidationError, match='vdn_id must be an integer from 1 to 9999'):
        validate_vdn_id(value)


@pytest.mark.parametrize('value, expected', [(1, 1), (9999, 9999), ('12', 12)])
def test_good_vdn_id_is_accepted(value, expected):
    assert validate_vdn_id(value) == expected


def test_vdn_id_is_validated_when_given_as_a_task_option():
    with pytest.raises(ValidationError):
        resolve('isales', vdn_id=10000)
    assert resolve('isales', vdn_id=9999)['vdn_id'] == 9999


# ----- retries, timeout, concurrency ---------------------------------------------------------

@pytest.mark.parametrize('retries', [-1, 11])
def test_retries_out_of_range_is_rejected(retries):
    with pytest.raises(ValidationError, match='retries={0} is out of range: use 0 to 10'.format(retries)):
        resolve('ocamba', retries=retries)


@pytest.mark.parametrize('timeout', [0, -1.0, 601])
def test_timeout_out_of_range_is_rejected(timeout):
    with pytest.raises(ValidationError, match='timeout='):
        resolve('ocamba', timeout=timeout)


def concurrency_cases(name):
    """(provider, concurrency asked, concurrency granted or None for refused) at the edges of its range."""
    default, maximum = VENDORS[name].CONCURRENCY
    return [(name, None, default), (name, maximum, maximum), (name, maximum + 1, None), (name, 0, None), (name, -1, None)]


@pytest.mark.parametrize('provider, concurrency, accepted', [case for name in NAMES for case in concurrency_cases(name)])
def test_concurrency_range_per_provider(provider, concurrency, accepted):
    options = dict(concurrency=concurrency)
    if accepted is None:
        with pytest.raises(ValidationError, match='concurrency={0} is out of range for provider={1}'.format(concurrency, provider)):
            PROVIDERS[provider].effective_concurrency(options)
    else:
        assert PROVIDERS[provider].effective_concurrency(options) == accepted
