"""seed-demo's four guides to online public services, written for this portal from the services' public steps, the
guides the demo leader's point uses most, and a little scan history for the season's first two weeks.

Idempotent like the rest of the demo: guides are looked up by slug, and the choices and scans are made once."""
from __future__ import annotations

import random
import unicodedata
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import User
from portal.campaigns.models import Campaign, PointLeader
from portal.core import clock
from portal.extensions import db
from portal.guides.models import Guide, GuideScan, PointGuide
from portal.shifts.models import Shift

VNEID = """## Chuẩn bị

- Thẻ căn cước hoặc căn cước công dân gắn chíp của bạn.
- Điện thoại thông minh, dùng số điện thoại đứng tên chính bạn.

## Các bước

1. Mang thẻ căn cước đến công an xã, phường hoặc bộ phận một cửa. Nói với cán bộ: bạn muốn đăng ký
   tài khoản định danh điện tử mức 2.
2. Cán bộ chụp ảnh khuôn mặt và lấy vân tay của bạn. Bạn đọc số điện thoại để cán bộ ghi vào hồ sơ.
3. Về nhà chờ tin nhắn báo hồ sơ đã được duyệt. Tin nhắn có thể đến sau vài ngày.
4. Cài ứng dụng **VNeID** của Bộ Công an: tìm trong CH Play (Android) hoặc App Store (iPhone). Trang chính
   thức: [Ứng dụng định danh điện tử VNeID](https://vneid.gov.vn).
5. Mở ứng dụng, chọn **Kích hoạt tài khoản định danh điện tử**. Nhập số định danh cá nhân (12 số
   trên thẻ căn cước) và số điện thoại, rồi bấm **Gửi yêu cầu**.
6. Nhập mã OTP vừa nhận qua tin nhắn.
7. Đặt mật khẩu, rồi đặt mã passcode gồm 6 chữ số. Hãy ghi nhớ và không đưa cho ai.
8. Đăng nhập lại. Màn hình báo tài khoản mức 2 là bạn đã xong.

## Lưu ý

Công an và cán bộ không bao giờ gọi điện xin mật khẩu hay mã OTP của bạn.
"""

VNEID_EN = """## Before you start

- Your chip-based citizen ID card.
- A smartphone with a phone number registered in your own name.

## Steps

1. Take your ID card to the commune or ward police, or to the one-stop desk. Ask to register a level 2
   electronic identity account.
2. The officer takes a photo of your face and your fingerprints, and writes down your phone number.
3. Wait for a text message saying your application is approved. It may take a few days.
4. Install the **VNeID** app of the Ministry of Public Security from CH Play (Android) or the App Store (iPhone).
   Official site: [VNeID electronic identity](https://vneid.gov.vn).
5. Open the app and choose **Kích hoạt tài khoản định danh điện tử (Activate)**. Enter your 12-digit personal
   identification number and your phone number, then tap **Gửi yêu cầu (Send)**.
6. Enter the one-time code (OTP) you receive by text message.
7. Set a password, then a 6-digit passcode. Remember them and never share them.
8. Sign in again. When the app shows a level 2 account, you are done.

## Good to know

The police and officials never call to ask for your password or your OTP code.
"""

DICHVUCONG = """## Chuẩn bị

- Tài khoản VNeID mức 2 (xem hướng dẫn kích hoạt VNeID mức 2).
- Ảnh chụp rõ nét các giấy tờ cần nộp.
- Điện thoại hoặc máy tính có mạng Internet.

## Các bước

1. Mở trang [Cổng Dịch vụ công quốc gia](https://dichvucong.gov.vn) và bấm **Đăng nhập**.
2. Chọn đăng nhập bằng tài khoản định danh điện tử VNeID. Xác nhận trên ứng dụng VNeID.
3. Gõ tên thủ tục vào ô tìm kiếm, ví dụ "đăng ký khai sinh". Chọn đúng thủ tục và đúng xã, phường
   sẽ giải quyết hồ sơ.
4. Đọc danh sách giấy tờ cần có, rồi bấm **Nộp trực tuyến**.
5. Điền tờ khai. Nhiều ô đã có sẵn thông tin của bạn; hãy kiểm tra lại cho đúng.
6. Đính kèm ảnh từng giấy tờ. Ảnh cần rõ chữ và đủ bốn góc.
7. Kiểm tra lần cuối rồi bấm **Nộp hồ sơ**. Ghi lại mã số hồ sơ hiện trên màn hình.
8. Theo dõi hồ sơ bằng mã số đó trong phần quản lý hồ sơ. Nếu cần bổ sung, bạn sẽ nhận được thông báo.

## Lưu ý

Thủ tục của Hà Nội cũng có trên [Cổng Dịch vụ công thành phố Hà Nội](https://dichvucong.hanoi.gov.vn).
"""

