# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class ModuleDocFragment(object):

    # Provider, endpoint and credential options shared by every module of the collection.
    # The lines between "BEGIN GENERATED" and "END GENERATED" are written from the provider registry
    # by tests/update_generated.py: change the registry (or the script), then run the script.
    DOCUMENTATION = r'''
options:
  provider:
    description:
      - The vendor platform the campaign lives on.
      # BEGIN GENERATED provider-titles
      - V(voltmx) is HCL Volt MX Engagement, V(isales) is Huawei CC-iSales, V(ocamba) is Ocamba Hood, V(wolkvox) is
        Wolkvox and V(8x8) is 8x8 Contact Center.
      # END GENERATED
      - Required, except by M(campaignops.campaigns.campaign_state) when every item of its C(campaigns) names a C(provider).
    type: str
    required: true
    # BEGIN GENERATED provider-choices
    choices: [voltmx, isales, ocamba, wolkvox, 8x8]
    # END GENERATED
  api_url:
    description:
      - Base URL of the vendor API, as V(scheme://host[:port]); the vendor's paths are appended to it.
      - Required for O(provider=voltmx) and O(provider=isales), which are installed on premises.
      - Defaults to V(https://api.ocamba.com) for Ocamba, V(https://wv<server>.wolkvox.com) for Wolkvox and
        V(https://vcc-<platform>.8x8.com) for 8x8 (V(https://odcc2.bell.ca) for platform V(bc2)). Required for an 8x8
        Bell Canada platform other than V(bc2), whose host 8x8 does not document.
      - It must use http or https and hold only a scheme, a host and an optional port (no path, credentials, query or fragment).
      # BEGIN GENERATED env api_url
      - If not set, the environment variable E(VOLTMX_API_URL), E(ISALES_API_URL), E(OCAMBA_API_URL), E(WOLKVOX_API_URL)
        or E(EIGHTBYEIGHT_API_URL) of the selected provider is used.
      # END GENERATED
    type: str
  auth_url:
    description:
      - Volt MX only. Base URL of the Volt MX identity (auth) service, as V(scheme://host[:port]), for example
        V(https://foundry.example.com:8443).
      - When set, the module logs in once per task with O(username) and O(password) at
        C({auth_url}/authService/accounts/login) and sends the claims token it gets as C(X-VoltMX-Authorization);
        basic authentication is then not used. Volt MX cloud, which takes no basic authentication, needs it.
      - A URL whose path already ends in C(/login), such as Volt MX cloud's V(https://accounts.auth.voltmxcloud.com/login),
        is used as the login URL itself.
      - When a call answers C(401) (the claims token expired), the module logs in again once and sends that call once more.
      - Cannot be combined with O(token). It must use http or https and hold only a scheme, a host and an optional port, or end in
        C(/login); no credentials, query or fragment.
      # BEGIN GENERATED env auth_url
      - If not set, the environment variable E(VOLTMX_AUTH_URL) is used.
      # END GENERATED
    type: str
  auth_provider:
    description:
      - Volt MX only. The identity provider to log in with at O(auth_url), sent as the login's C(provider); only
        needed when the Volt MX environment has several identity providers.
      # BEGIN GENERATED env auth_provider
      - If not set, the environment variable E(VOLTMX_AUTH_PROVIDER) is used.
      # END GENERATED
    type: str
  auth_domain:
    description:
      - Volt MX only. The domain of the user within O(auth_provider), sent as the login's C(domain).
      # BEGIN GENERATED env auth_domain
      - If not set, the environment variable E(VOLTMX_AUTH_DOMAIN) is used.
      # END GENERATED
    type: str
  server:
    description:
      - Wolkvox only. The digits of the Wolkvox server of your operation, for example V(0032).
      # BEGIN GENERATED env server
      - If not set, the environment variable E(WOLKVOX_SERVER) is used.
      # END GENERATED
    type: str
  platform:
    description:
      - 8x8 only. The Contact Center platform, for example V(na12), V(eu3), V(eu21), V(sb1) (sandbox) or V(bc2); it
        must match V(^[a-z]{2}[0-9]{1,3}$) (upper case is accepted and lowered), so platforms missing from 8x8's
        published server list work too. A Bell Canada platform other than V(bc2) needs O(api_url).
      # BEGIN GENERATED env platform
      - If not set, the environment variable E(EIGHTBYEIGHT_PLATFORM) is used.
      # END GENERATED
    type: str
  token:
    description:
      - Ocamba API bearer token, Wolkvox C(wolkvox-token), or Volt MX claims token (sent as C(X-VoltMX-Authorization)).
      - For Huawei iSales, a ready C(Authorization) header value, for deployments whose gateway signs requests;
        otherwise use O(access_key) and O(secret_key).
      # BEGIN GENERATED env token
      - If not set, the environment variable E(VOLTMX_TOKEN), E(ISALES_TOKEN), E(OCAMBA_TOKEN) or E(WOLKVOX_TOKEN) of
        the selected provider is used.
      # END GENERATED
    type: str
  username:
    description:
      - Volt MX user for basic authentication (with O(password)) or for the login at O(auth_url), or the 8x8 tenant name.
      # BEGIN GENERATED env username
      - If not set, the environment variable E(VOLTMX_USERNAME) or E(EIGHTBYEIGHT_USERNAME) of the selected provider is
        used.
      # END GENERATED
    type: str
  password:
    description:
      - Volt MX password for basic authentication, or for the login at O(auth_url).
      # BEGIN GENERATED env password
      - If not set, the environment variable E(VOLTMX_PASSWORD) is used.
      # END GENERATED
    type: str
  data_token:
    description:
      - 8x8 Data Request Token, used for reads.
      # BEGIN GENERATED env data_token
      - If not set, the environment variable E(EIGHTBYEIGHT_DATA_TOKEN) is used.
      # END GENERATED
    type: str
  action_token:
    description:
      - 8x8 Action Request Token, used for status changes. Not needed in check mode or by the info module.
      # BEGIN GENERATED env action_token
      - If not set, the environment variable E(EIGHTBYEIGHT_ACTION_TOKEN) is used.
      # END GENERATED
    type: str
  access_key:
    description:
      - Huawei iSales access key (AK) for AK/SK request signing.
      # BEGIN GENERATED env access_key
      - If not set, the environment variable E(ISALES_ACCESS_KEY) is used.
      # END GENERATED
    type: str
  secret_key:
    description:
      - Huawei iSales secret key (SK) for AK/SK request signing.
      # BEGIN GENERATED env secret_key
      - If not set, the environment variable E(ISALES_SECRET_KEY) is used.
      # END GENERATED
    type: str
  vdn_id:
    description:
      - Huawei iSales only. The VDN the campaign belongs to, an integer from 1 to 9999.
      # BEGIN GENERATED env vdn_id
      - If not set, the environment variable E(ISALES_VDN_ID) is used.
      # END GENERATED
    type: int
  validate_certs:
    description:
      - Verify the TLS certificate of the vendor API. Turn off only for tests.
    type: bool
    default: true
  ca_path:
    description:
      - A CA bundle file used to verify the vendor's TLS certificate, for servers with a private CA.
      # BEGIN GENERATED env ca_path
      - If not set, the environment variable E(VOLTMX_CA_PATH), E(ISALES_CA_PATH), E(OCAMBA_CA_PATH), E(WOLKVOX_CA_PATH)
        or E(EIGHTBYEIGHT_CA_PATH) of the selected provider is used.
      # END GENERATED
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried after a connection failure, or after C(502), C(503) or C(504) (reads only),
        with exponential backoff and jitter, honouring C(Retry-After).
      - A request the vendor refuses for load (C(429), Ocamba's C(Retry-After) V(-1) for too many parallel requests,
        Wolkvox's C(403) for too many simultaneous requests) was not processed, so it is retried, reads and writes
        alike, for up to 10 times O(timeout) seconds (300 by default) from its first refusal, however many attempts
        that takes. It waits as long as C(Retry-After) says (else with exponential backoff), and every request of
        that vendor account from this machine waits with it. Only then does the campaign fail, saying that it is
        still throttled and that nothing was applied.
      - V(0) turns every retry off, throttled requests included.
      - A write that may have been applied (timeout, connection reset, error answer) is never sent again blindly.
    type: int
    default: 3
  concurrency:
    description:
      - How many requests are in flight at once when a task converges several campaigns.
      - Defaults to V(8), and to V(1) for Wolkvox. For Wolkvox this is also the number of requests in flight
        per token across every Ansible process on the machine, and at most V(2), the vendor's limit.
      - Ocamba's documented rate limits (10 requests per second, 150 per minute per account) are kept
        whatever this value, across every Ansible process on the machine.
    type: int
notes:
  - Options that belong to another provider than O(provider) are refused, so a task cannot silently ignore them.
    Environment variables are read only for the selected provider (and, in a M(campaignops.campaigns.campaign_state)
    task whose C(campaigns) name other providers, for those providers).
  - Secrets given as options or read from the environment are never shown in results or messages.
seealso:
  - name: Vendor guides
    description: Credentials, state mapping and allowed transitions of each vendor.
    link: https://github.com/campaignops/campaigns/tree/main/docs/docsite/rst
'''
