"""Each role's home page: a status page and worklist computed in a fixed number of queries.

It sits on the top floor, above reports and privacy, so it may read every domain. No blueprint:
core.home renders it.
"""
