"""The demo's dates: whole days from today, at noon where the programme sets its deadlines.

Every milestone of the demo falls on another day than the run's, so it is at least twelve hours
before or after any moment of that run: no seed can straddle a deadline it relies on (entries of
the previous edition are submitted before its call closes, scores are saved inside the scoring
window), whatever the minute, a change of daylight saving time or a 29 February. Days are
counted on the calendar of that time zone, so noon stays noon across a change of offset.
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.utils import timezone

from awards.models import Edition

NOON = datetime.time(12, 0)


@dataclass(frozen=True)
class DemoClock:
    today: datetime.date
    zone: zoneinfo.ZoneInfo

    @classmethod
    def now(cls) -> "DemoClock":
        """Today where the demo's editions keep their time (the editions' default zone)."""
        zone = zoneinfo.ZoneInfo(str(Edition._meta.get_field("timezone").get_default()))
        return cls(today=timezone.now().astimezone(zone).date(), zone=zone)

    @property
    def year(self) -> int:
        return self.today.year

    def noon(self, days: int) -> datetime.datetime:
        """Noon `days` days from today (before it when negative), as an aware instant."""
        if days == 0:
            raise ValueError("A demo date falls on another day than the run's.")
        day = self.today + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, NOON, tzinfo=self.zone).astimezone(datetime.UTC)
