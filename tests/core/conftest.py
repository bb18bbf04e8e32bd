"""A small city with one object of every kind that a URL names, and people on both sides of each.

Used by the object-access matrix and the form fuzzer: `city` is a dict of named objects, and
`url_args(city, rule, **override)` fills a route's arguments from it by argument name.
"""
from datetime import time, timedelta

import pytest
from sqlalchemy import func, literal, select, union_all
from werkzeug.routing import IntegerConverter

from portal.campaigns.models import PointLeader
from portal.core import clock
from portal.extensions import db
from tests import factories

# Which object of the city each URL argument names, by default.
ARGUMENTS = {
    "user_id": "lan", "booking_id": "lan_booking", "shift_id": "shift", "point_id": "point",
    "module_id": "module", "session_id": "session", "case_id": "case", "host_id": "host",
    "message_id": "message", "run_id": "job_run", "template_id": "template", "batch_id": "batch", "item_id": "feedback",
    "code": "credential", "slug": "campaign", "export_id": "lan_export",
    "request_id": "data_request", "breach_id": "breach", "notice_id": "notice", "device_id": "device",
    "cover_id": "cover_request", "swap_id": "swap",
    "post_id": "post", "shift_message_id": "shift_message",
    "guide_id": "guide", "image_id": "guide_image",
}
OTHER_VALUES = {"action": "check_in", "kind": "hours", "fmt": "csv", "token": "x", "filename": "x"}


@pytest.fixture(scope="module")
def module_app(database_url):
    """One app for a whole test module (building an app and compiling its templates costs more than
    most tests); a module opts in by overriding `app` with `shared_app`."""
    from portal import create_app
    from tests.conftest import IsolatedClient, _test_config

    app = create_app(_test_config(database_url))
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def shared_app(module_app):
    """The module's app with a context pushed, and every table emptied after the test."""
    from tests.conftest import _clean

    with module_app.app_context():
        yield module_app
    _clean(module_app)


# The city is built once per database and then copied back row by row: dozens of tests use it.
_SNAPSHOTS: dict[str, tuple[dict, dict]] = {}


@pytest.fixture
def city(app, database_url, request):
    """The city of `_build_city`, restored from a snapshot after the first build (one INSERT per table)."""
    if database_url not in _SNAPSHOTS:
        built = _build_city(*(request.getfixturevalue(f) for f in
                              ("make_user", "make_campaign", "make_module", "make_point", "make_shift")))
        with db.engine.connect() as conn:
            rows = {t.name: [dict(r._mapping) for r in conn.execute(t.select())] for t in db.metadata.sorted_tables}
        _SNAPSHOTS[database_url] = rows, {name: (type(obj), obj.id) for name, obj in built.items()}
        return built
    rows, names = _SNAPSHOTS[database_url]
    db.session.remove()
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                conn.execute(table.insert(), rows[table.name])
                if conn.dialect.name == "postgresql" and "id" in table.c:
                    conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                         f"(SELECT max(id) FROM {table.name}))")
    return {name: db.session.get(cls, pk) for name, (cls, pk) in names.items()}


