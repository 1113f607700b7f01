"""medwms.counting."""
