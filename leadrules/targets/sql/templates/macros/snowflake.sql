{#- Snowflake: a plain name is quoted in upper case, as Snowflake stores it unquoted
    (lead_id finds LEAD_ID), backslash escapes,
    VARIANT paths for JSON. -#}
{% macro ident(name) %}
{%- if name is plain %}"{{ name | upper }}"{% else %}"{{ name | replace('"', '""') }}"{% endif -%}
{% endmacro %}
{% macro string(value) %}'{{ value | replace('\\', '\\\\') | replace("'", "''") | replace('\n', '\\n') | replace('\r', '\\r') }}'{% endmacro %}
{% macro type_name(type) %}{{ {'number': 'FLOAT', 'text': 'VARCHAR', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP_NTZ'}[type] }}{% endmacro %}
{% macro timestamp(text) %}'{{ text }}'::TIMESTAMP_NTZ{% endmacro %}
{% macro now() %}SYSDATE(){% endmacro %}
{% macro minus_seconds(ts, seconds) %}DATEADD(SECOND, -{{ seconds }}, {{ ts }}){% endmacro %}
{% macro days_since(t, as_of) %}FLOOR(DATEDIFF(MICROSECOND, {{ t }}, {{ as_of }}) / 86400000000.0){% endmacro %}
{% macro contains(x, v) %}CONTAINS({{ x }}, {{ v }}){% endmacro %}
{% macro starts_with(x, v) %}STARTSWITH({{ x }}, {{ v }}){% endmacro %}
{% macro ends_with(x, v) %}ENDSWITH({{ x }}, {{ v }}){% endmacro %}
{% macro after_last_at(x) %}SPLIT_PART({{ x }}, '@', -1){% endmacro %}
{% macro json_text(column, name) %}CAST(GET({{ column }}, '{{ name }}') AS VARCHAR){% endmacro %}
{% macro count_if(cond) %}COUNT_IF({{ cond }}){% endmacro %}
