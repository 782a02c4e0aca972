"""Reading the public catalogue: searching, paging and the home figures."""

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from kerapu.extensions import db
from kerapu.models import Balai, Mitra, Program, ProgramVisibility, Regency, User
from kerapu.services import search


@dataclass
class Page:
    """One page of results and where it lies in the whole."""

    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self):
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self):
        return (self.page - 1) * self.per_page + 1 if self.total else 0

    @property
    def last(self):
        return min(self.page * self.per_page, self.total)

    def numbers(self, around=2):
        """Page numbers for the pager, with None where pages are skipped."""
        shown = {1, self.pages, *range(self.page - around, self.page + around + 1)}
        numbers, previous = [], 0
        for number in sorted(n for n in shown if 1 <= n <= self.pages):
            if number - previous > 1:
                numbers.append(None)
            numbers.append(number)
            previous = number
        return numbers


class AnswerCache:
    """A small LRU of catalogue answers in this process.

    Keys start with the catalogue version, so an answer is never used after
    the catalogue changed, on this server or another one."""

    def __init__(self, size=4096):
        self.size = size
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        return None

    def put(self, key, value):
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def get_or_compute(self, key, compute):
        value = self.get(key)
        if value is None:
            value = compute()
            self.put(key, value)
        return value

    def clear(self):
        with self.lock:
            self.entries.clear()


answers = AnswerCache()


def _with_relations(query):
    return query.options(
        joinedload(Program.category),
        joinedload(Program.balai),
        joinedload(Program.regency).joinedload(Regency.province),
    )


def search_catalogue(criteria, page, per_page):
    """Find public programs matching ``criteria``; clamp ``page`` into range."""
    if criteria.unmatchable:
        return Page(items=[], total=0, page=1, per_page=per_page)
    version, key = search.catalogue_version(), criteria.key()
    total = answers.get_or_compute(
        ("count", version, key), lambda: search.count_matches(criteria)
    )
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    offset = (page - 1) * per_page
    ids = answers.get_or_compute(
        ("ids", version, key, per_page, offset),
        lambda: search.matching_ids(criteria, per_page, offset),
    )
    programs = {}
    if ids:
        query = _with_relations(select(Program).where(Program.id.in_(ids)))
        programs = {p.id: p for p in db.session.scalars(query)}
    items = [programs[i] for i in ids if i in programs]
    return Page(items=items, total=total, page=page, per_page=per_page)


def get_public_program(program_id):
    """The program if the public may see it, else None."""
    query = _with_relations(
        select(Program).where(
            Program.id == program_id,
            Program.visibility != ProgramVisibility.DRAF,
        )
    )
    return db.session.scalar(query)


def balai_offices(province_code=None):
    """Balai (BBPJN first), or those working in one province, with regions."""
    query = (
        select(Balai)
        .order_by(Balai.kind.desc(), Balai.short_name)
        .options(selectinload(Balai.regencies).joinedload(Regency.province))
    )
    if province_code:
        in_province = select(Regency.balai_id).where(
            Regency.province_code == province_code
        )
        query = query.where(Balai.id.in_(in_province))
    return db.session.scalars(query).all()


def home_figures():
    """Live figures for the Beranda."""
    open_programs = select(
        func.count(Program.id), func.coalesce(func.sum(Program.value_idr), 0)
    ).where(
        Program.visibility == ProgramVisibility.DIBUKA, Program.taken_by_id.is_(None)
    )
    count, total_value = db.session.execute(open_programs).one()
    balai = db.session.scalar(select(func.count(Balai.id)).where(Balai.kind != "PUSAT"))
    mitra = db.session.scalar(
        select(func.count(Mitra.id))
        .join(Mitra.user)
        .where(User.activated_at.is_not(None), User.deleted_at.is_(None))
    )
    return {
        "open_programs": count,
        "open_value_idr": total_value,
        "balai": balai,
        "mitra": mitra,
    }
