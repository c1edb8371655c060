/**
 * @module ECharts with only the parts the analysis charts use, registered once; imported by the
 * client's Chart component (SVG in the page) and by the report's server-side rendering (SVG text).
 */
import { BarChart, BoxplotChart, CustomChart, ScatterChart } from 'echarts/charts'
import { AriaComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { SVGRenderer } from 'echarts/renderers'

echarts.use([
  BarChart,
  BoxplotChart,
  CustomChart,
  ScatterChart,
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
])

export { echarts }
