import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  /** One value per x; null where there was no reading. */
  values: (number | null)[];
}

const PALETTE = ['#2f7ed8', '#e4572e', '#29a35a', '#a05fd1', '#d9a300', '#1aa3a3', '#c2185b', '#6d7a88'];

export interface ChartProps {
  title: string;
  /** Unix seconds. */
  x: number[];
  series: ChartSeries[];
  unit?: string;
  height?: number;
}

/** A live line chart; the series' labels decide its shape, new data only redraws. */
export function Chart({ title, x, series, unit = '', height = 160 }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((s) => s.label).join('\u0000');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true },
      cursor: { drag: { x: false, y: false } },
      axes: [
        { stroke: 'currentColor', grid: { stroke: 'rgba(128,128,128,0.2)' } },
        {
          stroke: 'currentColor',
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          values: (_u, vals) => vals.map((v) => `${+v.toFixed(3)}${unit}`),
          size: 60,
        },
      ],
      series: [
        {},
        ...shape
          .split('\u0000')
          .filter((l) => l !== '')
          .map((label, i) => ({ label, stroke: PALETTE[i % PALETTE.length], width: 2, spanGaps: false })),
      ],
    };
    const u = new uPlot(opts, [[]], el);
    plot.current = u;
    const ro = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [shape, height, unit]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)] as uPlot.AlignedData);
  });

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={box} role="img" aria-label={`${title} chart`} />
    </figure>
  );
}
