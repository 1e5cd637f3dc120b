import { data, type LoaderFunctionArgs } from '@remix-run/node';
import { GeneralErrorBoundary } from '../components/error-boundary.tsx';
import { translate } from '../utils/api.server.ts';
import { requireUser } from '../utils/session.server.ts';

export async function loader({ context, request }: LoaderFunctionArgs) {
  requireUser(context, request);
  throw data(
    { message: translate(context.locale, 'errors.notFound', { entity: 'entity.page' }) },
    { status: 404 },
  );
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />;
}
