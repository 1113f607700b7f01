"""Quality's page of review blocks: units that failed the outbound review checklist (G26),
their orders held from shipping until quality writes a decision and signs it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from medwms.auth.errors import WrongPassword
from medwms.auth.guard import require
from medwms.auth.rules import Perm
from medwms.verification import blocks
from medwms.web import forms
from medwms.web.deps import DbDep, VisitorDep, needs
from medwms.web.forms import FormDep, Refusal
from medwms.web.menu import N_
from medwms.web.render import render

router = APIRouter(include_in_schema=False)
FIELDS = {"decision": "decision", "password": "password", WrongPassword.code: "password"}
FAILED = {"PACKAGING": N_("Packaging damaged, dirty or badly sealed"),
          "LABEL": N_("Label missing, illegible or not matching"),
          "EXPIRY": N_("Expired"), "OTHER": N_("Other anomaly")}
SHOWN = {"OPEN": "OPEN", "CLEARED": "CLEARED", "ALL": None}
WORDS = (N_("OPEN"), N_("CLEARED"))  # a block's status


@router.get("/quality/review-blocks", response_class=HTMLResponse,
            dependencies=[needs(Perm.QUALITY_RECORD)])
def review_blocks_page(request: Request, db: DbDep, visitor: VisitorDep,
                       status: str = "OPEN") -> HTMLResponse:
    """Review blocks, newest first (OPEN by default, or CLEARED, or ALL)."""
    return _page(request, db, visitor, status=status)


def _page(request: Request, db: DbDep, visitor: VisitorDep, *, status: str = "OPEN",
          failed: int = 0, refusal: Refusal | None = None, status_code: int = 200,
          values: dict[str, str] | None = None) -> HTMLResponse:
    require(visitor.actor, Perm.QUALITY_RECORD)
    chosen = status.upper() if status.upper() in SHOWN else "OPEN"
    found = blocks.list_blocks(db, actor=visitor.actor, status=SHOWN[chosen])
    return render(request, "quality/review_blocks.html", visitor=visitor, blocks=found,
                  status=chosen, failed_words=FAILED, failed=failed, refusal=refusal,
                  values=values or {}, status_code=status_code)


@router.post("/quality/review-blocks/{block_id}/clear", response_model=None,
             dependencies=[needs(Perm.QUALITY_RECORD)])
def clear_form(request: Request, block_id: int, db: DbDep, visitor: VisitorDep,
               form: FormDep) -> Response:
    """Quality's decision on one block, signed with the password: the order may then ship."""
    forms.check_csrf(request, visitor, form)

    def save() -> str:
        password = form.get("password")
        blocks.clear_review_block(db, actor=visitor.actor, block_id=block_id,
                                  decision=forms.text(form, "decision"),
                                  password=password if isinstance(password, str) else "")
        return "/quality/review-blocks?status=CLEARED"
    return forms.submitted(
        save, lambda refused, code: _page(request, db, visitor, failed=block_id,
                                          refusal=refused, status_code=code,
                                          values=forms.values(form)),
        lang=visitor.lang, fields=FIELDS, form=form)
