"""Where records live: the one module that knows the repository's layout.

    data/metrics.yaml                            the metric catalogue
    data/datasets/<id>.yaml                      one dataset
    data/papers/<id>.yaml                        one paper
    data/results/<dataset>/<split>/<slug>.yaml   one result; its id is "<dataset>/<split>/<slug>"
    schema/<kind>.schema.json                    the JSON Schema of each kind
    docs/<lang>/*.md, CONTRIBUTING(.<lang>).md   hand-written pages
    build/docs/<lang>/                           the generated Markdown, rebuilt by every build
    build/cache/                                 what a build keeps for the next (site/reuse.py)
    site/                                        the built site (by default)

Every other module asks here for a record's path, a result's slug, what a file under data/ is,
or where the site's sources and outputs are. Nothing here reads or writes a record.
"""

from __future__ import annotations

import os
import re
import reprlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from generator.errors import UsageError
from generator.problems import Problem, error
from generator.reading import leads_out, real_path

DATA = "data"
SCHEMA = "schema"
RESULTS = "results"
PAPERS = "papers"
DATASETS = "datasets"
METRICS = "metrics.yaml"
SUFFIX = ".yaml"
SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PAPER_ID = re.compile(r"[0-9]{4}\.[0-9]{4,5}|[a-z][a-z0-9]*(-[a-z0-9]+)*")
# papers/index.md is the site's list of papers, so no paper page may take its name
PAPERS_INDEX_ID = "index"
_LAYOUT = (
    "records live at data/metrics.yaml, data/datasets/<id>.yaml, data/papers/<id>.yaml "
    "and data/results/<dataset>/<split>/<slug>.yaml"
)


DOCS = "docs"
# what a site is built from: a change to any of these is worth a rebuild
SITE_SOURCES = (
    DATA,
    DOCS,
    SCHEMA,
    "overrides",
    "mkdocs.yml",
    "CONTRIBUTING.md",
    "CONTRIBUTING.zh.md",
)


def default_site_dir(root: Path) -> Path:
    return root / "site"


def _work_dir(root: Path, *parts: str) -> Path:
    """A folder under build/ that segboard empties and rewrites: never through a link.

    A link at build/ or below would make a rebuild empty the folder it points to.
    """
    folders = [root / "build"]
    for part in parts:
        folders.append(folders[-1] / part)
    for folder in folders:
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise UsageError(
                f"{folder} is a link or a file; segboard writes its generated pages there, so "
                "remove it"
            )
    return folders[-1]


def lock_path(root: Path) -> Path:
    """The file a build locks, so that two builds of one repository never run at once."""
    return _work_dir(root) / ".segboard-build.lock"


def cache_dir(root: Path, *parts: str) -> Path:
    """Where builds keep what the next build may reuse; removing it only costs time."""
    return _work_dir(root, "cache", *parts)


def generated_dir(root: Path, lang: str) -> Path:
    """Where the Markdown pages of one language are written before MkDocs builds them."""
    return _work_dir(root, DOCS, lang)


def handwritten_files(root: Path, lang: str) -> list[Path]:
    """The hand-written pages of one language: docs/<lang>/*.md, then the contributing guide."""
    folder = root / DOCS / lang
    pages = sorted(folder.glob("*.md")) if folder.is_dir() else []
    contributing = root / ("CONTRIBUTING.md" if lang == "en" else f"CONTRIBUTING.{lang}.md")
    return pages + ([contributing] if contributing.is_file() else [])


def unpublished_docs(root: Path, languages: Sequence[str], pages: Sequence[str]) -> list[Path]:
    """What docs/ holds besides docs/<language>/<page> for the given languages and pages."""
    docs = root / DOCS
    if not docs.is_dir():
        return []
    found = []
    for entry in sorted(docs.iterdir()):
        if entry.name in languages and entry.is_dir() and not entry.is_symlink():
            found += [p for p in sorted(entry.iterdir()) if p.name not in pages]
        else:
            found.append(entry)
    return [path for path in found if not path.name.startswith(".")]  # .gitkeep, editors' files


def documentation_files(root: Path) -> list[Path]:
    """Every hand-written Markdown file whose links are checked: docs/, README, CONTRIBUTING."""
    docs = root / DOCS
    pages = sorted(docs.rglob("*.md")) if docs.is_dir() else []
    others = ("README.md", "CONTRIBUTING.md", "CONTRIBUTING.zh.md")
    return pages + [root / name for name in others if (root / name).is_file()]


