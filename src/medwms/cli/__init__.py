"""medwms.cli."""
