{#- Customer feedback panel: CSAT and NPS answer counts per region and month. -#}
with

responses as (
    select * from {{ ref('stg_feedback__responses') }}
),

final as (
    select
        region,
        response_month as month_start,
        sum(case when survey_type = 'csat' then 1 else 0 end) as csat_responses,
        sum(case when survey_type = 'csat' and score >= 4 then 1 else 0 end) as csat_satisfied,
        sum(case when survey_type = 'nps' then 1 else 0 end) as nps_responses,
        sum(case when survey_type = 'nps' and score >= 9 then 1 else 0 end) as nps_promoters,
        sum(case when survey_type = 'nps' and score <= 6 then 1 else 0 end) as nps_detractors
    from responses
    group by region, response_month
)

select * from final
