"""The workbench's widgets, one per module; import them from their modules (kept lazy here so
that importing one widget does not import them all)."""
