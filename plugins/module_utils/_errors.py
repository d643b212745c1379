# -*- coding: utf-8 -*-
# Copyright (c) campaignops.campaigns contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Note: this module_utils is private to the collection; its API may change at any time.

"""The one error hierarchy of the collection: every failure becomes one of these, and the
engine turns it into a single ``fail_json`` message."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type


class CampaignError(Exception):
    """Base class. ``str(error)`` is the complete message shown to the user.

    ``ambiguous`` is true when a write failed in a way that does not tell whether the vendor
    applied it (no answer, a 5xx, an unreadable answer): the engine then reads the status back."""

    ambiguous = False

    def __init__(self, message, **details):
        super(CampaignError, self).__init__(message)
        self.message = message
        self.details = details

    def __str__(self):
        return self.message


class ValidationError(CampaignError):
    """Bad input, detected before any request is sent."""


class AuthenticationError(CampaignError):
    """The vendor refused the credentials (or none were usable)."""


class NotFoundError(CampaignError):
    """The vendor does not know the campaign."""


class TransitionError(CampaignError):
    """The desired state cannot be reached along the vendor's allowed transitions."""


class PreconditionError(CampaignError):
    """The campaign exists but the vendor will not let it change (e.g. 8x8 non-dynamic campaign)."""


class VendorError(CampaignError):
    """The vendor answered with an error (HTTP status or a failure code in the body)."""

    @property
    def ambiguous(self):
        status = self.details.get('status')
        return self.details.get('unreadable', False) or (status is not None and status >= 500)


class WrongStateError(VendorError):
    """The vendor refused a write because the campaign is not in a state that allows it:
    the campaign most likely moved since it was read."""


class TransportError(CampaignError):
    """No usable answer: connection refused or reset, timeout, TLS failure.

    ``ambiguous`` is true when a write may have been applied although no answer arrived."""

    def __init__(self, message, ambiguous=False, retryable=True, **details):
        super(TransportError, self).__init__(message, **details)
        self._ambiguous = ambiguous
        self.retryable = retryable

    @property
    def ambiguous(self):
        return self._ambiguous
