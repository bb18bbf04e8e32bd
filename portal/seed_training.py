"""Demo training content: the four modules from the article, with short, real Vietnamese content."""
from __future__ import annotations

MODULES = [
    {
        "title": "Quy trình tiếp nhận, xử lý hồ sơ",
        "summary": "Các bước tiếp nhận hồ sơ tại Điểm Hỗ trợ dịch vụ công số và vai trò của tình nguyện viên.",
        "estimated_minutes": 45,
        "body_md": """## Tình nguyện viên làm gì, không làm gì

Tình nguyện viên **hỗ trợ** người dân chuẩn bị và hoàn thiện hồ sơ; việc **tiếp nhận và giải quyết** hồ sơ
là của cán bộ, công chức tại điểm.

## Các bước hỗ trợ

1. Hỏi người dân cần làm thủ tục gì và hướng dẫn lấy số thứ tự.
2. Đối chiếu thành phần hồ sơ với danh mục thủ tục được niêm yết.
3. Hướng dẫn điền tờ khai; nhắc người dân tự kiểm tra lại thông tin.
4. Hỗ trợ quét, số hóa giấy tờ khi cán bộ phân công.
5. Chuyển người dân đến quầy tiếp nhận; không tự nhận hồ sơ thay cán bộ.

## Khi gặp tình huống khó

Báo ngay tổ trưởng. Không hứa hẹn thời hạn hay kết quả giải quyết thay cơ quan có thẩm quyền.
""",
    },
    {
        "title": "Bảo mật thông tin công dân",
        "summary": "Những việc phải làm và không được làm với thông tin cá nhân của người dân.",
        "estimated_minutes": 30,
        "validity_days": 365,
        "body_md": """## Nguyên tắc

Thông tin cá nhân của người dân được bảo vệ theo Nghị định 13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân.

- **Không** chụp ảnh, ghi chép, lưu giữ giấy tờ hay thông tin của người dân trên thiết bị cá nhân.
- **Không** đăng nhập tài khoản của người dân khi họ không có mặt; đăng xuất ngay sau khi hỗ trợ.
- **Không** trao đổi thông tin hồ sơ với người không có thẩm quyền, kể cả trên mạng xã hội.
- Nhắc người dân tự nhập mật khẩu, mã OTP; quay màn hình đi khi họ nhập.

## Khi lỡ tiếp xúc với thông tin

Chỉ dùng đúng mục đích hỗ trợ, báo tổ trưởng nếu có sự cố (ví dụ để quên giấy tờ, gửi nhầm tệp).
""",
        "quiz": """Khi hỗ trợ người dân đăng nhập VNeID, ai nhập mật khẩu và mã OTP?
- Tình nguyện viên, cho nhanh
* Chính người dân
- Tổ trưởng

Bạn có được chụp ảnh căn cước của người dân bằng điện thoại của mình để điền hộ tờ khai không?
- Được, nếu xoá ngay sau đó
* Không được
- Được, nếu người dân đồng ý miệng""",
    },
    {
        "title": "Kỹ năng mềm, kỹ năng ứng xử",
        "summary": "Giao tiếp lịch sự, kiên nhẫn, nhất là với người cao tuổi và người yếu thế.",
        "estimated_minutes": 30,
        "body_md": """## Thái độ

- Chào hỏi, xưng hô phù hợp; nói chậm, rõ, tránh thuật ngữ khó.
- Lắng nghe hết câu hỏi trước khi trả lời; nhắc lại để chắc đã hiểu đúng.
- Ưu tiên người cao tuổi, người khuyết tật, phụ nữ mang thai.

## Giờ cao điểm

Giữ bình tĩnh khi đông người; giúp phân luồng theo hướng dẫn của tổ trưởng; ghi nhận phản ánh, kiến nghị
thay vì tranh luận.
""",
    },
    {
        "title": "Hướng dẫn sử dụng dịch vụ công trực tuyến",
        "summary": "Cổng Dịch vụ công quốc gia, iHanoi, VNeID và thanh toán không dùng tiền mặt.",
        "estimated_minutes": 60,
        "body_md": """## Các nền tảng

- **Cổng Dịch vụ công quốc gia**: nộp hồ sơ trực tuyến, tra cứu tiến độ.
- **VNeID**: định danh điện tử mức 2, đăng nhập một lần vào các dịch vụ công.
- **iHanoi**: phản ánh, kiến nghị và các tiện ích của thành phố.

## Hỗ trợ người dân

1. Kiểm tra người dân đã kích hoạt VNeID chưa; nếu chưa, hướng dẫn các bước kích hoạt.
2. Hướng dẫn tìm đúng thủ tục, điền biểu mẫu, đính kèm bản số hóa.
3. Hướng dẫn thanh toán phí, lệ phí trực tuyến và lưu biên lai điện tử.
""",
    },
]
