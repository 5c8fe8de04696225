"""A new profile's schema at migration 0021: GENERATED from the migrations by
`python -m gridworker.storage.gen_schema`. Do not edit by hand: add a migration, then run
the generator (scripts/new-migration.sh does both)."""

from __future__ import annotations

# The Alembic revision these statements are the schema of (`migrate.HEAD_REVISION`).
REVISION = "0021"

STATEMENTS: tuple[str, ...] = (
    (
        "CREATE TABLE alembic_version (\n"
        "\tversion_num VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)\n"
        ")"
    ),
    (
        "CREATE TABLE attachment (\n"
        "\towner_entity VARCHAR(32) NOT NULL, \n"
        "\towner_id VARCHAR(36) NOT NULL, \n"
        "\tsha256 VARCHAR(64) NOT NULL, \n"
        "\tmime VARCHAR(64) NOT NULL, \n"
        "\tsize INTEGER NOT NULL, \n"
        "\tcaption VARCHAR(200), \n"
        "\tis_evidence BOOLEAN NOT NULL, \n"
        "\ttaken_at VARCHAR(32), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_attachment PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE building (\n"
        "\testate_name VARCHAR(100) NOT NULL, \n"
        "\tbuilding_no VARCHAR(32) NOT NULL, \n"
        "\thouse_type VARCHAR(32), \n"
        "\tfloors_above INTEGER, \n"
        "\tfloors_below INTEGER, \n"
        "\tunits INTEGER, \n"
        "\tbuilt_area FLOAT, \n"
        "\tbuilt_year INTEGER, \n"
        "\tproperty_company VARCHAR(100), \n"
        "\tproperty_contact VARCHAR(50), \n"
        "\tbuilding_head VARCHAR(50), \n"
        "\tbuilding_head_phone VARCHAR(20), \n"
        "\tlat FLOAT, \n"
        "\tlon FLOAT, \n"
        "\thazard_flag BOOLEAN NOT NULL, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, address VARCHAR(200), unit_heads "
        "VARCHAR(200), \n"
        "\tCONSTRAINT pk_building PRIMARY KEY (id)\n"
        ")"
    ),
    (
        'CREATE TABLE "case" (\n'
        "\ttitle VARCHAR(200) NOT NULL, \n"
        "\tdescription TEXT, \n"
        "\tcategory VARCHAR(32) NOT NULL, \n"
        "\tsubcategory VARCHAR(8), \n"
        "\thotline_type VARCHAR(32), \n"
        "\turgency VARCHAR(32) NOT NULL, \n"
        "\tscale VARCHAR(32), \n"
        "\tsource VARCHAR(32) NOT NULL, \n"
        "\taddress VARCHAR(200), \n"
        "\tlat FLOAT, \n"
        "\tlon FLOAT, \n"
        "\treporter VARCHAR(64) NOT NULL, \n"
        "\tconfidential BOOLEAN NOT NULL, \n"
        "\tstate VARCHAR(32) NOT NULL, \n"
        "\treported_at VARCHAR(32), \n"
        "\tdeadline_at VARCHAR(32), \n"
        "\tdepartment_id VARCHAR(36), \n"
        "\tescalated BOOLEAN NOT NULL, \n"
        "\textension_pending BOOLEAN NOT NULL, \n"
        "\tsuspended_at VARCHAR(32), \n"
        "\tsuspended_seconds INTEGER NOT NULL, \n"
        "\tneed_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, case_no VARCHAR(24), reporter_name "
        "VARCHAR(64), \n"
        "\tCONSTRAINT pk_case PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE case_action (\n"
        "\tcase_id VARCHAR(36) NOT NULL, \n"
        "\taction VARCHAR(32) NOT NULL, \n"
        "\tactor VARCHAR(64) NOT NULL, \n"
        "\tactor_role VARCHAR(32) NOT NULL, \n"
        "\tat VARCHAR(32) NOT NULL, \n"
        "\tnote TEXT, \n"
        "\tdepartment_id VARCHAR(36), \n"
        "\tnew_deadline VARCHAR(32), \n"
        "\tfrom_state VARCHAR(32), \n"
        "\tto_state VARCHAR(32), \n"
        "\trejected BOOLEAN NOT NULL, \n"
        "\treject_code VARCHAR(32), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, actor_name VARCHAR(64), \n"
        "\tCONSTRAINT pk_case_action PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE department (\n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\tcode VARCHAR(32), \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tCONSTRAINT pk_department PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE grid (\n"
        "\tcode VARCHAR(18) NOT NULL, \n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\tcommunity_code VARCHAR(12) NOT NULL, \n"
        "\tgrid_type VARCHAR(32) NOT NULL, \n"
        "\tvalid_from VARCHAR(10), \n"
        "\tvalid_to VARCHAR(10), \n"
        "\tboundary_geojson TEXT, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tCONSTRAINT pk_grid PRIMARY KEY (code)\n"
        ")"
    ),
    (
        "CREATE TABLE hazard_site (\n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\taddress VARCHAR(200), \n"
        "\tbuilding_id VARCHAR(36), \n"
        "\tpremises_type VARCHAR(32), \n"
        "\tdanger_grade VARCHAR(32), \n"
        "\tappraisal VARCHAR(32), \n"
        "\tappraised_on VARCHAR(10), \n"
        "\tresponsible_person VARCHAR(50), \n"
        "\tresponsible_phone VARCHAR(20), \n"
        "\tlat FLOAT, \n"
        "\tlon FLOAT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_hazard_site PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE house (\n"
        "\tbuilding_id VARCHAR(36), \n"
        "\tunit VARCHAR(16), \n"
        "\tfloor VARCHAR(16), \n"
        "\tnumber VARCHAR(32) NOT NULL, \n"
        "\thouse_type VARCHAR(32), \n"
        "\tuse VARCHAR(32), \n"
        "\towner_name VARCHAR(50), \n"
        "\toccupant_name VARCHAR(50), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, area FLOAT, \n"
        "\tCONSTRAINT pk_house PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE household (\n"
        "\thousehold_no VARCHAR(32) NOT NULL, \n"
        "\taddress VARCHAR(200) NOT NULL, \n"
        "\thouse_id VARCHAR(36), \n"
        "\thead_name VARCHAR(50), \n"
        "\teconomic_status VARCHAR(32), \n"
        "\tresidence_type VARCHAR(32), \n"
        "\tphone VARCHAR(20), \n"
        "\tnote TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_household PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE inspection (\n"
        "\tsite_id VARCHAR(36) NOT NULL, \n"
        "\ttemplate_code VARCHAR(64) NOT NULL, \n"
        "\ttemplate_version INTEGER NOT NULL, \n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\tinspector VARCHAR(64) NOT NULL, \n"
        "\tinspected_at VARCHAR(32) NOT NULL, \n"
        "\tresult VARCHAR(32), \n"
        "\tnote TEXT, \n"
        "\trectification_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, inspector_name VARCHAR(64), task_id "
        "VARCHAR(36), \n"
        "\tCONSTRAINT pk_inspection PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE inspection_item (\n"
        "\tinspection_id VARCHAR(36) NOT NULL, \n"
        "\titem_code VARCHAR(64) NOT NULL, \n"
        "\tanswer VARCHAR(32) NOT NULL, \n"
        "\tvalue VARCHAR(100), \n"
        "\tnote TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_inspection_item PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE local_audit (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tat VARCHAR(32) NOT NULL, \n"
        "\tactor VARCHAR(64) NOT NULL, \n"
        "\taction VARCHAR(32) NOT NULL, \n"
        "\tentity VARCHAR(32), \n"
        "\trecord_id VARCHAR(36), \n"
        "\tdetail TEXT, \n"
        "\tCONSTRAINT pk_local_audit PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE need (\n"
        "\tvisit_id VARCHAR(36) NOT NULL, \n"
        "\tcategory VARCHAR(32) NOT NULL, \n"
        "\ttext TEXT NOT NULL, \n"
        "\tsolved_on_spot BOOLEAN NOT NULL, \n"
        "\tfollow_up_date VARCHAR(10), \n"
        "\tcase_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_need PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE outbox (\n"
        "\tmutation_id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, \n"
        "\top VARCHAR(16) NOT NULL, \n"
        "\tentity VARCHAR(32) NOT NULL, \n"
        "\trecord_id VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tbase_version INTEGER NOT NULL, \n"
        "\tschema_version INTEGER NOT NULL, \n"
        "\tpayload TEXT NOT NULL, \n"
        "\told TEXT, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tstatus VARCHAR(16) NOT NULL, \n"
        "\tattempts INTEGER NOT NULL, \n"
        "\tlast_error TEXT\n"
        ", full_state BOOLEAN DEFAULT 0 NOT NULL, bases TEXT, restored_version "
        "INTEGER, seen TEXT)"
    ),
    (
        "CREATE TABLE rectification (\n"
        "\tsite_id VARCHAR(36) NOT NULL, \n"
        "\tinspection_id VARCHAR(36) NOT NULL, \n"
        "\titem_code VARCHAR(64), \n"
        "\tdescription TEXT NOT NULL, \n"
        "\tmeasures TEXT, \n"
        "\tdeadline VARCHAR(10) NOT NULL, \n"
        "\tstatus VARCHAR(32) NOT NULL, \n"
        "\tdone_at VARCHAR(32), \n"
        "\tverified_at VARCHAR(32), \n"
        "\tverified_by VARCHAR(64), \n"
        "\tclosed_at VARCHAR(32), \n"
        "\tclosed_by VARCHAR(64), \n"
        "\tclose_basis VARCHAR(32), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_rectification PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE region (\n"
        "\tcode VARCHAR(12) NOT NULL, \n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\tlevel VARCHAR(32) NOT NULL, \n"
        "\tparent_code VARCHAR(12), \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tCONSTRAINT pk_region PRIMARY KEY (code)\n"
        ")"
    ),
    (
        "CREATE TABLE resident (\n"
        "\thousehold_id VARCHAR(36) NOT NULL, \n"
        "\tname VARCHAR(50) NOT NULL, \n"
        "\tid_number VARCHAR(18), \n"
        "\tgender VARCHAR(32), \n"
        "\tbirth_date VARCHAR(10), \n"
        "\tethnicity VARCHAR(20), \n"
        "\tmarital_status VARCHAR(20), \n"
        "\teducation VARCHAR(20), \n"
        "\toccupation VARCHAR(50), \n"
        "\tphone VARCHAR(20), \n"
        "\trelationship VARCHAR(32), \n"
        "\tdomicile VARCHAR(200), \n"
        "\temergency_contact VARCHAR(50), \n"
        "\temergency_phone VARCHAR(20), \n"
        "\thealth VARCHAR(32), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, other_phone VARCHAR(20), life_status "
        "VARCHAR(32), \n"
        "\tCONSTRAINT pk_resident PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE resident_tag (\n"
        "\tresident_id VARCHAR(36) NOT NULL, \n"
        "\ttag VARCHAR(32) NOT NULL, \n"
        "\tstart_date VARCHAR(10), \n"
        "\tend_date VARCHAR(10), \n"
        "\tvisit_interval_days INTEGER, \n"
        "\tnote TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_resident_tag PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE setting (\n"
        '\t"key" VARCHAR(64) NOT NULL, \n'
        "\tvalue TEXT NOT NULL, \n"
        '\tCONSTRAINT pk_setting PRIMARY KEY ("key")\n'
        ")"
    ),
    (
        "CREATE TABLE visit (\n"
        "\thousehold_id VARCHAR(36) NOT NULL, \n"
        "\tvisitor VARCHAR(64) NOT NULL, \n"
        "\tco_visitor VARCHAR(64), \n"
        "\tvisited_at VARCHAR(32) NOT NULL, \n"
        "\tmode VARCHAR(32) NOT NULL, \n"
        "\tpeople_met VARCHAR(200), \n"
        "\tsituation TEXT, \n"
        "\tlat FLOAT, \n"
        "\tlon FLOAT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, visitor_name VARCHAR(64), task_id "
        "VARCHAR(36), met_resident_ids VARCHAR(1000), \n"
        "\tCONSTRAINT pk_visit PRIMARY KEY (id)\n"
        ")"
    ),
    (
        'CREATE TABLE "conflict" (\n'
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tkind VARCHAR(16) NOT NULL, \n"
        "\tentity VARCHAR(32) NOT NULL, \n"
        "\trecord_id VARCHAR(64) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tstatus VARCHAR(16) NOT NULL, \n"
        "\tfields TEXT NOT NULL, \n"
        "\taction TEXT, \n"
        "\treject_code VARCHAR(64), \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tresolved_by VARCHAR(64), \n"
        "\tresolved_at VARCHAR(32), \n"
        "\tresolution TEXT, \n"
        "\tversion INTEGER NOT NULL, created_by VARCHAR(64), last_error TEXT, \n"
        "\tCONSTRAINT pk_conflict PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE household_search (\n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\thousehold_no VARCHAR(32) NOT NULL, \n"
        "\thousehold_id VARCHAR(36) NOT NULL, \n"
        "\ttext TEXT NOT NULL, \n"
        "\tCONSTRAINT pk_household_search PRIMARY KEY (grid_code, household_no, "
        "household_id)\n"
        ")\n"
        " WITHOUT ROWID\n"
        "\n"
    ),
    (
        'CREATE TABLE "transfer" (\n'
        "\tsha256 VARCHAR(64) NOT NULL, \n"
        "\tdirection VARCHAR(8) NOT NULL, \n"
        "\tsize INTEGER NOT NULL, \n"
        "\tattempts INTEGER NOT NULL, \n"
        "\tlast_error TEXT, \n"
        "\twaits INTEGER DEFAULT 0 NOT NULL, \n"
        "\tlast_try VARCHAR(32), \n"
        "\tnext_try VARCHAR(32), \n"
        "\tCONSTRAINT pk_transfer PRIMARY KEY (sha256, direction)\n"
        ")"
    ),
    (
        "CREATE TABLE adviser_posting (\n"
        "\tadviser_name VARCHAR(50) NOT NULL, \n"
        "\tadviser VARCHAR(64), \n"
        "\torg_id VARCHAR(36), \n"
        "\tsent_by VARCHAR(100), \n"
        "\tphone VARCHAR(20), \n"
        "\tsince VARCHAR(10) NOT NULL, \n"
        "\tuntil VARCHAR(10), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_adviser_posting PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE party_guidance (\n"
        "\tadviser VARCHAR(64) NOT NULL, \n"
        "\theld_at VARCHAR(32) NOT NULL, \n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\ttopic VARCHAR(200) NOT NULL, \n"
        "\torg_id VARCHAR(36), \n"
        "\tattendees INTEGER, \n"
        "\tproblems TEXT, \n"
        "\toutcome TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_party_guidance PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE party_guidance_link (\n"
        "\tguidance_id VARCHAR(36) NOT NULL, \n"
        "\tvisit_id VARCHAR(36), \n"
        "\tcase_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_party_guidance_link PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE party_member (\n"
        "\tname VARCHAR(50) NOT NULL, \n"
        "\twork_unit VARCHAR(100) NOT NULL, \n"
        "\tunit_party_org VARCHAR(100), \n"
        "\treported_on VARCHAR(10) NOT NULL, \n"
        "\tplace VARCHAR(32) NOT NULL, \n"
        "\tphone VARCHAR(20), \n"
        "\tskills VARCHAR(200), \n"
        "\tleft_on VARCHAR(10), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_party_member PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE party_org (\n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\tsecretary VARCHAR(50), \n"
        "\tsecretary_phone VARCHAR(20), \n"
        "\tmembers_count INTEGER NOT NULL, \n"
        "\tother_grids VARCHAR(400), \n"
        "\tfounded_on VARCHAR(10), \n"
        "\tnote TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_party_org PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE party_service (\n"
        "\tmember_id VARCHAR(36) NOT NULL, \n"
        "\tserved_on VARCHAR(10) NOT NULL, \n"
        "\tactivity VARCHAR(200) NOT NULL, \n"
        "\thours FLOAT NOT NULL, \n"
        "\tbeneficiaries INTEGER NOT NULL, \n"
        "\tnote TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_party_service PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE coop_agreement (\n"
        "\tcommunity VARCHAR(100) NOT NULL, \n"
        "\tpartner VARCHAR(100) NOT NULL, \n"
        "\tsigned_on VARCHAR(10) NOT NULL, \n"
        "\tstarts_on VARCHAR(10) NOT NULL, \n"
        "\tends_on VARCHAR(10), \n"
        "\tcontent TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_coop_agreement PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE coop_need (\n"
        "\tsummary VARCHAR(100) NOT NULL, \n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\tlisted_on VARCHAR(10) NOT NULL, \n"
        "\tdetail TEXT, \n"
        "\tbeneficiary VARCHAR(100), \n"
        "\tvisit_need_id VARCHAR(36), \n"
        "\tstatus VARCHAR(32) NOT NULL, \n"
        "\tresource_id VARCHAR(36), \n"
        "\tproject_id VARCHAR(36), \n"
        "\tmember_id VARCHAR(36), \n"
        "\tclaimed_on VARCHAR(10), \n"
        "\tdone_on VARCHAR(10), \n"
        "\toutcome TEXT, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_coop_need PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE coop_project (\n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\tpartners VARCHAR(200) NOT NULL, \n"
        "\tstarts_on VARCHAR(10) NOT NULL, \n"
        "\tends_on VARCHAR(10), \n"
        "\tstatus VARCHAR(32) NOT NULL, \n"
        "\tdescription TEXT, \n"
        "\tagreement_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_coop_project PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE coop_resource (\n"
        "\tpartner VARCHAR(100) NOT NULL, \n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\tdescription VARCHAR(200) NOT NULL, \n"
        "\tlisted_on VARCHAR(10) NOT NULL, \n"
        "\tcontact VARCHAR(50), \n"
        "\tcontact_phone VARCHAR(20), \n"
        "\tagreement_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_coop_resource PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE point_exchange (\n"
        "\tvolunteer_id VARCHAR(36) NOT NULL, \n"
        "\texchanged_on VARCHAR(10) NOT NULL, \n"
        "\titem VARCHAR(100) NOT NULL, \n"
        "\tpoints_spent INTEGER NOT NULL, \n"
        "\tstation_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, overdrawn BOOLEAN DEFAULT 0 NOT NULL, "
        "overdraw_note VARCHAR(200), \n"
        "\tCONSTRAINT pk_point_exchange PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE service_station (\n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\taddress VARCHAR(200), \n"
        "\tservices VARCHAR(200), \n"
        "\tcanteen BOOLEAN NOT NULL, \n"
        "\topening_hours VARCHAR(100), \n"
        "\tmanager VARCHAR(50), \n"
        "\tphone VARCHAR(20), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_service_station PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE volunteer (\n"
        "\tname VARCHAR(50) NOT NULL, \n"
        "\tregistered_on VARCHAR(10) NOT NULL, \n"
        "\tphone VARCHAR(20), \n"
        "\tskills VARCHAR(200), \n"
        "\tresident_id VARCHAR(36), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, points_balance INTEGER, \n"
        "\tCONSTRAINT pk_volunteer PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE volunteer_activity (\n"
        "\tname VARCHAR(100) NOT NULL, \n"
        "\theld_on VARCHAR(10) NOT NULL, \n"
        "\tlength_hours FLOAT NOT NULL, \n"
        "\tstation_id VARCHAR(36), \n"
        "\tpoints_per_hour INTEGER NOT NULL, \n"
        "\tcapacity INTEGER, \n"
        "\tstatus VARCHAR(32) NOT NULL, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_volunteer_activity PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE volunteer_signup (\n"
        "\tactivity_id VARCHAR(36) NOT NULL, \n"
        "\tvolunteer_id VARCHAR(36) NOT NULL, \n"
        "\tsigned_up_on VARCHAR(10) NOT NULL, \n"
        "\tattended BOOLEAN NOT NULL, \n"
        "\thours FLOAT, \n"
        "\tpoints INTEGER NOT NULL, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_volunteer_signup PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE life_event (\n"
        "\thousehold_id VARCHAR(36) NOT NULL, \n"
        "\tresident_id VARCHAR(36), \n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\tevent_date VARCHAR(10) NOT NULL, \n"
        "\tplace VARCHAR(200), \n"
        "\treason VARCHAR(200), \n"
        "\tnote TEXT, \n"
        "\trecorded_by VARCHAR(64) NOT NULL, \n"
        "\trecorder VARCHAR(64) NOT NULL, \n"
        "\trecorded_at VARCHAR(32) NOT NULL, \n"
        "\tprevious_head_id VARCHAR(36), \n"
        "\tundoes_id VARCHAR(36), \n"
        "\tclosed_tags VARCHAR(400), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, other_household_id VARCHAR(36), \n"
        "\tCONSTRAINT pk_life_event PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE task (\n"
        "\ttitle VARCHAR(200) NOT NULL, \n"
        "\tdescription TEXT, \n"
        "\tkind VARCHAR(32) NOT NULL, \n"
        "\tassignee VARCHAR(64), \n"
        "\tdue_date VARCHAR(10) NOT NULL, \n"
        "\ttarget_entity VARCHAR(32), \n"
        "\ttarget_id VARCHAR(36), \n"
        "\tissued_by VARCHAR(64) NOT NULL, \n"
        "\tissued_at VARCHAR(32) NOT NULL, \n"
        "\tstate VARCHAR(32) NOT NULL, \n"
        "\tsigned_by VARCHAR(64), \n"
        "\tsigned_at VARCHAR(32), \n"
        "\tdone_at VARCHAR(32), \n"
        "\tanswer_entity VARCHAR(32), \n"
        "\tanswer_id VARCHAR(36), \n"
        "\treason TEXT, \n"
        "\tremind_count INTEGER NOT NULL, \n"
        "\treminded_at VARCHAR(32), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_task PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE task_action (\n"
        "\ttask_id VARCHAR(36) NOT NULL, \n"
        "\taction VARCHAR(32) NOT NULL, \n"
        "\tactor VARCHAR(64) NOT NULL, \n"
        "\tactor_role VARCHAR(32) NOT NULL, \n"
        "\tat VARCHAR(32) NOT NULL, \n"
        "\tnote TEXT, \n"
        "\tanswer_entity VARCHAR(32), \n"
        "\tanswer_id VARCHAR(36), \n"
        "\tfrom_state VARCHAR(32), \n"
        "\tto_state VARCHAR(32), \n"
        "\trejected BOOLEAN NOT NULL, \n"
        "\treject_code VARCHAR(32), \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_task_action PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE notice (\n"
        "\tpublication_id VARCHAR(36) NOT NULL, \n"
        "\tarea_code VARCHAR(15) NOT NULL, \n"
        "\ttitle VARCHAR(200) NOT NULL, \n"
        "\tbody TEXT NOT NULL, \n"
        "\tmust_read BOOLEAN NOT NULL, \n"
        "\tpublished_by VARCHAR(64) NOT NULL, \n"
        "\tpublished_at VARCHAR(32) NOT NULL, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_notice PRIMARY KEY (id)\n"
        ")"
    ),
    (
        "CREATE TABLE notice_read (\n"
        "\tnotice_id VARCHAR(36) NOT NULL, \n"
        "\treader VARCHAR(64) NOT NULL, \n"
        "\tread_at VARCHAR(32) NOT NULL, \n"
        "\tid VARCHAR(36) NOT NULL, \n"
        "\tgrid_code VARCHAR(18) NOT NULL, \n"
        "\tversion INTEGER NOT NULL, \n"
        "\tdeleted BOOLEAN NOT NULL, \n"
        "\tcreated_at VARCHAR(32) NOT NULL, \n"
        "\tupdated_at VARCHAR(32) NOT NULL, \n"
        "\tCONSTRAINT pk_notice_read PRIMARY KEY (id)\n"
        ")"
    ),
    "CREATE INDEX ix_attachment_grid_code ON attachment (grid_code)",
    "CREATE INDEX ix_attachment_owner_id ON attachment (owner_id)",
    "CREATE INDEX ix_attachment_sha256 ON attachment (sha256)",
    "CREATE INDEX ix_building_grid_code ON building (grid_code)",
    'CREATE INDEX ix_case_category ON "case" (category)',
    'CREATE INDEX ix_case_grid_code ON "case" (grid_code)',
    'CREATE INDEX ix_case_reported_at ON "case" (reported_at)',
    'CREATE INDEX ix_case_state ON "case" (state)',
    "CREATE INDEX ix_case_action_case_id ON case_action (case_id)",
    "CREATE INDEX ix_case_action_grid_code ON case_action (grid_code)",
    "CREATE INDEX ix_grid_community_code ON grid (community_code)",
    "CREATE INDEX ix_hazard_site_grid_code ON hazard_site (grid_code)",
    "CREATE INDEX ix_hazard_site_kind ON hazard_site (kind)",
    "CREATE INDEX ix_house_building_id ON house (building_id)",
    "CREATE INDEX ix_house_grid_code ON house (grid_code)",
    "CREATE INDEX ix_household_grid_code ON household (grid_code)",
    "CREATE INDEX ix_household_grid_no ON household (grid_code, household_no)",
    "CREATE INDEX ix_inspection_grid_code ON inspection (grid_code)",
    "CREATE INDEX ix_inspection_inspected_at ON inspection (inspected_at)",
    "CREATE INDEX ix_inspection_site_id ON inspection (site_id)",
    "CREATE INDEX ix_inspection_item_grid_code ON inspection_item (grid_code)",
    ("CREATE INDEX ix_inspection_item_inspection_id ON inspection_item (inspection_id)"),
    "CREATE INDEX ix_need_grid_code ON need (grid_code)",
    "CREATE INDEX ix_need_visit_id ON need (visit_id)",
    "CREATE INDEX ix_outbox_record ON outbox (entity, record_id)",
    "CREATE INDEX ix_outbox_status ON outbox (status)",
    "CREATE INDEX ix_rectification_deadline ON rectification (deadline)",
    "CREATE INDEX ix_rectification_grid_code ON rectification (grid_code)",
    "CREATE INDEX ix_rectification_site_id ON rectification (site_id)",
    "CREATE INDEX ix_region_parent_code ON region (parent_code)",
    "CREATE INDEX ix_resident_grid_code ON resident (grid_code)",
    "CREATE INDEX ix_resident_household_id ON resident (household_id)",
    "CREATE INDEX ix_resident_name ON resident (name)",
    "CREATE INDEX ix_resident_tag_grid_code ON resident_tag (grid_code)",
    "CREATE INDEX ix_resident_tag_resident_id ON resident_tag (resident_id)",
    "CREATE INDEX ix_resident_tag_tag ON resident_tag (tag)",
    "CREATE INDEX ix_visit_grid_code ON visit (grid_code)",
    "CREATE INDEX ix_visit_household_id ON visit (household_id)",
    "CREATE INDEX ix_visit_visited_at ON visit (visited_at)",
    'CREATE INDEX ix_conflict_record_id ON "conflict" (record_id)',
    'CREATE INDEX ix_conflict_status ON "conflict" (status)',
    "CREATE INDEX ix_adviser_posting_adviser ON adviser_posting (adviser)",
    "CREATE INDEX ix_adviser_posting_grid_code ON adviser_posting (grid_code)",
    ("CREATE INDEX ix_party_guidance_adviser_held ON party_guidance (adviser, held_at)"),
    "CREATE INDEX ix_party_guidance_grid_code ON party_guidance (grid_code)",
    "CREATE INDEX ix_party_guidance_held_at ON party_guidance (held_at)",
    ("CREATE INDEX ix_party_guidance_link_grid_code ON party_guidance_link (grid_code)"),
    ("CREATE INDEX ix_party_guidance_link_guidance_id ON party_guidance_link (guidance_id)"),
    "CREATE INDEX ix_party_member_grid_code ON party_member (grid_code)",
    "CREATE INDEX ix_party_member_grid_name ON party_member (grid_code, name)",
    "CREATE INDEX ix_party_org_grid_code ON party_org (grid_code)",
    "CREATE INDEX ix_party_service_grid_code ON party_service (grid_code)",
    "CREATE INDEX ix_party_service_member_id ON party_service (member_id)",
    "CREATE INDEX ix_party_service_served_on ON party_service (served_on)",
    "CREATE INDEX ix_coop_agreement_grid_code ON coop_agreement (grid_code)",
    "CREATE INDEX ix_coop_need_claimed_on ON coop_need (claimed_on)",
    "CREATE INDEX ix_coop_need_done_on ON coop_need (done_on)",
    "CREATE INDEX ix_coop_need_grid_code ON coop_need (grid_code)",
    "CREATE INDEX ix_coop_need_listed_on ON coop_need (listed_on)",
    "CREATE INDEX ix_coop_project_grid_code ON coop_project (grid_code)",
    "CREATE INDEX ix_coop_resource_grid_code ON coop_resource (grid_code)",
    ("CREATE INDEX ix_point_exchange_exchanged_on ON point_exchange (exchanged_on)"),
    "CREATE INDEX ix_point_exchange_grid_code ON point_exchange (grid_code)",
    ("CREATE INDEX ix_point_exchange_volunteer_id ON point_exchange (volunteer_id)"),
    "CREATE INDEX ix_service_station_grid_code ON service_station (grid_code)",
    "CREATE INDEX ix_volunteer_grid_code ON volunteer (grid_code)",
    ("CREATE INDEX ix_volunteer_activity_grid_code ON volunteer_activity (grid_code)"),
    ("CREATE INDEX ix_volunteer_activity_held_on ON volunteer_activity (held_on)"),
    ("CREATE INDEX ix_volunteer_signup_activity_id ON volunteer_signup (activity_id)"),
    ("CREATE INDEX ix_volunteer_signup_grid_code ON volunteer_signup (grid_code)"),
    ("CREATE INDEX ix_volunteer_signup_volunteer_id ON volunteer_signup (volunteer_id)"),
    "CREATE INDEX ix_life_event_event_date ON life_event (event_date)",
    "CREATE INDEX ix_life_event_grid_code ON life_event (grid_code)",
    "CREATE INDEX ix_life_event_household_id ON life_event (household_id)",
    "CREATE INDEX ix_life_event_resident_id ON life_event (resident_id)",
    'CREATE INDEX ix_case_case_no ON "case" (case_no)',
    "CREATE INDEX ix_task_assignee ON task (assignee)",
    "CREATE INDEX ix_task_due_date ON task (due_date)",
    "CREATE INDEX ix_task_grid_code ON task (grid_code)",
    "CREATE INDEX ix_task_state ON task (state)",
    "CREATE INDEX ix_task_action_grid_code ON task_action (grid_code)",
    "CREATE INDEX ix_task_action_task_id ON task_action (task_id)",
    "CREATE INDEX ix_notice_grid_code ON notice (grid_code)",
    "CREATE INDEX ix_notice_publication_id ON notice (publication_id)",
    "CREATE INDEX ix_notice_published_at ON notice (published_at)",
    "CREATE INDEX ix_notice_read_grid_code ON notice_read (grid_code)",
    "CREATE INDEX ix_notice_read_notice_id ON notice_read (notice_id)",
    "CREATE INDEX ix_notice_read_reader ON notice_read (reader)",
    "CREATE INDEX ix_household_house_id ON household (house_id)",
    (
        "CREATE TRIGGER trg_household_search_insert AFTER INSERT ON household "
        "WHEN NEW.deleted = 0 BEGIN INSERT OR REPLACE INTO household_search "
        "(grid_code, household_no, household_id, text) SELECT NEW.grid_code, "
        "NEW.household_no, NEW.id, lower(NEW.household_no || char(31) || "
        "NEW.address || char(31) || coalesce(NEW.head_name, '') || "
        "coalesce((SELECT char(31) || group_concat(r.name, char(31)) FROM "
        "resident AS r WHERE r.household_id = NEW.id AND r.deleted = 0), '')) "
        "WHERE NEW.deleted = 0; END"
    ),
    (
        "CREATE TRIGGER trg_household_search_update AFTER UPDATE OF grid_code, "
        "household_no, address, head_name, deleted ON household WHEN "
        "OLD.grid_code IS NOT NEW.grid_code OR OLD.household_no IS NOT "
        "NEW.household_no OR OLD.address IS NOT NEW.address OR OLD.head_name IS "
        "NOT NEW.head_name OR OLD.deleted IS NOT NEW.deleted BEGIN DELETE FROM "
        "household_search WHERE grid_code = OLD.grid_code AND household_no = "
        "OLD.household_no AND household_id = OLD.id; INSERT OR REPLACE INTO "
        "household_search (grid_code, household_no, household_id, text) SELECT "
        "NEW.grid_code, NEW.household_no, NEW.id, lower(NEW.household_no || "
        "char(31) || NEW.address || char(31) || coalesce(NEW.head_name, '') || "
        "coalesce((SELECT char(31) || group_concat(r.name, char(31)) FROM "
        "resident AS r WHERE r.household_id = NEW.id AND r.deleted = 0), '')) "
        "WHERE NEW.deleted = 0; END"
    ),
    (
        "CREATE TRIGGER trg_household_search_delete AFTER DELETE ON household "
        "BEGIN DELETE FROM household_search WHERE grid_code = OLD.grid_code AND "
        "household_no = OLD.household_no AND household_id = OLD.id; END"
    ),
    (
        "CREATE TRIGGER trg_household_search_resident_insert AFTER INSERT ON "
        "resident WHEN NEW.deleted = 0 BEGIN UPDATE household_search SET text = "
        "text || char(31) || lower(NEW.name) FROM household AS h WHERE h.id = "
        "NEW.household_id AND household_search.grid_code = h.grid_code AND "
        "household_search.household_no = h.household_no AND "
        "household_search.household_id = h.id; END"
    ),
    (
        "CREATE TRIGGER trg_household_search_resident_update AFTER UPDATE OF "
        "name, deleted, household_id ON resident WHEN OLD.name IS NOT NEW.name "
        "OR OLD.deleted IS NOT NEW.deleted OR OLD.household_id IS NOT "
        "NEW.household_id BEGIN UPDATE household_search SET text = "
        "lower(h.household_no || char(31) || h.address || char(31) || "
        "coalesce(h.head_name, '') || coalesce((SELECT char(31) || "
        "group_concat(r.name, char(31)) FROM resident AS r WHERE r.household_id "
        "= h.id AND r.deleted = 0), '')) FROM household AS h WHERE h.id = "
        "OLD.household_id AND household_search.grid_code = h.grid_code AND "
        "household_search.household_no = h.household_no AND "
        "household_search.household_id = h.id; UPDATE household_search SET text "
        "= lower(h.household_no || char(31) || h.address || char(31) || "
        "coalesce(h.head_name, '') || coalesce((SELECT char(31) || "
        "group_concat(r.name, char(31)) FROM resident AS r WHERE r.household_id "
        "= h.id AND r.deleted = 0), '')) FROM household AS h WHERE "
        "NEW.household_id IS NOT OLD.household_id AND h.id = NEW.household_id "
        "AND household_search.grid_code = h.grid_code AND "
        "household_search.household_no = h.household_no AND "
        "household_search.household_id = h.id; END"
    ),
    (
        "CREATE TRIGGER trg_household_search_resident_delete AFTER DELETE ON "
        "resident WHEN OLD.deleted = 0 BEGIN UPDATE household_search SET text = "
        "lower(h.household_no || char(31) || h.address || char(31) || "
        "coalesce(h.head_name, '') || coalesce((SELECT char(31) || "
        "group_concat(r.name, char(31)) FROM resident AS r WHERE r.household_id "
        "= h.id AND r.deleted = 0), '')) FROM household AS h WHERE h.id = "
        "OLD.household_id AND household_search.grid_code = h.grid_code AND "
        "household_search.household_no = h.household_no AND "
        "household_search.household_id = h.id; END"
    ),
)
