"""The one detector of citizens' identifiers in free text (portal/core/identifiers.py)."""
import pytest

from portal.core import identifiers
from portal.core.validation import InvalidInput


@pytest.mark.parametrize("text", [
    "Ông 001203004567 phản ánh chờ lâu",
    "CCCD 001.203.004.567",
    "CCCD: 001 203 004 567",
    "số căn cước 001-203-004-567",
    "0012 0300 4567",
    "001_203_004_567",
    "001/203/004/567",
    "0 0 1 2 0 3 0 0 4 5 6 7",
    "mã định danh 001203\u00a0004567",
    "CCCD 079203004567, đã trả hồ sơ",
])
def test_national_id_numbers_are_found_whatever_the_separators(text):
    assert identifiers.find(text) == identifiers.NATIONAL_ID


@pytest.mark.parametrize("text", [
    "Gọi lại số 0912 345 678 khi có kết quả",
    "SĐT +84912345678",
    "SĐT +84 912 345 678",
    "số 0912.345.678",
    "số 0912-345-678",
    "0 9 1 2 3 4 5 6 7 8",
    "điện thoại bàn (024) 3825 1234",
    "máy bàn 024.3825.1234",
    "0243 825 1234 gọi giờ hành chính",
    "Zalo 0987654321.",
    "84 912 345 678",
])
def test_phone_numbers_mobile_and_landline_are_found(text):
    assert identifiers.find(text) == identifiers.PHONE


@pytest.mark.parametrize("text", ["Bà gửi email tới ba.lan@example.com", "thư: NGUYEN.VAN.A@GMAIL.COM"])
def test_emails_are_found(text):
    assert identifiers.find(text) == identifiers.EMAIL


@pytest.mark.parametrize("text", [
    "Ca 08:00-11:30 và 13:30-17:00",
    "Ca 09:00-11:30 13:30-17:00",
    "Ca 07:30 - 11:30, 13:30 - 17:00",
    "Ngày 20/12/2025, 21/12/2025 và 15/01/2026",
    "20-12-2025 21-12-2025",
    "20.12.2025 - 15.01.2026",
    "Từ 18/12/2025 đến 15/02/2026",
    "Hướng dẫn 120 hồ sơ, 45 người cao tuổi, 3 sự cố",
    "Chờ 45 phút buổi sáng thứ Hai",
    "Cần thêm 2 máy quét; 120 hồ sơ/ngày",
    "Ca GL-2025-12-20-001 đủ người",
    "Mã ca 2025/12/20 08:00",
    "1 2 3 4 5 6 người",
    "Năm 2025 2026",
    "08.00 11.30 13.30",
    "Phòng 101, tầng 3, tòa 2",
    "",
])
def test_ordinary_text_passes(text):
    assert identifiers.find(text) is None


def test_check_refuses_beside_the_field_with_a_reason():
    with pytest.raises(InvalidInput) as refused:
        identifiers.check("Gọi 0912345678", "notes")
    assert refused.value.field == "notes" and "phone" in str(refused.value.message)
    identifiers.check("Ổn cả", "notes")
