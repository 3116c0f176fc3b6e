"""followup-md.toml: one option table drives validation, with file:line errors."""

from __future__ import annotations

import pytest

from followup_md.config import Config, parse_config
from followup_md.errors import ConfigError
from followup_md.vault import read_settings

from .conftest import REPO, MakeVault


def test_defaults() -> None:
    assert parse_config("") == Config()


def test_values_are_read() -> None:
    config = parse_config(
        'due_file = "Follow-ups.md"\nskip_weekends = true\nexclude = ["Archive/**"]\n'
        '[keys]\napplied = "Applied-Date"\n[types]\nApplied = "application"\n[rules]\nconfirm_due = 5\n'
    )
    assert config.due_file == "Follow-ups.md"
    assert config.skip_weekends is True
    assert config.exclude == ("Archive/**",)
    assert config.key("applied") == "Applied-Date"
    assert config.types == {"Applied": "application"}
    assert config.rules["confirm_due"] == 5
    assert config.rules["confirm_start"] == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "colour = 1\n",
            "followup-md.toml:1: unknown setting 'colour'; valid: due_file, timezone, include, exclude, "
            "templates, skip_weekends, max_followups, task_format, keep_in_touch_after, tag, heading, link_style, "
            "due_checkboxes, "
            "ics_file, stats_file, draft_templates, "
            "cadence, directions, folders, keys, mail, me, rules, statuses, tags, types",
        ),
        (
            '[me]\nnmae = "Ada"\n',
            "followup-md.toml:2: unknown setting me.nmae; valid: name, signature, emails",
        ),
        (
            'timezone = "UTC"\n\n[rule]\nconfirm_due = 5\n',
            "followup-md.toml:3: unknown setting 'rule'; did you mean 'rules'?",
        ),
        (
            "skip_weekend = true\n",
            "followup-md.toml:1: unknown setting 'skip_weekend'; did you mean 'skip_weekends'?",
        ),
        (
            "[rules]\nconfirm_du = 5\n",
            "followup-md.toml:2: unknown setting rules.confirm_du; did you mean 'confirm_due'?",
        ),
        ('[me]\nsignature = "Ada"\n', "followup-md.toml:2: me.signature must be a list of strings"),
        ("me = 1\n", "followup-md.toml:1: [me] must be a table"),
        (
            "\n[rules]\nconfirm = 3\n",
            "followup-md.toml:3: unknown setting rules.confirm; valid: reconnect_start, "
            "reconnect_due, introduction_due, help_after_expected, help_urgent, help_default, confirm_start, "
            "confirm_due, prepare_before, thank_you_days, check_in_after_reply_by, check_in_start, check_in_due, "
            "check_in_repeat, referral_due, update_source_due, no_contact_after, loop_in_source_due, "
            "dormant_after, stay_in_touch_due, source_outcome_due",
        ),
        (
            '[cadence]\npeople = "1m"\n',
            "followup-md.toml:2: [cadence] 'people' is not a type (contact, introduction, help, application, "
            "interview, referral, log), a folder ending in / or a tag starting with #",
        ),
        (
            '[cadence]\ncontact = "soon"\n',
            "followup-md.toml:2: cadence.contact must be an interval like 10d, 3w, 2m or 1y",
        ),
        (
            'timezone = "Mars/Olympus"\n',
            "followup-md.toml:1: timezone: unknown time zone 'Mars/Olympus'; use an IANA name such as Europe/Paris",
        ),
        (
            'link_style = "html"\n',
            "followup-md.toml:1: link_style must be one of: wikilink, markdown (got 'html')",
        ),
        ("skip_weekends = 1\n", "followup-md.toml:1: skip_weekends must be true or false"),
        # not one tag: a word (no tag at all), or two words (a tag and a word)
        ('tag = "followup"\n', "followup-md.toml:1: tag must be one tag like #followup (got 'followup')"),
        (
            '\ntag = "#follow up"\n',
            "followup-md.toml:2: tag must be one tag like #followup (got '#follow up')",
        ),
        ('tag = "#2026"\n', "followup-md.toml:1: tag must be one tag like #followup (got '#2026')"),
        # Obsidian ends a tag at punctuation: `#follow` and a stray `,up`
        ('tag = "#follow,up"\n', "followup-md.toml:1: tag must be one tag like #followup (got '#follow,up')"),
        ('tag = "#a.b"\n', "followup-md.toml:1: tag must be one tag like #followup (got '#a.b')"),
        (
            '[types]\nApplied = "job"\n',
            "followup-md.toml:2: types.Applied must be contact, introduction, help, "
            "application, interview, referral, log (got 'job')",
        ),
        (
            '[keys]\nsalary = "Salary"\n',
            "followup-md.toml:2: unknown key 'salary' in [keys]; valid keys: "
            "type, name, company, role, email, phone, linkedin, status, last_contact, replied, next, next_action, "
            "snooze, cadence, max_followups, referred_by, topics, met, where, introduced, introduced_by, asked, "
            "promise, expected, urgent, applied, contact, posting, interview, interviewer, reply_by, format, "
            "referred, contacted, connected, closed, tags, date, with, direction, channel, follow_up_on, aliases, subject, message_id",
        ),
        (
            'tag = "#x"\ndue_file = [\n',
            "followup-md.toml:2: not valid TOML: Invalid value (at end of document)",
        ),
        (
            "a = 1 2\n",
            "followup-md.toml:1: not valid TOML: Expected newline or end of document after a statement (at line 1, column 7)",
        ),
    ],
)
def test_errors_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    assert str(caught.value) == message
    assert caught.value.exit_code == 2


