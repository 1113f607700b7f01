"""medwms.core."""
