"""Delivery: the outbox in SQL, its channels (email, webhooks) and digests (issue #15)."""
