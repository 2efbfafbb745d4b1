"""``/deployments`` and ``/processes``: designers deploy diagrams; the exact files of each version."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from engine.deployment import DeploymentRefused
from engine.limits import MAX_VERSION
from processes import deployments

from .auth import current_user, hotline, roles
from .errors import problem
from .i18n import text
from .messages import Phrased

blp = Blueprint("deployments", __name__, url_prefix="/api/v1", description="Diagrams, versions and their files")
UPLOAD = {"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    "required": ["files"]}}}}


class DeployedOut(Schema):
    process_id = fields.String()
    version = fields.Integer(metadata={"description": "the version these files are (new, or the identical one)"})
    created = fields.Boolean()
    files = fields.List(fields.String())
    current_version = fields.Integer(metadata={"description": "the version new cases start on: the new one, or "
                                                              "unchanged when identical files were sent again"})
    message = fields.String(metadata={"description": "both, in words: 'already deployed as version 1; new cases "
                                                      "start on version 3'"})


class DesignProblemOut(Schema):
    """One problem of a diagram or form, located as precisely as it can be."""

    message = Phrased()
    file = fields.String(metadata={"description": "the uploaded file it is in"})
    element_id = fields.String(metadata={"description": "the BPMN element's id"})
    element_name = fields.String()
    line = fields.Integer()
    hint = Phrased(metadata={"description": "how to fix it"})
    severity = fields.String(validate=validate.OneOf(("error", "warning")))
    rule = fields.String(metadata={"description": "the kind of problem: unsupported, unreachable, no_form, "
                                                  "foreign_form, foreign_expression, expression, timer, gateway…"})


class ValidationOut(Schema):
    valid = fields.Boolean(metadata={"description": "no errors (warnings do not block a deployment)"})
    errors = fields.List(fields.Nested(DesignProblemOut))
    warnings = fields.List(fields.Nested(DesignProblemOut))


class VersionOut(Schema):
    process_id = fields.String()
    version = fields.Integer()
    deployed_at = fields.DateTime()
    deployed_by = fields.String()
    files = fields.List(fields.String())
    current_version = fields.Integer(metadata={"description": "the version new cases of the process start on"})


class ProcessOut(Schema):
    process_id = fields.String()
    latest_version = fields.Integer()
    current_version = fields.Integer(metadata={"description": "the version new cases start on: the latest, unless "
                                                              "an earlier one was made current (rollback)"})


class CurrentIn(Schema):
    version = fields.Integer(required=True, strict=True, validate=validate.Range(1, MAX_VERSION))


class DeploymentEventOut(Schema):
    version = fields.Integer()
    kind = fields.String(validate=validate.OneOf(("deployed", "made_current")),
                         metadata={"description": "a new version deployed (and current), or one made current"})
    actor = fields.String()
    at = fields.DateTime(metadata={"description": "the engine clock's time"})


def uploaded() -> dict[str, bytes]:
    """The uploaded files by name (400 when there are none)."""
    files = request.files.getlist("files")
    if not files:
        raise DeploymentRefused([])
    return {f.filename or "": f.read() for f in files}


@blp.route("/deployments", methods=["POST"])
@roles("designer")
@blp.doc(requestBody=UPLOAD)
@blp.response(201, DeployedOut)
def deploy():
    """Validate the files and store them as the next version, which new cases start on.

    Identical files keep their version (200) and leave the current version as it is: the answer says which
    version they are and which one new cases start on (``POST /processes/{id}/current`` makes a version current).
    """
    deployed = deployments.deploy(hotline(), current_user(), uploaded())
    return {**deployed, "message": _deployed_message(deployed)}, 201 if deployed["created"] else 200


def _deployed_message(deployed: dict) -> str:
    """Which version the files are and which version new cases start on, in words."""
    version, current = deployed["version"], deployed["current_version"]
    if deployed["created"]:
        return text(f"已部署为第 {version} 版，新案件从此版开始", f"deployed version {version}; new cases start on it")
    return text(f"已部署过，为第 {version} 版，新案件从第 {current} 版开始",
                f"already deployed as version {version}; new cases start on version {current}")


@blp.route("/deployments/validate", methods=["POST"])
@roles("designer")
@blp.doc(requestBody=UPLOAD)
@blp.response(200, ValidationOut)
def validate():
    """Check the files without deploying anything: every error and warning at once."""
    return deployments.validate(hotline(), uploaded())


@blp.route("/processes", methods=["GET"])
@roles("designer", "auditor")
@blp.response(200, ProcessOut(many=True))
def processes():
    """The deployed processes, their latest versions and the versions new cases start on."""
    return deployments.processes(hotline())


@blp.route("/processes/<string:process_id>/current", methods=["POST"])
@roles("designer")
@blp.arguments(CurrentIn)
@blp.response(200, ProcessOut)
def make_current(body, process_id):
    """Make a version the one new cases start on (a rollback to an earlier one, or forward again).

    Running cases stay on their versions. The change is entered in the process's deployment events; deploying
    new files makes the new version current again.
    """
    return deployments.make_current(hotline(), current_user(), process_id, body["version"])


@blp.route("/processes/<string:process_id>/events", methods=["GET"])
@roles("designer", "auditor")
@blp.response(200, DeploymentEventOut(many=True))
def events(process_id):
    """Every change of the version new cases start on, oldest first: deployments and versions made current."""
    found = deployments.events(hotline(), process_id)
    return found if found is not None else problem(404, text("没有该流程", f"no process {process_id}"))


@blp.route("/processes/<string:process_id>/versions", methods=["GET"])
@roles("designer", "auditor")
@blp.response(200, VersionOut(many=True))
def versions(process_id):
    """Every version of a process, oldest first, with its file names."""
    found = deployments.versions(hotline(), process_id)
    return found or problem(404, text("没有该流程", f"no process {process_id}"))


@blp.route(f"/processes/<string:process_id>/versions/<int(min=1, max={MAX_VERSION}):version>/files/<string:name>",
           methods=["GET"])
@roles("designer", "auditor")
@blp.response(200, description="the file exactly as deployed")
def file(process_id, version, name):
    """A deployed file, byte for byte (so a modeler opens it exactly as drawn)."""
    content = deployments.file(hotline(), process_id, version, name)
    if content is None:
        return problem(404, text("没有该文件", f"no file {name} in {process_id} version {version}"))
    mimetype = "application/json" if name.endswith(".json") else "application/xml"
    return Response(content, 200, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
