"""``/departments``: the department directory staff pick from."""

from flask_smorest import Blueprint

from .auth import all_staff, hotline
from .i18n import language
from .schemas import DepartmentOut

blp = Blueprint("departments", __name__, url_prefix="/api/v1", description="The department directory")


@blp.route("/departments", methods=["GET"])
@all_staff
@blp.response(200, DepartmentOut(many=True))
def departments():
    """Codes, names and the general-problem deadline in working days."""
    english = language() == "en"
    return [{"code": d.code, "name": d.name_en if english else d.name, "deadline_days": d.deadline_days}
            for d in hotline().directory.by_code.values()]
