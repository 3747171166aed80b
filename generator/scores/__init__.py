"""Scores: the metrics (numpy), evaluating label maps, evidence files, the rounding rule, and how
far each result's numbers are verified.

This room computes and compares numbers. It never reads record files or writes pages.
"""
