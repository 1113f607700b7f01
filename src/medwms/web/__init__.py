"""medwms.web."""
