"""Tests of the admin area: staff accounts and teams."""
