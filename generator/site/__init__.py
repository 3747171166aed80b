"""The site: Markdown pages from templates, charts, the two languages, the MkDocs build, serving.

This room turns ranked leaderboards into a static site. It never changes records.
"""
