"""medwms.migrations."""
