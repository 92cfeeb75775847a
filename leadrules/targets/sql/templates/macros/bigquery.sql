{#- BigQuery: backquoted names, backslash escapes in strings, UNIX_MICROS, JSON_VALUE. -#}
{% macro ident(name) %}`{{ name | replace('\\', '\\\\') | replace('`', '\\`') }}`{% endmacro %}
{% macro string(value) %}'{{ value | replace('\\', '\\\\') | replace("'", "\\'") | replace('\n', '\\n') | replace('\r', '\\r') }}'{% endmacro %}
{% macro type_name(type) %}{{ {'number': 'FLOAT64', 'text': 'STRING', 'bool': 'BOOL', 'time': 'TIMESTAMP'}[type] }}{% endmacro %}
{#- a TIMESTAMP is the instant it is; a DATETIME is read as UTC by the CAST -#}
{% macro time_value(x, zoned=false) %}CAST({{ x }} AS TIMESTAMP){% endmacro %}
{% macro timestamp(text) %}TIMESTAMP '{{ text }}+00'{% endmacro %}
{#- a string literal takes the column's type, TIMESTAMP or DATETIME: partitions are pruned -#}
{% macro raw_bound(column, op, text) %}{{ column }} {{ op }} '{{ text }}'{% endmacro %}
{% macro integer_type() %}INT64{% endmacro %}
{% macro now() %}CURRENT_TIMESTAMP(){% endmacro %}
{% macro minus_seconds(ts, seconds) %}TIMESTAMP_SUB({{ ts }}, INTERVAL {{ seconds }} SECOND){% endmacro %}
{% macro epoch_us(t) %}UNIX_MICROS({{ t }}){% endmacro %}
{% macro starts_with(x, v) %}STARTS_WITH({{ x }}, {{ v }}){% endmacro %}
{% macro ends_with(x, v) %}ENDS_WITH({{ x }}, {{ v }}){% endmacro %}
{% macro after_last_at(x) %}ARRAY_REVERSE(SPLIT({{ x }}, '@'))[OFFSET(0)]{% endmacro %}
{% macro json_text(column, name) %}JSON_VALUE({{ column }}, '$.{{ name }}'){% endmacro %}
{% macro count_if(cond) %}COUNTIF({{ cond }}){% endmacro %}
