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
{#- ---- refused values (see default.sql) ---- -#}
{% macro number_problem(x) %}CASE WHEN NOT isfinite(CAST({{ x }} AS DOUBLE)) THEN 'expected a finite number' END{% endmacro %}
{#- a timestamp column may hold `infinity` or `-infinity`, which no export reads back as a
    time (and `days_since` would make a number of) -#}
{% macro time_problem(x) %}CASE WHEN NOT isfinite({{ x }}) THEN 'expected an ISO-8601 timestamp' END{% endmacro %}
{% macro json_object_problem(column, label) %}CASE WHEN {{ column }} IS NOT NULL AND TRIM(CAST({{ column }} AS VARCHAR), {{ sql.space() }}) <> '' AND COALESCE(json_type(TRY_CAST({{ column }} AS JSON)), 'INVALID') <> 'OBJECT' THEN {{ sql.string('expected a JSON object in column `' ~ label ~ '`') }} END{% endmacro %}
{% macro space() %}' ' || CHR(9) || CHR(10) || CHR(13) || CHR(11) || CHR(12){% endmacro %}
{#- a property in a JSON object, read as the file readers read a JSON value of it: a number
    from a JSON number or a string in decimal notation, a bool from a JSON bool, one of the bool
    words or 1/0, text from a string or an integer (its digits) -#}
{% macro json_prop(column, name, type) %}
{%- set j %}JSON_EXTRACT({{ column }}, '$.{{ name }}'){% endset -%}
{%- set kind %}JSON_TYPE({{ j }}){% endset -%}
{%- set t %}({{ j }} ->> '$'){% endset -%}
{%- set d %}CAST({{ j }} AS DOUBLE){% endset -%}
{%- if type == 'number' -%}
CASE WHEN {{ kind }} IN ('BIGINT', 'UBIGINT', 'DOUBLE') THEN {{ d }} WHEN {{ kind }} = 'VARCHAR' AND regexp_full_match({{ t }}, '{{ SPACE_RE }}{{ NUMBER_FORM }}{{ SPACE_RE }}') THEN TRY_CAST({{ t }} AS DOUBLE) END
{%- elif type == 'bool' -%}
CASE {{ kind }} WHEN 'BOOLEAN' THEN CAST({{ j }} AS BOOLEAN) WHEN 'VARCHAR' THEN CASE LOWER(TRIM({{ t }}, {{ sql.space() }})) WHEN 'true' THEN TRUE WHEN 'yes' THEN TRUE WHEN '1' THEN TRUE WHEN 'false' THEN FALSE WHEN 'no' THEN FALSE WHEN '0' THEN FALSE END WHEN 'BIGINT' THEN CASE {{ d }} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END WHEN 'UBIGINT' THEN CASE {{ d }} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END WHEN 'DOUBLE' THEN CASE {{ d }} WHEN 1 THEN TRUE WHEN 0 THEN FALSE END END
{%- elif type == 'text' -%}
CASE {{ kind }} WHEN 'VARCHAR' THEN {{ t }} WHEN 'BIGINT' THEN CAST({{ j }} AS VARCHAR) WHEN 'UBIGINT' THEN CAST({{ j }} AS VARCHAR) WHEN 'DOUBLE' THEN CASE WHEN {{ d }} = TRUNC({{ d }}) AND ABS({{ d }}) < 9007199254740992 THEN CAST(CAST({{ d }} AS BIGINT) AS VARCHAR) WHEN isfinite({{ d }}) AND {{ d }} <> TRUNC({{ d }}) THEN CAST({{ d }} AS VARCHAR) END END
{%- else -%}
{#- a time: with a zone, that instant; without one, UTC (TIMESTAMPTZ reads it in the session's
    TimeZone, so the zone-less text goes through TIMESTAMP) -#}
CASE WHEN {{ kind }} = 'VARCHAR' AND regexp_full_match({{ t }}, '{{ SPACE_RE }}{{ TIME_FORM }}{{ SPACE_RE }}') THEN CASE WHEN regexp_matches(TRIM({{ t }}, {{ sql.space() }}), ':[0-9][0-9](\.[0-9]+)?(Z|[+-][0-9][0-9](:?[0-9][0-9])?)$') THEN TRY_CAST(TRIM({{ t }}, {{ sql.space() }}) AS TIMESTAMPTZ) ELSE TIMEZONE('UTC', TRY_CAST(TRIM({{ t }}, {{ sql.space() }}) AS TIMESTAMP)) END END
{%- endif -%}
{% endmacro %}
{% macro json_prop_problem(column, name, type) %}
{%- set j %}JSON_EXTRACT({{ column }}, '$.{{ name }}'){% endset -%}
{%- set kind %}JSON_TYPE({{ j }}){% endset -%}
{%- set t %}({{ j }} ->> '$'){% endset -%}
{%- set d %}CAST({{ j }} AS DOUBLE){% endset -%}
{%- if type == 'number' -%}
CASE {{ kind }} WHEN 'BOOLEAN' THEN 'expected a number, got a bool' WHEN 'OBJECT' THEN 'expected a number, got dict' WHEN 'ARRAY' THEN 'expected a number, got list' WHEN 'VARCHAR' THEN CASE WHEN TRIM({{ t }}, {{ sql.space() }}) = '' THEN NULL WHEN NOT regexp_full_match({{ t }}, '{{ SPACE_RE }}{{ NUMBER_FORM }}{{ SPACE_RE }}') THEN 'expected a number' WHEN NOT isfinite(TRY_CAST({{ t }} AS DOUBLE)) THEN 'expected a number within the double range (about 1.8e308)' END WHEN 'DOUBLE' THEN CASE WHEN NOT isfinite({{ d }}) THEN 'expected a finite number' END END
{%- elif type == 'bool' -%}
CASE WHEN {{ kind }} IN ('OBJECT', 'ARRAY') OR ({{ kind }} IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'VARCHAR') AND {{ sql.json_prop(column, name, type) }} IS NULL AND TRIM({{ t }}, {{ sql.space() }}) <> '') THEN 'expected a bool (true/false, yes/no, 1/0)' END
{%- elif type == 'text' -%}
CASE {{ kind }} WHEN 'BOOLEAN' THEN 'expected text, got a bool' WHEN 'OBJECT' THEN 'expected text, got dict' WHEN 'ARRAY' THEN 'expected text, got list' WHEN 'DOUBLE' THEN CASE WHEN {{ sql.json_prop(column, name, type) }} IS NULL THEN {{ sql.string(BIG_TEXT) }} END END
{%- elif type == 'time' -%}
CASE WHEN {{ kind }} IN ('BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN', 'OBJECT', 'ARRAY') OR ({{ kind }} = 'VARCHAR' AND TRIM({{ t }}, {{ sql.space() }}) <> '' AND {{ sql.json_prop(column, name, type) }} IS NULL) THEN 'expected an ISO-8601 timestamp' END
{%- endif -%}
{% endmacro %}
{% macro key_value(x) %}CAST({{ x }} AS VARCHAR) COLLATE "binary"{% endmacro %}
