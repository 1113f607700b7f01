"""medwms.picking."""
