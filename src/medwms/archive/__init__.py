"""Archiving closed documents: out of the working lists, still kept and readable."""
