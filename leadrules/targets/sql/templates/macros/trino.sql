{#- Trino: millisecond date_diff, arrays indexed from the end. -#}
{% macro type_name(type) %}{{ {'number': 'DOUBLE', 'text': 'VARCHAR', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP(6)'}[type] }}{% endmacro %}
{#- times are `timestamp(6) with time zone`: a `timestamp` column (`--timestamp-type naive`, the
    default) is read as UTC by WITH_TIMEZONE, a `timestamp with time zone` column
    (`--timestamp-type zoned`) is the instant it is. WITH_TIMEZONE fails on a zoned column. -#}
{% macro time_value(x, zoned=false) %}{% if zoned %}{{ x }}{% else %}WITH_TIMEZONE({{ x }}, 'UTC'){% endif %}{% endmacro %}
{% macro timestamp(text) %}TIMESTAMP '{{ text }} UTC'{% endmacro %}
{% macro now() %}CURRENT_TIMESTAMP{% endmacro %}
{% macro days_since(t, as_of) %}FLOOR(DATE_DIFF('millisecond', {{ t }}, {{ as_of }}) / 86400000.0){% endmacro %}
{% macro starts_with(x, v) %}STARTS_WITH({{ x }}, {{ v }}){% endmacro %}
{% macro after_last_at(x) %}ELEMENT_AT(SPLIT({{ x }}, '@'), -1){% endmacro %}
{% macro count_if(cond) %}COUNT_IF({{ cond }}){% endmacro %}
