"""medwms.api."""
