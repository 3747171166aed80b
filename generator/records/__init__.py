"""Records: reading record files with positions, their schemas, the typed model, where records
live and how they are written, the cross-record rules, and validation.

This room knows YAML, JSON Schema and the data/ layout. It never ranks, renders or scores.
"""
