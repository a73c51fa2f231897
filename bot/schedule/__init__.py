"""The race calendar, the posts planned from it for each server, and the outbox that keeps them."""
