"""The model registry: which Whisper models exist, where their bytes come from,
assembling and verifying them, and loading them.

``belcoach.models.loader`` is not imported here because importing faster-whisper takes
about a second, which ``belcoach models list`` does not need.
"""

from belcoach.core.offline import opt_out

opt_out()  # before faster-whisper or ctranslate2 load (see core/offline.py)

from belcoach.models.files import FileProblem, ProgressCallback  # noqa: E402
from belcoach.models.registry import MODELS, ModelSource, ModelSpec, get_spec  # noqa: E402
from belcoach.models.store import ModelInfo, ModelStore, VerifyReport  # noqa: E402

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
