"""Which note a link or a name means, the way Obsidian resolves them.

One resolution for every caller (log notes' `with`, a step's addressee, a
note named on the command line). Pure: it sees note paths and aliases only.

A target is tried, in order: relative to the linking note's folder
(`../people/Ivy Chen`, as Obsidian's "relative path" links are written); as a
path from the vault root; as the end of a path (`people/Ivy Chen`); as a file
name (the linking note's own folder first, then the shallowest); as an alias
(`aliases:` in the target's front matter). Case does not matter, nor `.md`,
nor a `#heading` or `#^block` part, nor Unicode normalisation (macOS file
systems hand out names in NFD, editors type NFC).
"""

from __future__ import annotations

import difflib
import heapq
import posixpath
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeGuard
from urllib.parse import quote

from followup_md.catalogue import CATALOGUE, entry_key
from followup_md.markdown import escape_markdown, one_line
from followup_md.model import Link, Note, Step, pickled_by_fields


def fold(text: str) -> str:
    """A name as compared: NFC, case-folded."""
    return unicodedata.normalize("NFC", text).casefold()


def _key(target: str) -> str:
    """A link target as looked up: no `<…>`, `#part`, `.md` or surrounding slashes."""
    target = target.strip().removeprefix("<").removesuffix(">").split("#", 1)[0].strip()
    if target.lower().endswith(".md"):
        target = target[:-3]
    return fold(target.strip("/"))


