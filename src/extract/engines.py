"""Map a function over work items: in process, on a process pool, or on Dask.

The per-report work is `report.extract_report` (input file in, datasets and anomalies out,
no shared state), so an engine only maps it; no engine changes the results. The writes of
validated reports are mapped the same way (`serial` or `process_pool`, on this machine).
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from pathlib import Path
from typing import Any

from extract.textutil import safe

log = logging.getLogger("extract.engines")

Work = Callable[[Any], Any]  # one item (an input file, a report to write) in, its result out
OnError = Callable[[Any, BaseException], Any]  # the result that stands for a failed item
Meanwhile = Callable[[], Any] | None


_STAGE: ContextVar[str] = ContextVar("stage", default="processing")


@contextmanager
def stage(word: str) -> Iterator[None]:
    """Name the stage the maps in this block do (`extracting`, `writing`) in their progress."""
    token = _STAGE.set(word)
    try:
        yield
    finally:
        _STAGE.reset(token)


def _progress(items: Iterator[Any], total: int) -> Iterator[Any]:
    """A progress bar over reports on a terminal; plain logs elsewhere (CI, pipes)."""
    if not sys.stderr.isatty() or total < 2:
        yield from items
        return
    from tqdm import tqdm

    yield from tqdm(items, total=total, unit="report", file=sys.stderr, leave=False, desc=_STAGE.get())


def _done(k: int, total: int, item: Any) -> None:
    """`extracting 3/20 x.pdf`: progress in the log, on a terminal or not, with its stage."""
    if total > 1:
        log.info("%s %d/%d %s", _STAGE.get(), k, total, safe(item.name if isinstance(item, Path) else str(item)))


@contextmanager
def memory_capped(limit: int) -> Iterator[None]:
    """This process's address space capped at `limit` bytes in this block, where the platform
    allows: the soft limit lowered for the block, then put back (a pool worker capped at
    start, `report.limit_memory`, is left as it is). Work done in this process (`--workers 1`,
    a Dask worker) is held to the cap a pool worker is."""
    try:
        import resource
    except ImportError:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    lowered = soft == resource.RLIM_INFINITY or soft > limit
    if lowered:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            log.debug("memory limit not supported here")
            lowered = False
    try:
        yield
    finally:
        if lowered:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def serial(work: Work, items: list[Any], on_error: OnError) -> list[Any]:
    out = []
    for k, item in enumerate(_progress(iter(items), len(items)), 1):
        try:
            out.append(work(item))
        except Exception as err:  # work catches its own failures; this is a last resort
            out.append(on_error(item, err))
        _done(k, len(items), item)
    return out


def _start_worker(setup: Callable[[], Any] | None, parent: int, seats: Any = None) -> None:
    """Pool initializer: tied to `parent` (`tie_to_parent`), take a seat (wait while this
    process's `meanwhile` has the core), then `setup` (limits, say). Workers keep their
    priority: niced, they lost to any outside load (a run twice as slow)."""
    tie_to_parent(parent)
    if seats is not None:
        seats.acquire()
    if setup is not None:
        setup()


def tie_to_parent(parent: int) -> None:
    """In a process forked from `parent`: end (SIGTERM) when `parent` dies, by Linux's
    `PR_SET_PDEATHSIG`, elsewhere by a thread watching the parent pid, and at once if it died
    before; Ctrl-C ends this process quietly (the parent says what was kept)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if not _death_signal():
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


_PR_SET_PDEATHSIG = 1


def _death_signal() -> bool:
    """Ask Linux to SIGTERM this process when its parent dies; False where it cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM) == 0)
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


def process_pool(work: Work, items: list[Any], on_error: OnError, workers: int,
                 meanwhile: Meanwhile = None, setup: Callable[[], Any] | None = None,
                 held: int = 0) -> list[Any]:
    """A process pool; a worker that dies costs only its item. A dead worker breaks the
    whole pool, so the items caught in it are redone one by one, each in its own process.
    `meanwhile` runs in this process once every item is handed out, `held` of the workers
    waiting until it is done (so that it has a core of its own, without niceness, which
    loses to any outside load); `setup` runs in each worker as it starts."""
    results: dict[int, Any] = {}
    broken: list[int] = []
    held = min(held, workers - 1) if meanwhile is not None else 0
    seats = multiprocessing.get_context().Semaphore(workers - held)
    start = partial(_start_worker, setup, os.getpid(), seats)
    with ProcessPoolExecutor(max_workers=workers, initializer=start) as pool:
        futures = {pool.submit(work, item): i for i, item in enumerate(items)}
        try:
            if meanwhile is not None:
                meanwhile()
        finally:
            for _ in range(held):
                seats.release()
        for k, fut in enumerate(_progress(as_completed(futures), len(futures)), 1):
            i = futures[fut]
            _done(k, len(items), items[i])
            try:
                results[i] = fut.result()
            except BrokenProcessPool:
                broken.append(i)
            except Exception as err:
                log.error("%s: worker failed: %s", safe(str(items[i])), err)
                results[i] = on_error(items[i], err)
    for i in broken:
        with ProcessPoolExecutor(max_workers=1, initializer=partial(_start_worker, setup, os.getpid())) as alone:
            try:
                results[i] = alone.submit(work, items[i]).result()
            except (BrokenProcessPool, Exception) as err:
                log.error("%s: worker died: %s", safe(str(items[i])), err or type(err).__name__)
                results[i] = on_error(items[i], err)
    return [results[i] for i in range(len(items))]


def dask(work: Work, inputs: list[Any], on_error: OnError, workers: int,
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
