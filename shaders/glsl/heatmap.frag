// heatmap.frag - a heat map with contour lines drawn per fragment.
//
// u_values holds s = (value - low) / (high - low) per grid cell (r32f, linear filtering, so s
// is interpolated between cell centres); s < -0.5 marks a cell with no value (left empty).
// The colour is u_colormap (a 256 x 1 lookup) at s. Contour k = 1..N lies where
// level = s (N + 1) is the integer k; fwidth(level) is how much the level changes from one
// pixel to the next, so |level - k| / fwidth(level) is the distance to the line in pixels, and
// the line keeps u_line_width pixels whatever the zoom or the slope of the surface.

uniform sampler2D u_values;
uniform sampler2D u_colormap;
uniform float u_levels;
uniform float u_line_width;
uniform vec4 u_line_color;
varying vec2 v_texcoord;

void main()
{
    float s = texture2D(u_values, v_texcoord).r;
    if (s < -0.5) {
        discard;
    }
    s = clamp(s, 0.0, 1.0);
    vec4 color = texture2D(u_colormap, vec2(s, 0.5));
    if (u_levels > 0.0) {
        float level = s * (u_levels + 1.0);
        float step = max(fwidth(level), 1e-6);
        float distance = abs(fract(level + 0.5) - 0.5) / step;
        float half_width = 0.5 * u_line_width;
        float line = 1.0 - smoothstep(half_width - 0.5, half_width + 0.5, distance);
        if (level < 0.5 || level > u_levels + 0.5) {
            line = 0.0;
        }
        color.rgb = mix(color.rgb, u_line_color.rgb, line * u_line_color.a);
    }
    gl_FragColor = vec4(color.rgb, 1.0);
}
