"""Workflow: applications and proposals (cooperations), their append-only
status history, progress reports with photos; programs taken by a mitra,
the mitra's mail setting, and what an accepted form created.

Revision ID: ab738fa94308
Revises: 5b6c7d8e9f10
Create Date: 2026-12-04 06:02:16.518568

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ab738fa94308'
down_revision = '5b6c7d8e9f10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cooperations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('PENGAJUAN', 'USULAN', name='kind', native_enum=False, length=10), nullable=False),
    sa.Column('mitra_id', sa.Integer(), nullable=False),
    sa.Column('balai_id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('DIAJUKAN', 'PERLU_PERBAIKAN', 'DISETUJUI', 'DITOLAK', 'PELAKSANAAN', 'SELESAI', 'DIBATALKAN', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind = 'USULAN' OR program_id IS NOT NULL", name=op.f('ck_cooperations_application_program')),
    sa.ForeignKeyConstraint(['balai_id'], ['balai.id'], name=op.f('fk_cooperations_balai_id_balai')),
    sa.ForeignKeyConstraint(['mitra_id'], ['mitra.id'], name=op.f('fk_cooperations_mitra_id_mitra')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_cooperations_program_id_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperations'))
    )
    with op.batch_alter_table('cooperations', schema=None) as batch_op:
        batch_op.create_index('ix_cooperations_balai_id_status', ['balai_id', 'status'], unique=False)
        batch_op.create_index('ix_cooperations_mitra_id_status', ['mitra_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperations_program_id'), ['program_id'], unique=False)
        batch_op.create_index('uq_cooperations_live_application', ['mitra_id', 'program_id'], unique=True, sqlite_where=sa.text("kind = 'PENGAJUAN' AND status NOT IN ('DITOLAK', 'DIBATALKAN')"), postgresql_where=sa.text("kind = 'PENGAJUAN' AND status NOT IN ('DITOLAK', 'DIBATALKAN')"))

    op.create_table('progress_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperation_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('percent', sa.Integer(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('percent BETWEEN 0 AND 100', name=op.f('ck_progress_reports_percent_range')),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['users.id'], name=op.f('fk_progress_reports_acknowledged_by_id_users')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_progress_reports_author_id_users')),
    sa.ForeignKeyConstraint(['cooperation_id'], ['cooperations.id'], name=op.f('fk_progress_reports_cooperation_id_cooperations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_reports'))
    )
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_reports_cooperation_id'), ['cooperation_id'], unique=False)

    op.create_table('proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('location', sa.String(length=300), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('activities', sa.Text(), nullable=False),
    sa.Column('duration_months', sa.Integer(), nullable=False),
    sa.Column('value_idr', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_proposals_category_id_categories')),
    sa.ForeignKeyConstraint(['id'], ['cooperations.id'], name=op.f('fk_proposals_id_cooperations')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_proposals_province_code_provinces')),
    sa.ForeignKeyConstraint(['regency_code'], ['regencies.code'], name=op.f('fk_proposals_regency_code_regencies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposals'))
    )
    op.create_table('status_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cooperation_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.Enum('DIAJUKAN', 'PERLU_PERBAIKAN', 'DISETUJUI', 'DITOLAK', 'PELAKSANAAN', 'SELESAI', 'DIBATALKAN', name='status', native_enum=False, length=20), nullable=True),
    sa.Column('to_status', sa.Enum('DIAJUKAN', 'PERLU_PERBAIKAN', 'DISETUJUI', 'DITOLAK', 'PELAKSANAAN', 'SELESAI', 'DIBATALKAN', name='status', native_enum=False, length=20), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=False),
    sa.Column('actor_role', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_status_changes_actor_id_users')),
    sa.ForeignKeyConstraint(['cooperation_id'], ['cooperations.id'], name=op.f('fk_status_changes_cooperation_id_cooperations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_status_changes')),
    sa.UniqueConstraint('cooperation_id', 'sequence', name=op.f('uq_status_changes_cooperation_id'))
    )
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_status_changes_actor_id'), ['actor_id'], unique=False)

    op.create_table('progress_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['progress_reports.id'], name=op.f('fk_progress_photos_report_id_progress_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_photos')),
    sa.UniqueConstraint('name', name=op.f('uq_progress_photos_name'))
    )
    with op.batch_alter_table('progress_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_photos_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('target_id', sa.Integer(), nullable=True))

    with op.batch_alter_table('mitra', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notify_by_email', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('taken_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_programs_taken_by_id_mitra'), 'mitra', ['taken_by_id'], ['id'])



def downgrade():
    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_programs_taken_by_id_mitra'), type_='foreignkey')
        batch_op.drop_column('taken_by_id')

    with op.batch_alter_table('mitra', schema=None) as batch_op:
        batch_op.drop_column('notify_by_email')

    with op.batch_alter_table('form_submissions', schema=None) as batch_op:
        batch_op.drop_column('target_id')

    with op.batch_alter_table('progress_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_photos_report_id'))

    op.drop_table('progress_photos')
    with op.batch_alter_table('status_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_status_changes_actor_id'))

    op.drop_table('status_changes')
    op.drop_table('proposals')
    with op.batch_alter_table('progress_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_reports_cooperation_id'))

    op.drop_table('progress_reports')
    with op.batch_alter_table('cooperations', schema=None) as batch_op:
        batch_op.drop_index('uq_cooperations_live_application', sqlite_where=sa.text("kind = 'PENGAJUAN' AND status NOT IN ('DITOLAK', 'DIBATALKAN')"), postgresql_where=sa.text("kind = 'PENGAJUAN' AND status NOT IN ('DITOLAK', 'DIBATALKAN')"))
        batch_op.drop_index(batch_op.f('ix_cooperations_program_id'))
        batch_op.drop_index('ix_cooperations_mitra_id_status')
        batch_op.drop_index('ix_cooperations_balai_id_status')

    op.drop_table('cooperations')
