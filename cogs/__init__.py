"""Discord extensions: slash commands over the core queries."""
