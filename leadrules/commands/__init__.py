"""One module per subcommand; each defines `command`. Shared helpers live in `common`."""
