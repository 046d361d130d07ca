"""The default worker count follows CPUs and is cut down when memory is short."""

from auditor.settings import MB_PER_WORKER, MB_RESERVED, available_memory_mb, default_concurrency


def test_one_worker_per_cpu_when_memory_is_plenty():
    assert default_concurrency(cpus=4, free_mb=64_000) == 4


def test_memory_caps_workers_below_cpu_count():
    free = MB_RESERVED + 2 * MB_PER_WORKER + 10
    assert default_concurrency(cpus=8, free_mb=free) == 2


def test_never_below_one_even_without_memory():
    assert default_concurrency(cpus=8, free_mb=100) == 1
    assert default_concurrency(cpus=0, free_mb=None) == 1


def test_capped_on_very_large_machines():
    assert default_concurrency(cpus=128, free_mb=10**6) == 16


def test_reads_real_memory_on_this_machine():
    free = available_memory_mb()
    assert free is None or free > 0
    assert default_concurrency() >= 1
