"""`python -m medwms` runs the command line."""

from medwms.cli.main import app

app()
