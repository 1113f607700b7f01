"""medwms.quality."""
