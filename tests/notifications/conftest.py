import uuid

import pytest

from tests.support import Worker, publishing_to, stop_process


@pytest.fixture
def queue(redis_server):
    """This process hands its tasks to `redis_server`, on a queue of the test's own."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    with publishing_to(redis_server.url, name):
        yield name


@pytest.fixture
def start_worker(redis_server, queue, mail_dir, tmp_path):
    """start_worker(backend="", **env) starts a worker on the test's queue; every worker
    started is stopped (or killed) when the test ends, and its log printed."""
    workers: list[Worker] = []

    def start(backend: str = "", **env: str) -> Worker:
        worker = Worker(
            broker_url=redis_server.url,
            queue=queue,
            mail_dir=mail_dir,
            log_path=tmp_path / f"worker-{len(workers) + 1}.log",
            backend=backend,
            env=env,
        )
        workers.append(worker)
        return worker.start()

    try:
        yield start
    finally:
        for worker in workers:
            if worker.process is not None:
                stop_process(worker.process)
            print(f"--- {worker.log_path.name}\n{worker.log()}")
