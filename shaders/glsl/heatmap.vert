// heatmap.vert - a quad over the heat map's x and y ranges; texture coordinates 0..1 across it.
// The transform is VisPy's data-to-clip transform chain, filled in by derivlab/render/heatmap.py.

attribute vec2 a_position;
attribute vec2 a_texcoord;
varying vec2 v_texcoord;

void main()
{
    v_texcoord = a_texcoord;
    gl_Position = $transform(vec4(a_position, 0.0, 1.0));
}
