"""medwms.coldchain."""
