"""The declarative table of followup-md.toml's settings: each one's section,
name, kind, default, what it does and the guidance seed behind it; the names a
section takes; the README's config reference generated from the table. Pure."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from followup_md.layout import DRAFT_TEMPLATES


@dataclass(frozen=True, slots=True)
class Option:
    """One setting: where it lives, its kind, its default and what it does."""

    section: str
    name: str
    # "int" (days), "count", "bool", "str" (not empty), "tag", "text", "path", "interval", "zone",
    # "list", "choice", "map" (a whole section); each checked in `config_values`.
    kind: str
    default: Any
    doc: str
    choices: tuple[str, ...] = ()
    seed: str = ""

    @property
    def dotted(self) -> str:
        return f"{self.section}.{self.name}" if self.section else self.name


def _rule(name: str, default: int, doc: str, seed: str) -> Option:
    return Option("rules", name, "int", default, doc, seed=seed)


OPTIONS: tuple[Option, ...] = (
    Option("", "due_file", "str", "Due.md", "Path of the generated index, relative to the vault."),
    Option(
        "",
        "timezone",
        "zone",
        "",
        "The vault's time zone, an IANA name (`Europe/Paris`): date-times become dates in it on "
        "every machine; empty: the machine's own zone. `init` writes the machine's.",
    ),
    Option("", "include", "list", [], "Globs of notes to read (default: every `.md`)."),
    Option("", "exclude", "list", [], "Globs of notes and folders never read."),
    Option("", "templates", "list", [], "Extra template folders (Obsidian's are read anyway)."),
    Option(
        "",
        "skip_weekends",
        "bool",
        False,
        "Keep dates off weekends without breaking the guidance: a deadline (thank-you within 24 hours) "
        "moves back to Friday, a date to wait for (check-in, nudge, keep-in-touch) on to Monday.",
    ),
    Option(
        "",
        "max_followups",
        "count",
        2,
        "Check-ins without an answer before the tool stops suggesting more.",
        seed="004",
    ),
    Option(
        "",
        "task_format",
        "choice",
        "auto",
        "Task line format; `auto` follows the Tasks plugin's setting.",
        choices=("auto", "emoji", "dataview"),
    ),
    Option(
        "",
        "keep_in_touch_after",
        "interval",
        "",
        "Keep-in-touch cadence (`3m`) once a process ends (an outcome, a rejection's stay-in-touch "
        "done, no answer after the last check-in) for notes without a `cadence`; empty: off.",
        seed="001",
    ),
    Option(
        "",
        "tag",
        "tag",
        "#followup",
        "Tag added to every generated task. Changed later, the old tag stays on the lines already "
        "written, as a tag of yours (the tool cannot tell it from one): replace it across the vault.",
    ),
    Option("", "heading", "str", "## Follow-ups", "Heading written above a new managed block."),
    Option(
        "",
        "link_style",
        "choice",
        "wikilink",
        "Links in Due.md: `wikilink` (Obsidian) or `markdown` (GitHub, other editors).",
        choices=("wikilink", "markdown"),
    ),
    Option(
        "",
        "due_checkboxes",
        "choice",
        "auto",
        "Checkboxes in Due.md: `auto` (only without the Tasks plugin), `always`, `never`.",
        choices=("auto", "always", "never"),
    ),
    Option(
        "",
        "ics_file",
        "path",
        "",
        "Also write the open steps to this iCalendar file on every sync (`Follow-ups.ics`), "
        "for a calendar app to subscribe to; empty: off.",
    ),
    Option(
        "",
        "stats_file",
        "path",
        "",
        "Also keep the search's figures (funnel, reply times, what follow-ups earn, activity "
        "per week, cooling relationships) in this note on every sync (`Stats.md`); empty: off.",
    ),
    Option(
        "",
        "draft_templates",
        "path",
        DRAFT_TEMPLATES,
        "Folder of your own email templates for `draft` (`thank-you.txt`, `check-in.txt`…), "
        "kept in git with the vault.",
    ),
    Option("me", "name", "text", "", "Your name, to sign the drafts with.", seed="002"),
    Option("me", "signature", "list", [], "Lines under your name (phone, LinkedIn…).", seed="002"),
    Option("me", "emails", "list", [], "Your own email addresses.", seed="002"),
    Option("keys", "*", "map", {}, 'Rename a front-matter key: `applied = "Applied-Date"`.'),
    Option("types", "*", "map", {}, 'Map a `type` value to one of ours: `Applied = "application"`.'),
    Option("statuses", "*", "map", {}, 'Map a status value to one of ours: `Offered = "active"`.'),
    Option("folders", "*", "map", {}, 'Every note in a folder has a type: `People = "contact"`.'),
    Option("tags", "*", "map", {}, 'A note with a tag has a type: `"job/contact" = "contact"`.'),
    Option(
        "directions", "*", "map", {}, 'Map a log `direction` value to one of ours: `Exchanged = "exchanged"`.'
    ),
    Option(
        "cadence",
        "*",
        "map",
        {},
        "Default `cadence` for notes without one, by type, folder (ends in `/`) or tag (starts with "
        '`#`): `contact = "3m"`, `"People/Mentors/" = "1m"`, `"#family" = "6m"`; a tag wins over a '
        "folder over a type.",
        seed="001",
    ),
    _rule("reconnect_start", 1, "Days after `met` to start reconnecting.", "002"),
    _rule("reconnect_due", 3, "Days after `met` to have reconnected.", "002"),
    _rule("introduction_due", 2, "Days after `introduced` to thank and reach out.", "002"),
    _rule("help_after_expected", 1, "Days after `expected` to nudge a helper.", "002"),
    _rule("help_urgent", 3, "Days after `asked` to nudge when `urgent`.", "002"),
    _rule("help_default", 7, "Days after `asked` to nudge otherwise.", "002"),
    _rule("confirm_start", 2, "Days after `applied` to start confirming receipt.", "002"),
    _rule("confirm_due", 7, "Days after `applied` to have confirmed receipt.", "002"),
    _rule("prepare_before", 1, "Days before an interview to draft the thank-you.", "003"),
    _rule("thank_you_days", 1, "Days after an interview to have sent thanks.", "002"),
    _rule("check_in_after_reply_by", 2, "Days after `reply_by` to check in.", "002"),
    _rule("check_in_start", 3, "Days after an interview to start checking in.", "002"),
    _rule("check_in_due", 5, "Days after an interview to have checked in.", "002"),
    _rule("check_in_repeat", 7, "Days after a check-in to send the next one.", "001"),
    _rule("referral_due", 2, "Days after `referred` to reach out.", "003"),
    _rule("update_source_due", 1, "Days after `connected` to update the source.", "003"),
    _rule("no_contact_after", 7, "Days after `contacted` to tell the source.", "003"),
    _rule("loop_in_source_due", 2, "Days after an interview to update the source.", "000"),
    _rule(
        "dormant_after",
        180,
        "Days of silence after which a contact with no cadence gets a `reconnect` (0: never).",
        "001",
    ),
    _rule("stay_in_touch_due", 2, "Days after a rejection to ask to stay in touch.", "001"),
    _rule("source_outcome_due", 2, "Days after the outcome (`closed`) to tell the source.", "000"),
    Option(
        "mail",
        "me",
        "list",
        [],
        "More of your own addresses for `mail` (besides `me.emails`): a message from one of them is `sent`.",
    ),
    Option(
        "mail",
        "folder",
        "path",
        "",
        "Folder for the log notes `mail` writes (default: the one `[folders]` maps to `log`, else `logs`).",
    ),
    Option("mail", "maildir", "list", [], "Maildir folders to read (a folder holding several is searched)."),
    Option("mail", "mbox", "list", [], "mbox files to read."),
    Option("mail", "imap_host", "text", "", "IMAP server (`imap.gmail.com`); empty: no IMAP."),
    Option("mail", "imap_port", "count", 0, "IMAP port; 0: 993 for `tls`, 143 for `starttls`."),
    Option(
        "mail",
        "imap_security",
        "choice",
        "tls",
        "`tls` (IMAPS), `starttls`, or `plain` (only to localhost, as a local Bridge or dovecot).",
        choices=("tls", "starttls", "plain"),
    ),
    Option("mail", "imap_user", "text", "", "IMAP login name (often your address)."),
    Option(
        "mail",
        "imap_folders",
        "list",
        ["INBOX", "\\Sent"],
        "IMAP folders to read; `\\Sent` is whichever folder the server marks as sent mail.",
    ),
    Option("mail", "imap_cafile", "text", "", "CA certificate file for a server with its own certificate."),
    Option(
        "mail",
        "password_env",
        "text",
        "FOLLOWUP_MD_IMAP_PASSWORD",
        "Environment variable holding the IMAP password.",
    ),
    Option(
        "mail",
        "password_command",
        "text",
        "",
        "Command printing the IMAP password (`pass show mail`), used when the variable is unset.",
    ),
    Option("mail", "check_every", "count", 5, "Minutes between mailbox checks in `watch`; 0: never."),
)


def valid_names(section: str) -> str:
    """The settings `[section]` takes (the top level: its settings, then the sections)."""
    names = [o.name for o in OPTIONS if o.section == section and o.name != "*"]
    if section == "":
        names += sorted({o.section for o in OPTIONS if o.section})
    return ", ".join(names)


def _shown(option: Option) -> str:
    if option.kind == "map":
        return "`{}`"
    if option.kind == "list":
        return f"`{json.dumps(option.default)}`"
    if option.kind == "bool":
        return f"`{str(option.default).lower()}`"
    if option.kind in ("int", "count"):
        return f"`{option.default}`"
    return f'`"{option.default}"`'


def options_markdown() -> str:
    """The README's config reference, generated from OPTIONS (a test keeps them equal)."""
    rows = ["| setting | default | what it does |", "|---|---|---|"]
    for option in OPTIONS:
        if option.section == "rules":
            continue
        name = f"[{option.section}]" if option.kind == "map" else option.dotted
        rows.append(f"| `{name}` | {_shown(option)} | {option.doc} |")
    rows += ["", "Rule windows, in days, under `[rules]`:", ""]
    rows += ["| setting | default | what it does | seed |", "|---|---|---|---|"]
    for option in OPTIONS:
        if option.section == "rules":
            rows.append(f"| `{option.name}` | `{option.default}` | {option.doc} | {option.seed} |")
    return "\n".join(rows) + "\n"
