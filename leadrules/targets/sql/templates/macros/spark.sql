{#- Spark SQL: backquoted names, backslash escapes, INSTR, SUBSTRING_INDEX, get_json_object.
    Times are compared as instants (TIMESTAMP), whatever spark.sql.session.timeZone says: literals
    carry their zone (`Z`), a TIMESTAMP column is an instant already, and a TIMESTAMP_NTZ column
    (a wall-clock time, UTC by the language's rule) is read as UTC through its text: its own
    digits with a `Z`. `TYPEOF` is folded by the planner, so only the branch of the column's type
    runs. No interval is ever added to a TIMESTAMP: Spark adds the days of an interval in the
    session's zone, which moves an instant across a zone's offset changes. -#}
{% macro ident(name) %}`{{ name | replace('`', '``') }}`{% endmacro %}
{% macro string(value) %}'{{ value | replace('\\', '\\\\') | replace("'", "\\'") | replace('\n', '\\n') | replace('\r', '\\r') }}'{% endmacro %}
{% macro timestamp(text) %}TIMESTAMP '{{ text }}Z'{% endmacro %}
{% macro time_value(x, zoned=false) %}CASE WHEN TYPEOF({{ x }}) = 'timestamp_ntz' THEN CAST(CONCAT(CAST({{ x }} AS STRING), 'Z') AS TIMESTAMP) ELSE {{ x }} END{% endmacro %}
{% macro type_name(type) %}{{ {'number': 'DOUBLE', 'text': 'STRING', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP'}[type] }}{% endmacro %}
{% macro now() %}CURRENT_TIMESTAMP(){% endmacro %}
{% macro minus_seconds(ts, seconds) %}TIMESTAMP_MICROS(UNIX_MICROS({{ ts }}) - {{ seconds }}000000){% endmacro %}
{% macro epoch_us(t) %}UNIX_MICROS({{ t }}){% endmacro %}
{% macro contains(x, v) %}(INSTR({{ x }}, {{ v }}) > 0){% endmacro %}
{% macro after_last_at(x) %}SUBSTRING_INDEX({{ x }}, '@', -1){% endmacro %}
{% macro json_text(column, name) %}GET_JSON_OBJECT({{ column }}, '$.{{ name }}'){% endmacro %}
{#- a time in JSON text without a zone is UTC: give it one before Spark reads it in the session's -#}
{% macro json_prop(column, name, type) %}
{%- set text = sql.json_text(column, name) -%}
{%- if type == 'text' %}{{ text }}
{%- elif type == 'time' %}CAST(CASE WHEN {{ text }} RLIKE '([Zz]|[+-][0-9][0-9](:?[0-9][0-9])?)$' THEN {{ text }} WHEN {{ text }} RLIKE '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN CONCAT({{ text }}, 'T00:00:00Z') ELSE CONCAT({{ text }}, 'Z') END AS TIMESTAMP)
{%- else %}{{ sql.cast(text, type) }}{% endif -%}
{% endmacro %}
{% macro count_if(cond) %}COUNT_IF({{ cond }}){% endmacro %}
