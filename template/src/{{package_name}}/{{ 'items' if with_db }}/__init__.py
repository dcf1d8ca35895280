"""The example resource: items with a unique name. Copy its shape for your own resources.

`models` is the table, `schemas` what the API reads and writes, `repository` the only code that
queries the table; `api/routes/items.py` maps HTTP onto the repository.
"""
