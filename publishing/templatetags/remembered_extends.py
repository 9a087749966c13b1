"""`{% extends %}` with the root template's blocks found once per compiled template, not at every render.

Installed as a template builtin (settings.TEMPLATES), so it stands in for Django's tag in every template,
the admin's included, with the same syntax and behaviour. Django's node walks every node of the root
template (base.html) for its blocks each time a page is rendered: 30 to 40 µs of every page (issue 19). The
blocks of a compiled template never change, so they are kept with it.
"""

import weakref

from django import template
from django.template.base import TextNode
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockContext, BlockNode, ExtendsNode, do_extends

register = template.Library()

# Compiled template -> its blocks if it is a root template (one that extends nothing), else None. Weak, so a
# template compiled again in development is not kept alive by this.
_root_blocks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def root_blocks(compiled) -> dict[str, BlockNode] | None:
    """The blocks of `compiled` by name if it extends nothing, as Django's ExtendsNode.render finds them."""
    try:
        return _root_blocks[compiled]
    except KeyError:
        pass
    blocks = None
    for node in compiled.nodelist:
        if not isinstance(node, TextNode):  # the first other node is {% extends %} if the template has one
            if not isinstance(node, ExtendsNode):
                blocks = {block.name: block for block in compiled.nodelist.get_nodes_by_type(BlockNode)}
            break
    _root_blocks[compiled] = blocks
    return blocks


class RememberedExtendsNode(ExtendsNode):
    def render(self, context):
        """Django's ExtendsNode.render, with the root template's blocks from `root_blocks()`."""
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        if (blocks := root_blocks(compiled_parent)) is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag
def extends(parser, token):
    node = do_extends(parser, token)
    return RememberedExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
