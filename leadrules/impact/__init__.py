"""Impact analysis: what a rule change does to the leads (`leadrules diff`) and how well a model
ranks leads that really converted (`leadrules evaluate`).

Everything here works on `LeadResult` lists from `leadrules.engine.run`; the engines are the only
way leads get scored, so the numbers always agree with `leadrules score`.
"""
