"""The guide model's language fallback and the public point codes."""
from portal.guides.models import point_code, point_id_from_code


def test_english_falls_back_to_vietnamese_until_both_title_and_body_exist(make_guide):
    guide = make_guide(english=False)
    assert guide.text("title", "en") == guide.title_vi
    guide.title_en = "Only a title"
    assert not guide.has_english and guide.text("title", "en") == guide.title_vi
    english = make_guide(english=True)
    assert english.text("title", "en") == english.title_en
    assert english.text("body", "vi") == english.body_vi


def test_point_codes_round_trip_and_refuse_anything_else(guides_world):
    code = point_code(guides_world.point)
    assert point_id_from_code(code) == guides_world.point.id
    for bad in ("", "p", "x5", "p5a", "p-1", "p" + "9" * 12, "P5"):
        assert point_id_from_code(bad) is None
