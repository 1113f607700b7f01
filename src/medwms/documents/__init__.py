"""medwms.documents."""
