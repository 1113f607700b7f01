"""medwms.receiving."""
