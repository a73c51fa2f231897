"""When and where posts go out: the scheduler delivering the outbox (not what a post says)."""
