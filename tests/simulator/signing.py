# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Huawei CEC AK/SK request signature, as the simulator checks it.

The layout (the client in ``plugins/module_utils`` implements the same; Huawei
publishes the algorithm only as a Java demo, so this layout is the project's
reading of it)::

    timestamp       = UTC now formatted "%Y-%m-%dT%H:%M:%SZ"
    auth_prefix     = "auth-v2/" + ak + "/" + timestamp
    signed_headers  = "content-type;host"
    canonical_uri   = quote(path, safe="/-_.~")
    canonical_query = "&".join(sorted(quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~") for each pair))
    canonical_hdrs  = "content-type:" + content_type.strip() + "\\n" + "host:" + host.strip()
    canonical_req   = METHOD + "\\n" + canonical_uri + "\\n" + canonical_query + "\\n" + canonical_hdrs
    signing_key     = hex(HMAC-SHA256(sk, auth_prefix))
    signature       = hex(HMAC-SHA256(signing_key, canonical_req))
    Authorization   = auth_prefix + "/" + signed_headers + "/" + signature

``sign()`` builds a header (used by the tests), ``verify_authorization()`` is the
one function the simulator uses to accept or refuse a request.
"""

import datetime
import hashlib
import hmac
from urllib.parse import quote

SIGNED_HEADERS = "content-type;host"
TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_SKEW_SECONDS = 15 * 60


def _signature(ak, sk, timestamp, method, path, query_pairs, content_type, host):
    auth_prefix = "auth-v2/" + ak + "/" + timestamp
    canonical_uri = quote(path, safe="/-_.~")
    canonical_query = "&".join(sorted(quote(k, safe="-_.~") + "=" + quote(v, safe="-_.~") for k, v in query_pairs))
    canonical_hdrs = "content-type:" + (content_type or "").strip() + "\n" + "host:" + (host or "").strip()
    canonical_req = method.upper() + "\n" + canonical_uri + "\n" + canonical_query + "\n" + canonical_hdrs
    signing_key = hmac.new(sk.encode("utf-8"), auth_prefix.encode("utf-8"), hashlib.sha256).hexdigest()
    signature = hmac.new(signing_key.encode("utf-8"), canonical_req.encode("utf-8"), hashlib.sha256).hexdigest()
    return auth_prefix, signature


def sign(ak, sk, method, path, query_pairs, content_type, host, now=None):
    """Return an ``Authorization`` value for a request (``path`` unencoded, pairs decoded)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    timestamp = now.strftime(TIMESTAMP_FORMAT)
    auth_prefix, signature = _signature(ak, sk, timestamp, method, path, query_pairs, content_type, host)
    return auth_prefix + "/" + SIGNED_HEADERS + "/" + signature


def verify_authorization(header, keys, method, path, query_pairs, content_type, host, now=None):
    """Check an ``Authorization`` header against ``keys`` (a dict AK -> SK).

    ``path`` is the decoded request path, ``query_pairs`` the decoded query pairs.
    Returns None when the request is accepted, else a short reason.
    """
    if not header:
        return "missing Authorization header"
    parts = header.strip().split("/")
    if len(parts) != 5 or parts[0] != "auth-v2":
        return "malformed Authorization header"
    _version, ak, timestamp, signed_headers, signature = parts
    secret = keys.get(ak)
    if secret is None:
        return "unknown access key"
    if signed_headers != SIGNED_HEADERS:
        return "unsupported signed headers"
    try:
        stamp = datetime.datetime.strptime(timestamp, TIMESTAMP_FORMAT).replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return "malformed timestamp"
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if abs((now - stamp).total_seconds()) > MAX_SKEW_SECONDS:
        return "timestamp outside the allowed 15 minutes"
    _prefix, expected = _signature(ak, secret, timestamp, method, path, query_pairs, content_type, host)
    if not hmac.compare_digest(expected, signature.lower()):
        return "signature mismatch"
    return None
