"""Shared foundations every layer may use: the error hierarchy and where files live."""
