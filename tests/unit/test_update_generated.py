# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""tests/update_generated.py, on a copy of the files it writes: a sixth provider reaches every
vendor list, a hand edit inside a generated region is undone, and the mistakes it cannot repair
are errors naming the file."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import importlib.util
import os
import shutil

import pytest
import yaml

from ansible_collections.campaignops.campaigns.plugins.module_utils import _options, _states
from ansible_collections.campaignops.campaigns.plugins.module_utils._provider import Provider
from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO_ROOT, 'tests', 'update_generated.py')


def load_generator():
    spec = importlib.util.spec_from_file_location('update_generated', SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = load_generator()


class Acme(Provider):
    name = 'acme'
    env_prefix = 'ACME'
    title = 'Acme Dialer'
    own_options = ('api_url', 'token')
    read_credentials = (('token',),)
    default_api_url = 'https://api.acme.example'
    native_states = {'on': 'running', 'off': 'paused'}
    transitions = {'running': {'paused': 'halt'}, 'paused': {'running': 'go'}}


def facts(*extra):
    return generator.Facts(list(PROVIDERS.values()) + list(extra), _options, _states.SETTABLE_STATES)


@pytest.fixture()
def root(tmp_path):
    """A copy of every file the generator reads or writes."""
    for path in (generator.FRAGMENT, generator.STATE_MODULE, generator.README, generator.PROVIDERS_VARS, 'extensions/awx'):
        source, copy = os.path.join(REPO_ROOT, path), tmp_path / path
        copy.parent.mkdir(parents=True, exist_ok=True)
        if os.path.isdir(source):
            shutil.copytree(source, str(copy))
        else:
            shutil.copy(source, str(copy))
    return tmp_path


def stale(outputs):
    return sorted(path for path, (old, new) in outputs.items() if old != new)


def write(root, outputs):
    for path, (_old, new) in outputs.items():
        (root / path).write_text(new, encoding='utf-8')


def add_acme_credential_type(root):
    ocamba = (root / generator.CREDENTIAL_TYPES / 'ocamba.yml').read_text(encoding='utf-8')
    acme = ocamba.replace('Ocamba Hood', 'Acme Dialer').replace('OCAMBA_', 'ACME_')
    (root / generator.CREDENTIAL_TYPES / 'acme.yml').write_text(acme, encoding='utf-8')


def test_the_repository_is_current(root):
    outputs, errors = generator.generate(str(root), facts())
    assert errors == []
    assert stale(outputs) == []


def test_a_sixth_provider_reaches_every_vendor_list(root):
    add_acme_credential_type(root)
    outputs, errors = generator.generate(str(root), facts(Acme))
    assert errors == []
    assert stale(outputs) == sorted([generator.FRAGMENT, generator.STATE_MODULE, generator.README, generator.JOB_TEMPLATE,
                                     generator.SURVEY, generator.PROVIDERS_VARS])
    write(root, outputs)
    fragment = (root / generator.FRAGMENT).read_text(encoding='utf-8')
    assert 'V(acme) is Acme Dialer' in fragment and 'choices: [{0}, acme]'.format(', '.join(PROVIDERS)) in fragment
    assert 'E(ACME_TOKEN)' in fragment and 'E(ACME_CA_PATH)' in fragment and 'E(ACME_VDN_ID)' not in fragment
    assert 'V(acme) accepts V(running) (C(go)) and V(paused) (C(halt)).' in (root / generator.STATE_MODULE).read_text(encoding='utf-8')
    assert '| `acme` | Acme Dialer | running, paused | go, halt | yes |' in (root / generator.README).read_text(encoding='utf-8')
    providers = yaml.safe_load((root / generator.PROVIDERS_VARS).read_text(encoding='utf-8'))['campaignops_providers']
    assert providers['acme'] == dict(title='Acme Dialer', env_prefix='ACME', can_list=True, states=['paused', 'running'],
                                     credential_env=['ACME_TOKEN'])
    assert 'Acme Dialer' in yaml.safe_load((root / generator.JOB_TEMPLATE).read_text(encoding='utf-8'))['credentials']
    outputs, errors = generator.generate(str(root), facts(Acme))
    assert errors == [] and stale(outputs) == []


def test_a_provider_without_credential_type_is_an_error(root):
    _outputs, errors = generator.generate(str(root), facts(Acme))
    assert errors == ['extensions/awx/credential_types/acme.yml: missing: every provider needs its AWX credential type '
                      '(copy another and adapt it)']


def test_a_credential_type_without_provider_is_an_error(root):
    add_acme_credential_type(root)
    _outputs, errors = generator.generate(str(root), facts())
    assert len(errors) == 1 and errors[0].startswith("extensions/awx/credential_types/acme.yml: no provider 'acme' in the registry")


def test_an_input_the_provider_does_not_read_is_an_error(root):
    path = root / generator.CREDENTIAL_TYPES / 'ocamba.yml'
    path.write_text(path.read_text(encoding='utf-8').replace('    - id: api_url', '    - id: server'), encoding='utf-8')
    _outputs, errors = generator.generate(str(root), facts())
    assert errors == ['extensions/awx/credential_types/ocamba.yml: input(s) server are not options that provider=ocamba '
                      'reads from its environment (api_url, token)']


def test_an_option_the_provider_reads_without_input_is_an_error(root):
    path = root / generator.CREDENTIAL_TYPES / 'wolkvox.yml'
    definition = yaml.safe_load(path.read_text(encoding='utf-8'))
    assert [field['id'] for field in definition['inputs']['fields']][0] == 'server'
    path.write_text(path.read_text(encoding='utf-8').replace('    - id: server', '    - id: token\n      label: x\n    - id: unused'),
                    encoding='utf-8')
    _outputs, errors = generator.generate(str(root), facts())
    assert len(errors) == 1 and errors[0].startswith('extensions/awx/credential_types/wolkvox.yml: input(s) unused')


def test_a_hand_edit_inside_a_region_is_stale_and_undone(root):
    path = root / generator.FRAGMENT
    path.write_text(path.read_text(encoding='utf-8').replace('E(ISALES_VDN_ID)', 'E(ISALES_VDN)'), encoding='utf-8')
    outputs, errors = generator.generate(str(root), facts())
    assert errors == [] and stale(outputs) == [generator.FRAGMENT]
    assert 'E(ISALES_VDN_ID)' in outputs[generator.FRAGMENT][1]


def test_a_removed_marker_is_an_error(root):
    path = root / generator.STATE_MODULE
    text = path.read_text(encoding='utf-8')
    path.write_text(text.replace('# BEGIN GENERATED provider-states\n', '', 1), encoding='utf-8')
    _outputs, errors = generator.generate(str(root), facts())
    assert len(errors) == 1 and errors[0].startswith(generator.STATE_MODULE + ': line ')
    assert 'END GENERATED without BEGIN' in errors[0]


def test_a_region_that_must_be_there(root):
    path = root / generator.README
    text = path.read_text(encoding='utf-8')
    start, end = text.index('<!-- BEGIN GENERATED env-table'), text.index('<!-- END GENERATED env-table -->')
    path.write_text(text[:start] + text[end + len('<!-- END GENERATED env-table -->\n'):], encoding='utf-8')
    _outputs, errors = generator.generate(str(root), facts())
    assert len(errors) == 1 and errors[0].startswith('README.md: no region for env-table')


def test_main_check_names_the_stale_file(root, monkeypatch, capsys):
    path = root / generator.JOB_TEMPLATE
    path.write_text(path.read_text(encoding='utf-8').replace('  - Ocamba Hood\n', ''), encoding='utf-8')
    monkeypatch.setattr(generator, 'ROOT', str(root))
    monkeypatch.setattr(generator, 'load_facts', lambda _root: facts())
    assert generator.main(['--check']) == 1
    out, err = capsys.readouterr()
    assert '+++ b/extensions/awx/job_template.yml' in out and '+  - Ocamba Hood' in out
    assert 'stale: extensions/awx/job_template.yml' in err
    assert '  - Ocamba Hood\n' not in path.read_text(encoding='utf-8'), '--check writes nothing'
    assert generator.main([]) == 0
    assert generator.main(['--check']) == 0
