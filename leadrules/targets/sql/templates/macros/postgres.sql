{#- PostgreSQL: `->>` for JSON, FILTER for conditional counts, transactional redeploy. -#}
{% macro now() %}(CURRENT_TIMESTAMP AT TIME ZONE 'UTC'){% endmacro %}
{% macro minus_seconds(ts, seconds) %}({{ ts }} - INTERVAL '{{ seconds }} seconds'){% endmacro %}
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
