"""The regulations quiz (我知晓): a question bank per regulation, the daily and special quizzes,
points under a daily cap, and what residents get wrong (docs/quiz.md)."""
