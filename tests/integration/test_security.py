# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Security: TLS verification against an HTTPS simulator, and adversarial option values.

HTTPS: a simulator with its own CA. ``campaign_info`` must refuse it by default with a message
about the certificate that points at ``ca_path``, and accept it with ``ca_path`` set to the
simulator's CA bundle, or with ``validate_certs: false``.

Adversarial input: values built to change where a request goes or what it does (path traversal,
query and fragment injection, percent-encoding, control and bidi characters, fullwidth
look-alikes, over-long values, wrong types) in every option that ends up in a URL
(``campaign_id``, ``api_url``, ``server``, ``platform``, ``vdn_id``), for every provider where the
option applies, in the single and the bulk form. Each must be rejected before any request (the
simulator's request log stays empty) with a message naming the option, without a traceback and
without echoing a credential. Cases run in batches, one playbook per option and provider."""

from __future__ import annotations

import collections
import json
import os

import pytest
import requests

from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
from ansible_collections.campaignops.campaigns.tests.vendors import NAMES, VENDORS
from tests.integration.playbook import PlaybookRunner, vendor_env_prefixes
from tests.integration.test_playbooks import MOVES
from tests.integration.vendor_tasks import connection
from tests.simulator import DEFAULT_CREDENTIALS, Simulator

STATE = 'campaignops.campaigns.campaign_state'
INFO = 'campaignops.campaigns.campaign_info'
SECRETS = sorted(set(value for creds in DEFAULT_CREDENTIALS.values() for key, value in creds.items()
                     if isinstance(value, str) and key not in ('username', 'access_key')))


# ----- HTTPS ---------------------------------------------------------------------------------

@pytest.fixture(scope='module')
def https_sim(tmp_path_factory):
    """A simulator of its own that serves TLS with a certificate from its own CA."""
    with Simulator(https=True, cert_dir=str(tmp_path_factory.mktemp('sim-tls'))) as server:
        yield server


@pytest.fixture()
def https_run(https_sim, ansible_collections_dir, tmp_path):
    """``https_run(extra)``: campaign_info of one campaign per provider against the HTTPS simulator;
    returns (run, the simulator's request log)."""
    session = requests.Session()
    # verify per request: a session-level verify loses against REQUESTS_CA_BUNDLE from the environment
    verify = https_sim.ca_cert_path

    def run(extra):
        session.post(https_sim.url + '/_sim/reset', timeout=10, verify=verify).raise_for_status()
        tasks = []
        for provider in NAMES:
            args = dict(provider=provider, campaign_id=MOVES[provider][0], **info_connection(provider, https_sim.url))
            args.update(extra)
            tasks.append({'name': 'info {0}'.format(provider), INFO: args})
        result = PlaybookRunner(ansible_collections_dir, tmp_path, https_sim.url).run_tasks(tasks, verbosity=3)
        log = session.get(https_sim.url + '/_sim/requests', timeout=10, verify=verify).json()
        return result, log
    yield run
    session.close()


def info_connection(provider, url):
    conn = connection(provider, url)
    conn.pop('action_token', None)
    return conn


def test_https_is_refused_by_default_with_a_clear_message(https_sim, https_run):
    assert https_sim.url.startswith('https://')
    run, log = https_run({})
    for index, provider in enumerate(NAMES):
        result = run[index]
        assert result['failed'] is True, (provider, result)
        assert 'certificate' in result['msg'], (provider, result['msg'])
        assert 'ca_path' in result['msg'], (provider, result['msg'])
        assert 'Traceback' not in result['msg']
    assert 'Traceback' not in run.output
    # The TLS handshake failed: no HTTP request ever reached the vendor.
    assert log == []


def test_https_with_ca_path_is_accepted(https_sim, https_run):
    run, log = https_run({'ca_path': https_sim.ca_cert_path})
    assert run.rc == 0, run.output[-3000:]
    for index, provider in enumerate(NAMES):
        campaign_id, state, _target, _actions = MOVES[provider]
        campaigns = run[index]['campaigns']
        assert [(campaign['id'], campaign['state']) for campaign in campaigns] == [(campaign_id, state)], provider
    assert sorted(set(entry['provider'] for entry in log)) == sorted(NAMES)
    assert all(entry['status'] == 200 for entry in log), log


def test_https_without_certificate_validation_is_accepted(https_sim, https_run):
    run, log = https_run({'validate_certs': False})
    assert run.rc == 0, run.output[-3000:]
    for index, provider in enumerate(NAMES):
        assert run[index]['campaigns'][0]['id'] == MOVES[provider][0]
    assert sorted(set(entry['provider'] for entry in log)) == sorted(NAMES)


def test_https_state_change_with_ca_path(https_sim, https_run, ansible_collections_dir, tmp_path):
    """A write over verified TLS, end to end (ca_path applies to writes as well)."""
    requests.post(https_sim.url + '/_sim/reset', timeout=10, verify=https_sim.ca_cert_path).raise_for_status()
    args = dict(provider='8x8', campaign_id='6503', state='paused', ca_path=https_sim.ca_cert_path, **connection('8x8', https_sim.url))
    run = PlaybookRunner(ansible_collections_dir, tmp_path, https_sim.url).run_tasks([{STATE: args}])
    assert run[0].get('changed') is True, run.output[-3000:]
    assert run[0]['actions'] == ['pause']
    assert https_sim.campaign('8x8', 6503)['status'] == 8


def test_https_certificate_failure_is_not_retried(https_sim):
    """A certificate that does not verify will not verify on the next attempt either."""
    from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import TransportError  # pylint: disable=import-outside-toplevel
    from ansible_collections.campaignops.campaigns.plugins.module_utils._http import HttpClient, RetryPolicy  # pylint: disable=import-outside-toplevel
    sleeps = []
    client = HttpClient(timeout=5, retry=RetryPolicy(retries=3, sleep=sleeps.append))
    try:
        with pytest.raises(TransportError) as caught:
            client.request('GET', https_sim.url + '/v1/hood/campaigns/304')
    finally:
        client.close()
    assert 'certificate' in str(caught.value)
    assert sleeps == []


# ----- adversarial option values -------------------------------------------------------------

# Built to alter a URL: traversal, query/fragment/parameter injection, encoded dots, control,
# bidi and zero-width characters, fullwidth look-alikes, over-long values.
URL_BREAKERS = [
    ('traversal', '1/../x'),
    ('query', '1?a=b'),
    ('host and fragment', 'evil.example/#'),
    ('encoded dots', '%2e%2e'),
    ('parameter injection', '1&api=stop'),
    ('newline', 'a\nb'),
    ('CRLF header injection', '1\r\nX-Injected: 1'),
    ('NUL', '1\x00'),
    ('bidi override', '\u202e'),
    ('bidi override inside', '1\u202e2'),
    ('zero-width space', '1\u200b'),
    ('fullwidth slash', '\uff0f'),
    ('fullwidth slash inside', '1\uff0f2'),
    ('fullwidth digits', '\uff11\uff12'),
    ('129 characters', '1' * 129),
    ('10 kB', '7' * 10240),
    ('unicode letters', '\u00e9t\u00e9'),
    ('dot dot', '..'),
    ('trailing space', '1 '),
    ('backslash', '1\\x'),
]
ID_VALUES = URL_BREAKERS + [('empty', ''), ('a list', ['6561']), ('a dict', {'id': '6561'})]
# Where ids are numbers (NUMERIC_CAMPAIGN_IDS), a float looks like one but is not.
NUMERIC_ID_VALUES = ID_VALUES + [('a float', 6561.0)]

SERVER_VALUES = ([('host injection', '0032.evil.com/'), ('host suffix', '0032.evil.com'), ('path', '0032/x'),
                  ('userinfo', '0032@evil.com'), ('port', '0032:444')] + URL_BREAKERS +
                 [('a list', ['0032']), ('a dict', {'server': '0032'})])
PLATFORM_VALUES = [('host injection', 'na12.evil.com'), ('path', 'na12/x'), ('userinfo', 'na12@evil.com'), ('port', 'na12:444'),
                   ('too many digits', 'na1234'), ('one letter', 'n12'), ('fullwidth digits', 'na\uff11\uff12'),
                   ('bidi prefix', '\u202ena12')] + URL_BREAKERS + [('a list', ['na12']), ('a dict', {'platform': 'na12'})]
VDN_VALUES = [('zero', 0), ('too big', 10000), ('negative', -1), ('SQL', '1; DROP'), ('traversal', '1/../2'), ('hex', '0x10'),
              ('a float', 1.5), ('a bool', True), ('a list', [1]), ('a dict', {'vdn': 1}), ('bidi', '1\u202e')]


def api_url_values(url):
    """api_url values; ``url`` is the simulator's, so a value that is wrongly accepted sends a
    request the simulator logs."""
    return [
        ('file scheme', 'file:///etc/passwd'),
        ('credentials', 'http://user:pass@127.0.0.1:1'),
        ('credentials and traversal', 'http://user:pass@host/../x'),
        ('javascript', 'javascript:alert(1)'),
        ('no scheme', '127.0.0.1:8080'),
        ('traversal', url + '/1/../x'),
        ('query', url + '/x?a=b'),
        ('parameter injection', url + '?api=stop'),
        ('fragment', 'http://evil.example/#' + url),
        ('encoded dots', url + '/%2e%2e'),
        ('newline', url + '/a\nb'),
        ('CRLF', url + '\r\nX-Injected: 1'),
        ('backslash', url + '\\@evil.example'),
        ('fullwidth slash in host', 'http://127.0.0.1\uff0fevil.example'),
        ('bad port', 'http://127.0.0.1:99999'),
        ('a list', [url]),
        ('a dict', {'url': url}),
    ]


# Values the collection accepts today although they should be refused: key (option, label) -> bug.
API_URL_UNICODE = (
    'api_url accepts Unicode format and look-alike characters: validate_api_url() only refuses ASCII control '
    'characters, so a bidi override (U+202E), a zero-width space or a fullwidth slash in the path (or host) passes '
    'and the request is sent (plugins/module_utils/_options.py, validate_api_url, the "[\\s\\x00-\\x1f\\x7f%\\\\]" check)')
API_URL_HOST = (
    'api_url does not validate its host: "http://1&api=stop" is accepted and fails later as "could not connect", '
    'a host of 129 or 10240 characters fails inside urllib3 with "unexpected error (LocationParseError ...); this is a bug" '
    'instead of a message naming api_url (plugins/module_utils/_options.py, validate_api_url: parts.hostname is only '
    'checked for being non-empty)')
KNOWN_BUGS = {
    ('api_url', 'bidi override in path'): API_URL_UNICODE,
    ('api_url', 'zero-width space in path'): API_URL_UNICODE,
    ('api_url', 'fullwidth slash in path'): API_URL_UNICODE,
    ('api_url', 'bidi override in host'): API_URL_UNICODE,
    ('api_url', 'parameter injection in host'): API_URL_HOST,
    ('api_url', '129 characters host'): API_URL_HOST,
    ('api_url', '10 kB host'): API_URL_HOST,
}


def api_url_bug_values(url):
    return [
        ('bidi override in path', url + '/\u202e'),
        ('zero-width space in path', url + '/x\u200b'),
        ('fullwidth slash in path', url + '/1\uff0f2'),
        ('bidi override in host', 'http://\u202e127.0.0.1:1'),
        ('parameter injection in host', 'http://1&api=stop'),
        ('129 characters host', 'http://' + 'a' * 129),
        ('10 kB host', 'http://' + 'a' * 10240),
    ]


Case = collections.namedtuple('Case', 'option provider label module args')


def base_args(provider, url, module=STATE):
    """Valid arguments for a task that would otherwise succeed (and so send requests)."""
    args = dict(provider=provider, campaign_id=MOVES[provider][0], **connection(provider, url))
    if module == STATE:
        args['state'] = MOVES[provider][2]
    else:
        args.pop('action_token', None)
    return args


def bulk_args(provider, url, bad_item):
    """The bulk form: one bad item between two good ones."""
    args = base_args(provider, url)
    good = args.pop('campaign_id')
    args['campaigns'] = [dict(campaign_id=good), bad_item, dict(campaign_id=good + '0')]
    return args


def without(args, *names):
    return dict((key, value) for key, value in args.items() if key not in names)


def cases_for(option, provider, url, selection=None):
    """The cases of one option and provider (single form, bulk form, campaign_info); ``selection``
    keeps only the values with those labels."""
    cases = []

    def keep(values):
        return [(label, value) for label, value in values if selection is None or label in selection]
    if option == 'campaign_id':
        values = keep(NUMERIC_ID_VALUES if VENDORS[provider].NUMERIC_CAMPAIGN_IDS else ID_VALUES)
        for label, value in values:
            cases.append(Case(option, provider, label, STATE, dict(base_args(provider, url), campaign_id=value)))
            cases.append(Case(option, provider, 'bulk ' + label, STATE, bulk_args(provider, url, dict(campaign_id=value))))
            cases.append(Case(option, provider, 'info ' + label, INFO, dict(base_args(provider, url, INFO), campaign_id=value)))
    elif option == 'api_url':
        for label, value in keep(api_url_values(url)):
            cases.append(Case(option, provider, label, STATE, dict(base_args(provider, url), api_url=value)))
            cases.append(Case(option, provider, 'info ' + label, INFO, dict(base_args(provider, url, INFO), api_url=value)))
    elif option in ('server', 'platform'):
        for label, value in keep(SERVER_VALUES if option == 'server' else PLATFORM_VALUES):
            # with api_url given (still validated: a wrongly accepted value would reach the simulator) ...
            cases.append(Case(option, provider, label, STATE, dict(base_args(provider, url), **{option: value})))
            # ... and as the only endpoint
            cases.append(Case(option, provider, 'no api_url ' + label, STATE, dict(without(base_args(provider, url), 'api_url'),
                                                                                   **{option: value})))
    elif option == 'vdn_id':
        for label, value in keep(VDN_VALUES):
            cases.append(Case(option, provider, label, STATE, dict(base_args(provider, url), vdn_id=value)))
            cases.append(Case(option, provider, 'info ' + label, INFO, dict(base_args(provider, url, INFO), vdn_id=value)))
            cases.append(Case(option, provider, 'bulk ' + label, STATE, bulk_args(provider, url, dict(campaign_id='205', vdn_id=value))))
    return cases


# Every provider's campaign_id and api_url, and each endpoint option of the providers that take it.
OPTION_PROVIDERS = [('campaign_id', provider) for provider in NAMES] + [('api_url', provider) for provider in NAMES] + [
    (option, provider) for option in ('server', 'platform', 'vdn_id') for provider in NAMES if option in PROVIDERS[provider].own_options]


def problems_of(case, result):
    """What is wrong with the result of one case (empty when it was refused properly)."""
    msg = str(result.get('msg', ''))
    where = '{0} {1} {2!r}'.format(case.provider, case.option, case.label)
    if not result.get('failed'):
        return ['{0}: accepted ({1})'.format(where, dict((key, result.get(key)) for key in ('changed', 'campaign', 'campaigns')))]
    problems = []
    if '\\x00' in repr(case.args) and msg.startswith('Failed to log to syslog (embedded null character)'):
        # ansible-core 2.21 refuses a NUL in any argument itself, before the module's code runs:
        # refused before any request, though in ansible-core's words.
        pass
    elif case.option not in msg:
        problems.append('{0}: the message does not name {1}: {2!r}'.format(where, case.option, msg[:300]))
    if 'unexpected error' in msg or 'Traceback' in msg or 'MODULE FAILURE' in msg:
        problems.append('{0}: crashed: {1!r}'.format(where, msg[:300]))
    if ':pass@' in str(case.args.get('api_url')) and 'pass' in msg:
        problems.append('{0}: the message echoes the URL password: {1!r}'.format(where, msg[:300]))
    if result.get('changed'):
        problems.append('{0}: reported changed'.format(where))
    return problems


class _ModuleExit(Exception):
    def __init__(self, result):
        super(_ModuleExit, self).__init__(result)
        self.result = result


@pytest.fixture()
def run_module(monkeypatch):
    """``run_module(module, args)``: the module's real ``main()`` in this process (argument spec,
    validation, engine, providers, HTTP to the simulator); only exiting is intercepted, and the
    result is masked with the module's no_log values as Ansible would."""
    from ansible.module_utils import basic  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.common.parameters import remove_values  # pylint: disable=import-outside-toplevel
    from ansible.module_utils.testing import patch_module_args  # pylint: disable=import-outside-toplevel
    from ansible_collections.campaignops.campaigns.plugins.modules import (  # pylint: disable=import-outside-toplevel
        campaign_info,
        campaign_state,
    )

    for name in list(os.environ):
        if name.startswith(vendor_env_prefixes()):
            monkeypatch.delenv(name)

    def exit_json(self, **kwargs):
        kwargs.setdefault('changed', False)
        raise _ModuleExit(remove_values(kwargs, self.no_log_values))

    def fail_json(self, msg, **kwargs):
        kwargs.pop('exception', None)
        kwargs.update(failed=True, msg=str(msg))
        raise _ModuleExit(remove_values(kwargs, self.no_log_values))
    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    modules = {STATE: campaign_state, INFO: campaign_info}

    def run(module, args):
        with patch_module_args(args):
            try:
                modules[module].main()
            except _ModuleExit as done:
                return done.result
        raise AssertionError('the module returned without exit_json or fail_json')
    return run


def check_in_process(run_module, sim, cases):
    problems = []
    for case in cases:
        problems.extend(problems_of(case, run_module(case.module, case.args)))
    log = sim.requests()
    if log:
        problems.append('requests reached the simulator: {0}'.format([(entry['method'], entry['path'], entry['query']) for entry in log][:10]))
    return problems


@pytest.mark.parametrize('option,provider', OPTION_PROVIDERS, ids=['{0}-{1}'.format(*pair) for pair in OPTION_PROVIDERS])
def test_adversarial_values_rejected_before_any_request(option, provider, sim, run_module):
    """Every value, single and bulk form and campaign_info, with the module's own code in this
    process against the simulator (fast enough to try them all)."""
    cases = cases_for(option, provider, sim.url)
    assert len(cases) >= 20
    problems = check_in_process(run_module, sim, cases)
    assert not problems, '\n'.join(problems)


def _bug_params():
    params = []
    for number, reason in enumerate(sorted(set(KNOWN_BUGS.values()))):
        labels = [label for (option, label), bug in KNOWN_BUGS.items() if bug == reason and option == 'api_url']
        params.append(pytest.param(labels, id='api_url-fixed-bug-{0}'.format(number + 1)))
    return params


@pytest.mark.parametrize('labels', _bug_params())
def test_adversarial_api_url_known_bugs(labels, sim, run_module):
    """api_url values the collection once accepted (unicode look-alikes, hosts that are no DNS
    name): one regression test per fixed bug, every provider."""
    # retries=0: the values that get through fail on the network, no need to wait for backoff
    cases = [Case('api_url', provider, label, STATE, dict(base_args(provider, sim.url), api_url=value, retries=0))
             for provider in NAMES for label, value in api_url_bug_values(sim.url) if label in labels]
    problems = check_in_process(run_module, sim, cases)
    assert not problems, '\n'.join(problems)


def environment_attacks(url):
    """(provider, option, environment variable, bad value) of each vendor's ENVIRONMENT_ATTACKS."""
    return [(provider, option, '{0}_{1}'.format(PROVIDERS[provider].env_prefix, option.upper()),
             value.format(url=url, **DEFAULT_CREDENTIALS[provider]))
            for provider in NAMES for option, value in VENDORS[provider].ENVIRONMENT_ATTACKS]


def test_adversarial_values_from_the_environment(sim, run_module, monkeypatch):
    """Values that come from environment variables (ad-hoc commands, AWX credentials) are validated too."""
    cases = []
    for provider, option, variable, value in environment_attacks(sim.url):
        args = without(base_args(provider, sim.url), option)
        if option in ('server', 'platform'):
            args.pop('api_url')
        monkeypatch.setenv(variable, value)
        cases.append(Case(option, provider, 'from ' + variable, STATE, args))
        problems = check_in_process(run_module, sim, cases[-1:])
        monkeypatch.delenv(variable)
        assert not problems, '\n'.join(problems)


CREDENTIAL_OPTIONS = [(provider, option) for provider in NAMES for option in VENDORS[provider].HEADER_CREDENTIALS]


def credential_cases(url, variants=('trailing newline', 'CRLF injection')):
    cases = []
    for provider, option in CREDENTIAL_OPTIONS:
        value = connection(provider, url)[option]
        for label, bad in (('trailing newline', value + '\n'), ('CRLF injection', value + '\r\nX-Injected: 1')):
            if label in variants:
                cases.append(Case(option, provider, label, STATE, dict(base_args(provider, url), **{option: bad})))
    return cases


def test_credentials_with_header_injection_are_refused_without_echo(sim, run_module):
    """A credential travels in a header: CR/LF in it must be refused, naming the option, never the value."""
    cases = credential_cases(sim.url)
    problems = check_in_process(run_module, sim, cases)
    for case in cases:
        result = run_module(case.module, case.args)
        for secret in SECRETS:
            if secret in json.dumps(result):
                problems.append('{0} {1}: a secret in the result'.format(case.provider, case.option))
    assert not problems, '\n'.join(problems)


# The same refusals through real ansible-playbook -vvv runs: YAML typing, Ansible's argument spec
# and the module process, and nothing secret in the verbose output. A representative selection.
PLAYBOOK_SELECTION = {
    'campaign_id': ('traversal', 'parameter injection', 'bidi override', '10 kB', 'a list', 'a float'),
    'api_url': ('credentials', 'traversal', 'a list'),
    'server': ('host injection', 'newline', 'a dict'),
    'platform': ('host injection', 'fullwidth slash', 'a list'),
    'vdn_id': ('zero', 'too big', 'negative', 'SQL'),
}


def playbook_cases(url, options):
    """Single form for every selected value; the bulk form, campaign_info and the variant without
    api_url for the first value only."""
    cases = []
    for option, provider in OPTION_PROVIDERS:
        if option not in options:
            continue
        first = PLAYBOOK_SELECTION[option][0]
        for case in cases_for(option, provider, url, PLAYBOOK_SELECTION[option]):
            variant = case.label.split(' ')[0] in ('bulk', 'info') or case.label.startswith('no api_url')
            if not variant or case.label.endswith(' ' + first) and not case.label.startswith('info'):
                cases.append(case)
    if 'credentials' in options:
        cases.extend(credential_cases(url, variants=('CRLF injection',)))
    return cases


@pytest.mark.parametrize('options', [('campaign_id',), ('api_url', 'server', 'platform', 'vdn_id', 'credentials')],
                         ids=['ids', 'endpoints-and-credentials'])
def test_adversarial_values_through_ansible_playbook(options, sim, playbook):
    cases = playbook_cases(sim.url, options)
    tasks = [{'name': 'case {0}'.format(index), case.module: case.args} for index, case in enumerate(cases)]
    run = playbook.run_tasks(tasks, verbosity=3)
    assert run.results, 'the playbook did not get to collect its results:\n' + run.output[-3000:]
    problems = []
    for index, case in enumerate(cases):
        problems.extend(problems_of(case, run[index] or {}))
    log = sim.requests()
    if log:
        problems.append('requests reached the simulator: {0}'.format([(entry['method'], entry['path']) for entry in log][:10]))
    if 'Traceback' in run.output:
        problems.append('a traceback in the output')
    problems.extend('a secret in the -vvv output: {0}...'.format(secret[:6]) for secret in SECRETS if secret in run.output)
    assert not problems, '\n'.join(problems)


def test_api_url_password_is_not_echoed_in_the_message(sim, run_module):
    """The failure message hides a password given in api_url."""
    result = run_module(STATE, dict(base_args('ocamba', sim.url), api_url='https://admin:S3cr3tPassw0rd@127.0.0.1:1'))
    assert result['failed'] is True
    assert 'S3cr3tPassw0rd' not in result['msg']
    assert 'api_url' in result['msg']
    assert 'credential' in result['msg']
    assert sim.requests() == []


def test_api_url_password_is_not_in_the_verbose_output(sim, playbook):
    run = playbook.run_tasks([{STATE: dict(base_args('ocamba', sim.url), api_url='https://admin:S3cr3tPassw0rd@127.0.0.1:1')}],
                             verbosity=3)
    assert run[0]['failed'] is True
    assert 'S3cr3tPassw0rd' not in run.output


def test_missing_ca_path_file_fails_clearly(https_sim, run_module):
    args = dict(provider='ocamba', campaign_id='304', api_url=https_sim.url, token=DEFAULT_CREDENTIALS['ocamba']['token'],
                ca_path='/nonexistent/campaignops-ca.pem')
    result = run_module(INFO, args)
    assert result['failed'] is True
    assert 'ca_path' in result['msg'], result['msg']
    assert 'unexpected error' not in result['msg'], result['msg']
