"""Reading applications and proposals: the mitra's Program saya, and the
public pages that show work under way (Kegiatan) and who does it (Daftar
Mitra PU)."""

import math

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload, with_polymorphic

from kerapu.extensions import db
from kerapu.models import (
    Cooperation,
    Mitra,
    Program,
    ProgressReport,
    Proposal,
    Regency,
    Status,
    User,
)
from kerapu.models.workflow import APPROVED
from kerapu.services.catalogue import Page

PER_PAGE = 10

#: Work the public sees under way or done.
VISIBLE_WORK = (Status.PELAKSANAAN, Status.SELESAI)


def paginate(query, count_query, page, per_page=PER_PAGE):
    """One page of ``query``; ``page`` clamped into range."""
    total = db.session.scalar(count_query)
    page = min(max(page, 1), max(1, math.ceil(total / per_page)))
    items = (
        db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
        .unique()
        .all()
    )
    return Page(items=items, total=total, page=page, per_page=per_page)


def with_details(query, item):
    return query.options(
        joinedload(item.program).joinedload(Program.balai),
        joinedload(item.balai),
    )


def cooperations_of(mitra, status, page):
    """The mitra's applications and proposals, newest first."""
    item = with_polymorphic(Cooperation, [Proposal])
    where = [item.mitra_id == mitra.id]
    if status is not None:
        where.append(item.status == status)
    query = with_details(
        select(item).where(*where).order_by(item.created_at.desc(), item.id.desc()),
        item,
    )
    count = (
        select(func.count())
        .select_from(Cooperation)
        .where(
            Cooperation.mitra_id == mitra.id,
            *([Cooperation.status == status] if status is not None else []),
        )
    )
    return paginate(query, count, page)


def public_activities(page):
    """Work under way or done, latest report first, with its mitra,
    progress and photos."""
    latest = (
        select(func.max(ProgressReport.reported_on))
        .where(ProgressReport.cooperation_id == Cooperation.id)
        .correlate(Cooperation)
        .scalar_subquery()
    )
    query = (
        select(Cooperation)
        .where(Cooperation.status.in_(VISIBLE_WORK))
        .order_by(latest.desc().nulls_last(), Cooperation.id.desc())
        .options(
            joinedload(Cooperation.program).joinedload(Program.balai),
            joinedload(Cooperation.program)
            .joinedload(Program.regency)
            .joinedload(Regency.province),
            joinedload(Cooperation.mitra),
            selectinload(Cooperation.reports).selectinload(ProgressReport.photos),
        )
    )
    count = select(func.count()).where(Cooperation.status.in_(VISIBLE_WORK))
    return paginate(query, count, page)


def active_partners(page):
    """A page of mitra with an active account, by name, and
    ``approved_work`` of those on it."""
    active = [
        User.activated_at.is_not(None),
        User.deactivated_at.is_(None),
        User.deleted_at.is_(None),
    ]
    query = (
        select(Mitra)
        .join(Mitra.user)
        .where(*active)
        .order_by(func.lower(Mitra.name), Mitra.id)
        .options(
            joinedload(Mitra.business_field),
            joinedload(Mitra.regency).joinedload(Regency.province),
        )
    )
    count = select(func.count(Mitra.id)).join(Mitra.user).where(*active)
    result = paginate(query, count, page)
    return result, approved_work([mitra.id for mitra in result.items])


def approved_work(mitra_ids):
    """{mitra id: [program, ...]} of the programs each mitra has taken."""
    if not mitra_ids:
        return {}
    rows = db.session.execute(
        select(Cooperation.mitra_id, Program)
        .join(Program, Program.id == Cooperation.program_id)
        .where(Cooperation.mitra_id.in_(mitra_ids), Cooperation.status.in_(APPROVED))
        .order_by(Program.name)
    ).all()
    work = {}
    for mitra_id, program in rows:
        work.setdefault(mitra_id, []).append(program)
    return work


def cooperations_at(balai, status=None, limit=200):
    """A Balai's applications and proposals, newest first (for staff)."""
    item = with_polymorphic(Cooperation, [Proposal])
    query = select(item).where(item.balai_id == balai.id)
    if status is not None:
        query = query.where(item.status == status)
    query = query.order_by(item.created_at.desc(), item.id.desc()).limit(limit)
    return db.session.scalars(
        with_details(query, item).options(joinedload(item.mitra))
    ).all()
