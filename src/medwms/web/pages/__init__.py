"""Server-rendered pages: sign-in, the home tiles and the manager pages."""
