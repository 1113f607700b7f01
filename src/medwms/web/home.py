"""The landing page until the scanning stations arrive: where things are."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from medwms import __version__

router = APIRouter(include_in_schema=False)

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>medwms</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}}
a{{display:block;margin:.5rem 0;font-size:1.2rem}}</style></head>
<body><h1>medwms {version}</h1>
<p>医疗器械仓库管理系统 · Warehouse management for medical devices</p>
<a href="/docs">API 文档 · API documentation</a>
<a href="/openapi.json">OpenAPI</a>
<a href="/api/v1/health">健康检查 · Health</a>
</body></html>"""


@router.get("/", response_class=HTMLResponse)
def home() -> str:
    """The landing page."""
    return PAGE.format(version=__version__)
