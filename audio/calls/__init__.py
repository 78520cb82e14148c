"""Recorded calls: the call folder, its journal, the library index, summaries and import.

A call is a folder (audio of both channels, ``events.jsonl``, ``summary.json``,
coach notes); ``library`` keeps a small SQLite index of the folders for the
coach's call list. Nothing here imports Qt: the replay window, the report and
the command line all build on these modules.
"""
