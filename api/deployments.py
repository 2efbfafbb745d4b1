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

blp = Blueprint("deployments", __name__, url_prefix="/api/v1", description="Diagrams, versions and their files")
UPLOAD = {"content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
    "required": ["files"]}}}}


class DeployedOut(Schema):
    process_id = fields.String()
    version = fields.Integer()
    created = fields.Boolean()
    files = fields.List(fields.String())


class DesignProblemOut(Schema):
    """One problem of a diagram or form, located as precisely as it can be."""

    message = fields.String()
    file = fields.String(metadata={"description": "the uploaded file it is in"})
    element_id = fields.String(metadata={"description": "the BPMN element's id"})
    element_name = fields.String()
    line = fields.Integer()
    hint = fields.String(metadata={"description": "how to fix it"})
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


class ProcessOut(Schema):
    process_id = fields.String()
    latest_version = fields.Integer()


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
    """Validate the files and store them as the next version (identical files keep their version: 200)."""
    deployed = deployments.deploy(hotline(), current_user(), uploaded())
    return deployed, 201 if deployed["created"] else 200


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
    """The deployed processes and their latest versions."""
    return deployments.processes(hotline())


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
