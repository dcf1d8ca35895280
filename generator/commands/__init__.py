"""The `scaffold` commands, one module per group; `generator.cli` registers them on the app."""
