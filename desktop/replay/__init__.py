"""The coach's replay window: a call's timeline, transcript, playback and notes.

`ReplayWindow` is self-contained: give it a call folder (or an events file)
and it opens it; ``belcoach replay CALL`` shows it on its own and the tray
opens it with ``ReplayWindow(library=...)``.
"""
