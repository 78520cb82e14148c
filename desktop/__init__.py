"""The PySide6 user interface: overlay, replay window, settings and tray.

Only this package imports Qt; it consumes engine events through one bridge.
"""
