"""Oversight's raw statements, written once for both databases (`kernel.sql`): the units'
scores and the lists drafted from them, and who may read a photo (its `{slot}`s filled by
`oversight.scope`)."""

from __future__ import annotations

from collections.abc import Sequence

# One statement scores every unit of a district for a period: the weighted share of points
# its recorded inspections earned, less a penalty per confirmed report about it.
SCORE_UNITS = """
WITH items AS (
    SELECT i.unit_id AS unit_id,
           SUM(ci.weight * r.score * 1.0 / ci.max_score) AS earned,
           SUM(ci.weight) AS weight
    FROM oversight_inspection i
    JOIN oversight_inspection_result r ON r.inspection_id = i.id
    JOIN oversight_checklist_item ci ON ci.id = r.item_id
    WHERE i.district_id = :district AND i.status = 'recorded'
      AND i.inspected_at >= :start AND i.inspected_at < :end
    GROUP BY i.unit_id
), counts AS (
    SELECT unit_id, COUNT(*) AS n, SUM(CASE WHEN passed THEN 0 ELSE 1 END) AS failed
    FROM oversight_inspection
    WHERE district_id = :district AND status = 'recorded'
      AND inspected_at >= :start AND inspected_at < :end
    GROUP BY unit_id
), reports AS (
    SELECT unit_id, COUNT(*) AS n
    FROM oversight_problem_report
    WHERE district_id = :district AND unit_id IS NOT NULL
      AND status IN ('confirmed', 'resolved')
      AND created_at >= :start AND created_at < :end
    GROUP BY unit_id
)
INSERT INTO oversight_unit_score (district_id, unit_id, unit_type, period, score,
    inspections, failed_inspections, confirmed_reports, rules_version_id, computed_at)
SELECT u.district_id, u.id, u.type, :period,
       ROUND(CAST(CASE WHEN items.earned * 100.0 / items.weight
                            - :penalty * COALESCE(reports.n, 0) < 0 THEN 0
                       ELSE items.earned * 100.0 / items.weight
                            - :penalty * COALESCE(reports.n, 0) END AS NUMERIC), 2),
       counts.n, counts.failed, COALESCE(reports.n, 0), :rules_version, :now
FROM items
JOIN oversight_unit u ON u.id = items.unit_id
JOIN counts ON counts.unit_id = items.unit_id
LEFT JOIN reports ON reports.unit_id = items.unit_id
"""

LIST_ENTRIES = """
INSERT INTO oversight_list_entry (list_id, district_id, unit_id, colour, score, reason_category)
SELECT :list, district_id, unit_id,
       CASE WHEN {red} THEN 'red' ELSE 'black' END,
       score,
       CASE WHEN {red} THEN 'high_score'
            WHEN failed_inspections > 0 THEN 'failed_inspection'
            WHEN confirmed_reports > 0 THEN 'confirmed_reports'
            ELSE 'low_score' END
FROM oversight_unit_score
WHERE district_id = :district AND period = :period AND unit_type = :unit_type
  AND ({red} OR CAST(score AS DOUBLE PRECISION) < :black)
"""
# A unit on the red list: its score reaches the mark and it failed no inspection.
RED = "(CAST(score AS DOUBLE PRECISION) >= :red AND failed_inspections = 0)"
CLEAR_SCORES = "DELETE FROM oversight_unit_score WHERE district_id = :district AND period = :period"
SCORED_UNIT_TYPES = (
    "SELECT DISTINCT unit_type FROM oversight_unit_score "
    "WHERE district_id = :district AND period = :period"
)

# A photo is read by its uploader, and by the district's staff who read what it belongs to: a
# report, an inspection's result, a rectification step, an objection or a repair (their photo
# lists), or a row of another domain naming it. Units and evaluators read only their own. One
# statement, `readable_photo_statement`: oversight's own part here, left open for the others;
# `{json_items}` lists the ids of a JSON array (`j.value`).
_READABLE_PHOTO_OWN = """
SELECT p.* FROM oversight_photo p WHERE p.id = :photo AND (p.owner = :owner OR (:staff = 1 AND (
    EXISTS (SELECT 1 FROM oversight_problem_report r, {json_items}(r.photos) j
        WHERE j.value = p.id AND {reports})
    OR EXISTS (SELECT 1 FROM oversight_inspection_result x, {json_items}(x.photos) j
        WHERE j.value = p.id AND {results})
    OR EXISTS (SELECT 1 FROM oversight_task_step s, {json_items}(s.photos) j
        WHERE j.value = p.id AND {steps})
    OR EXISTS (SELECT 1 FROM oversight_objection o, {json_items}(o.photos) j
        WHERE j.value = p.id AND {objections})
    OR EXISTS (SELECT 1 FROM oversight_credit_repair c, {json_items}(c.photos) j
        WHERE j.value = p.id AND {repairs})"""
# A table of another domain whose rows name photos in their `photos` (`scope.photos_named_by`):
# its alias `u<n>`, the staff who read its rows in the slot `{use<n>}`.
PHOTO_NAMED_BY = """
    OR EXISTS (SELECT 1 FROM {table} u{n}, {{json_items}}(u{n}.photos) j
        WHERE j.value = p.id AND {{use{n}}})"""


def readable_photo_statement(named_by: Sequence[str]) -> str:
    """Who reads a photo, with the other domains' tables `named_by`, in order (`{use0}`, …)."""
    others = "".join(PHOTO_NAMED_BY.format(table=table, n=n) for n, table in enumerate(named_by))
    return f"{_READABLE_PHOTO_OWN}{others}\n)))\n"