DICHVUCONG_EN = """## Before you start

- A level 2 VNeID account (see the guide on activating it).
- Clear photos of the documents you need to submit.
- A phone or computer connected to the Internet.

## Steps

1. Open the [National Public Service Portal](https://dichvucong.gov.vn) and tap **Đăng nhập (Sign in)**.
2. Choose to sign in with your VNeID electronic identity, and confirm in the VNeID app.
3. Type the name of the procedure in the search box, for example "birth registration". Choose the right
   procedure and the commune or ward that handles it.
4. Read the list of documents needed, then tap **Nộp trực tuyến (Submit online)**.
5. Fill in the form. Many fields are already filled in for you; check that they are right.
6. Attach a photo of each document. The text must be readable and all four corners visible.
7. Check everything once more, then tap **Nộp hồ sơ (Submit)**. Write down the file number shown on screen.
8. Follow your file with that number. If something is missing, you will be told.

## Good to know

Hanoi's procedures are also on the [Hanoi Public Service Portal](https://dichvucong.hanoi.gov.vn).
"""

THANH_TOAN = """## Chuẩn bị

- Tài khoản VNeID mức 2.
- Ứng dụng ngân hàng hoặc ví điện tử đứng tên bạn, có đủ tiền.
- Mã hồ sơ hoặc thông báo nộp tiền (phí, lệ phí, thuế).

## Các bước

1. Đăng nhập [Cổng Dịch vụ công quốc gia](https://dichvucong.gov.vn) bằng tài khoản VNeID.
2. Chọn mục **Thanh toán trực tuyến**, rồi chọn loại khoản cần nộp: phí, lệ phí, thuế hoặc tiền
   liên quan đến đất đai.
3. Nhập mã hồ sơ hoặc số thông báo, rồi bấm tra cứu.
4. Xem kỹ tên người nộp, số tiền và nội dung. Nếu thấy sai, dừng lại và hỏi cơ quan đã gửi thông báo.
5. Chọn ngân hàng hoặc ví điện tử để thanh toán. Trang sẽ chuyển sang ứng dụng bạn chọn.
6. Xác nhận trong ứng dụng ngân hàng bằng mã OTP, vân tay hoặc khuôn mặt. Chờ màn hình báo thành công.
7. Tải về hoặc chụp lại biên lai điện tử. Giữ biên lai đến khi thủ tục xong.

## Lưu ý

Chỉ thanh toán trên trang có địa chỉ kết thúc bằng .gov.vn, hoặc trong ứng dụng ngân hàng của bạn. Đừng
chuyển khoản theo tin nhắn hay cuộc gọi lạ.

Thuế cá nhân cũng nộp được trên trang [Thuế điện tử cho cá nhân](https://canhan.gdt.gov.vn).
"""

IHANOI = """## Chuẩn bị

- Điện thoại thông minh có mạng Internet.
- Tài khoản VNeID để đăng nhập nhanh.

## Các bước

1. Mở CH Play (Android) hoặc App Store (iPhone), tìm "iHanoi". Cài ứng dụng iHanoi – Công dân Thủ đô số
   của thành phố Hà Nội.
2. Mở ứng dụng và đăng nhập. Cách nhanh nhất là dùng tài khoản [VNeID](https://vneid.gov.vn).
3. Trên màn hình chính, chọn mục phản ánh, kiến nghị.
4. Chụp ảnh nơi có sự việc, ví dụ đèn đường hỏng, rác thải, ổ gà. Ảnh rõ giúp xử lý nhanh hơn.
5. Cho ứng dụng lấy vị trí của bạn, hoặc chọn địa điểm trên bản đồ. Kiểm tra lại tên đường, xã, phường.
6. Viết ngắn gọn: việc gì, ở đâu, từ khi nào. Chọn lĩnh vực phù hợp rồi bấm gửi.
7. Xem câu trả lời trong danh sách phản ánh của bạn. Khi có trả lời, ứng dụng sẽ báo cho bạn.

## Lưu ý

Việc khẩn cấp, hãy gọi ngay: 113 (công an), 114 (cứu hỏa), 115 (cấp cứu).

Tin tức về iHanoi có trên [Cổng thông tin điện tử thành phố Hà Nội](https://hanoi.gov.vn).
"""

