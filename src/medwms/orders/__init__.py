"""medwms.orders."""
