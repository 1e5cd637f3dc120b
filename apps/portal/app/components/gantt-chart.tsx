import { Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../utils/format.ts';
import { type Stage, stageColors } from '../utils/stages.ts';
import { linkClass } from './ui.tsx';

export interface GanttRow {
  id: string;
  name: string;
  accountName: string;
  ownerName: string;
  stage: Stage;
  amount: string;
  probability: number;
  start: string;
  end: string;
}

const DAY = 86_400_000;
const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);

const barFill: Record<string, string> = {
  lead: '#94a3b8',
  qualified: '#38bdf8',
  proposal: '#6366f1',
  negotiation: '#f59e0b',
  won: '#10b981',
  lost: '#f43f5e',
};

/**
 * Open deals as bars from creation to expected close: a small SVG of our own (no library
 * needed for rectangles on a time axis). The same rows follow as a table, which is what screen
 * readers and keyboard users get; the picture is `aria-hidden`.
 */
export function GanttChart({ rows, today }: { rows: GanttRow[]; today: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  if (rows.length === 0) return <p className="text-sm text-slate-600">{t('reports.empty')}</p>;
  const min = Math.min(...rows.map((r) => day(r.start)), day(today));
  const max = Math.max(...rows.map((r) => day(r.end)), day(today)) + DAY;
  const labelWidth = 220;
  const width = 960;
  const plot = width - labelWidth - 10;
  const rowHeight = 22;
  const top = 24;
  const height = top + rows.length * rowHeight + 8;
  const x = (ms: number) => labelWidth + ((ms - min) / (max - min)) * plot;
  // Month ticks on the axis.
  const ticks: number[] = [];
  const first = new Date(min);
  for (
    let d = Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 1);
    d < max;
    d = Date.UTC(new Date(d).getUTCFullYear(), new Date(d).getUTCMonth() + 1, 1)
  )
    ticks.push(d);
  const labelEvery = Math.max(1, Math.ceil(ticks.length / 12));
  const monthLabel = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    month: 'short',
    year: '2-digit',
    timeZone: 'UTC',
  });
  return (
    <div>
      <div className="overflow-x-auto">
        <svg
          viewBox={`0 0 ${width} ${height}`}
          width="100%"
          aria-hidden="true"
          data-testid="gantt-svg"
          className="min-w-[720px] text-xs"
        >
          {ticks.map((tick, i) => (
            <g key={tick}>
              <line x1={x(tick)} x2={x(tick)} y1={top - 6} y2={height} stroke="#e2e8f0" />
              {/* At most about twelve labels, however long the range. */}
              {i % labelEvery === 0 ? (
                <text x={x(tick) + 3} y={top - 10} fill="#475569" fontSize="11">
                  {monthLabel.format(new Date(tick))}
                </text>
              ) : null}
            </g>
          ))}
          <line
            x1={x(day(today))}
            x2={x(day(today))}
            y1={top - 6}
            y2={height}
            stroke="#e11d48"
            strokeDasharray="4 3"
          />
          {rows.map((r, i) => {
            const y = top + i * rowHeight;
            const x0 = x(day(r.start));
            const x1 = Math.max(x(day(r.end) + DAY), x0 + 3);
            return (
              <g key={r.id}>
                <text x={4} y={y + 15} fill="#0f172a" fontSize="12">
                  {r.name.length > 30 ? `${r.name.slice(0, 29)}…` : r.name}
                </text>
                <rect
                  x={x0}
                  y={y + 4}
                  width={x1 - x0}
                  height={rowHeight - 8}
                  rx={3}
                  fill={barFill[r.stage]}
                />
              </g>
            );
          })}
        </svg>
      </div>
      <table className="mt-4 w-full text-left text-sm">
        <caption className="sr-only">{t('reports.gantt.caption')}</caption>
        <thead>
          <tr className="border-b border-slate-200 text-slate-600">
            <th className="py-2 pr-3">{t('reports.col.deal')}</th>
            <th className="py-2 pr-3">{t('reports.col.account')}</th>
            <th className="py-2 pr-3">{t('reports.col.owner')}</th>
            <th className="py-2 pr-3">{t('reports.col.stage')}</th>
            <th className="py-2 pr-3 text-right">{t('reports.col.amount')}</th>
            <th className="py-2 pr-3">{t('reports.col.start')}</th>
            <th className="py-2 pr-3">{t('reports.col.end')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className="border-b border-slate-100">
              <td className="py-1 pr-3">
                <Link to={`/opportunities/${r.id}`} className={linkClass}>
                  {r.name}
                </Link>
              </td>
              <td className="py-1 pr-3">{r.accountName}</td>
              <td className="py-1 pr-3">{r.ownerName}</td>
              <td className="py-1 pr-3">
                <span className={`rounded-full px-2 py-0.5 text-xs ${stageColors[r.stage]}`}>
                  {t(`stage.${r.stage}`)}
                </span>
              </td>
              <td className="py-1 pr-3 text-right tabular-nums">{r.amount}</td>
              <td className="py-1 pr-3 tabular-nums">{formatDate(r.start, locale)}</td>
              <td className="py-1 pr-3 tabular-nums">{formatDate(r.end, locale)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
