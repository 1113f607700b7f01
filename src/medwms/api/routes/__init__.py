"""medwms.api.routes."""
