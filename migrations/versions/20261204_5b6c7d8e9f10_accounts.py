"""Accounts: users (logins), mitra (companies) and the one-time keys of
accepted forms.

Revision ID: 5b6c7d8e9f10
Revises: 0a1b2c3d4e5f
Create Date: 2026-12-04 05:01:14.828521

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b6c7d8e9f10'
down_revision = '0a1b2c3d4e5f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submissions',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_form_submissions'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('role', sa.Enum('MITRA', 'BALAI', 'PUSAT', name='role', native_enum=False, length=10), nullable=False),
    sa.Column('balai_id', sa.Integer(), nullable=True),
    sa.Column('session_token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['balai_id'], ['balai.id'], name=op.f('fk_users_balai_id_balai')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_balai_id'), ['balai_id'], unique=False)

    op.create_table('mitra',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('business_field_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('logo', sa.String(length=64), nullable=True),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('whatsapp', sa.String(length=20), nullable=False),
    sa.Column('contact_position', sa.String(length=120), nullable=False),
    sa.Column('estimated_value_idr', sa.BigInteger(), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('consented_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['business_field_id'], ['business_fields.id'], name=op.f('fk_mitra_business_field_id_business_fields')),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_mitra_province_code_provinces')),
    sa.ForeignKeyConstraint(['regency_code'], ['regencies.code'], name=op.f('fk_mitra_regency_code_regencies')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mitra_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mitra')),
    sa.UniqueConstraint('user_id', name=op.f('uq_mitra_user_id'))
    )
    with op.batch_alter_table('mitra', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mitra_business_field_id'), ['business_field_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mitra_regency_code'), ['regency_code'], unique=False)



def downgrade():
    with op.batch_alter_table('mitra', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mitra_regency_code'))
        batch_op.drop_index(batch_op.f('ix_mitra_business_field_id'))

    op.drop_table('mitra')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_balai_id'))

    op.drop_table('users')
    op.drop_table('form_submissions')
