"""The five simulated vendors, in routing order."""

from .eightbyeight import EightByEight
from .isales import ISales
from .ocamba import Ocamba
from .voltmx import VoltMX
from .wolkvox import Wolkvox

VENDORS = (VoltMX(), ISales(), Ocamba(), Wolkvox(), EightByEight())
BY_NAME = {vendor.name: vendor for vendor in VENDORS}


def vendor_for(path):
    """The vendor owning ``path``, or None."""
    for vendor in VENDORS:
        if vendor.matches(path):
            return vendor
    return None
