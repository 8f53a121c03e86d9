{#- Fails for each unit that appears both with and without an initiative in a family
    mart: a unit an initiative covers is never repeated as uncovered. -#}
{% test one_coverage_per_unit(model) %}
    select
        unit_type,
        unit_id
    from {{ model }}
    group by unit_type, unit_id
    having count(initiative_id) > 0 and count(initiative_id) < count(*)
{% endtest %}
