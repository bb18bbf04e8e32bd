"""Staff Markdown rendered and sanitised: pictures only through the caller's image_src, never a foreign address."""
from portal.core.markdown import render


def known(image_id: int) -> str | None:
    return f"/g/demo/img/{image_id}" if image_id == 7 else None


def test_a_known_picture_becomes_a_lazy_image():
    html = render("![Màn hình VNeID](image:7)", known)
    assert '<img src="/g/demo/img/7" alt="Màn hình VNeID" loading="lazy">' in html


def test_an_unknown_picture_or_a_foreign_address_stays_as_its_words():
    html = render("![Ảnh lạ](image:8) và ![Theo dõi](https://tracker.example/pixel.png)", known)
    assert "<img" not in html and "Ảnh lạ" in html and "Theo dõi" in html and "tracker.example" not in html


def test_without_image_src_no_picture_survives():
    html = render("![Màn hình](image:7)\n\n![Ảnh](https://example.org/a.png)")
    assert "<img" not in html


def test_script_and_raw_html_never_survive_around_pictures():
    html = render('<script>alert(1)</script>\n\n![x" onerror="alert(1)](image:7)', known)
    assert "<script" not in html and "&lt;script&gt;" in html
    assert '<img src="/g/demo/img/7" alt="x&quot; onerror=&quot;alert(1)" loading="lazy">' in html  # words, not code
