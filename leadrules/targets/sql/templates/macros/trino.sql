{#- Trino: timestamps without zone, millisecond date_diff, arrays indexed from the end. -#}
{% macro type_name(type) %}{{ {'number': 'DOUBLE', 'text': 'VARCHAR', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP(6)'}[type] }}{% endmacro %}
{% macro days_since(t, as_of) %}FLOOR(DATE_DIFF('millisecond', {{ t }}, {{ as_of }}) / 86400000.0){% endmacro %}
{% macro starts_with(x, v) %}STARTS_WITH({{ x }}, {{ v }}){% endmacro %}
{% macro after_last_at(x) %}ELEMENT_AT(SPLIT({{ x }}, '@'), -1){% endmacro %}
{% macro count_if(cond) %}COUNT_IF({{ cond }}){% endmacro %}
