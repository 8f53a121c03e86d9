{#- Employee satisfaction: job satisfaction, eNPS, self-rated productivity, AI adoption and
    turnover per initiative, department and month, against each department's baseline,
    with the attributed effect. Cells of fewer than 5 people are suppressed. -#}
{{ family_metrics('employee_satisfaction', min_cell_size=var('min_hr_cell_size')) }}
