{#- Spark SQL: backquoted names, backslash escapes, INSTR, SUBSTRING_INDEX, get_json_object.
    TIMESTAMP is in the session time zone: run with spark.sql.session.timeZone=UTC. -#}
{% macro ident(name) %}`{{ name | replace('`', '``') }}`{% endmacro %}
{% macro string(value) %}'{{ value | replace('\\', '\\\\') | replace("'", "\\'") | replace('\n', '\\n') | replace('\r', '\\r') }}'{% endmacro %}
{% macro type_name(type) %}{{ {'number': 'DOUBLE', 'text': 'STRING', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP'}[type] }}{% endmacro %}
{% macro now() %}CURRENT_TIMESTAMP(){% endmacro %}
{% macro minus_seconds(ts, seconds) %}({{ ts }} - INTERVAL {{ seconds }} SECONDS){% endmacro %}
{% macro epoch_us(t) %}UNIX_MICROS({{ t }}){% endmacro %}
{% macro contains(x, v) %}(INSTR({{ x }}, {{ v }}) > 0){% endmacro %}
{% macro after_last_at(x) %}SUBSTRING_INDEX({{ x }}, '@', -1){% endmacro %}
{% macro json_text(column, name) %}GET_JSON_OBJECT({{ column }}, '$.{{ name }}'){% endmacro %}
{% macro count_if(cond) %}COUNT_IF({{ cond }}){% endmacro %}
