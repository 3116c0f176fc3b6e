"""The read edge: find the vault's notes, its settings and its config."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followup_md.config import Config, parse_config, stays_inside
from followup_md.errors import ConfigError
from followup_md.layout import (
    CONFIG_FILE,
    DRAFT_TEMPLATES,
    LEFTOVER,
    OLD_DRAFT_TEMPLATES,
    TASKS_PLUGIN,
    TEMP_SUFFIX,
    matches_glob,
)
from followup_md.model import Mapper, Stat, TaskSyntax, VaultSettings, serially
from followup_md.safe_read import SETTINGS_LIMIT, inside_path, read_inside, read_regular


def vault_today(config: Config) -> date:
    """Today in the vault's time zone when the config sets one (a laptop in Los
    Angeles and CI in UTC agree at any instant), else the machine's."""
    return datetime.now(config.zone()).date() if config.timezone else date.today()


def machine_zone() -> str | None:
    """The machine's IANA time zone name: `TZ`, else /etc/timezone, else the
    zoneinfo file /etc/localtime links to; None when none of them says."""
    from zoneinfo import ZoneInfo

    candidates = [os.environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    with contextlib.suppress(OSError):
        target = os.readlink("/etc/localtime")
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    for name in candidates:
        if name and not name.startswith("/"):
            try:
                ZoneInfo(name)
            except (ValueError, KeyError, OSError):
                continue
            return name
    return None


def _json(root: Path, rel: str) -> Any:
    data = read_inside(root, rel)
    try:
        return json.loads(data.decode("utf-8")) if data is not None else None
    except ValueError:
        return None


def _folder(value: Any) -> str | None:
    """A template folder named by a setting, if it is a folder inside the vault."""
    if isinstance(value, str) and stays_inside(value.strip().strip("/")):
        return value.strip().strip("/")
    return None


def read_settings(root: Path, config: Config) -> VaultSettings:
    """Template folders and the Tasks plugin's format, global filter and statuses."""
    folders = [_folder(t) for t in config.templates]
    core = _json(root, ".obsidian/templates.json")
    if isinstance(core, dict):
        folders.append(_folder(core.get("folder")))
    templater = _json(root, ".obsidian/plugins/templater-obsidian/data.json")
    if isinstance(templater, dict):
        folders.append(_folder(templater.get("templates_folder")))
    enabled = _json(root, ".obsidian/community-plugins.json")
    plugin_dir = f".obsidian/plugins/{TASKS_PLUGIN}"
    has_tasks = (root / plugin_dir).is_dir() and (not isinstance(enabled, list) or TASKS_PLUGIN in enabled)
    data = _json(root, f"{plugin_dir}/data.json") if has_tasks else None
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
    try:
        data = read_regular(root / CONFIG_FILE, SETTINGS_LIMIT)
        if data is None:
            return Config()
        text = data.decode("utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the config: {error.strerror or error}", CONFIG_FILE) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"cannot read the config: {error}", CONFIG_FILE) from None
    return parse_config(text, CONFIG_FILE)


