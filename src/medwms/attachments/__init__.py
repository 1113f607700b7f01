"""Scanned papers and photos kept with a record: content-addressed files, never deleted."""
