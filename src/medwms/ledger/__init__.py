"""medwms.ledger."""
