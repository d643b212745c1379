# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line entry point: ``python -m tests.simulator [options]`` from the repository root.

Prints ``simulator listening on URL`` once the port is bound (with ``--https`` the CA
certificate's path also goes to stderr), writes the port to
``--port-file`` when given, and stops cleanly (exit 0) on SIGTERM or SIGINT.
"""

import argparse
import os
import signal
import sys
import threading

from .server import Simulator


def parse_args(argv=None):
    """Parse the command line."""
    parser = argparse.ArgumentParser(prog="python -m tests.simulator", description="Campaign vendor API simulator")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port to listen on, 0 for any free port (default 8765)")
    parser.add_argument("--seed", default=None, help="seed file, or directory of <vendor>.json files (default: the bundled tests/simulator/seed/)")
    parser.add_argument("--https", action="store_true", help="serve HTTPS with a generated self-signed CA")
    parser.add_argument("--cert-dir", default=None, help="where to write ca.pem, server.pem and server-key.pem (with --https)")
    parser.add_argument("--port-file", default=None, help="write the bound port to this file")
    parser.add_argument("--latency-ms", type=float, default=0, help="latency added to every vendor call (kept across resets)")
    return parser.parse_args(argv)


def main(argv=None):
    """Run the simulator until SIGTERM or SIGINT."""
    args = parse_args(argv)
    if args.latency_ms < 0:
        sys.stderr.write("--latency-ms must be >= 0\n")
        return 2
    stop = threading.Event()

    def _on_signal(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    try:
        sim = Simulator(seed_path=args.seed, host=args.host, port=args.port, https=args.https, cert_dir=args.cert_dir, latency_ms=args.latency_ms)
        sim.start()
    except (OSError, ValueError) as exc:
        sys.stderr.write("simulator: cannot start: %s\n" % exc)
        return 1
    try:
        if args.port_file:
            temp = args.port_file + ".tmp"
            with open(temp, "w", encoding="utf-8") as handle:
                handle.write("%d\n" % sim.port)
            os.replace(temp, args.port_file)
        if sim.ca_cert_path:
            sys.stderr.write("simulator CA certificate: %s\n" % sim.ca_cert_path)
            sys.stderr.flush()
        sys.stdout.write("simulator listening on %s\n" % sim.url)
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
