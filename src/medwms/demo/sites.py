"""The demo's two warehouses: zones of every kind, and locations on a plausible floor grid.

Floor plan (metres): docks and receiving lanes along y = 0-2, the quarantine cage at
y = 4, storage aisles 4 m apart from x = 12 with bays every 1.5 m from y = 8, the cold
room (with its own quarantine shelf) east of the aisles, rejected and returns cages at
the back (y = 22).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from medwms.demo.catalogue import COLD
from medwms.masterdata.tables import Location, Warehouse, Zone, ZoneKind


@dataclass(frozen=True)
class SiteSpec:
    """A warehouse to build: storage aisles, an optional cold aisle, spots per other zone."""

    code: str
    name: str
    aisles: tuple[str, ...]
    bays: int
    levels: int
    cold_aisle: str | None
    spots: dict[ZoneKind, int]


SITES: tuple[SiteSpec, ...] = (
    SiteSpec("SH1", "上海中心仓 Shanghai central DC", ("A", "B", "C"), 4, 2, "K",
             {ZoneKind.RECEIVING: 2, ZoneKind.QUARANTINE: 4, ZoneKind.REJECTED: 2,
              ZoneKind.RETURNS: 2, ZoneKind.SHIPPING: 3}),
    SiteSpec("BJ1", "北京分仓 Beijing branch", ("A", "B"), 4, 2, None,
             {ZoneKind.RECEIVING: 2, ZoneKind.QUARANTINE: 3, ZoneKind.REJECTED: 2,
              ZoneKind.RETURNS: 2, ZoneKind.SHIPPING: 2}),
)

# zone code, Chinese name, and where its spots lie: first x, y, step along x
SPOT_ZONES: dict[ZoneKind, tuple[str, str, float, float]] = {
    ZoneKind.RECEIVING: ("RCV", "收货区 Receiving", 2.0, 1.0),
    ZoneKind.QUARANTINE: ("QA", "待验区 Quarantine (yellow)", 2.0, 4.0),
    ZoneKind.REJECTED: ("REJ", "不合格品区 Rejected (red)", 2.0, 22.0),
    ZoneKind.RETURNS: ("RTN", "退货区 Returns", 8.0, 22.0),
    ZoneKind.SHIPPING: ("SHP", "发货区 Shipping", 20.0, 1.0),
}
AISLE_X0, AISLE_STEP, BAY_Y0, BAY_STEP, SPOT_STEP = 12.0, 4.0, 8.0, 1.5, 2.5


@dataclass
class Site:
    """A built warehouse: its zones by code and locations by zone code."""

    warehouse: Warehouse
    zones: dict[str, Zone] = field(default_factory=dict)
    locations: dict[str, list[Location]] = field(default_factory=dict)

    def storage(self, cold: bool) -> list[Location]:
        """The storage bins for normal goods, or the cold room's."""
        return self.locations["CLD" if cold else "STG"]

    def quarantine(self, cold: bool) -> list[Location]:
        """The quarantine spots for normal goods, or the cold room's quarantine shelf."""
        return self.locations["CQA" if cold else "QA"]

    @property
    def all_locations(self) -> list[Location]:
        return [loc for locs in self.locations.values() for loc in locs]


def build_sites(session: Session) -> list[Site]:
    """Create both warehouses with zones and locations (flushed, ids assigned)."""
    return [_build_site(session, spec) for spec in SITES]


def _build_site(session: Session, spec: SiteSpec) -> Site:
    warehouse = Warehouse(code=spec.code, name=spec.name, timezone="Asia/Shanghai")
    session.add(warehouse)
    session.flush()
    site = Site(warehouse)
    for kind, count in spec.spots.items():
        _spot_zone(session, site, kind, count)
    sequence = _aisles(session, site, "STG", "常温库 Storage", spec.aisles, spec, 0, None)
    if spec.cold_aisle:
        cold_x = AISLE_X0 + AISLE_STEP * (len(spec.aisles) + 1)
        _aisles(session, site, "CLD", "冷库 2–8 °C Cold room", (spec.cold_aisle,), spec,
                sequence, COLD, first_x=cold_x)
        _cold_quarantine(session, site, cold_x + AISLE_STEP)
    session.flush()
    return site


def _zone(session: Session, site: Site, code: str, name: str, kind: ZoneKind,
          temp: tuple[Decimal | None, Decimal | None] | None = None) -> Zone:
    zone = Zone(warehouse_id=site.warehouse.id, code=code, name=name, kind=kind,
                temp_min=temp[0] if temp else None, temp_max=temp[1] if temp else None)
    session.add(zone)
    session.flush()
    site.zones[code] = zone
    site.locations[code] = []
    return zone


def _location(site: Site, zone: Zone, code: str, x: float, y: float, *, aisle: str = "",
              bay: str = "", level: str = "", pick_seq: int = 0) -> Location:
    full = f"{site.warehouse.code}-{code}"
    location = Location(warehouse_id=site.warehouse.id, zone_id=zone.id, code=full,
                        barcode=f"#L:{full}", aisle=aisle, bay=bay, level=level,
                        x=Decimal(f"{x:.2f}"), y=Decimal(f"{y:.2f}"), pick_seq=pick_seq,
                        blocked=False)
    site.locations[zone.code].append(location)
    return location


def _spot_zone(session: Session, site: Site, kind: ZoneKind, count: int) -> None:
    code, name, x0, y = SPOT_ZONES[kind]
    zone = _zone(session, site, code, name, kind)
    for n in range(1, count + 1):
        session.add(_location(site, zone, f"{code}-{n:02d}", x0 + SPOT_STEP * (n - 1), y))


def _cold_quarantine(session: Session, site: Site, x: float) -> None:
    """Reagents awaiting inspection stay cold: a quarantine shelf inside the cold room."""
    zone = _zone(session, site, "CQA", "冷库待验区 Cold quarantine (yellow)",
                 ZoneKind.QUARANTINE, COLD)
    for n in range(1, 3):
        session.add(_location(site, zone, f"CQA-{n:02d}", x, BAY_Y0 + BAY_STEP * (n - 1)))


def _aisles(session: Session, site: Site, code: str, name: str, aisles: tuple[str, ...],
            spec: SiteSpec, sequence: int, temp: tuple[Decimal, Decimal] | None,
            first_x: float = AISLE_X0) -> int:
    """Bins aisle by aisle in a serpentine walk (up one aisle, down the next)."""
    zone = _zone(session, site, code, name, ZoneKind.STORAGE, temp)
    for index, aisle in enumerate(aisles):
        bays = range(1, spec.bays + 1)
        for bay in (bays if index % 2 == 0 else reversed(bays)):
            for level in range(1, spec.levels + 1):
                sequence += 1
                session.add(_location(
                    site, zone, f"{aisle}{bay:02d}-{level}", first_x + AISLE_STEP * index,
                    BAY_Y0 + BAY_STEP * (bay - 1), aisle=aisle, bay=f"{bay:02d}",
                    level=str(level), pick_seq=sequence))
    return sequence