class LinkIndex:
    """Every note by path, file name and alias."""

    def __init__(self, paths: Iterable[str], aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self.paths: dict[str, str] = {}
        self.names: dict[str, list[str]] = {}
        self.aliases: dict[str, list[str]] = {}
        self._grams: dict[str, tuple[str, ...]] | None = None
        self._common: dict[str, frozenset[str]] = {}  # the runs most names hold, as sets (see `_pool`)
        # What was looked up, by its key: (target, source folder) -> the note;
        # (name, limit) -> the suggestions (with the name's three-letter runs).
        self._resolved: dict[tuple[str, str], tuple[frozenset[str], str | None]] = {}
        self._suggested: dict[tuple[str, int], Suggested] = {}
        for path in sorted(paths, key=lambda p: (p.count("/"), p)):
            self.paths[_key(path)] = path
            self.names.setdefault(_key(path.rsplit("/", 1)[-1]), []).append(path)  # its file name
        for path, names in sorted((aliases or {}).items()):
            for alias in names:
                self.aliases.setdefault(_key(alias), []).append(path)

    def resolve(self, target: str, source: str = "") -> str | None:
        """The note `target` links to from the note `source`, or None."""
        folder = posixpath.dirname(source)
        known = self._resolved.get((target, folder))
        if known is None:
            known = self._resolved[(target, folder)] = self._resolution(_key(target), folder)
        return known[1]

    def _resolution(self, key: str, folder: str) -> tuple[frozenset[str], str | None]:
        """Where `key` leads from `folder`, with the names a note added would
        need (as a file name or an alias) to change that."""
        if not key:
            return frozenset(), None
        relative = posixpath.normpath(posixpath.join(fold(folder), key)) if folder else key
        names = frozenset({key, key.rsplit("/", 1)[-1], relative.rsplit("/", 1)[-1]})
        return names, self._lookup(key, folder, relative)

    def _lookup(self, key: str, folder: str, relative: str) -> str | None:
        for candidate in (relative, key):
            if candidate in self.paths and not candidate.startswith("../"):
                return self.paths[candidate]
        if "/" in key:
            ends = [path for folded, path in self.paths.items() if folded.endswith("/" + key)]
            return ends[0] if ends else None
        named = self.names.get(key)
        if named:
            same = [path for path in named if posixpath.dirname(path) == folder]
            return (same or named)[0]
        aliased = self.aliases.get(key)
        return aliased[0] if aliased else None

    def candidates(self, name: str) -> list[str]:
        """Every note `name` could mean (a path means one; a name, all that bear
        it as a file name or alias): more than one is an ambiguity to report."""
        key = _key(name)
        if key in self.paths:
            return [self.paths[key]]
        if "/" in key:
            return sorted(path for folded, path in self.paths.items() if folded.endswith("/" + key))
        return sorted(set(self.names.get(key, [])) or set(self.aliases.get(key, [])))

    def suggest(self, name: str, limit: int = 3) -> list[str]:
        """The paths of the notes whose names are nearest to `name`. difflib only
        compares the names that share the most three-letter runs with it: a
        vault of 10,000 notes is not scanned once per broken link."""
        known = self._suggested.get((name, limit))
        if known is None:
            known = self._suggested[(name, limit)] = self._search(_key(name), limit)
        return list(known.paths)

    def suggest_ahead(self, names: Iterable[str]) -> None:
        """Make `suggest`'s answers for `names` now (a sync does, while the
        notes are planned on the other cores: each searches the whole index,
        a recruiter's vault: 2 ms each)."""
        for name in names:
            self.suggest(name)

    def _search(self, key: str, limit: int) -> Suggested:
        pool, floor = self._pool(key)
        near = close_matches(key, pool, limit)
        found = [path for known in near for path in self.names.get(known, self.aliases.get(known, []))]
        return Suggested(
            key, floor, SUGGEST_POOL - len(pool), frozenset(near), list(dict.fromkeys(found))[:limit]
        )

    @property
    def lookups(self) -> Lookups:
        """What it resolved and suggested so far (for `learn_from`)."""
        return self._resolved, self._suggested

    def learn_from(self, older: Lookups, added: Mapping[str, Iterable[str]]) -> None:
        """Keep the `lookups` of an index of the same notes but those `added`
        since (path -> aliases) that they cannot change. A
        note added never unresolves a link, and can change where one leads only
        if the link ends in its file name or is one of its aliases. The
        suggestions for a name stay unless a new name enters their pool near
        enough to be chosen, or pushes a chosen one (or more than one) out."""
        keys = {_key(path.rsplit("/", 1)[-1]) for path in added}  # its file name
        keys |= {_key(path).rsplit("/", 1)[-1] for path in added}  # its path's end, as the paths are keyed
        keys |= {_key(alias) for aliases in added.values() for alias in aliases}
        resolved, suggested = older
        self._resolved = {
            looked_up: known for looked_up, known in resolved.items() if known[0].isdisjoint(keys)
        }
        grams = {key: _grams(key) for key in keys}
        paths = set(self.paths.values())
        self._suggested = {
            looked_up: known
            for looked_up, known in suggested.items()
            if _sound(looked_up, known, paths) and known.stays(grams)
        }

    def _pool(self, key: str) -> tuple[list[str], tuple[int, str] | None]:
        """The SUGGEST_POOL names that share the most three-letter runs with
        `key` (ties by name). Runs that most names hold (` pe`, `per` in a vault
        of people) are counted only for the names a rarer run found, when
        SUGGEST_POOL of those share more runs than any other name could (the
        common ones, at most); else every name is counted."""
        by_gram, common_sets = self._by_gram(), self._common
        runs = sorted(_grams(key), key=lambda gram: len(by_gram.get(gram, ())))
        postings = [by_gram.get(gram, ()) for gram in runs]
        common = [common_sets[gram] for gram in runs if gram in common_sets]
        shared = _shared_runs(postings[: len(postings) - len(common)])
        found = set(shared)
        for names in common:
            shared.update(found.intersection(names))
        pool = _most_shared(shared, SUGGEST_POOL)
        if len(pool) < SUGGEST_POOL or shared[pool[-1]] <= len(common):
            shared = _shared_runs(postings)  # a name no rare run found may share as many
            pool = _most_shared(shared, SUGGEST_POOL)
        return pool, ((shared[pool[-1]], pool[-1]) if len(pool) == SUGGEST_POOL else None)

    def _by_gram(self) -> dict[str, tuple[str, ...]]:
        """Every name and alias by the three-letter runs it holds (built once, on
        the first broken link). Tuples, not sets: a set takes 40 bytes or more
        a name, and 10,000 names hold 120,000 runs."""
        if self._grams is None:
            grams: dict[str, list[str]] = {}
            for known in dict.fromkeys([*self.names, *self.aliases]):
                for gram in _grams(known):
                    grams.setdefault(gram, []).append(known)
            self._grams = {gram: tuple(names) for gram, names in grams.items()}
            limit = (len(self.names) + len(self.aliases)) // COMMON_GRAM
            self._common = {gram: frozenset(names) for gram, names in grams.items() if len(names) > limit}
        return self._grams


SUGGEST_POOL = 200  # names difflib compares for one suggestion
CUTOFF = 0.6  # difflib's similarity for a name to be suggested


@dataclass(frozen=True, slots=True)
class Suggested:
    """The suggestions for one key, with what a new name would need to change
    them: the pool's last name and how many runs it shares with the key (when
    the pool is full), the places left in it, and the names chosen from it."""

    key: str
    floor: tuple[int, str] | None
    room: int
    near: frozenset[str]
    paths: list[str]

    def stays(self, added: Mapping[str, set[str]]) -> bool:
        """Whether adding these names (with their three-letter runs) leaves the
        suggestions as they are: the pool is the names sharing the most runs
        with the key (ties by name), difflib picks from it."""
        runs = _grams(self.key)
        entering = [name for name, grams in added.items() if self._enters(name, len(runs & grams))]
        pushed_out = len(entering) - self.room
        if pushed_out > 0 and (self.floor is None or pushed_out > 1 or self.floor[1] in self.near):
            return False  # names pushed out of the pool: only its last one, unchosen, is harmless
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(self.key)
        for name in entering:
            matcher.set_seq1(name)
            if matcher.ratio() >= CUTOFF:
                return False
        return True

    def _enters(self, name: str, shared: int) -> bool:
        """Whether a name sharing `shared` runs with the key would be in the pool
        (the last one itself: a name already known, on a note more)."""
        if not shared:
            return False
        return self.floor is None or (-shared, name) <= (-self.floor[0], self.floor[1])


COMMON_GRAM = 4  # a run held by more than a quarter of the names is common


pickled_by_fields(Suggested)  # the cache keeps suggestions


def _sound(looked_up: object, known: object, paths: set[str]) -> bool:
    """Whether a suggestion kept (in the cache, which a stranger may have
    crafted) is one this index could have made: typed, and of its own notes."""
    if not (isinstance(known, Suggested) and _typed(looked_up, (str, int))):
        return False
    fields = [getattr(known, name, None) for name in ("key", "floor", "room", "near", "paths")]
    key, floor, room, near, found = fields  # a pickle can leave a field unset
    return (
        key == _key(looked_up[0])
        and isinstance(room, int)
        and (floor is None or _typed(floor, (int, str)))
        and isinstance(near, frozenset)
        and all(isinstance(name, str) for name in near)
        and isinstance(found, list)
        and len(found) <= looked_up[1]
        and all(isinstance(path, str) and path in paths for path in found)
    )


def _typed(value: object, kinds: tuple[type, ...]) -> TypeGuard[tuple[Any, ...]]:
    """Whether `value` is a tuple of values of these kinds, in order."""
    return (
        isinstance(value, tuple)
        and len(value) == len(kinds)
        and all(isinstance(item, kind) for item, kind in zip(value, kinds, strict=True))
    )


# What an index resolved ((target, source folder) -> the names a new note
# would need to change it, the note) and suggested ((name, limit) -> ...).
Lookups = tuple[dict[tuple[str, str], tuple[frozenset[str], str | None]], dict[tuple[str, int], Suggested]]


def close_matches(key: str, names: Iterable[str], limit: int) -> list[str]:
    """`difflib.get_close_matches(key, names, limit, CUTOFF)`, the same list,
    with fewer full comparisons: the names are tried by their `quick_ratio`
    (an upper bound of their similarity), best first, until no name left can
    displace the `limit` chosen (a tie on similarity goes to the greater name,
    as there)."""
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    bounds: list[tuple[float, str]] = []
    for name in names:
        matcher.set_seq1(name)
        if matcher.real_quick_ratio() >= CUTOFF and (bound := matcher.quick_ratio()) >= CUTOFF:
            bounds.append((bound, name))
    chosen: list[tuple[float, str]] = []  # a heap: the least chosen first
    for bound, name in sorted(bounds, reverse=True):
        if len(chosen) == limit and bound < chosen[0][0]:
            break
        matcher.set_seq1(name)
        if (score := matcher.ratio()) >= CUTOFF:
            (heapq.heappush if len(chosen) < limit else heapq.heappushpop)(chosen, (score, name))
    return [name for _, name in sorted(chosen, reverse=True)]


def _shared_runs(postings: Iterable[Iterable[str]]) -> Counter[str]:
    """How many of the given runs' lists each name is in."""
    shared: Counter[str] = Counter()
    for names in postings:
        shared.update(names)
    return shared


def _most_shared(shared: Counter[str], size: int) -> list[str]:
    """The `size` names with the most runs in common, ties by name (the same on
    every run). Only the names at or above the `size`-th count are sorted: the
    counts of a large vault sort in C, its names by a key would not."""
    counts = sorted(shared.values(), reverse=True)
    floor = counts[size - 1] if len(counts) >= size else 0
    return [known for _, known in sorted((-n, known) for known, n in shared.items() if n >= floor)[:size]]


def _grams(key: str) -> set[str]:
    padded = f"  {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def link_index(notes: Mapping[str, Note]) -> LinkIndex:
    """The index of a vault's follow-up notes (with their `aliases:`)."""
    return LinkIndex(notes, {path: note.facts.get("aliases", ()) for path, note in notes.items()})


WIKILINK_UNSAFE = re.compile(r"[\[\]|#^\x00-\x1f\x7f]")


def relative_path(path: str, index: str) -> str:
    """Vault path `path` as seen from the folder of the file `index` (both
    vault-relative POSIX paths): what a Markdown link in `index` must say."""
    parts, folder = path.split("/"), index.split("/")[:-1]
    common = 0
    while common < min(len(parts) - 1, len(folder)) and parts[common] == folder[common]:
        common += 1
    return "/".join([".."] * (len(folder) - common) + parts[common:])


@cache
def _ascii_quoted(safe: str) -> dict[int, str]:
    """Every ASCII character as `quote` writes it with `safe` kept."""
    return {code: quote(chr(code), safe=safe) for code in range(128)}


# The bytes `quote` never encodes, whatever it is told to keep.
_ALWAYS_SAFE = (string.ascii_letters + string.digits + "_.-~").encode()
_PERCENT = ord("%")


def percent_encoded(text: str, safe: str) -> str:
    """`quote(text, safe=safe)`. An ASCII text is written by one `str.replace`
    a character to encode (a handful in a draft's body: quote, or a translate
    table whose values are longer than a letter, does Python or dict work a
    character), `%` first: every other replacement writes one."""
    if not text.isascii():
        return quote(text, safe=safe)
    quoted = _ascii_quoted(safe)
    unsafe = set(text.encode().translate(None, _ALWAYS_SAFE))
    if _PERCENT in unsafe:
        unsafe.remove(_PERCENT)
        text = text.replace("%", quoted[_PERCENT])
    for code in unsafe:
        text = text.replace(chr(code), quoted[code])
    return text


def note_link(note: Note, step_id: str | None, style: str, index: str = "Due.md") -> str:
    """A link to the note (to the step's task when given) from the file `index`:
    a wikilink by vault path, or a Markdown link relative to `index`'s folder.
    A wikilink's alias is read literally by Obsidian but as Markdown by other
    viewers, and no escape works in both: a name that needs one (or a path a
    wikilink cannot hold) gets a Markdown link, which both read the same way."""
    anchor = f"#^fu-{step_id}" if step_id else ""
    target = note.path.removesuffix(".md")
    name = one_line(note.name) or one_line(note.path)
    label = escape_markdown(name)
    if style == "markdown" or label != name or WIKILINK_UNSAFE.search(target):
        return f"[{label}]({percent_encoded(relative_path(note.path, index), '/')}{anchor})"
    return f"[[{target}{anchor}|{name}]]"


def mailto(address: str, subject: str, body: str, cc: str = "") -> str:
    """A mailto: URL with every part percent-encoded (safe inside a Markdown link);
    line breaks in the body (CRLF, CR or LF) are CRLF, `%0D%0A`, as RFC 6068
    requires: each made LF first (CRLF before a lone CR), then each LF CRLF."""
    encoded = percent_encoded(address.strip(), "@,")  # addresses, comma-separated (RFC 6068)
    copy = f"cc={percent_encoded(cc.strip(), '@')}&" if cc else ""
    crlf = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    return f"mailto:{encoded}?{copy}subject={percent_encoded(subject, '')}&body={percent_encoded(crlf, '')}"


# An `email` written as a mail header or a link writes it: `Dana <dana@x>`,
# `dana@x (work)`, `mailto:dana@x`; the address is the one group that matched.
_WRAPPED_ADDRESS = re.compile(
    r"[^<>]*<([^<>@\s]+@[^<>@\s]+)>|([^\s()@]+@[^\s()@]+)\s*\([^()]*\)|(?i:mailto:)([^@\s?]+@[^@\s?]+)(?:\?\S*)?"
)


def _bare_address(email: str) -> str:
    """The address of an `email` value, as `mail` reads it (`Dana <dana@x>`,
    `dana@x (work)`, `mailto:dana@x`: dana@x); any other value as written."""
    found = _WRAPPED_ADDRESS.fullmatch(email.strip())
    return next(group for group in found.groups() if group) if found else email


def _email_of(note: Note, every: bool = False) -> str | None:
    """The first address of the note's `email` (one address, or a list of
    them); with `every`, each of them, comma-separated."""
    emails: Iterable[str] = note.facts.get("email", ())
    found = [_bare_address(email) for email in emails if "@" in email]
    if not found:
        return None
    return ",".join(dict.fromkeys(found)) if every else found[0]  # each once


def people_of(note: Note, key: str) -> tuple[Any, ...]:
    """The people of a note's `interviewer` or `contact`: one, several (a
    panel), or none."""
    value = note.facts.get(key)
    return value if isinstance(value, tuple) else (value,) if value is not None else ()


def recipient_email(step: Step, notes: Mapping[str, Note], names: LinkIndex) -> str | None:
    """The address of whoever the step writes to: the note's own person, or the
    note that `step.via` links to (the source of a referral, the introducer).
    An application or interview without an `email` of its own writes to the
    note its person (`interviewer`, else `contact`) links to, as `mail` matches."""
    note = notes[step.note]
    if step.via:
        path = names.resolve(step.via, step.note)
        return _email_of(notes[path]) if path is not None else None
    greeted = next(filter(None, (greeted_people(note, key) for key in ("interviewer", "contact"))), [])
    return _email_of(note, every=len(greeted) > 1) or _person_email(note, notes, names)


def own_addresses(step: Step, note: Note) -> bool:
    """Whether the addresses of `step`'s email (`recipient_email`, `copy_email`)
    come from its note alone: to the note's own person, with an address of its
    own or no person linked to one (`_person_email`), copying no source."""
    if step.via or "referred_by" in note.facts:
        return False
    return note.type not in _LINKED_PERSON or _email_of(note) is not None


_LINKED_PERSON = frozenset({"application", "interview"})  # written to at their person's note's address


def _person_email(note: Note, notes: Mapping[str, Note], names: LinkIndex) -> str | None:
    """The `email` of the note that an application's or interview's person links
    to: the one its texts greet (its `interviewer`, else its `contact`, never
    one that only repeats the company); a panel's, each, or None when one of
    them has none (to the others alone, an email that greets them all)."""
    linked = _linked_people(note, notes, names)
    found = [address for _, address in linked if address is not None]
    return ",".join(dict.fromkeys(found)) if linked and len(found) == len(linked) else None


def _linked_people(note: Note, notes: Mapping[str, Note], names: LinkIndex) -> list[tuple[Link, str | None]]:
    """The people an application's or interview's texts greet (`greeted_people`
    of its `interviewer`, else its `contact`), each with the address of the
    note their link leads to (None: no such note, or it has none)."""
    if note.type not in _LINKED_PERSON:
        return []
    people = next(filter(None, (greeted_people(note, key) for key in ("interviewer", "contact"))), [])
    linked = []
    for person in people:
        path = names.resolve(person.target, note.path)
        linked.append((person, _email_of(notes[path]) if path is not None and path != note.path else None))
    return linked


def without_address(step: Step, notes: Mapping[str, Note], names: LinkIndex) -> list[str]:
    """Whom of the people a step writes to (`recipient_email`) no address is
    known for, when it writes to a note's linked panel and some of it have
    one; [] otherwise (the step's own words name everyone it is missing for)."""
    if step.via or _email_of(notes[step.note]) is not None:
        return []
    linked = _linked_people(notes[step.note], notes, names)
    missing = [person.text for person, address in linked if address is None]
    return missing if len(missing) < len(linked) else []


def greeted_people(note: Note, key: str) -> list[Link]:
    """The people of a note's `interviewer` or `contact` its texts greet: each
    but one that only repeats the company (case aside)."""
    company = note.facts.get("company")
    company_text = company.text if isinstance(company, Link) else str(company or "").strip()
    return [
        person
        for person in people_of(note, key)
        if isinstance(person, Link) and person.text and person.text.casefold() != company_text.casefold()
    ]


def copy_email(step: Step, notes: Mapping[str, Note], names: LinkIndex) -> str:
    """The address the step's email copies, or "": the referral's source on the
    reach-out (seed 003: "copy your source on the same email"), from their note."""
    note = notes[step.note]
    source = note.facts.get("referred_by")
    if source is None or not CATALOGUE[entry_key(step.id, note)].cc_source:
        return ""
    path = names.resolve(source.target, step.note)
    return (_email_of(notes[path]) or "") if path is not None else ""
