"""Tests for the matching engine (matching.engine)."""
