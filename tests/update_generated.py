# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Write what repeats the provider registry where the registry cannot be imported, or check it.

The registry (``plugins/module_utils/_registry.py``, ``PROVIDERS``) is the only list of vendors.
The YAML of the plugin docs, the README, the AWX definitions and the playbooks' variables cannot
import it, so this script writes their vendor lists from it:

    python tests/update_generated.py            # rewrite what is stale
    python tests/update_generated.py --check    # rewrite nothing: show a diff of what is stale, exit 1

Run it from anywhere with a Python that has ansible-core (``.venv/bin/python``).

A whole generated file starts with a "GENERATED ... do not edit" comment. A generated part of a
hand-written file lies between the comment lines ``BEGIN GENERATED <kind> [<option>]`` and
``END GENERATED`` (``#`` comments in Python and YAML, ``<!-- -->`` in Markdown): the lines between
them are replaced with what ``<kind>`` renders, indented like the BEGIN line. Mistakes that no
rendering can repair (a provider without its AWX credential type, a credential input that no
provider option reads) are reported as errors, and nothing is written."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import argparse
import ast
import contextlib
import difflib
import json
import os
import re
import shutil
import sys
import tempfile
import textwrap

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION_PATH = ('ansible_collections', 'campaignops', 'campaigns')
SCRIPT = 'tests/update_generated.py'
WIDTH = 120
DOC_STRINGS = ('DOCUMENTATION', 'EXAMPLES', 'RETURN')

FRAGMENT = 'plugins/doc_fragments/connection.py'
STATE_MODULE = 'plugins/modules/campaign_state.py'
README = 'README.md'
JOB_TEMPLATE = 'extensions/awx/job_template.yml'
SURVEY = 'extensions/awx/survey.json'
CREDENTIAL_TYPES = 'extensions/awx/credential_types'
PROVIDERS_VARS = 'playbooks/vars/providers.yml'

MARKER = re.compile(r'^[ \t]*(?:#|<!--) (?P<which>BEGIN|END) GENERATED\b')
BEGIN = re.compile(r'^(?P<indent>[ \t]*)(?:#|<!--) BEGIN GENERATED (?P<kind>[a-z][a-z-]*)(?: (?P<option>[a-z_]+))?'
                   r'(?: \([^)]*\))?(?: -->)?[ \t]*$')
END = re.compile(r'^[ \t]*(?:#|<!--) END GENERATED(?: [a-z][a-z-]*(?: [a-z_]+)?)?(?: -->)?[ \t]*$')


class GeneratorError(Exception):
    """A mistake in a hand-written file or in the registry that the generator cannot repair."""

    def __init__(self, path, message):
        super(GeneratorError, self).__init__('{0}: {1}'.format(path, message))


# ----- importing the registry from a checkout -----------------------------------------------------

@contextlib.contextmanager
def importable_collection(root):
    """Make ``ansible_collections.campaignops.campaigns`` importable from ``root``: from its own
    tree when the checkout already lies at ``.../ansible_collections/campaignops/campaigns``, else
    through a symlink in a temporary directory, removed afterwards."""
    parts = os.path.normpath(root).split(os.sep)
    if tuple(parts[-3:]) == COLLECTION_PATH:
        sys.path.insert(0, os.sep.join(parts[:-3]) or os.sep)
        yield
        return
    tmp = tempfile.mkdtemp(prefix='update-generated-')
    link = os.path.join(tmp, *COLLECTION_PATH)
    try:
        os.makedirs(os.path.dirname(link))
        os.symlink(root, link)
        sys.path.insert(0, tmp)
        yield
    finally:
        sys.path.remove(tmp)
        if os.path.islink(link):
            os.unlink(link)
        shutil.rmtree(tmp)


def load_facts(root):
    # Importing must not leave __pycache__ directories behind in the checkout (--check writes nothing).
    sys.dont_write_bytecode = True
    with importable_collection(root):
        from ansible_collections.campaignops.campaigns.plugins.module_utils import _options, _states
        from ansible_collections.campaignops.campaigns.plugins.module_utils._registry import PROVIDERS
    return Facts(list(PROVIDERS.values()), _options, _states.SETTABLE_STATES)


# ----- what the registry says, in the words the documents need --------------------------------------

class Facts:
    def __init__(self, providers, options_module, settable_states):
        self.providers = providers
        self.env_bound = options_module.ENV_BOUND_OPTIONS
        self.provider_specific = options_module.PROVIDER_SPECIFIC_OPTIONS
        self.env_name = options_module.env_name
        self.connection_options = options_module.connection_options
        self.argument_spec = options_module.CONNECTION_ARGUMENT_SPEC
        self.settable_states = settable_states

    @property
    def names(self):
        return [cls.name for cls in self.providers]

    def reads_from_env(self, cls, option):
        """Whether ``option`` of ``cls`` falls back to ``<ENV_PREFIX>_<OPTION>`` (as ``_options.resolve_connection``)."""
        return option in self.env_bound and (option in cls.own_options or option not in self.provider_specific)

    def own_env_options(self, cls):
        """The provider's own options read from its environment, in ``ENV_BOUND_OPTIONS`` order."""
        return [option for option in self.env_bound if option in cls.own_options]

    def env_variables(self, option):
        return [self.env_name(cls, option) for cls in self.providers if self.reads_from_env(cls, option)]

    def actions_by_state(self, cls):
        """``[(state, [vendor calls reaching it])]`` for each state ``cls`` can set, in canonical order."""
        result = []
        for state in self.settable_states:
            actions = []
            for targets in cls.transitions.values():
                if state in targets and targets[state] not in actions:
                    actions.append(targets[state])
            if actions:
                result.append((state, actions))
        return result

    def accepting(self, state):
        return [cls for cls in self.providers if state in cls.settable_states()]

    def is_final(self, state):
        """A state no provider leaves again."""
        return all(state not in cls.transitions for cls in self.accepting(state))


def join_words(words, last='or'):
    words = list(words)
    return words[0] if len(words) == 1 else '{0} {1} {2}'.format(', '.join(words[:-1]), last, words[-1])


def yaml_key(value):
    return value if re.match(r'^[A-Za-z_][A-Za-z0-9_]*$', value) else json.dumps(value)


def yaml_scalar(value):
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if re.match(r'^[A-Za-z0-9][A-Za-z0-9 ._/-]*$', value) and yaml.safe_load(value) == value:
        return value
    return json.dumps(value)


def yaml_flow_list(values):
    return '[{0}]'.format(', '.join(yaml_scalar(value) for value in values))


def list_item(text, width):
    """A YAML list item holding ``text`` as a plain scalar, wrapped to ``width``."""
    return textwrap.wrap(text, width, initial_indent='- ', subsequent_indent='  ', break_long_words=False,
                         break_on_hyphens=False)


def markdown_table(header, rows):
    lines = ['| {0} |'.format(' | '.join(header)), '|' + '---|' * len(header)]
    return lines + ['| {0} |'.format(' | '.join(row)) for row in rows]


def code(text):
    return '`{0}`'.format(text)


# ----- the parts between BEGIN and END GENERATED -------------------------------------------------------

class Regions:
    """One method per region kind; each returns the region's lines, unindented."""

    def __init__(self, facts):
        self.facts = facts
        self.width = WIDTH

    def item(self, text):
        return list_item(text, self.width)

    # plugin docs (YAML inside Python)

    def provider_choices(self, target, option):
        return ['choices: {0}'.format(yaml_flow_list(self.facts.names))]

    def provider_titles(self, target, option):
        return self.item(join_words(['V({0}) is {1}'.format(cls.name, cls.title) for cls in self.facts.providers], 'and') + '.')

    def provider_states(self, target, option):
        lines = []
        for cls in self.facts.providers:
            states = ['V({0}) ({1})'.format(state, ', '.join('C({0})'.format(action) for action in actions))
                      for state, actions in self.facts.actions_by_state(cls)]
            lines.extend(self.item('V({0}) accepts {1}.'.format(cls.name, join_words(states, 'and'))))
        return lines

    def env(self, target, option):
        if not option:
            raise GeneratorError(target.path, 'an "env" region names its option: "BEGIN GENERATED env <option>"')
        variables = ['E({0})'.format(name) for name in self.facts.env_variables(option)]
        if not variables:
            raise GeneratorError(target.path, 'no provider reads option {0!r} from its environment: remove its "env" region'.format(
                option))
        which = ' of the selected provider' if len(variables) > 1 else ''
        return self.item('If not set, the environment variable {0}{1} is used.'.format(join_words(variables), which))

    def provider_connections(self, target, option):
        """campaign_state's ``connections``: per provider the options of its entry, typed as the
        argument spec the runner validates the entry against (``_options.connection_spec``)."""
        lines = []
        for cls in self.facts.providers:
            lines.extend(['{0}:'.format(yaml_key(cls.name)), '  description:'])
            lines.extend('    ' + line for line in self.item('Endpoint, credentials and TLS of the campaigns of V({0}) ({1}).'.format(
                cls.name, cls.title)))
            lines.extend(['  type: dict', '  suboptions:'])
            for name in self.facts.connection_options(cls):
                lines.extend(['    {0}:'.format(name), '      description:'])
                lines.extend('        ' + line for line in list_item(self.describe_connection_option(cls, name), self.width - 8))
                lines.append('      type: {0}'.format(self.facts.argument_spec[name]['type']))
        return lines

    def describe_connection_option(self, cls, option):
        text = 'As O({0}), for V({1}).'.format(option, cls.name)
        if self.facts.reads_from_env(cls, option):
            return '{0} If not set, the environment variable E({1}) is used.'.format(text, self.facts.env_name(cls, option))
        if option == 'validate_certs':
            return '{0} If not set, V(true), or for O(provider) the task\'s O(validate_certs).'.format(text)
        return text

    # README.md

    def vendor_table(self, target, option):
        rows = []
        for cls in self.facts.providers:
            actions_by_state = self.facts.actions_by_state(cls)
            actions = []
            for _state, state_actions in actions_by_state:
                actions.extend(action for action in state_actions if action not in actions)
            rows.append([code(cls.name), cls.title, ', '.join(state for state, _actions in actions_by_state), ', '.join(actions),
                         'yes' if cls.can_list else 'no'])
        return markdown_table(['provider', 'vendor', '`state` values', 'vendor calls (`actions`)', 'lists campaigns'], rows)

    def env_table(self, target, option):
        rows = []
        for cls in self.facts.providers:
            credentials = set(option for method in cls.read_credentials + (cls.write_credentials or ()) for option in method)
            others = [self.describe_endpoint(cls, option) for option in self.facts.own_env_options(cls) if option not in credentials]
            rows.append([code(cls.name), self.describe_credentials(cls), ', '.join(others)])
        return markdown_table(['provider', 'credentials', 'endpoint and other variables'], rows)

    def describe_credentials(self, cls):
        def methods(credentials):
            return ', or '.join(' + '.join(code(self.facts.env_name(cls, option)) for option in method) for method in credentials)
        if not cls.write_credentials:
            return methods(cls.read_credentials)
        return '{0} to read, {1} to change'.format(methods(cls.read_credentials), methods(cls.write_credentials))

    def describe_endpoint(self, cls, option):
        variable = code(self.facts.env_name(cls, option))
        if option == 'api_url' and cls.default_api_url:
            return '{0} (default {1})'.format(variable, code(cls.default_api_url))
        return variable

    # AWX

    def injectors(self, target, option):
        cls, fields = credential_type_fields(self.facts, target)
        return ['injectors:', '  env:'] + ['    {0}: "{{{{ {1} }}}}"'.format(self.facts.env_name(cls, field), field) for field in fields]

    def job_template_description(self, target, option):
        text = ('Moves one campaign of {0} into the state chosen in the survey, only along transitions the vendor allows '
                '(campaignops.campaigns.campaign_state).'.format(join_words(cls.title for cls in self.facts.providers)))
        return ['description: >-'] + textwrap.wrap(text, 100, initial_indent='  ', subsequent_indent='  ')

    def job_template_credentials(self, target, option):
        # The example credentials are named after the vendors, one per credential type.
        return ['credentials:'] + ['  - {0}'.format(yaml_scalar(cls.title)) for cls in self.facts.providers]

    KINDS = ('provider-choices', 'provider-titles', 'provider-states', 'provider-connections', 'env', 'vendor-table', 'env-table',
             'injectors',
             'job-template-description', 'job-template-credentials')

    def render(self, target, kind, option, indent):
        if kind not in self.KINDS:
            raise GeneratorError(target.path, 'unknown region kind {0!r} (known: {1})'.format(kind, ', '.join(self.KINDS)))
        self.width = WIDTH - len(indent)
        return [indent + line for line in getattr(self, kind.replace('-', '_'))(target, option)]


class Target:
    """A file as read, and the regions found in it."""

    def __init__(self, root, path):
        self.path = path
        with open(os.path.join(root, path), encoding='utf-8') as handle:
            self.text = handle.read()
        self.regions = []


def fill_regions(target, regions):
    """The text of ``target`` with each region rendered anew; records the regions in ``target.regions``."""
    lines = target.text.splitlines(True)
    result = []
    index = 0
    while index < len(lines):
        line = lines[index]
        result.append(line)
        index += 1
        marker = MARKER.match(line)
        if not marker:
            continue
        begin = BEGIN.match(line.rstrip('\n'))
        if marker.group('which') == 'END' or not begin:
            raise GeneratorError(target.path, 'line {0}: {1} {2!r}'.format(
                index, 'malformed marker' if marker.group('which') == 'BEGIN' else 'END GENERATED without BEGIN', line.strip()))
        end = index
        while end < len(lines) and not MARKER.match(lines[end]):
            end += 1
        if end == len(lines) or not END.match(lines[end].rstrip('\n')):
            raise GeneratorError(target.path, 'line {0}: BEGIN GENERATED without END GENERATED'.format(index))
        kind, option = begin.group('kind'), begin.group('option')
        target.regions.append((kind, option))
        result.extend(line.rstrip() + '\n' for line in regions.render(target, kind, option, begin.group('indent')))
        result.append(lines[end])
        index = end + 1
    return ''.join(result)


def require_regions(target, expected):
    missing = [' '.join(filter(None, region)) for region in expected if region not in target.regions]
    if missing:
        raise GeneratorError(target.path, 'no region for {0}: add "BEGIN GENERATED <kind> [<option>]" and "END GENERATED" '
                             'comment lines around where it belongs'.format(', '.join(missing)))


def check_yaml(target, text):
    """Fail when the rendering broke the YAML of a file or of a Python file's documentation."""
    if target.path.endswith('.py'):
        documents = [node.value.value for node in ast.walk(ast.parse(text))
                     if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                     and any(getattr(name, 'id', None) in DOC_STRINGS for name in node.targets)]
    elif target.path.endswith('.yml'):
        documents = [text]
    else:
        return
    for document in documents:
        try:
            yaml.safe_load(document)
        except yaml.YAMLError as exc:
            raise GeneratorError(target.path, 'the generated text breaks its YAML: {0}'.format(exc))


# ----- AWX credential types --------------------------------------------------------------------------

def credential_type_fields(facts, target):
    """The provider a credential type file is for, and its input ids, each checked to be an option that
    provider reads from its environment; every such option must have its input."""
    name = os.path.splitext(os.path.basename(target.path))[0]
    cls = dict((cls.name, cls) for cls in facts.providers).get(name)
    if cls is None:
        raise GeneratorError(target.path, 'no provider {0!r} in the registry'.format(name))
    definition = yaml.safe_load(target.text)
    fields = [field['id'] for field in definition['inputs']['fields']]
    unread = [field for field in fields if not facts.reads_from_env(cls, field)]
    if unread:
        raise GeneratorError(target.path, 'input(s) {0} are not options that provider={1} reads from its environment ({2})'.format(
            ', '.join(unread), cls.name, ', '.join(facts.own_env_options(cls))))
    missing = [option for option in facts.own_env_options(cls) if option not in fields]
    if missing:
        raise GeneratorError(target.path, 'no input for option(s) {0}, which provider={1} reads from {2}'.format(
            ', '.join(missing), cls.name, ', '.join(facts.env_name(cls, option) for option in missing)))
    expected_name = 'campaignops.campaigns - {0}'.format(cls.title)
    if definition.get('name') != expected_name:
        raise GeneratorError(target.path, 'name is {0!r}; the credential type of provider={1} is named {2!r} after its title'.format(
            definition.get('name'), cls.name, expected_name))
    return cls, fields


def credential_type_paths(root, facts):
    directory = os.path.join(root, CREDENTIAL_TYPES)
    present = sorted(name for name in os.listdir(directory) if name.endswith('.yml'))
    expected = ['{0}.yml'.format(name) for name in facts.names]
    errors = ['{0}/{1}: no provider {2!r} in the registry: remove the file or register the provider'.format(
        CREDENTIAL_TYPES, name, name[:-4]) for name in present if name not in expected]
    errors += ['{0}/{1}: missing: every provider needs its AWX credential type (copy another and adapt it)'.format(
        CREDENTIAL_TYPES, name) for name in expected if name not in present]
    return ['{0}/{1}'.format(CREDENTIAL_TYPES, name) for name in expected if name in present], errors


# ----- whole files ----------------------------------------------------------------------------------

def render_providers_vars(facts):
    lines = [
        '---',
        '# GENERATED by {0} from the provider registry'.format(SCRIPT),
        '# (plugins/module_utils/_registry.py): do not edit; run `python {0}`.'.format(SCRIPT),
        '# The providers the example playbooks, AWX and molecule loop over.',
        'campaignops_providers:',
    ]
    for cls in facts.providers:
        lines += [
            '  {0}:'.format(yaml_key(cls.name)),
            '    title: {0}'.format(yaml_scalar(cls.title)),
            '    env_prefix: {0}'.format(yaml_scalar(cls.env_prefix)),
            '    can_list: {0}'.format(yaml_scalar(bool(cls.can_list))),
            '    states: {0}'.format(yaml_flow_list(cls.settable_states())),
            '    credential_env: {0}'.format(yaml_flow_list(facts.env_name(cls, method[0]) for method in cls.read_credentials)),
        ]
    return '\n'.join(lines) + '\n'


def render_survey(facts, target):
    """survey.json with the vendor and state questions' choices written anew (JSON has no comments,
    so the file is rewritten whole, in its own layout)."""
    survey = json.loads(target.text)
    questions = dict((question.get('variable'), question) for question in survey['spec'])
    if not {'provider', 'state'} <= set(questions):
        raise GeneratorError(target.path, 'the survey must ask for "provider" and "state"')
    questions['provider']['choices'] = facts.names
    questions['state']['choices'] = list(facts.settable_states)
    questions['state']['question_description'] = '{0}. Refused transitions fail before any change.'.format(
        join_words(describe_state(facts, state) for state in facts.settable_states))
    text = json.dumps(survey, indent=2, ensure_ascii=False)
    # Lists of scalars on one line, as the file is written by hand.
    return re.sub(r'\[\n\s*([^\[\]{}\n]+(?:,\n\s*[^\[\]{}\n]+)*)\n\s*\]',
                  lambda match: '[{0}]'.format(re.sub(r',\n\s*', ', ', match.group(1))), text) + '\n'


def describe_state(facts, state):
    notes = ['final'] if facts.is_final(state) else []
    accepting = [cls.name for cls in facts.accepting(state)]
    if len(accepting) < len(facts.providers):
        notes.append('{0} only'.format(join_words(accepting, 'and')))
    return '{0} ({1})'.format(state, '; '.join(notes)) if notes else state


# ----- putting it together -----------------------------------------------------------------------------

def region_files(root):
    """Files of plugins/ with generated regions besides the ones that must have them (another plugin
    may list the providers too)."""
    found = []
    for directory, _subdirs, files in os.walk(os.path.join(root, 'plugins')):
        for name in files:
            path = os.path.relpath(os.path.join(directory, name), root).replace(os.sep, '/')
            if name.endswith('.py') and path not in (FRAGMENT, STATE_MODULE):
                with open(os.path.join(root, path), encoding='utf-8') as handle:
                    if 'BEGIN GENERATED' in handle.read():
                        found.append(path)
    return sorted(found)


def expected_regions(facts):
    """Regions each file must have, so that deleting a marker cannot silently end the generation."""
    return {
        FRAGMENT: [('provider-titles', None), ('provider-choices', None)] + [('env', option) for option in facts.env_bound],
        STATE_MODULE: [('provider-choices', None), ('provider-states', None), ('provider-connections', None)],
        README: [('vendor-table', None), ('env-table', None)],
        JOB_TEMPLATE: [('job-template-description', None), ('job-template-credentials', None)],
    }


def generate(root, facts):
    """``({path: (old text, new text)}, [error])`` for every generated file."""
    regions = Regions(facts)
    credential_types, errors = credential_type_paths(root, facts)
    outputs = {}
    required = expected_regions(facts)
    required.update((path, [('injectors', None)]) for path in credential_types)
    for path in list(required) + region_files(root):
        try:
            target = Target(root, path)
            text = fill_regions(target, regions)
            require_regions(target, required.get(path, ()))
            check_yaml(target, text)
            outputs[path] = (target.text, text)
        except (GeneratorError, OSError) as exc:
            errors.append(str(exc))
        except (yaml.YAMLError, KeyError, TypeError) as exc:
            errors.append('{0}: cannot read it: {1!r}'.format(path, exc))
    try:
        target = Target(root, SURVEY)
        outputs[SURVEY] = (target.text, render_survey(facts, target))
    except GeneratorError as exc:
        errors.append(str(exc))
    except (OSError, ValueError, KeyError) as exc:
        errors.append('{0}: {1}'.format(SURVEY, exc))
    old = Target(root, PROVIDERS_VARS).text if os.path.exists(os.path.join(root, PROVIDERS_VARS)) else ''
    outputs[PROVIDERS_VARS] = (old, render_providers_vars(facts))
    return outputs, errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--check', action='store_true',
                        help='rewrite nothing; print a diff of each stale file and exit 1 if any is stale')
    args = parser.parse_args(argv)
    facts = load_facts(ROOT)
    outputs, errors = generate(ROOT, facts)
    stale = sorted(path for path, (old, new) in outputs.items() if old != new)
    for path in stale:
        old, new = outputs[path]
        if args.check:
            sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), new.splitlines(True), 'a/' + path, 'b/' + path))
            print('stale: {0}'.format(path), file=sys.stderr)
        elif not errors:
            with open(os.path.join(ROOT, path), 'w', encoding='utf-8') as handle:
                handle.write(new)
            print('updated {0}'.format(path))
    for error in errors:
        print('error: {0}'.format(error), file=sys.stderr)
    if errors:
        print('{0} error(s){1}'.format(len(errors), '' if args.check else ': nothing written'), file=sys.stderr)
    if args.check and stale:
        print('{0} file(s) do not match the provider registry: run `python {1}`'.format(len(stale), SCRIPT), file=sys.stderr)
    return 1 if errors or (args.check and stale) else 0


if __name__ == '__main__':
    sys.exit(main())
