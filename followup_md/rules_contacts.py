"""The rules for people: a contact met, an introduction, a referral, a favour
asked, and a source waiting to hear that contact was made; and your own next
action (`next`). Pure.
"""

from __future__ import annotations

from datetime import date

from followup_md.planner import Planner

# Facts naming the people a note's steps write to besides its own person.
VIA_KEYS = ("referred_by", "introduced_by")


class ContactRules(Planner):
    """The steps a person, an introducer or a source needs, one method per fact."""

    def met(self, day: date) -> None:
        """A two-way contact written in `last_contact` since the window opened
        is the reconnection (a log note of it completes the step by itself)."""
        start, due = day + self.days("reconnect_start"), day + self.days("reconnect_due")
        since: date | None = self.note.facts.get("last_contact")
        if since is not None and start <= since <= self.today:
            reason = f"last contact {since.isoformat()}"
            self.add("reconnect", start, due, status="done", done=since, reason=reason)
        else:
            self.add("reconnect", start, due)

    def introduced(self, day: date) -> None:
        due = day + self.days("introduction_due")
        introducer = self.facts.get("introduced_by")
        if introducer is not None:
            self.add("thank-introducer", day, due, via=introducer.target)
        if "referred" not in self.facts:
            self.reach_out(day, due)

    def reach_out(self, start: date, due: date) -> None:
        """`contacted` completes it; so does contact established (`connected`, an
        interview): you cannot have met them without reaching out."""
        contacted = self.happened("contacted")
        contact = self.established()
        if contacted is not None:
            reason = f"contacted {contacted.isoformat()}"
            self.add("reach-out", start, due, status="done", done=contacted, reason=reason)
        elif contact is not None:
            day, why = contact
            self.add("reach-out", start, due, status="done", done=min(day, self.today), reason=why)
        else:
            self.add("reach-out", start, due)

    def established(self) -> tuple[date, str] | None:
        """When contact with the note's person was established, and the fact that
        says so: `connected`, or the first interview (held or scheduled)."""
        if "connected" in self.facts:
            return self.facts["connected"], f"connected {self.facts['connected'].isoformat()}"
        rounds = self.facts.get("interview")
        if rounds:
            return rounds[0].day, f"interview {rounds[0].day.isoformat()}"
        return None

    def asked(self, day: date) -> None:
        expected = self.facts.get("expected")
        urgent = self.facts.get("urgent", False)
        promise = self.facts.get("promise") or "their offer to help"
        waiting = ""
        if expected is not None:
            due = expected + self.days("help_after_expected")
            waiting = f"{promise} promised by {expected.isoformat()}"
        elif urgent:
            due = day + self.days("help_urgent")
        else:
            due = day + self.days("help_default")
        replied = self.happened("replied")
        # An answer ends the nudge; one before the promised date is news on the way.
        if replied is not None and replied > day and (expected is None or replied >= expected):
            reason = f"they replied {replied.isoformat()}"
            self.add("nudge", due, due, status="done", done=replied, reason=reason)
        else:
            self.add("nudge", due, due, waiting=waiting)

    def referred(self, day: date) -> None:
        self.reach_out(day, day + self.days("referral_due"))

    def connected(self, day: date) -> None:
        if self.source:
            self.add("update-source", day, day + self.days("update_source_due"), via=self.source)

    def no_contact(self) -> None:
        """`contacted`, or the reach-out done (ticked or logged), starts the clock;
        contact established, or their reply since, stops it."""
        day = self.happened("contacted") or self.done_on("reach-out")
        if day is None or not self.source:
            return
        due = day + self.days("no_contact_after")
        replied = self.happened("replied")
        answer = (replied, f"they replied {replied.isoformat()}") if replied and replied >= day else None
        contact = self.established() or answer
        if contact is None:
            self.add("no-contact", due, due, via=self.source)
        elif self.shown_open("no-contact"):  # contact came: no longer needed
            done = min(contact[0], self.today)
            self.add("no-contact", due, due, via=self.source, status="done", done=done, reason=contact[1])

    def manual(self, day: date) -> None:
        self.add(f"manual-{day.strftime('%Y%m%d')}", day, day)
