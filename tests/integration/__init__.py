"""Tests against real infrastructure: real Redis, real PostgreSQL, fttm workers as processes."""
