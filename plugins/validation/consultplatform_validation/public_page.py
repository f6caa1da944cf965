"""The consultation's public page: a block linking to "what we did with your input"
once that page exists, and the table whose changes renew the cached public page.

The block depends on the rounds (watched here) and on the agenda's decisions (the
core's table, not watched): a decision recorded through the decisions page raises
its round's revision (decisions.decide), so the first one shows the link at once.
"""

from __future__ import annotations

from consultplatform.api import VISIBLE_STATUSES, Consultation, ContentWatch, PublicBlock
from consultplatform_validation.what_we_did import page_path, published_round


def public_blocks(consultation: Consultation) -> list[PublicBlock]:
    if consultation.status not in VISIBLE_STATUSES:
        return []
    round_ = published_round(consultation.id)
    if round_ is None:
        return []
    return [PublicBlock(key="validation_what_we_did", template="validation/public_block.html",
                        context={"url": page_path(consultation)}, order=60)]


def content_watches() -> list[ContentWatch]:
    return [ContentWatch("validation_round", public=True)]
