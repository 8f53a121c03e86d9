{#- Opportunity finder, competitive analysis: for each process (per department) the share
    of peers using AI in its business function and the competitor moves on it.

    A figure fits when it names the process itself, or no process and the process's
    function (seed benchmark_process_functions), and when each of its sector, size class
    and country is either blank (every) or the company's own (seed
    benchmark_company_profile). Of the figures that fit, the most specific wins (process
    over function, then sector, size class, country in that order), then the latest year.
    A move counts for the process it names, or, naming none, for every process of its
    function. has_* say whether each benchmark was delivered at all. -#}
with

candidates as (
    select
        process_name,
        department
    from {{ ref('int_opportunity_process_tasks') }}
),

functions as (
    select * from {{ ref('benchmark_process_functions') }}
),

-- One row even when the profile is left empty: then only figures covering everyone fit.
profile as (
    select
        max(sector) as sector,
        max(sector_label) as sector_label,
        max(size_class) as size_class,
        max(country) as country
    from {{ ref('benchmark_company_profile') }}
),

figures as (
    select * from {{ ref('peer_adoption') }}
),

moves as (
    select * from {{ ref('competitor_moves') }}
),

figure_count as (
    select count(*) as figures from figures
),

move_count as (
    select count(*) as moves from moves
),

delivered as (
    select
        figure_count.figures > 0 as has_peer_adoption,
        move_count.moves > 0 as has_competitor_moves
    from figure_count
    cross join move_count
),

mapped as (
    select
        candidates.process_name,
        candidates.department,
        functions.function as business_function
    from candidates
    left join functions on candidates.process_name = functions.process_name
),

fitting as (
    select
        mapped.process_name,
        mapped.department,
        figures.benchmark_key,
        figures.adoption_share,
        figures.benchmark_year,
        figures.publication_title,
        figures.publication_url,
        figures.process_name is not null as matches_process,
        figures.sector is not null as matches_sector,
        figures.size_class is not null as matches_size,
        figures.country is not null as matches_country,
        profile.sector_label,
        profile.country
    from mapped
    cross join profile
    inner join figures
        on (
            mapped.process_name = figures.process_name
            or (figures.process_name is null and mapped.business_function = figures.business_function)
        )
        and (figures.sector is null or profile.sector = figures.sector)
        and (figures.size_class is null or profile.size_class = figures.size_class)
        and (figures.country is null or profile.country = figures.country)
),

ranked as (
    select
        *,
        row_number() over (
            partition by process_name, department
            order by
                matches_process desc, matches_sector desc, matches_size desc, matches_country desc,
                benchmark_year desc, benchmark_key asc
        ) as fit_rank
    from fitting
),

best as (
    select
        process_name,
        department,
        adoption_share,
        benchmark_year,
        publication_title,
        publication_url,
        case when matches_sector then coalesce(sector_label, 'companies of your sector') else 'companies' end
        || case when matches_size then ' of your size' else '' end
        || case when matches_country then ' in ' || country else '' end as peer_group,
        concat_ws(
            ' + ',
            case when matches_process then 'process' else 'function' end,
            case when matches_sector then 'sector' end,
            case when matches_size then 'size class' end,
            case when matches_country then 'country' end
        ) as match_level
    from ranked
    where fit_rank = 1
),

move_counts as (
    select
        mapped.process_name,
        mapped.department,
        count(*) as competitor_moves,
        {{ ordered_string_agg(
            "moves.competitor || ': ' || moves.use_case || ' (' || moves.confidence || ')'",
            "'; '",
            'moves.move_key'
        ) }} as competitor_move_list
    from mapped
    inner join moves
        on
            mapped.process_name = moves.process_name
            or (moves.process_name is null and mapped.business_function = moves.business_function)
    group by mapped.process_name, mapped.department
),

final as (
    select
        mapped.process_name,
        mapped.department,
        mapped.business_function,
        best.adoption_share as peer_adoption_share,
        best.benchmark_year as peer_adoption_year,
        best.peer_group,
        best.match_level as peer_match_level,
        best.publication_title as peer_source,
        best.publication_url as peer_source_url,
        case when delivered.has_competitor_moves then coalesce(move_counts.competitor_moves, 0) end
            as competitor_moves,
        move_counts.competitor_move_list,
        delivered.has_peer_adoption,
        delivered.has_competitor_moves
    from mapped
    cross join delivered
    left join best on mapped.process_name = best.process_name and mapped.department = best.department
    left join move_counts
        on mapped.process_name = move_counts.process_name and mapped.department = move_counts.department
)

select * from final