GUIDES = [
    {"slug": "vneid-muc-2", "title_vi": "Kích hoạt tài khoản định danh điện tử mức 2",
     "summary_vi": "Đăng ký tại công an xã, phường, rồi tự kích hoạt trên ứng dụng VNeID. Có tài khoản mức 2, "
                   "bạn làm được nhiều thủ tục ngay trên điện thoại.",
     "call_vi": "Quét mã để kích hoạt VNeID mức 2 từng bước", "body_vi": VNEID,
     "title_en": "Activate a level 2 electronic identity account (VNeID)",
     "summary_en": "Register at the commune or ward police, then activate the account in the VNeID app. "
                   "With level 2 you can do many procedures on your phone.",
     "call_en": "Scan to activate VNeID level 2 step by step", "body_en": VNEID_EN},
    {"slug": "nop-ho-so-truc-tuyen", "title_vi": "Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia",
     "summary_vi": "Làm thủ tục tại nhà: đăng nhập bằng VNeID, điền tờ khai, đính kèm giấy tờ, rồi theo dõi "
                   "hồ sơ bằng mã số.",
     "call_vi": "Quét mã để nộp hồ sơ trực tuyến từng bước", "body_vi": DICHVUCONG,
     "title_en": "Submit an application on the National Public Service Portal",
     "summary_en": "Do it from home: sign in with VNeID, fill in the form, attach your documents and follow "
                   "your file by its number.",
     "call_en": "Scan to submit your application online", "body_en": DICHVUCONG_EN},
    {"slug": "thanh-toan-truc-tuyen", "title_vi": "Thanh toán trực tuyến nghĩa vụ tài chính",
     "summary_vi": "Nộp phí, lệ phí, thuế trên Cổng Dịch vụ công quốc gia bằng ứng dụng ngân hàng hoặc ví "
                   "điện tử. Không phải xếp hàng, có biên lai điện tử.",
     "call_vi": "Quét mã để nộp phí, lệ phí, thuế trực tuyến", "body_vi": THANH_TOAN},
    {"slug": "ihanoi-phan-anh", "title_vi": "Dùng iHanoi để phản ánh",
     "summary_vi": "Thấy đèn đường hỏng, rác thải, ổ gà? Gửi phản ánh kèm ảnh và vị trí qua ứng dụng iHanoi, "
                   "rồi xem câu trả lời ngay trên điện thoại.",
     "call_vi": "Quét mã để gửi phản ánh qua iHanoi", "body_vi": IHANOI},
]
LEADER_CHOICE = ["vneid-muc-2", "nop-ho-so-truc-tuyen", "ihanoi-phan-anh"]  # the demo leader's point, in order
WEIGHT = {"vneid-muc-2": 1.0, "nop-ho-so-truc-tuyen": 0.7, "thanh-toan-truc-tuyen": 0.35, "ihanoi-phan-anh": 0.5}
HISTORY_DAYS = 14
SEED = 20


def seed_guides(season: Campaign | None) -> list[str]:
    """The four guides (published, reviewed by the demo organiser), the leader's point's choice and the scans
    of the season's first two weeks; return what was made."""
    admin = db.session.scalar(select(User).where(User.email == "admin@example.org"))
    now = clock.now()
    lines, guides = [], {}
    for spec in GUIDES:
        guide = db.session.scalar(select(Guide).where(Guide.slug == spec["slug"]))
        if guide is None:
            # seed-demo has one organiser: the demo admin wrote and approved the guides.
            guide = Guide(**{k: unicodedata.normalize("NFC", v) for k, v in spec.items()}, status="published",
                          author_id=admin.id, reviewer_id=admin.id, submitted_at=now - timedelta(days=HISTORY_DAYS + 3),
                          reviewed_at=now - timedelta(days=HISTORY_DAYS + 2),
                          published_at=now - timedelta(days=HISTORY_DAYS + 2))
            db.session.add(guide)
            db.session.flush()
            lines.append(f"guide {spec['slug']} published")
        guides[spec["slug"]] = guide
    lines += _leader_choice(guides)
    if season is not None:
        lines += _scans(season, guides)
    return lines


def _leader_choice(guides: dict[str, Guide]) -> list[str]:
    """The demo leader's point uses three of the guides most (once: a leader's own choice is kept)."""
    leader = db.session.scalar(select(User).where(User.email == "leader@example.org"))
    point_id = leader and db.session.scalar(select(PointLeader.point_id).where(PointLeader.user_id == leader.id)
                                            .order_by(PointLeader.point_id).limit(1))
    if point_id is None or db.session.scalar(select(PointGuide.guide_id).where(PointGuide.point_id == point_id)
                                             .limit(1)) is not None:
        return []
    db.session.add_all(PointGuide(point_id=point_id, guide_id=guides[slug].id, position=n)
                       for n, slug in enumerate(LEADER_CHOICE))
    return [f"{len(LEADER_CHOICE)} guides chosen for the demo leader's point"]


def _scans(season: Campaign, guides: dict[str, Guide]) -> list[str]:
    """A few to a few dozen scans a day per guide at the season's points, over its first two weeks (once)."""
    ids = [g.id for g in guides.values()]
    if db.session.scalar(select(GuideScan.id).where(GuideScan.guide_id.in_(ids)).limit(1)) is not None:
        return []
    points = sorted(set(db.session.scalars(select(Shift.point_id).where(Shift.campaign_id == season.id))))
    chosen = {(p.point_id, p.guide_id) for p in db.session.scalars(select(PointGuide))}
    rng, today, rows = random.Random(SEED), clock.local_today(), []
    for offset in range(HISTORY_DAYS):
        day = season.start_date + timedelta(days=offset)
        if day >= today or day.weekday() == 6:  # points are closed on Sundays
            continue
        busy = 0.4 if day.weekday() == 5 else 1.0
        for point_id in points:
            for slug, guide in guides.items():
                boost = 1.5 if (point_id, guide.id) in chosen else 1.0
                count = round(rng.randint(3, 24) * WEIGHT[slug] * busy * boost)
                if count:
                    rows.append(GuideScan(guide_id=guide.id, point_id=point_id, day=day, count=count))
    db.session.add_all(rows)
    return [f"{sum(r.count for r in rows)} guide scans at {len(points)} points over the season's first two weeks"]
