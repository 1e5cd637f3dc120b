import { type ActionFunctionArgs, redirect } from '@remix-run/node';

export async function action({ context, request }: ActionFunctionArgs) {
  if (!context.principal) return redirect('/login');
  const cookie = await context.auth.logout(request.headers.get('cookie'), context.principal);
  return redirect('/login', { headers: { 'Set-Cookie': cookie } });
}

export async function loader() {
  return redirect('/');
}
