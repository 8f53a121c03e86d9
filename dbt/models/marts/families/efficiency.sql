{#- Efficiency: task duration, throughput, error and rework rates and task volume per
    initiative, unit and month, against each unit's own baseline, with the
    initiative-level attributed effect of each metric. -#}
{{ family_metrics('efficiency') }}
