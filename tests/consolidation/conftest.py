"""The worked example's fixtures (tests/consolidation/test_service.py), for every module here."""

from tests.consolidation.test_service import client80, hub80, settings_80, worked

__all__ = ["client80", "hub80", "settings_80", "worked"]