def slug(text: str) -> str:
    """A file name stem from a model name: 'PSPNet + COCO' -> 'pspnet-coco'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# characters of a result's file name stem made from a model name: well below the 255 bytes a file
# system allows, and short enough for the result's id to be quoted ('reproduces', 250 at most)
MAX_SLUG = 100


def slug_problem(name: str) -> str | None:
    """Why `name` cannot name a result's file (to follow the name quoted), or None when it can."""
    stem = slug(name)
    if not stem:
        return "gives an empty file name; use letters or digits"
    if len(stem) > MAX_SLUG:
        return (
            f"gives a file name of {len(stem)} characters, more than {MAX_SLUG}; shorten the name"
        )
    return None


def data_dir(root: Path) -> Path:
    return root / DATA


def metrics_path(root: Path) -> Path:
    return root / DATA / METRICS


# the longest id a record may have (the schemas' maxLength of ids and paper ids)
MAX_ID = 80


def checked_id(value: str, what: str, pattern: re.Pattern[str] = SLUG) -> str:
    """`value` when it is a valid id; otherwise a usage error, before any path is built."""
    if len(value) > MAX_ID:
        raise UsageError(
            f"{what} {reprlib.repr(value)} is not a valid id: it has {len(value):,} characters, "
            f"and ids have at most {MAX_ID}"
        )
    if not pattern.fullmatch(value):
        form = "an arXiv id such as 1612.01105 or a slug" if pattern is PAPER_ID else "a slug"
        raise UsageError(
            f"{what} {value!r} is not a valid id: write {form} (lower-case letters, digits and "
            "single hyphens, e.g. pascal-voc-2012)"
        )
    return value


def dataset_path(root: Path, dataset_id: str) -> Path:
    return root / DATA / DATASETS / f"{checked_id(dataset_id, 'dataset')}{SUFFIX}"


def paper_path(root: Path, paper_id: str) -> Path:
    if paper_id == PAPERS_INDEX_ID:
        raise UsageError(
            f"paper {paper_id!r} is not a valid id: the site's list of papers has that name; "
            "choose another slug, e.g. with the first author and year"
        )
    return root / DATA / PAPERS / f"{checked_id(paper_id, 'paper', PAPER_ID)}{SUFFIX}"


def papers_dir(root: Path) -> Path:
    return root / DATA / PAPERS


def result_path(root: Path, dataset: str, split: str, result_slug: str) -> Path:
    parts = (
        checked_id(dataset, "dataset"),
        checked_id(split, "split"),
        checked_id(result_slug, "the file name made from the model name"),
    )
    return root / DATA / RESULTS / parts[0] / parts[1] / f"{parts[2]}{SUFFIX}"


def result_repo_path(result_id: str) -> str:
    """A result's file relative to the repository, with '/': 'data/results/ade20k/val/x.yaml'."""
    return f"{DATA}/{RESULTS}/{result_id}{SUFFIX}"


def result_id_path(root: Path, result_id: str) -> Path | None:
    """The file of a result id 'dataset/split/slug', or None when the id is not of that form."""
    parts = result_id.split("/")
    if len(parts) != 3 or not all(SLUG.fullmatch(part) for part in parts):
        return None
    return result_path(root, *parts)


def schema_path(schema_dir: Path, kind: str) -> Path:
    return schema_dir / f"{kind}.schema.json"


def schema_comment(kind: str) -> str:
    """The first line of a new record: tells YAML editors which schema to offer."""
    depth = {"result": 4, "dataset": 2, "paper": 2, "metrics": 1}[kind]
    return f"# yaml-language-server: $schema={'../' * depth}{SCHEMA}/{kind}.schema.json"


def evidence_file(root: Path, name: str) -> Path | None:
    """The evidence file a record names, if it is a regular file inside the repository."""
    return None if evidence_problem(root, name) else real_path(root / name)


def evidence_problem(root: Path, name: str) -> str | None:
    """Why the evidence file a record names cannot be used, or None.

    The name is relative to the repository, has no '..' part, and leads (links resolved) to a
    regular file inside the repository.
    """
    relative = Path(name)
    if relative.is_absolute() or ".." in relative.parts:
        return f"the evidence file {name} must be a path inside the repository, without '..'"
    target = real_path(root / relative)
    if leads_out(target, root):
        return f"the evidence file {name} leads outside the repository"
    if not target.exists():
        return f"the evidence file {name} does not exist"
    if not target.is_file():
        return f"the evidence file {name} is not a regular file"
    return None


