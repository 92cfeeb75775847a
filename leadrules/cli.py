"""The `leadrules` command: a thin click layer. Each subcommand lives in leadrules/commands/ and
is imported only when it runs, so `leadrules check` never pays for duckdb or jinja2."""

from __future__ import annotations

import importlib
import importlib.util

from leadrules import _startup

_startup.lazy_modules()  # this process is the command's: see leadrules/_startup.py

import click  # noqa: E402

# name -> (module, one-line help); the module defines `command`
COMMANDS = {
    "check": ("leadrules.commands.check", "Parse and check rules files."),
    "fmt": ("leadrules.commands.fmt", "Rewrite rules files in the canonical layout."),
    "test": ("leadrules.commands.test", "Run the test blocks of rules files."),
    "score": ("leadrules.commands.score", "Score every lead of a leads file."),
    "explain": ("leadrules.commands.explain", "Explain one lead's score, rule by rule."),
    "compile": ("leadrules.commands.compile", "Compile a model to SQL, dbt, HubSpot or smoove."),
    "diff": ("leadrules.commands.diff", "Show which leads a rule change moves between tiers."),
    "evaluate": ("leadrules.commands.evaluate", "Evaluate a model against known outcomes."),
    "init": ("leadrules.commands.init", "Write a starter model with data and a test."),
    "debug": ("leadrules.commands.debug", "Print a compiler stage (ast, model) as JSON."),
    "serve": ("leadrules.commands.serve", "Keep every lead's score live over HTTP."),
    "import": ("leadrules.commands.import_", "Load leads and events files into a serve store."),
    "outbox": ("leadrules.commands.outbox", "List and re-queue deliveries of a serve store."),
    "sync": ("leadrules.commands.sync", "Push changed scores to HubSpot, smoove or a webhook."),
    "apply": ("leadrules.commands.apply", "Create or update a model's definitions in HubSpot."),
    "lsp": ("leadrules.commands.lsp", "Run the language server over stdio."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return [name for name, (module, _) in COMMANDS.items() if _available(module)]

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module, _ = COMMANDS[name]
        if not _available(module):
            return None
        return importlib.import_module(module).command

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="leadrules", prog_name="leadrules")
def main():
    """leadrules: lead scoring rules as code. Check, test, score, explain and compile them."""


if __name__ == "__main__":  # pragma: no cover
    main()
