"""The workbench's screens, one per module; import them from their modules (kept lazy here so
that importing one screen does not import them all — none is on the start-up path).

- `main`         MainScreen: the workbench's layout and the handlers of its widgets' messages
- `confirm`      ChoiceScreen / ConfirmScreen / PromptScreen: small keyed questions
- `unsaved`      the save / quit / open-another-file prompts, as flows over a `Workspace`
- `request_prompts`  rename / delete a request (from the sidebar)
- `save_body`    where to save the response body
- `help`         every key binding (f1)
- `environment`  pick the environment, previewing its variables (f4)
- `variables`    edit `[variables]` and the environments (f5)
- `history_screen`, `compare_screen`, `cookies_screen`  history (issue 11): browse, compare, cookies

Adding a screen (History, import/export…): a module here with a `ModalScreen` (or `Screen`)
that takes plain values and dismisses with its result — it never imports `tui.app`. Then, in
`tui/app.py`, an `action_NAME` that pushes it (imported inside the action: off the start-up
path) and applies the result to the workspace, a `Binding` in `ReqbenchApp.BINDINGS`, a row in
`tui/commands.py` (the command palette) and one in `help.HELP_SECTIONS`.
"""
