"""Mail: composed into the outbox in the transaction that causes it, delivered later."""
