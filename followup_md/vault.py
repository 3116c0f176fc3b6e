"""The read edge: find the vault's notes, its settings and its config."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path, PurePosixPath
from typing import Any

from followup_md.config import CONFIG_FILE, Config, parse_config
from followup_md.errors import ConfigError
from followup_md.model import TaskSyntax

TASKS_PLUGIN = "obsidian-tasks-plugin"
CACHE_DIR = ".followup-md"
Stat = tuple[int, int]


@dataclass(frozen=True, slots=True)
class VaultSettings:
    """What the vault's Obsidian settings tell us."""

    syntax: TaskSyntax = field(default_factory=TaskSyntax)
    tasks_plugin: bool = False
    template_folders: tuple[str, ...] = ()


def _json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _folder(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().strip("/"):
        return value.strip().strip("/")
    return None


def read_settings(root: Path, config: Config) -> VaultSettings:
    """Template folders and the Tasks plugin's format, global filter and statuses."""
    obsidian = root / ".obsidian"
    folders = [_folder(t) for t in config.templates]
    core = _json(obsidian / "templates.json")
    if isinstance(core, dict):
        folders.append(_folder(core.get("folder")))
    templater = _json(obsidian / "plugins" / "templater-obsidian" / "data.json")
    if isinstance(templater, dict):
        folders.append(_folder(templater.get("templates_folder")))
    enabled = _json(obsidian / "community-plugins.json")
    plugin_dir = obsidian / "plugins" / TASKS_PLUGIN
    has_tasks = plugin_dir.is_dir() and (not isinstance(enabled, list) or TASKS_PLUGIN in enabled)
    data = _json(plugin_dir / "data.json") if has_tasks else None
    data = data if isinstance(data, dict) else {}
    done, cancelled = set("xX"), {"-"}
    statuses = data.get("statusSettings")
    if isinstance(statuses, dict):
        for group in ("coreStatuses", "customStatuses"):
            for status in statuses.get(group) or ():
                if isinstance(status, dict) and isinstance(status.get("symbol"), str):
                    if status.get("type") == "DONE":
                        done.add(status["symbol"])
                    elif status.get("type") == "CANCELLED":
                        cancelled.add(status["symbol"])
    task_format = config.task_format
    if task_format == "auto":
        task_format = "dataview" if data.get("taskFormat") == "dataview" else "emoji"
    global_filter = data.get("globalFilter")
    syntax = TaskSyntax(
        dataview=task_format == "dataview",
        global_filter=global_filter.strip() if isinstance(global_filter, str) else "",
        done=frozenset(done),
        cancelled=frozenset(cancelled - done),
    )
    return VaultSettings(syntax, has_tasks, tuple(sorted({f for f in folders if f})))


def load_config(root: Path) -> Config:
    """followup-md.toml at the vault root, or the defaults."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read the config: {error}", CONFIG_FILE) from None
    config = parse_config(text, CONFIG_FILE)
    due = PurePosixPath(config.due_file)
    if due.is_absolute() or ".." in due.parts or not due.name.endswith(".md"):
        raise ConfigError(
            f"due_file must be a .md path inside the vault, got {config.due_file!r}",
            CONFIG_FILE,
        )
    return config


def _matches(rel: str, patterns: tuple[str, ...]) -> bool:
    if not patterns:
        return False
    path = PurePosixPath(rel)
    candidates = [rel, *(str(parent) for parent in path.parents if str(parent) != ".")]
    return any(
        fnmatchcase(candidate, pattern.strip("/")) or fnmatchcase(candidate + "/", pattern)
        for pattern in patterns
        for candidate in candidates
    )


def _skipped_folder(rel: str, config: Config, settings: VaultSettings) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.startswith(".") or rel in settings.template_folders or _matches(rel, config.exclude)


def is_note_path(rel: str, config: Config, settings: VaultSettings) -> bool:
    """Whether a vault-relative path is one `walk_notes` would yield (symlinks aside)."""
    parts = rel.split("/")
    folders = ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]
    return (
        rel.endswith(".md")
        and not parts[-1].startswith(".")
        and rel != config.due_file
        and not any(_skipped_folder(folder, config, settings) for folder in folders)
        and not _matches(rel, config.exclude)
        and (not config.include or _matches(rel, config.include))
    )


def walk_notes(root: Path, config: Config, settings: VaultSettings, under: str = "") -> Iterator[str]:
    """Vault-relative POSIX paths of the `.md` files that may be notes, sorted
    (all of them, or those in the folder `under`).

    Never enters dot folders (`.obsidian`, `.git`, `.trash`, the cache), template
    folders or excluded folders; never follows a symlink.
    """

    def walk(folder: Path, prefix: str) -> Iterator[str]:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith(".") or entry.is_symlink():
                continue
            rel = prefix + entry.name
            if entry.is_dir(follow_symlinks=False):
                if not _skipped_folder(rel, config, settings):
                    yield from walk(Path(entry.path), rel + "/")
            elif entry.is_file(follow_symlinks=False) and is_note_path(rel, config, settings):
                yield rel

    if under and not is_note_path(under + "/x.md", config, settings):
        return
    yield from walk(root / under if under else root, under + "/" if under else "")


def stat_of(result: os.stat_result) -> Stat:
    return (result.st_mtime_ns, result.st_size)


def read_file(root: Path, rel: str) -> tuple[bytes, Stat] | None:
    """A file's bytes and the stat they were read at; None if it is gone."""
    path = root / rel
    try:
        with path.open("rb") as handle:
            before = os.fstat(handle.fileno())
            return handle.read(), stat_of(before)
    except FileNotFoundError:
        return None
