"""`{{name}}` / `{{env:NAME}}` substitution and request resolution.

OWNER: store helper. Public surface (others code against it):

    find_variables(text) -> list[str]             # names used in a string ("env:X" for env refs), for UI marking
    scope(collection, *, environment=None, overrides={}, captured={}) -> dict[str, str]
        precedence: captured > overrides (--var) > environment > [variables]
    substitute(text, scope, *, request, field) -> str     # raises VariableError(request, field, variable)
    resolve(collection, request, *, environment=None, overrides={}, captured={},
            allowed_paths=(), check_paths=True) -> ResolvedRequest
        merges [defaults]; substitutes every field (url, params, headers, auth, body text/form/parts,
        download path); makes paths absolute against collection.folder and raises PathError when one
        leaves that folder (unless inside one of allowed_paths); JSON bodies are validated (BodyError).
        Raises before anything is sent.
    unresolved(collection, request, **same) -> list[VariableError]   # all problems, for UI flagging
"""
