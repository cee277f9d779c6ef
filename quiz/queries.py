"""The quiz's raw statements; their scope predicates are `{slot}`s `quiz/scope.py` fills."""

from __future__ import annotations

# Per question and community: answers submitted in a period and how many were right.
ANSWERS_BY_QUESTION = """
SELECT a.question_id, a.community_id, COUNT(*) AS answered,
       SUM(CASE WHEN a.is_correct THEN 1 ELSE 0 END) AS correct
FROM quiz_answer a
WHERE {counted} AND a.is_correct IS NOT NULL AND a.shown_at >= :since AND a.shown_at < :until
GROUP BY a.question_id, a.community_id
"""

# What a resident's quiz attempts posted on a local day (the daily cap's fill).
POSTED_ON_DAY = """
SELECT COALESCE(SUM(t.points), 0) AS posted
FROM quiz_attempt t
WHERE t.resident_id = :resident AND t.submitted_at >= :start AND t.submitted_at < :end
"""
