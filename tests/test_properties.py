"""Property tests: for arbitrary notes, sync never damages a byte outside the
block and a second sync changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from followup_md.blocks import split_lines
from followup_md.config import Config
from followup_md.model import Note, NoteFile, Problem, TaskSyntax, VaultSettings
from followup_md.parse import read_note
from followup_md.sync import plan_sync

from .helpers import UTC_ZONE

TODAY = date(2026, 11, 20)
DATES = st.dates(date(2026, 10, 1), date(2026, 12, 31)).map(date.isoformat)
FACTS = st.fixed_dictionaries(
    {},
    optional={
        "met": DATES,
        "introduced": DATES,
        "introduced_by": st.just("'[[Maya]]'"),
        "asked": DATES,
        "expected": DATES,
        "applied": DATES,
        "interview": st.lists(DATES, min_size=1, max_size=3).map(lambda v: "[" + ", ".join(v) + "]"),
        "reply_by": DATES,
        "referred": DATES,
        "referred_by": st.just("Priya"),
        "contacted": DATES,
        "connected": DATES,
        "replied": DATES,
        "cadence": st.sampled_from(["10d", "3w", "1m"]),
        "status": st.sampled_from(["active", "paused", "rejected", "hired"]),
        "closed": DATES,
        "snooze": DATES,
        "next": DATES,
        "company": st.text(max_size=12).map(lambda t: '"' + t.replace("\\", "").replace('"', "") + '"'),
    },
)
BODY_LINES = st.sampled_from(
    [
        "",
        "# Heading",
        "Some text with `code` and [[links]].",
        "- [ ] my own task 📅 2026-11-21",
        "```",
        "<!-- followup-md:begin (generated; tick boxes or change dates freely) -->",
        "<!-- followup-md:end -->",
        "%%",
        "> quote",
        "    indented",
        "- [x] done ^fu-confirm",
        "<div>",
        "~~~python",
        "````",
        "<!--",
        "-->",
        "<!-- a comment -->",
        "%% hidden %% and `%%` in code",
        "> [!note] a callout",
        "| a | b |",
        "    - nested",
        "unicode: café ünïcödé 日本語",
        "form\x0cfeed, line\u2028separator, \x1egroup and \x85next",
    ]
)
TICKS = st.lists(
    st.tuples(
        st.sampled_from(["confirm", "thank-you", "check-in-1", "check-in-2", "reconnect", "nudge"]),
        st.sampled_from([" ", "x", "X", "-", "/"]),
        st.integers(-5, 10),
        st.booleans(),
    ),
    max_size=4,
)


@st.composite
def notes(draw: st.DrawFn) -> bytes:
    facts = draw(FACTS)
    front = "type: " + draw(st.sampled_from(["application", "interview", "contact", "referral", "help"]))
    front += "\n" + "".join(f"{k}: {v}\n" for k, v in facts.items())
    body = draw(st.lists(BODY_LINES, max_size=8))
    block: list[str] = []
    if draw(st.booleans()):
        block = ["", "<!-- followup-md:begin (generated; tick boxes or change dates freely) -->", ""]
        for step, mark, shift, dated in draw(TICKS):
            due = (TODAY + timedelta(days=shift)).isoformat()
            done = f" ✅ {due}" if dated and mark in "xX" else ""
            block.append(f"- [{mark}] Step #followup 📅 {due}{done} ^fu-{step}")
        block += ["", "<!-- followup-md:end -->"]
        at = draw(st.integers(0, len(body)))
        body[at:at] = block
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(["---", *front.splitlines(), "---", *body]) + draw(st.sampled_from(["", newline]))
    return text.encode("utf-8")


def _sync(data: bytes) -> tuple[bytes, Note | Problem | None]:
    plan = plan_sync([NoteFile("n.md", data)], None, Config(), VaultSettings(), TODAY, UTC_ZONE)
    new = next((c.new for c in plan.changes if c.path == "n.md"), data)
    return new, read_note("n.md", data, Config(), TaskSyntax(), UTC_ZONE)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes())
def test_sync_is_idempotent_and_keeps_every_byte_outside_the_block(data: bytes) -> None:
    once, before = _sync(data)
    if not isinstance(before, Note):
        assert once == data  # a problem note is never written
        return
    twice, _ = _sync(once)
    assert twice == once
    text = data.decode("utf-8")
    new = once.decode("utf-8")
    if before.block is None:
        assert new.startswith(text)
    else:
        lines = split_lines(text)
        assert new.startswith("".join(lines[: before.block.begin]))
        assert new.endswith("".join(lines[before.block.end + 1 :]))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_raise(data: bytes) -> None:
    for prefix in (b"", b"---\ntype: contact\n"):
        result = read_note("n.md", prefix + data, Config(), TaskSyntax(), UTC_ZONE)
        assert result is None or isinstance(result, Note | Problem)
        if isinstance(result, Note):
            _sync(prefix + data)


HOSTILE = st.sampled_from(
    [
        "]]",
        "[[",
        "|",
        "<!--",
        "-->",
        "<!-- followup-md:end -->",
        "`",
        "\n",
        "#",
        "^fu-x",
        "📅 2026-01-01",
        "✅ 2026-01-02",
        "🛫 2026-01-03",
        "::",
        "(",
        ")",
        "%",
        "&",
        "?",
        "=",
        " ",
        "é",
        "\u202e",
        "\t",
        "*",
        "_",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(HOSTILE, st.text(max_size=4)), min_size=1, max_size=8).map("".join)


def _yaml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return '"' + "".join(c if c.isprintable() or c == " " else f"\\U{ord(c):08x}" for c in escaped) + '"'


@settings(max_examples=200, deadline=None)
@given(HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT, HOSTILE_TEXT)
def test_hostile_names_cannot_break_any_output(name: str, company: str, email: str, topic: str) -> None:
    from urllib.parse import unquote

    from . import tasks_grammar

    front = (
        f"type: interview\nname: {_yaml_string(name)}\ncompany: {_yaml_string(company)}\n"
        f"email: {_yaml_string(email + '@x.example')}\ntopics: [{_yaml_string(topic)}]\n"
        "interview: 2026-11-19\nreferred_by: " + _yaml_string("Source " + name) + "\n"
    )
    data = f"---\n{front}---\nBody.\n".encode()
    note = read_note("n.md", data, Config(), TaskSyntax(), UTC_ZONE)
    assert isinstance(note, Note), note
    plan = plan_sync([NoteFile("n.md", data)], None, Config(), VaultSettings(), TODAY, UTC_ZONE)
    new = {c.path: c.new.decode() for c in plan.changes}
    due, text = new["Due.md"], new["n.md"]
    # Due.md: one block, every agenda line one line that starts as ours
    assert due.count("<!-- followup-md:begin") == 1 and due.count("<!-- followup-md:end -->") == 1
    lines = due.splitlines()
    steps = [line for line in lines if line.startswith("- [ ] **")]
    assert len(steps) == 3  # thank-you, loop-in-source and the check-in
    for line in steps:
        if "mailto:" in line:
            url = line.split("](mailto:", 1)[1].rsplit(")", 1)[0]
            assert not any(c in url for c in " ()<>\n[]")
            assert unquote(url.split("?", 1)[0]) == (email + "@x.example").strip()
    # the note: its block reads back, and Tasks reads every date right
    again = read_note("n.md", text.encode(), Config(), TaskSyntax(), UTC_ZONE)
    assert isinstance(again, Note) and again.block is not None
    assert text.startswith(data.decode())
    for step in (s for s in plan.steps if s.status == "open"):
        line = next(row for row in text.splitlines() if row.endswith(f" ^fu-{step.id}"))
        parsed = tasks_grammar.parse(line)
        assert parsed is not None
        assert parsed.fields.get("due") == step.due.isoformat()
        assert parsed.fields.get("start", step.due.isoformat()) == step.start.isoformat()
        assert parsed.block_link == f"^fu-{step.id}"


LOGS = st.lists(
    st.tuples(
        DATES, st.sampled_from(["sent", "received", "exchanged"]), st.sampled_from(["n", "Priya", "Maya"])
    ),
    max_size=4,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes(), LOGS)
@example(  # a log note dated ahead hid the contacts before it: the next reminder came a sync late
    b"---\ntype: application\ncadence: 10d\n---",
    [("2026-10-01", "received", "n"), ("2026-11-01", "sent", "n"), ("2026-11-21", "sent", "n")],
)
def test_log_notes_complete_steps_once_and_a_second_sync_changes_nothing(
    data: bytes, logs: list[tuple[str, str, str]]
) -> None:
    """The journal's evidence is a fixed point: a step a log note completed
    becomes a done line, and planning again from that text (no cache) neither
    moves it nor spends the same message on another step."""
    files = [
        NoteFile(
            f"logs/{index}.md",
            f"---\ntype: log\ndate: {day}\nwith: '[[{who}]]'\ndirection: {way}\n---\n".encode(),
        )
        for index, (day, way, who) in enumerate(logs)
    ]
    files += [
        NoteFile("Priya.md", b"---\ntype: contact\n---\n"),
        NoteFile("Maya.md", b"---\ntype: contact\n---\n"),
    ]

    def sync(note: bytes) -> dict[str, bytes]:
        plan = plan_sync([NoteFile("n.md", note), *files], None, Config(), VaultSettings(), TODAY, UTC_ZONE)
        return {c.path: c.new for c in plan.changes if c.path != "Due.md"}

    once = sync(data).get("n.md", data)
    assert sync(once).get("n.md", once) == once
