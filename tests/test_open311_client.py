"""An independent Open311 client from PyPI (``georeport``) against a real ``hotline serve``: list the services,
read a definition, create a request (``georeport`` reads only, so the POST is plain HTTP with ``requests``, which
it depends on), fetch it, list requests; in JSON and in XML."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from georeport import GeoReport

ROOT = Path(__file__).resolve().parent.parent
HOTLINE = [sys.executable, "-c", "from api.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A served hotline with the diagrams deployed and one client application's api_key: (endpoint, key)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('open311') / 'hotline.db'}"
    run = lambda *args: subprocess.run([*HOTLINE, "--database-url", url, *args], cwd=ROOT, check=True,  # noqa: E731
                                       capture_output=True, text=True).stdout
    run("deploy", "bpmn", "forms")
    key = run("open311", "add", "georeport-test").strip().splitlines()[-1]
    port = free_port()
    server = subprocess.Popen([*HOTLINE, "--database-url", url, "serve", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/open311/v2", key
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_a_georeport_client_lists_services_creates_a_request_and_reads_it_back(served, output_format):
    endpoint, key = served
    client = GeoReport(endpoint, api_key=key, output_format=output_format)
    services = client.get_service_list()
    assert [s["service_code"] for s in services][3] == "livelihood"
    definition = client.get_service_definition("livelihood")
    assert definition["service_code"] == "livelihood"

    posted = requests.post(f"{endpoint}/requests.json", data={
        "api_key": client.api_key, "service_code": "livelihood", "address_string": "城关镇建设路", "description":
        "建设路有个大坑。", "last_name": "周", "first_name": "杰", "phone": "13200000007"}, timeout=30)
    assert posted.status_code == 201, posted.text
    number = posted.json()[0]["service_request_id"]

    request = client.get_service_request(number)
    assert (request["service_request_id"], request["status"], request["address"]) == (number, "open", "城关镇建设路")
    listed = client.get_service_requests(service_code="livelihood", status="open")
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict gives a lone request as a dict
    assert number in [r["service_request_id"] for r in listed]
    assert all("周杰" not in str(r) and "13200000007" not in str(r) for r in listed)


def test_a_bad_key_is_refused_by_the_served_app(served):
    endpoint, _ = served
    refused = requests.post(f"{endpoint}/requests.json", data={"api_key": "o311_wrong", "service_code": "livelihood"},
                            timeout=30)
    assert refused.status_code == 403 and refused.json()[0]["code"] == 403
