# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""Connection and campaign options: the shared argument spec, late binding of environment
variables per provider, and the validation of every value that ends up in a URL.

Environment variables are bound here rather than with ``env_fallback`` in the argument spec
because one option (``token``, ``api_url``, ``username``) reads a different variable for each
provider: ``OCAMBA_TOKEN`` for ``provider=ocamba``, ``WOLKVOX_TOKEN`` for ``provider=wolkvox``."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import ipaddress
import os
import re

from urllib.parse import urlsplit

from ansible_collections.campaignops.campaigns.plugins.module_utils._errors import ValidationError

# ``provider`` takes its choices from the registry in the modules: the registry imports the
# providers, which import this module.
CONNECTION_ARGUMENT_SPEC = dict(
    provider=dict(type='str', required=True),
    api_url=dict(type='str'),
    auth_url=dict(type='str'),
    auth_provider=dict(type='str'),
    auth_domain=dict(type='str'),
    server=dict(type='str'),
    platform=dict(type='str'),
    token=dict(type='str', no_log=True),
    username=dict(type='str'),
    password=dict(type='str', no_log=True),
    data_token=dict(type='str', no_log=True),
    action_token=dict(type='str', no_log=True),
    access_key=dict(type='str', no_log=False),
    secret_key=dict(type='str', no_log=True),
    validate_certs=dict(type='bool', default=True),
    ca_path=dict(type='path'),
    timeout=dict(type='float', default=30.0),
    retries=dict(type='int', default=3),
    concurrency=dict(type='int'),
    vdn_id=dict(type='int'),
)

# Per-campaign options that only campaign_state has (a bulk item may set them too).
STATE_OPTION_SPEC = dict(
    campaign_type=dict(type='str', choices=['preview', 'predictive']),
    reason=dict(type='str'),
    start_now=dict(type='bool', default=False),
)

# The provider-specific options a bulk ``campaigns`` item may carry besides campaign_id and state
# (start_now applies to every provider, so it is not among them: no item can carry it wrongly).
ITEM_OPTIONS = ('vdn_id', 'campaign_type', 'reason')

# Options that only some providers understand; everything in CONNECTION_ARGUMENT_SPEC that is
# not listed here (provider, validate_certs, ca_path, timeout) applies to all of them.
PROVIDER_SPECIFIC_OPTIONS = ('api_url', 'auth_url', 'auth_provider', 'auth_domain', 'server', 'platform', 'token', 'username',
                             'password', 'data_token', 'action_token', 'access_key', 'secret_key', 'vdn_id', 'campaign_type', 'reason')

# The provider-specific options that are not per campaign: they configure the connection only.
ENDPOINT_AND_CREDENTIAL_OPTIONS = tuple(name for name in PROVIDER_SPECIFIC_OPTIONS if name not in ITEM_OPTIONS)

# The options of certificate checking, which every provider takes.
TLS_OPTIONS = ('validate_certs', 'ca_path')

# Options whose value may come from "<ENV_PREFIX>_<OPTION>" in the environment.
ENV_BOUND_OPTIONS = ('api_url', 'auth_url', 'auth_provider', 'auth_domain', 'server', 'platform', 'token', 'username', 'password',
                     'data_token', 'action_token', 'access_key', 'secret_key', 'vdn_id', 'ca_path')

SECRET_OPTIONS = tuple(name for name, spec in CONNECTION_ARGUMENT_SPEC.items() if spec.get('no_log'))
CREDENTIAL_OPTIONS = SECRET_OPTIONS + ('username', 'access_key')
# Credentials sent as header values exactly as given (bearer and vendor tokens, the iSales access
# key); user names and passwords go through Basic auth or a login body, which encode any text.
TOKEN_OPTIONS = ('token', 'data_token', 'action_token', 'access_key')

CAMPAIGN_ID_MAX_LENGTH = 128
_SAFE_ID = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._:@~-]*\Z')
_PRINTABLE_ASCII = re.compile(r'^[\x21-\x7e]+\Z')
_DNS_LABEL = re.compile(r'^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\Z')


def env_name(provider_cls, option):
    return '{0}_{1}'.format(provider_cls.env_prefix, option.upper())


def connection_options(provider_cls):
    """The options ``connections[<provider>]`` takes: the provider's own endpoint and credential
    options, and the TLS options, in the argument spec's order."""
    return [name for name in CONNECTION_ARGUMENT_SPEC
            if name in TLS_OPTIONS or (name in ENDPOINT_AND_CREDENTIAL_OPTIONS and name in provider_cls.own_options)]


