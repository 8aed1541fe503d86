"""A city-scale scenario built in code, shared by the benchmarks.

Deterministic in its seed: a 100x100 generated city (10,000 road nodes), 300 units
across police, fire, EMS, public works and a neighbouring fire department, and 2,000
incidents spread over 24 simulated hours. Every size can be scaled (the metro case:
317x317 nodes, 1,000 units, 10,000 incidents).
"""

import numpy as np

from simulator.scenario import Scenario, parse

KINDS = [
    # incident type, priority, needs, casualties (immediate, delayed, minor), work minutes
    ("medical", 2, {"als": 1}, (0, 1, 0), 10),
    ("traffic_collision", 2, {"patrol": 1, "traffic_control": 1}, (0, 1, 1), 20),
    ("structure_fire", 1, {"fire_suppression": 2, "ladder": 1}, (0, 0, 1), 30),
    ("assault", 2, {"patrol": 2}, (0, 0, 1), 15),
    ("burglary", 3, {"patrol": 1, "investigation": 1}, (0, 0, 0), 25),
    ("infrastructure_failure", 3, {"public_works": 1, "traffic_control": 1}, (0, 0, 0), 40),
    ("shooting", 1, {"patrol": 2}, (1, 0, 0), 20),
]

FLEET = [
    # agency, station count, unit type, capabilities, units
    ("police", 10, "patrol car", ["patrol", "traffic_control"], 90),
    ("police", 10, "detective", ["investigation"], 15),
    ("fire", 12, "engine", ["fire_suppression", "rescue"], 36),
    ("fire", 12, "ladder", ["ladder", "rescue"], 12),
    ("ems", 12, "ALS ambulance", ["als", "bls", "transport"], 70),
    ("public_works", 4, "utility truck", ["public_works", "traffic_control"], 37),
    ("county_fire", 4, "engine", ["fire_suppression", "rescue"], 30),
    ("county_fire", 4, "ladder", ["ladder", "rescue"], 10),
]


# People aboard by unit type: NFPA 1710 staffs engine and ladder companies with four
# (so a structure fire's first alarm of 16 is four or five companies); the rest two.
CREWS = {"engine": 4, "ladder": 4}

FLEET_SIZE = sum(row[4] for row in FLEET)


def fleet(units: int) -> list[tuple[str, int, str, list[str], int]]:
    """FLEET scaled to ``units`` units in all, stations in proportion.

    Each row keeps its share of the fleet (largest remainders get the odd units), so
    the mix of disciplines and units per station stay those of the 300-unit city.
    """
    if units == FLEET_SIZE:
        return FLEET
    scale = units / FLEET_SIZE
    exact = [row[4] * scale for row in FLEET]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(FLEET)), key=lambda i: counts[i] - exact[i])[: units - sum(counts)]:
        counts[i] += 1
    return [
        (agency, max(1, round(stations * scale)), utype, caps, n)
        for (agency, stations, utype, caps, _), n in zip(FLEET, counts, strict=True)
    ]


def city_scenario(
    seed: int = 11, incidents: int = 2000, side: int = 100, hours: int = 24, units: int = 300
) -> Scenario:
    """The benchmark city: ``side`` x ``side`` nodes, ``units`` units, ``incidents`` over a day.

    The default is the 300-unit city; a larger fleet scales every row of FLEET.
    """
    return parse(city_data(seed, incidents, side, hours, units), "bench-city")


def city_data(
    seed: int = 11, incidents: int = 2000, side: int = 100, hours: int = 24, units: int = 300
) -> dict:
    """The benchmark city as a scenario file's data (see ``city_scenario``)."""
    rng = np.random.default_rng(seed)
    block = 150.0
    extent = (side - 1) * block
    agencies = [
        {"id": "police", "name": "Metro Police", "kind": "police", "psap": {"call_takers": 6}},
        {
            "id": "fire",
            "name": "Metro Fire",
            "kind": "fire",
            "mutual_aid": ["county_fire"],
            "psap": {"call_takers": 4},
        },
        {"id": "ems", "name": "Metro EMS", "kind": "ems", "psap": {"call_takers": 4}},
        {"id": "public_works", "name": "Public Works", "kind": "public_works"},
        {"id": "county_fire", "name": "County Fire", "kind": "fire", "jurisdiction": "County"},
    ]
    hospital_count = max(6, round(6 * units / FLEET_SIZE))
    stations, unit_rows = [], []
    for agency, count, utype, caps, n in fleet(units):
        for i in range(count):
            sid = f"{agency}-st{i + 1}"
            if sid not in {s["id"] for s in stations}:
                x, y = rng.uniform(0, extent, 2)
                stations.append({"id": sid, "agency": agency, "location": {"x": x, "y": y}})
        for i in range(n):
            unit_rows.append(
                {
                    "id": f"{agency}-{utype.split()[0][:3]}-{i + 1}",
                    "agency": agency,
                    "type": utype,
                    "capabilities": caps,
                    "station": f"{agency}-st{i % count + 1}",
                    "crew": CREWS.get(utype, 2),
                }
            )
    hospitals = [
        {
            "id": f"H{i + 1}",
            "location": {"x": x, "y": y},
            "beds": {"immediate": 200, "delayed": 400, "minor": 400},
        }
        for i, (x, y) in enumerate(rng.uniform(0, extent, (hospital_count, 2)))
    ]
    duration = hours * 3600
    times = np.sort(rng.uniform(60, duration - 1800, incidents))
    msel = []
    for n, t in enumerate(times):
        kind, priority, needs, (imm, dly, mnr), work = KINDS[int(rng.integers(len(KINDS)))]
        x, y = rng.uniform(0, extent, 2)
        msel.append(
            {
                "seq": n + 1,
                "time": float(round(t)),
                "type": "incident",
                "description": f"{kind} #{n + 1}",
                "incident": {
                    "id": f"I{n + 1}",
                    "location": {"x": x, "y": y},
                    "incident_type": kind,
                    "priority": priority,
                    "requires": needs,
                    "casualties": {"immediate": imm, "delayed": dly, "minor": mnr},
                    "work_minutes": work,
                    "calls": {"count": int(rng.integers(1, 4)), "spread": 90},
                },
            }
        )
    return {
        "metadata": {
            "id": "bench-city",
            "title": "Benchmark city",
            "briefing": "Load test.",
            "duration": duration,
        },
        "map": {
            "kind": "generated",
            "seed": seed,
            "columns": side,
            "rows": side,
            "block_m": block,
            "bridges": 6,
        },
        "agencies": agencies,
        "stations": stations,
        "hospitals": hospitals,
        "units": unit_rows,
        "msel": msel,
    }
