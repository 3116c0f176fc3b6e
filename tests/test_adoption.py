"""Adoption by config alone: a job-search CRM vault with its own key names,
a stage key, one folder per kind and empty values gets the right follow-ups
from followup-md.toml, with no note edited by hand."""

from __future__ import annotations

import json

from click.testing import CliRunner

from followup_md.cli import cli

from .conftest import MakeVault

CONFIG = """\
# A CRM-style vault: Title-Case keys, a stage key, one folder per kind.
[keys]
type = "App-Stage"
status = "App-Stage"
applied = "Applied-Date"
interview = "Interview-Date"
company = "Company"
role = "Role"
contact = "Hiring-Manager"
cadence = "Follow-Up-Every"
with = "Contacts"
date = "Comm_DateTime"
direction = "Comm_Type"

[types]
Applied = "application"
Interview = "interview"
Offered = "application"

[statuses]
Applied = "active"
Interview = "active"
Offered = "hired"

[directions]
Call = "exchanged"

[folders]
People = "contact"
Communications = "log"
"""

CRM = {
    "followup-md.toml": CONFIG,
    "Positions/Initech - Data Analyst.md": (
        "---\nApp-Stage: Applied\nApplied-Date: 2026-11-17\nCompany: Initech\nRole: Data Analyst\n"
        'Hiring-Manager: "[[Bob Slydell]]"\nInterview-Date:\nSalary:\n---\n'
    ),
    "Positions/Globex - Analyst.md": (
        "---\nApp-Stage: Interview\nApplied-Date: 2026-11-01\nInterview-Date: 2026-11-19 14:00\n"
        "Company: Globex\nRole: Analyst\n---\n"
    ),
    "Positions/Hooli - PM.md": "---\nApp-Stage: Do_Not_Apply\nCompany: Hooli\n---\nNot a fit.\n",
    "Positions/Acme - Engineer.md": (
        "---\nApp-Stage: Offered\nApplied-Date: 2026-10-01\nCompany: Acme\n---\n"
    ),
    "People/Bob Slydell.md": "---\nCompany: Initech\nFollow-Up-Every: 3w\nPhone:\n---\n",
    "Communications/2026-11-15 Call with Bob.md": (
        '---\nContacts: ["[[Bob Slydell]]"]\nComm_DateTime: 2026-11-15T10:00\nComm_Type: Call\n---\nCalled Bob.\n'
    ),
}


def test_a_crm_vault_gets_its_follow_ups_from_config_alone(make_vault: MakeVault) -> None:
    root = make_vault(CRM)
    result = CliRunner().invoke(cli, ["due", str(root), "--today", "2026-11-20", "--json"])
    assert result.exit_code == 0, result.output
    got = {(row["note"], row["step"]): (row["start"], row["due"]) for row in json.loads(result.stdout)}
    assert got == {
        ("Positions/Initech - Data Analyst.md", "confirm"): ("2026-11-19", "2026-11-24"),
        ("Positions/Globex - Analyst.md", "thank-you-20261119"): ("2026-11-19", "2026-11-20"),
        ("Positions/Globex - Analyst.md", "r20261119-check-in-1"): ("2026-11-22", "2026-11-24"),
        ("People/Bob Slydell.md", "keep-in-touch"): ("2026-12-06", "2026-12-06"),
    }
    actions = {row["step"]: row["action"] for row in json.loads(result.stdout)}
    assert actions["confirm"].startswith("Email Bob Slydell at Initech")


def test_the_crm_vault_syncs_without_touching_other_notes(make_vault: MakeVault) -> None:
    root = make_vault(CRM)
    result = CliRunner().invoke(cli, ["sync", str(root), "--today", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    for rel in (
        "Positions/Hooli - PM.md",
        "Positions/Acme - Engineer.md",
        "Communications/2026-11-15 Call with Bob.md",
    ):
        assert (root / rel).read_text(encoding="utf-8") == CRM[rel]
    assert "^fu-confirm" in (root / "Positions/Initech - Data Analyst.md").read_text(encoding="utf-8")
