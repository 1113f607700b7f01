"""medwms.recall."""
