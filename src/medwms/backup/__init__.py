"""Backup and restore of the whole database.

`service` holds the two commands (`backup`, `restore`); `manifest` the errors, the
manifest and the checks a copy must pass; `sqlite` and `postgres` the two databases' ways
of copying.
"""