def connection_spec(provider_cls):
    """The argument spec of one provider's entry of ``connections``: its ``connection_options``,
    typed and ``no_log`` as the task's own. Without defaults: an option left out stays None, and
    the provider's environment variable (or, for ``validate_certs``, verification) applies."""
    return dict((name, dict((key, value) for key, value in CONNECTION_ARGUMENT_SPEC[name].items() if key != 'default'))
                for name in connection_options(provider_cls))


# campaign_state's ``connections``, keyed by provider name. An argument spec's option names must be
# Python identifiers (ansible-test validate-modules), and "8x8" is not, so the runner validates each
# entry against its provider's ``connection_spec`` with Ansible's own validator. Until then the
# option is no_log as a whole: every string in it is masked, secrets included, whatever fails.
CONNECTIONS_ARGUMENT_SPEC = dict(type='dict', no_log=True)


def with_spec_defaults(params):
    """``params`` with every connection option it leaves unset at the argument spec's default,
    as AnsibleModule hands them over (for callers that are not a module)."""
    defaults = dict((name, spec.get('default')) for name, spec in CONNECTION_ARGUMENT_SPEC.items())
    defaults.update((name, value) for name, value in params.items() if value is not None)
    return defaults


def resolve_connection(params, provider_cls, environ=None):
    """Return the provider's effective options: the task's values, else the environment's.

    Fails when the task sets an option that belongs to another provider."""
    environ = os.environ if environ is None else environ
    _refuse_foreign_options(params, provider_cls)
    options = dict((name, params.get(name)) for name in CONNECTION_ARGUMENT_SPEC)
    options.update((name, params.get(name)) for name in STATE_OPTION_SPEC)
    for name in ENV_BOUND_OPTIONS:
        if options.get(name) is None and (name in provider_cls.own_options or name not in PROVIDER_SPECIFIC_OPTIONS):
            value = environ.get(env_name(provider_cls, name))
            if value not in (None, ''):
                options[name] = value
    _refuse_unsendable_credentials(options)
    if options.get('ca_path') and not os.path.isfile(options['ca_path']):
        raise ValidationError('ca_path {0!r} is not a file: give the path of a PEM CA bundle'.format(options['ca_path']))
    if options.get('vdn_id') is not None:
        options['vdn_id'] = validate_vdn_id(options['vdn_id'])
    if options.get('retries') is not None and not 0 <= options['retries'] <= 10:
        raise ValidationError('retries={0} is out of range: use 0 to 10'.format(options['retries']))
    if options.get('timeout') is not None and not 0 < options['timeout'] <= 600:
        raise ValidationError('timeout={0} is out of range: use more than 0 and at most 600 seconds'.format(options['timeout']))
    return options


def foreign_options(values, provider_cls, names=PROVIDER_SPECIFIC_OPTIONS):
    """The options among ``names`` that are set in ``values`` but belong to other providers."""
    return [name for name in names if values.get(name) is not None and name not in provider_cls.own_options]


def _refuse_foreign_options(params, provider_cls):
    foreign = foreign_options(params, provider_cls)
    if foreign:
        raise ValidationError(
            'option{0} {1} cannot be used with provider={2}; {2} accepts: {3}'.format(
                's' if len(foreign) > 1 else '', ', '.join(foreign), provider_cls.name,
                ', '.join(sorted(provider_cls.own_options))))


def _refuse_unsendable_credentials(options):
    """Credentials travel in HTTP headers, where control characters (a newline copied from a
    file, say) are invalid, and tokens go as they are, so only printable ASCII can carry them.
    Name the option, never the value or where in it the problem is."""
    for name in CREDENTIAL_OPTIONS:
        value = options.get(name)
        if value is not None and re.search(r'[\x00-\x1f\x7f]', value):
            raise ValidationError('{0} contains a newline or another control character; remove it (check the variable or file it '
                                  'comes from)'.format(name))
    for name in TOKEN_OPTIONS:
        value = options.get(name)
        if value is not None and not is_printable_ascii(value):
            raise ValidationError('{0} contains characters that an HTTP header cannot carry: a token is printable ASCII (letters, '
                                  'digits and punctuation, no spaces or accented letters); check the value you copied'.format(name))


def is_printable_ascii(value):
    """Whether ``value`` can travel as an HTTP header value as it is: printable ASCII, no spaces."""
    return isinstance(value, str) and bool(_PRINTABLE_ASCII.match(value))


def secret_values(options):
    """Every secret in effect, including those read from the environment and a password put in
    ``api_url`` or ``auth_url`` by mistake, for ``no_log_values``."""
    secrets = [options[name] for name in SECRET_OPTIONS if options.get(name)]
    for name in ('api_url', 'auth_url'):
        try:
            password = urlsplit(options.get(name) or '').password
        except ValueError:
            password = None
        secrets.extend([password] if password else [])
    return secrets


