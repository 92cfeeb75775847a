{#- Snowflake: a plain name is quoted in upper case, as Snowflake stores it unquoted
    (lead_id finds LEAD_ID), backslash escapes,
    VARIANT paths for JSON. -#}
{% macro ident(name) %}
{%- if name is plain %}"{{ name | upper }}"{% else %}"{{ name | replace('"', '""') }}"{% endif -%}
{% endmacro %}
{% macro string(value) %}'{{ value | replace('\\', '\\\\') | replace("'", "''") | replace('\n', '\\n') | replace('\r', '\\r') }}'{% endmacro %}
{% macro type_name(type) %}{{ {'number': 'FLOAT', 'text': 'VARCHAR', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP_NTZ'}[type] }}{% endmacro %}
{#- times are compared as microseconds since 1970: DATE_PART(EPOCH_MICROSECOND) reads a
    TIMESTAMP_NTZ as UTC and a TIMESTAMP_LTZ or _TZ as the instant it is, whatever the session's
    TIMEZONE -#}
{% macro time_value(x, zoned=false) %}DATE_PART(EPOCH_MICROSECOND, {{ x }}){% endmacro %}
{% macro timestamp(text) %}DATE_PART(EPOCH_MICROSECOND, '{{ text }}'::TIMESTAMP_NTZ){% endmacro %}
{% macro now() %}DATE_PART(EPOCH_MICROSECOND, CURRENT_TIMESTAMP()){% endmacro %}
{% macro minus_seconds(ts, seconds) %}({{ ts }} - {{ seconds }} * 1000000){% endmacro %}
{% macro days_since(t, as_of) %}FLOOR(({{ as_of }} - {{ t }}) / 86400000000){% endmacro %}
{% macro raw_bound(column, op, text) %}{{ column }} {{ op }} '{{ text }}'{% endmacro %}
{% macro contains(x, v) %}CONTAINS({{ x }}, {{ v }}){% endmacro %}
{% macro starts_with(x, v) %}STARTSWITH({{ x }}, {{ v }}){% endmacro %}
{% macro ends_with(x, v) %}ENDSWITH({{ x }}, {{ v }}){% endmacro %}
{% macro after_last_at(x) %}SPLIT_PART({{ x }}, '@', -1){% endmacro %}
{% macro json_text(column, name) %}CAST(GET({{ column }}, '{{ name }}') AS VARCHAR){% endmacro %}
{% macro count_if(cond) %}COUNT_IF({{ cond }}){% endmacro %}
