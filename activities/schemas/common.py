"""Types the request and response models of activities share."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from kernel.geo import Coord, to_stored
from kernel.http import Schema

ActionCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
CommunityRef = Annotated[str, StringConstraints(pattern=r"^([a-z0-9-]+/)?[a-z0-9-]+$")]
Id = Annotated[str, StringConstraints(min_length=1, max_length=26)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
CoordField = Annotated[
    Coord,
    Field(
        description="the system of `lat`/`lng`: `gcj02` (WeChat's and Chinese maps' default) "
        "or `wgs84` (raw GPS); stored and compared as GCJ-02"
    ),
]


class Positioned(Schema):
    """A body with an optional point (`lat`, `lng`, `coord`), turned into GCJ-02 on parsing."""

    lat: float | None
    lng: float | None
    coord: CoordField = "gcj02"

    @model_validator(mode="after")
    def _as_stored(self) -> Any:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("give both lat and lng, or neither")
        if self.coord == "wgs84" and self.lat is not None and self.lng is not None:
            self.lat, self.lng = to_stored(self.lat, self.lng, "wgs84")
            self.coord = "gcj02"
        return self


Hours = Annotated[Decimal, Field(gt=0, le=24, decimal_places=1)]
