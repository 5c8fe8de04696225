"""A member's relationship to a new 户主 after 分户 or 并户, as the forms and the CLI
propose it (docs/design.md §12): derived from what the register knows — each person's
relationship to the old 户主 and, where a son or a father depends on it, their gender —
and 其他 wherever that does not settle it. The user may always choose otherwise."""

from __future__ import annotations

from gridworker.domain.enums import Gender, Relationship

R = Relationship
CHILD = frozenset({R.son, R.daughter})
PARENT = frozenset({R.father, R.mother})


def _by_gender(gender: Gender | None, male: Relationship, female: Relationship) -> Relationship:
    if gender is Gender.male:
        return male
    return female if gender is Gender.female else R.other


def after_split(
    member: Relationship | None, new_head: Relationship | None, gender: Gender | None = None
) -> Relationship:
    """`member`'s relationship to the new head of a split, given both people's relationships
    to the old head (`gender`: the member's). The new head's own is 户主."""
    if new_head in CHILD:  # a son or daughter leaves with their family
        if member is R.child_in_law:
            return R.spouse
        if member is R.spouse:  # the old head's spouse: a parent of the new head
            return _by_gender(gender, R.father, R.mother)
        if member in PARENT:
            return R.grandparent
        if member in CHILD:
            return R.sibling
        if member is R.grandchild:
            return _by_gender(gender, R.son, R.daughter)
    if new_head is R.child_in_law:  # the daughter-in-law or son-in-law heads it
        if member in CHILD:
            return R.spouse
        if member is R.grandchild:
            return _by_gender(gender, R.son, R.daughter)
        if member is R.child_in_law:
            return R.other_relative
    if new_head is R.spouse:  # the head's spouse leaves (the head stays)
        if member in CHILD or member in (R.grandchild, R.child_in_law):
            return member
        if member is R.parent_in_law:
            return _by_gender(gender, R.father, R.mother)
    if new_head in PARENT:
        if member in PARENT:
            return R.spouse
        if member is R.sibling:
            return _by_gender(gender, R.son, R.daughter)
    if new_head is R.sibling and member is R.sibling:
        return R.sibling
    if new_head is R.grandchild and member is R.grandchild:
        return R.sibling
    return R.other


def after_merge(
    member: Relationship | None, old_head: Relationship, gender: Gender | None = None
) -> Relationship:
    """`member`'s relationship to the head of the household it joins, given its relationship
    to its old head and the old head's to the new one (`gender`: the member's)."""
    if member is R.head:
        return old_head
    if old_head in CHILD:  # a son's or daughter's household joins the parents'
        if member is R.spouse:
            return R.child_in_law
        if member in CHILD:
            return R.grandchild
        if member in PARENT:  # the old head's parent is the new head's spouse
            return R.spouse
    if old_head is R.spouse:
        if member in CHILD or member in (R.grandchild, R.child_in_law):
            return member
        if member in PARENT:
            return R.parent_in_law
    if old_head in PARENT:  # the parents' household joins a son's or daughter's
        if member is R.spouse:
            return _by_gender(gender, R.father, R.mother)
        if member in CHILD:
            return R.sibling
        if member in PARENT:
            return R.grandparent
    if old_head is R.child_in_law:
        if member is R.spouse:
            return _by_gender(gender, R.son, R.daughter)
        if member in CHILD:
            return R.grandchild
    if old_head is R.sibling:
        if member in PARENT:
            return member
        if member is R.sibling:
            return R.sibling
    return R.other
