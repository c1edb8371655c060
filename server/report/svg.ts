/**
 * @module A chart rendered on the server as SVG text (ECharts' server-side rendering: no DOM, no
 * canvas), for the offline report: the SVG needs no script to show.
 */
import type { ChartOption } from '../core/charts'
import { echarts } from './echarts'

/**
 * The chart as an `<svg>` element's markup.
 * @example renderSvg(patternDistributionChart(table), { width: 720, height: 360 }).startsWith('<svg')
 */
export function renderSvg(option: ChartOption, size: { width: number; height: number }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height })
  try {
    chart.setOption(option)
    return chart.renderToSVGString()
  } finally {
    chart.dispose()
  }
}
