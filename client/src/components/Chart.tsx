/**
 * @module An ECharts chart drawn as SVG in the page (no canvas, no inline script, so the CSP
 * holds). The option comes from `server/core/charts.ts`, the same definitions the offline report
 * renders on the server; the numbers are always also shown as a table next to it.
 */
import { createEffect, onCleanup, onMount } from 'solid-js'
import type { ChartOption } from '../../../server/core/charts'
import { echarts } from '../../../server/report/echarts'

export function Chart(props: { option: ChartOption; height?: number; label: string }) {
  let element!: HTMLDivElement
  let chart: ReturnType<typeof echarts.init> | undefined
  onMount(() => {
    chart = echarts.init(element, null, { renderer: 'svg' })
    const observer = new ResizeObserver(() => chart?.resize())
    observer.observe(element)
    onCleanup(() => {
      observer.disconnect()
      chart?.dispose()
      chart = undefined
    })
  })
  createEffect(() => chart?.setOption(props.option, { notMerge: true }))
  return <div ref={element} class="chart" role="img" aria-label={props.label} style={{ height: `${props.height ?? 340}px` }} />
}
