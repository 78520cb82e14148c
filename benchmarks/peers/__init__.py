"""Helpers of benchmarks/peers.py: belcoach against the open-source streaming tools.

peers.py (belcoach's venv) builds the audio, starts one runner per tool and
scores what it printed. The ``run_*.py`` files are those runners: scripts run
by the tool's own Python (belcoach's .venv, or .peers-venv from
benchmarks/peers_env.sh), so they import only `protocol` from here.
"""
