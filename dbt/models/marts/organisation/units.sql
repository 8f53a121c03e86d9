{#- Every unit of the organisation: those the data names (learnt from the landing files)
    and those the organisation file declares, with its label and parent where declared.
    Nothing here lists a company's units: they come from its data. -#}
with

declared as (
    select * from {{ ref('stg_organisation__units') }}
),

seen as (
    {%- set unit_columns = [
        ('department', 'stg_hr__survey_responses', 'department'),
        ('department', 'stg_hr__roster', 'department'),
        ('department', 'stg_operations__tasks', 'department'),
        ('department', 'stg_operations__task_counts', 'department'),
        ('team', 'stg_hr__survey_responses', 'team'),
        ('team', 'stg_hr__roster', 'team'),
        ('support_team', 'stg_operations__tasks', 'team'),
        ('support_team', 'stg_operations__task_counts', 'team'),
        ('region', 'stg_sales__orders', 'region'),
        ('region', 'stg_sales__customers', 'region'),
        ('region', 'stg_feedback__responses', 'region'),
        ('production_line', 'stg_quality__inspections', 'line_id'),
        ('production_line', 'stg_quality__inspection_counts', 'line_id'),
        ('production_line', 'stg_quality__production_runs', 'line_id'),
        ('production_line', 'stg_quality__claims', 'line_id'),
        ('rnd_team', 'stg_products__launches', 'rnd_team'),
    ] %}
    {%- for unit_type, model, column in unit_columns %}
        select distinct
            '{{ unit_type }}' as unit_type,
            {{ column }} as unit_id
        from {{ ref(model) }}
        where {{ column }} is not null
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

seen_units as (
    select distinct
        unit_type,
        unit_id
    from seen
),

units as (
    select
        unit_type,
        unit_id
    from seen_units
    union
    select
        unit_type,
        unit_id
    from declared
),

final as (
    select
        units.unit_type,
        units.unit_id,
        coalesce(declared.unit_label, units.unit_id) as unit_label,
        declared.parent_type,
        declared.parent_id,
        declared.unit_id is not null as is_declared,
        seen_units.unit_id is not null as is_in_data
    from units
    left join declared
        on units.unit_type = declared.unit_type and units.unit_id = declared.unit_id
    left join seen_units
        on units.unit_type = seen_units.unit_type and units.unit_id = seen_units.unit_id
)

select * from final
