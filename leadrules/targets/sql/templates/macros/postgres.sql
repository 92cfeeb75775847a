{#- PostgreSQL: `->>` for JSON, FILTER for conditional counts, transactional redeploy. -#}
{#- times are compared as seconds since 1970 (numeric, exact to the microsecond): EXTRACT(EPOCH)
    reads a timestamp as UTC and a timestamptz as the instant it is, whatever the session's
    TimeZone -#}
{% macro time_value(x, zoned=false) %}EXTRACT(EPOCH FROM {{ x }}){% endmacro %}
{% macro timestamp(text) %}EXTRACT(EPOCH FROM TIMESTAMP '{{ text }}'){% endmacro %}
{% macro now() %}EXTRACT(EPOCH FROM CURRENT_TIMESTAMP){% endmacro %}
{% macro minus_seconds(ts, seconds) %}({{ ts }} - {{ seconds }}){% endmacro %}
{% macro days_since(t, as_of) %}FLOOR(({{ as_of }} - {{ t }}) / 86400){% endmacro %}
{% macro raw_bound(column, op, text) %}{{ column }} {{ op }} '{{ text }}'{% endmacro %}
{% macro json_text(column, name) %}({{ column }} ->> '{{ name }}'){% endmacro %}
{% macro count_if(cond) %}COUNT(*) FILTER (WHERE {{ cond }}){% endmacro %}
{#- CREATE OR REPLACE VIEW cannot change a view's columns: drop our own views (never CASCADE) and
    create them again, in one transaction -#}
{% macro prologue(names) %}BEGIN;
DROP VIEW IF EXISTS {{ names | join(', ') }};
{% endmacro %}
{% macro create_view(name, query) %}CREATE VIEW {{ name }} AS
{{ query }};
{% endmacro %}
{% macro epilogue(names) %}COMMIT;
{% endmacro %}
