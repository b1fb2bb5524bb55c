"""Tests of signing in and out, and of who may open what."""
