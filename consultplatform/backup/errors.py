"""The one exception of the backup code: its message says what to do."""


class BackupError(Exception):
    """A backup, restore or verification that cannot go on."""
