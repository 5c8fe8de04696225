"""Party-building declarations: organizations' grids, who reads and writes each group, and
masks that follow the declaring entity (a member's name masked, a site's name not)."""

from __future__ import annotations

from datetime import date

import pytest

from gridworker.domain.declare import Group, declaration
from gridworker.domain.entities import SYNC_ENTITIES
from gridworker.domain.enums import Role
from gridworker.domain.errors import DomainError
from gridworker.domain.masking import mask_value
from gridworker.domain.permissions import READ_CAPS, WRITE_CAPS, Cap, may, may_read, roles_with
from gridworker.domain.records_party import AdviserPosting, PartyOrg, PartyOrgKind

GRID = "360302001001001"


def test_an_organization_lists_its_other_grids_once_and_in_one_community() -> None:
    """Proves other grids written with Chinese commas, 、 and spaces are normalised to
    comma-separated codes (its own grid and repeats dropped), and a grid of another
    community is refused."""
    org = PartyOrg(
        id="o",
        grid_code=GRID,
        name="党支部",
        kind=PartyOrgKind.branch,
        other_grids=" 360302001001002，360302001001003、360302001001002 360302001001001",
    ).validate()
    assert org.other_grids == "360302001001002,360302001001003"
    assert org.covered_grids() == (GRID, "360302001001002", "360302001001003")
    with pytest.raises(DomainError) as other:
        PartyOrg(
            id="o", grid_code=GRID, name="x", kind="branch", other_grids="360302001002001"
        ).validate()
    assert other.value.code == "party_org_other_community"
    with pytest.raises(DomainError):
        AdviserPosting(
            id="p",
            grid_code=GRID,
            adviser_name="陈明",
            since=date(2026, 5, 1),
            until=date(2026, 4, 1),
        ).validate()


def test_party_records_are_read_and_written_only_by_the_roles_that_see_membership() -> None:
    """Proves the party groups are read by advisers, supervisors and the admin only, every
    role that writes a hidden group also reads it, and the 三单一协议 and volunteer groups are
    read by every role (their writers include grid workers)."""
    for group in (Group.party, Group.party_posting):
        readers = {r for r in Role if may_read(r, group)}
        assert readers == {Role.adviser, Role.supervisor, Role.admin}
        assert set(roles_with(WRITE_CAPS[group])) <= readers
    for group in (Group.coop, Group.volunteer):
        assert group not in READ_CAPS and all(may_read(r, group) for r in Role)
        assert may(Role.grid_worker, WRITE_CAPS[group])
    assert not may(Role.adviser, Cap.station_advisers)
    hidden = {n for n, cls in SYNC_ENTITIES.items() if declaration(cls).group in READ_CAPS}
    assert hidden == {
        "party_org", "adviser_posting", "party_guidance", "party_guidance_link",
        "party_member", "party_service",
    }  # fmt: skip


def test_a_mask_by_field_name_alone_applies_only_where_every_entity_agrees() -> None:
    """Proves a member's name and a secretary are masked as names (张*丰) for their entity,
    while a `name` whose entity is not known is left as written (a hazard site's or a
    station's name is not a person's; before, one masked declaration of `name` masked every
    `name` shown without its entity); phones stay masked by name alone."""
    assert mask_value("party_member", "name", "李红梅") == "李*梅"
    assert mask_value("party_org", "secretary", "王建国") == "王*国"
    assert mask_value("hazard_site", "name", "老王小炒") == "老王小炒"
    assert mask_value(None, "name", "老王小炒") == "老王小炒"
    assert mask_value(None, "phone", "13907990001") == "139****0001"