def _build_city(make_user, make_campaign, make_module, make_point, make_shift):
    """Campaign `campaign` (open) and `other_campaign`; `point` led by `leader`, `other_point` by
    `other_leader`; `trainer` assigned to `campaign`, `other_trainer` to `other_campaign`; students
    `lan` (booked on `shift`) and `minh` (booked on `other_shift`), both enrolled; `outsider` (a
    student of no campaign); `admin`; and a module, session, case, host, email, template, import
    batch, feedback item, credential and a shift of a draft campaign."""
    from portal.certificates import documents
    from portal.jobs.models import JobRun
    from portal.mail.models import OutboxMessage
    from portal.operations.models import CitizenFeedback
    from portal.referrals import services as referrals
    from portal.referrals.models import HostOrganisation
    from portal.shifts.models import Booking, ShiftTemplate
    from portal.training import signoff
    from portal.training.models import TrainingSession

    c = {"campaign": make_campaign(), "other_campaign": make_campaign(), "draft": make_campaign(status="draft")}
    c.update(point=make_point(), other_point=make_point())
    c.update(admin=make_user(role="admin", full_name="Trần Thị Quản Trị"),
             leader=make_user(role="leader", full_name="Phạm Thu Hà"),
             other_leader=make_user(role="leader", full_name="Lê Văn Khác"),
             trainer=make_user(role="trainer", full_name="Lê Quang Huy"),
             other_trainer=make_user(role="trainer", full_name="Đỗ Văn Huấn"),
             lan=make_user(full_name="Nguyễn Thị Lan", student_code="SV001"),
             minh=make_user(full_name="Trần Đức Minh", student_code="SV002"),
             outsider=make_user(full_name="Vũ Ngoài Cuộc", student_code="SV003"))
    factories.enrol(c["campaign"], c["lan"], c["minh"])
    factories.assign(c["campaign"], c["trainer"], "trainer")
    factories.assign(c["other_campaign"], c["other_trainer"], "trainer")
    db.session.add_all([PointLeader(point_id=c["point"].id, user_id=c["leader"].id),
                        PointLeader(point_id=c["other_point"].id, user_id=c["other_leader"].id)])
    c.update(module=make_module(c["campaign"]), other_module=make_module(c["other_campaign"]),
             shift=make_shift(c["campaign"], c["point"], starts_in=timedelta(minutes=30)),
             other_shift=make_shift(c["campaign"], c["other_point"], starts_in=timedelta(minutes=30)),
             draft_shift=make_shift(c["draft"], c["point"]), draft_module=make_module(c["draft"]))
    c["lan_booking"] = Booking(shift_id=c["shift"].id, user_id=c["lan"].id)
    c["minh_booking"] = Booking(shift_id=c["other_shift"].id, user_id=c["minh"].id)
    c["shift"].booked_count = c["other_shift"].booked_count = 1
    starts = clock.now() + timedelta(days=3)
    c["session"] = TrainingSession(campaign_id=c["campaign"].id, title="Tập huấn", starts_at=starts,
                                   ends_at=starts + timedelta(hours=2), capacity=20, modules=[c["module"]])
    c["other_session"] = TrainingSession(campaign_id=c["other_campaign"].id, title="Tập huấn khác",
                                         starts_at=starts, ends_at=starts + timedelta(hours=2), capacity=20)
    c["draft_session"] = TrainingSession(campaign_id=c["draft"].id, title="Bản nháp", starts_at=starts,
                                         ends_at=starts + timedelta(hours=2), capacity=20)
    c["host"] = HostOrganisation(name="Trung tâm Phục vụ hành chính công", contact_name="Chị Hoa",
                                 contact_email="hoa@example.org", places=2, fields="Hành chính")
    c["message"] = OutboxMessage(to_email="lan@example.org", subject="Chào", body_text="Nội dung", kind="test")
    c["job_run"] = JobRun(task_id="city-1", name="portal.mail.tasks.deliver", args=[], status="failed",
                          error="connect: refused")
    c["template"] = ShiftTemplate(campaign_id=c["campaign"].id, point_id=c["point"].id, weekdays="1,2,3",
                                  start_time=time(8), end_time=time(12), capacity=4)
    c["feedback"] = CitizenFeedback(point_id=c["point"].id, category="other", text="Cảm ơn các bạn")
    db.session.add_all([c[k] for k in ("lan_booking", "minh_booking", "session", "other_session", "draft_session",
                                       "host", "message", "template", "feedback", "job_run")])
    db.session.commit()
    c["case"] = referrals.nominate(c["admin"], c["campaign"], c["lan"], "commendation",
                                   "Bạn Lan hướng dẫn người cao tuổi rất tận tình và chu đáo.")
    signoff.complete(c["trainer"], c["module"], [c["lan"].id], method="single")
    c["batch"] = signoff.preview_import(c["trainer"], c["module"], "sheet.csv", b"email\n" + c["lan"].email.encode())
    c["credential"] = documents.issue_document(c["admin"], "commendation", c["lan"], c["campaign"], {})
    db.session.commit()
    from portal.privacy import export

    c["lan_export"] = export.build(c["lan"])  # a personal data export, Lan's alone
    from portal.privacy import breach
    from portal.privacy import requests as privacy_requests

    c["data_request"] = privacy_requests.open_request(c["lan"], "access", "Tôi muốn xem dữ liệu")  # Lan's request
    db.session.commit()
    c["request_export"] = export.build(c["lan"], requested_by=c["admin"], request=c["data_request"])
    c["breach"] = breach.record(c["admin"], clock.now(), "Nghi lộ dữ liệu", ["views"], None, None)
    from portal.notifications.models import Notification, PushSubscription

    c["notice"] = Notification(user_id=c["lan"].id, key="city:1", kind="test", subject="Ca trực", body="Nhắc ca",
                               link="http://portal.test/shifts/mine")  # Lan's notice
    c["device"] = PushSubscription(user_id=c["lan"].id, endpoint="https://fcm.googleapis.com/fcm/send/city",
                                   endpoint_hash="c" * 64, p256dh="x", auth="y")  # Lan's phone
    db.session.add_all([c["notice"], c["device"]])
    db.session.commit()
    from portal.cover.models import CoverRequest, SwapProposal

    c["cover_request"] = CoverRequest(booking_id=c["lan_booking"].id, shift_id=c["shift"].id,  # Lan asks for cover
                                      requester_id=c["lan"].id)
    c["swap"] = SwapProposal(proposer_id=c["lan"].id, recipient_id=c["minh"].id,  # Lan proposes a swap to Minh
                             from_booking_id=c["lan_booking"].id, to_booking_id=c["minh_booking"].id)
    db.session.add_all([c["cover_request"], c["swap"]])
    db.session.commit()
    from portal.teamboard.models import ShiftMessage, TeamPost, TeamPostImage, TeamPostPoint

    # A post on the board of `point`, with a picture; a leader's message to the volunteers of `shift`.
    c["post"] = TeamPost(author_id=c["leader"].id, body="Mai mở cửa lúc 7:00",
                         image=TeamPostImage(content_type="image/jpeg", data=b"\xff\xd8\xff\xd9", width=1, height=1))
    c["shift_message"] = ShiftMessage(shift_id=c["shift"].id, author_id=c["leader"].id, body="Nhớ mang thẻ")
    db.session.add_all([c["post"], c["shift_message"]])
    db.session.flush()
    db.session.add(TeamPostPoint(post_id=c["post"].id, point_id=c["point"].id))
    db.session.commit()
    from portal.guides.models import Guide, GuideImage

    # A published guide with one picture (the organisers' guide pages, posters).
    c["guide"] = Guide(slug="kich-hoat-vneid", status="published", title_vi="Kích hoạt VNeID", summary_vi="Từng bước.",
                       call_vi="Quét mã để xem", body_vi="1. Mở VNeID.", author_id=c["admin"].id,
                       published_at=clock.now())
    c["guide_image"] = GuideImage(guide=c["guide"], alt="Màn hình VNeID", content_type="image/jpeg",
                                  data=b"\xff\xd8\xff\xd9", width=1, height=1)
    db.session.add_all([c["guide"], c["guide_image"]])
    db.session.commit()
    return c


def url_args(city, rule, **override) -> dict:
    """A route's arguments, each naming an object of the city (or a plain value)."""
    args = {}
    for name in rule.arguments:
        key = override.get(name, ARGUMENTS.get(name))
        if key in city:
            obj = city[key]
            args[name] = obj.code if name == "code" else obj.slug if name == "slug" else obj.id
        elif isinstance(rule._converters[name], IntegerConverter):
            args[name] = key if isinstance(key, int) else 999999
        else:
            args[name] = override.get(name, OTHER_VALUES.get(name, "x"))
    if rule.endpoint == "operations.self_check_in":  # the code the point shows right now
        from portal.operations import checkin

        args["code"] = checkin.checkin_url(args["point_id"]).rstrip("/").rsplit("/", 1)[-1]
    return args


def row_counts() -> dict[str, int]:
    """Rows in every table, in one query."""
    tables = db.metadata.sorted_tables
    query = union_all(*(select(literal(t.name).label("t"), func.count().label("n")).select_from(t) for t in tables))
    return dict(db.session.execute(query).all())


def sign_in(auth, user):
    """A fresh client of the same app, signed in as `user` through the shared helper."""
    other = type(auth)(auth.client.application.test_client())
    other.as_(user)
    return other.client
