"""The search index answers exactly what its rule says, on every database."""

import pytest
from flask import g
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from kerapu.models import Program, ProgramVisibility, Regency
from kerapu.services import catalogue, search
from kerapu.services.search import Criteria, fold, query_tokens, tokenize


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("Jereweh - Benete", ["jereweh", "benete"]),
        ("PPK 2.1", ["ppk", "2.1"]),
        ("STA 1+255.83", ["sta", "1", "255.83"]),
        ("jere\u00adweh", ["jereweh"]),
        ("Ds. Tungkap", ["ds", "tungkap"]),
        ("ÉCOLE Straße", ["ecole", "strasse"]),
        ("Jalan 🚧 rusak", ["jalan", "rusak"]),
        ("100% _x_", ["100", "x"]),
        ("道路 jalan", ["道路", "jalan"]),
        ("", []),
        (None, []),
    ],
)
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_fold_strips_accents_and_case():
    assert fold("Jérêwéh") == "jereweh"


def test_query_tokens_drop_implied_prefixes():
    assert query_tokens("jal jalan JALAN ban") == ["ban", "jalan"]


def public_programs(db):
    query = (
        select(Program)
        .where(Program.visibility != ProgramVisibility.DRAF)
        .options(
            joinedload(Program.category),
            joinedload(Program.balai),
            joinedload(Program.regency).joinedload(Regency.province),
        )
    )
    return list(db.session.scalars(query).unique())


def expected_ids(programs, criteria):
    """The rule, in plain Python: every token prefixes a word, filters hold."""
    found = []
    for program in programs:
        words = search.program_words(program)
        if not all(any(w.startswith(t) for w in words) for t in criteria.tokens):
            continue
        if criteria.province_code and program.province_code != criteria.province_code:
            continue
        if criteria.regency_code and program.regency_code != criteria.regency_code:
            continue
        if criteria.category_id and program.category_id != criteria.category_id:
            continue
        if criteria.balai_id and program.balai_id != criteria.balai_id:
            continue
        found.append(program.id)
    return sorted(found, reverse=True)


QUERIES = [
    "",
    "j",
    "ja",
    "jalan",
    "jembatan",
    "ruas jalan",
    "pengadaan bahan",
    "ppk 2",
    "kab",
    "kota adm",
    "bpjn",
    "kalimantan selatan",
    "papua",
    "a b",
    "1",
    "zzz",
]


@pytest.mark.parametrize("query", QUERIES)
def test_search_agrees_with_rule(db, query):
    programs = public_programs(db)
    criteria = Criteria(tokens=query_tokens(query))

    found = search.matching_ids(criteria, limit=10_000, offset=0)

    assert found == expected_ids(programs, criteria)
    assert search.count_matches(criteria) == len(found)


@pytest.mark.parametrize(
    "filters",
    [
        {"province_code": "63"},
        {"regency_code": "63.03"},
        {"category_id": 1},
        {"province_code": "52", "category_id": 1},
    ],
)
def test_filters_agree_with_rule(db, filters):
    programs = public_programs(db)
    balai_id = programs[0].balai_id
    for criteria in (
        Criteria(**filters),
        Criteria(tokens=["jalan"], **filters),
        Criteria(balai_id=balai_id, **filters),
    ):
        found = search.matching_ids(criteria, limit=10_000, offset=0)
        assert found == expected_ids(programs, criteria)


def test_pages_walk_the_whole_result_once(db):
    criteria = Criteria(tokens=["jalan"])
    total = search.count_matches(criteria)

    seen = []
    for number in range(1, total // 7 + 2):
        page = catalogue.search_catalogue(criteria, number, 7)
        seen += [p.id for p in page.items]

    assert len(seen) == total == len(set(seen))


def test_index_follows_visibility(db, make_program):
    program = make_program(name="Pelebaran Jalan Ujicobaan")
    criteria = Criteria(tokens=["ujicobaan"])
    assert search.matching_ids(criteria, 10, 0) == [program.id]

    program.visibility = ProgramVisibility.DRAF
    search.index_programs([program])
    assert search.matching_ids(criteria, 10, 0) == []

    program.visibility = ProgramVisibility.DITUTUP
    search.index_programs([program])
    assert search.matching_ids(criteria, 10, 0) == [program.id]


def test_unmatchable_query_finds_nothing(db):
    page = catalogue.search_catalogue(Criteria(unmatchable=True), 1, 10)

    assert page.items == []
    assert page.total == 0


@pytest.mark.parametrize(
    ("page", "pages", "numbers"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 20, [1, 2, 3, None, 20]),
        (10, 20, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
    ],
)
def test_pager_numbers(page, pages, numbers):
    result = catalogue.Page(items=[], total=pages * 10, page=page, per_page=10)

    assert result.numbers() == numbers


def test_cached_answers_follow_changes(client, make_program):
    def total(query):
        html = client.get("/program", query_string={"q": query}).text
        return html.count('data-label="Kegiatan"')

    assert total("kaliurangan") == 0
    make_program(name="Jembatan Kaliurangan")
    assert total("kaliurangan") == 1


def test_rolled_back_change_leaves_no_stale_answer(app, db, make_program):
    criteria = Criteria(tokens=["rollbackan"])
    before = search.catalogue_version()
    nested = db.session.begin_nested()
    make_program(name="Program Rollbackan")
    assert catalogue.search_catalogue(criteria, 1, 10).total == 1
    nested.rollback()
    g.pop("_catalogue_version")  # as the next request would start

    assert search.catalogue_version() == before
    make_program(name="Program Lain")
    assert catalogue.search_catalogue(criteria, 1, 10).total == 0
