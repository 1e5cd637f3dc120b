import { useTranslation } from 'react-i18next';
import { secondaryButtonClass } from './ui.tsx';

/**
 * Download links for the list as it is filtered now: one for German Excel (`;`, decimal comma),
 * one plain CSV (`,`, ISO dates). Plain anchors: a download is a document request, not a fetch.
 */
export function CsvExportLinks({ base, query }: { base: string; query: string }) {
  const { t } = useTranslation();
  const params = (dialect: string) => {
    const p = new URLSearchParams(query.replace(/^\?/, ''));
    p.delete('cursor');
    p.set('dialect', dialect);
    return `${base}?${p}`;
  };
  return (
    <>
      <a href={params('excel-de')} download className={secondaryButtonClass}>
        {t('csv.exportExcel')}
      </a>
      <a href={params('standard')} download className={secondaryButtonClass}>
        {t('csv.exportCsv')}
      </a>
    </>
  );
}
