"""Scores: the metrics (numpy), evaluating label maps, evidence files, the rounding rule, and how
far each result's numbers are verified.

This room computes and compares numbers. It never reads record files or writes pages. The label
maps and evidence files it reads come with pull requests and are not trusted: scores.files opens
only regular files, and every size is checked before anything is decoded.
"""
