"""Drawing the unchanged bottom layers of a picture once, for frames of an animation.

A frame of "h → 0" changes a secant line, two points and a readout; the grid, the
axes, the tick labels and the curve stay as they were. VisPy draws every visual
again each frame, and with software OpenGL most of a frame's time is that Python
work. :class:`LayerCache` keeps the longest *prefix* of the draw order in which
nothing changed as a picture (a texture), and a frame is then: copy the picture,
draw the rest. Only a prefix is kept, so what is drawn over what never changes and
the result equals drawing everything, byte for byte: the copy (``glCopyTexSubImage2D``,
a memory copy even in software OpenGL) writes back exactly the RGBA the prefix left.

What changed is learnt from VisPy itself: every node that changes asks its canvas
to redraw with ``canvas.update(node=...)``; a change to a node changes all its
descendants (a camera move updates its view box, an ancestor of everything the view
shows). Nodes that test depth (3D), themselves or through the visuals they are
made of, are never kept, nor is anything after them: the kept picture has no depth.

Above the kept picture, a node that did not change since the last frame is not drawn
by VisPy again: the OpenGL calls of its last draw are made again
(:mod:`derivlab.render.replay`), the same pixels for a fraction of the Python.
"""

from __future__ import annotations

from vispy import gloo
from vispy.color import Color
from vispy.gloo import gl

from . import replay

#: fewer unchanged nodes than this at the bottom are not worth a texture copy
MIN_KEPT_NODES = 4


def _tests_depth(node) -> bool:
    """True if the node, or any visual it is made of, turns the depth test on (3D visuals).

    Compound visuals (VisPy's Line, Rectangle, Isoline ...) keep no GL state of their
    own: the depth test lives on their sub-visuals, so those are asked too.
    """
    share = getattr(node, "_vshare", None)
    state = getattr(share, "gl_state", None) if share is not None else None
    if state:
        if "depth_test" in state:
            if state["depth_test"]:
                return True
        else:
            preset = state.get("preset")
            if preset is not None and gloo.get_state_presets().get(preset, {}).get("depth_test", False):
                return True
    return any(_tests_depth(part) for part in getattr(node, "_subvisuals", ()) or ())


