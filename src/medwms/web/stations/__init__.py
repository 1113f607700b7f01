"""Scanning stations: thin pages whose JavaScript calls the /api/v1 endpoints."""
