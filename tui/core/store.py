"""Load and save collections as TOML (format: shared/collection-format.md).

OWNER: store helper. Public surface (others code against it):

    load(path) -> Collection                      # raises TomlSyntaxError / SchemaError (file, line, col / request, key)
    loads(text, *, path=None) -> Collection
    dumps(collection) -> str                      # canonical: same model -> same bytes; default values omitted
    save(collection, path=None) -> Path           # atomic (temp in same folder, fsync, os.replace), keeps mode;
                                                  # raises SaveError leaving the old file intact
    fingerprint(path) -> Fingerprint              # to warn "changed on disk since opened"
"""
