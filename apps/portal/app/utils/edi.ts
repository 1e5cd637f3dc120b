/** Colours of EDI message statuses in the monitor (shared by the list and the detail page). */
export const ediStatusColors: Record<string, string> = {
  received: 'bg-blue-100 text-blue-800',
  processed: 'bg-emerald-100 text-emerald-800',
  rejected: 'bg-rose-100 text-rose-800',
  duplicate: 'bg-slate-200 text-slate-700',
  queued: 'bg-amber-100 text-amber-900',
  sent: 'bg-emerald-100 text-emerald-800',
  failed: 'bg-rose-100 text-rose-800',
};

export const ediDirections = ['inbound', 'outbound'] as const;
export const ediStatuses = [
  'received',
  'processed',
  'rejected',
  'duplicate',
  'queued',
  'sent',
  'failed',
] as const;