def test_template_folders_from_obsidian_and_templater(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            ".obsidian/templates.json": '{"folder": "Meta/Templates"}',
            ".obsidian/plugins/templater-obsidian/data.json": '{"templates_folder": "Templater/"}',
        }
    )
    settings = read_settings(root, Config(templates=("Extra",)))
    assert settings.template_folders == ("Extra", "Meta/Templates", "Templater")


def test_tasks_plugin_settings(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            ".obsidian/community-plugins.json": '["obsidian-tasks-plugin"]',
            ".obsidian/plugins/obsidian-tasks-plugin/data.json": (
                '{"globalFilter": "#task", "taskFormat": "dataview", "statusSettings": {"customStatuses": '
                '[{"symbol": "!", "type": "DONE"}, {"symbol": "~", "type": "CANCELLED"}]}}'
            ),
        }
    )
    settings = read_settings(root, Config())
    assert settings.tasks_plugin
    assert settings.syntax.dataview
    assert settings.syntax.global_filter == "#task"
    assert "!" in settings.syntax.done and "~" in settings.syntax.cancelled
    disabled = make_vault({".obsidian/community-plugins.json": "[]"})
    (disabled / ".obsidian/plugins/obsidian-tasks-plugin").mkdir(parents=True, exist_ok=True)
    assert not read_settings(disabled, Config()).tasks_plugin


# README's rules table against the defaults it shows: step -> (text in its row, rule options)
ROWS = {
    "`reconnect`": ("D+{reconnect_start} .. D+{reconnect_due}",),
    "`thank-introducer`": ("D .. D+{introduction_due}",),
    "`nudge`": ("`expected`+{help_after_expected}, else D+{help_urgent} if `urgent`, else D+{help_default}",),
    "`confirm`": ("D+{confirm_start} .. D+{confirm_due}",),
    "`prepare-YYYYMMDD`": ("D-{prepare_before} .. D",),
    "`rYYYYMMDD-check-in-1`": (
        "`reply_by`+{check_in_after_reply_by}, else D+{check_in_start} .. D+{check_in_due}",
    ),
    "`rYYYYMMDD-check-in-N`": ("{check_in_repeat} days after check-in N-1",),
    "`update-source`": ("D .. D+{update_source_due}",),
    "`no-contact`": ("D+{no_contact_after}",),
    "`loop-in-source-YYYYMMDD`": ("D .. D+{loop_in_source_due}",),
    "`stay-in-touch`": ("D .. D+{stay_in_touch_due}",),
    "`source-outcome`": ("D .. D+{source_outcome_due}",),
    "`reconnect-since-YYYYMMDD`": ("D+{dormant_after} .. D+182",),
}


def test_readme_rules_table_shows_the_default_windows() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("| ") and " | " in line]
    defaults = Config().rules
    for step, (window,) in ROWS.items():
        row = next(line for line in rows if step in line.split(" | ")[1])
        assert window.format(**defaults) in row, step


def test_max_followups_is_a_count_of_check_ins_not_of_days() -> None:
    assert parse_config("max_followups = 3\n").max_followups == 3
    with pytest.raises(ConfigError) as error:
        parse_config('max_followups = "3"\n')
    assert str(error.value) == "followup-md.toml:1: max_followups must be a whole number from 0 to 65535"


def test_the_mail_section_is_read_and_checked() -> None:
    config = parse_config(
        '[mail]\nme = ["a@example.org"]\nimap_host = "imap.example.org"\ncheck_every = 10\n'
    )
    assert config.mail.me == ("a@example.org",)
    assert config.mail.imap_host == "imap.example.org"
    assert config.mail.imap_folders == ("INBOX", "\\Sent")
    assert config.mail.check_every == 10
    assert config.mail.sources
    assert not Config().mail.sources
    for text, message in (
        (
            "[mail]\ncheck_every = -1\n",
            "followup-md.toml:2: mail.check_every must be a whole number from 0 to 65535",
        ),
        (
            "[mail]\nimap_port = 70000\n",
            "followup-md.toml:2: mail.imap_port must be a whole number from 0 to 65535",
        ),
        (
            '[mail]\nimap_security = "ssl"\n',
            "followup-md.toml:2: mail.imap_security must be one of: tls, starttls, plain (got 'ssl')",
        ),
        (
            '[mail]\npassword = "hunter2"\n',
            "followup-md.toml:2: unknown setting mail.password; valid: me, folder, maildir, mbox, imap_host, imap_port, imap_security, imap_user, imap_folders, imap_cafile, password_env, password_command, check_every",
        ),
        ("mail = 1\n", "followup-md.toml:1: [mail] must be a table"),
    ):
        with pytest.raises(ConfigError) as error:
            parse_config(text)
        assert str(error.value) == message


@pytest.mark.parametrize("tag", ["#followup", "#job/follow-up", "#suivi_été", "#über2026", "#2026-search"])
def test_a_tag_is_any_obsidian_tag(tag: str) -> None:
    assert parse_config(f'tag = "{tag}"\n').tag == tag
