"""Markdown written by staff (training modules, guides) rendered to HTML, then sanitised, so no script can be
stored through it. Guides may show their own pictures: `![text](image:<id>)`, resolved by the caller."""
from __future__ import annotations

import re
from collections.abc import Callable

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "h1", "h2", "h3", "h4", "blockquote", "code", "pre",
    "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_IMAGE_REF = re.compile(r"^image:(\d{1,9})$")


def render(markdown_text: str, image_src: Callable[[int], str | None] | None = None) -> str:
    """Render Markdown to sanitised HTML: raw HTML is escaped, then only safe tags survive.

    Without `image_src` no picture survives. With it, `![text](image:<id>)` becomes an <img> whose address is
    `image_src(id)`; an id it does not know (None) and any other picture address are dropped."""
    tokens = _md.parse(markdown_text or "")
    tags, attributes = ALLOWED_TAGS, ALLOWED_ATTRIBUTES
    if image_src is not None:
        for token in tokens:
            for child in token.children or ():
                if child.type == "image":
                    match = _IMAGE_REF.match(child.attrGet("src") or "")
                    src = image_src(int(match.group(1))) if match else None
                    if src:
                        child.attrSet("src", src)
                        child.attrSet("loading", "lazy")
                    else:  # an unknown picture: its words stay, as text
                        child.type, child.children, child.attrs = "text", None, {}
        tags = ALLOWED_TAGS | {"img"}
        attributes = {**ALLOWED_ATTRIBUTES, "img": {"src", "alt", "width", "height", "loading"}}
    html = _md.renderer.render(tokens, _md.options, {})
    return nh3.clean(
        html,
        tags=tags,
        attributes=attributes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
