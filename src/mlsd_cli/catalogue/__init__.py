"""The catalogue itself: the model, the field table, the schema, the store (load, save, the one
write transaction), caches and TOML I/O.
"""
