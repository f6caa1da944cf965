"""Tests of the built-in Expertarena plugin (plugins/expertarena)."""
