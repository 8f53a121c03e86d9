{#- Revenue panel: one row per region and month. A customer is active while they ordered
    in the trailing 12 months; "new" customers are active at the end of the month but not
    at its start (first orders, and customers back after a year without orders), so that
    retention = (active at end - new) / active at start = retained / active at start.
    Retention needs a full trailing year of orders: in the first 12 months of the orders
    no customer can have lapsed yet, so it would read 100%. Those months have no retained
    customers (null), and so no retention or CLV.
    Margin and product are optional in the orders: a month's gross margin (and so its CLV)
    and AI-enabled revenue are known only if every order of it carries the field, else
    null, so int_metric_values leaves them out rather than reading zero.

    Incremental by month: the month's orders are summed whole (one pass over the orders),
    but the customers active at each month's start and end, which join every customer's
    months with the trailing year of every month, are counted again only for the months
    an order changed in and the 12 after (rows loaded since the last build, a month whose
    count of orders moved: the month a restated order left); the other months keep
    theirs. Only rows that changed are merged. Regions or months that vanish (retracted
    rows) need a full refresh, which the pipeline runs then. -#}
{{ config(
    unique_key=['region', 'month_start'],
    **monthly_increments(),
) }}

with

months as (
    select * from {{ ref('int_months') }}
),

orders as (
    select * from {{ ref('stg_sales__orders') }}
),

ai_enabled_products as (
    select product_id from {{ ref('stg_products__launches') }}
    where is_ai_enabled
),

regions as (
    select distinct region from orders
),

-- The first month whose trailing 12 months all lie within the orders.
first_full_year as (
    select {{ dbt.dateadd('month', 12, 'min(order_month)') }} as month_start
    from orders
),

monthly_orders as (
    select
        orders.region,
        orders.order_month as month_start,
        count(*) as orders,
        sum(orders.order_amount) as revenue,
        -- count() skips nulls: a total over only some of the orders would understate it.
        case when count(orders.order_margin) = count(*) then sum(orders.order_margin) end as gross_margin,
        case
            when count(orders.product_id) = count(*)
                then sum(case when ai_enabled_products.product_id is not null then orders.order_amount else 0 end)
        end as ai_enabled_revenue
    from orders
    left join ai_enabled_products on orders.product_id = ai_enabled_products.product_id
    group by orders.region, orders.order_month
),

{% if is_incremental() %}
    built as (
        select * from {{ this }}
    ),

    changed_order_months as (
        select order_month as month_start from orders
        where loaded_at > (select max(built.loaded_at) from built)
        union
        select monthly_orders.month_start
        from monthly_orders
        left join built
            on monthly_orders.region = built.region and monthly_orders.month_start = built.month_start
        where built.region is null or built.orders != monthly_orders.orders
    ),

    -- An order counts its customer active for its month and the 12 after.
    recounted_months as (
        select months.month_start
        from months
        inner join changed_order_months
            on
                months.month_start >= changed_order_months.month_start
                and months.month_start <= {{ dbt.dateadd('month', 12, 'changed_order_months.month_start') }}
        union
        select month_start from months
        where month_start not in (select built.month_start from built)
    ),
{% endif %}

customer_months as (
    select distinct
        customer_id,
        region,
        order_month as month_start
    from orders
),

customer_activity as (
    select
        customer_months.region,
        customer_months.customer_id,
        months.month_start,
        max(case when customer_months.month_start < months.month_start then 1 else 0 end)
            as active_at_start,
        max(case
            when customer_months.month_start > {{ dbt.dateadd('month', -12, 'months.month_start') }}
                then 1
            else 0
        end) as active_at_end
    from months
    inner join customer_months
        on
            months.month_start >= customer_months.month_start
            and customer_months.month_start >= {{ dbt.dateadd('month', -12, 'months.month_start') }}
    {% if is_incremental() -%}
        where months.month_start in (select recounted_months.month_start from recounted_months)
    {% endif -%}
    group by customer_months.region, customer_months.customer_id, months.month_start
),

active_customers as (
    select
        region,
        month_start,
        sum(active_at_start) as customers_at_start,
        sum(active_at_end) as customers_at_end,
        sum(case when active_at_end = 1 and active_at_start = 0 then 1 else 0 end) as new_customers
    from customer_activity
    group by region, month_start
    {% if is_incremental() -%}
        union all
        select
            region,
            month_start,
            customers_at_start,
            customers_at_end,
            new_customers
        from built
        where month_start not in (select recounted_months.month_start from recounted_months)
    {%- endif %}
),

counts as (
    select
        regions.region,
        months.month_start,
        coalesce(monthly_orders.orders, 0) as orders,
        coalesce(monthly_orders.revenue, 0) as revenue,
        -- Zero in a month without orders; unknown (null) stays unknown otherwise.
        case when monthly_orders.region is null then 0 else monthly_orders.gross_margin end as gross_margin,
        case when monthly_orders.region is null then 0 else monthly_orders.ai_enabled_revenue end
            as ai_enabled_revenue,
        coalesce(active_customers.customers_at_start, 0) as customers_at_start,
        coalesce(active_customers.customers_at_end, 0) as customers_at_end,
        coalesce(active_customers.new_customers, 0) as new_customers
    from regions
    cross join months
    left join monthly_orders
        on regions.region = monthly_orders.region and months.month_start = monthly_orders.month_start
    left join active_customers
        on regions.region = active_customers.region and months.month_start = active_customers.month_start
),

retained as (
    select
        counts.*,
        case
            when counts.month_start >= first_full_year.month_start
                then counts.customers_at_end - counts.new_customers
        end as retained_customers
    from counts
    cross join first_full_year
),

retention as (
    select
        retained.*,
        cast(retained.retained_customers as {{ type_double() }})
        / nullif(retained.customers_at_start, 0) as customer_retention,
        retained.gross_margin / nullif(retained.customers_at_end, 0) as margin_per_customer
    from retained
),

panel as (
    select
        retention.*,
        {{ customer_lifetime_value('margin_per_customer', 'customer_retention', var('clv_annual_discount_rate')) }}
            as customer_lifetime_value
    from retention
),

changed as (
    {{ changed_rows('panel') }}
),

final as (
    select
        changed.*,
        cast(current_timestamp as {{ dbt.type_timestamp() }}) as loaded_at
    from changed
)

select * from final
