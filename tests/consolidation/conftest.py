"""The worked example's fixtures (defined in test_service.py), shared with the lock tests."""

from tests.consolidation.test_service import client80, hub80, settings_80, worked

__all__ = ["client80", "hub80", "settings_80", "worked"]
