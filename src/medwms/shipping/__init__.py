"""medwms.shipping."""
