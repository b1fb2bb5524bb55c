"""Tests that keep closed the holes found when fttm was tried as an attacker would."""
