"""`leadrules serve`: every lead's score kept live over HTTP (docs/serve.md).

config.py    the TOML file: tokens, limits, sinks (kept as dicts for the delivery side)
service.py   the work, framework-free: validate, store, rescore, history, outbox
actions.py   who runs each action kind; the outbox rows of a tier transition
scheduler.py rescoring leads whose score changes by time alone
app.py       the Starlette application: routes, auth, problem+json
dashboard.py the page for people at `/`
runner.py    uvicorn, signals, the start-up message
"""
