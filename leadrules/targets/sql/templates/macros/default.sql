{#- The default SQL of every construct. A dialect file overrides only what differs. -#}

{#- ---- names and literals ---- -#}
{% macro ident(name) %}"{{ name | replace('"', '""') }}"{% endmacro %}
{% macro string(value) %}'{{ value | replace("'", "''") }}'{% endmacro %}
{% macro boolean(value) %}{{ 'TRUE' if value else 'FALSE' }}{% endmacro %}
{% macro timestamp(text) %}TIMESTAMP '{{ text }}'{% endmacro %}
{% macro type_name(type) %}{{ {'number': 'DOUBLE PRECISION', 'text': 'VARCHAR', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP'}[type] }}{% endmacro %}
{#- a 64-bit integer: points, counts and sums -#}
{% macro integer_type() %}BIGINT{% endmacro %}
{% macro cast(expr, type) %}CAST({{ expr }} AS {{ sql.type_name(type) }}){% endmacro %}

{#- ---- time ----
    Every time is compared in one representation per dialect, the same whatever the column's
    type and the session's time zone: `time_value` turns a column (`occurred_at`, a `time`
    attribute) into it, `timestamp` a UTC literal, `now` the engine's clock. By default the
    representation is a timestamp without zone in UTC and a column is used as it is. -#}
{% macro time_value(x, zoned=false) %}{{ x }}{% endmacro %}
{#- the current time as a UTC timestamp without zone -#}
{% macro now() %}CAST(CURRENT_TIMESTAMP AT TIME ZONE 'UTC' AS TIMESTAMP){% endmacro %}
{% macro minus_seconds(ts, seconds) %}({{ ts }} - INTERVAL '{{ seconds }}' SECOND){% endmacro %}
{#- the engine's clock minus a window -#}
{% macro now_minus(seconds) %}{{ sql.minus_seconds(sql.now(), seconds) }}{% endmacro %}
{#- a bound on the raw column, a day wider than the exact test, that a warehouse can prune
    partitions or use an index with: the literal takes the column's type (with or without
    zone: a session zone moves it by at most 14 hours). None by default. -#}
{% macro raw_bound(column, op, text) %}{% endmacro %}
{#- whole days from t to as_of, rounded down -#}
{% macro days_since(t, as_of) %}FLOOR((({{ sql.epoch_us(as_of) }}) - ({{ sql.epoch_us(t) }})) / 86400000000.0){% endmacro %}
{% macro epoch_us(t) %}EXTRACT(EPOCH FROM {{ t }}) * 1000000{% endmacro %}

{#- ---- text ---- -#}
{% macro lower_ascii(x) %}TRANSLATE({{ x }}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'){% endmacro %}
{% macro contains(x, v) %}(STRPOS({{ x }}, {{ v }}) > 0){% endmacro %}
{% macro starts_with(x, v) %}(SUBSTR({{ x }}, 1, LENGTH({{ v }})) = {{ v }}){% endmacro %}
{% macro ends_with(x, v) %}(LENGTH({{ x }}) >= LENGTH({{ v }}) AND SUBSTR({{ x }}, LENGTH({{ x }}) - LENGTH({{ v }}) + 1) = {{ v }}){% endmacro %}
{#- the text after the last `@` (x contains one) -#}
{% macro after_last_at(x) %}REVERSE(SPLIT_PART(REVERSE({{ x }}), '@', 1)){% endmacro %}
{% macro domain(x) %}(CASE WHEN {{ sql.contains(x, "'@'") }} THEN {{ sql.lower_ascii(sql.after_last_at(x)) }} END){% endmacro %}
{% macro empty_to_null(x) %}NULLIF({{ x }}, ''){% endmacro %}
{#- a text column as the language reads it: empty is missing, compared byte for byte -#}
{% macro text_value(x) %}{{ sql.empty_to_null(x) }}{% endmacro %}
{#- a lead key as the language reads it (the SQL target): text compared byte for byte, so an
    integer key 7 joins `7` but not `007` or ` 7` (empty or NULL: a missing key, refused) -#}
{% macro key_value(x) %}{{ sql.cast(x, 'text') }}{% endmacro %}
{#- a number column as the language reads it: the decimal value it shows -#}
{% macro number_value(x) %}{{ x }}{% endmacro %}
{#- a bool column as the language reads it -#}
{% macro bool_value(x) %}{{ x }}{% endmacro %}

{#- ---- refused values (the view lead_score_input_problems) ----
    Each `*_problem` macro gives the reason the interpreter refuses a value, in its words, or
    NULL for a value it reads; an empty macro means the dialect's types leave nothing to refuse.
    NaN ranks above every number in PostgreSQL and DuckDB: outside the double range. -#}
{% macro number_problem(x) %}CASE WHEN NOT ({{ x }} BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308) THEN 'expected a finite number' END{% endmacro %}
{% macro bool_problem(x) %}{% endmacro %}
{% macro time_problem(x) %}{% endmacro %}
{#- the properties column holds no JSON object (a JSON null, a string, a double-encoded object) -#}
{% macro json_object_problem(column, label) %}{% endmacro %}
{% macro json_prop_problem(column, name, type) %}{% endmacro %}

{#- ---- event properties in one JSON column ---- -#}
{% macro json_text(column, name) %}JSON_EXTRACT_SCALAR({{ column }}, '$.{{ name }}'){% endmacro %}
{#- a number or bool property that is `""` is missing, as in data files (not a cast error) -#}
{% macro json_prop(column, name, type) %}
{%- if type == 'text' %}{{ sql.json_text(column, name) }}{% else %}{{ sql.cast(sql.empty_to_null(sql.json_text(column, name)), type) }}{% endif -%}
{% endmacro %}

{#- ---- aggregation and statements ---- -#}
{% macro count_if(cond) %}COUNT(CASE WHEN {{ cond }} THEN 1 END){% endmacro %}
{#- the same, in a GROUP BY with hundreds of counts -#}
{% macro count_if_many(cond) %}{{ sql.count_if(cond) }}{% endmacro %}
{% macro create_view(name, query) %}CREATE OR REPLACE VIEW {{ name }} AS
{{ query }};
{% endmacro %}
{#- statements to run before the views are (re)created: none by default -#}
{% macro prologue(names) %}{% endmacro %}
{% macro epilogue(names) %}{% endmacro %}