def require_credentials(options, provider_cls, methods, environment_only=False):
    """Return the first credential set of ``methods`` (tuples of option names) that is complete,
    or raise a ``ValidationError`` naming the options and the environment variables (the
    variables, or the options in ``connections``, when ``environment_only``: the task's options
    cannot configure this provider)."""
    for method in methods:
        if all(options.get(name) for name in method):
            return method
    if environment_only:
        variables = ' or '.join(' and '.join(env_name(provider_cls, name) for name in method) for method in methods)
        options = ' or '.join(' and '.join(method) for method in methods)
        raise ValidationError('provider={0} needs credentials: set {1} in the environment, or {2} in connections.{0} (the task\'s '
                              'own credential options configure its provider only)'.format(provider_cls.name, variables, options))
    alternatives = ' or '.join(
        ' and '.join('{0} ({1})'.format(name, env_name(provider_cls, name)) for name in method) for method in methods)
    raise ValidationError('provider={0} needs credentials: set {1}'.format(provider_cls.name, alternatives))


def validate_campaign_id(value, pattern=None, what='campaign_id'):
    """A campaign id goes into URL paths and queries: allow only characters that cannot change
    the URL's meaning, whatever the vendor."""
    if value is None:
        raise ValidationError('{0} is required'.format(what))
    text = value if isinstance(value, str) else str(value)
    if not text:
        raise ValidationError('{0} must not be empty'.format(what))
    if len(text) > CAMPAIGN_ID_MAX_LENGTH:
        raise ValidationError('{0} is {1} characters long; the limit is {2}'.format(what, len(text), CAMPAIGN_ID_MAX_LENGTH))
    if not _SAFE_ID.match(text) or '..' in text:
        raise ValidationError(
            '{0} {1!r} is not a valid campaign id: use letters, digits and . _ : @ ~ - only '
            '(no /, ?, #, &, %, "..", spaces or control characters)'.format(what, text))
    if pattern is not None and not re.match(pattern[0], text):
        raise ValidationError('{0} {1!r} is not a valid campaign id for this provider: {2}'.format(what, text, pattern[1]))
    return text


def validate_vdn_id(value):
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError('vdn_id must be an integer from 1 to 9999, got {0!r}'.format(value))
    if isinstance(value, bool) or not 1 <= number <= 9999 or str(value).strip() != str(number):
        raise ValidationError('vdn_id must be an integer from 1 to 9999, got {0!r}'.format(value))
    return number


def _valid_host(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return len(host) <= 253 and all(_DNS_LABEL.match(label) for label in host.rstrip('.').split('.'))


def validate_api_url(value, option='api_url', path_suffix=None):
    """``scheme://host[:port]``: http(s), a host and an optional port, nothing else; the vendor's
    paths are appended to it. ``path_suffix``: a path ending so that is allowed too (Volt MX
    cloud's login URL ends in ``/login``).

    A refused URL is shown as its scheme and host only: whatever else it holds may be a
    password typed in the wrong place (``http://admin:2024/Spring@host`` parses as host
    ``admin``, port 2024)."""
    example = 'Example: https://host.example.com:8443'
    text = str(value)
    try:
        parts = urlsplit(text)
        port = parts.port
        host = parts.hostname
    except ValueError:
        raise ValidationError('{0} is not a valid URL: give scheme://host[:port], with credentials in their own options. {1}'.format(
            option, example))
    shown = '{0}://{1}'.format(parts.scheme, host) if host and _valid_host(host) and _PRINTABLE_ASCII.match(parts.scheme) else None
    path = parts.path.rstrip('/')
    problem = None
    if parts.scheme not in ('http', 'https'):
        problem = 'it must start with http:// or https://'
    elif not host:
        problem = 'it has no host'
    elif '@' in parts.netloc:
        problem = 'it must not carry credentials: use the credential options'
        shown = '{0}://<credentials>@{1}'.format(parts.scheme, host)
    elif parts.query or parts.fragment or '?' in text or '#' in text:
        problem = 'it must not have a query or fragment'
    elif not _PRINTABLE_ASCII.match(text):
        problem = 'it may contain printable ASCII characters only (write an international host name in its xn-- form)'
    elif not _valid_host(host):
        problem = 'its host is neither a DNS name (letters, digits, hyphens; labels of at most 63) nor an IP address'
    elif path and not (path_suffix and path.endswith(path_suffix) and _plain_path(path)):
        problem = 'it may hold only a scheme, a host and a port, no path (the vendor\'s paths are added to it)'
    if problem:
        raise ValidationError('{0} {1} is not usable: {2}. {3}'.format(option, repr(shown) if shown else '(not shown)', problem, example))
    del port
    return text.rstrip('/')


def _plain_path(path):
    return '..' not in path.split('/') and not re.search(r'[%\\@:]', path)
