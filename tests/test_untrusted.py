"""A cloned vault is untrusted input, `.followup-md/` and `.obsidian/` included:
our own files are never followed out of the vault, never block, never eat
memory, and nothing a stranger put there is copied, printed raw or lost."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from followup_md.config import Config
from followup_md.layout import READ_LIMIT
from followup_md.model import NoteFile, VaultSettings
from followup_md.sync import plan_sync

from .conftest import TODAY
from .helpers import GOOD, SUBPROCESS_ENV, UTC_ZONE, good_vault


def run(root: Path, *args: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """The real command in a child process (a hang fails the test, not the suite)."""
    return subprocess.run(
        [sys.executable, "-m", "followup_md", *args],
        capture_output=True,
        text=True,
        env=SUBPROCESS_ENV,
        timeout=timeout,
        check=False,
        cwd=root,
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return good_vault(tmp_path)


def synced(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = run(root, "sync", *args)
    assert "Traceback" not in done.stderr, done.stderr
    return done


# 1. Our own files: no symlinks, regular files only, size-capped, never a FIFO.


@pytest.mark.parametrize("name", ["notes.pickle", ".notes.pickle.tmp", "run.pickle", ".run.pickle.tmp"])
def test_a_cache_file_linked_outside_is_never_written_through(vault: Path, tmp_path: Path, name: str) -> None:
    outside = tmp_path / "precious.txt"
    outside.write_text("mine")
    (vault / ".followup-md").mkdir()
    (vault / ".followup-md" / name).symlink_to(outside)
    assert synced(vault).returncode == 0
    assert outside.read_text() == "mine"
    assert "^fu-confirm" in (vault / "Good.md").read_text()


def test_a_dangling_gitignore_link_creates_nothing_outside(vault: Path, tmp_path: Path) -> None:
    (vault / ".followup-md").mkdir()
    (vault / ".followup-md" / ".gitignore").symlink_to(tmp_path / "created-outside")
    assert synced(vault).returncode == 0
    assert not (tmp_path / "created-outside").exists()
    assert not (tmp_path / "created-outside").is_symlink()


def test_a_cache_folder_linked_outside_is_left_alone(vault: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (vault / ".followup-md").symlink_to(elsewhere, target_is_directory=True)
    assert synced(vault).returncode == 0
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("name", [".followup-md/run.pickle", ".followup-md/notes.pickle"])
def test_a_fifo_or_a_device_in_the_cache_never_blocks(vault: Path, name: str) -> None:
    (vault / ".followup-md").mkdir()
    os.mkfifo(vault / name)
    assert synced(vault).returncode == 0
    (vault / name).unlink()
    (vault / name).symlink_to("/dev/stdin")
    assert synced(vault).returncode == 0
    assert "^fu-confirm" in (vault / "Good.md").read_text()


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda p: os.mkfifo(p), "is not a regular file"),
        (lambda p: p.symlink_to("/dev/zero"), "is a symbolic link"),
        (lambda p: p.symlink_to("/dev/stdin"), "is a symbolic link"),
        (lambda p: p.write_bytes(b"#" * (2 << 20)), "is larger than 1 MiB"),
    ],
)
def test_a_hostile_config_file_is_a_clear_error(vault: Path, make: object, why: str) -> None:
    make(vault / "followup-md.toml")  # type: ignore[operator]
    done = synced(vault)
    assert done.returncode == 2
    assert done.stderr.startswith(f"followup-md.toml: cannot read the config: {why}"), done.stderr


@pytest.mark.parametrize(
    "name",
    [
        ".obsidian/templates.json",
        ".obsidian/community-plugins.json",
        ".obsidian/plugins/obsidian-tasks-plugin/data.json",
        ".obsidian/plugins/templater-obsidian/data.json",
    ],
)
@pytest.mark.parametrize("target", ["/dev/zero", "fifo"])
def test_a_settings_file_that_never_ends_is_ignored(vault: Path, name: str, target: str) -> None:
    path = vault / name
    path.parent.mkdir(parents=True)
    if target == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(target)
    assert synced(vault).returncode == 0
    assert "^fu-confirm" in (vault / "Good.md").read_text()


@pytest.mark.parametrize("name", ["Due.md", "Follow-ups.ics"])
def test_our_outputs_linked_outside_are_never_written_through(vault: Path, tmp_path: Path, name: str) -> None:
    (vault / "followup-md.toml").write_text('ics_file = "Follow-ups.ics"\n')
    outside = tmp_path / "precious.txt"
    outside.write_text("mine")
    (vault / name).symlink_to(outside)
    done = synced(vault)
    assert outside.read_text() == "mine"
    assert f"{name}: refusing to write through a symlink" in done.stderr


def test_due_md_turned_into_a_folder_is_named_as_such(vault: Path) -> None:
    (vault / "Due.md").mkdir()
    done = synced(vault)
    assert "Due.md: is not a regular file; followup-md leaves it alone" in done.stderr
    assert "appeared while" not in done.stderr
    assert "^fu-confirm" in (vault / "Good.md").read_text()


def test_a_note_named_on_the_command_line_is_read_size_capped(vault: Path) -> None:
    """`explain`/`draft`/`done` tell why a named file is no note of ours, and
    never read one past the cap to do it (a sparse file)."""
    with (vault / "huge.md").open("wb") as handle:
        handle.truncate(READ_LIMIT + 1)
    done = run(vault, "explain", "huge.md")
    assert done.returncode != 0
    assert done.stdout == f"huge.md: not read: cannot be read: is larger than {READ_LIMIT >> 20} MiB\n"


# 3. Templates and settings only from inside the vault.


def test_a_template_linked_outside_is_never_copied(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntype: contact\n---\nmy bank password\n")
    (vault / "Templates").mkdir()
    (vault / "Templates" / "contact.md").symlink_to(secret)
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "Templates"}')
    done = run(vault, "new", "contact", "Jane Doe")
    assert done.returncode == 0, done.stderr
    assert "password" not in (vault / "Jane Doe.md").read_text()


def test_a_template_folder_outside_the_vault_is_never_read(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "contact.md").write_text("---\ntype: contact\n---\nmy bank password\n")
    (vault / ".obsidian").mkdir()
    (vault / ".obsidian" / "templates.json").write_text('{"folder": "../secret"}')
    (vault / "Linked").symlink_to(secret, target_is_directory=True)
    (vault / ".obsidian" / "plugins" / "templater-obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "plugins" / "templater-obsidian" / "data.json").write_text(
        '{"templates_folder": "Linked"}'
    )
    done = run(vault, "new", "contact", "Jane Doe")
    assert done.returncode == 0, done.stderr
    assert "password" not in (vault / "Jane Doe.md").read_text()


def test_a_template_linked_inside_the_vault_is_used(vault: Path) -> None:
    (vault / "Shared").mkdir()
    (vault / "Shared" / "person.md").write_text("---\ntype: contact\nmet:\n---\nfrom the template\n")
    (vault / "Templates").mkdir()
    (vault / "Templates" / "contact.md").symlink_to(vault / "Shared" / "person.md")
    (vault / "followup-md.toml").write_text('templates = ["Templates"]\n')
    done = run(vault, "new", "contact", "Jane Doe")
    assert done.returncode == 0, done.stderr
    assert "from the template" in (vault / "Jane Doe.md").read_text()


def test_a_draft_template_linked_outside_is_never_read(vault: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("Subject: hi\n\nmy bank password\n")
    (vault / ".followup-md" / "templates").mkdir(parents=True)
    (vault / ".followup-md" / "templates" / "confirm.txt").symlink_to(secret)
    done = run(vault, "draft", "Good")
    assert done.returncode == 0, done.stderr
    assert "password" not in done.stdout


# 2. Far dates: a problem for that note, with its line; every other note goes on.


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("type: contact\nsnooze: 9999-12-31\nmet: 2026-11-18\n", 3, "snooze: 9999-12-31 is outside"),
        ("type: contact\nmet: 9999-12-31\n", 3, "met: 9999-12-31 is outside"),
        ("type: contact\nmet: 0026-11-18\n", 3, "met: 0026-11-18 is outside"),
        (
            "type: interview\ninterview: 0001-01-01T00:30:00+14:00\n",
            3,
            "interview: 0001-01-01T00:30:00+14:00 is",
        ),
        (
            "type: interview\ninterview: 9999-12-31T23:30:00-14:00\n",
            3,
            "interview: 9999-12-31T23:30:00-14:00 is",
        ),
        ("type: contact\nmet: 2026-11-18\ncadence: 99999999y\n", 4, "cadence: 99999999y is longer than"),
        ("type: contact\nmet: 2026-11-18\ncadence: 9999999999d\n", 4, "cadence: 9999999999d is longer than"),
    ],
)
def test_a_far_date_is_a_problem_for_that_note_only(vault: Path, front: str, line: int, message: str) -> None:
    (vault / "Far.md").write_text(f"---\n{front}---\n")
    done = synced(vault)
    assert done.returncode == 0, done.stderr
    assert f"Far.md:{line}: {message}" in done.stderr
    assert "^fu-confirm" in (vault / "Good.md").read_text()
    assert "Far.md" in (vault / "Due.md").read_text()
    assert "followup-md" not in (vault / "Far.md").read_text()


@pytest.mark.parametrize("marker", ["reconnect=9999-12-31", "reconnect=2026-13-45", "reconnect=0000-01-01"])
def test_a_hostile_date_inside_a_block_is_not_a_traceback(vault: Path, marker: str) -> None:
    body = (
        f"<!-- followup-md:begin (generated) {marker} -->\n"
        "- [ ] Email Jane #followup 📅 9999-12-31 ^fu-reconnect\n"
        "<!-- followup-md:end -->\n"
    )
    (vault / "Jane.md").write_text(f"---\ntype: contact\nmet: 2026-11-18\n---\n{body}")
    done = synced(vault)
    assert done.returncode == 0, done.stderr
    assert "^fu-confirm" in (vault / "Good.md").read_text()
    assert "nothing to update;" in synced(vault).stdout


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1899-12-31", "3000-01-01"])
def test_today_out_of_range_is_a_usage_error(vault: Path, day: str) -> None:
    done = run(vault, "sync", "--today", day)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert f"'{day}' is outside the years 1900 to 2999" in done.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            "[rules]\nconfirm_due = 999999999\n",
            "2: rules.confirm_due must be a whole number of days from 0 to 3650",
        ),
        (
            "[rules]\ndormant_after = 99999\n",
            "2: rules.dormant_after must be a whole number of days from 0 to 3650",
        ),
        (
            'keep_in_touch_after = "99999999y"\n',
            "1: keep_in_touch_after must be an interval of at most 10 years",
        ),
        ('[cadence]\ncontact = "11y"\n', "2: cadence.contact must be an interval of at most 10 years"),
    ],
)
def test_a_huge_config_window_is_a_config_error(vault: Path, setting: str, message: str) -> None:
    (vault / "followup-md.toml").write_text(setting)
    done = synced(vault)
    assert done.returncode == 2
    assert f"followup-md.toml:{message}" in done.stderr


def test_a_date_the_readers_let_through_still_stops_only_its_note() -> None:
    from dataclasses import replace

    from followup_md.model import Exchange, Problem, TaskSyntax
    from followup_md.sync import _plan_note

    from .helpers import note_from

    note = note_from("type: contact\nmet: 2026-11-18\n", path="Far.md")
    far = replace(note, facts={**note.facts, "met": date.max})  # as a cache from an older version could hold
    steps, _, new, problem, _ = _plan_note(far, Exchange(), Config(), TaskSyntax(), TODAY)
    assert (steps, new) == ([], None)
    assert problem == Problem("Far.md", 1, f"a date is too far from {TODAY} to compute with")


def test_watch_names_a_far_date_and_goes_on(vault: Path) -> None:
    from followup_md.watcher import Watcher

    (vault / "Far.md").write_text("---\ntype: contact\nmet: 9999-12-31\n---\n")
    lines: list[str] = []
    watcher = Watcher(vault, today=lambda: TODAY, echo=lines.append, note_quiet=0)
    watcher.scan()
    watcher.sync()
    assert "followup-md: Far.md:3: met: 9999-12-31 is outside the years 1900 to 2999" in lines
    assert "^fu-confirm" in (vault / "Good.md").read_text()
    (vault / "Later.md").write_text("---\ntype: contact\nmet: 2026-11-18\nsnooze: 9999-12-31\n---\n")
    (vault / "Jane.md").write_text("---\ntype: contact\nmet: 2026-11-18\n---\n")
    lines.clear()
    assert watcher.apply_batch({"Later.md": False, "Jane.md": False})
    watcher.sync()
    assert lines[-1] == "followup-md: Later.md:4: snooze: 9999-12-31 is outside the years 1900 to 2999"
    assert "^fu-reconnect" in (vault / "Jane.md").read_text()


# 4. Control characters are escaped in everything printed.

HOSTILE = "Eve\x1b[2J\x1b]0;owned\x07\x1b[8m\x9b31m\u202e"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def test_escape_sequences_in_a_vault_never_reach_the_terminal(vault: Path) -> None:
    quoted = json.dumps(HOSTILE)  # YAML reads JSON's escapes
    front = f"---\ntype: contact\nname: {quoted}\ncompany: {quoted}\nmet: 2026-11-18\nwhere: {quoted}\n"
    (vault / f"{HOSTILE}.md").write_text(front + "---\n")
    (vault / f"Bad{HOSTILE}.md").write_text(f"---\ntype: contact\nmet: 2026-11-99{HOSTILE}\n---\n")
    (vault / f"{HOSTILE}.txt").mkdir()
    outputs = [
        synced(vault, "--dry-run"),
        synced(vault),
        run(vault, "due"),
        run(vault, "due", "--json"),
        run(vault, "check", "--all"),
        run(vault, "draft", f"{HOSTILE}.md"),
        run(vault, "explain", f"{HOSTILE}.md"),
        run(vault, "explain", f"{HOSTILE}.md", "--json"),
    ]
    for done in outputs:
        assert "Traceback" not in done.stderr
        for raw in RAW:
            assert raw not in done.stdout + done.stderr, (done.args, done.stdout, done.stderr)
    assert "Eve\\u001b[2J" in outputs[2].stdout
    assert json.loads(outputs[3].stdout)[0]["name"] == HOSTILE


def test_a_line_break_in_a_name_never_forges_a_line_of_output(vault: Path) -> None:
    (vault / "Bad\nfollowup-md: forged.md").write_text("---\ntype: contact\nmet: 2026-11-99\n---\n")
    for done in (synced(vault), synced(vault), run(vault, "check")):  # planned, then replayed from the cache
        assert not any(line.startswith("followup-md: forged") for line in done.stderr.splitlines())
        assert "Bad\\u000afollowup-md: forged.md:3:" in done.stderr, done.stderr


# 5. A generated line keeps what the user added to it.


def _line_of(text: str, step: str) -> str:
    return next(line for line in text.splitlines() if line.endswith(f"^fu-{step}"))


@pytest.mark.parametrize(
    ("added", "fields"),
    [
        (" call first", " ⏫ 🔁 every week 🆔 abc1 ⛔ xyz2 🏁 delete ➕ 2026-11-18"),
        ("", " 🔺 ⏳ 2026-11-21"),
        (" — by phone #urgent", " 🔽"),
        ("", " 🔁 every month when done"),
    ],
)
def test_a_generated_line_keeps_the_users_fields_and_words(vault: Path, added: str, fields: str) -> None:
    note = vault / "Jane.md"
    note.write_text("---\ntype: contact\nmet: 2026-11-18\n---\n")
    synced(vault)
    line = _line_of(note.read_text(), "reconnect")
    assert line == (
        "- [ ] Email Jane: recall your meeting and suggest a next step, such as a call or coffee #followup "
        "🛫 2026-11-19 📅 2026-11-21 ^fu-reconnect"
    )
    mine = line.replace("#followup ", f"#followup{added}{fields} ")
    note.write_text(note.read_text().replace(line, mine))
    synced(vault)
    assert _line_of(note.read_text(), "reconnect") == mine  # nothing changed: nothing rewritten
    note.write_text(note.read_text().replace("met: 2026-11-18", "met: 2026-11-19\nwhere: Expo"))
    synced(vault)
    assert _line_of(note.read_text(), "reconnect") == (
        "- [ ] Email Jane: recall your meeting at Expo and suggest a next step, such as a call or coffee "
        f"#followup{added}{fields} 🛫 2026-11-20 📅 2026-11-22 ^fu-reconnect"
    )
    assert "nothing to update;" in synced(vault).stdout


def test_fields_after_the_dates_stay_after_them(vault: Path) -> None:
    note = vault / "Jane.md"
    note.write_text("---\ntype: contact\nmet: 2026-11-18\n---\n")
    synced(vault)
    line = _line_of(note.read_text(), "reconnect")
    mine = line.replace(" ^fu-", " 🔁 every week ⏫ ^fu-").replace("- [ ]", "- [/]")
    note.write_text(note.read_text().replace(line, mine))
    note.write_text(note.read_text().replace("met: 2026-11-18", "met: 2026-11-19"))
    synced(vault)
    assert _line_of(note.read_text(), "reconnect") == (
        "- [/] Email Jane: recall your meeting and suggest a next step, such as a call or coffee #followup "
        "🛫 2026-11-20 📅 2026-11-22 🔁 every week ⏫ ^fu-reconnect"
    )


def test_dataview_fields_of_the_user_are_kept(vault: Path) -> None:
    (vault / ".obsidian" / "plugins" / "obsidian-tasks-plugin").mkdir(parents=True)
    (vault / ".obsidian" / "plugins" / "obsidian-tasks-plugin" / "data.json").write_text(
        '{"taskFormat": "dataview"}'
    )
    note = vault / "Jane.md"
    note.write_text("---\ntype: contact\nmet: 2026-11-18\n---\n")
    synced(vault)
    line = _line_of(note.read_text(), "reconnect")
    mine = line.replace("#followup", "#followup  [priority:: high]  [repeat:: every week]")
    note.write_text(note.read_text().replace(line, mine).replace("met: 2026-11-18", "met: 2026-11-19"))
    synced(vault)
    assert _line_of(note.read_text(), "reconnect") == (
        "- [ ] Email Jane: recall your meeting and suggest a next step, such as a call or coffee #followup"
        "  [priority:: high]  [repeat:: every week]  [start:: 2026-11-20]  [due:: 2026-11-22] ^fu-reconnect"
    )


def test_a_duplicate_id_keeps_the_users_line(vault: Path) -> None:
    note = vault / "Jane.md"
    note.write_text("---\ntype: contact\nmet: 2026-11-18\n---\n")
    synced(vault)
    line = _line_of(note.read_text(), "reconnect")
    copy = "- [x] Called Jane instead, she says hi ✅ 2026-11-20 ^fu-reconnect"
    note.write_text(note.read_text().replace(line, f"{line}\n{copy}"))
    synced(vault)
    assert copy in note.read_text().splitlines()
    assert "nothing to update;" in synced(vault).stdout


def test_a_second_conflict_never_replaces_the_first_copy(tmp_path: Path) -> None:
    from followup_md.write import _conflicted_copy

    note = tmp_path / "Jane.md"
    note.write_text("now")
    first = _conflicted_copy(note, b"first edit", None)
    second = _conflicted_copy(note, b"second edit", None)
    assert (first.name, second.name) == (
        "Jane (conflicted copy followup-md).md",
        "Jane (conflicted copy followup-md 2).md",
    )
    assert (first.read_text(), second.read_text()) == ("first edit", "second edit")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["Jane.md", first.name, second.name])
    long = tmp_path / ("é" * 126 + ".md")
    copies = [_conflicted_copy(long, b"mine", None) for _ in range(2)]
    assert all(len(os.fsencode(copy.name)) <= 255 for copy in copies)
    assert copies[0] != copies[1]


DAYS = st.lists(st.integers(-40, 40).map(lambda n: TODAY + timedelta(days=n)), min_size=1, max_size=6)


def _synced_on(data: bytes, day: date) -> bytes:
    plan = plan_sync([NoteFile("n.md", data)], None, Config(), VaultSettings(), day, UTC_ZONE)
    return next((c.new for c in plan.changes if c.path == "n.md"), data)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(
        [
            ("type: interview\ninterview: 2026-11-18T10:00\n", "thank-you-20261118"),
            ("type: contact\nmet: 2026-11-10\ncadence: 2w\n", "keep-in-touch"),
            ("type: contact\nmet: 2026-11-18\n", "reconnect"),
        ]
    ),
    DAYS,
)
def test_a_postponed_date_survives_any_sequence_of_days(case: tuple[str, str], days: list[date]) -> None:
    front, step = case
    data = _synced_on(f"---\n{front}---\n".encode(), TODAY)
    line = _line_of(data.decode(), step)
    postponed = re.sub(r"📅 \S+", "📅 2027-01-15", line)
    data = data.replace(line.encode(), postponed.encode())
    for day in days:
        data = _synced_on(data, day)
    data = _synced_on(data, TODAY)
    assert "📅 2027-01-15 ^fu-" + step in data.decode()
    assert _synced_on(data, TODAY) == data


# 6. `%%` comments exactly where Obsidian has them: never inside code.


def test_percent_signs_in_inline_code_do_not_comment_out_the_block(vault: Path) -> None:
    note = vault / "Jane.md"
    note.write_text("---\ntype: contact\nmet: 2026-11-18\n---\n")
    synced(vault)
    text = (
        note.read_text().replace("- [ ]", "- [x]").replace(" ^fu-reconnect", " ✅ 2026-11-19 ^fu-reconnect")
    )
    text = (
        text.replace("## Follow-ups", "Obsidian hides `%%` comments.\n\n## Follow-ups")
        + "\nEnd with ``%%``.\n"
    )
    note.write_text(text)
    synced(vault)
    assert note.read_text().count("followup-md:begin") == 1
    assert "- [x] Email Jane" in note.read_text()
    assert "reconnect" not in (vault / "Due.md").read_text()
    assert "nothing to update;" in synced(vault).stdout


BLOCK = [
    "<!-- followup-md:begin (generated) -->",
    "- [ ] Step #followup 📅 2026-11-20 ^fu-confirm",
    "<!-- followup-md:end -->",
]
PIECES = st.sampled_from(
    ["text", "%%", "`%%`", "``%%``", "`", "``a`b``", "`x %% y`", "%% note %%", " ", "```"]
)


def _commented_by_rule(lines: list[str]) -> list[bool]:
    """The rule, spelled out the slow way: outside code, `%%` opens a comment
    and the next `%%` closes it; inside a comment, backticks mean nothing; a
    code span is a run of backticks closed by a run of the same length on the
    line. True for each line that starts inside a comment."""
    inside, result = False, []
    span = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)|%%|`+")
    for line in lines:
        result.append(inside)
        at = 0
        while at < len(line):
            if inside:
                end = line.find("%%", at)
                if end < 0:
                    break
                inside, at = False, end + 2
                continue
            found = span.search(line, at)
            if found is None:
                break
            inside = found[0] == "%%"
            at = found.end()
    return result


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.lists(PIECES, max_size=5).map(lambda pieces: "".join(pieces).lstrip()), max_size=4),
    st.lists(st.lists(PIECES, max_size=5).map(lambda pieces: "".join(pieces).lstrip()), max_size=3),
)
def test_the_block_finder_follows_obsidians_comment_rule(before: list[str], after: list[str]) -> None:
    from followup_md.blocks import find_block, split_lines
    from followup_md.errors import NoteError

    lines = [
        *(f"{line}\n" for line in before),
        "\n",
        *(f"{line}\n" for line in BLOCK),
        "\n",
        *(f"{line}\n" for line in after),
    ]
    text = "".join(lines)
    commented = _commented_by_rule([line.rstrip("\n") for line in lines])
    fenced = any(line.startswith("```") for line in before + after)  # a fence is code: markdown-it's call
    try:
        found = find_block(text, split_lines(text), "n.md")
    except NoteError:
        found = None
    if not fenced:
        begin = len(before) + 1
        assert (found is not None) == (not commented[begin] and not commented[begin + 2]), text


# 7. Long names.


def test_a_note_name_near_the_limit_syncs(vault: Path) -> None:
    name = "é" * 126 + ".md"  # 255 bytes: the temp name beside it would be 273
    (vault / name).write_text(GOOD)
    done = synced(vault)
    assert done.returncode == 0, done.stderr
    assert "^fu-confirm" in (vault / name).read_text()
    assert "nothing to update;" in synced(vault).stdout
    assert sorted(p.name for p in vault.iterdir() if p.name.startswith(".")) == [".followup-md"]


def test_the_temp_name_of_a_long_name_fits_and_stays_unique(tmp_path: Path) -> None:
    from followup_md.write import temp_path

    names = ["a" * 250 + "1.md", "a" * 250 + "2.md", "短" * 83 + ".md"]
    temps = [temp_path(tmp_path / name) for name in names]
    assert all(len(os.fsencode(t.name)) <= 255 for t in temps)
    assert len({t.name for t in temps}) == 3
    assert all(t.name.startswith(".") and t.name.endswith(".followup-md.tmp") for t in temps)
    assert temp_path(tmp_path / "Jane.md").name == ".Jane.md.followup-md.tmp"


def test_new_refuses_a_name_too_long_for_the_file_system(vault: Path) -> None:
    done = run(vault, "new", "contact", "名" * 120)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "is 363 bytes long; the file system allows 255" in done.stderr
    assert sorted(p.name for p in vault.iterdir()) == ["Good.md"]


def test_a_tick_for_a_note_that_cannot_take_a_block_is_reported_and_kept(vault: Path) -> None:
    """The tick stays in Due.md (SPEC 6: never lost when Due.md is written
    again), said on every run alike, with or without the cache, until the note
    can take it; the sync that gives the note its block takes it too, and the
    next has nothing to do."""
    (vault / "Fenced.md").write_text(GOOD + "```\nunclosed fence\n")
    synced(vault)
    due = (vault / "Due.md").read_text()
    line = next(line for line in due.splitlines() if "Fenced" in line and line.startswith("- [ ]"))
    (vault / "Due.md").write_text(due.replace(line, line.replace("- [ ]", "- [x]")))
    number = due.splitlines().index(line) + 1
    said = (
        f"Due.md:{number}: your tick of confirm for Fenced.md cannot be recorded until that note "
        "can take its follow-up block (see Fenced.md)"
    )
    runs, left = [], []
    for cache in (True, True, False):
        if not cache:
            shutil.rmtree(vault / ".followup-md")
        runs.append(synced(vault))
        left.append((vault / "Due.md").read_text())
    assert all(said in done.stderr for done in runs)
    assert [done.stderr for done in runs[1:]] == [runs[0].stderr] * 2 and left[1:] == [left[0]] * 2
    assert line.replace("- [ ]", "- [x]") in left[0] and line not in left[0]
    (vault / "Fenced.md").write_text(GOOD + "```\nfence closed\n```\n")
    done = synced(vault)  # the note takes its block, then the tick waiting in Due.md for it
    assert said not in done.stderr
    assert (
        "- [x] " in (vault / "Fenced.md").read_text() and "^fu-confirm" in (vault / "Fenced.md").read_text()
    )
    assert "Fenced" not in (vault / "Due.md").read_text().split("## Problems")[0].split("# Follow-ups")[1]
    assert run(vault, "sync", "--check").returncode == 0


@pytest.mark.parametrize("shape", ["a line without a checkbox", "a step that waits since"])
def test_a_tick_kept_for_a_note_that_cannot_take_a_block_stays_in_any_line(vault: Path, shape: str) -> None:
    """The kept tick of a line Due.md writes without a checkbox (`due_checkboxes`
    off: `- [x] ` typed in by hand), or of a step that has moved to the
    Waiting section since (a promised date added): it was dropped when Due.md
    was written again, as only a line's own checkbox was kept ticked."""
    fence = "```\nunclosed fence\n"
    asked = "---\ntype: contact\nasked: 2026-11-10\n---\n"
    if shape == "a line without a checkbox":
        (vault / "followup-md.toml").write_text('due_checkboxes = "never"\n')
    (vault / "Fenced.md").write_text(asked + fence)
    synced(vault)
    due = (vault / "Due.md").read_text()
    line = next(line for line in due.splitlines() if "Fenced" in line and "fu-nudge" in line)
    ticked = "- [x] " + line.removeprefix("- [ ] ").removeprefix("- ")
    (vault / "Due.md").write_text(due.replace(line, ticked))
    if shape == "a step that waits since":
        promised = "---\ntype: contact\nasked: 2026-11-10\nexpected: 2026-11-30\n---\n"
        (vault / "Fenced.md").write_text(promised + fence)
    done = synced(vault)
    kept = [row for row in (vault / "Due.md").read_text().splitlines() if "fu-nudge" in row]
    assert "your tick of nudge for Fenced.md cannot be recorded" in done.stderr
    assert len(kept) == 1 and kept[0].startswith("- [x] "), kept
    if shape == "a step that waits since":
        assert "promised by 2026-11-30" in kept[0]
    assert synced(vault).stderr == done.stderr and run(vault, "sync", "--check").returncode == 0
    note = (vault / "Fenced.md").read_text()
    (vault / "Fenced.md").write_text(
        note + "```\n"
    )  # the fence closed: the note takes its block and the tick
    synced(vault)
    assert any(
        row.startswith("- [x] ") and "^fu-nudge" in row
        for row in (vault / "Fenced.md").read_text().split("\n")
    )
    assert "fu-nudge" not in (vault / "Due.md").read_text() and run(vault, "sync", "--check").returncode == 0


