"""The catalogue's search index, the same on SQLite and PostgreSQL.

Text is folded in Python (NFKD, combining marks dropped, casefold) and cut
into tokens of letters and digits, so both databases see identical tokens:
SQLite keeps them in an FTS5 table, PostgreSQL in a tsvector with a GIN
index. A search matches when every query token is the prefix of some token
of the program, and every filter (provinsi, kabupaten, kategori, balai)
holds. Only public programs (not DRAF) are in the index.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass, field

from flask import g
from sqlalchemy import bindparam, text

from kerapu.extensions import db

#: Tokens per query beyond which a search is refused (each costs a lookup).
MAX_QUERY_TOKENS = 20


#: A token: digits joined by dots ("2.1", "255.83"), or a run of letters
#: and digits. After ``fold`` only letters (L*), digits (N*), punctuation
#: and spaces remain, and ``[^\W_]`` is exactly letters and digits.
TOKEN = re.compile(r"\d+(?:\.\d+)+|[^\W_]+")


#: Combining marks (accents) and invisible format characters.
DROPPED = {"Mn", "Mc", "Me", "Cf"}


def fold(value):
    """Lower-case ``value``, strip accents and invisible format characters
    (soft hyphens, zero-width joiners), keep every other letter."""
    decomposed = unicodedata.normalize("NFKD", value)
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in DROPPED)
    return kept.casefold()


def tokenize(value):
    """Cut ``value`` into folded tokens of letters and digits."""
    return TOKEN.findall(fold(value or ""))


def query_tokens(query):
    """Distinct query tokens, dropping those another token already implies."""
    tokens = sorted(set(tokenize(query)), key=len, reverse=True)
    kept = []
    for token in tokens:
        if not any(other.startswith(token) for other in kept):
            kept.append(token)
    return sorted(kept)


@dataclass
class Criteria:
    """What a catalogue search asks for, already validated."""

    tokens: list[str] = field(default_factory=list)
    province_code: str | None = None
    regency_code: str | None = None
    category_id: int | None = None
    balai_id: int | None = None
    #: Set when the text asked for holds no letter or digit ("%", an emoji):
    #: such a search matches nothing rather than everything.
    unmatchable: bool = False

    def facets(self):
        """Exact facet terms for the filters that are set."""
        terms = []
        if self.province_code:
            terms.append("p" + self.province_code)
        if self.regency_code:
            terms.append("k" + self.regency_code.replace(".", ""))
        if self.category_id:
            terms.append(f"c{self.category_id}")
        if self.balai_id:
            terms.append(f"b{self.balai_id}")
        return terms

    def terms(self):
        """Facet terms to match: "all" only when nothing narrower is asked,
        as ANDing every program costs as much as the search itself."""
        facets = self.facets()
        return facets if facets or self.tokens else ["all"]

    def key(self):
        """A hashable form, for caching answers."""
        return (
            tuple(self.tokens),
            self.province_code,
            self.regency_code,
            self.category_id,
            self.balai_id,
        )


def document_words(*parts):
    """Distinct tokens of the text parts a program is found by."""
    return sorted(set(tokenize(" ".join(p for p in parts if p))))


def program_words(program):
    """Tokens a program is found by."""
    return document_words(
        program.name,
        program.location,
        program.ppk,
        program.sub_category,
        program.category.name,
        program.regency.name,
        program.regency.short_name,
        program.regency.province.name,
        program.balai.short_name,
    )


def program_facets(program):
    return document_facets(
        program.province_code,
        program.regency_code,
        program.category_id,
        program.balai_id,
    )


def document_facets(province_code, regency_code, category_id, balai_id):
    """Facet terms stored for a program: its filters, and "all"."""
    return [
        "all",
        *Criteria(
            province_code=province_code,
            regency_code=regency_code,
            category_id=category_id,
            balai_id=balai_id,
        ).facets(),
    ]


def _backend():
    return _POSTGRES if db.engine.dialect.name == "postgresql" else _SQLITE


class _Sqlite:
    def delete(self, program_ids):
        db.session.execute(
            text("DELETE FROM program_search WHERE rowid IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": list(program_ids)},
        )

    def insert(self, rows):
        db.session.execute(
            text(
                "INSERT INTO program_search (rowid, words, facets)"
                " VALUES (:id, :words, :facets)"
            ),
            [
                {"id": pid, "words": " ".join(words), "facets": " ".join(facets)}
                for pid, words, facets in rows
            ],
        )

    def optimize(self):
        db.session.execute(
            text("INSERT INTO program_search (program_search) VALUES ('optimize')")
        )

    def _match(self, criteria):
        terms = [f'{{facets}} : "{term}"' for term in criteria.terms()]
        terms += [f'{{words}} : "{token}"*' for token in criteria.tokens]
        return " AND ".join(terms)

    def count(self, criteria):
        sql = "SELECT count(*) FROM program_search WHERE program_search MATCH :m"
        return db.session.execute(text(sql), {"m": self._match(criteria)}).scalar()

    def page_ids(self, criteria, limit, offset):
        sql = (
            "SELECT rowid FROM program_search WHERE program_search MATCH :m"
            " ORDER BY rowid DESC LIMIT :limit OFFSET :offset"
        )
        params = {"m": self._match(criteria), "limit": limit, "offset": offset}
        return list(db.session.execute(text(sql), params).scalars())


class _Postgres:
    def delete(self, program_ids):
        db.session.execute(
            text("DELETE FROM program_search WHERE program_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": list(program_ids)},
        )

    def insert(self, rows):
        db.session.execute(
            text(
                "INSERT INTO program_search (program_id, document)"
                " VALUES (:id, array_to_tsvector(CAST(:terms AS text[])))"
            ),
            [
                {"id": pid, "terms": list(words) + ["~" + f for f in facets]}
                for pid, words, facets in rows
            ],
        )

    def optimize(self):
        pass

    def _query(self, criteria):
        # Tokens hold only letters and digits and facets are built here, so
        # quoting them as tsquery lexemes is safe; the cast parses nothing.
        terms = [f"'~{term}'" for term in criteria.terms()]
        terms += [f"'{token}':*" for token in criteria.tokens]
        return " & ".join(terms)

    def count(self, criteria):
        sql = (
            "SELECT count(*) FROM program_search WHERE document @@ CAST(:q AS tsquery)"
        )
        return db.session.execute(text(sql), {"q": self._query(criteria)}).scalar()

    def page_ids(self, criteria, limit, offset):
        sql = (
            "SELECT program_id FROM program_search"
            " WHERE document @@ CAST(:q AS tsquery)"
            " ORDER BY program_id DESC LIMIT :limit OFFSET :offset"
        )
        params = {"q": self._query(criteria), "limit": limit, "offset": offset}
        return list(db.session.execute(text(sql), params).scalars())


_SQLITE = _Sqlite()
_POSTGRES = _Postgres()


def catalogue_version():
    """A number that changes whenever anything the catalogue shows changes;
    read once per request (or CLI command), like a snapshot."""
    version = g.get("_catalogue_version")
    if version is None:
        version = g._catalogue_version = db.session.execute(text(_VERSION_SQL)).scalar()
    return version


def bump_catalogue_version():
    """Mark cached catalogue answers (counts, pages, choices) as stale; in
    the same transaction as the change, so other servers see both or none.

    The new version is random, not the old one plus one: a transaction that
    bumps, caches what it sees and then rolls back must not leave answers
    under a number the next change would reuse."""
    version = secrets.randbits(62)
    db.session.execute(
        text("UPDATE catalogue_state SET version = :version WHERE id = 1"),
        {"version": version},
    )
    g._catalogue_version = version


_VERSION_SQL = "SELECT version FROM catalogue_state WHERE id = 1"


def index_programs(programs):
    """Bring the index in line with ``programs`` (public ones in, others out)."""
    programs = list(programs)
    if not programs:
        return
    bump_catalogue_version()
    backend = _backend()
    backend.delete(p.id for p in programs)
    rows = [
        (p.id, program_words(p), program_facets(p)) for p in programs if p.is_public
    ]
    if rows:
        backend.insert(rows)


def insert_index_rows(rows):
    """Add prepared ``(program_id, words, facets)`` rows (bulk loads)."""
    if rows:
        bump_catalogue_version()
        _backend().insert(rows)


def optimize_index():
    """Merge the index after a bulk load (SQLite FTS5 segments)."""
    _backend().optimize()


def count_matches(criteria):
    return _backend().count(criteria)


def matching_ids(criteria, limit, offset):
    """Ids of matching programs, newest first."""
    return _backend().page_ids(criteria, limit, offset)
