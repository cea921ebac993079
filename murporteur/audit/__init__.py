"""The audit trail: a tamper-evident, hash-chained log of sensitive operations."""
