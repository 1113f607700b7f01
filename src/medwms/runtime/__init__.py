"""Runtime settings (edited by an administrator, audited) and record retention."""
