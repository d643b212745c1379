# campaignops-get-pip-standin
"""Offline stand-in for the ``get-pip.py`` bootstrap script that ansible-test downloads.

ansible-test (``--venv``/``--requirements``) bootstraps pip in each virtual environment it
creates by running ``get-pip-<version>.py`` from a host this machine cannot reach. It first
looks for a cached copy at ``~/.ansible/test/cache/get_pip_<version>.py``; noxfile.py puts
this file there.

Like the real get-pip.py, it runs ``pip install <args>`` using a pip that is not yet installed:
the wheel bundled with the standard library's ``ensurepip``. The arguments ansible-test passes
are pip install options plus the requested packages (e.g. ``pip==24.2``); get-pip's own
``--no-setuptools``/``--no-wheel`` flags are consumed here. If the requested packages cannot be
installed (no index reachable), it falls back to installing the bundled pip wheel itself.
"""

import glob
import os
import re
import subprocess
import sys


def bundled_pip_wheel():
    import ensurepip

    bundled = os.path.join(os.path.dirname(ensurepip.__file__), '_bundled')
    wheels = sorted(glob.glob(os.path.join(bundled, 'pip-*.whl')))

    if not wheels:
        sys.stderr.write('get-pip stand-in: no pip wheel bundled with ensurepip in %s\n' % bundled)
        sys.exit(1)

    return wheels[-1]


def main():
    args = list(sys.argv[1:])
    setuptools = '--no-setuptools' not in args
    wheel = '--no-wheel' not in args
    args = [arg for arg in args if arg not in ('--no-setuptools', '--no-wheel')]

    options = [arg for arg in args if arg.startswith('-')]
    packages = [arg for arg in args if not arg.startswith('-')]

    if not any(re.split(r'[<>=!~\[; ]', package, maxsplit=1)[0].lower() == 'pip' for package in packages):
        packages.insert(0, 'pip')

    if setuptools:
        packages.append('setuptools')

    if wheel:
        packages.append('wheel')

    pip_wheel = bundled_pip_wheel()
    # A wheel is a zip archive that Python can run pip from: "python pip.whl/pip install ...".
    pip = [sys.executable, os.path.join(pip_wheel, 'pip')]

    status = subprocess.call(pip + ['install'] + options + packages)

    if status != 0:
        sys.stderr.write('get-pip stand-in: installing %s failed, falling back to the bundled %s\n'
                         % (' '.join(packages), os.path.basename(pip_wheel)))
        status = subprocess.call(pip + ['install', '--no-index'] + options + [pip_wheel])

    return status


if __name__ == '__main__':
    sys.exit(main())
