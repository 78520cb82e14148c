"""The model registry: which Whisper models exist, where their bytes come from,
assembling and verifying them, and loading them.

``belcoach.models.loader`` is not imported here because importing faster-whisper takes
about a second, which ``belcoach models list`` does not need.
"""

from belcoach.models.files import FileProblem, ProgressCallback
from belcoach.models.registry import MODELS, ModelSource, ModelSpec, get_spec
from belcoach.models.store import ModelInfo, ModelStore, VerifyReport

__all__ = [
    "MODELS",
    "FileProblem",
    "ModelInfo",
    "ModelSource",
    "ModelSpec",
    "ModelStore",
    "ProgressCallback",
    "VerifyReport",
    "get_spec",
]
