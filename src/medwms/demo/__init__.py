"""The demo: a realistic data set and a working day laid out on it (see docs/demo.md)."""

from medwms.demo.load import DemoSummary, DemoUser, load_demo
from medwms.demo.numbers import DemoDocuments

__all__ = ["DemoDocuments", "DemoSummary", "DemoUser", "load_demo"]
