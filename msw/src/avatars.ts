/** The mock's avatars (initials on a colour drawn from the id) drawn as SVG: a data URL needs no network. */

import { blake2b, fromBytes } from "./bits.js";

const encoder = new TextEncoder();

/** Python's colorsys.hls_to_rgb. */
function hlsToRgb(h: number, l: number, s: number): [number, number, number] {
  const m2 = l <= 0.5 ? l * (1 + s) : l + s - l * s;
  const m1 = 2 * l - m2;
  const v = (hue: number): number => {
    const x = ((hue % 1) + 1) % 1;
    if (x < 1 / 6) return m1 + (m2 - m1) * x * 6;
    if (x < 0.5) return m2;
    if (x < 2 / 3) return m1 + (m2 - m1) * (2 / 3 - x) * 6;
    return m1;
  };
  return [v(h + 1 / 3), v(h), v(h - 1 / 3)];
}

/** Python's round(): halves to even. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The viewer's background colour, as the mock draws it: the hue from a hash of the id. */
const colours = new Map<string, [number, number, number]>();

export function colour(viewerId: string): [number, number, number] {
  const kept = colours.get(viewerId);
  if (kept !== undefined) return kept;
  const found = drawColour(viewerId);
  if (colours.size >= 100_000) colours.clear();
  colours.set(viewerId, found);
  return found;
}

function drawColour(viewerId: string): [number, number, number] {
  const hue = Number(fromBytes(blake2b(encoder.encode(viewerId.toLowerCase()), 2))) / 65536;
  const [r, g, b] = hlsToRgb(hue, 0.42, 0.55);
  return [roundHalfEven(r * 255), roundHalfEven(g * 255), roundHalfEven(b * 255)];
}

const escapeXml = (text: string): string =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** The avatar as an SVG document: `letters` centred in white on the viewer's colour, `edge` pixels square. */
export function avatarSvg(viewerId: string, letters: string, edge: number): string {
  const [r, g, b] = colour(viewerId);
  const text = letters === "-" ? "" :
    `<text x='50%' y='50%' dominant-baseline='central' text-anchor='middle' fill='#fff' ` +
    `font-family='DejaVu Sans,Arial,sans-serif' font-size='${Math.trunc(edge * 0.42)}'>${escapeXml(letters)}</text>`;
  return `<svg xmlns='http://www.w3.org/2000/svg' width='${edge}' height='${edge}'>` +
    `<rect width='100%' height='100%' fill='rgb(${r},${g},${b})'/>${text}</svg>`;
}

/** A data URL of an SVG, escaped as little as a URI needs (RFC 3986: no spaces, quotes, `<`, `>`, `#` or `%`). */
export const svgDataUrl = (svg: string): string =>
  `data:image/svg+xml,${svg.replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]/g, (char) => encodeURIComponent(char))}`;
