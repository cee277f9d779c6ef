"""The campaigns' raw statements, written once for both databases (`kernel.sql`): what a
campaign counts (its contributions), and the rollup's participants and days. Which rows count
fills the `{slot}`s (`campaigns.progress.Counted`: the campaign's district, actions and tags)."""

from __future__ import annotations

from activities.figures import APPROVED

# One row per counted contribution: a verified service record not reversed (its hours in
# tenths), an approved deed, a quiz completed; each with its district, community, resident and
# local day. `{records}`, `{deeds}` and `{quizzes}` say which rows the campaign counts.
CONTRIBUTIONS = f"""
SELECT s.district_id, s.community_id, s.resident_id, s.served_on AS day,
       CAST(ROUND(s.hours * 10) AS BIGINT) AS tenths, 0 AS deeds, 0 AS quizzes
FROM service_record s
WHERE s.kind = 'record' AND s.served_on >= :first AND s.served_on <= :last AND {{records}}
  AND NOT EXISTS (SELECT 1 FROM service_record x WHERE x.reverses_id = s.id)
UNION ALL
SELECT d.district_id, d.community_id, d.resident_id, d.occurred_on, 0, 1, 0
FROM deed d
WHERE d.{APPROVED} AND d.occurred_on >= :first AND d.occurred_on <= :last AND {{deeds}}
UNION ALL
SELECT q.district_id, q.community_id, q.resident_id, q.completed_on, 0, 0, 1
FROM campaign_quiz_completion q
WHERE q.completed_on >= :first AND q.completed_on <= :last AND {{quizzes}}
"""

# Residents who took part and are not yet participants, from their first counted day (their
# community: that of their first contribution's, the lowest on ties).
NEW_PARTICIPANTS = f"""
INSERT INTO campaign_participant
    (campaign_id, district_id, community_id, resident_id, first_day, created_at)
SELECT CAST(:campaign AS VARCHAR(26)), MIN(c.district_id), MIN(c.community_id), c.resident_id,
       MIN(c.day), :now
FROM ({CONTRIBUTIONS}) c
WHERE 1 = 1
GROUP BY c.resident_id
ON CONFLICT (campaign_id, resident_id) DO NOTHING
"""

FORGET_DAYS = "DELETE FROM campaign_day WHERE campaign_id = :campaign"

# Each community's day: residents who took part, of them new, hours in tenths, deeds, quizzes.
DAYS = f"""
INSERT INTO campaign_day (campaign_id, district_id, community_id, day, participants,
                          new_participants, tenths, deeds, quiz_completions)
SELECT CAST(:campaign AS VARCHAR(26)), c.district_id, c.community_id, c.day,
       COUNT(DISTINCT c.resident_id),
       (SELECT COUNT(*) FROM campaign_participant p
        WHERE p.campaign_id = :campaign AND p.community_id = c.community_id
          AND p.first_day = c.day),
       SUM(c.tenths), SUM(c.deeds), SUM(c.quizzes)
FROM ({CONTRIBUTIONS}) c
GROUP BY c.district_id, c.community_id, c.day
"""

# One resident's part: their days, hours in tenths, deeds and quizzes (`{records}` … narrowed
# to them).
OWN_PART = f"""
SELECT COUNT(DISTINCT c.day) AS days, COALESCE(SUM(c.tenths), 0) AS tenths,
       COALESCE(SUM(c.deeds), 0) AS deeds, COALESCE(SUM(c.quizzes), 0) AS quizzes
FROM ({CONTRIBUTIONS}) c
"""

# The rolled-up figures of a campaign's communities, over the period and on `:today`, with the
# participants over the period (`campaign_participant`); `{days}` and `{participants}` are the
# caller's scope on them.
COMMUNITY_FIGURES = """
SELECT m.id AS community_id, m.code, m.name,
       COALESCE(SUM(g.tenths), 0) AS tenths, COALESCE(SUM(g.deeds), 0) AS deeds,
       COALESCE(SUM(g.quiz_completions), 0) AS quizzes,
       COALESCE(SUM(CASE WHEN g.day = :today THEN g.participants ELSE 0 END), 0)
           AS today_participants,
       COALESCE(SUM(CASE WHEN g.day = :today THEN g.tenths ELSE 0 END), 0) AS today_tenths,
       COALESCE(SUM(CASE WHEN g.day = :today THEN g.deeds ELSE 0 END), 0) AS today_deeds,
       COALESCE(SUM(CASE WHEN g.day = :today THEN g.quiz_completions ELSE 0 END), 0)
           AS today_quizzes,
       (SELECT COUNT(*) FROM campaign_participant p
        WHERE p.campaign_id = :campaign AND p.community_id = m.id AND {participants})
           AS participants
FROM community m
LEFT JOIN campaign_day g ON g.community_id = m.id AND g.campaign_id = :campaign AND {days}
WHERE {communities}
GROUP BY m.id, m.code, m.name
"""

# A zone of an event the caller may read (`{events}`), with its event: one statement.
ZONE_OF_EVENT = """
SELECT e.id AS event_id, e.district_id, e.starts_at, e.ends_at, z.id AS zone_id, z.venue, z.name
FROM campaign_event_zone z JOIN campaign_event e ON e.id = z.event_id
WHERE z.id = :zone AND e.id = :event AND {events}
"""

# The check-in, once per resident and event: a second one touches no row.
CHECK_IN = """
INSERT INTO campaign_event_checkin (id, event_id, zone_id, district_id, resident_id, checked_in_at)
VALUES (:id, :event, :zone, :district, :resident, :at)
ON CONFLICT (event_id, resident_id) DO NOTHING
"""
