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
{#- any column as text (an enum, an integer, citext), compared byte for byte whatever its
    collation (citext or a case-insensitive collation would make `role == "CEO"` match `ceo`) -#}
{% macro text_value(x) %}NULLIF(CAST({{ x }} AS TEXT) COLLATE "C", ''){% endmacro %}
{#- a `real` (float4) widened to double is not the decimal it shows (0.7 becomes
    0.699999988...): through its text, which is the shortest form that reads back -#}
{% macro number_value(x) %}CASE WHEN PG_TYPEOF({{ x }}) = 'real'::REGTYPE THEN CAST(CAST({{ x }} AS TEXT) AS DOUBLE PRECISION) ELSE {{ x }} END{% endmacro %}
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
