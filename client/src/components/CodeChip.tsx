/**
 * @module A code of the codebook as a coloured chip; the text colour follows the background.
 */

/** Black or white text for a `#rrggbb` / `#rgb` background; null when the colour is not hex. */
export function textColorFor(background: string): '#000' | '#fff' | null {
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(background.trim())?.[1]
  if (!hex) return null
  const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255) as [number, number, number]
  const lin = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
  // 0.179: where black and white text have equal contrast (WCAG).
  return luminance > 0.179 ? '#000' : '#fff'
}

export function CodeChip(props: { name: string; color: string }) {
  const style = () => {
    const text = textColorFor(props.color)
    // A colour that is not hex gets a neutral chip with a coloured border instead.
    return text ? { 'background-color': props.color, 'border-color': props.color, color: text } : { 'border-color': props.color }
  }
  return (
    <span class="chip" style={style()}>
      {props.name}
    </span>
  )
}
