{#- Seeds on Spark. The seeds declare DuckDB's `varchar` in column_types, which Spark
    accepts only with a length: read as Spark's `string`. And dbt-spark's session
    connection pastes each value into the SQL inside single quotes, unescaped, so a text
    with an apostrophe ("the month's tasks") breaks the insert and an empty cell arrives
    as the text 'None': here each value is written as a literal of its own (null, number,
    boolean or escaped text). -#}
{% macro spark_seed_column_type(model, agate_table, index) -%}
    {%- set column = agate_table.column_names[index] -%}
    {%- set declared = model['config'].get('column_types', {}).get(column) -%}
    {%- set type = declared or adapter.convert_type(agate_table, index) -%}
    {{ return('string' if type | lower == 'varchar' else type) }}
{%- endmacro %}

{% macro spark_seed_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is boolean -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{% macro spark__create_csv_table(model, agate_table) %}
    {%- set quote_seed_column = model['config'].get('quote_columns', None) -%}
    {%- set columns = [] -%}
    {%- for column in agate_table.column_names -%}
        {%- do columns.append(
            adapter.quote_seed_column(column | string, quote_seed_column) ~ ' '
            ~ spark_seed_column_type(model, agate_table, loop.index0)
        ) -%}
    {%- endfor -%}
    {%- set sql = 'create table ' ~ this.render() ~ ' (' ~ columns | join(', ') ~ ') '
        ~ file_format_clause() ~ ' ' ~ location_clause() ~ ' ' ~ comment_clause() -%}
    {%- call statement('_') %}{{ sql }}{% endcall -%}
    {{ return(sql) }}
{% endmacro %}

{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- do values.append(
                    'cast(' ~ spark_seed_literal(value) ~ ' as '
                    ~ spark_seed_column_type(model, agate_table, loop.index0) ~ ')'
                ) -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ rows | join(', ') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first %}{% do statements.append(sql) %}{% endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
