"""Complaints and suspected adverse-event reports: logged, investigated, notified, closed."""
