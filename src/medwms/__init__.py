"""medwms: warehouse management for medical devices."""

__version__ = "0.1.0"
