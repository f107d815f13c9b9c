"""Background jobs by stable name: `enqueue("rank_profile", profile_id)` before the commit.

registry.py  names -> entry points (matchmaker/tasks.py), resolved lazily
dispatch.py  enqueue(), and the hand-over after the commit (after the response in a request)
redisq.py    Redis connections and handing jobs to RQ
runner.py    running a recorded job, the sweep, retries, the worker
"""

from matchmaker.jobs.dispatch import enqueue, in_web_process
from matchmaker.jobs.redisq import queue, redis_client
from matchmaker.jobs.registry import JOBS, UnknownJob
from matchmaker.jobs.runner import retry_all, run_job, sweep, worker_class

__all__ = [
    "JOBS",
    "UnknownJob",
    "enqueue",
    "in_web_process",
    "queue",
    "redis_client",
    "retry_all",
    "run_job",
    "sweep",
    "worker_class",
]
