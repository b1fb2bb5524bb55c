"""Tests of the meetings area."""
