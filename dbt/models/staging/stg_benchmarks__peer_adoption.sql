{#- Analysts' peer-adoption figures. A blank sector, size class or country means the figure
    covers every one; the key spells blanks out so a redelivered figure replaces its
    earlier load. -#}
with

source as (
    select
        *,
        concat_ws(
            '|',
            function,
            coalesce(process, '*'),
            coalesce(sector, '*'),
            coalesce(size_class, '*'),
            coalesce(country, '*'),
            cast(year as {{ dbt.type_string() }}),
            publication_title
        ) as benchmark_key
    from {{ source('raw', 'peer_adoption') }}
),

latest as (
    {{ deduplicate('source', 'benchmark_key', '_loaded_at desc, _source_file desc, _source_row desc') }}
),

renamed as (
    select
        benchmark_key,
        function as business_function,
        process as process_name,
        sector,
        size_class,
        country,
        year as benchmark_year,
        adoption_share,
        publication_title,
        publication_date,
        publication_url,
        _source_file as source_file
    from latest
)

select * from renamed
