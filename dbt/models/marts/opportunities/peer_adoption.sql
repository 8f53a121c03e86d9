{#- Every peer-adoption figure the opportunity finder can match: the analysts' own and
    Eurostat's isoc_eb_ai purposes mapped to functions (seed
    benchmark_eurostat_purposes), with the publication each comes from. -#}
with

analysts as (
    select * from {{ ref('stg_benchmarks__peer_adoption') }}
),

eurostat as (
    select * from {{ ref('stg_benchmarks__eurostat_ai_use') }}
),

purposes as (
    select * from {{ ref('benchmark_eurostat_purposes') }}
),

analyst_figures as (
    select
        'analysts|' || benchmark_key as benchmark_key,
        business_function,
        process_name,
        sector,
        size_class,
        country,
        benchmark_year,
        adoption_share,
        publication_title,
        publication_date,
        publication_url,
        'analysts' as benchmark_origin
    from analysts
),

eurostat_figures as (
    select
        'eurostat|' || eurostat.observation_key as benchmark_key,
        purposes.function as business_function,
        cast(null as {{ dbt.type_string() }}) as process_name,
        eurostat.sector,
        eurostat.size_class,
        eurostat.country,
        eurostat.benchmark_year,
        eurostat.adoption_share,
        'Eurostat, use of AI by enterprises (isoc_eb_ai)' as publication_title,
        cast(null as date) as publication_date,
        'https://ec.europa.eu/eurostat/databrowser/view/isoc_eb_ai/default/table' as publication_url,
        'eurostat' as benchmark_origin
    from eurostat
    inner join purposes on eurostat.indic_is = purposes.indic_is
),

final as (
    select * from analyst_figures
    union all
    select * from eurostat_figures
)

select * from final
