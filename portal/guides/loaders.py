"""Loaders of the organisers' guide views: the guide or picture named by the URL, else 404 (the role is checked
by the route's access rule: organisers reach every guide)."""
from __future__ import annotations

from flask import abort

from portal.extensions import db
from portal.guides.models import Guide, GuideImage


def guide_or_404(guide_id: int) -> Guide:
    """The guide of any status (organisers see drafts too)."""
    return db.get_or_404(Guide, guide_id)


def image_or_404(guide_id: int, image_id: int) -> tuple[Guide, GuideImage]:
    """A picture of the guide named by the URL; one of another guide is not found here."""
    guide = guide_or_404(guide_id)
    image = db.session.get(GuideImage, image_id)
    if image is None or image.guide_id != guide.id:
        abort(404)
    return guide, image
