{#- SQLite: no timestamp type, no REVERSE; LIKE ignores case, so it is never used. -#}
{#- times are ISO-8601 text (`T` or a space, `Z`, an offset or none meaning UTC, any fraction),
    compared as JULIANDAY numbers: whole milliseconds, whatever the text's form -#}
{% macro time_value(x, zoned=false) %}JULIANDAY({{ x }}){% endmacro %}
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
{% macro json_prop(column, name, type) %}
{%- if type == 'text' %}JSON_EXTRACT({{ column }}, '$.{{ name }}'){% else %}NULLIF(JSON_EXTRACT({{ column }}, '$.{{ name }}'), ''){% endif -%}
{% endmacro %}
{% macro prologue(names) %}
{% for name in names %}
DROP VIEW IF EXISTS {{ name }};
{% endfor %}
{% endmacro %}
{% macro create_view(name, query) %}CREATE VIEW {{ name }} AS
{{ query }};
{% endmacro %}
