"""`leadrules serve`: every lead's score kept live over HTTP (docs/serve.md).

config.py    the TOML file: tokens, limits, sinks (kept as dicts for the delivery side)
service.py   the work, framework-free: one object over the store and the model in service,
             its instant (the wall clock, never going back) and its transactions
writes.py    events, attributes, merges, erasures: validated, stored, rescored in one transaction
scoring.py   rescoring locked leads: score, history, transition, outbox; time and model rescores
reads.py     a lead, its explanation and history, pages of leads, transitions
loaded.py    the model in service: its live plan, action runners, stored values typed for it
instants.py  the clock to the millisecond, ISO text
validate.py  request bodies checked against the model (the file readers' typing)
importer.py  `leadrules import`: files loaded into the store, then rescored
metrics.py   the counters and `/metrics` (Prometheus text)
actions.py   who runs each action kind; the outbox rows of a tier transition
scheduler.py rescoring leads whose score changes by time alone
app.py       the Starlette application: routes, auth, problem+json
dashboard.py the page for people at `/`
runner.py    uvicorn, signals, the start-up message
"""
