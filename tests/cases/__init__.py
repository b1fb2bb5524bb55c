"""Tests of the cases area."""
