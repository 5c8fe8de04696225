"""The seeder's state and the helpers every part of the demo district uses.

Records are written with ``records.put_record`` in the client's field names and wire
form (enums by code, times as ISO 8601 UTC).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from gridworker.demo_data import GIVEN, SURNAMES
from gridworker.domain import checklists, ids
from gridworker.domain.calendar import WorkCalendar, default_calendar
from gridworker.domain.entities import ENTITY_NAMES, Attachment, Record
from gridworker.domain.enums import Role, SupervisorLevel
from gridworker.domain.wire import wire_value as _wire
from gridworker.server import meta
from gridworker.server.core.config import Settings
from gridworker.server.filestore import final_path, write_file
from gridworker.server.models import FileGrant, Upload
from gridworker.server.records import put_record


@dataclass(frozen=True)
class Actor:
    role: Role
    level: SupervisorLevel | None = None
    department_id: str | None = None


@dataclass
class SeedSummary:
    grids: int = 0
    streets: int = 0
    communities: int = 0
    departments: int = 0
    roles: Counter[str] = field(default_factory=Counter)
    records: Counter[str] = field(default_factory=Counter)
    case_states: Counter[str] = field(default_factory=Counter)
    deadlines: Counter[str] = field(default_factory=Counter)
    files: int = 0

    def lines(self) -> list[str]:
        def show(counter: Counter[str]) -> str:
            return ", ".join(f"{k} {v}" for k, v in sorted(counter.items()))

        return [
            f"{self.streets} streets/towns, {self.communities} communities, {self.grids} grids",
            f"{self.departments} departments; users: {show(self.roles)}",
            f"records: {show(self.records)}",
            f"cases by state: {show(self.case_states)}",
            f"open cases by deadline: {show(self.deadlines)}",
            f"{self.files} attachment files",
        ]


def wire_fields(record: Record) -> dict[str, Any]:
    """A record's fields as a push stores them: wire values, without the envelope."""
    skip = {"id", "grid_code", "version", "deleted"}
    return {
        f.name: _wire(getattr(record, f.name))
        for f in dataclasses.fields(record)
        if f.name not in skip
    }


class Seeder:
    """What the seed builds up as it goes: the clock, the seeded random numbers, who
    works where, and the summary; with the helpers that write and place records."""

    def __init__(
        self, session: Session, settings: Settings, today: date | None, households: int
    ) -> None:
        self.s = session
        self.household_count = households
        self.settings = settings
        self.cal: WorkCalendar = default_calendar()
        if today is None:
            self.now = datetime.now(UTC)
        else:
            self.now = datetime.combine(today, time(10, 30), tzinfo=self.cal.zone).astimezone(UTC)
        self.today = self.now.astimezone(self.cal.zone).date()
        self.rng = random.Random(20261129)
        self.secret = bytes.fromhex(meta.get_id_secret(session))
        self.special_key = meta.get_special_id_secret(session)
        self.summary = SeedSummary()
        self.actors: dict[str, Actor] = {}
        self.worker_of: dict[str, str] = {}
        self.departments: dict[str, str] = {}
        self.centre: dict[str, tuple[float, float]] = {}
        self.place: dict[str, str] = {}  # grid: "萍乡市安源区<street><community>"
        self.households: dict[str, list[tuple[str, str, str]]] = {}  # grid: (id, address, head)
        self.templates = checklists.load_templates()

    def put(
        self,
        record: Record,
        author: str,
        *,
        department_id: str | None = None,
        restricted: bool = False,
    ) -> None:
        entity = ENTITY_NAMES[type(record)]
        # Every record is new and written once: let the inserts pile up and go in batches.
        with self.s.no_autoflush:
            put_record(
                self.s,
                entity=entity,
                id=record.id,
                grid_code=record.grid_code,
                data=wire_fields(record),
                author=author,
                department_id=department_id,
                restricted=restricted,
            )
        self.summary.records[entity] += 1

    def ago(self, days: float, *, hour: int | None = None) -> datetime:
        """A moment ``days`` before now, at ``hour`` local time if given; never after now."""
        moment = self.now - timedelta(days=days)
        if hour is not None:
            local = moment.astimezone(self.cal.zone)
            moment = datetime.combine(local.date(), time(hour), tzinfo=self.cal.zone)
        return min(moment.astimezone(UTC), self.now)

    def working_days_back(self, day: date, n: int) -> date:
        while n > 0:
            day -= timedelta(days=1)
            if self.cal.is_working_day(day):
                n -= 1
        return day

    def spot(self, grid: str) -> tuple[float, float]:
        lon, lat = self.centre[grid]
        return round(lat + self.rng.uniform(-0.0015, 0.0015), 6), round(
            lon + self.rng.uniform(-0.002, 0.002), 6
        )

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(
            self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
        )

    def photo(
        self,
        grid: str,
        owner_entity: str,
        owner_id: str,
        author: str,
        caption: str,
        *,
        department_id: str | None = None,
    ) -> None:
        from PIL import Image, ImageDraw

        shade = self.rng.randrange(256)
        image = Image.new("RGB", (320, 240), (shade, 160, 255 - shade))
        draw = ImageDraw.Draw(image)
        for _ in range(6):
            x, y = self.rng.randrange(280), self.rng.randrange(200)
            draw.rectangle((x, y, x + 40, y + 40), fill=(self.rng.randrange(256), 90, 60))
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=80)
        content = buffer.getvalue()
        sha = hashlib.sha256(content).hexdigest()
        if not final_path(self.settings, sha).is_file():
            write_file(self.settings, sha, iter([content]))
        if self.s.get(FileGrant, (sha, author)) is None:
            # The author "uploaded" it: their attachment record grants it to its readers.
            self.s.add(FileGrant(sha256=sha, username=author, granted_at=self.now))
        if self.s.get(Upload, sha) is None:
            self.s.add(
                Upload(
                    sha256=sha,
                    size=len(content),
                    received=len(content),
                    complete=True,
                    uploaded_by=author,
                    created_at=self.now,
                )
            )
            self.summary.files += 1
        self.put(
            Attachment(
                id=ids.new_id(),
                grid_code=grid,
                owner_entity=owner_entity,
                owner_id=owner_id,
                sha256=sha,
                mime="image/jpeg",
                size=len(content),
                caption=caption,
                is_evidence=True,
                taken_at=self.now - timedelta(hours=1),
            ).validate(),
            author,
            department_id=department_id,
        )
