"""Interop: every import and export format (Markdown tables, model-index, Hugging Face cards,
JSON and CSV), behind one shape: read -> mapped entries -> validated writes.

This room translates; what it writes is checked by the records room before it stays.
"""
