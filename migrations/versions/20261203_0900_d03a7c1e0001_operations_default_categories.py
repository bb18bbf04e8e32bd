"""operations: every campaign has its activity-log categories (they used to be created on the first view)

Revision ID: d03a7c1e0001
Revises: c17f1d3e0001
Create Date: 2026-12-03 09:00:00

A data migration: campaigns created before the defaults came with the campaign get the article's list
now, so no page has to create them when it is opened. Campaigns that have categories keep them.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd03a7c1e0001'
down_revision = 'c17f1d3e0001'
branch_labels = None
depends_on = None

# A copy of portal.operations.activity.DEFAULT_CATEGORIES as it stood: a migration does not import the app.
DEFAULTS = [
    ("dossier_guidance", "Hướng dẫn hoàn thiện hồ sơ", "Guided dossier completion"),
    ("portal_declaration", "Khai báo thông tin trên Cổng dịch vụ công", "Declarations on the public service portal"),
    ("queue_direction", "Phân luồng, điều tiết giờ cao điểm", "Queue direction at peak hours"),
    ("scanning", "Quét, số hóa, nhập liệu hồ sơ", "Scanning and digitising dossiers"),
    ("results_return", "Phối hợp trả kết quả", "Returning results"),
    ("feedback_recorded", "Ghi nhận phản ánh, kiến nghị", "Feedback recorded"),
    ("accounts_created", "Tạo tài khoản", "Accounts created"),
    ("vneid_activated", "Kích hoạt định danh điện tử (VNeID)", "Electronic identity (VNeID) activated"),
    ("online_submissions", "Nộp hồ sơ trực tuyến", "Dossiers submitted online"),
    ("cashless_payments", "Thanh toán không dùng tiền mặt", "Cashless payments"),
]


def upgrade():
    connection = op.get_bind()
    bare = connection.execute(sa.text(
        "SELECT c.id FROM campaigns c WHERE NOT EXISTS "
        "(SELECT 1 FROM activity_categories a WHERE a.campaign_id = c.id)")).scalars().all()
    categories = sa.table('activity_categories', sa.column('campaign_id', sa.Integer), sa.column('key', sa.String),
                          sa.column('label_vi', sa.String), sa.column('label_en', sa.String),
                          sa.column('position', sa.Integer), sa.column('is_active', sa.Boolean))
    rows = [{"campaign_id": campaign_id, "key": key, "label_vi": vi, "label_en": en, "position": position,
             "is_active": True}
            for campaign_id in bare for position, (key, vi, en) in enumerate(DEFAULTS)]
    if rows:
        op.bulk_insert(categories, rows)


def downgrade():
    pass  # the categories stay: logs may count in them
