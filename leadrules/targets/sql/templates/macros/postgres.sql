{#- PostgreSQL: `->>` for JSON, FILTER for conditional counts, transactional redeploy. -#}
{#- times are compared as seconds since 1970 (numeric, exact to the microsecond): EXTRACT(EPOCH)
    reads a timestamp as UTC and a timestamptz as the instant it is, whatever the session's
    TimeZone -#}
{% macro time_value(x, zoned=false) %}EXTRACT(EPOCH FROM {{ x }}){% endmacro %}
{% macro timestamp(text) %}EXTRACT(EPOCH FROM TIMESTAMP '{{ text }}'){% endmacro %}
{% macro now() %}EXTRACT(EPOCH FROM CURRENT_TIMESTAMP){% endmacro %}
{% macro minus_seconds(ts, seconds) %}({{ ts }} - {{ seconds }}){% endmacro %}
{% macro days_since(t, as_of) %}FLOOR(({{ as_of }} - {{ t }}) / 86400){% endmacro %}
{% macro raw_bound(column, op, text) %}{{ column }} {{ op }} '{{ text }}'{% endmacro %}
{#- any column as text (an enum, an integer, citext), compared byte for byte whatever its
    collation (citext or a case-insensitive collation would make `role == "CEO"` match `ceo`) -#}
{% macro text_value(x) %}NULLIF(CAST({{ x }} AS TEXT) COLLATE "C", ''){% endmacro %}
{#- a `real` (float4) widened to double is not the decimal it shows (0.7 becomes
    0.699999988...): through its text, which is the shortest form that reads back -#}
{% macro number_value(x) %}CASE WHEN PG_TYPEOF({{ x }}) = 'real'::REGTYPE THEN CAST(CAST({{ x }} AS TEXT) AS DOUBLE PRECISION) ELSE {{ x }} END{% endmacro %}
{% macro json_text(column, name) %}({{ column }} ->> '{{ name }}'){% endmacro %}
{% macro count_if(cond) %}COUNT(*) FILTER (WHERE {{ cond }}){% endmacro %}
{#- CREATE OR REPLACE VIEW cannot change a view's columns: drop our own views (never CASCADE) and
    create them again, in one transaction -#}
{% macro prologue(names) %}BEGIN;
DROP VIEW IF EXISTS {{ names | join(', ') }};
{% endmacro %}
{% macro create_view(name, query) %}CREATE VIEW {{ name }} AS
{{ query }};
{% endmacro %}
{% macro epilogue(names) %}COMMIT;
{% endmacro %}
{#- ---- refused values (see default.sql) ---- -#}
{% macro space() %}E' \t\n\r\x0b\f'{% endmacro %}
{% macro number_problem(x) %}CASE WHEN CAST({{ x }} AS DOUBLE PRECISION) IN ('NaN', 'Infinity', '-Infinity') THEN 'expected a finite number' END{% endmacro %}
{#- a timestamp column may hold `infinity` or `-infinity`, which no export reads back as a
    time (and `days_since` would make a number of) -#}
{% macro time_problem(x) %}CASE WHEN NOT isfinite({{ x }}) THEN 'expected an ISO-8601 timestamp' END{% endmacro %}
{% macro json_object_problem(column, label) %}CASE WHEN JSONB_TYPEOF(CAST({{ column }} AS JSONB)) <> 'object' THEN {{ sql.string('expected a JSON object in column `' ~ label ~ '`') }} END{% endmacro %}
{#- whether a NUMERIC is so small that the nearest double is 0 (at most half the smallest
    subnormal, 2^-1075, exactly): the readers read 0 there, where PostgreSQL's cast to double
    precision fails the whole view ("out of range"); the exact test only for the tiny ones -#}
{% macro underflows(n) %}(ABS({{ n }}) < 1e-300 AND ABS({{ n }}) * POWER(CAST(2 AS NUMERIC), 1075) <= 1){% endmacro %}
{#- whether text in the one timestamp form (`TIME_FORM`: digits in place, month 01-12, day 01-31)
    names a day that exists: a cast of `2026-02-30` would fail the whole view -#}
{% macro date_exists(s) %}(CAST(SUBSTR({{ s }}, 9, 2) AS INTEGER) <= EXTRACT(DAY FROM MAKE_DATE(CAST(SUBSTR({{ s }}, 1, 4) AS INTEGER), CAST(SUBSTR({{ s }}, 6, 2) AS INTEGER), 1) + INTERVAL '1 month - 1 day')){% endmacro %}
{#- a property in a JSON object, read as the file readers read a JSON value of it (duckdb.sql).
    CASE, not AND, guards each cast: PostgreSQL may evaluate either side of an AND first -#}
{% macro json_prop(column, name, type) %}
{%- set j %}CAST({{ column }} -> '{{ name }}' AS JSONB){% endset -%}
{%- set kind %}JSONB_TYPEOF({{ j }}){% endset -%}
{%- set t %}({{ j }} #>> '{}'){% endset -%}
{%- set n %}CAST({{ t }} AS NUMERIC){% endset -%}
{%- set s %}BTRIM({{ t }}, {{ sql.space() }}){% endset -%}
{%- if type == 'number' -%}
CASE {{ kind }} WHEN 'number' THEN CASE WHEN ABS({{ n }}) > 1.7976931348623157e308 THEN NULL WHEN {{ sql.underflows(n) }} THEN 0 ELSE CAST({{ t }} AS DOUBLE PRECISION) END WHEN 'string' THEN CASE WHEN {{ t }} ~ '^{{ SPACE_RE }}{{ NUMBER_FORM }}{{ SPACE_RE }}$' THEN CASE WHEN ABS(CAST({{ s }} AS NUMERIC)) > 1.7976931348623157e308 THEN NULL WHEN {{ sql.underflows('CAST(' ~ s ~ ' AS NUMERIC)') }} THEN 0 ELSE CAST({{ s }} AS DOUBLE PRECISION) END END END
{%- elif type == 'bool' -%}
CASE {{ kind }} WHEN 'boolean' THEN CAST({{ t }} AS BOOLEAN) WHEN 'string' THEN CASE LOWER({{ s }}) WHEN 'true' THEN TRUE WHEN 'yes' THEN TRUE WHEN '1' THEN TRUE WHEN 'false' THEN FALSE WHEN 'no' THEN FALSE WHEN '0' THEN FALSE END WHEN 'number' THEN CASE {{ n }} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END END
{%- elif type == 'text' -%}
CASE {{ kind }} WHEN 'string' THEN {{ t }} WHEN 'number' THEN CASE WHEN ABS({{ n }}) >= 9007199254740992 AND CAST({{ column }} -> '{{ name }}' AS TEXT) ~ '[.eE]' THEN NULL WHEN {{ n }} = TRUNC({{ n }}) OR {{ sql.underflows(n) }} THEN CAST(TRUNC({{ n }}) AS TEXT) ELSE CAST(CAST({{ t }} AS DOUBLE PRECISION) AS TEXT) END END
{%- else -%}
{#- a time: with a zone, that instant; without one, UTC (not the session's TimeZone); digits
    beyond the microsecond cut, as the readers cut them (PostgreSQL's cast would round them) -#}
{%- set us %}REGEXP_REPLACE({{ s }}, '(\.[0-9]{6})[0-9]+', '\1'){% endset -%}
CASE WHEN {{ kind }} = 'string' AND {{ t }} ~ '^{{ SPACE_RE }}{{ TIME_FORM }}{{ SPACE_RE }}$' THEN CASE WHEN NOT {{ sql.date_exists(s) }} THEN NULL WHEN {{ s }} ~ ':[0-9][0-9](\.[0-9]+)?(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$' THEN CAST({{ us }} AS TIMESTAMPTZ) ELSE CAST({{ us }} AS TIMESTAMP) AT TIME ZONE 'UTC' END END
{%- endif -%}
{% endmacro %}
{% macro json_prop_problem(column, name, type) %}
{%- set j %}CAST({{ column }} -> '{{ name }}' AS JSONB){% endset -%}
{%- set kind %}JSONB_TYPEOF({{ j }}){% endset -%}
{%- set t %}({{ j }} #>> '{}'){% endset -%}
{%- set s %}BTRIM({{ t }}, {{ sql.space() }}){% endset -%}
{%- if type == 'number' -%}
CASE {{ kind }} WHEN 'boolean' THEN 'expected a number, got a bool' WHEN 'object' THEN 'expected a number, got dict' WHEN 'array' THEN 'expected a number, got list' WHEN 'string' THEN CASE WHEN {{ s }} = '' THEN NULL WHEN NOT {{ t }} ~ '^{{ SPACE_RE }}{{ NUMBER_FORM }}{{ SPACE_RE }}$' THEN 'expected a number' WHEN ABS(CAST({{ s }} AS NUMERIC)) > 1.7976931348623157e308 THEN 'expected a number within the double range (about 1.8e308)' END WHEN 'number' THEN CASE WHEN ABS(CAST({{ t }} AS NUMERIC)) > 1.7976931348623157e308 THEN 'expected a finite number' END END
{%- elif type == 'bool' -%}
CASE WHEN {{ kind }} IN ('object', 'array') THEN 'expected a bool (true/false, yes/no, 1/0)' WHEN {{ kind }} IN ('number', 'string') THEN CASE WHEN {{ sql.json_prop(column, name, type) }} IS NULL AND {{ s }} <> '' THEN 'expected a bool (true/false, yes/no, 1/0)' END END
{%- elif type == 'text' -%}
CASE {{ kind }} WHEN 'boolean' THEN 'expected text, got a bool' WHEN 'object' THEN 'expected text, got dict' WHEN 'array' THEN 'expected text, got list' WHEN 'number' THEN CASE WHEN {{ sql.json_prop(column, name, type) }} IS NULL THEN {{ sql.string(BIG_TEXT) }} END END
{%- elif type == 'time' -%}
CASE WHEN {{ kind }} IN ('number', 'boolean', 'object', 'array') OR ({{ kind }} = 'string' AND {{ s }} <> '' AND NOT {{ t }} ~ '^{{ SPACE_RE }}{{ TIME_FORM }}{{ SPACE_RE }}$') THEN 'expected an ISO-8601 timestamp' WHEN {{ kind }} = 'string' AND {{ s }} <> '' THEN CASE WHEN NOT {{ sql.date_exists(s) }} THEN 'expected an ISO-8601 timestamp of a date that exists' END END
{%- endif -%}
{% endmacro %}
{#- a key as text: `text` equality is byte for byte in every deterministic collation, and a
    plain cast keeps the column's statistics for the planner (NULLIF or COLLATE would not) -#}
{% macro key_value(x) %}CAST({{ x }} AS TEXT){% endmacro %}
