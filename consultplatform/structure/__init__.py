"""Consultations as templates: a consultation's structure exported as a versioned JSON
file (``schema``), read back and made into a new draft consultation (``load``), on
this installation (a copy) or another (a file)."""
