"""The home page: a welcome for visitors, each of their roles' status and work for people signed in."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from portal import access
from portal.campaigns import services as campaigns
from portal.home import bp
from portal.home import services as home


@bp.route("/")
@access.public
def index():
    """The welcome page for visitors; for people who are signed in, each of their roles' status and work."""
    if current_user.is_authenticated:
        return render_template("home/index.html", **home.sections(current_user))
    current = [c for c in campaigns.listing(include_drafts=False) if c.status == "open"]
    branches, points = campaigns.directory_counts()
    return render_template("home/welcome.html", campaigns=current, branches=branches, points=points)
