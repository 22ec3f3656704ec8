"""The environment marks of a worker process (standard library only: the worker reads them
before anything else is imported)."""

MARK = "OPTIMISER_WORKER"  # in every worker's environment (and its children's): its token
STORE_MARK = "OPTIMISER_WORKER_STORE"  # and the job store it serves
THREADS_MARK = "OPTIMISER_WORKER_THREADS"  # the thread count fixed for its solves, if any
