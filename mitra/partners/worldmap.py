"""An offline world map: country outlines from world-atlas (Natural Earth 1:110m, TopoJSON) drawn as SVG paths.

No tile server, no CDN, no JavaScript: the server turns the TopoJSON arcs into equirectangular SVG paths once,
keyed by ISO 3166-1 numeric code, and pages shade them.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "countries-110m.json"
WIDTH, HEIGHT = 960, 480
ANTARCTICA = "010"  # left out: no partners there, and it takes a fifth of the map


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # delta-encoded, quantised
            x, y = x + dx, y + dy
            lon, lat = x * sx + tx, y * sy + ty
            points.append(((lon + 180) / 360 * WIDTH, (90 - lat) / 180 * HEIGHT))
        arcs.append(points)
    return arcs


def _ring(arcs: list[list[tuple[float, float]]], indexes: list[int]) -> str:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    # A ring that crosses the antimeridian jumps across the whole map; unwrap it so it runs past the edge
    # instead (the SVG viewport clips it) rather than drawing a stripe across the world.
    unwrapped = points[:1]
    for x, y in points[1:]:
        previous = unwrapped[-1][0]
        while x - previous > WIDTH / 2:
            x -= WIDTH
        while previous - x > WIDTH / 2:
            x += WIDTH
        unwrapped.append((x, y))
    return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in unwrapped) + "Z"


@lru_cache(maxsize=1)
def country_paths() -> dict[str, tuple[str, str]]:
    """{ISO numeric code: (English name, SVG path data)}."""
    topology = json.loads(DATA.read_text())
    arcs = _decode_arcs(topology)
    paths: dict[str, tuple[str, str]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if not code or "arcs" not in geometry or code == ANTARCTICA:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        data = "".join(_ring(arcs, ring) for polygon in polygons for ring in polygon)
        paths[code] = (geometry["properties"].get("name", ""), data)
    return paths


def shade(count: int, maximum: int) -> int:
    """A shade class 0–5 for a count (0 = none)."""
    if count <= 0 or maximum <= 0:
        return 0
    return min(5, 1 + (count - 1) * 5 // max(maximum, 1))
