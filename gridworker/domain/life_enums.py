"""Codes of the living register (docs/design.md §12): a resident's standing in the
register and the kinds of life event that change it."""

from __future__ import annotations

from gridworker.domain.enums import LabeledEnum


class ResidentStatus(LabeledEnum):
    """人员状态. None on the record means 在册 (registered and living here)."""

    separated = ("separated", "人户分离", "Lives elsewhere")
    moved_out = ("moved_out", "已迁出", "Moved out")
    died = ("died", "已死亡", "Deceased")

    @property
    def active(self) -> bool:
        """Still in the active register (lists, due visits, exports): 人户分离 is."""
        return self is ResidentStatus.separated


# Statuses that take a person out of the active register (history keeps them).
DEPARTED = (ResidentStatus.moved_out, ResidentStatus.died)


class LifeEventKind(LabeledEnum):
    """人口变动: what happened to a person or a household, kept in its history."""

    birth = ("birth", "出生", "Birth")
    moved_in = ("moved_in", "迁入", "Moved in")
    moved_out = ("moved_out", "迁出", "Moved out")
    died = ("died", "死亡", "Death")
    head_changed = ("head_changed", "户主变更", "Change of head")
    separated = ("separated", "人户分离", "Lives elsewhere")
    death_undone = ("death_undone", "撤销死亡登记", "Death record withdrawn")
    split_off = ("split", "分户", "Household split")
    merged = ("merged", "并户", "Households merged")
