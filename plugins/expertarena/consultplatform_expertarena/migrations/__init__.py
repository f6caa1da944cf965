"""Numbered schema migrations of the Expertarena plugin (namespace ``expertarena``)."""
