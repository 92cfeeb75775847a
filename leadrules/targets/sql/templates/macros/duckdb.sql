{#- DuckDB: native suffix/prefix tests, negative split index, microsecond epochs. -#}
{#- a TIMESTAMPTZ is the instant it is and a TIMESTAMP is read as UTC, whatever the session's
    TimeZone: back to a TIMESTAMP in UTC through its epoch microseconds -#}
{% macro time_value(x, zoned=false) %}MAKE_TIMESTAMP(EPOCH_US({{ x }})){% endmacro %}
{#- any column as text (an ENUM, a number), compared byte for byte whatever its collation
    (`COLLATE NOCASE` would make `role == "CEO"` match `ceo`) -#}
{% macro text_value(x) %}NULLIF(CAST({{ x }} AS VARCHAR) COLLATE "binary", ''){% endmacro %}
{% macro now() %}CAST(TIMEZONE('UTC', CURRENT_TIMESTAMP) AS TIMESTAMP){% endmacro %}
{% macro epoch_us(t) %}EPOCH_US({{ t }}){% endmacro %}
{% macro type_name(type) %}{{ {'number': 'DOUBLE', 'text': 'VARCHAR', 'bool': 'BOOLEAN', 'time': 'TIMESTAMP'}[type] }}{% endmacro %}
{% macro starts_with(x, v) %}STARTS_WITH({{ x }}, {{ v }}){% endmacro %}
{% macro ends_with(x, v) %}ENDS_WITH({{ x }}, {{ v }}){% endmacro %}
{#- DuckDB's REVERSE keeps grapheme clusters together: split from the end instead -#}
{% macro after_last_at(x) %}SPLIT_PART({{ x }}, '@', -1){% endmacro %}
{% macro json_text(column, name) %}JSON_EXTRACT_STRING({{ column }}, '$.{{ name }}'){% endmacro %}
{#- TRANSLATE costs ~1 µs a row; LOWER is ASCII-only lowercasing on ASCII text (bytes = characters) -#}
{% macro lower_ascii(x) %}CASE WHEN STRLEN({{ x }}) = LENGTH({{ x }}) THEN LOWER({{ x }}) ELSE TRANSLATE({{ x }}, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') END{% endmacro %}
{#- COUNT_IF is several times slower than a filtered COUNT(*) (DuckDB 2.0) -#}
{% macro count_if(cond) %}COUNT(*) FILTER (WHERE {{ cond }}){% endmacro %}
{#- ... but it binds hundreds of FILTER clauses in quadratic time -#}
{% macro count_if_many(cond) %}COUNT(CASE WHEN {{ cond }} THEN 1 END){% endmacro %}
