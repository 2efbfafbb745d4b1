"""The API docs page works without the internet: Swagger UI comes from the package, not a CDN."""

import re

import pytest

from api.app import create_app
from engine.store import connect
from processes.database import upgrade
from processes.service import Hotline


@pytest.fixture
def client(tmp_path):
    url = f"sqlite:///{tmp_path / 'docs.db'}"
    upgrade(connect(url))
    return create_app(Hotline.open(url)).test_client()


def test_the_docs_page_loads_only_assets_the_server_serves_itself(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sorted(assets) == [f"/api/v1/docs/assets/{name}" for name in (
        "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css")]
    assert "://" not in html.replace("http://www.w3.org", "")  # nothing fetched from elsewhere
    assert '"validatorUrl": null' in html  # Swagger UI's badge would ask an online validator
    for asset in assets:  # served without a token, as the page is
        response = client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.get_data()) > 10_000
        assert response.mimetype in ("text/javascript", "application/javascript", "text/css")


def test_the_docs_assets_serve_nothing_outside_their_folder(client):
    assert client.get("/api/v1/docs/assets/../../../../etc/passwd").status_code == 404
    assert client.get("/api/v1/docs/assets/no-such-file.js").status_code == 404
