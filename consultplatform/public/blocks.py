"""Blocks plugins add to a consultation's public page (hook ``cp_public_blocks``)."""

from __future__ import annotations

from consultplatform.contributions import PublicBlock
from consultplatform.models import Consultation
from consultplatform.plugins import PluginError, registry


def public_blocks(consultation: Consultation) -> list[PublicBlock]:
    """The enabled plugins' blocks for ``consultation``'s page, checked, by ``order``."""
    plugins = registry()
    blocks = []
    for name, block in plugins.items("cp_public_blocks", consultation=consultation):
        if not isinstance(block, PublicBlock):
            raise PluginError(f"{name}.cp_public_blocks must return PublicBlock items")
        if not plugins.owns(name, block.key) or not block.template.startswith(f"{name}/"):
            raise PluginError(f"{name}.cp_public_blocks: the key {block.key!r} and the template "
                              f"{block.template!r} must carry the plugin's name")
        blocks.append(block)
    return sorted(blocks, key=lambda block: (block.order, block.key))
