# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Summary of a nox run (scripts/test.sh): ``python nox_summary.py REPORT.json SECONDS NOX_EXIT``.

Prints each session with its result and duration, then the line "N passed, N failed" (sessions;
skipped ones count in neither), which CI reads. Exits 1 if a session failed, nox exited non-zero
or wrote no report (say, an unknown session name or tag)."""

from __future__ import annotations

import json
import sys


def main(report_path, seconds, nox_exit):
    try:
        with open(report_path, encoding='utf-8') as report:
            sessions = json.load(report)['sessions']
    except (OSError, ValueError, KeyError):
        sessions = []
    print('\n' + '=' * 66 + '\n=== SUMMARY (total {0}s)'.format(seconds))
    for session in sessions:
        print('  {0:<8} {1:<28} {2:6.0f}s'.format(session['result'].upper(), session['name'], session.get('duration') or 0))
    passed = sum(1 for session in sessions if session['result'] == 'success')
    failed = sum(1 for session in sessions if session['result'] in ('failed', 'aborted'))
    if int(nox_exit) and not failed:
        print('nox exited {0}{1}'.format(nox_exit, '' if sessions else ' without running a session'))
        failed = 1
    print('{0} passed, {1} failed'.format(passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:4]))
