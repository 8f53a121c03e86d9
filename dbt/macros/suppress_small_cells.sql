{#- Primary and complementary suppression of small cells within each group.

    Primary: a cell of fewer than min_size people. Complementary: when a group has any
    primary cell, the smallest cells are suppressed until at least two are and together
    they hold at least min_size people, so no suppressed cell can be recovered by
    subtracting the visible cells from the group's published total.
    Adds is_suppressed; the caller nulls the values of suppressed cells. -#}
{% macro suppress_small_cells(relation, group_columns, cell_column, size_column, min_size) %}
{%- set groups = group_columns | join(', ') -%}
    select
        reaching.*,
        reaching._cell_rank <= case
            when reaching._primary_cells = 0 then 0
            else greatest(reaching._primary_cells, 2, coalesce(reaching._rank_reaching_min, reaching._cells))
        end as is_suppressed
    from (
        select
            ranked.*,
            min(case when ranked._cumulative_size >= {{ min_size }} then ranked._cell_rank end)
                over (partition by {{ groups }}) as _rank_reaching_min
        from (
            select
                cells.*,
                row_number() over (partition by {{ groups }} order by {{ size_column }}, {{ cell_column }})
                    as _cell_rank,
                sum({{ size_column }}) over (
                    partition by {{ groups }} order by {{ size_column }}, {{ cell_column }}
                    rows between unbounded preceding and current row
                ) as _cumulative_size,
                sum(case when {{ size_column }} < {{ min_size }} then 1 else 0 end)
                    over (partition by {{ groups }}) as _primary_cells,
                count(*) over (partition by {{ groups }}) as _cells
            from {{ relation }} as cells
        ) as ranked
    ) as reaching
{% endmacro %}
