"""Tests of joining a meeting by code."""
