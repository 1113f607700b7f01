"""First-time approval (首营) of suppliers, customers and products, and their credentials."""
