/** A small line chart of a ward's poor and near-poor rates over the review rounds (Chart.js, tree-shaken). */
import { CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { fmtDecimal, fmtPct, lang, t } from '../i18n/index.ts';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export interface TrendSeries {
  rounds: number[];
  poor: (number | null)[];
  nearPoor: (number | null)[];
}

export function drawTrend(canvas: HTMLCanvasElement, s: TrendSeries): Chart {
  return new Chart(canvas, {
    type: 'line',
    data: {
      labels: s.rounds.map(String),
      datasets: [
        { label: t('measure.poor'), data: s.poor, borderColor: '#bd0026', backgroundColor: '#bd0026', spanGaps: true },
        { label: t('measure.nearPoor'), data: s.nearPoor, borderColor: '#1f5fa8', backgroundColor: '#1f5fa8', borderDash: [6, 3], spanGaps: true },
      ],
    },
    options: {
      // One number format per language, axis ticks included ("2,5" in Vietnamese).
      locale: lang() === 'vi' ? 'vi-VN' : 'en-GB',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmtPct(c.parsed.y)} %` } },
      },
      scales: {
        y: { beginAtZero: true, title: { display: true, text: t('panel.ratePct') }, ticks: { callback: (v) => fmtDecimal(Number(v)) } },
        x: { title: { display: true, text: t('common.round') } },
      },
    },
  });
}
