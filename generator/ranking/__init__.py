"""Ranking: the validated results as leaderboard tables, best first, with one tie-break everywhere.

This room orders results and describes each row as plain data. It never writes files or HTML.
"""
