"""Several app servers, one truth: tests that start real servers and workers (run on their own, not by `make test`)."""
