"""The organisers' paper settings: one form, saved all or nothing and audited; only admins reach it; the
signature PNG keeps its transparency and loses its metadata."""
import io

from PIL import Image, PngImagePlugin
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.certificates.issuers import CertificateIssuer, CertificatePaper, SignatureImage
from portal.certificates.paper_demo import ISSUERS, demo_signature
from portal.extensions import db


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _with_metadata(png: bytes) -> bytes:
    """The PNG with a text chunk (a camera's or an editor's note) that the portal must drop."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Máy quét văn phòng Thành đoàn")
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def _form(**changes) -> dict:
    return {**ISSUERS, **changes}


def test_an_organiser_sets_two_co_issuers_with_a_transparent_signature(season, auth, client):
    campaign, admin = season.campaign, season.people["admin"]
    auth.as_(admin)
    url = f"/campaigns/{campaign.slug}/certificates/paper"
    assert 'id="certificate-paper-form"' in client.get(url).get_data(as_text=True)
    data = _form(signature_1=(io.BytesIO(_with_metadata(demo_signature(1))), "chu-ky.png"))
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    first, second = db.session.scalars(select(CertificateIssuer).order_by(CertificateIssuer.position)).all()
    assert (first.parent_body, first.issuing_body, first.on_behalf, first.signatory_title) == (
        "THÀNH ĐOÀN HÀ NỘI", "BAN THƯỜNG VỤ", "TM. BAN THƯỜNG VỤ", "PHÓ BÍ THƯ")
    assert first.signatory_name == "Nguyễn Minh Khôi" and second.short_name == "TTPVHCC"
    assert second.signature_sha256 is None
    image = db.session.get(SignatureImage, first.signature_sha256)
    kept = Image.open(io.BytesIO(image.data))
    assert kept.format == "PNG" and kept.mode == "RGBA" and kept.getchannel("A").getextrema()[0] == 0
    assert "Author" not in kept.info and b"Author" not in image.data
    assert db.session.scalar(select(CertificatePaper.place)) == "Hà Nội"
    assert db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id.desc())).first() == (
        "certificate_paper.save")


def test_bad_input_is_refused_with_its_reason_and_nothing_is_written(season, auth, client):
    campaign = season.campaign
    auth.as_(season.people["admin"])
    url = f"/campaigns/{campaign.slug}/certificates/paper"
    events = _count(AuditEvent)
    cases = [
        (_form(signatory_name_1=""), "signatory_name_1"),
        (_form(short_name_2="", signatory_name_2="Ai đó"), "short_name_2"),
        (_form(place="   "), "place"),
        (_form(motto="empire"), "motto"),
        (_form(signature_1=(io.BytesIO(b"GIF89a not a png"), "chu-ky.png")), "signature_1"),
        (_form(signature_2=(io.BytesIO(_opaque_png()), "chu-ky.png")), "signature_2"),
    ]
    for data, field in cases:
        response = client.post(url, data=data, content_type="multipart/form-data")
        page = response.get_data(as_text=True)
        assert response.status_code == 422 and f'id="{field}-error"' in page, field  # beside the field
        assert f'href="#{field}"' in page, field  # and in the summary at the top
    assert _count(CertificateIssuer) == 0 and _count(SignatureImage) == 0 and _count(CertificatePaper) == 0
    assert _count(AuditEvent) == events


def _opaque_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


def test_only_admins_reach_the_paper_settings(season, auth, client, make_user):
    url = f"/campaigns/{season.campaign.slug}/certificates/paper"
    assert client.get(url).status_code in (302, 303)
    for role in ("student", "leader", "trainer"):
        auth.as_(make_user(role=role))
        assert client.get(url).status_code == 403
        assert client.post(url, data=_form(), content_type="multipart/form-data").status_code == 403
        auth.logout()
    assert _count(CertificateIssuer) == 0


def test_the_second_issuer_is_removed_when_its_fields_are_emptied(season, auth, client):
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/paper"
    assert client.post(url, data=_form(), content_type="multipart/form-data").status_code == 303
    empty = {key: "" for key in ISSUERS if key.endswith("_2")}
    assert client.post(url, data=_form(**empty), content_type="multipart/form-data").status_code == 303
    assert [i.position for i in db.session.scalars(select(CertificateIssuer))] == [1]


def test_htmx_gets_the_form_alone_back_with_its_errors(season, auth, client):
    auth.as_(season.people["admin"])
    url = f"/campaigns/{season.campaign.slug}/certificates/paper"
    response = client.post(url, data=_form(issuing_body_1=""), content_type="multipart/form-data",
                           headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "<html" not in page and 'id="certificate-paper-form"' in page
    assert 'id="issuing_body_1-error"' in page and "HX-Request" in response.headers["Vary"]