def find_vault(start: Path) -> Path:
    """The vault holding `start`, found the way git finds its repository: the
    nearest folder upward with followup-md.toml, `.obsidian/` or `.git`; else
    `start` itself."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file() or (folder / ".obsidian").is_dir() or (folder / ".git").exists():
            return folder
    return start


def _skipped_folder(rel: str, config: Config, settings: VaultSettings) -> bool:
    name = rel.rsplit("/", 1)[-1]
    return name.startswith(".") or rel in settings.template_folders or matches_glob(rel, config.exclude)


def _note_file(rel: str, config: Config) -> bool:
    """The file-level half of `is_note_path` (its folders are checked by the walk)."""
    return (
        rel.endswith(".md")
        and rel not in config.own_files
        and not matches_glob(rel, config.exclude)
        and (not config.include or matches_glob(rel, config.include))
    )


def folder_walked(rel: str, config: Config, settings: VaultSettings) -> bool:
    """Whether `walk_notes` enters the folder `rel` (and every folder above it)."""
    parts = rel.split("/")
    return not any(_skipped_folder("/".join(parts[: i + 1]), config, settings) for i in range(len(parts)))


def is_note_path(rel: str, config: Config, settings: VaultSettings) -> bool:
    """Whether a vault-relative path is one `walk_notes` would yield (symlinks aside)."""
    folder, _, name = rel.rpartition("/")
    return (
        not name.startswith(".")
        and (not folder or folder_walked(folder, config, settings))
        and _note_file(rel, config)
    )


def walk_notes(
    root: Path,
    config: Config,
    settings: VaultSettings,
    under: str = "",
    odd: list[tuple[str, str]] | None = None,
    mapper: Mapper = serially,
) -> Iterator[tuple[str, Stat]]:
    """(vault-relative POSIX path, stat) of the `.md` files that may be notes, in
    no particular order (all of them, or those in the folder `under`).

    Never enters dot folders (`.obsidian`, `.git`, `.trash`, the cache), template
    folders or excluded folders; never follows a symlink. `odd` collects
    `(path, why)` for `.md` names that are not regular files (a symlink, a FIFO)
    and our own temp files left by a killed run (why: LEFTOVER). The folders
    are listed first, then their files are looked at in batches by `mapper`
    (the stat calls are most of a walk: shared among cores, it takes half).
    """
    if under and not folder_walked(under, config, settings):
        return
    files: list[File] = []
    stack = [(os.path.join(root, under) if under else os.fspath(root), under + "/" if under else "")]
    while stack:
        folder, prefix = stack.pop()
        fd = _open_folder(folder)
        if fd < 0:
            continue
        try:
            names = _listed(fd, folder, prefix, stack, config, settings, odd)
        finally:
            os.close(fd)
        files += ((folder, prefix, name) for name in names)
    batches = [files[start : start + BATCH] for start in range(0, len(files), BATCH)]
    for batch, stats in zip(batches, mapper(_stats, batches), strict=True):
        for (_, prefix, name), found in zip(batch, stats, strict=True):
            if found is not None:
                yield prefix + name, found


BATCH = 250  # files looked at together, by one process
File = tuple[str, str, str]  # its folder's path, the folder's vault-relative prefix, its name


def _stats(batch: list[File]) -> list[Stat | None]:
    """The stat of each file of a batch, relative to its folder's descriptor,
    so the kernel does not walk the whole path again for every file (a third
    of the walk at 100,000 notes); None for one gone since it was listed."""
    found: list[Stat | None] = []
    fd, open_folder = -1, None
    try:
        for folder, _, name in batch:
            if folder != open_folder:
                if fd >= 0:
                    os.close(fd)
                fd, open_folder = _open_folder(folder), folder
            found.append(_stat_at(fd, name) if fd >= 0 else None)  # None: its folder went
    finally:
        if fd >= 0:
            os.close(fd)
    return found


def _stat_at(fd: int, name: str) -> Stat | None:
    """The stat of `name` in the folder open as `fd` (None: gone since listed)."""
    try:
        got = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except OSError:
        return None
    return (got.st_mtime_ns, got.st_size)


def _open_folder(folder: str) -> int:
    """A descriptor of the folder (never through a symlink), or -1."""
    try:
        return os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        return -1


def _listed(
    fd: int,
    folder: str,
    prefix: str,
    stack: list[tuple[str, str]],
    config: Config,
    settings: VaultSettings,
    odd: list[tuple[str, str]] | None,
) -> list[str]:
    """One folder of `walk_notes` (open as `fd`): the names of its files that
    may be notes, its folders to walk pushed on `stack`."""
    plain_files = not config.exclude and not config.include  # then only our own files are left out
    plain = plain_files and not settings.template_folders
    own = config.own_files
    names: list[str] = []
    try:
        entries = list(os.scandir(fd))
    except OSError:
        return names
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            if odd is not None and name.endswith(TEMP_SUFFIX):
                odd.append((prefix + name, LEFTOVER))
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                rel = prefix + name
                if plain or not _skipped_folder(rel, config, settings):
                    stack.append((os.path.join(folder, name), rel + "/"))
            elif name.endswith(".md"):
                rel = prefix + name
                if not ((rel not in own) if plain_files else _note_file(rel, config)):
                    continue
                if entry.is_file(follow_symlinks=False):
                    names.append(name)
                elif odd is not None:
                    odd.append((rel, _odd_reason(entry)))
        except OSError:
            continue  # vanished while walking
    return names


def _odd_reason(entry: os.DirEntry[str]) -> str:
    if entry.is_symlink():
        return "is a symbolic link; followup-md does not follow links (use the file itself)"
    return "is not a regular file; followup-md leaves it alone"


def template_files(root: Path, folder: str, suffix: str) -> list[tuple[str, bytes]]:
    """(vault-relative path, bytes) of the template files in a folder, sorted;
    only files inside the vault (links resolved and checked), never a FIFO."""
    real = inside_path(root, folder) if folder else None
    if real is None or not real.is_dir():
        return []
    found = []
    for path in sorted(real.glob(f"*{suffix}")):
        rel = f"{folder}/{path.name}"
        data = read_inside(root, rel)
        if data is not None:
            found.append((rel, data))
    return found


def read_draft_templates(root: Path, config: Config) -> tuple[dict[str, str], str | None]:
    """{vault-relative path: text} of the vault's own draft templates, and the
    old folder's path when they were found only there (inside the cache folder,
    which git ignores: the caller tells the user once to move them)."""
    folder = config.draft_templates
    old = None
    if folder == DRAFT_TEMPLATES and not (root / folder).is_dir() and (root / OLD_DRAFT_TEMPLATES).is_dir():
        folder = old = OLD_DRAFT_TEMPLATES
    texts = {}
    for rel, data in template_files(root, folder, ".txt"):
        try:
            texts[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ConfigError("not UTF-8 text; save the template as UTF-8", rel, 1) from None
    return texts, old if texts else None
