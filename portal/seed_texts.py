"""The demo history's names and free texts (portal/seed_history.py): volunteers, tasks, leaders' ratings,
log notes and citizens' feedback, none with a personal identifier (the leaders' forms would refuse one)."""

# Forty volunteers; none of their names contains a named demo person's (the journeys look people up by name).
VOLUNTEERS = [
    "Nguyễn Thị Thanh Hằng", "Trần Minh Khoa", "Lê Thị Bích Ngân", "Phạm Quốc Bảo", "Hoàng Gia Huy",
    "Vũ Thị Ngọc Ánh", "Đặng Văn Long", "Bùi Thị Quỳnh Anh", "Đỗ Minh Đức", "Ngô Thị Lan Anh",
    "Dương Văn Tùng", "Lý Thị Mỹ Linh", "Trịnh Quang Vinh", "Đinh Thị Kim Oanh", "Mai Xuân Trường",
    "Hồ Thị Diệu Linh", "Tạ Đức Anh", "Lương Thị Hoài Thu", "Cao Văn Sơn", "Nguyễn Hoàng Nam",
    "Trần Thị Phương Thảo", "Lê Đức Thắng", "Phạm Thị Hải Yến", "Hoàng Văn Hiếu", "Vũ Minh Châu",
    "Đặng Thị Ngọc Hân", "Bùi Tiến Dũng", "Đỗ Thị Thanh Tâm", "Ngô Quang Hưng", "Dương Thị Thùy Dung",
    "Phan Văn Khải", "Kiều Thị Minh Nguyệt", "Nguyễn Đức Trọng", "Trần Thị Hà My", "Lê Hoàng Phúc",
    "Phạm Thị Ánh Tuyết", "Hà Văn Toàn", "Chu Thị Thanh Xuân", "Tô Minh Quân", "Lại Thị Khánh Linh",
]
TASKS = ["Quầy hướng dẫn hoàn thiện hồ sơ", "Phân luồng tại sảnh", "Hỗ trợ kích hoạt VNeID",
         "Hướng dẫn nộp hồ sơ trực tuyến", "Quét, số hóa hồ sơ", "Hỗ trợ thanh toán không dùng tiền mặt"]
RATINGS = {
    5: ["Nhiệt tình, hướng dẫn người dân rất rõ ràng", "Kiên nhẫn với người cao tuổi khi kích hoạt VNeID",
        "Chủ động phân luồng lúc cao điểm", "Thao tác nộp hồ sơ trực tuyến nhanh, chính xác"],
    4: ["Chu đáo, đúng giờ", "Hỗ trợ tốt, cần nắm thêm thủ tục đất đai", "Nhanh nhẹn ở quầy quét hồ sơ"],
    3: ["Cần chủ động hơn khi quầy đông", "Nên đến sớm để nhận việc"],
}
NOTES = ["Buổi sáng đông người làm thủ tục cấp đổi giấy phép lái xe.",
         "Nhiều người cao tuổi cần hỗ trợ kích hoạt định danh điện tử mức 2.",
         "Hướng dẫn người dân quét mã QR để nộp hồ sơ trên Cổng Dịch vụ công quốc gia.",
         "Tăng cường một bạn ở quầy phân luồng từ 8 giờ đến 10 giờ.",
         "Người dân hỏi nhiều về thanh toán lệ phí qua ứng dụng ngân hàng.",
         "Buổi chiều vắng, các bạn hỗ trợ số hóa hồ sơ tồn."]
INCIDENTS = ["Máy quét ở quầy 2 bị kẹt giấy khoảng 20 phút, đã chuyển sang máy dự phòng.",
             "Mạng chập chờn đầu giờ chiều, hướng dẫn người dân chờ hoặc hẹn nộp trực tuyến."]
FEEDBACK = [
    ("waiting", "Người dân phản ánh giờ cao điểm buổi sáng phải chờ hơn 40 phút ở quầy tiếp nhận."),
    ("online", "Người dân đề nghị có hướng dẫn bằng hình ảnh cho bước thanh toán lệ phí trực tuyến."),
    ("procedure", "Người dân chưa rõ giấy tờ cần chuẩn bị khi đăng ký thường trú, đề nghị niêm yết rõ hơn."),
    ("conduct", "Người dân khen các bạn tình nguyện viên hướng dẫn tận tình, dễ hiểu."),
    ("facilities", "Khu vực chờ thiếu ghế cho người cao tuổi vào giờ cao điểm."),
    ("online", "Ứng dụng VNeID báo lỗi khi chụp ảnh khuôn mặt, người dân đề nghị có hướng dẫn khắc phục."),
    ("waiting", "Đề nghị bố trí thêm một quầy trả kết quả vào sáng thứ Hai."),
    ("procedure", "Người dân đề nghị rút ngắn thời gian trả kết quả chứng thực bản sao."),
    ("facilities", "Biển chỉ dẫn đến quầy hỗ trợ dịch vụ công trực tuyến khó thấy từ cổng chính."),
    ("other", "Người dân đề nghị mở thêm buổi hỗ trợ vào sáng thứ Bảy cho người đi làm."),
    ("conduct", "Người dân ghi nhận cán bộ và tình nguyện viên phối hợp nhịp nhàng, giải quyết nhanh."),
    ("online", "Cổng Dịch vụ công quốc gia chậm vào đầu giờ chiều, người dân phải thao tác lại nhiều lần."),
]