def find_root(start: Path | None = None, explicit: Path | None = None) -> Path:
    """The repository root: `explicit` (--root), or the nearest folder holding data/."""
    if explicit is not None:
        root = real_path(explicit)
        if not data_dir(root).is_dir():
            raise UsageError(f"{explicit} holds no data/ folder; give --root a segboard repository")
        return root
    here = real_path(start or Path.cwd())
    for folder in (here, *here.parents):
        if data_dir(folder).is_dir():
            return folder
    raise UsageError(
        f"no data/ folder in {here} or any folder above it; run inside a segboard repository "
        "or give --root DIR"
    )


@dataclass
class RecordFile:
    path: Path
    kind: str  # dataset | paper | metrics | result
    result_id: str | None = None


def discover(root: Path) -> tuple[list[RecordFile], list[Problem]]:
    """Every record file under data/, classified by its place; misplaced files are problems.

    Only regular files are records: a symbolic link (to a file or a folder), a FIFO or a device
    under data/ is reported and never opened, so nothing outside the repository is read.
    """
    files: list[RecordFile] = []
    problems: list[Problem] = []
    _walk(data_dir(root), (), files, problems)
    return files, problems


def _walk(
    folder: Path, parts: tuple[str, ...], files: list[RecordFile], problems: list[Problem]
) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        problems.append(error(folder, (1, 1), "unreadable", f"cannot list: {exc.strerror}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            if hidden_record(entry.name) and entry.is_file(follow_symlinks=False):
                message = (
                    "a hidden file (its name begins with '.'), which no build reads: the "
                    "record would be left out; rename it without the leading '.'"
                )
                problems.append(error(Path(entry.path), (1, 1), "file-location", message))
            continue  # other hidden files (.gitkeep, editors' swap files) are not records
        path = Path(entry.path)
        if entry.is_symlink():
            message = "a symbolic link; records must be real files inside the repository"
            problems.append(error(path, (1, 1), "file-kind", message))
        elif entry.is_dir(follow_symlinks=False) and _named_like_a_record(parts, entry.name):
            message = (
                "a folder named like a record file; records are files, and nothing in this "
                "folder is read: move the record out of it and remove the folder"
            )
            problems.append(error(path, (1, 1), "file-location", message))
        elif entry.is_dir(follow_symlinks=False):
            _walk(path, (*parts, entry.name), files, problems)
        elif not entry.is_file(follow_symlinks=False):
            message = "not a regular file (a FIFO, socket or device); records are plain files"
            problems.append(error(path, (1, 1), "file-kind", message))
        else:
            record = _classify(parts, entry.name, path)
            if isinstance(record, str):
                problems.append(error(path, (1, 1), "file-location", record))
            else:
                files.append(record)


def _named_like_a_record(parts: tuple[str, ...], name: str) -> bool:
    """Whether a folder is named like a record file (the catalogue's place is not: a folder
    there is reported as the missing catalogue)."""
    return name.endswith((SUFFIX, ".yml")) and not (parts == () and name == METRICS)


def hidden_record(name: str) -> bool:
    """Whether a hidden file's name is a record's name with a leading '.' (reported, not
    read); editors' and systems' files named after a record are not (Emacs' lock '.#x.yaml',
    macOS's '._x.yaml' beside it on other file systems)."""
    return name.endswith((SUFFIX, ".yml")) and not name.startswith((".#", "._"))


def unread(relative: Path) -> bool:
    """Whether discovery passes over this path below a source folder without a word: it
    passes through a hidden folder, or is a hidden file that is not a `hidden_record`."""
    *folders, name = relative.parts or ("",)
    hidden_folder = any(part.startswith(".") for part in folders)
    return hidden_folder or (name.startswith(".") and not hidden_record(name))


def _classify(parts: tuple[str, ...], name: str, path: Path) -> RecordFile | str:
    if name.endswith(".yml"):
        return "record files end in .yaml, not .yml; rename the file"
    if not name.endswith(SUFFIX):
        return "unexpected file in data/; only .yaml records belong here"
    if parts == () and name == METRICS:
        return RecordFile(path, "metrics")
    if parts == (DATASETS,):
        return RecordFile(path, "dataset")
    if parts == (PAPERS,):
        return RecordFile(path, "paper")
    if len(parts) == 3 and parts[0] == RESULTS:
        return RecordFile(path, "result", f"{parts[1]}/{parts[2]}/{name[: -len(SUFFIX)]}")
    return f"this file is not where a record can be: {_LAYOUT}"
