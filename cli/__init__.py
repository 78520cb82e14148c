"""The ``belcoach`` command line."""
