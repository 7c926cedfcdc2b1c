"""Map the per-report function over the inputs: in process, on a process pool, or on Dask.

The per-report work is `pipeline.extract_report` (input file in, datasets and anomalies out,
no shared state), so an engine only maps it; no engine changes the results.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

log = logging.getLogger("extract.engines")

Work = Callable[[Path], Any]
OnError = Callable[[Path, BaseException], Any]
Meanwhile = Callable[[], Any] | None
WORKER_NICENESS = 5  # workers yield the CPU to the coordinator's critical path (GX import)


def _progress(items: Iterator[Any], total: int) -> Iterator[Any]:
    """A progress bar over reports on a terminal; plain logs elsewhere (CI, pipes)."""
    if not sys.stderr.isatty() or total < 2:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, total=total, unit="report", file=sys.stderr, leave=False)


def serial(work: Work, inputs: list[Path], on_error: OnError) -> list[Any]:
    out = []
    for path in _progress(iter(inputs), len(inputs)):
        try:
            out.append(work(path))
        except Exception as err:  # work catches its own failures; this is a last resort
            out.append(on_error(path, err))
    return out


def _lower_priority() -> None:
    """Pool initializer: while the workers extract, this process imports Great Expectations
    (`meanwhile`), the one step every later stage waits for; let it have a core of its own."""
    if hasattr(os, "nice"):
        os.nice(WORKER_NICENESS)


def process_pool(work: Work, inputs: list[Path], on_error: OnError, workers: int,
                 meanwhile: Meanwhile = None) -> list[Any]:
    """A process pool; a worker that dies costs only its report. A dead worker breaks the
    whole pool, so the reports caught in it are redone one by one, each in its own process.
    `meanwhile` runs in this process once every report is handed out."""
    results: dict[Path, Any] = {}
    broken: list[Path] = []
    with ProcessPoolExecutor(max_workers=workers, initializer=_lower_priority) as pool:
        futures = {pool.submit(work, p): p for p in inputs}
        if meanwhile is not None:
            meanwhile()
        for fut in _progress(as_completed(futures), len(futures)):
            path = futures[fut]
            try:
                results[path] = fut.result()
            except BrokenProcessPool:
                broken.append(path)
            except Exception as err:
                log.error("%s: worker failed: %s", path, err)
                results[path] = on_error(path, err)
    for path in broken:
        with ProcessPoolExecutor(max_workers=1) as alone:
            try:
                results[path] = alone.submit(work, path).result()
            except (BrokenProcessPool, Exception) as err:
                log.error("%s: worker died: %s", path, err or type(err).__name__)
                results[path] = on_error(path, err)
    return [results[p] for p in inputs]


def dask(work: Work, inputs: list[Path], on_error: OnError, workers: int,
         scheduler: str | None = None, meanwhile: Meanwhile = None) -> list[Any]:
    """Dask distributed: a local cluster by default, or the scheduler at `scheduler`;
    `meanwhile` runs in this process once every report is handed out."""
    try:
        from distributed import Client, LocalCluster
    except ImportError as err:
        raise SystemExit("--engine dask needs the dask extra: pip install 'iess-extract[dask]'") from err
    if scheduler:
        client = Client(scheduler)
        cluster = None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    try:
        futures = client.map(work, inputs, pure=False)
        if meanwhile is not None:
            meanwhile()
        out = []
        for path, fut in zip(inputs, futures, strict=True):
            try:
                out.append(fut.result())
            except Exception as err:
                out.append(on_error(path, err))
        return out
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
