"""Full screens of the workbench, one per module; they talk to the app through messages."""
