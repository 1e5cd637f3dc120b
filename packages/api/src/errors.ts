import type { TRPC_ERROR_CODE_KEY } from '@trpc/server';

/**
 * The one error type of the domain. Codes map to tRPC codes and HTTP statuses here and only
 * here; the user-facing text comes from the message catalogue (`i18n/messages.ts`) by `key`.
 */
export const appErrorCodes = {
  BAD_REQUEST: { trpc: 'BAD_REQUEST', status: 400 },
  UNAUTHORIZED: { trpc: 'UNAUTHORIZED', status: 401 },
  FORBIDDEN: { trpc: 'FORBIDDEN', status: 403 },
  NOT_FOUND: { trpc: 'NOT_FOUND', status: 404 },
  CONFLICT: { trpc: 'CONFLICT', status: 409 },
  TOO_MANY_REQUESTS: { trpc: 'TOO_MANY_REQUESTS', status: 429 },
  INTERNAL: { trpc: 'INTERNAL_SERVER_ERROR', status: 500 },
} as const satisfies Record<string, { trpc: TRPC_ERROR_CODE_KEY; status: number }>;

export type AppErrorCode = keyof typeof appErrorCodes;

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(
    readonly code: AppErrorCode,
    /** A key of the message catalogue, e.g. `errors.opportunityNotFound`. */
    readonly key: string,
    readonly params: Record<string, string | number> = {},
    /** Field-level problems (validation), path → message key. */
    readonly fields?: { path: string; key: string; params?: Record<string, string | number> }[],
  ) {
    super(key);
  }

  get status(): number {
    return appErrorCodes[this.code].status;
  }

  get trpcCode(): TRPC_ERROR_CODE_KEY {
    return appErrorCodes[this.code].trpc;
  }
}

export const notFound = (entity: string) => new AppError('NOT_FOUND', 'errors.notFound', { entity });
export const forbidden = () => new AppError('FORBIDDEN', 'errors.forbidden');

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
