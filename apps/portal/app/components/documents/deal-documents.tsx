/** The documents card of a deal: its documents (title, shared mark, preview) and a create form. */
import { Form, Link } from '@remix-run/react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../../utils/format.ts';
import { buttonClass, Card, inputClass, linkClass } from '../ui.tsx';

export interface DealDocumentItem {
  id: string;
  title: string;
  sharedWithPartners: boolean;
  preview: string;
  updatedAt: string | Date;
}

export function DealDocuments({
  opportunityId,
  documents,
  canCreate,
  showShared,
}: {
  opportunityId: string;
  documents: DealDocumentItem[];
  canCreate: boolean;
  /** Staff see which documents partners can see; partners see only shared ones anyway. */
  showShared: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en' : 'de';
  return (
    <Card title={t('documents.title')}>
      <div data-testid="deal-documents" className="space-y-4">
        {documents.length === 0 ? (
          <p className="text-sm text-slate-600">{t('documents.none')}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {documents.map((d) => (
              <li key={d.id} className="py-2">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <Link to={`/documents/${d.id}`} className={`${linkClass} font-medium`}>
                    {d.title}
                  </Link>
                  <span className="text-xs text-slate-500">
                    {showShared ? (
                      <span
                        className={`mr-2 rounded-full px-2 py-0.5 ${d.sharedWithPartners ? 'bg-emerald-50 text-emerald-800' : 'bg-slate-100 text-slate-700'}`}
                      >
                        {d.sharedWithPartners ? t('documents.shared') : t('documents.internal')}
                      </span>
                    ) : null}
                    {t('documents.updated', { date: formatDateTime(d.updatedAt, locale) })}
                  </span>
                </div>
                {d.preview ? <p className="mt-1 line-clamp-2 text-sm text-slate-600">{d.preview}</p> : null}
              </li>
            ))}
          </ul>
        )}
        {canCreate ? (
          <Form
            method="post"
            action={`/opportunities/${opportunityId}/documents/new`}
            className="flex flex-wrap items-end gap-2"
          >
            <div className="min-w-48 flex-1">
              <label htmlFor="new-document-title" className="mb-1 block text-sm font-medium text-slate-700">
                {t('documents.new')}
              </label>
              <input
                id="new-document-title"
                name="title"
                required
                maxLength={200}
                placeholder={t('documents.titlePlaceholder')}
                className={inputClass}
              />
            </div>
            <button type="submit" className={buttonClass}>
              {t('documents.create')}
            </button>
          </Form>
        ) : null}
      </div>
    </Card>
  );
}
