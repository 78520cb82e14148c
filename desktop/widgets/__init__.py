"""The overlay's parts: each renders one kind of engine event and nothing else."""