class LayerCache:
    """Draws a ``SceneCanvas`` into the bound framebuffer, reusing its unchanged first layers.

    Call :meth:`draw` where ``canvas._draw_scene`` would be called (with the target
    framebuffer pushed). :meth:`invalidate` forgets the picture (a resize does it
    by itself). ``kept`` is how many nodes the last frame copied instead of drawing.
    """

    def __init__(self, canvas) -> None:
        self.canvas = canvas
        self._changed: set[int] = set()
        self._everything_changed = True
        self._kept: list = []  # nodes drawn into the picture, in order
        self._bgcolor = None
        self._size: tuple[int, int] | None = None
        self._fbo: gloo.FrameBuffer | None = None
        self.kept = 0
        #: id(node) -> (node, recorded calls, or None where its draw cannot be replayed)
        self._recorded: dict[int, tuple[object, list | None]] = {}
        self.replayed = 0  # how many nodes the last frame replayed
        self._canvas_update = canvas.update
        canvas.update = self._on_update

    def close(self) -> None:
        """Stop listening and free the picture."""
        if self.canvas.update == self._on_update:
            self.canvas.update = self._canvas_update
        self._free()

    def invalidate(self) -> None:
        self._everything_changed = True
        self._recorded.clear()

    def _on_update(self, node=None):
        # update() without a node only asks for a redraw; changes name their node, and a
        # node added or removed shows as a different draw order
        if node is not None and not getattr(self.canvas, "_drawing", False):
            self._changed.add(id(node))
        return self._canvas_update(node)

    # -- drawing -----------------------------------------------------------------
    def _drawn_nodes(self) -> list[tuple[object, bool]]:
        """(node, changed) for every node the canvas would draw, in its order."""
        canvas = self.canvas
        root = canvas.scene
        if root not in canvas._draw_order:
            canvas._draw_order[root] = canvas._generate_draw_order()
        nodes = []
        changed = self._changed
        stack: list[bool] = []
        invisible = None
        for node, start in canvas._draw_order[root]:
            if start:
                dirty = self._everything_changed or id(node) in changed or (stack[-1] if stack else False)
                stack.append(dirty)
                if invisible is None:
                    if not node.visible:
                        invisible = node
                    elif hasattr(node, "draw"):
                        nodes.append((node, dirty))
            else:
                if node is invisible:
                    invisible = None
                stack.pop()
        return nodes

    def draw(self, target: gloo.FrameBuffer, bgcolor) -> None:
        """Clear to ``bgcolor`` and draw the scene into ``target``, the framebuffer on top of the
        canvas's stack; its colour buffer must be a texture (the kept picture is copied into it)."""
        canvas = self.canvas
        height, width = target.color_buffer.shape[:2]
        size = (width, height)
        bgcolor = tuple(float(c) for c in (Color(bgcolor).rgba if bgcolor is not None else canvas.bgcolor.rgba))
        if size != self._size or bgcolor != self._bgcolor:
            self._everything_changed = True
        if self._everything_changed:
            self._recorded.clear()
        nodes = self._drawn_nodes()
        count = len(self._kept)
        valid = (
            0 < count <= len(nodes)
            and all(node is kept for (node, _), kept in zip(nodes, self._kept, strict=False))
            and not any(dirty for _, dirty in nodes[:count])
        )
        if not valid:
            count = 0
            for node, dirty in nodes:
                if dirty or _tests_depth(node):
                    break
                count += 1
            if count >= MIN_KEPT_NODES:
                self._keep(nodes[:count], bgcolor, size)
            else:
                count = 0
                self._kept = []
        # The copied picture covers every pixel, so colour needs no clearing under it, and
        # depth only when a node drawn this frame tests it: with software OpenGL clearing
        # depth writes every pixel of the depth buffer, about 2 ms a 1080p frame.
        drawn_test_depth = any(_tests_depth(node) for node, _ in nodes[count:])
        canvas.context.clear(color=False if count else bgcolor, depth=drawn_test_depth)
        canvas._drawing = True
        try:
            if count:
                self._copy_picture(target, size)
                restore = getattr(self._kept[-1], "_configure_gl_state", None)
                if restore is not None and getattr(self._kept[-1], "_vshare", None) is not None:
                    restore()  # the GL state the last kept node leaves behind
            self.replayed = self._draw_above(nodes[count:])
        finally:
            canvas._drawing = False
        self.kept = count
        self._changed.clear()
        self._everything_changed = False
        self._bgcolor = bgcolor
        self._size = size

    def _draw_above(self, nodes: list[tuple[object, bool]]) -> int:
        """Draw the nodes above the picture: those unchanged since their last draw by replaying
        its OpenGL calls, the others (and each one's first unchanged draw, recorded) by VisPy.
        Returns how many were replayed."""
        context = self.canvas.context
        recorded = self._recorded
        env = context.shared.parser.env
        replayed = 0
        for node, dirty in nodes:
            entry = recorded.get(id(node))
            if entry is not None and entry[0] is not node:
                entry = None  # another node at the address of a freed one
            if dirty:
                recorded.pop(id(node), None)
                node.draw()
            elif entry is not None and entry[1] is not None:
                replay.replay(entry[1])
                # VisPy skips glUseProgram for the program it made current last; that is
                # no longer the one in use
                env.pop("current_program", None)
                replayed += 1
            elif entry is not None:
                node.draw()  # unchanged, but its draw cannot be replayed
            else:
                context.flush_commands()  # nothing else's queued commands in the recording
                env.pop("current_program", None)  # so the recording starts with its program
                with replay.recording() as rec:
                    node.draw()
                    context.flush_commands()
                recorded[id(node)] = (node, rec.calls if rec.valid and rec.calls else None)
        return replayed

    def _keep(self, nodes: list[tuple[object, bool]], bgcolor, size: tuple[int, int]) -> None:
        """Draw ``nodes`` into the picture."""
        canvas = self.canvas
        if self._fbo is None or self._fbo.color_buffer.shape[:2] != (size[1], size[0]):
            self._free()
            texture = gloo.Texture2D(shape=(size[1], size[0], 4), format="rgba", interpolation="nearest")
            self._fbo = gloo.FrameBuffer(color=texture, depth=gloo.RenderBuffer((size[1], size[0])))
        canvas.push_fbo(self._fbo, (0, 0), canvas.size)
        canvas._drawing = True
        try:
            canvas.context.clear(color=bgcolor, depth=True)
            for node, _ in nodes:
                node.draw()
        finally:
            canvas._drawing = False
            canvas.pop_fbo()
        self._kept = [node for node, _ in nodes]

    def _copy_picture(self, target: gloo.FrameBuffer, size: tuple[int, int]) -> None:
        """The picture into ``target``'s colour texture (after what is queued, the clear, has run)."""
        assert self._fbo is not None
        context = self.canvas.context
        context.flush_commands()
        parser = context.shared.parser
        picture = parser.get_object(self._fbo.id).handle
        texture = parser.get_object(target.color_buffer.id).handle
        bound = parser.env.get("fb_stack", [0])[-1]
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, picture)
        gl.glBindTexture(gl.GL_TEXTURE_2D, texture)
        gl.glCopyTexSubImage2D(gl.GL_TEXTURE_2D, 0, 0, 0, 0, 0, size[0], size[1])
        gl.glBindTexture(gl.GL_TEXTURE_2D, 0)
        gl.glBindFramebuffer(gl.GL_FRAMEBUFFER, bound)

    def _free(self) -> None:
        if self._fbo is not None:
            try:
                self._fbo.color_buffer.delete()
                self._fbo.depth_buffer.delete()
                self._fbo.delete()
            except Exception:  # noqa: BLE001 - the context may be gone
                pass
        self._fbo = None
        self._kept = []
        self._recorded.clear()
