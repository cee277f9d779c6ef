"""Campaigns: a theme run for a period with targets (文明城市我参与), the activities and deeds
tagged to it, its progress per community and day, and event campaigns (文明观赛) with zone
check-in."""
