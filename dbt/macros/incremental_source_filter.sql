{#- The source rows an incremental model reads on this run. A full build (or
    --full-refresh) reads them all. An incremental run reads the rows loaded since the
    model's last build and, when a daily partition's window is passed as vars (ISO dates
    `window_start` inclusive and `window_end` exclusive; Dagster's daily partitions do
    this), every row whose event falls in the window, so rerunning a partition restates it.
    DuckDB merges those rows on the model's key; Spark overwrites whole days
    (macros/daily_partitions.sql), so there every row of a day any of them falls on is
    read too. -#}
{% macro incremental_source_filter(source_relation, event_column, loaded_column='_loaded_at') -%}
    {%- if is_incremental() -%}
        {%- set timestamp = dbt.type_timestamp() -%}
        {%- set conditions = [
            loaded_column ~ " > (select coalesce(max(loaded_at), cast('1900-01-01' as "
            ~ timestamp ~ ")) from " ~ this ~ ")"
        ] -%}
        {%- if var('window_start', none) -%}
            {%- do conditions.append(
                "(" ~ event_column ~ " >= cast('" ~ var('window_start') ~ "' as " ~ timestamp
                ~ ") and " ~ event_column ~ " < cast('" ~ var('window_end') ~ "' as "
                ~ timestamp ~ "))"
            ) -%}
        {%- endif %}
    where {{ adapter.dispatch('incremental_rows')(source_relation, event_column, conditions | join(' or ')) }}
    {%- endif %}
{%- endmacro %}

{% macro default__incremental_rows(source_relation, event_column, condition) -%}
    {{ condition }}
{%- endmacro %}

{% macro spark__incremental_rows(source_relation, event_column, condition) -%}
    cast({{ event_column }} as date) in (
        select distinct cast({{ event_column }} as date) from {{ source_relation }} where {{ condition }}
    )
{%- endmacro %}
