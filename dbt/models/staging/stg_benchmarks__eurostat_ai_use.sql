{#- Eurostat's isoc_eb_ai as published: percentages of enterprises (unit PC_ENT) by purpose
    of AI use, size class, NACE sector and country. Eurostat's totals read as "every":
    all sectors (C10-S951_X_K), all sizes of 10+ persons (GE10, or the combined
    10_C10_S951_XK) and EU aggregates (EU27_2020 ...) become blanks. Withheld cells (no
    value, flag c or u) are left out. -#}
with

source as (
    select
        *,
        concat_ws(
            '|',
            indic_is,
            unit,
            coalesce(size_emp, '*'),
            coalesce(nace_r2, '*'),
            geo,
            cast(time_period as {{ dbt.type_string() }})
        ) as observation_key
    from {{ source('raw', 'eurostat_ai_use') }}
),

latest as (
    {{ deduplicate('source', 'observation_key', '_loaded_at desc, _source_file desc, _source_row desc') }}
),

renamed as (
    select
        observation_key,
        indic_is,
        case when nace_r2 != 'C10-S951_X_K' then nace_r2 end as sector,
        case when size_emp not in ('GE10', '10_C10_S951_XK') then size_emp end as size_class,
        case when geo not like 'EU%' then geo end as country,
        time_period as benchmark_year,
        obs_value / 100.0 as adoption_share,
        obs_flag as observation_flag,
        last_update as eurostat_last_update,
        _source_file as source_file
    from latest
    where unit = 'PC_ENT' and obs_value is not null
)

select * from renamed
