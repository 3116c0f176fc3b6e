"""Where things live in a vault: the names of the files and folders that are
ours or that we read for settings. Defined once; pure."""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

CONFIG_FILE = "followup-md.toml"
TASKS_PLUGIN = "obsidian-tasks-plugin"
CACHE_DIR = ".followup-md"
TEMP_SUFFIX = ".followup-md.tmp"  # `.<name>` + this: hidden, and never a `.md` name
LEFTOVER = "a temp file left by an interrupted run"
READ_LIMIT = 64 << 20  # bytes: no note or file of ours is this large; a larger one is never read
DRAFT_TEMPLATES = "followup-md templates"  # the user's draft templates, kept in git with the vault
# Where draft templates were kept before: inside the cache folder, which git ignores.
OLD_DRAFT_TEMPLATES = f"{CACHE_DIR}/templates"
SETTINGS_FILES = (  # what reading a note depends on besides the note: a change re-reads them all
    CONFIG_FILE,
    ".obsidian/templates.json",
    ".obsidian/community-plugins.json",
    f".obsidian/plugins/{TASKS_PLUGIN}/data.json",
    ".obsidian/plugins/templater-obsidian/data.json",
)


def matches_glob(rel: str, patterns: tuple[str, ...]) -> bool:
    """Whether a vault-relative path, or a folder above it, matches one of the
    `include`/`exclude` globs."""
    if not patterns:
        return False
    path = PurePosixPath(rel)
    candidates = [rel, *(str(parent) for parent in path.parents if str(parent) != ".")]
    return any(
        fnmatchcase(candidate, pattern.strip("/")) or fnmatchcase(candidate + "/", pattern)
        for pattern in patterns
        for candidate in candidates
    )


def unmatched_globs(patterns: tuple[str, ...], paths: Iterable[str]) -> list[str]:
    """The globs of `patterns` that no path of `paths`, nor a folder above one,
    matches (`matches_glob`). The folders are few: each is matched once, and
    a file only for a glob no folder matches."""
    if not patterns:
        return []  # most vaults: the paths are not even looked at
    files = list(paths)
    folders: set[str] = set()
    for folder in {rel.rpartition("/")[0] for rel in files}:
        while folder and folder not in folders:
            folders.add(folder)
            folder = folder.rpartition("/")[0]
    return [
        pattern
        for pattern in patterns
        if not any(matches_glob(folder, (pattern,)) for folder in folders)
        and not any(fnmatchcase(rel, pattern.strip("/")) or fnmatchcase(rel + "/", pattern) for rel in files)
    ]
