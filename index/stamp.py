"""The index stamp: everything that shapes an index, recorded when it is made and checked at every open."""

from __future__ import annotations

import hashlib
import json
import shlex
from dataclasses import asdict, dataclass

from councilqa.errors import CouncilQAError
from councilqa.index.catalog import SCHEMA_VERSION, Catalog
from councilqa.index.embed import Embedder
from councilqa.settings import Settings
from councilqa.versions import CHUNKER, METADATA, MINUTES


class IndexStampMismatch(CouncilQAError):
    """The data directory was built otherwise than the current settings and code build (see `Stamp`)."""


@dataclass(frozen=True)
class Stamp:
    """Everything that shapes an index: the model and its precision, the parser, the chunker and its settings,
    what reads a paper's metadata and its minutes' decisions, and the catalog's schema. Vectors, chunks or
    records made under two stamps are never mixed."""

    model: str
    precision: str
    parser: str
    chunker: str = CHUNKER
    chunking: str = ""  # the ingest settings the chunker takes, as JSON
    metadata: str = METADATA
    minutes: str = MINUTES
    catalog: int = SCHEMA_VERSION

    @classmethod
    def of(cls, settings: Settings, embedder: Embedder, parser_version: str) -> Stamp:
        """The stamp an index built with these settings, this embedder and this parser gets."""
        chunking = settings.ingest.model_dump(include={"max_chunk_tokens", "overlap_units"})
        return cls(embedder.model_id, embedder.precision, parser_version, chunking=json.dumps(chunking, sort_keys=True))

    @property
    def id(self) -> str:
        return hashlib.sha256(self.to_json().encode()).hexdigest()[:12]

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    def check(self, catalog: Catalog, settings: Settings) -> None:
        """Record this stamp in a new catalog; in one made otherwise, raise `IndexStampMismatch`, saying how to
        rebuild it."""
        found = catalog.get_meta("stamp")
        if found is None:
            catalog.set_meta("stamp", self.to_json())
        elif found != self.to_json():
            data_dir = shlex.quote(str(settings.data_dir))
            roots = " ".join(shlex.quote(root) for root in catalog.roots()) or "PATH"
            files = " ".join(path.name for path in settings.data.index_files)
            raise IndexStampMismatch(
                f"{settings.data_dir}: this index was built otherwise than the current settings and code build "
                f"({'; '.join(self.changes(found))}), and an index never mixes the two. Rebuild it (the "
                "fetched papers, uploads, accounts and OCR cache in the folder are kept; papers an officer restricted "
                f"must be marked again with `councilqa restrict`): `cd {data_dir} && rm -rf {files}; "
                f"cd - && councilqa ingest {roots} --data-dir {data_dir}`. Or use another --data-dir, or set back "
                "the settings that changed (index.model_path, index.precision, ingest.max_chunk_tokens, "
                "ingest.overlap_units)."
            )

    def changes(self, found: str) -> list[str]:
        """How the stamp `found` (as stored, JSON) differs from this one: "precision: bf16, now fp32"."""
        try:
            stored = json.loads(found)
        except ValueError:
            stored = {}
        stored = stored if isinstance(stored, dict) else {}
        return [
            f"{name}: {stored.get(name, 'not recorded')}, now {value}"
            for name, value in asdict(self).items()
            if stored.get(name) != value
        ]

    def __str__(self) -> str:
        return f"{self.id} ({'; '.join(f'{name} {value}' for name, value in asdict(self).items())})"
