"""Background jobs: the queue every domain declares its jobs on, and the worker that runs them."""
