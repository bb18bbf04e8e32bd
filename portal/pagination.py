"""Pagination of multi-column selects (Flask-SQLAlchemy's paginates the first column only)."""
from __future__ import annotations

from flask import request
from flask_sqlalchemy.pagination import SelectPagination

from portal.core.converters import small_int
from portal.extensions import db

MAX_PAGE = 100_000


def page_number() -> int:
    """The `page` query argument, 1 when missing or absurd (so no query gets a huge OFFSET)."""
    return small_int(request.args.get("page"), default=1, maximum=MAX_PAGE)


class RowPagination(SelectPagination):
    """Pages of whole result rows, e.g. (User, status, Completion)."""

    def _query_items(self) -> list:
        """The rows of the current page."""
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).all())


def paginate_rows(select, per_page: int) -> RowPagination:
    """Paginate a select by the request's `page` argument; out-of-range pages are empty, not errors."""
    return RowPagination(select=select, session=db.session(), page=page_number(), per_page=per_page,
                         max_per_page=None, error_out=False, count=True)


class ListPage:
    """A page of an already computed list, with the same attributes the pager macro reads."""

    def __init__(self, items: list, page: int, per_page: int):
        self.total = len(items)
        self.per_page = per_page
        self.pages = max((self.total + per_page - 1) // per_page, 1)
        self.page = min(page, self.pages)
        self.items = items[(self.page - 1) * per_page:self.page * per_page]
        self.has_prev, self.prev_num = self.page > 1, self.page - 1
        self.has_next, self.next_num = self.page < self.pages, self.page + 1


def paginate_list(items: list, per_page: int) -> ListPage:
    """Paginate a list by the request's `page` argument; past the end shows the last page."""
    return ListPage(items, page_number(), per_page)
