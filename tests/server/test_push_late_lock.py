"""Proves a push that plans before taking the change counter's lock (issue 23, round 4)
answers as if the pushes had run one after the other: what another push commits while
this one plans (a retry of the same device, a restore's new epoch, a colleague's
household under the same 户号) is seen once the lock is taken. PostgreSQL only: on
SQLite a writer holds the database from its BEGIN, so nothing can commit meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gridworker.server import push
from gridworker.server.core.db import transaction
from gridworker.server.epoch import new_epoch
from gridworker.server.models import MutationLog, Record
from tests.server.test_push import Laptop, household

pytestmark = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)


def _meanwhile(monkeypatch: pytest.MonkeyPatch, other: Callable[[], Any]) -> list[Any]:
    """Run `other` (to its commit) when the next push has planned and is about to take
    the counter's lock; its result is the list's one item."""
    real = push.lock_sequence
    done: list[Any] = []
    started = False

    def racing(s: Session) -> int:
        nonlocal started
        if not started:
            started = True
            done.append(other())
        return real(s)

    monkeypatch.setattr(push, "lock_sequence", racing)
    return done


def _count(app: FastAPI, model: Any, *where: Any) -> int:
    with transaction(app.state.sessions, write=False) as s:
        return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_a_retry_committed_while_the_first_push_plans_is_answered_as_a_replay(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves the same body pushed again by the same laptop and committed between the
    first push's plan and its lock is not applied twice: the first push reads the log
    again under the lock and answers the retry's outcomes, one record and one log row
    each."""
    worker = Laptop(client, "worker.a")
    households = [household() for _ in range(3)]
    body = [worker.mutation("create", "household", h["id"], h) for h in households]
    retry = _meanwhile(monkeypatch, lambda: worker.push(*body))
    outcomes = worker.push(*body)
    assert retry and [o["status"] for o in retry[0]] == ["applied"] * 3
    assert outcomes == retry[0]
    assert _count(app, MutationLog) == 3
    assert _count(app, Record, Record.entity == "household") == 3


def test_a_new_epoch_committed_while_a_push_plans_refuses_the_push(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves a restore's new epoch committed between a push's plan and its lock refuses
    that push (epoch_changed, naming the new epoch) and stores nothing of it."""
    worker = Laptop(client, "worker.a")
    first = household()
    reply = worker.send(worker.mutation("create", "household", first["id"], first))
    assert reply.status_code == 200
    old_epoch = reply.json()["epoch"]

    def restore() -> str:
        with transaction(app.state.sessions) as s:
            epoch, _high_water = new_epoch(s)
        return epoch

    restored = _meanwhile(monkeypatch, restore)
    late = household()
    response = worker.send(
        worker.mutation("create", "household", late["id"], late), epoch=old_epoch
    )
    assert response.status_code == 412, response.text
    assert response.json()["code"] == "epoch_changed"
    assert response.json()["epoch"] == restored[0] != old_epoch
    assert _count(app, Record, Record.id == late["id"]) == 0


def test_a_household_committed_while_a_push_plans_is_seen_by_its_natural_key_check(
    app: FastAPI, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Proves two laptops creating a household under the same 户号 in the same grid, the
    second committing while the first plans, leave one live household of that 户号: the
    first is answered as it is when it comes after the second in turn."""
    mine, colleague, third = (Laptop(client, "worker.a") for _ in range(3))
    number = "0201-共同户号"
    ours, theirs, later = (household(household_no=number) for _ in range(3))
    other = _meanwhile(
        monkeypatch,
        lambda: colleague.push(colleague.mutation("create", "household", theirs["id"], theirs)),
    )
    (outcome,) = mine.push(mine.mutation("create", "household", ours["id"], ours))
    assert other and other[0][0]["status"] == "applied"
    (serial,) = third.push(third.mutation("create", "household", later["id"], later))
    assert {k: outcome.get(k) for k in ("status", "code")} == {
        k: serial.get(k) for k in ("status", "code")
    }
    with transaction(app.state.sessions, write=False) as s:
        live = [
            r
            for r in s.scalars(select(Record).where(Record.entity == "household"))
            if r.data.get("household_no") == number and not r.deleted
        ]
    assert len(live) == 1
