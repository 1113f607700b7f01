"""medwms.masterdata."""
