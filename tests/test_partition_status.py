"""A full build (no partition) covers every day: the daily models' partition status says
so, and a day whose run failed counts as covered again once a full build merged it."""

import datetime as dt

import dagster as dg
import pytest

from dagster_project.partitions import daily_partitions, days_not_materialized, record_full_build

DAY_BUILT, DAY_FAILED = "2024-01-02", "2024-01-03"


@dg.asset(partitions_def=daily_partitions)
def daily_facts(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    """Fails on DAY_FAILED; a full build records the days it covered, as the dbt step does."""
    if context.has_partition_key and context.partition_key == DAY_FAILED:
        raise RuntimeError("this day's files were bad")
    if not context.has_partition_key:
        record_full_build(context, [context.asset_key])
    return dg.MaterializeResult()


def full_build_events(result: dg.ExecuteInProcessResult) -> list[str]:
    return [
        event.partition for event in result.get_asset_materialization_events() if event.partition
    ]


def test_a_full_build_records_the_days_not_yet_materialized():
    key = daily_facts.key
    days = daily_partitions.get_partition_keys()
    with dg.DagsterInstance.ephemeral() as instance:
        dg.materialize([daily_facts], instance=instance, partition_key=DAY_BUILT)
        dg.materialize(
            [daily_facts], instance=instance, partition_key=DAY_FAILED, raise_on_error=False
        )
        before = days_not_materialized(instance, key)

        full_build = dg.materialize([daily_facts], instance=instance)
        again = dg.materialize([daily_facts], instance=instance)

        status = instance.get_status_by_partition(key, days, daily_partitions)
    assert DAY_FAILED in before and DAY_BUILT not in before
    assert len(before) == len(days) - 1
    assert sorted(full_build_events(full_build)) == before
    assert full_build_events(again) == []
    assert set(status.values()) == {dg.AssetPartitionStatus.MATERIALIZED}


@pytest.mark.e2e
def test_the_pipelines_full_build_leaves_no_day_missing(pipeline):
    from dagster_project.assets.dbt import dbt_daily_models

    record = pipeline.instance.get_run_record_by_id(pipeline.result.run_id)
    started = dt.datetime.fromtimestamp(record.start_time, tz=dt.UTC)
    days = daily_partitions.get_partition_keys(current_time=started)
    assert len(dbt_daily_models.keys) == 4
    assert len(days) > 1000  # 2024-01-01 to yesterday
    for key in dbt_daily_models.keys:
        status = pipeline.instance.get_status_by_partition(key, days, daily_partitions)
        missing = [day for day in days if status[day] != dg.AssetPartitionStatus.MATERIALIZED]
        assert missing == [], f"{key.to_user_string()}: {len(missing)} of {len(days)} missing"
