"""medwms.verification."""
