"""The relationships the 分户 and 并户 forms suggest (domain/kinship.py): what the
register settles (a son's wife is his 配偶, a head's grandchild the son's child by
gender), 其他 where it does not."""

from __future__ import annotations

from gridworker.domain.enums import Gender
from gridworker.domain.enums import Relationship as R
from gridworker.domain.kinship import after_merge, after_split


def test_a_split_suggests_what_the_old_household_settles_and_other_elsewhere() -> None:
    """Proves the suggestions of a split for a son leaving with his family, the head's
    spouse leaving with the children, and relationships that settle nothing."""
    assert after_split(R.child_in_law, R.son) is R.spouse
    assert after_split(R.daughter, R.son) is R.sibling
    assert after_split(R.grandchild, R.son, Gender.female) is R.daughter
    assert after_split(R.grandchild, R.son, Gender.male) is R.son
    assert after_split(R.grandchild, R.son) is R.other  # no gender: not settled
    assert after_split(R.spouse, R.daughter, Gender.female) is R.mother
    assert after_split(R.father, R.son) is R.grandparent
    assert after_split(R.son, R.child_in_law) is R.spouse
    assert after_split(R.son, R.spouse) is R.son
    assert after_split(R.parent_in_law, R.spouse, Gender.female) is R.mother
    assert after_split(R.mother, R.father) is R.spouse
    assert after_split(R.non_relative, R.son) is R.other
    assert after_split(None, R.son) is R.other
    assert after_split(R.sibling, R.other) is R.other


def test_a_merge_follows_the_relationship_chosen_for_the_old_head() -> None:
    """Proves a merge's suggestions: the old head takes the one chosen; the others follow
    it (parents joining a son's household, a son's family joining the parents'), else
    其他."""
    assert after_merge(R.head, R.father) is R.father
    assert after_merge(R.spouse, R.father, Gender.female) is R.mother
    assert after_merge(R.spouse, R.father) is R.other
    assert after_merge(R.son, R.father) is R.sibling
    assert after_merge(R.spouse, R.son) is R.child_in_law
    assert after_merge(R.daughter, R.son) is R.grandchild
    assert after_merge(R.father, R.spouse) is R.parent_in_law
    assert after_merge(R.spouse, R.child_in_law, Gender.male) is R.son
    assert after_merge(R.spouse, R.other) is R.other
    assert after_merge(R.grandchild, R.son) is R.other