@pytest.mark.timeout(60)
@pytest.mark.parametrize("comment", ["<!--", "%%"])
def test_a_task_line_of_many_ids_and_open_comments_is_read_in_time(vault: Path, comment: str) -> None:
    """A line of the block made of `^fu-` ids each followed by a comment that
    is never closed (a hostile note): finding which id ends the line tried
    every comment to the line's end from each id (hours at 700 KB)."""
    line = "- [ ] x" + f" ^fu-a {comment}" * 64_000
    block = f"<!-- followup-md:begin -->\n{line}\n<!-- followup-md:end -->\n"
    (vault / "Hostile.md").write_text(GOOD.replace("Acme", "Hooli") + block)
    done = synced(vault)
    assert done.returncode == 0, done.stderr
    assert (vault / "Hostile.md").read_text().count("^fu-a") == 64_000  # the user's line, kept


@pytest.mark.timeout(60)
@pytest.mark.parametrize("field", [" #t", " 🔼", " [a:: b]"])
def test_a_task_line_of_many_fields_is_merged_in_time(vault: Path, field: str) -> None:
    """A line of our block holding thousands of the user's fields (a hostile
    note): each was found by trying every field start from the line's start
    again (22 s at 24 KB, hours at 1 MB)."""
    line = "- [ ] x" + field * 100_000 + " ^fu-confirm"
    block = f"<!-- followup-md:begin -->\n{line}\n<!-- followup-md:end -->\n"
    (vault / "Hostile.md").write_text(GOOD.replace("Acme", "Hooli") + block)
    done = synced(vault)
    assert done.returncode == 0, done.stderr
    assert (vault / "Hostile.md").read_text().count(field) == 100_000  # the user's fields, kept


