"""medwms.putaway."""
