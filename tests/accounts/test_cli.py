"""The create-user and seed-demo commands."""
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.campaigns.models import Branch, Campaign, ServicePoint
from portal.extensions import db


def test_create_user_takes_the_password_from_the_environment(runner, client):
    result = runner.invoke(
        args=["create-user", "--email", "Thu@Example.org", "--name", "Trần Thị Thu",
              "--role", "admin", "--role", "trainer"],
        env={"PORTAL_USER_PASSWORD": "gió mùa đông bắc"},
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "thu@example.org"))
    assert user.role_names == {"admin", "trainer"} and user.is_verified
    assert client.post("/login", data={"email": "thu@example.org", "password": "gió mùa đông bắc"}).status_code == 303


def test_create_user_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "Lê An", "--role", "leader"],
        input="gió mùa đông bắc\ngió mùa đông bắc\n",
    )
    assert result.exit_code == 0, result.output


def test_create_user_refuses_a_weak_password_and_writes_nothing(runner):
    result = runner.invoke(
        args=["create-user", "--email", "a@example.org", "--name", "Lê An", "--role", "leader"],
        env={"PORTAL_USER_PASSWORD": "123"},
    )
    assert result.exit_code != 0
    assert "10" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_seed_demo_loads_the_article_campaign_and_is_idempotent(runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output

    def snapshot():
        return [db.session.scalar(select(func.count()).select_from(m)) for m in (User, Campaign, Branch, ServicePoint)]

    counts = snapshot()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "created" not in second.output
    assert snapshot() == counts
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "thanh-nien-dong-hanh-2025"))
    assert (campaign.start_date.isoformat(), campaign.end_date.isoformat()) == ("2025-12-18", "2026-02-15")
    assert (campaign.peak_start.isoformat(), campaign.peak_end.isoformat()) == ("2025-12-15", "2026-01-15")
    assert campaign.organiser_names == ["Thành đoàn Hà Nội", "Trung tâm Phục vụ hành chính công thành phố Hà Nội"]
    roles = {r for u in db.session.scalars(select(User)) for r in u.role_names}
    assert roles == {"student", "trainer", "leader", "admin"}
    for line in ("admin@example.org", "student@example.org", "donghanh-demo-2025"):
        assert line in second.output
    demo_leader = {"email": "leader@example.org", "password": "donghanh-demo-2025"}
    assert client.post("/login", data=demo_leader).status_code == 303

    from portal.training import services as training

    modules = training.modules_of(campaign)
    assert [m.title for m in modules] == [
        "Quy trình tiếp nhận, xử lý hồ sơ", "Bảo mật thông tin công dân",
        "Kỹ năng mềm, kỹ năng ứng xử", "Hướng dẫn sử dụng dịch vụ công trực tuyến"]
    assert all(m.body_html.startswith("<h2>") for m in modules) and len(modules[1].questions) == 2
    trainer = db.session.scalar(select(User).where(User.email == "trainer@example.org"))
    assert training.can_sign_off(trainer, campaign)