def test_a_huge_sparse_note_is_never_read_whole(vault: Path) -> None:
    with (vault / "Huge.md").open("wb") as handle:
        handle.write(b"---\ntype: contact\nmet: 2026-11-18\n---\n")
        handle.truncate(64 << 30)  # 64 GiB of holes: reading it whole would exhaust memory
    done = synced(vault)
    assert done.returncode == 0, done.stderr
    assert "^fu-confirm" in (vault / "Good.md").read_text()
    listed = run(vault, "check", "--all")
    assert "Huge.md: cannot be read: is larger than 64 MiB" in listed.stderr


USER_FIELDS = st.lists(
    st.sampled_from(
        [
            " ⏫",
            " 🔽",
            " 🔁 every week",
            " 🔁 every 2 months when done",
            " ➕ 2026-11-01",
            " ⏳ 2026-11-22",
            " #urgent",
        ]
    ),
    unique=True,
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(
    USER_FIELDS,
    st.sampled_from(["", " call first", " — ask Ann"]),
    st.integers(0, 3),
    st.integers(0, 30),
    st.integers(0, 5),
)
def test_merging_keeps_every_user_field_as_the_tasks_plugin_reads_it(
    fields: list[str], words: str, split: int, start: int, length: int
) -> None:
    from followup_md.model import Step, TaskSyntax
    from followup_md.render import merge_task, render_task

    from . import tasks_grammar

    old = Step("n.md", "thank-you", TODAY, TODAY + timedelta(days=2), "Send Jane a thank-you email")
    new = Step(
        "n.md",
        "thank-you",
        TODAY + timedelta(days=start),
        TODAY + timedelta(days=start + length),
        "Send Jane a note",
    )
    line = render_task(old, TaskSyntax(), "#followup")
    before, after = fields[:split], fields[split:]
    line = line.replace("#followup ", f"#followup{words}{''.join(before)} ").replace(
        " ^fu-", f"{''.join(after)} ^fu-"
    )
    merged = merge_task(line, new, TaskSyntax(), "#followup")
    theirs, ours = tasks_grammar.parse(line), tasks_grammar.parse(merged)
    assert theirs is not None and ours is not None
    expected = {k: v for k, v in theirs.fields.items() if k not in ("start", "due")}
    expected["due"] = new.due.isoformat()
    if new.start != new.due:
        expected["start"] = new.start.isoformat()
    assert ours.fields == expected
    assert ours.tags == theirs.tags
    assert ours.description == theirs.description.replace("Send Jane a thank-you email", "Send Jane a note")
    assert merge_task(merged, new, TaskSyntax(), "#followup") == merged
    assert merge_task(
        render_task(new, TaskSyntax(), "#followup"), new, TaskSyntax(), "#followup"
    ) == render_task(new, TaskSyntax(), "#followup")


def test_a_line_a_fact_closes_keeps_the_users_fields(vault: Path) -> None:
    note = vault / "Lena.md"
    note.write_text('---\ntype: referral\nname: Lena\nreferred: 2026-11-18\nreferred_by: "[[Maya]]"\n---\n')
    synced(vault)
    text = note.read_text().replace("#followup 🛫", "#followup call first ⏫ 🛫")
    note.write_text(text.replace("referred: 2026-11-18", "referred: 2026-11-18\ncontacted: 2026-11-19"))
    synced(vault)
    assert _line_of(note.read_text(), "reach-out") == (
        "- [x] Email Lena about the referral and copy Maya on it — contacted 2026-11-19 #followup call first ⏫ "
        "🛫 2026-11-18 📅 2026-11-20 ✅ 2026-11-19 ^fu-reach-out"
    )
    assert "nothing to update;" in synced(vault).stdout


def test_watch_goes_on_when_due_md_cannot_be_read(vault: Path) -> None:
    from followup_md.watcher import Watcher

    with (vault / "Due.md").open("wb") as handle:
        handle.truncate((64 << 20) + 1)  # larger than anything the tool reads
    lines: list[str] = []
    watcher = Watcher(vault, today=lambda: TODAY, echo=lines.append, note_quiet=0)
    watcher.scan()
    watcher.sync()
    assert "^fu-confirm" in (vault / "Good.md").read_text()
    assert (vault / "Due.md").stat().st_size == (64 << 20) + 1  # never clobbered
    assert "followup-md: Due.md: is larger than 64 MiB; followup-md leaves it alone" in lines
    watcher.apply_batch({"Due.md": False})  # an event for it: read again, nothing raised


def test_a_carriage_return_alone_before_a_marker_word_stops_no_sync(vault: Path) -> None:
    """markdown-it ends a line at a lone `\\r` where a note's lines do not: a
    marker word after one once made every sync crash on the note."""
    (vault / "Odd.md").write_bytes(b"---\ntype: contact\nmet: 2026-11-19\n---\n\r<!followup-md:\n")
    done = synced(vault)
    assert done.returncode == 0 and "Odd.md:" in done.stderr
    assert "[[Good#^fu-" in (vault / "Due.md").read_text()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("unit", ["[[", "](a"])
def test_a_due_md_line_of_many_link_starts_is_read_in_time(vault: Path, unit: str) -> None:
    """A ticked line of Due.md made of link starts never closed (a hostile
    Due.md): each was searched for a note's link to the line's end
    (quadratic: 10 s at 40 KB, hours at 400 KB)."""
    assert synced(vault).returncode == 0
    due = (vault / "Due.md").read_text()
    begin = due.index("\n", due.index("followup-md:begin")) + 1
    (vault / "Due.md").write_text(due[:begin] + "- [x] " + unit * 200_000 + "\n" + due[begin:])
    done = synced(vault)
    assert done.returncode == 0, done.stderr
    assert unit * 2 not in (vault / "Due.md").read_text()  # no link: not a tick, a line of ours


@pytest.mark.parametrize(("box", "field"), [("- [x] ", "✅ 2026-11-19"), ("- [-] ", "❌ 2026-11-19")])
def test_a_dated_tick_kept_for_a_note_that_cannot_take_a_block_keeps_its_box_and_day(
    vault: Path, box: str, field: str
) -> None:
    """A tick held in Due.md is written again each run: it kept `[x]` and lost
    its ✅ day (the note then took the day of the run that gave it its block),
    and a `[-]` became `[x]`, a cancel made a done step."""
    (vault / "Fenced.md").write_text(GOOD + "```\nunclosed fence\n")
    synced(vault)
    due = (vault / "Due.md").read_text()
    line = next(line for line in due.splitlines() if "Fenced" in line and line.startswith("- [ ]"))
    (vault / "Due.md").write_text(due.replace(line, line.replace("- [ ] ", box) + f" {field}"))
    synced(vault)
    kept = [row for row in (vault / "Due.md").read_text().splitlines() if "Fenced#^fu-confirm" in row]
    assert len(kept) == 1 and kept[0].startswith(box) and kept[0].endswith(f" {field}"), kept
    (vault / "Fenced.md").write_text(GOOD + "```\nfence closed\n```\n")
    synced(vault)
    note = (vault / "Fenced.md").read_text()
    assert any(row.startswith(box) and row.endswith(f"{field} ^fu-confirm") for row in note.splitlines()), (
        note
    )
    assert run(vault, "sync", "--check").returncode == 0
