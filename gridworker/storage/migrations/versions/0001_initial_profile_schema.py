"""initial profile schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('attachment',
    sa.Column('owner_entity', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.String(length=36), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('mime', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=200), nullable=True),
    sa.Column('is_evidence', sa.Boolean(), nullable=False),
    sa.Column('taken_at', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('building',
    sa.Column('estate_name', sa.String(length=100), nullable=False),
    sa.Column('building_no', sa.String(length=32), nullable=False),
    sa.Column('house_type', sa.String(length=32), nullable=True),
    sa.Column('floors_above', sa.Integer(), nullable=True),
    sa.Column('floors_below', sa.Integer(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=True),
    sa.Column('built_area', sa.Float(), nullable=True),
    sa.Column('built_year', sa.Integer(), nullable=True),
    sa.Column('property_company', sa.String(length=100), nullable=True),
    sa.Column('property_contact', sa.String(length=50), nullable=True),
    sa.Column('building_head', sa.String(length=50), nullable=True),
    sa.Column('building_head_phone', sa.String(length=20), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('hazard_flag', sa.Boolean(), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_building'))
    )
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_building_grid_code'), ['grid_code'], unique=False)

    op.create_table('case',
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('subcategory', sa.String(length=8), nullable=True),
    sa.Column('hotline_type', sa.String(length=32), nullable=True),
    sa.Column('urgency', sa.String(length=32), nullable=False),
    sa.Column('scale', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('reporter', sa.String(length=64), nullable=False),
    sa.Column('confidential', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('reported_at', sa.String(length=32), nullable=True),
    sa.Column('deadline_at', sa.String(length=32), nullable=True),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('escalated', sa.Boolean(), nullable=False),
    sa.Column('extension_pending', sa.Boolean(), nullable=False),
    sa.Column('suspended_at', sa.String(length=32), nullable=True),
    sa.Column('suspended_seconds', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_reported_at'), ['reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_state'), ['state'], unique=False)

    op.create_table('case_action',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('actor_role', sa.String(length=32), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('department_id', sa.String(length=36), nullable=True),
    sa.Column('new_deadline', sa.String(length=32), nullable=True),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=True),
    sa.Column('rejected', sa.Boolean(), nullable=False),
    sa.Column('reject_code', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_action'))
    )
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_action_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_action_grid_code'), ['grid_code'], unique=False)

    op.create_table('department',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_department'))
    )
    op.create_table('grid',
    sa.Column('code', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('community_code', sa.String(length=12), nullable=False),
    sa.Column('grid_type', sa.String(length=32), nullable=False),
    sa.Column('valid_from', sa.String(length=10), nullable=True),
    sa.Column('valid_to', sa.String(length=10), nullable=True),
    sa.Column('boundary_geojson', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_grid'))
    )
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grid_community_code'), ['community_code'], unique=False)

    op.create_table('hazard_site',
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('building_id', sa.String(length=36), nullable=True),
    sa.Column('premises_type', sa.String(length=32), nullable=True),
    sa.Column('danger_grade', sa.String(length=32), nullable=True),
    sa.Column('appraisal', sa.String(length=32), nullable=True),
    sa.Column('appraised_on', sa.String(length=10), nullable=True),
    sa.Column('responsible_person', sa.String(length=50), nullable=True),
    sa.Column('responsible_phone', sa.String(length=20), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hazard_site'))
    )
    with op.batch_alter_table('hazard_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_site_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_hazard_site_kind'), ['kind'], unique=False)

    op.create_table('house',
    sa.Column('building_id', sa.String(length=36), nullable=True),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('floor', sa.String(length=16), nullable=True),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('house_type', sa.String(length=32), nullable=True),
    sa.Column('use', sa.String(length=32), nullable=True),
    sa.Column('owner_name', sa.String(length=50), nullable=True),
    sa.Column('occupant_name', sa.String(length=50), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_house'))
    )
    with op.batch_alter_table('house', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_house_building_id'), ['building_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_house_grid_code'), ['grid_code'], unique=False)

    op.create_table('household',
    sa.Column('household_no', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('house_id', sa.String(length=36), nullable=True),
    sa.Column('head_name', sa.String(length=50), nullable=True),
    sa.Column('economic_status', sa.String(length=32), nullable=True),
    sa.Column('residence_type', sa.String(length=32), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index('ix_household_grid_no', ['grid_code', 'household_no'], unique=False)

    op.create_table('inspection',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('template_code', sa.String(length=64), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('inspector', sa.String(length=64), nullable=False),
    sa.Column('inspected_at', sa.String(length=32), nullable=False),
    sa.Column('result', sa.String(length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('rectification_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection'))
    )
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_inspected_at'), ['inspected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_site_id'), ['site_id'], unique=False)

    op.create_table('inspection_item',
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=False),
    sa.Column('answer', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=100), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_item'))
    )
    with op.batch_alter_table('inspection_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_item_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_inspection_item_inspection_id'), ['inspection_id'], unique=False)

    op.create_table('local_audit',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=True),
    sa.Column('record_id', sa.String(length=36), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_local_audit'))
    )
    op.create_table('need',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('solved_on_spot', sa.Boolean(), nullable=False),
    sa.Column('follow_up_date', sa.String(length=10), nullable=True),
    sa.Column('case_id', sa.String(length=36), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need'))
    )
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_visit_id'), ['visit_id'], unique=False)

    op.create_table('outbox',
    sa.Column('mutation_id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('op', sa.String(length=16), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('schema_version', sa.Integer(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('old', sa.Text(), nullable=True),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('mutation_id', name=op.f('pk_outbox')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_record', ['entity', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_status'), ['status'], unique=False)

    op.create_table('rectification',
    sa.Column('site_id', sa.String(length=36), nullable=False),
    sa.Column('inspection_id', sa.String(length=36), nullable=False),
    sa.Column('item_code', sa.String(length=64), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('measures', sa.Text(), nullable=True),
    sa.Column('deadline', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('done_at', sa.String(length=32), nullable=True),
    sa.Column('verified_at', sa.String(length=32), nullable=True),
    sa.Column('verified_by', sa.String(length=64), nullable=True),
    sa.Column('closed_at', sa.String(length=32), nullable=True),
    sa.Column('closed_by', sa.String(length=64), nullable=True),
    sa.Column('close_basis', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rectification'))
    )
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rectification_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_rectification_site_id'), ['site_id'], unique=False)

    op.create_table('region',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('parent_code', sa.String(length=12), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_region_parent_code'), ['parent_code'], unique=False)

    op.create_table('resident',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('gender', sa.String(length=32), nullable=True),
    sa.Column('birth_date', sa.String(length=10), nullable=True),
    sa.Column('ethnicity', sa.String(length=20), nullable=True),
    sa.Column('marital_status', sa.String(length=20), nullable=True),
    sa.Column('education', sa.String(length=20), nullable=True),
    sa.Column('occupation', sa.String(length=50), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('relationship', sa.String(length=32), nullable=True),
    sa.Column('domicile', sa.String(length=200), nullable=True),
    sa.Column('emergency_contact', sa.String(length=50), nullable=True),
    sa.Column('emergency_phone', sa.String(length=20), nullable=True),
    sa.Column('health', sa.String(length=32), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident'))
    )
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_resident_name', ['name'], unique=False)

    op.create_table('resident_tag',
    sa.Column('resident_id', sa.String(length=36), nullable=False),
    sa.Column('tag', sa.String(length=32), nullable=False),
    sa.Column('start_date', sa.String(length=10), nullable=True),
    sa.Column('end_date', sa.String(length=10), nullable=True),
    sa.Column('visit_interval_days', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_resident_tag'))
    )
    with op.batch_alter_table('resident_tag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_resident_tag_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_tag_resident_id'), ['resident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_tag_tag'), ['tag'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('visit',
    sa.Column('household_id', sa.String(length=36), nullable=False),
    sa.Column('visitor', sa.String(length=64), nullable=False),
    sa.Column('co_visitor', sa.String(length=64), nullable=True),
    sa.Column('visited_at', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=32), nullable=False),
    sa.Column('people_met', sa.String(length=200), nullable=True),
    sa.Column('situation', sa.Text(), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('grid_code', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_grid_code'), ['grid_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_visited_at'), ['visited_at'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_visited_at'))
        batch_op.drop_index(batch_op.f('ix_visit_household_id'))
        batch_op.drop_index(batch_op.f('ix_visit_grid_code'))

    op.drop_table('visit')
    op.drop_table('setting')
    with op.batch_alter_table('resident_tag', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_tag_tag'))
        batch_op.drop_index(batch_op.f('ix_resident_tag_resident_id'))
        batch_op.drop_index(batch_op.f('ix_resident_tag_grid_code'))

    op.drop_table('resident_tag')
    with op.batch_alter_table('resident', schema=None) as batch_op:
        batch_op.drop_index('ix_resident_name')
        batch_op.drop_index(batch_op.f('ix_resident_household_id'))
        batch_op.drop_index(batch_op.f('ix_resident_grid_code'))

    op.drop_table('resident')
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_region_parent_code'))

    op.drop_table('region')
    with op.batch_alter_table('rectification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rectification_site_id'))
        batch_op.drop_index(batch_op.f('ix_rectification_grid_code'))
        batch_op.drop_index(batch_op.f('ix_rectification_deadline'))

    op.drop_table('rectification')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_status'))
        batch_op.drop_index('ix_outbox_record')

    op.drop_table('outbox')
    with op.batch_alter_table('need', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_visit_id'))
        batch_op.drop_index(batch_op.f('ix_need_grid_code'))

    op.drop_table('need')
    op.drop_table('local_audit')
    with op.batch_alter_table('inspection_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_item_inspection_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_item_grid_code'))

    op.drop_table('inspection_item')
    with op.batch_alter_table('inspection', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_site_id'))
        batch_op.drop_index(batch_op.f('ix_inspection_inspected_at'))
        batch_op.drop_index(batch_op.f('ix_inspection_grid_code'))

    op.drop_table('inspection')
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index('ix_household_grid_no')
        batch_op.drop_index(batch_op.f('ix_household_grid_code'))

    op.drop_table('household')
    with op.batch_alter_table('house', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_house_grid_code'))
        batch_op.drop_index(batch_op.f('ix_house_building_id'))

    op.drop_table('house')
    with op.batch_alter_table('hazard_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_site_kind'))
        batch_op.drop_index(batch_op.f('ix_hazard_site_grid_code'))

    op.drop_table('hazard_site')
    with op.batch_alter_table('grid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grid_community_code'))

    op.drop_table('grid')
    op.drop_table('department')
    with op.batch_alter_table('case_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_action_grid_code'))
        batch_op.drop_index(batch_op.f('ix_case_action_case_id'))

    op.drop_table('case_action')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_state'))
        batch_op.drop_index(batch_op.f('ix_case_reported_at'))
        batch_op.drop_index(batch_op.f('ix_case_grid_code'))
        batch_op.drop_index(batch_op.f('ix_case_category'))

    op.drop_table('case')
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_building_grid_code'))

    op.drop_table('building')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index(batch_op.f('ix_attachment_owner_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_grid_code'))

    op.drop_table('attachment')
    
