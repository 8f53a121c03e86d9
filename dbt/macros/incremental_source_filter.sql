{#- The source rows an incremental model reads on this run. A full build (or
    --full-refresh) reads them all. An incremental run reads the rows loaded since the
    model's last build and, when a daily partition's window is passed as vars (ISO dates
    `window_start` inclusive and `window_end` exclusive; Dagster's daily partitions do
    this), every row whose event falls in the window, so rerunning a partition restates it.
    Pair with a `merge` on the model's key: portable to Spark and Trino. -#}
{% macro incremental_source_filter(event_column, loaded_column='_loaded_at') -%}
    {%- set timestamp = dbt.type_timestamp() -%}
    {%- set conditions = [] -%}
    {%- if is_incremental() -%}
        {%- do conditions.append(
            loaded_column ~ " > (select coalesce(max(loaded_at), cast('1900-01-01' as "
            ~ timestamp ~ ")) from " ~ this ~ ")"
        ) -%}
        {%- if var('window_start', none) -%}
            {%- do conditions.append(
                "(" ~ event_column ~ " >= cast('" ~ var('window_start') ~ "' as " ~ timestamp
                ~ ") and " ~ event_column ~ " < cast('" ~ var('window_end') ~ "' as "
                ~ timestamp ~ "))"
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if conditions %}
    where {{ conditions | join(' or ') }}
    {%- endif %}
{%- endmacro %}
