"""A plugin with no hooks at all, loaded under several names by the tests."""
