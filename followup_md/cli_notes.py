"""The commands on one note named on the command line: `done` (tick a step),
`draft` (its email), `explain` (why it has its steps); a note and a step found
by name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from followup_md.cli_sync import _apply
from followup_md.cli_vault import TODAY, VAULT_OPTION, _open, _plan, _say, _today
from followup_md.errors import CheckFailed, FollowupError


@click.command()
@click.argument("note")
@click.argument("step")
@click.option("--on", "on", metavar="YYYY-MM-DD", help="The day it was done (default: today; never later).")
@VAULT_OPTION
@TODAY
def done(note: str, step: str, on: str | None, vault: Path | None, today: str | None) -> None:
    """Mark a step done, exactly as ticking its box would, then sync.

    NOTE is a path or a note's name; STEP a step id (`reach-out`,
    `thank-you-20261119`…), or its kind (`thank-you`) when only one open step
    is of that kind. An unknown step lists the note's open steps.

    \b
    Example:
      followup-md done "Globex - Analytics Engineer" thank-you --on 2026-11-20
    """
    from followup_md.app import plan_vault, read_again
    from followup_md.cached_read import probe_vault
    from followup_md.errors import UsageError
    from followup_md.model import FileChange
    from followup_md.render import tick_step
    from followup_md.write import write_atomic

    day = _today(today, vault)
    when = _today(on, option="--on") if on else day
    if when > day:
        raise UsageError(f"--on {when} is after today ({day}); a step is done on a day that has come")
    root, config, settings = _open(vault)
    planned = plan_vault(root, config, settings, probe_vault(root, config, settings, day))
    target = _note_of(planned.plan, root, note)
    step = _step_of(planned.plan, target, step).id
    planned = read_again(
        root, config, settings, planned.probe, planned.read, [target.path]
    )  # tick what is on disk
    target = _note_of(planned.plan, root, target.path)
    change = next((c for c in planned.plan.changes if c.path == target.path), None)
    text = change.new.decode("utf-8") if change else target.text
    ticked = tick_step(text, target.path, step, when, settings.syntax)
    stat = planned.read[target.path].file.stat
    write_atomic(root, FileChange(target.path, target.data, ticked.encode("utf-8"), stat))
    _say(f"followup-md: {target.path}: {step} done on {when}")
    _apply(
        root, config, settings, read_again(root, config, settings, planned.probe, planned.read, [target.path])
    )


def _draft_help() -> str:
    from followup_md.placeholders import PLACEHOLDERS

    width = max(map(len, PLACEHOLDERS)) + 2
    fields = "\n".join(f"  {{{name}}}".ljust(width + 3) + text for name, text in PLACEHOLDERS.items())
    return (
        "Print a drafted email for a step (default: the note's most urgent one).\n\n"
        "Your own templates in the draft_templates folder (thank-you.txt,\n"
        "check-in.txt…: a Subject: line, a blank line, the body) replace ours,\n"
        "with these placeholders:\n\n"
        f"\b\n{fields}\n\n"
        "\b\nExample:\n"
        '  followup-md draft "Globex - Analytics Engineer"\n'
        '  followup-md draft "Lena Novak" reach-out --mailto\n'
    )


@click.command(help=_draft_help())
@click.argument("note")
@click.argument("step", required=False)
@click.option("--mailto", is_flag=True, help="Print a mailto: link instead of the text.")
@VAULT_OPTION
@TODAY
def draft(note: str, step: str | None, mailto: bool, vault: Path | None, today: str | None) -> None:
    from followup_md.cache import first_time
    from followup_md.errors import UsageError
    from followup_md.layout import DRAFT_TEMPLATES
    from followup_md.links import copy_email, link_index, recipient_email, without_address
    from followup_md.links import mailto as mailto_url
    from followup_md.phrasing import join_words
    from followup_md.placeholders import words_for
    from followup_md.vault import read_draft_templates
    from followup_md.wording import check_templates, draft_email, template_for

    root, config, _ = _open(vault)
    texts, old = read_draft_templates(root, config)
    templates = check_templates(texts)
    if old is not None and first_time(root, "draft-templates-moved"):
        click.echo(
            f"followup-md: your draft templates are in {old}/, inside the cache folder that git "
            f"ignores; move them to {DRAFT_TEMPLATES}/ to keep them with the vault",
            err=True,
        )
    plan = _plan(vault, _today(today, vault))
    target = _note_of(plan, root, note)
    chosen = _step_of(plan, target, step)
    names = link_index(plan.notes)
    cc = copy_email(chosen, plan.notes, names)
    subject, body = draft_email(chosen, target, config.sender, template_for(chosen, target, templates), cc)
    if mailto:
        address = recipient_email(chosen, plan.notes, names)
        if not address:
            who = words_for(chosen, target, config.sender)["who"]
            missing = without_address(chosen, plan.notes, names)  # of a panel: who has none
            raise UsageError(
                f"no email address for {join_words(missing)}, of {who} to whom the {chosen.id} step is "
                f"addressed; add `email:` to their note{'s' if len(missing) > 1 else ''}"
                if missing
                else f"no email address for {who}, to whom the {chosen.id} step is addressed; "
                "add `email:` to their note"
            )
        _say(mailto_url(address, subject, body, cc))
        return
    copy = f"Cc: {cc}\n" if cc else ""
    _say(f"Subject: {subject}\n{copy}\n{body}", nl=False, keep="\n\t")


@click.command()
@click.argument("note")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
@VAULT_OPTION
@TODAY
def explain(note: str, as_json: bool, vault: Path | None, today: str | None) -> None:
    """Show what was read from a note and why it has the steps it has.

    Every fact with its key, value, line and source (front matter, a log
    note, a tick, your postponement), every step with the rule and the date
    it counts from, and why each other rule did not fire. NOTE is a path or
    a note's name; a file that is not a follow-up note is told why not.

    \b
    Example:
      followup-md explain "Globex - Analytics Engineer"
      followup-md explain "people/Maya Chen.md" --json | jq .not_fired
    """
    from followup_md.explain import explain_lines, explain_note
    from followup_md.journal import exchanges
    from followup_md.links import link_index
    from followup_md.model import Exchange

    root, config, settings = _open(vault)
    plan = _plan(vault, _today(today))
    outsider = _not_ours(plan, root, note, config, settings)
    if outsider is not None:
        _say(outsider)
        raise CheckFailed()
    target = _note_of(plan, root, note)
    index = link_index(plan.notes)
    report = explain_note(
        target,
        plan.notes,
        index,
        exchanges(plan.notes, index).get(target.path, Exchange()),
        config,
        plan.today,
        [s for s in plan.steps if s.note == target.path],
        [w for w in plan.waiting if w.note == target.path],
        [p for p in plan.problems if p.path == target.path],
    )
    if as_json:
        _say(json.dumps(report, indent=2, ensure_ascii=False), keep="\n")  # valid JSON
    else:
        _say("\n".join(explain_lines(report)), keep="\n")


def _not_ours(plan: Any, root: Path, spec: str, config: Any, settings: Any) -> str | None:
    """Why a Markdown file named on the command line is no follow-up note (None:
    it is one, or no such file)."""
    from followup_md.parse import decode_note, split_front_matter
    from followup_md.safe_read import read_file
    from followup_md.vault import is_note_path
    from followup_md.yamlcore import load_mapping

    for candidate in (Path(spec), root / spec, Path(spec + ".md"), root / (spec + ".md")):
        try:
            rel = candidate.resolve().relative_to(root).as_posix()
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            continue
        if rel in plan.notes or not candidate.is_file():
            continue
        problem = next((p for p in (*plan.problems, *plan.unreadable) if p.path == rel), None)
        if problem is not None:
            return f"{rel}: not read: {problem.message}"
        if not is_note_path(rel, config, settings):
            return (
                f"{rel}: not read: followup-md skips its folder "
                "(hidden, templates, or exclude in followup-md.toml)"
            )
        try:
            got = read_file(root, rel)  # no link followed, no FIFO waited on, size-capped
        except OSError as error:
            return f"{rel}: not read: {error.strerror or error}"
        if got is None:
            continue
        try:
            front, _ = split_front_matter(decode_note(got[0], rel))
            raw = load_mapping(front, rel, 2)[0] if front is not None else {}
        except (FollowupError, ValueError) as error:
            return f"{rel}: not a follow-up note: {error}"
        theirs = next((key for key in raw if "type" in config.ours_for(key)), None)
        if theirs is None or raw[theirs] in (None, "", []):
            key = config.key("type")
            return (
                f"{rel}: not a follow-up note: no `{key}:` in its front matter "
                "(add one, or map its folder or tag to a type in followup-md.toml)"
            )
        return (
            f"{rel}: not a follow-up note: {theirs}: {raw[theirs]!r} is none of contact, introduction, help, "
            "application, interview, referral, log (map it in followup-md.toml [types])"
        )
    return None


def _note_of(plan: Any, root: Path, spec: str) -> Any:
    """A note by its path (from here or from the vault), file name or alias,
    matched the way links are; a name that fits two notes is an error."""
    from followup_md.errors import UsageError
    from followup_md.links import fold, link_index

    for candidate in (Path(spec), root / spec, Path(spec + ".md"), root / (spec + ".md")):
        try:
            rel = candidate.resolve().relative_to(root).as_posix()
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            continue
        if rel in plan.notes:
            return plan.notes[rel]
    index = link_index(plan.notes)
    found = index.candidates(spec) or sorted(p for p, n in plan.notes.items() if fold(n.name) == fold(spec))
    if len(found) > 1:
        raise UsageError(f"{spec!r} names more than one note: {', '.join(found)}; give its path")
    if not found and (broken := _broken(plan, root, spec)) is not None:
        raise UsageError(f"{spec!r} cannot be read: {broken.path}:{broken.line}: {broken.message}")
    if not found:
        near = index.suggest(spec)
        hint = f"; did you mean {' or '.join(repr(path) for path in near)}?" if near else ""
        raise UsageError(f"no follow-up note {spec!r} in {root}{hint}")
    return plan.notes[found[0]]


def _broken(plan: Any, root: Path, spec: str) -> Any:
    """The problem that keeps the note `spec` names (its path, or its file
    name in any folder) from being read, if it is one (a merge conflict, a bad
    date): the user asked for a note that is there, not for a near name."""
    from followup_md.links import fold

    paths = set()
    for candidate in (Path(spec), root / spec, Path(spec + ".md"), root / (spec + ".md")):
        try:
            paths.add(candidate.resolve().relative_to(root).as_posix())
        except (ValueError, OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
            continue
    name = fold(spec.removesuffix(".md"))
    for problem in plan.problems:
        stem = problem.path.rpartition("/")[2].removesuffix(".md")
        if not problem.warning and (problem.path in paths or fold(stem) == name):
            return problem
    return None


def _open_steps(plan: Any, note: Any) -> list[Any]:
    steps = [s for s in plan.steps if s.note == note.path and s.status == "open"]
    return sorted(steps, key=lambda s: (s.due, s.start, s.id))


def _step_of(plan: Any, note: Any, step_id: str | None) -> Any:
    from followup_md.errors import UsageError

    steps = _open_steps(plan, note)
    if not steps:
        raise UsageError(f"{note.path} has no open follow-up step")
    if step_id is None:
        return steps[0]
    from followup_md.catalogue import step_kind

    for step in steps:
        if step.id == step_id:
            return step
    # An interview round's steps carry its date (`thank-you-20261119`): the
    # kind alone names the step when only one open step is of that kind.
    kinds = [step for step in steps if step_kind(step.id) == step_id]
    if len(kinds) == 1:
        return kinds[0]
    listed = ", ".join(s.id for s in steps)
    raise UsageError(f"{note.path} has no open step {step_id!r}; its open steps: {listed}")
