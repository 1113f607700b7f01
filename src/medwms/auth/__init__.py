"""medwms.auth."""
