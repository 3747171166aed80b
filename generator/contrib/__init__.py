"""Contributor tools: scaffolding new records, the link checker, the seed comparison and
`segboard check`, which runs what a pull request must pass.

This room combines the other rooms for contributors. It holds no rule of its own about records.
"""
