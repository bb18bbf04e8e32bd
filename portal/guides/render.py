"""A guide's body as safe HTML, with its own pictures only, and the official links it points to."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markupsafe import Markup

from portal.core import markdown
from portal.guides.models import Guide, GuideImage

_parser = MarkdownIt("commonmark", {"html": False, "linkify": False})


def body_html(guide: Guide, lang: str, image_url: Callable[[GuideImage], str]) -> Markup:
    """The body in `lang` (Vietnamese when there is no English) rendered and sanitised; `![text](image:<id>)`
    shows only this guide's pictures, at `image_url(image)`."""
    own = {image.id: image for image in guide.images}

    def image_src(image_id: int) -> str | None:
        return image_url(own[image_id]) if image_id in own else None

    return Markup(markdown.render(guide.text("body", lang), image_src))  # noqa: S704 (sanitised by nh3)


def official_links(text: str) -> list[tuple[str, str]]:
    """The https links a body points to, once each in order of appearance, as (words, address); a link with no
    words of its own is named by its host."""
    links: dict[str, str] = {}
    for block in _parser.parse(text or ""):
        children = block.children or []
        for n, token in enumerate(children):
            href = token.attrGet("href") if token.type == "link_open" else None
            if not href or urlsplit(str(href)).scheme != "https" or href in links:
                continue
            words = []
            for child in children[n + 1:]:
                if child.type == "link_close":
                    break
                words.append(child.content)
            links[str(href)] = "".join(words).strip() or urlsplit(str(href)).hostname or str(href)
    return [(words, href) for href, words in links.items()]
