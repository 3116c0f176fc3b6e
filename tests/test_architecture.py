"""ARCHITECTURE.md stays true: its code map names every module of the package,
and no module imports a module of the package its row does not allow."""

from __future__ import annotations

import ast
import re

from .conftest import REPO

PACKAGE = REPO / "followup_md"


def code_map() -> dict[str, set[str] | None]:
    """{module: the modules it may import (None: any)} from the code map table."""
    text = (REPO / "ARCHITECTURE.md").read_text(encoding="utf-8")
    section = text.split("## Code map", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)\.py` \| [^|]+ \| ([^|]*)\|$", section, re.MULTILINE)
    return {
        name: None if allowed.strip() == "any" else {a.strip() for a in allowed.split(",") if a.strip()}
        for name, allowed in rows
    }


def imports_of(name: str) -> set[str]:
    """The package's modules that a module imports, at the top or inside a function."""
    tree = ast.parse((PACKAGE / f"{name}.py").read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "followup_md":
                found |= {alias.name for alias in node.names if (PACKAGE / f"{alias.name}.py").exists()}
            elif node.module.startswith("followup_md."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("followup_md.")}
    return found - {name}


def test_the_code_map_names_every_module() -> None:
    modules = {path.stem for path in PACKAGE.glob("*.py")}
    assert set(code_map()) == modules


def test_every_import_is_one_the_code_map_allows() -> None:
    wrong = {
        name: sorted(imports_of(name) - allowed)
        for name, allowed in code_map().items()
        if allowed is not None and imports_of(name) - allowed
    }
    assert wrong == {}


def test_the_pure_core_imports_no_io_module() -> None:
    io = {
        "safe_read",
        "vault",
        "cache",
        "parallel",
        "cached_read",
        "write",
        "watch",
        "watch_events",
        "watcher",
        "app",
        "__main__",
    }
    io |= {"cli", "cli_vault", "cli_sync", "cli_reports", "cli_notes", "cli_create", "cli_mail"}
    io |= {"mailboxes", "imap", "mail_check"}
    pure = [name for name, allowed in code_map().items() if allowed is not None and name not in io]
    assert {name: sorted(imports_of(name) & io) for name in pure if imports_of(name) & io} == {}
