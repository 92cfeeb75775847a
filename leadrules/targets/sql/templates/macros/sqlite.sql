{#- SQLite: no timestamp type, no REVERSE; LIKE ignores case, so it is never used. -#}
{#- times are ISO-8601 text (`T` or a space, `Z`, an offset or none meaning UTC, any fraction),
    compared as JULIANDAY numbers: whole milliseconds, whatever the text's form -#}
{#- JULIANDAY takes offsets as ±HH:MM only: `+0300` and `+03` (after a clock) are rewritten -#}
{% macro iso_time(t) %}CASE WHEN {{ t }} GLOB '*:*[0-9][+-][0-9][0-9][0-9][0-9]' THEN SUBSTR({{ t }}, 1, LENGTH({{ t }}) - 2) || ':' || SUBSTR({{ t }}, -2) WHEN {{ t }} GLOB '*:*[0-9][+-][0-9][0-9]' THEN {{ t }} || ':00' ELSE {{ t }} END{% endmacro %}
{% macro time_value(x, zoned=false) %}JULIANDAY(CASE WHEN TYPEOF({{ x }}) = 'text' THEN {{ sql.iso_time(sql.trimmed(x)) }} END){% endmacro %}
{% macro timestamp(text) %}JULIANDAY('{{ text }}'){% endmacro %}
{% macro type_name(type) %}{{ {'number': 'REAL', 'text': 'TEXT', 'bool': 'INTEGER', 'time': 'TEXT'}[type] }}{% endmacro %}
{% macro integer_type() %}INTEGER{% endmacro %}
{#- any value as text (a number the shell stored in a TEXT column); NULLIF's result compares
    byte for byte (BINARY) whatever the column's collation -#}
{% macro text_value(x) %}NULLIF(CAST({{ x }} AS TEXT), ''){% endmacro %}
{% macro now() %}JULIANDAY('now'){% endmacro %}
{% macro now_minus(seconds) %}JULIANDAY('now', '-{{ seconds }} seconds'){% endmacro %}
{#- a JULIANDAY number holds whole milliseconds: back to them, then a floor division in integers -#}
{% macro epoch_ms(t) %}CAST(ROUND({{ t }} * 86400000) AS INTEGER){% endmacro %}
{% macro days_since(t, as_of) %}{% set d %}({{ sql.epoch_ms(as_of) }} - {{ sql.epoch_ms(t) }}){% endset -%}
({{ d }} / 86400000 - ({{ d }} % 86400000 < 0)){% endmacro %}
{#- SQLite's own LOWER folds ASCII letters only (unless the ICU extension is loaded) -#}
{% macro lower_ascii(x) %}LOWER({{ x }}){% endmacro %}
{% macro contains(x, v) %}(INSTR({{ x }}, {{ v }}) > 0){% endmacro %}
{#- RTRIM with every character but `@` leaves the text up to its last `@` -#}
{% macro after_last_at(x) %}SUBSTR({{ x }}, LENGTH(RTRIM({{ x }}, REPLACE({{ x }}, '@', ''))) + 1){% endmacro %}
{% macro json_text(column, name) %}JSON_EXTRACT({{ column }}, '$.{{ name }}'){% endmacro %}
{% macro prologue(names) %}
{% for name in names %}
DROP VIEW IF EXISTS {{ name }};
{% endfor %}
{% endmacro %}
{% macro create_view(name, query) %}CREATE VIEW {{ name }} AS
{{ query }};
{% endmacro %}
{#- ---- values as the sqlite3 shell imports them, read as the file readers read them ----
    `.import` stores an empty cell as '' whatever the column's type, and text it cannot convert
    (`true`, ` 80 `) as text: a number is a REAL/INTEGER or text in decimal notation, a bool
    1/0 or one of the bool words, '' or spaces are missing. -#}
{% macro space() %}CHAR(32, 9, 10, 13, 11, 12){% endmacro %}
{% macro trimmed(x) %}TRIM({{ x }}, {{ sql.space() }}){% endmacro %}
{#- whether trimmed text is a number in decimal notation (SQLite has no regular expressions):
    [+-] digits with at most one `.`, then (e|E) [+-] digits; GLOB tests, shallow enough for
    SQLite's parser stack -#}
{% macro number_form(t) %}
{%- set s %}LTRIM({{ t }}, '+-'){% endset -%}
({{ t }} NOT GLOB '[+-][+-]*' AND {{ s }} <> '' AND {{ s }} NOT GLOB '*[^0-9.eE+-]*' AND {{ s }} NOT GLOB '*.*.*' AND LOWER({{ s }}) NOT GLOB '*e*e*' AND {{ s }} NOT GLOB '*[eE]*.*' AND {{ s }} NOT GLOB '*[^eE][+-]*' AND (({{ s }} NOT GLOB '*[eE]*' AND {{ s }} GLOB '*[0-9]*') OR ({{ s }} GLOB '*[0-9]*[eE]*' AND {{ s }} GLOB '*[0-9]' AND {{ s }} NOT GLOB '*[eE]*[eE]*')))
{%- endmacro %}
{% macro number_value(x) %}CASE WHEN TYPEOF({{ x }}) IN ('integer', 'real') THEN {{ x }} WHEN TYPEOF({{ x }}) = 'text' THEN CASE WHEN {{ sql.number_form(sql.trimmed(x)) }} THEN CAST({{ sql.trimmed(x) }} AS REAL) END END{% endmacro %}
{% macro number_problem(x) %}CASE TYPEOF({{ x }}) WHEN 'real' THEN CASE WHEN ABS({{ x }}) > 1.7976931348623157e308 THEN 'expected a finite number' END WHEN 'text' THEN CASE WHEN {{ sql.trimmed(x) }} = '' THEN NULL WHEN NOT {{ sql.number_form(sql.trimmed(x)) }} THEN 'expected a number' WHEN ABS(CAST({{ sql.trimmed(x) }} AS REAL)) > 1.7976931348623157e308 THEN 'expected a number within the double range (about 1.8e308)' END WHEN 'blob' THEN 'expected a number' END{% endmacro %}
{% macro bool_value(x) %}CASE TYPEOF({{ x }}) WHEN 'integer' THEN CASE {{ x }} WHEN 1 THEN 1 WHEN 0 THEN 0 END WHEN 'real' THEN CASE {{ x }} WHEN 1 THEN 1 WHEN 0 THEN 0 END WHEN 'text' THEN CASE LOWER({{ sql.trimmed(x) }}) WHEN 'true' THEN 1 WHEN 'yes' THEN 1 WHEN '1' THEN 1 WHEN 'false' THEN 0 WHEN 'no' THEN 0 WHEN '0' THEN 0 END END{% endmacro %}
{% macro bool_problem(x) %}CASE WHEN {{ x }} IS NOT NULL AND ({{ sql.bool_value(x) }}) IS NULL AND NOT (TYPEOF({{ x }}) = 'text' AND {{ sql.trimmed(x) }} = '') THEN 'expected a bool (true/false, yes/no, 1/0)' END{% endmacro %}
{#- whether trimmed text that starts with a date has the rest of the one timestamp form
    (`TIME_FORM`: nothing, or `T`/space, HH:MM, optional :SS and fraction, optional zone Z, ±HH,
    ±HHMM or ±HH:MM), in GLOBs: SQLite has no regular expressions -#}
{% macro time_rest_form(t) %}
{%- set r %}SUBSTR({{ t }}, 11){% endset -%}
{%- set c %}SUBSTR({{ r }}, 7){% endset -%}
{%- set zl %}(CASE WHEN {{ c }} GLOB '*Z' THEN 1 WHEN {{ c }} GLOB '*[+-][0-9][0-9]:[0-9][0-9]' THEN 6 WHEN {{ c }} GLOB '*[+-][0-9][0-9][0-9][0-9]' THEN 5 WHEN {{ c }} GLOB '*[+-][0-9][0-9]' THEN 3 ELSE 0 END){% endset -%}
{%- set zone %}SUBSTR({{ c }}, LENGTH({{ c }}) - {{ zl }} + 1){% endset -%}
{%- set secs %}SUBSTR({{ c }}, 1, LENGTH({{ c }}) - {{ zl }}){% endset -%}
({{ r }} = '' OR (({{ r }} GLOB '[T ][01][0-9]:[0-5][0-9]*' OR {{ r }} GLOB '[T ]2[0-3]:[0-5][0-9]*') AND ({{ zl }} = 0 OR {{ zone }} = 'Z' OR (({{ zone }} GLOB '[+-][01][0-9]*' OR {{ zone }} GLOB '[+-]2[0-3]*') AND ({{ zl }} = 3 OR ({{ zl }} = 5 AND {{ zone }} GLOB '???[0-5]?') OR ({{ zl }} = 6 AND {{ zone }} GLOB '????[0-5]?')))) AND ({{ secs }} = '' OR {{ secs }} GLOB ':[0-5][0-9]' OR ({{ secs }} GLOB ':[0-5][0-9].[0-9]*' AND SUBSTR({{ secs }}, 5) NOT GLOB '*[^0-9]*'))))
{%- endmacro %}
{#- JULIANDAY reads more than the one timestamp form (`now`, `10:00`, day numbers, a lower-case
    `z`, spaces before the zone, the hour 24): a time is text starting with a date of year 0001
    or later, the rest as `time_rest_form` says; and JULIANDAY takes a day past the month's
    end (`2026-02-30` is the day number of March 2nd), so the date must come back from that
    day number as it was written -#}
{% macro time_problem(x) %}{% set tx = sql.trimmed(x) %}CASE WHEN TYPEOF({{ x }}) IN ('integer', 'real', 'blob') THEN 'expected an ISO-8601 timestamp' WHEN TYPEOF({{ x }}) = 'text' AND {{ tx }} <> '' AND (JULIANDAY({{ sql.iso_time(tx) }}) IS NULL OR {{ tx }} NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' OR {{ tx }} GLOB '0000*' OR NOT {{ sql.time_rest_form(tx) }}) THEN 'expected an ISO-8601 timestamp' WHEN TYPEOF({{ x }}) = 'text' AND {{ tx }} <> '' AND DATE(JULIANDAY(SUBSTR({{ tx }}, 1, 10))) IS NOT SUBSTR({{ tx }}, 1, 10) THEN 'expected an ISO-8601 timestamp of a date that exists' END{% endmacro %}
{% macro json_object_problem(column, label) %}CASE WHEN {{ column }} IS NOT NULL AND {{ sql.trimmed(column) }} <> '' AND (NOT JSON_VALID({{ column }}) OR JSON_TYPE({{ column }}) <> 'object') THEN {{ sql.string('expected a JSON object in column `' ~ label ~ '`') }} END{% endmacro %}
{% macro json_doc(column) %}(CASE WHEN JSON_VALID({{ column }}) THEN {{ column }} END){% endmacro %}
{#- a property in a JSON object, read as the file readers read a JSON value of it (duckdb.sql);
    SQLite prints a REAL with 15 digits, so a JSON number with a fraction in a text property is
    refused, not read as other text -#}
{% macro json_prop(column, name, type) %}
{%- set c = sql.json_doc(column) -%}
{%- set kind %}JSON_TYPE({{ c }}, '$.{{ name }}'){% endset -%}
{%- set v %}JSON_EXTRACT({{ c }}, '$.{{ name }}'){% endset -%}
{%- if type == 'number' -%}
CASE WHEN {{ kind }} IN ('integer', 'real', 'text') THEN {{ sql.number_value(v) }} END
{%- elif type == 'bool' -%}
CASE {{ kind }} WHEN 'true' THEN 1 WHEN 'false' THEN 0 WHEN 'integer' THEN {{ sql.bool_value(v) }} WHEN 'real' THEN {{ sql.bool_value(v) }} WHEN 'text' THEN {{ sql.bool_value(v) }} END
{%- elif type == 'text' -%}
CASE {{ kind }} WHEN 'text' THEN {{ v }} WHEN 'integer' THEN CAST({{ v }} AS TEXT) WHEN 'real' THEN CASE WHEN {{ v }} = CAST({{ v }} AS INTEGER) AND ABS({{ v }}) < 9007199254740992 THEN CAST(CAST({{ v }} AS INTEGER) AS TEXT) END END
{%- else %}NULLIF({{ v }}, ''){% endif -%}
{% endmacro %}
{% macro json_prop_problem(column, name, type) %}
{%- set c = sql.json_doc(column) -%}
{%- set kind %}JSON_TYPE({{ c }}, '$.{{ name }}'){% endset -%}
{%- set v %}JSON_EXTRACT({{ c }}, '$.{{ name }}'){% endset -%}
{%- if type == 'number' -%}
CASE {{ kind }} WHEN 'true' THEN 'expected a number, got a bool' WHEN 'false' THEN 'expected a number, got a bool' WHEN 'object' THEN 'expected a number, got dict' WHEN 'array' THEN 'expected a number, got list' ELSE {{ sql.number_problem(v) }} END
{%- elif type == 'bool' -%}
CASE WHEN {{ kind }} IN ('object', 'array') THEN 'expected a bool (true/false, yes/no, 1/0)' WHEN {{ kind }} IN ('integer', 'real', 'text') THEN {{ sql.bool_problem(v) }} END
{%- elif type == 'text' -%}
CASE {{ kind }} WHEN 'true' THEN 'expected text, got a bool' WHEN 'false' THEN 'expected text, got a bool' WHEN 'object' THEN 'expected text, got dict' WHEN 'array' THEN 'expected text, got list' WHEN 'real' THEN CASE WHEN ({{ sql.json_prop(column, name, type) }}) IS NULL THEN {{ sql.string(BIG_TEXT) }} END END
{%- elif type == 'time' -%}
CASE WHEN {{ kind }} IN ('integer', 'real', 'true', 'false', 'object', 'array') THEN 'expected an ISO-8601 timestamp' WHEN {{ kind }} = 'text' THEN {{ sql.time_problem(v) }} END
{%- endif -%}
{% endmacro %}
{#- a CAST keeps the column's collation (NOCASE): BINARY, as the join compares -#}
{% macro key_value(x) %}CAST({{ x }} AS TEXT) COLLATE BINARY{% endmacro %}
